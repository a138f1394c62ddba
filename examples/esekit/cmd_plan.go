package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/recovery"
)

func cmdPlan() command {
	return command{
		name:    "plan",
		args:    "DIR|DB...",
		summary: "decide soft recovery (or hard recovery with -hard) as the engine would, before any page is written: logs, per-database ranges, or the exact engine error",
		setup: func(fs *flag.FlagSet) any {
			o := &planOpts{}
			fs.BoolVar(&o.hard, "hard", false, "hard recovery (restore from an online backup): the first DIR is the restore folder with the backup's logs and .pat files, a second DIR the logs already on disk")
			fs.StringVar(&o.ripFile, "rip", "", "Restore in Progress key (.reg): LowLog/HighLog and EDB_RstMap")
			fs.Var(&o.maps, "map", "restore map entry OLD=NEW: a logged database path and where the file is now (repeatable)")
			fs.StringVar(&o.checkpoint, "checkpoint", "", "soft recovery: checkpoint file (default: the checkpoint found in the log folder)")
			fs.BoolVar(&o.noCheckpoint, "no-checkpoint", false, "soft recovery: ignore any checkpoint")
			addSwitchFlags(fs, &o.sw)
			return o
		},
		run: runPlan,
	}
}

type planOpts struct {
	hard         bool
	ripFile      string
	maps         multiFlag
	checkpoint   string
	noCheckpoint bool
	sw           switchFlags
}

// planLogJSON is one log of a plan, in replay order.
type planLogJSON struct {
	File       string         `json:"file"`
	Generation ese.Generation `json:"generation"`
	FromBackup bool           `json:"from_backup"`
	NeedsPatch bool           `json:"needs_patch"`
}

// planDBJSON is what the plan does to one database.
type planDBJSON struct {
	File       string         `json:"file"`
	ReplayFrom ese.Generation `json:"replay_from"`
	ReplayTo   ese.Generation `json:"replay_to"`
	Action     string         `json:"action"`
	LoggedPath string         `json:"logged_path,omitempty"`
	// TruncateAt is where replay into the database stops early (an
	// attachment that changed its signature or path; KB Q296787).
	TruncateAt *posJSON `json:"truncate_at,omitempty"`
	Patch      string   `json:"patch,omitempty"`
	// PatchForm is where the patch header is: "patch-file" or
	// "marker+trailer" (a zero-length .pat and the copy's trailer page).
	PatchForm string `json:"patch_form,omitempty"`
	Error     int32  `json:"error"`
	Message   string `json:"message,omitempty"`
}

// planEventJSON is one decision.
type planEventJSON struct {
	Kind       string         `json:"kind"`
	Message    string         `json:"message"`
	Files      []string       `json:"files,omitempty"`
	Generation ese.Generation `json:"generation,omitempty"`
	Error      int32          `json:"error,omitempty"`
}

// planJSON is a recovery plan (issue 5).
type planJSON struct {
	File      string        `json:"file"`
	Type      string        `json:"type"`
	Mode      string        `json:"mode"`
	Start     posJSON       `json:"start"`
	End       posJSON       `json:"end"`
	Logs      []planLogJSON `json:"logs"`
	Databases []planDBJSON  `json:"databases"`
	Error     int32         `json:"error"`
	Message   string        `json:"message"`
	// Remedy says what would let recovery go ahead, when the planner
	// knows; MissingLogs names the missing log files the error is about.
	Remedy      string          `json:"remedy,omitempty"`
	MissingLogs string          `json:"missing_logs,omitempty"`
	Events      []planEventJSON `json:"events"`
	// RestoreMap says, entry by entry, whether the restore map (-rip's
	// EDB_RstMap, -map) renames a database path the logs name.
	RestoreMap []mapUseJSON `json:"restore_map,omitempty"`
}

// mapUseJSON is one restore map entry and whether the plan uses it.
type mapUseJSON struct {
	From   string   `json:"from"`
	To     string   `json:"to"`
	Used   bool     `json:"used"`
	Logged []string `json:"logged,omitempty"`
}

// typePlan is the "type" of a plan report.
const typePlan = "recovery_plan"

func planToJSON(label string, p *recovery.Plan) planJSON {
	out := planJSON{File: label, Type: typePlan, Mode: string(p.Mode), Start: pos(p.Start), End: pos(p.End),
		Logs: []planLogJSON{}, Databases: []planDBJSON{}, Error: int32(p.Error), Message: cliText(p.Message),
		Remedy: cliText(p.Remedy), MissingLogs: p.MissingLogs, Events: []planEventJSON{}}
	for _, l := range p.Logs {
		out.Logs = append(out.Logs, planLogJSON{File: l.File, Generation: l.Generation, FromBackup: l.FromBackup, NeedsPatch: l.NeedsPatch})
	}
	for _, d := range p.Databases {
		dj := planDBJSON{File: d.File, ReplayFrom: d.ReplayFrom, ReplayTo: d.ReplayTo,
			Action: d.Action, LoggedPath: d.LoggedPath, Patch: d.Patch, PatchForm: string(d.PatchForm), Error: int32(d.Error), Message: cliText(d.Message)}
		if d.TruncateAt != nil {
			t := pos(*d.TruncateAt)
			dj.TruncateAt = &t
		}
		out.Databases = append(out.Databases, dj)
	}
	for _, e := range p.Events {
		out.Events = append(out.Events, planEventJSON{Kind: string(e.Kind), Message: cliText(e.Message), Files: e.Files,
			Generation: e.Generation, Error: int32(e.Code)})
	}
	for _, u := range p.RestoreMap {
		out.RestoreMap = append(out.RestoreMap, mapUseJSON{From: u.Entry.From, To: u.Entry.To, Used: u.Used, Logged: u.Logged})
	}
	return out
}

// printMapEntries prints one line per restore map entry: the messages of
// the plan's map-entry events.
func printMapEntries(w io.Writer, events []planEventJSON) {
	printEvents(w, events, recovery.EventMapEntry, "")
}

// printEvents prints the message of every event of the kind, one a line,
// after prefix.
func printEvents(w io.Writer, events []planEventJSON, kind recovery.EventKind, prefix string) {
	for _, e := range events {
		if e.Kind == string(kind) {
			fmt.Fprintf(w, "  %s%s\n", prefix, e.Message)
		}
	}
}

// recoveryInputs are the folders and files named on the command line of
// plan, recover and restore.
type recoveryInputs struct {
	dirs      []string
	databases []recovery.DatabaseFile
	dbNames   []string
	// checkpoint is the name, in the first folder, of the checkpoint
	// found there ("" for none).
	checkpoint string
	closers    []io.Closer
}

func (ri *recoveryInputs) close() { closeAll(ri.closers) }

// gatherInputs sorts args into folders and database files, and finds the
// databases (and, when wantCkpt, the checkpoint) inside the folders by
// their bytes.
func gatherInputs(args []string, wantCkpt bool) (*recoveryInputs, error) {
	ri := &recoveryInputs{}
	var dbFiles []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			ri.close()
			return nil, err
		}
		if st.IsDir() {
			ri.dirs = append(ri.dirs, a)
		} else {
			dbFiles = append(dbFiles, a)
		}
	}
	if len(ri.dirs) == 0 {
		ri.close()
		return nil, usageError{errors.New("no folder given: name the log folder first")}
	}
	seen := map[string]bool{}
	add := func(in input, c io.Closer) {
		abs, _ := filepath.Abs(in.name)
		if seen[abs] {
			c.Close()
			return
		}
		seen[abs] = true
		ri.closers = append(ri.closers, c)
		ri.databases = append(ri.databases, recovery.DatabaseFile{Name: in.name, R: in.r})
		ri.dbNames = append(ri.dbNames, in.name)
	}
	for _, name := range dbFiles {
		in, c, err := openInput(name)
		if err != nil {
			ri.close()
			return nil, err
		}
		add(in, c)
	}
	for i, d := range ri.dirs {
		ents, err := os.ReadDir(d)
		if err != nil {
			ri.close()
			return nil, err
		}
		for _, e := range ents {
			if !e.Type().IsRegular() {
				continue
			}
			p := filepath.Join(d, e.Name())
			in, c, err := openInput(p)
			if err != nil {
				continue
			}
			switch identifyInput(in).Type {
			case typeDatabase, typeTempDatabase:
				if len(dbFiles) == 0 {
					add(in, c)
					continue
				}
			case typeCheckpoint:
				if wantCkpt && i == 0 && ri.checkpoint == "" {
					ri.checkpoint = e.Name()
				}
			}
			c.Close()
		}
	}
	return ri, nil
}

// restoreMapOf builds the restore map from -rip and -map over the target
// folders; nil when neither names a pair.
func restoreMapOf(lines []string, maps []string, targets []string) (*recovery.RestoreMap, error) {
	var pairs []recovery.MapEntry
	for i := 0; i+1 < len(lines); i += 2 {
		pairs = append(pairs, recovery.MapEntry{From: lines[i], To: lines[i+1]})
	}
	if len(lines)%2 != 0 {
		return nil, fmt.Errorf("EDB_RstMap has %d lines; it needs before/after pairs", len(lines))
	}
	for _, m := range maps {
		from, to, ok := strings.Cut(m, "=")
		if !ok || from == "" || to == "" {
			return nil, usageError{fmt.Errorf("-map %q: want OLD=NEW", m)}
		}
		pairs = append(pairs, recovery.MapEntry{From: from, To: to})
	}
	if len(pairs) == 0 {
		return nil, nil
	}
	abs := make([]string, 0, len(targets))
	for _, t := range targets {
		a, err := filepath.Abs(t)
		if err != nil {
			return nil, err
		}
		abs = append(abs, a)
	}
	return recovery.NewRestoreMap(abs, pairs...)
}

// makePlan plans soft or hard recovery from the command line's inputs.
func makePlan(ctx context.Context, o *planOpts, ri *recoveryInputs) (*recovery.Plan, error) {
	var ripLow, ripHigh ese.Generation
	var rstMap []string
	if o.ripFile != "" {
		k, _, err := readKey(o.ripFile)
		if err != nil {
			return nil, fmt.Errorf("-rip: %w", err)
		}
		ripLow, ripHigh = k.LowLog, k.HighLog
		rstMap = k.RstMap
	}
	rm, err := restoreMapOf(rstMap, o.maps, ri.dirs)
	if err != nil {
		return nil, err
	}
	opts := &recovery.Options{RestoreMap: rm, Switches: o.sw.switches()}
	if o.hard {
		in := recovery.HardInput{LowLog: ripLow, HighLog: ripHigh, Restore: os.DirFS(ri.dirs[0]), Databases: ri.databases}
		if len(ri.dirs) > 1 {
			in.Target = os.DirFS(ri.dirs[1])
		}
		return recovery.PlanHard(ctx, in, opts)
	}
	in := recovery.SoftInput{Logs: os.DirFS(ri.dirs[0]), Databases: ri.databases}
	switch {
	case o.noCheckpoint:
	case o.checkpoint != "":
		if st, err := os.Stat(o.checkpoint); err != nil {
			return nil, err
		} else if st.IsDir() {
			return nil, fmt.Errorf("%s is a directory", o.checkpoint)
		}
		in.Checkpoint = recovery.CheckpointSource{FS: os.DirFS(filepath.Dir(o.checkpoint)), Name: filepath.Base(o.checkpoint)}
	case ri.checkpoint != "":
		in.Checkpoint = recovery.CheckpointSource{Name: ri.checkpoint}
	}
	return recovery.PlanSoft(ctx, in, opts)
}

func runPlan(e *env, opts any, args []string) int {
	o := opts.(*planOpts)
	if len(args) == 0 {
		return e.usage()
	}
	if o.hard {
		if err := o.sw.hardRefusal("plan -hard"); err != nil {
			fmt.Fprintln(e.stderr, err)
			return exitUsage
		}
	}
	ri, err := gatherInputs(args, !o.hard)
	if err != nil {
		fmt.Fprintf(e.stderr, "esekit plan: %s\n", cliText(err.Error()))
		return statusOf(err)
	}
	defer ri.close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	p, err := makePlan(ctx, o, ri)
	if err != nil {
		fmt.Fprintf(e.stderr, "esekit plan: %s\n", cliText(err.Error()))
		return statusOf(err)
	}
	out := planToJSON(ri.dirs[0], p)
	if e.json {
		e.emit(out)
	} else {
		printPlan(e.stdout, out)
	}
	if out.Error != 0 {
		return exitBad
	}
	return exitOK
}

func printPlan(w io.Writer, p planJSON) {
	fmt.Fprintf(w, "%s recovery plan for %s\n", p.Mode, p.File)
	if len(p.Logs) > 0 {
		fmt.Fprintf(w, "  start: %s   end: %s\n", posText(p.Start), posText(p.End))
		fmt.Fprintln(w, "  logs, in replay order:")
		for _, l := range p.Logs {
			extra := ""
			if l.FromBackup {
				extra += " (from the backup)"
			}
			if l.NeedsPatch {
				extra += " (needs patch data)"
			}
			fmt.Fprintf(w, "    0x%-8X %s%s\n", l.Generation, filepath.Base(l.File), extra)
		}
	}
	for _, d := range p.Databases {
		fmt.Fprintf(w, "  database %s: %s", d.File, d.Action)
		if d.ReplayFrom != 0 {
			fmt.Fprintf(w, ", generations %s", genRange(d.ReplayFrom, d.ReplayTo))
		}
		if d.TruncateAt != nil {
			fmt.Fprintf(w, ", stopping at %s", posText(*d.TruncateAt))
		}
		if d.Patch != "" {
			fmt.Fprintf(w, ", patch file %s", d.Patch)
			if d.PatchForm != "" {
				fmt.Fprintf(w, " (%s)", d.PatchForm)
			}
		}
		fmt.Fprintln(w)
		if d.Message != "" {
			fmt.Fprintf(w, "      %s\n", d.Message)
		}
	}
	printEvents(w, p.Events, recovery.EventSkipped, "skipped: ")
	printMapEntries(w, p.Events)
	if p.Error != 0 {
		fmt.Fprintf(w, "  verdict: the engine would stop with %d (%s): %s\n", p.Error, ese.Error(p.Error).Name(), p.Message)
		if p.Remedy != "" {
			fmt.Fprintf(w, "  remedy: %s\n", p.Remedy)
		}
	} else {
		fmt.Fprintf(w, "  verdict: %s\n", orNone(p.Message))
	}
}
