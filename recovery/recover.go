package recovery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esechk"
	"github.com/esekit/esekit/internal/outfile"
	"github.com/esekit/esekit/internal/redo"
)

// RecoverOptions tunes Recover and Restore: where and how the output is
// written. The inputs are the plan's (PlanSoft, PlanHard).
type RecoverOptions struct {
	// OutDir is the folder the recovered databases are written to, under
	// their own file names; it is created (mode 0o755, with its parents)
	// when missing, and removed again (with the parents created) when
	// recovery fails having written nothing in it. It is required unless
	// InPlace is set. Nothing is ever written outside it, and it may not be
	// one of the plan's input folders nor lie inside one (ErrOutputIsInput,
	// refused before anything is created): output names come from the database
	// files the caller named, or, for a database created from the log
	// (CreateMissing), from the checked file name alone of its logged path.
	OutDir string
	// InPlace recovers each database file where it is. The file is still
	// rebuilt as a temporary copy beside it and renamed over it only when
	// recovery has succeeded.
	InPlace bool
	// Overwrite allows replacing a file already in OutDir.
	Overwrite bool
	// CreateMissing lets soft recovery create, in OutDir, a database
	// whose CreateDB record the logs hold when no database given carries
	// its signature, as the engine does (docs/recovery.md#attach-rules, step 6): the
	// file is named after the logged file name (or the RestoreMap's
	// destination), never placed at the logged path; a hostile name
	// (.., device names, UNC without a map entry...) creates nothing.
	// A fully logged create (create version 2.0, logs of 8.4000.3 and
	// later) is built by the logged records alone; an implicit create
	// (1.0: Windows 7 7.3704.15 logs and later, 8.4000.0-2) first runs the
	// engine's legacy create code (root, space trees, catalog). Any other
	// CreateDB stops recovery with ese.ErrInvalidCreateDbVersion, as the
	// engine refuses it. Off by default: a forensic user may
	// want no new files. The created databases are reported after the
	// plan's, with Action "create" and StateBefore "Missing".
	CreateMissing bool
	// RestoreMap, when set, names the file a created database gets (its
	// destination's last component); RecoverFolder also plans with it.
	RestoreMap *RestoreMap
	// Switches are the engine's recovery switches (switches.go); plan
	// with the same ones. RecoverFolder plans with them.
	Switches
	// CacheBytes bounds the page cache of the recovery: one budget shared
	// by all its databases, however many the logs attach or create (0:
	// 256 MiB; at least 16 pages are cached). The rest of a replay's
	// memory is small beside it: evicted pages' buffers are reused, and
	// between logs the replay collects garbage once more than 32 MiB has
	// accumulated (a 4 GiB database and 1 GiB of logs recover in a
	// process of at most CacheBytes + 60 MiB).
	CacheBytes int64
	// MaxFileBytes, when positive, bounds the size a log may grow a
	// database to (ExtendDB, new pages): a record beyond it stops
	// recovery with an error wrapping ese.ErrDatabaseCorrupted. Without
	// it the bound for logs is the engine's, 2^32 pages.
	//
	// In hard recovery it is also the size a patch file's page images may
	// grow a database to. Without it that size is what the inputs
	// justify: the restored copy's own size, and the highest page the
	// plan's logs name for the database (an ExtendDB's last page, a
	// NewPage, a split's new page). An image beyond the bound stops
	// recovery with an error wrapping ese.ErrBadPatchPage (see
	// growForPatchImages); set MaxFileBytes to allow more.
	MaxFileBytes int64
	// Progress, when set, is called as logs are replayed.
	Progress func(Progress)
	// OnEvent and Logger receive every event (see Options).
	OnEvent func(Event)
	Logger  *slog.Logger
	// Now, when set, gives the time stamped on the clean headers
	// (logtimeConsistent, logtimeDetach). When nil the latest time found
	// in the replayed logs is used, so that the same inputs always give
	// the same output bytes.
	Now func() time.Time

	// stopAfter, for tests, ends replay after that many records as a
	// killed process would (no cleanup).
	stopAfter int64
	// noSync, for benchmarks, skips fsync.
	noSync bool
	// prepared, for benchmarks, is called when every database has been
	// copied and replay begins.
	prepared func()
	// captureAll, for tests, turns the read-ahead off: every versioned
	// operation of an open transaction is captured (capture_ahead.go).
	captureAll bool
	// pageCache, for tests and benchmarks, is the page cache the
	// recovery uses instead of a new one of CacheBytes (its peak is read
	// after Recover).
	pageCache *redo.PageCache
	// extraInputs are input files beyond the plan's (the Restore in
	// Progress key Restore read): no output may be one, and their folders
	// are input folders.
	extraInputs []string
}

func (db *dbRun) pageFile(o *RecoverOptions) redo.PageFile {
	if o.noSync {
		return redo.NoSync(db.file)
	}
	return db.file
}

// Progress reports how far a replay has come.
type Progress struct {
	// Log and Generation name the log being replayed.
	Log        string         `json:"log"`
	Generation ese.Generation `json:"generation"`
	// LogsDone and LogsTotal count the logs of the plan.
	LogsDone  int `json:"logs_done"`
	LogsTotal int `json:"logs_total"`
	// Records and LogBytes count the records read so far and their bytes.
	Records  int64 `json:"records"`
	LogBytes int64 `json:"log_bytes"`
}

// DatabaseResult is what recovery did to one database. The JSON names
// are those of `esekit recover -json` and `esekit restore -json`.
type DatabaseResult struct {
	// File is the input file; Output the file written (empty when none).
	File   string `json:"file"`
	Output string `json:"output,omitempty"`
	// Action is the plan's action for the database.
	Action string `json:"action"`
	// StateBefore and StateAfter are the header states ("DirtyShutdown",
	// "CleanShutdown"...). StateAfter is the state of Output, or the
	// unchanged StateBefore when nothing was written.
	StateBefore string `json:"state_before"`
	StateAfter  string `json:"state_after"`
	// LogsReplayed counts the logs replayed into the database.
	LogsReplayed int `json:"logs_replayed"`
	// RecordsRedone counts the page-touching records that changed a page
	// (a macro counts each of its records); RecordsSkipped those that did
	// not (gated by session, attachment or dbtime: already on disk).
	RecordsRedone  int64 `json:"records_redone"`
	RecordsSkipped int64 `json:"records_skipped"`
	// TransactionsRolledBack counts the transactions left open at the end
	// of the logs that were rolled back in this database.
	TransactionsRolledBack int `json:"transactions_rolled_back"`
	// PagesWritten counts the database pages written.
	PagesWritten int64 `json:"pages_written"`
	// Consistent is the header's lgposConsistent after recovery, in the
	// engine's form "(0x52,1,31)" ("" when the database was not
	// recovered); ConsistentPos is the same position.
	Consistent    string     `json:"consistent,omitempty"`
	ConsistentPos ese.LogPos `json:"-"`
	// Error is the engine error that stopped recovery of the database, 0
	// when none; Message explains it or says what was done.
	Error   ese.Error `json:"error"`
	Message string    `json:"message,omitempty"`
}

// RecoverResult is the outcome of Recover or Restore.
type RecoverResult struct {
	Mode Mode `json:"mode"`
	// Databases are the plan's databases, in plan order.
	Databases []DatabaseResult `json:"databases"`
	// LogsReplayed are the logs replayed, in order.
	LogsReplayed []string `json:"replayed_logs"`
	// Records and LogBytes count the records read and their bytes.
	Records  int64 `json:"records"`
	LogBytes int64 `json:"log_bytes"`
	// RIP is the Restore in Progress key file written (hard recovery),
	// with "EDB Database recovered" set to 01.
	RIP string `json:"rip,omitempty"`
	// Error is the engine error recovery stopped with, 0 on success.
	Error   ese.Error `json:"error"`
	Message string    `json:"message"`
	// Events are the decisions and steps, in order.
	Events []Event `json:"events"`
}

// Recover replays the logs of a soft-recovery plan (PlanSoft) into copies
// of its databases and leaves each one clean, as the engine's soft
// recovery does (docs/log-records.md, docs/recovery.md): logs in generation order from the
// plan's start; sessions, macros and the gates of docs/recovery.md#redo-gates; file-level
// records and their header effects; at the end the open transactions
// rolled back and each database marked CleanShutdown.
//
// The logs, checkpoint and databases are the plan's (Plan.Inputs); opts
// says only where and how to write. The output folder is created when
// missing (and removed when the run fails with nothing written).
//
// The inputs are never written. Each database is rebuilt as a temporary
// file in the output folder and renamed to its final name only after its
// pages and, last, its header are written and synced; a process killed
// at any point leaves at most a temporary file, and running Recover again
// gives the same final bytes (the run is deterministic: see
// RecoverOptions.Now). The temporary file is always created new: a
// temporary file left by a killed run is removed first, but a symbolic
// link or anything else at its name, or an input, stops recovery with
// ErrUnsafePath. The rename never replaces an existing file unless
// RecoverOptions.Overwrite (or InPlace) asks for it, and never an input:
// a log, the checkpoint, a patch file or a database of the plan.
//
// A plan that ends in an engine error is not replayed: the result carries
// the error. A database the replay cannot bring clean (a record type not
// implemented, an open transaction that cannot be rolled back safely, a
// dbtime mismatch) gets the error and no output file; the error is also
// returned.
func Recover(ctx context.Context, plan *Plan, opts *RecoverOptions) (*RecoverResult, error) {
	return recoverPlan(ctx, plan, opts, nil)
}

// hardSetup prepares a database copy before a hard-recovery replay.
type hardSetup func(db *dbRun, src io.ReaderAt) error

func recoverPlan(ctx context.Context, plan *Plan, opts *RecoverOptions, hard hardSetup) (_ *RecoverResult, rerr error) {
	if plan == nil {
		return nil, errors.New("recovery: Recover needs a plan")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	var o RecoverOptions
	if opts != nil {
		o = *opts
	}
	o.Switches = o.Switches.effective()
	em := &emitter{opts: &Options{OnEvent: o.OnEvent, Logger: o.Logger}}
	if plan.Mode == ModeHard {
		if err := o.Switches.hardRefusal(); err != nil {
			return nil, err
		}
	}
	res := &RecoverResult{Mode: plan.Mode, Databases: []DatabaseResult{}, LogsReplayed: []string{}}
	defer func() {
		res.Events = em.events
		if res.Events == nil {
			res.Events = []Event{}
		}
	}()
	if err := checkOutputNames(plan, &o); err != nil {
		return nil, err
	}
	ip := planInputPaths(plan, o.extraInputs...)
	if !o.InPlace {
		if o.OutDir == "" {
			return nil, errors.New("recovery: RecoverOptions.OutDir is required (or InPlace)")
		}
		if err := ip.checkOutDir(o.OutDir); err != nil {
			return nil, err
		}
		created, err := makeOutDir(o.OutDir)
		if err != nil {
			return nil, err
		}
		defer func() {
			if rerr != nil {
				removeEmptyDirs(created)
			}
		}()
	}
	for i := range plan.Databases {
		pd := &plan.Databases[i]
		res.Databases = append(res.Databases, DatabaseResult{File: pd.File, Action: pd.Action, Error: pd.Error, Message: pd.Message})
	}
	if plan.Error != 0 {
		res.Error, res.Message = plan.Error, plan.Message
		for i := range res.Databases {
			res.Databases[i].StateBefore = stateOf(plan.Databases[i].File, &plan.Inputs)
			res.Databases[i].StateAfter = res.Databases[i].StateBefore
		}
		rerr := &RecoverError{Code: plan.Error, File: "plan", Msg: plan.Message}
		if m := plan.missingErr(); m != nil {
			rerr.Cause = m
		}
		return res, rerr
	}

	rp := &replayer{ctx: ctx, plan: plan, opts: &o, em: em, hard: plan.Mode == ModeHard, paths: ip}
	defer rp.closeAll()
	defer func() {
		// The databases the logs created follow the plan's.
		for _, d := range rp.created {
			res.Databases = append(res.Databases, *d)
		}
	}()
	for i := range plan.Databases {
		db, err := rp.prepare(&plan.Databases[i], &res.Databases[i], hard)
		if err != nil {
			res.Error, res.Message = codeOf(err), err.Error()
			if res.Databases[i].Message == "" || res.Databases[i].Error == 0 {
				res.Databases[i].Error, res.Databases[i].Message = codeOf(err), err.Error()
			}
			rp.removeTemps()
			return res, err
		}
		rp.dbs = append(rp.dbs, db)
	}
	if o.prepared != nil {
		o.prepared()
	}
	err := rp.run()
	if err == nil {
		err = rp.finish()
	}
	res.Records, res.LogBytes = rp.records, rp.logBytes
	for _, pl := range plan.Logs[:min(rp.logsDone, len(plan.Logs))] {
		res.LogsReplayed = append(res.LogsReplayed, pl.File)
	}
	if errors.Is(err, errStopped) {
		return res, err // a simulated kill: temporaries stay as they are
	}
	if err == nil {
		err = rp.commitAll()
	}
	for _, db := range rp.dbs {
		db.res.LogsReplayed = len(db.logs)
		if db.store != nil {
			db.res.PagesWritten += db.store.Stats().Writes
		}
	}
	if err != nil {
		rp.removeTemps()
		res.Error, res.Message = codeOf(err), err.Error()
		for _, db := range rp.dbs {
			db.res.Output = ""
			db.res.StateAfter = db.res.StateBefore
			if db.active && db.res.Error == 0 && db.res.Message == "" {
				// Not recovered because the run failed: its error is the run's.
				db.res.Error, db.res.Message = res.Error, "not recovered: "+err.Error()
			}
		}
		em.emit(Event{Kind: EventError, Code: res.Error, Message: res.Message})
		return res, err
	}
	n := 0
	for _, db := range rp.dbs {
		if db.active {
			n++
		}
	}
	res.Message = fmt.Sprintf("%s recovery replayed %d log(s); %d database(s) recovered", plan.Mode, rp.logsDone, n)
	if rp.undoSkipped != 0 {
		res.Message = fmt.Sprintf("%s recovery replayed %d log(s) without the undo phase (%s): %d database(s) written, left as the redo leaves them", plan.Mode, rp.logsDone, rp.undoSkipped.Name(), n)
	}
	return res, nil
}

// codeOf is the engine code of a failure: never 0 for a non-nil error
// (ese.CodeOf), so a failed result never reports success.
func codeOf(err error) ese.Error { return ese.CodeOf(err) }

// makeOutDir creates the output folder when it is missing; an existing
// path must be a folder. It returns the folders it created (the output
// folder and any missing parent), deepest first.
func makeOutDir(dir string) ([]string, error) {
	var created []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || filepath.Dir(d) == d {
			break
		}
		created = append(created, d)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("recovery: output folder %q: %w", dir, err)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("recovery: output folder %q: not a folder (%v)", dir, err)
	}
	return created, nil
}

// removeEmptyDirs removes, deepest first, the folders a failed recovery
// created, each only while it is empty (os.Remove never removes a folder
// that holds anything), so a failed run leaves no empty output folder
// behind and never removes a folder that existed before it.
func removeEmptyDirs(created []string) {
	for _, d := range created {
		if os.Remove(d) != nil {
			return
		}
	}
}

func stateOf(name string, in *PlanInputs) string {
	r, _, c, err := in.open(name)
	if err != nil {
		return ""
	}
	if c != nil {
		defer c.Close()
	}
	h, err := ese.ReadDBHeader(r)
	if err != nil {
		return ""
	}
	return h.Header.State.String()
}

// outputPaths returns the final and temporary paths of a database's
// output, inside the output folder (or beside the input in place).
func outputPaths(name string, o *RecoverOptions) (out, tmp string, err error) {
	base := filepath.Base(filepath.FromSlash(strings.ReplaceAll(name, `\`, "/")))
	if err := checkComponent(base); err != nil {
		return "", "", err
	}
	dir := o.OutDir
	if o.InPlace {
		dir = filepath.Dir(name)
	}
	out = filepath.Join(dir, base)
	tmp = filepath.Join(dir, outfile.TempName(base))
	if !within(dir, out) || !within(dir, tmp) {
		return "", "", fmt.Errorf("%w: %q leaves %s", ErrUnsafePath, base, dir)
	}
	return out, tmp, nil
}

// prepare copies one database to its temporary output and opens its page
// store.
func (rp *replayer) prepare(pd *PlanDatabase, dr *DatabaseResult, hard hardSetup) (_ *dbRun, err error) {
	o := rp.opts
	src, size, closer, err := rp.plan.Inputs.open(pd.File)
	if err != nil {
		return nil, fmt.Errorf("recovery: cannot open database %s: %w", pd.File, err)
	}
	if closer != nil {
		defer closer.Close()
	}
	hc, err := ese.ReadDBHeader(src)
	if err != nil {
		return nil, fmt.Errorf("recovery: database %s: %w", pd.File, err)
	}
	db := &dbRun{pd: pd, res: dr, name: pd.File, orig: hc.Header, pageSize: hc.PageSize, hard: rp.hard,
		active: pd.Action == ActionReplay || pd.Action == ActionTruncate, truncateAt: pd.TruncateAt}
	dr.StateBefore, dr.StateAfter = hc.Header.State.String(), hc.Header.State.String()
	if pd.Action == ActionFail {
		return db, nil // the plan's error is reported; nothing is written
	}
	if o.InPlace && !db.active {
		return db, nil
	}
	db.out, db.tmp, err = outputPaths(pd.File, o)
	if err != nil {
		return nil, err
	}
	if !o.InPlace && !o.Overwrite {
		if _, err := os.Lstat(db.out); err == nil {
			return nil, fmt.Errorf("recovery: %s already exists (set Overwrite to replace it): %w", db.out, ese.ErrFileAlreadyExists)
		}
	}
	if !o.InPlace && sameFile(db.out, pd.File) {
		return nil, fmt.Errorf("recovery: the output %s is the input: use InPlace to recover in place", db.out)
	}
	f, err := outfile.CreateTemp(filepath.Dir(db.tmp), filepath.Base(db.tmp), rp.inputs()...)
	if err != nil {
		db.tmp = "" // not ours: removeTemps leaves it alone
		return nil, fmt.Errorf("recovery: temporary output of %s: %w", pd.File, err)
	}
	db.file = f
	defer func() {
		if err != nil { // the temporary copy goes with the error
			f.Close()
			os.Remove(db.tmp)
			db.file = nil
		}
	}()
	if err := copyDatabase(f, src, size, closer != nil); err != nil {
		return nil, fmt.Errorf("recovery: copying %s: %w", pd.File, err)
	}
	// The working header is a copy: replay changes it, and it is written
	// last.
	h := *hc.Header
	db.hdr = &h
	switch {
	case hard != nil && db.active:
		if err := hard(db, src); err != nil {
			return nil, err
		}
	case db.active:
		// A backup copy soft recovery was allowed to replay into
		// (Switches.AllowBackup) takes its trailer first, as at attach
		// in the engine (ErrLGRICheckAttachNow).
		if _, err := updateHeaderFromTrailer(db, src); err != nil {
			return nil, err
		}
	}
	db.genMaxRequired = db.hdr.GenMaxRequired
	db.maxDBTime, db.maxObjid = db.hdr.DBTimeDirtied, db.hdr.LastObjectID
	db.logs = map[ese.Generation]bool{}
	st, err := redo.NewPageStore(db.pageFile(o), db.pageSize, rp.storeOptions())
	if err != nil {
		return nil, err
	}
	db.store = st
	return db, nil
}

func sourceSize(r io.ReaderAt) (int64, error) {
	if s, ok := r.(interface{ Stat() (os.FileInfo, error) }); ok {
		st, err := s.Stat()
		if err == nil {
			return st.Size(), nil
		}
	}
	if s, ok := r.(interface{ Size() int64 }); ok {
		return s.Size(), nil
	}
	// Find the size by probing (bounded by 2^46 bytes).
	lo, hi := int64(0), int64(1)<<46
	b := make([]byte, 1)
	for lo < hi {
		mid := lo + (hi-lo)/2
		if n, _ := r.ReadAt(b, mid); n == 1 {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, nil
}

// commitAll writes each database's pages and header, syncs it and renames
// it into place: the header goes last, so a file is either the old one
// or complete.
func (rp *replayer) commitAll() error {
	for _, db := range rp.dbs {
		if db.file == nil {
			continue
		}
		if db.store != nil {
			if err := db.store.Flush(); err != nil {
				return err
			}
		}
		if db.active {
			if err := writeDBHeader(db.file, db.hdr, db.pageSize); err != nil {
				return err
			}
		}
		if !rp.opts.noSync {
			if err := db.file.Sync(); err != nil {
				return err
			}
		}
	}
	for _, db := range rp.dbs {
		if db.file == nil {
			continue
		}
		if err := db.file.Close(); err != nil {
			return err
		}
		db.file = nil
		// In place the file replaces its input, as asked; otherwise an
		// existing output is replaced only with Overwrite, and never an
		// input.
		var inputs []string
		if !rp.opts.InPlace {
			inputs = rp.inputs()
		}
		if err := outfile.Rename(db.tmp, db.out, rp.opts.Overwrite || rp.opts.InPlace, inputs...); err != nil {
			return fmt.Errorf("recovery: %s: %w", db.out, err)
		}
		db.tmp = ""
		if !rp.opts.noSync {
			outfile.SyncDir(filepath.Dir(db.out))
		}
		db.res.Output = db.out
		db.res.StateAfter = db.hdr.State.String()
		if db.active {
			db.res.ConsistentPos, db.res.Consistent = db.hdr.ConsistentPos, db.hdr.ConsistentPos.String()
			db.res.Message = fmt.Sprintf("%s is %v at %v", db.out, db.hdr.State, db.hdr.ConsistentPos)
			if rp.undoSkipped != 0 && db.hdr.State != ese.DBStateCleanShutdown {
				db.res.Message = fmt.Sprintf("%s is %v: recovered without undo up to generation 0x%X", db.out, db.hdr.State, db.hdr.GenMaxRequired)
			}
			rp.em.emit(Event{Kind: EventDatabase, Files: []string{db.name, db.out}, Message: db.res.Message})
		}
	}
	return nil
}

// storeOptions are the options of every page store of the recovery: one
// page cache of RecoverOptions.CacheBytes for all its databases.
func (rp *replayer) storeOptions() *redo.PageStoreOptions {
	if rp.cache == nil {
		rp.cache = rp.opts.pageCache
	}
	if rp.cache == nil {
		rp.cache = redo.NewPageCache(rp.opts.CacheBytes)
	}
	rp.cache.Recycle() // replayLog calls EndRecord between records
	return &redo.PageStoreOptions{Cache: rp.cache}
}

// inputs are the input files of the recovery (planInputPaths: its
// databases, and the logs, checkpoint and patch files of its folders),
// which no file it creates may be.
func (rp *replayer) inputs() []string {
	if rp.paths == nil {
		rp.paths = planInputPaths(rp.plan, rp.opts.extraInputs...)
	}
	return rp.paths.files
}

func (rp *replayer) closeAll() {
	for _, db := range rp.dbs {
		if db.file != nil {
			db.file.Close()
			db.file = nil
		}
	}
}

// removeTemps deletes the temporary outputs after a failure (never an
// input, never a final output).
func (rp *replayer) removeTemps() {
	for _, db := range rp.dbs {
		if db.file != nil {
			db.file.Close()
			db.file = nil
		}
		if db.tmp != "" {
			os.Remove(db.tmp)
		}
	}
}

// FolderInput names the folders of RecoverFolder on the operating
// system's file system.
type FolderInput struct {
	// Logs is the log folder; its checkpoint (the first file identified as
	// a checkpoint by its bytes that reads) is used when present.
	Logs string
	// Databases are further folders holding database files; the log
	// folder's database files are taken too.
	Databases []string
}

// RecoverFolder is soft recovery in one call, for `esekit recover`: the
// databases are the database files found in the log folder and in every
// folder of in.Databases, identified by their bytes. It plans (PlanSoft,
// with opts.RestoreMap and opts.Switches) and recovers into opts.OutDir;
// with opts.CreateMissing a database whose CreateDB the logs hold and
// that is not in the folders is created there from the logs. A plan
// error is returned in the result and as the error.
func RecoverFolder(ctx context.Context, in FolderInput, opts *RecoverOptions) (*RecoverResult, error) {
	if in.Logs == "" {
		return nil, errors.New("recovery: RecoverFolder needs the log folder")
	}
	dbs, ckpt, err := scanFolders(append([]string{in.Logs}, in.Databases...))
	if err != nil {
		return nil, err
	}
	sin := SoftInput{Logs: os.DirFS(in.Logs), Databases: dbs}
	if ckpt != "" {
		sin.Checkpoint = CheckpointSource{Name: ckpt}
	}
	var o RecoverOptions
	if opts != nil {
		o = *opts
	}
	plan, err := PlanSoft(ctx, sin, &Options{OnEvent: o.OnEvent, Logger: o.Logger, RestoreMap: o.RestoreMap, Switches: o.Switches})
	if err != nil {
		return nil, err
	}
	o.OnEvent, o.Logger = nil, nil // planning already delivered its events
	res, rerr := Recover(ctx, plan, &o)
	if res != nil {
		res.Events = append(plan.Events, res.Events...)
		if opts != nil && opts.OnEvent != nil {
			for _, e := range res.Events[len(plan.Events):] {
				opts.OnEvent(e)
			}
		}
	}
	return res, rerr
}

// scanFolders finds the database files (by their bytes) in dirs and the
// checkpoint of the first folder (its name there).
func scanFolders(dirs []string) (dbs []DatabaseFile, ckpt string, err error) {
	for i, d := range dirs {
		ents, err := os.ReadDir(d)
		if err != nil {
			return nil, "", err
		}
		for _, e := range ents {
			if !e.Type().IsRegular() || outfile.IsTemp(e.Name()) {
				continue
			}
			p := filepath.Join(d, e.Name())
			f, err := os.Open(p)
			if err != nil {
				continue
			}
			id, _ := ese.Identify(f)
			switch {
			case id.Kind == ese.KindDatabase:
				dbs = append(dbs, DatabaseFile{Name: p})
			case id.Kind == ese.KindCheckpoint && i == 0 && ckpt == "":
				if _, err := esechk.Read(f); err == nil {
					ckpt = e.Name()
				}
			}
			f.Close()
		}
	}
	return dbs, ckpt, nil
}

func closeAllOf(cs []io.Closer) {
	for _, c := range cs {
		c.Close()
	}
}
