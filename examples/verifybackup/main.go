// Command verifybackup checks an online backup set of an ESE database the
// way a backup vendor's agent does around a restore (KB Q200941, KB Q296787, KB Q245211):
//
//   - every file is identified by its bytes, never by its name;
//   - the log set: the anchor log of each database is present, the
//     generations are unbroken, every log carries the database's log
//     signature, and every log of the full backup's range is there;
//   - each database copy has its patch file (.pat), and the patch file
//     belongs to it (signatures and backup mark); in today's form the .pat
//     is an empty marker and the patch header is the trailer page at the
//     end of the database copy, checked the same way;
//   - which logs are safe to truncate, and what an incremental backup
//     would have to copy (or why it would fail, KB Q245211);
//   - the hard-recovery plan the engine would follow;
//   - with -rip, the Restore in Progress key for the restore, written as a
//     .reg file and validated against the patch file (KB Q200941);
//   - with -out, the restore itself: hard recovery into copies in that
//     folder, then "has hard recovery finished?" answered from the result.
//
// Usage:
//
//	verifybackup [-json] [-checkpoint FILE] [-rip FILE.reg] [-from SERVER] [-to SERVER]
//	             [-restore-path DIR] [-out DIR] BACKUPDIR
//
// The backup folder is only read. Exit status 0 when the set is good, 1
// when a check fails, 2 for a usage error.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/outfile"
	"github.com/esekit/esekit/recovery"
	"github.com/esekit/esekit/rip"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// options are the command-line flags.
type options struct {
	json        bool
	checkpoint  string // a checkpoint of the live log folder, for truncation
	ripFile     string // where to write the Restore in Progress key
	from, to    string // servers backed up from and restored to
	restorePath string // Windows folder the files are restored to
	out         string // run the restore into this folder
}

func run(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("verifybackup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.json, "json", false, "print one JSON document")
	fs.StringVar(&o.checkpoint, "checkpoint", "", "checkpoint of the live log folder (default: the folder's own, if any)")
	fs.StringVar(&o.ripFile, "rip", "", "write the Restore in Progress key for this restore to `FILE.reg`, a new file (an existing one is not replaced)")
	fs.StringVar(&o.from, "from", "BACKUPSERVER", "server the backup was taken from (for EDB_RstMap)")
	fs.StringVar(&o.to, "to", "RESTORESERVER", "server the backup is restored to")
	fs.StringVar(&o.restorePath, "restore-path", "", `Windows folder the files are restored to, e.g. D:\mail (default: where they were)`)
	fs.StringVar(&o.out, "out", "", "carry out the restore: hard recovery into copies written to `DIR`")
	// Flags may come before or after the folder, as with the esekit CLI.
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: verifybackup [flags] BACKUPDIR")
		fs.PrintDefaults()
		return 2
	}
	// The restore writes only outside its inputs: the backup folder and
	// the checkpoint's folder (compared as folders, checked before -out
	// is created).
	if o.out != "" {
		ins := []string{pos[0]}
		if o.checkpoint != "" {
			ins = append(ins, filepath.Dir(o.checkpoint))
		}
		if err := recovery.CheckOutDir(o.out, ins...); err != nil {
			fmt.Fprintf(stderr, "verifybackup: -out must not be an input folder or inside one: %v\n", err)
			return 2
		}
	}
	rep, err := verify(context.Background(), pos[0], &o)
	if err != nil {
		fmt.Fprintf(stderr, "verifybackup: %v\n", err)
		return 1
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		rep.print(stdout)
	}
	if !rep.OK {
		return 1
	}
	return 0
}

// report is everything verifybackup found. Generations are numbers; the
// readable form prints them in hex as log file names do.
type report struct {
	Folder      string           `json:"folder"`
	Files       []fileInfo       `json:"files"`
	Logs        logSetInfo       `json:"logs"`
	Databases   []databaseInfo   `json:"databases"`
	Truncate    truncateInfo     `json:"truncate"`
	Plan        planInfo         `json:"plan"`
	RIP         *ripInfo         `json:"rip,omitempty"`
	Restore     *restoreInfo     `json:"restore,omitempty"`
	Problems    []string         `json:"problems"`
	OK          bool             `json:"ok"`
	databases   []*ese.DBHeader  // parallel to Databases
	patchHeader []*esepatch.File // parallel to Databases; nil when none
}

type fileInfo struct {
	File   string         `json:"file"`
	Kind   string         `json:"kind"`
	Format string         `json:"format,omitempty"`
	Gen    ese.Generation `json:"generation,omitempty"`
}

type logSetInfo struct {
	Base        string           `json:"base"`
	Signature   string           `json:"signature"`
	Generations []ese.Generation `json:"generations"`
	Unbroken    bool             `json:"unbroken"`
	Foreign     []string         `json:"foreign"`
	Current     string           `json:"current"`
}

type databaseInfo struct {
	File  string `json:"file"`
	State string `json:"state"`
	// BackupCopy: the header marks a copy taken by an online backup.
	BackupCopy bool `json:"backup_copy"`
	// BackupLow..BackupHigh is the full backup's log range ("Log Gen"):
	// the patch file's, or the database header's when there is none (an
	// online copy's header may not know the high end yet).
	BackupLow  ese.Generation `json:"backup_low"`
	BackupHigh ese.Generation `json:"backup_high"`
	// Anchor is the first log the database needs, AnchorLog its file.
	Anchor        ese.Generation   `json:"anchor"`
	AnchorLog     string           `json:"anchor_log"`
	AnchorPresent bool             `json:"anchor_present"`
	MissingLogs   []ese.Generation `json:"missing_logs"`
	SignatureOK   bool             `json:"log_signature_matches"`
	Patch         string           `json:"patch"`
	PatchMatches  bool             `json:"patch_matches"`
	PatchPages    int              `json:"patch_pages"`
	// PatchForm is where the patch header was found: "patch-file" or
	// "marker+trailer" (esepatch.Form).
	PatchForm     string  `json:"patch_form,omitempty"`
	PatchError    string  `json:"patch_error,omitempty"`
	Incremental   incInfo `json:"incremental"`
	OriginalPaths string  `json:"original_path,omitempty"`
}

type incInfo struct {
	Since   ese.Generation `json:"since"`
	Through ese.Generation `json:"through"`
	Logs    []string       `json:"logs"`
	Error   int32          `json:"error"`
	Message string         `json:"message"`
}

type truncateInfo struct {
	Checkpoint string   `json:"checkpoint"`
	Logs       []string `json:"logs"`
	Reason     string   `json:"reason"`
}

type planInfo struct {
	Error      int32    `json:"error"`
	Message    string   `json:"message"`
	Replay     []string `json:"replay"`
	NeedsPatch []string `json:"needs_patch"`
}

type ripInfo struct {
	File     string         `json:"file"`
	LowLog   ese.Generation `json:"lowlog_number"`
	HighLog  ese.Generation `json:"highlog_number"`
	RstMap   []string       `json:"edb_rstmap"`
	Problems []string       `json:"problems"`
}

type restoreInfo struct {
	Out          string   `json:"out"`
	StateAfter   []string `json:"state_after"`
	LogsReplayed []string `json:"logs_replayed"`
	Finished     bool     `json:"hard_recovery_finished"`
	PatchNeeded  bool     `json:"patch_data_needed"`
	RIP          string   `json:"rip,omitempty"`
	Error        int32    `json:"error"`
	Message      string   `json:"message"`
}

// verify runs every check on the backup folder dir.
func verify(ctx context.Context, dir string, o *options) (*report, error) {
	rep := &report{Folder: dir, Problems: []string{}}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	// 1. Identify every file by its bytes.
	var names, dbFiles []string
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		names = append(names, e.Name())
		id, err := identify(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		rep.Files = append(rep.Files, fileInfo{File: e.Name(), Kind: id.Kind.String(), Format: id.Format, Gen: id.Generation})
		if id.Kind == ese.KindDatabase {
			dbFiles = append(dbFiles, e.Name())
		}
	}
	if len(dbFiles) == 0 {
		rep.Problems = append(rep.Problems, "no database in the backup set")
	}

	// 2. The log set.
	set, err := eselog.ScanDir(dir, nil)
	if err != nil {
		return nil, err
	}
	rep.Logs = logSetInfo{Base: set.Base, Signature: set.Signature.String(), Generations: set.Generations,
		Unbroken: len(set.Gaps) == 0, Foreign: append([]string{}, set.Foreign...)}
	if set.Current != nil {
		rep.Logs.Current = set.Current.File
	}
	if rep.Logs.Generations == nil {
		rep.Logs.Generations = []ese.Generation{}
	}
	if !rep.Logs.Unbroken {
		rep.Problems = append(rep.Problems, fmt.Sprintf("the log generations have gaps: %v", set.Gaps))
	}
	for _, f := range set.Foreign {
		rep.Problems = append(rep.Problems, f+" belongs to another log stream (-530, JET_errBadLogSignature)")
	}

	// 3. Each database: anchor log, signatures, backup range, patch file.
	pats, _ := esepatch.FindPatchFiles(names)
	var dbs []recovery.DatabaseFile
	for _, name := range dbFiles {
		d, h, pf, err := checkDatabase(dir, name, set, pats)
		if err != nil {
			return nil, err
		}
		rep.Databases = append(rep.Databases, d)
		rep.databases = append(rep.databases, h)
		rep.patchHeader = append(rep.patchHeader, pf)
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		defer f.Close()
		dbs = append(dbs, recovery.DatabaseFile{Name: filepath.Join(dir, name), R: f})
		if d.AnchorLog != "" && !d.AnchorPresent {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s: its anchor log %s is missing (-528)", name, d.AnchorLog))
		}
		if len(d.MissingLogs) > 0 {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s: logs of the full backup missing: %v", name, hexList(d.MissingLogs)))
		}
		if !d.SignatureOK {
			rep.Problems = append(rep.Problems, name+": the logs carry another log signature than the database (-530)")
		}
		if !d.PatchMatches {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s: patch file: %s", name, d.PatchError))
		}
	}

	// 4. What may be truncated: logs below the checkpoint and below what
	// every dirty database needs, never the current log.
	if rep.Truncate, err = truncatable(ctx, dir, dbs, o.checkpoint); err != nil {
		return nil, err
	}

	// 5. The hard-recovery plan the engine would follow after a restore.
	plan, err := recovery.PlanHard(ctx, recovery.HardInput{Restore: os.DirFS(dir), Databases: dbs}, nil)
	if plan == nil {
		return nil, err
	}
	rep.Plan = planInfo{Error: int32(plan.Error), Message: plan.Message, Replay: []string{}, NeedsPatch: []string{}}
	for _, l := range plan.Logs {
		rep.Plan.Replay = append(rep.Plan.Replay, l.File)
		if l.NeedsPatch {
			rep.Plan.NeedsPatch = append(rep.Plan.NeedsPatch, l.File)
		}
	}
	if plan.Error != 0 {
		rep.Problems = append(rep.Problems, fmt.Sprintf("hard recovery would stop with %d (%s): %s", plan.Error, plan.Error.Name(), plan.Message))
	}

	// 6. The Restore in Progress key for the restore.
	var key *rip.Key
	if o.ripFile != "" || o.out != "" {
		key, err = restoreKey(rep, set, pats, o)
		if err != nil {
			rep.Problems = append(rep.Problems, "Restore in Progress key: "+err.Error())
		}
	}
	if key != nil && o.ripFile != "" {
		// A new file: never over an existing one or through a link.
		if err := outfile.WriteFile(filepath.Dir(o.ripFile), filepath.Base(o.ripFile), key.Marshal(rip.Regedit5), false); err != nil {
			return nil, err
		}
	}

	// 7. The restore itself, into copies.
	if o.out != "" && plan.Error == 0 {
		r, err := restore(ctx, plan, key, rep, o.out)
		if err != nil {
			rep.Problems = append(rep.Problems, "restore: "+err.Error())
		}
		rep.Restore = r
	}
	rep.OK = len(rep.Problems) == 0
	return rep, nil
}

// identify reads just enough of a file to say what it is.
func identify(name string) (ese.Identity, error) {
	f, err := os.Open(name)
	if err != nil {
		return ese.Identity{}, err
	}
	defer f.Close()
	return ese.Identify(f)
}

// checkDatabase answers the per-database questions.
func checkDatabase(dir, name string, set *eselog.Set, pats []string) (databaseInfo, *ese.DBHeader, *esepatch.File, error) {
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return databaseInfo{}, nil, nil, err
	}
	defer f.Close()
	copies, err := ese.ReadDBHeader(f)
	if err != nil {
		return databaseInfo{}, nil, nil, err
	}
	h := copies.Header
	db := eselog.DatabaseFromHeader(h, name)
	d := databaseInfo{File: name, State: h.State.String(), BackupCopy: db.IsBackupCopy(),
		BackupLow: h.CurFullBackup.GenLow, BackupHigh: h.CurFullBackup.GenHigh,
		Anchor: db.Anchor(), MissingLogs: []ese.Generation{}}
	if d.Anchor != 0 {
		d.AnchorLog = ese.LogFileName(set.Base, d.Anchor, set.Ext, 0)
		if l := set.Log(d.Anchor); l != nil {
			d.AnchorLog, d.AnchorPresent = l.File, true
		}
	}
	d.SignatureOK = len(set.Generations) > 0 && set.Signature.Equal(h.LogSignature)

	// The patch file of this database: the one whose header belongs to it.
	var pf *esepatch.File
	d.PatchError = "no patch file (-538, JET_errPatchFileMissing)"
	for _, p := range pats {
		pff, err := openPatch(filepath.Join(dir, p))
		form := esepatch.FormPatchFile
		if errors.Is(err, errMarker) {
			// Today's marker: the patch header is the copy's trailer page,
			// used only with the marker named after the database.
			if !strings.EqualFold(p, filepath.Base(esepatch.PatchName(name))) {
				continue
			}
			pff, form, err = trailerAsPatch(f, p, name)
		}
		if err != nil {
			d.PatchError = fmt.Sprintf("%s: %v", p, err)
			continue
		}
		if err := esepatch.Match(h, pff.Header); err != nil {
			d.PatchError = fmt.Sprintf("%s: %v", p, err)
			continue
		}
		pf, d.Patch, d.PatchMatches, d.PatchError = pff, p, true, ""
		d.PatchPages, d.PatchForm = len(pff.Images), string(form)
		break
	}
	// Every log of the full backup's range must be in the set, from the
	// patch file's range (the database header's when there is no patch).
	lo, hi := h.CurFullBackup.GenLow, h.CurFullBackup.GenHigh
	if pf != nil {
		lo, hi = pf.Header.Backup.GenLow, pf.Header.Backup.GenHigh
	}
	for g := lo; g != 0 && g <= hi && len(d.MissingLogs) < 64; g++ {
		if set.Log(g) == nil {
			d.MissingLogs = append(d.MissingLogs, g)
		}
	}
	d.BackupLow, d.BackupHigh = lo, hi
	inc := recovery.IncrementalBackup(set, h)
	d.Incremental = incInfo{Since: inc.Since, Through: inc.Through, Logs: append([]string{}, inc.Logs...),
		Error: int32(inc.Error), Message: inc.Message}
	return d, h, pf, nil
}

// errMarker is openPatch's answer for a zero-length .pat.
var errMarker = errors.New("zero-length patch file")

func openPatch(name string) (*esepatch.File, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && esepatch.FormOf(st.Size()) == esepatch.FormMarkerTrailer {
		return nil, errMarker
	}
	return esepatch.Open(f)
}

// trailerAsPatch reads the trailer page of the database copy db as the
// patch header of its zero-length .pat marker pat: a patch file with no
// page images. A copy whose trailer is already merged carries the backup
// range in its header, which stands in for it.
func trailerAsPatch(db io.ReaderAt, pat, name string) (*esepatch.File, esepatch.Form, error) {
	h, t, st, err := esepatch.ReadBackupDatabase(db)
	switch {
	case st == esepatch.TrailerMerged:
		return &esepatch.File{Header: &esepatch.Header{Backup: h.CurFullBackup, DBSignature: h.DbSignature, LogSignature: h.LogSignature}},
			esepatch.FormMarkerTrailer, nil
	case t == nil || t.Header == nil || (err != nil && !errors.Is(err, ese.ErrDatabasePatchFileMismatch) && !errors.Is(err, ese.ErrRestoreOfNonBackupDatabase)):
		return nil, esepatch.FormMarkerTrailer, esepatch.MarkerWithoutTrailer(pat, name, err)
	}
	return &esepatch.File{PageSize: t.PageSize, Header: t.Header, PrimaryOK: true}, esepatch.FormMarkerTrailer, nil
}

// truncatable says which logs a backup may remove once they are safe on
// tape (KB Q296787): recovery.Inspect applies the library's one rule
// (recovery.TruncatableLogs) to the folder, with the checkpoint found in
// it or the one given.
func truncatable(ctx context.Context, dir string, dbs []recovery.DatabaseFile, ckptFile string) (truncateInfo, error) {
	t := truncateInfo{Logs: []string{}}
	opts := &recovery.InspectOptions{Databases: dbs, Name: func(n string) string { return filepath.Join(dir, n) }}
	if ckptFile != "" {
		f, err := os.Open(ckptFile)
		if err != nil {
			t.Checkpoint, t.Reason = ckptFile, err.Error()
			return t, nil
		}
		defer f.Close()
		opts.Checkpoint, opts.CheckpointName = f, ckptFile
	}
	ins, err := recovery.Inspect(ctx, os.DirFS(dir), opts)
	if err != nil {
		return t, err
	}
	c := ins.Checkpoint
	switch {
	case c == nil:
		t.Reason = "no checkpoint in the folder: nothing is known to be flushed, so no log may be truncated"
	case c.Err != nil:
		t.Checkpoint, t.Reason = c.File, c.Err.Error()
	case len(ins.Set.Generations) > 0 && !c.Checkpoint.LogSignature.Equal(ins.Set.Signature):
		t.Checkpoint = c.File
		t.Reason = "the checkpoint belongs to another log stream than the logs: it says nothing about them, so no log may be truncated"
	default:
		t.Checkpoint = c.File
		for _, l := range ins.Truncatable {
			t.Logs = append(t.Logs, l.File)
		}
		t.Reason = fmt.Sprintf("logs below the checkpoint generation 0x%X and below every dirty database's minimum required generation; never the current log", c.Checkpoint.Checkpoint.Generation)
	}
	return t, nil
}

// restoreKey builds the Restore in Progress key of KB Q200941's worksheet
// from the backup set: LowLog and HighLog from the patch file, the
// original database paths from the low log's records, the paths after the
// restore from -restore-path (or unchanged).
func restoreKey(rep *report, set *eselog.Set, pats []string, o *options) (*rip.Key, error) {
	if len(rep.Databases) == 0 || rep.patchHeader[0] == nil {
		return nil, errors.New("needs a database and its patch file")
	}
	bk := rep.patchHeader[0].Header.Backup
	low := set.Log(bk.GenLow)
	if low == nil || low.Header == nil {
		return nil, fmt.Errorf("the low log 0x%X is missing", bk.GenLow)
	}
	paths, err := loggedPaths(filepath.Join(rep.Folder, low.File))
	if err != nil {
		return nil, err
	}
	ws := &rip.Worksheet{
		Service:             rip.ServiceIS,
		TransactionLogsPath: low.Header.DbmsParam.LogFilePathString(),
		WorkingPath:         low.Header.DbmsParam.SystemPathString(),
		BackupServer:        o.from,
		RestoreServer:       o.to,
		LowLog:              bk.GenLow,
		HighLog:             bk.GenHigh,
	}
	for _, d := range rep.Databases {
		orig := paths[strings.ToLower(d.File)]
		if orig == "" {
			return nil, fmt.Errorf("%s is not named by the low log %s", d.File, low.File)
		}
		ws.OriginalDatabasePaths = append(ws.OriginalDatabasePaths, orig)
		if o.restorePath != "" {
			ws.DatabasePaths = append(ws.DatabasePaths, strings.TrimRight(o.restorePath, `\`)+`\`+d.File)
		}
	}
	if o.restorePath != "" {
		ws.TransactionLogsPath, ws.WorkingPath = o.restorePath, o.restorePath
	}
	ws.NumberOfDatabases = len(ws.OriginalDatabasePaths)
	key, err := ws.Key()
	if err != nil {
		return nil, err
	}
	info := &ripInfo{File: o.ripFile, LowLog: key.LowLog, HighLog: key.HighLog, RstMap: key.RstMap, Problems: []string{}}
	ev := &rip.Evidence{PatchGenLow: bk.GenLow, PatchGenHigh: bk.GenHigh, PatchFiles: len(pats),
		HighestRestoredLog: set.Highest()}
	for _, p := range rip.Validate(key, ev) {
		info.Problems = append(info.Problems, p.String())
		if p.Severity == rip.SeverityError {
			rep.Problems = append(rep.Problems, "Restore in Progress key: "+p.String())
		}
	}
	rep.RIP = info
	return key, nil
}

// loggedPaths maps the lower-cased base name of every database the log
// creates or attaches to the path it was logged with (what ESEUTIL /ML
// on the low log shows, KB Q200941).
func loggedPaths(name string) (map[string]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	l, err := eselog.Open(f, st.Size())
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	add := func(p string) {
		base := p[strings.LastIndexAny(p, `\/`)+1:]
		out[strings.ToLower(base)] = p
	}
	for _, a := range l.Header.Attached {
		add(a.Path())
	}
	filter := eselog.Filter{Types: []eselog.RecordType{eselog.RecCreateDB, eselog.RecAttachDB}}
	for r, err := range l.Records(context.Background(), filter) {
		if err != nil {
			return nil, err
		}
		switch v := r.(type) {
		case *eselog.CreateDB:
			add(v.Path())
		case *eselog.AttachDB:
			add(v.Path())
		}
	}
	return out, nil
}

// restore carries out hard recovery into copies in out, then asks
// KB Q200941's question: has every log of the full backup been replayed, so that
// the patch data is no longer needed?
func restore(ctx context.Context, plan *recovery.Plan, key *rip.Key, rep *report, out string) (*restoreInfo, error) {
	ro := &recovery.RestoreOptions{RecoverOptions: recovery.RecoverOptions{OutDir: out}, RIP: key}
	res, err := recovery.Restore(ctx, plan, ro)
	if res == nil {
		return nil, err
	}
	ri := &restoreInfo{Out: out, StateAfter: []string{}, LogsReplayed: append([]string{}, res.LogsReplayed...),
		RIP: res.RIP, Error: int32(res.Error), Message: res.Message, Finished: len(res.Databases) > 0}
	for i, d := range res.Databases {
		ri.StateAfter = append(ri.StateAfter, d.StateAfter)
		if d.Output == "" || i >= len(rep.patchHeader) || rep.patchHeader[i] == nil {
			ri.Finished = false
			continue
		}
		f, err := os.Open(d.Output)
		if err != nil {
			return ri, err
		}
		copies, err := ese.ReadDBHeader(f)
		f.Close()
		if err != nil {
			return ri, err
		}
		pf := rep.patchHeader[i]
		pr := esepatch.HardRecoveryFinished(pf.Header, len(pf.Images), esepatch.Replay{DB: copies.Header})
		ri.Finished = ri.Finished && pr.Finished
		ri.PatchNeeded = ri.PatchNeeded || pr.PatchDataNeeded
	}
	return ri, err
}

// list prints names separated by commas, "none" for none.
func list(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// hexList prints generations as log names show them.
func hexList(gs []ese.Generation) string {
	s := make([]string, len(gs))
	for i, g := range gs {
		s[i] = fmt.Sprintf("0x%X", g)
	}
	return strings.Join(s, ", ")
}

// print writes the readable report.
func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "backup set %s\n", r.Folder)
	fmt.Fprintln(w, "files, identified by their bytes:")
	for _, f := range r.Files {
		line := fmt.Sprintf("  %-28s %s", f.File, f.Kind)
		if f.Format != "" {
			line += " " + f.Format
		}
		if f.Gen != 0 {
			line += fmt.Sprintf(", generation 0x%X", f.Gen)
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "log set: base %s, generations %s, unbroken %v, current log %q\n",
		r.Logs.Base, hexList(r.Logs.Generations), r.Logs.Unbroken, r.Logs.Current)
	fmt.Fprintf(w, "  log signature: %s\n", r.Logs.Signature)
	for _, d := range r.Databases {
		fmt.Fprintf(w, "database %s: %s, online backup copy %v, full backup logs 0x%X-0x%X\n",
			d.File, d.State, d.BackupCopy, d.BackupLow, d.BackupHigh)
		fmt.Fprintf(w, "  anchor log:      %s (0x%X), present %v\n", d.AnchorLog, d.Anchor, d.AnchorPresent)
		fmt.Fprintf(w, "  log signature:   matches %v\n", d.SignatureOK)
		if d.PatchMatches {
			if d.PatchForm == string(esepatch.FormMarkerTrailer) {
				fmt.Fprintf(w, "  patch file:      %s is the zero-length marker; the trailer page of the copy belongs to it\n", d.Patch)
			} else {
				fmt.Fprintf(w, "  patch file:      %s belongs to it, %d page image(s)\n", d.Patch, d.PatchPages)
			}
		} else {
			fmt.Fprintf(w, "  patch file:      %s\n", d.PatchError)
		}
		inc := d.Incremental
		if inc.Error != 0 {
			fmt.Fprintf(w, "  incremental:     would fail with %d: %s\n", inc.Error, inc.Message)
		} else {
			fmt.Fprintf(w, "  incremental:     copy 0x%X-0x%X: %s\n", inc.Since, inc.Through, list(inc.Logs))
		}
	}
	if len(r.Truncate.Logs) > 0 {
		fmt.Fprintf(w, "safe to truncate: %s (%s)\n", strings.Join(r.Truncate.Logs, ", "), r.Truncate.Reason)
	} else {
		fmt.Fprintf(w, "safe to truncate: none (%s)\n", r.Truncate.Reason)
	}
	if r.Plan.Error != 0 {
		fmt.Fprintf(w, "hard recovery: would stop with %d\n", r.Plan.Error)
	} else {
		fmt.Fprintf(w, "hard recovery: replays %s; patch data needed for %s\n", list(r.Plan.Replay), list(r.Plan.NeedsPatch))
	}
	if r.RIP != nil {
		fmt.Fprintf(w, "Restore in Progress key: LowLog %x, HighLog %x, EDB_RstMap:\n", r.RIP.LowLog, r.RIP.HighLog)
		for _, l := range r.RIP.RstMap {
			fmt.Fprintf(w, "    %s\n", l)
		}
		if r.RIP.File != "" {
			fmt.Fprintf(w, "  written to %s\n", r.RIP.File)
		}
		for _, p := range r.RIP.Problems {
			fmt.Fprintf(w, "  %s\n", p)
		}
	}
	if r.Restore != nil {
		fmt.Fprintf(w, "restore into %s: %s; logs replayed %s; hard recovery finished %v, patch data still needed %v\n",
			r.Restore.Out, strings.Join(r.Restore.StateAfter, ", "), strings.Join(r.Restore.LogsReplayed, ", "),
			r.Restore.Finished, r.Restore.PatchNeeded)
		if r.Restore.RIP != "" {
			fmt.Fprintf(w, "  key marked recovered (01): %s\n", r.Restore.RIP)
		}
	}
	sort.Strings(r.Problems)
	for _, p := range r.Problems {
		fmt.Fprintf(w, "PROBLEM: %s\n", p)
	}
	if r.OK {
		fmt.Fprintln(w, "verdict: the backup set is complete and will replay")
	} else {
		fmt.Fprintln(w, "verdict: the backup set is NOT usable as it is")
	}
}
