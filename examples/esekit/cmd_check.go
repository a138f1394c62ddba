package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/recovery"
)

func cmdCheck() command {
	return command{
		name:    "check",
		args:    "DIR [DB...]",
		summary: "check a log folder (gaps, foreign logs, current log, circular logging) and whether each database can be brought clean by soft recovery",
		setup: func(fs *flag.FlagSet) any {
			o := &checkOpts{}
			fs.StringVar(&o.checkpoint, "checkpoint", "", "checkpoint file (default: the checkpoint found in DIR, if any)")
			fs.BoolVar(&o.noCheckpoint, "no-checkpoint", false, "ignore any checkpoint: replay starts at the lowest log")
			return o
		},
		run: runCheck,
	}
}

type checkOpts struct {
	checkpoint   string
	noCheckpoint bool
}

// rangeJSON is an inclusive generation range.
type rangeJSON struct {
	Low  ese.Generation `json:"low"`
	High ese.Generation `json:"high"`
}

// currentJSON names the current log.
type currentJSON struct {
	File       string         `json:"file"`
	Generation ese.Generation `json:"generation"`
}

// setFileJSON is one file of the folder as the set scanner saw it.
type setFileJSON struct {
	File       string         `json:"file"`
	Role       string         `json:"role"`
	Generation ese.Generation `json:"generation"`
	Format     string         `json:"format,omitempty"`
	Status     string         `json:"status"`
	Note       string         `json:"note,omitempty"`
}

// problemJSON is one finding about the set.
type problemJSON struct {
	Kind        string           `json:"kind"`
	Error       int32            `json:"error"`
	Files       []string         `json:"files,omitempty"`
	Generations []ese.Generation `json:"generations,omitempty"`
	Message     string           `json:"message"`
	Remedy      string           `json:"remedy,omitempty"`
}

// replayJSON is the engine's walk over the folder.
type replayJSON struct {
	Start          ese.Generation `json:"start"`
	End            ese.Generation `json:"end"`
	FromCheckpoint bool           `json:"from_checkpoint"`
	NewStream      bool           `json:"new_stream"`
	Files          []string       `json:"files"`
	Error          int32          `json:"error"`
	FailedAt       ese.Generation `json:"failed_at,omitempty"`
	Message        string         `json:"message,omitempty"`
}

// checkpointRefJSON is the checkpoint used.
type checkpointRefJSON struct {
	File         string  `json:"file"`
	Checkpoint   posJSON `json:"checkpoint"`
	LogSignature sigJSON `json:"log_signature"`
	Error        string  `json:"error,omitempty"`
}

// verdictJSON is the answer for one database.
type verdictJSON struct {
	File         string           `json:"file"`
	Type         string           `json:"type"`
	State        string           `json:"state"`
	Anchor       ese.Generation   `json:"anchor"`
	AnchorLog    string           `json:"anchor_log,omitempty"`
	Required     rangeJSON        `json:"required"`
	Missing      []ese.Generation `json:"missing"`
	MissingCount int64            `json:"missing_count"`
	Replayable   bool             `json:"replayable"`
	Error        int32            `json:"error"`
	Message      string           `json:"message"`
	// Remedy says what would let recovery go ahead (a gap: the missing
	// logs to restore, or the logs below it to move aside).
	Remedy string `json:"remedy,omitempty"`
}

// checkJSON is the log-set verdict of a folder (issue 3).
type checkJSON struct {
	File        string             `json:"file"`
	Type        string             `json:"type"`
	Base        string             `json:"base"`
	Ext         string             `json:"ext"`
	Signature   sigJSON            `json:"signature"`
	Generations []ese.Generation   `json:"generations"`
	Gaps        []rangeJSON        `json:"gaps"`
	Foreign     []string           `json:"foreign"`
	Current     *currentJSON       `json:"current"`
	Circular    bool               `json:"circular"`
	Checkpoint  *checkpointRefJSON `json:"checkpoint"`
	Replay      replayJSON         `json:"replay"`
	Databases   []verdictJSON      `json:"databases"`
	Problems    []problemJSON      `json:"problems"`
	Files       []setFileJSON      `json:"files"`
	// DeletableLogs are the generations of the numbered logs that may be
	// removed once backed up (recovery.TruncatableLogs): below the
	// checkpoint's, below every dirty database's minimum required; never
	// the checkpoint's own log nor the current log.
	DeletableLogs []ese.Generation `json:"deletable_logs"`
	// Incremental is what an incremental backup of the folder must copy
	// since the last full or incremental backup its databases record.
	Incremental *incrementalJSON `json:"incremental,omitempty"`
	// Backup is the online backup set the folder holds, when it has .pat
	// files: their form and hard recovery's verdict.
	Backup *backupSetJSON `json:"backup,omitempty"`
	// Error is the first engine error: of the first database that is not
	// replayable, else of the first problem that stops recovery; 0 if none.
	Error int32 `json:"error"`
}

// incrementalJSON is what an incremental backup of the folder must copy
// (recovery.IncrementalAnswer), with its error as a signed engine code like
// every other "error" field of the CLI's JSON.
type incrementalJSON struct {
	Since   ese.Generation   `json:"since"`
	Through ese.Generation   `json:"through"`
	Logs    []string         `json:"logs"`
	Missing []ese.Generation `json:"missing"`
	Error   int32            `json:"error"`
	Message string           `json:"message"`
}

// typeLogSet is the "type" of a check report: a folder, not a file.
const typeLogSet = "log_set"

// checkFolder prints the inspection (recovery.Inspect) of the folder fsys
// as the check report. dbs are the databases to judge (when nil, every
// database found in the folder); ckpt is the checkpoint (when nil and
// useFolderCkpt, the one found in the folder).
func checkFolder(fsys fs.FS, label string, labelOf func(string) string, dbs []input, ckpt *input, useFolderCkpt bool) (checkJSON, error) {
	out := checkJSON{File: label, Type: typeLogSet, Generations: []ese.Generation{}, Gaps: []rangeJSON{},
		Foreign: []string{}, Databases: []verdictJSON{}, Problems: []problemJSON{}, Files: []setFileJSON{},
		DeletableLogs: []ese.Generation{}}
	opts := &recovery.InspectOptions{Name: labelOf, NoCheckpoint: !useFolderCkpt}
	for _, d := range dbs {
		opts.Databases = append(opts.Databases, recovery.DatabaseFile{Name: d.name, R: d.r})
	}
	if ckpt != nil {
		opts.Checkpoint, opts.CheckpointName = ckpt.r, ckpt.name
	}
	ins, err := recovery.Inspect(context.Background(), fsys, opts)
	if err != nil {
		return out, err
	}
	set := ins.Set
	out.Base, out.Ext = set.Base, set.Ext
	out.Signature = sig(set.Signature)
	out.Generations = append(out.Generations, set.Generations...)
	for _, g := range set.Gaps {
		out.Gaps = append(out.Gaps, rangeJSON{g.Low, g.High})
	}
	out.Foreign = append(out.Foreign, set.Foreign...)
	if set.Current != nil {
		out.Current = &currentJSON{File: set.Current.File, Generation: set.Current.Generation}
	}
	out.Circular = set.Circular
	for _, f := range set.Files {
		out.Files = append(out.Files, setFileJSON{File: f.File, Role: string(f.Role), Generation: f.Generation,
			Format: f.Format, Status: string(f.Status), Note: f.Note})
	}
	for _, p := range set.Problems {
		out.Problems = append(out.Problems, problemJSON{Kind: p.Kind, Error: int32(p.Code), Files: p.Files,
			Generations: p.Generations, Message: cliText(p.Message), Remedy: cliText(p.Remedy)})
	}
	if c := ins.Checkpoint; c != nil {
		ref := &checkpointRefJSON{File: c.File}
		if c.Err != nil {
			ref.Error = c.Err.Error()
		} else {
			ref.Checkpoint = pos(c.Checkpoint.Checkpoint)
			ref.LogSignature = sig(c.Checkpoint.LogSignature)
		}
		out.Checkpoint = ref
	}
	for _, l := range ins.Truncatable {
		out.DeletableLogs = append(out.DeletableLogs, l.Generation)
	}
	rp := ins.Replay
	out.Replay = replayJSON{Start: rp.Start, End: rp.End, FromCheckpoint: rp.FromCheckpoint,
		NewStream: rp.NewStream, Files: append([]string{}, rp.Files...), Error: int32(rp.Error),
		FailedAt: rp.FailedAt, Message: cliText(rp.Message)}
	for _, d := range ins.Databases {
		vd := d.Verdict
		out.Databases = append(out.Databases, verdictJSON{File: d.File, Type: typeDatabase, State: vd.State,
			Anchor: vd.Anchor, AnchorLog: d.AnchorLog, Required: rangeJSON{vd.Required.Low, vd.Required.High},
			Missing: append([]ese.Generation{}, vd.Missing...), MissingCount: vd.MissingCount, Replayable: vd.Replayable,
			Error: int32(vd.Error), Message: cliText(vd.Message), Remedy: cliText(vd.Remedy)})
	}
	if a := ins.Incremental; a != nil {
		out.Incremental = &incrementalJSON{Since: a.Since, Through: a.Through, Logs: a.Logs,
			Missing: a.Missing, Error: int32(a.Error), Message: cliText(a.Message)}
	}
	out.Backup = backupSetJSONOf(ins.Backup)
	out.Error = int32(ins.Error)
	return out, nil
}

func runCheck(e *env, opts any, args []string) int {
	o := opts.(*checkOpts)
	if len(args) == 0 {
		return e.usage()
	}
	dir := args[0]
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		fmt.Fprintf(e.stderr, "esekit check: %s is not a folder\n", dir)
		return exitUsage
	}
	var dbs []input
	var closers []io.Closer
	defer func() { closeAll(closers) }()
	for _, name := range args[1:] {
		in, c, err := openInput(name)
		if err != nil {
			fmt.Fprintf(e.stderr, "esekit check: %s\n", cliText(err.Error()))
			return statusOf(err)
		}
		closers = append(closers, c)
		dbs = append(dbs, in)
	}
	var ckpt *input
	if o.checkpoint != "" {
		in, c, err := openInput(o.checkpoint)
		if err != nil {
			fmt.Fprintf(e.stderr, "esekit check: -checkpoint: %s\n", cliText(err.Error()))
			return statusOf(err)
		}
		closers = append(closers, c)
		ckpt = &in
	}
	labelOf := func(n string) string { return filepath.Join(dir, n) }
	out, err := checkFolder(os.DirFS(dir), dir, labelOf, dbs, ckpt, !o.noCheckpoint)
	if err != nil {
		fmt.Fprintf(e.stderr, "esekit check: %s\n", cliText(err.Error()))
		return exitBad
	}
	if e.json {
		e.emit(out)
	} else {
		printCheck(e.stdout, out)
	}
	if out.Error != 0 {
		return exitBad
	}
	return exitOK
}

// printCheck prints the verdict for people.
func printCheck(w io.Writer, c checkJSON) {
	fmt.Fprintf(w, "log folder %s\n", c.File)
	if c.Base != "" {
		fmt.Fprintf(w, "  log base name:  %s (%s)\n", c.Base, c.Ext)
	}
	if len(c.Generations) > 0 {
		fmt.Fprintf(w, "  generations:    %s (%d logs)\n", genRange(c.Generations[0], c.Generations[len(c.Generations)-1]), len(c.Generations))
	} else {
		fmt.Fprintln(w, "  generations:    none")
	}
	if c.Signature.Random != 0 || c.Signature.Created != "" {
		fmt.Fprintf(w, "  log signature:  %s\n", c.Signature)
	}
	if c.Current != nil {
		fmt.Fprintf(w, "  current log:    %s (generation 0x%X)\n", filepath.Base(c.Current.File), c.Current.Generation)
	} else {
		fmt.Fprintln(w, "  current log:    missing")
	}
	for _, g := range c.Gaps {
		fmt.Fprintf(w, "  gap:            0x%X-0x%X\n", g.Low, g.High)
	}
	for _, f := range c.Foreign {
		fmt.Fprintf(w, "  foreign log:    %s (another log stream)\n", filepath.Base(f))
	}
	if c.Circular {
		fmt.Fprintln(w, "  circular logging is on: roll-forward from an older backup is impossible")
	}
	if c.Checkpoint != nil {
		if c.Checkpoint.Error != "" {
			fmt.Fprintf(w, "  checkpoint:     %s: %s\n", filepath.Base(c.Checkpoint.File), c.Checkpoint.Error)
		} else {
			p := c.Checkpoint.Checkpoint
			fmt.Fprintf(w, "  checkpoint:     %s at %s\n", filepath.Base(c.Checkpoint.File), posText(p))
		}
	}
	if len(c.DeletableLogs) > 0 {
		fmt.Fprintf(w, "  deletable logs: %s (below the checkpoint generation; remove only once backed up; KB Q296787, backup step 6)\n", genRange(c.DeletableLogs[0], c.DeletableLogs[len(c.DeletableLogs)-1]))
	}
	for _, p := range c.Problems {
		code := ""
		if p.Error != 0 {
			code = fmt.Sprintf(" [%d]", p.Error)
		}
		fmt.Fprintf(w, "  problem (%s)%s: %s\n", p.Kind, code, p.Message)
		if p.Remedy != "" {
			fmt.Fprintf(w, "      remedy: %s\n", p.Remedy)
		}
	}
	r := c.Replay
	if r.Error != 0 {
		fmt.Fprintf(w, "  soft recovery would stop with %d (%s): %s\n", r.Error, ese.Error(r.Error).Name(), r.Message)
	} else if len(r.Files) > 0 {
		fmt.Fprintf(w, "  soft recovery would replay generations 0x%X-0x%X\n", r.Start, r.End)
	}
	printBackupSet(w, c.Backup)
	for _, d := range c.Databases {
		fmt.Fprintf(w, "  database %s (%s)\n", d.File, d.State)
		if d.Required.Low != 0 {
			fmt.Fprintf(w, "      requires generations %s", genRange(d.Required.Low, d.Required.High))
			if d.AnchorLog != "" {
				fmt.Fprintf(w, ", anchor log %s", d.AnchorLog)
			}
			fmt.Fprintln(w)
		}
		if len(d.Missing) > 0 {
			fmt.Fprintf(w, "      missing generations: %d, first 0x%X\n", d.MissingCount, d.Missing[0])
		}
		if d.Replayable {
			fmt.Fprintf(w, "      verdict: %s\n", strings.TrimPrefix(d.Message, "replayable: "))
		} else {
			fmt.Fprintf(w, "      verdict: NOT replayable, error %d (%s): %s\n", d.Error, ese.Error(d.Error).Name(), d.Message)
		}
		if d.Remedy != "" {
			fmt.Fprintf(w, "      remedy: %s\n", d.Remedy)
		}
	}
}

// genRange prints an inclusive generation range: "0x51" or "0x4E-0x52".
func genRange(lo, hi ese.Generation) string {
	if lo == hi {
		return genText(lo)
	}
	return genText(lo) + "-" + genText(hi)
}
