package recovery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/esepatch"
)

// Mode is soft or hard recovery.
type Mode string

// Recovery modes.
const (
	ModeSoft Mode = "soft"
	ModeHard Mode = "hard"
)

// Database actions in a plan.
const (
	ActionReplay   = "replay"   // logs are replayed into the database
	ActionNone     = "none"     // the database is consistent: nothing to replay
	ActionTruncate = "truncate" // replay stops early for this database (signature or path change)
	ActionSkip     = "skip"     // the logs do not touch this database
	ActionFail     = "fail"     // the engine would stop with Error
)

// Options tune planning.
type Options struct {
	// OnEvent, when set, receives every decision as it is made.
	OnEvent func(Event)
	// Logger, when set, receives every decision as a log record.
	Logger *slog.Logger
	// RestoreMap renames logged database paths (optional in soft recovery).
	RestoreMap *RestoreMap
	// Switches are the engine's recovery switches (switches.go).
	Switches
	// MaxBufferBytes bounds the bytes of input files without random
	// access (an fs.File that is no io.ReaderAt, as a member of an
	// archive/zip folder) that planning reads into memory, all such files
	// together: the logs, checkpoint and patch files of the folders and
	// the databases given. A file beyond it is refused with a
	// *NoRandomAccessError. 0: DefaultMaxBufferBytes (64 MiB); negative:
	// none is read into memory.
	MaxBufferBytes int64
}

// PlanLog is one log of a plan, in replay order.
type PlanLog struct {
	File       string         `json:"file"`
	Generation ese.Generation `json:"generation"`
	FromBackup bool           `json:"from_backup"`
	NeedsPatch bool           `json:"needs_patch"`
	// Attaches lists the database paths the log names: its header's
	// attach list and its CreateDB/AttachDB records (soft recovery).
	Attaches []string `json:"attaches,omitempty"`
}

// PlanDatabase is what a plan does to one database.
type PlanDatabase struct {
	File       string         `json:"file"`
	ReplayFrom ese.Generation `json:"replay_from"`
	ReplayTo   ese.Generation `json:"replay_to"`
	Action     string         `json:"action"`
	// LoggedPath is the path the logs know the database by, when found in
	// a log header's attach list.
	LoggedPath string `json:"logged_path,omitempty"`
	// TruncateAt is where replay into the database stops, when it stops
	// early (the attachment that changed its signature or path).
	TruncateAt *ese.LogPos `json:"truncate_at,omitempty"`
	// Patch names the patch file matched to the database (hard recovery).
	Patch string `json:"patch,omitempty"`
	// PatchForm says where the patch header is (hard recovery): in the
	// .pat file, or in the database copy's trailer page behind a
	// zero-length .pat marker (esepatch.Form).
	PatchForm esepatch.Form `json:"patch_form,omitempty"`
	// Error and Message give the verdict for this database.
	Error   ese.Error `json:"error"`
	Message string    `json:"message,omitempty"`
	// Remedy says what would let recovery of the database go ahead, when
	// the planner knows (a gap in the logs).
	Remedy string `json:"remedy,omitempty"`
}

// Plan is the outcome of planning: the ordered logs and per-database
// ranges, or the exact engine error. Field names map to the JSON of
// `esekit plan`.
type Plan struct {
	Mode Mode `json:"mode"`
	// Start is where replay starts: the checkpoint, or the beginning of
	// the first log (sector = its header sectors, offset 0).
	Start ese.LogPos `json:"start"`
	// End is the end of the valid data of the last log replayed (the
	// engine's lgposLastRec), or the start of that generation when its
	// body cannot be read.
	End       ese.LogPos     `json:"end"`
	Logs      []PlanLog      `json:"logs"`
	Databases []PlanDatabase `json:"databases"`
	// Error is the engine error recovery stops with (0 when it succeeds).
	Error   ese.Error `json:"error"`
	Message string    `json:"message"`
	// Remedy says what would let recovery go ahead, when the planner
	// knows: for a gap in the logs, the missing files to restore, or that
	// moving the logs below the gap aside is enough when no database
	// needs them.
	Remedy string `json:"remedy,omitempty"`
	// MissingLogs names the log files whose absence is Error
	// ("SRU00050.log", "SRU00050.log through SRU00052.log", "SRU.log"),
	// empty otherwise; Err then matches ese.ErrMissingLog.
	MissingLogs string `json:"missing_logs,omitempty"`
	missing     *eselog.GenRange
	// PatchRange is the log range of the full backup the patch files
	// describe (hard recovery): the logs that need patch data.
	PatchRange *eselog.GenRange `json:"patch_range,omitempty"`
	// PatchFiles is the number of patch files found (hard recovery).
	PatchFiles int `json:"patch_files,omitempty"`
	// RestoreMap says, entry by entry, whether the restore map
	// (Options.RestoreMap) renames a database path the replayed logs name.
	RestoreMap []MapUse `json:"restore_map,omitempty"`
	// Events are the decisions, in order.
	Events []Event `json:"events"`
	// Set is the scanned log folder (soft) or backup folder (hard).
	Set *eselog.Set `json:"-"`
	// Inputs are the inputs the plan was made from: Recover and Restore
	// read the logs, checkpoint, patch files and databases from them.
	Inputs PlanInputs `json:"-"`
}

// SoftInput is the input of PlanSoft.
type SoftInput struct {
	// Logs is the log folder: the files at the top of the fs.FS are the
	// logs (os.DirFS for a folder on disk; fs.Sub for a folder inside
	// another fs.FS).
	Logs fs.FS
	// MoreLogs are further folders whose logs join the log folder's, as
	// KB Q296787's roll-forward step 5 gathers logs from several backup
	// sets. A file name already present in an earlier folder is ignored (an
	// event says so).
	MoreLogs []fs.FS
	// Databases are the database files.
	Databases []DatabaseFile
	// Checkpoint is the checkpoint replay starts from: the zero value is
	// none, CheckpointSource{Find: true} the one in the log folder.
	Checkpoint CheckpointSource
}

// Err returns the plan's verdict as an error: nil when recovery can go
// ahead, otherwise an error whose text is the plan's message and which wraps
// the engine code, so callers can test errors.Is(err, ese.ErrMissingLogFile).
func (p *Plan) Err() error {
	if p == nil || p.Error == 0 {
		return nil
	}
	if m := p.missingErr(); m != nil {
		return m
	}
	return fmt.Errorf("%s: %w", p.Message, p.Error)
}

// missingErr returns the plan's error as an *ese.MissingLogError when a
// missing log is its cause, nil otherwise.
func (p *Plan) missingErr() *ese.MissingLogError {
	if p == nil || p.Error == 0 || p.MissingLogs == "" {
		return nil
	}
	m := &ese.MissingLogError{Code: p.Error, Files: p.MissingLogs, Msg: p.Message}
	if p.missing != nil {
		m.Low, m.High = p.missing.Low, p.missing.High
	}
	return m
}

// noteMissing records that a missing log stops the plan (the walk's
// Missing), with the remedy.
func (p *Plan) noteMissing(rp *eselog.Replay, remedy string) {
	if rp.Missing == nil || p.Error != rp.Error {
		return
	}
	p.missing, p.MissingLogs = rp.Missing, rp.MissingFiles
	if p.Remedy == "" {
		p.Remedy = remedy
	}
}

func (p *Plan) fail(em *emitter, code ese.Error, format string, args ...any) *Plan {
	p.Error, p.Message = code, fmt.Sprintf(format, args...)
	em.emit(Event{Kind: EventError, Message: p.Message, Code: code})
	return p
}

func logStart(s *eselog.Set, gen ese.Generation) ese.LogPos {
	return ese.LogPos{Generation: gen, Sector: headerSectors(s, gen)}
}

func headerSectors(s *eselog.Set, gen ese.Generation) uint16 {
	if f := s.Log(gen); f != nil && f.SectorSize > 0 && f.SectorSize <= 4096 {
		return uint16(4096 / int(f.SectorSize))
	}
	return 1
}

// PlanSoft decides a soft recovery (crash recovery) of the databases from
// the logs in a folder, as the engine would: where it starts (the
// checkpoint, or the lowest log), where it ends (the current log), what
// each database gets, or the engine error that stops it.
//
// The plan keeps its inputs: Recover replays it from the same folder,
// checkpoint and databases. A file of the inputs that gives no random
// access is read into memory here, within Options.MaxBufferBytes, or
// refused with a *NoRandomAccessError.
func PlanSoft(ctx context.Context, in SoftInput, opts *Options) (*Plan, error) {
	if in.Logs == nil {
		return nil, errors.New("recovery: PlanSoft needs a log folder")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	em := &emitter{opts: opts}
	p := &Plan{Mode: ModeSoft, Logs: []PlanLog{}, Databases: []PlanDatabase{}}
	defer func() { p.Events = em.events }()
	sw := opts.switches()
	if sw.on() {
		em.emit(Event{Kind: EventSwitch, Message: fmt.Sprintf("recovery switches: %s", sw)})
	}

	buf := newBuffer(opts)
	first, err := buf.folder(in.Logs)
	if err != nil {
		return nil, err
	}
	if p.Inputs.Databases, err = buf.databases(in.Databases); err != nil {
		return nil, err
	}
	dbs, closers, err := readDatabases(p.Inputs.Databases)
	defer closeAllOf(closers)
	if err != nil {
		return nil, err
	}
	// The set is built around the current log (the engine reads it first).
	logs, dir := first, "."
	var union *unionFS
	if len(in.MoreLogs) > 0 {
		union = &unionFS{layers: []fs.FS{first}}
		for _, m := range in.MoreLogs {
			l, err := buf.folder(m)
			if err != nil {
				return nil, err
			}
			union.layers = append(union.layers, l)
		}
		logs = union
	}
	p.Inputs.Logs, p.Inputs.checkpointFS = logs, in.Checkpoint.FS
	ckpt, ckName, ckErr, err := readCheckpoint(in.Checkpoint, first, buf)
	if err != nil {
		return nil, err
	}
	set, err := eselog.ScanFS(logs, dir, nil)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if union != nil {
		for _, n := range union.shadowed {
			em.emit(Event{Kind: EventLogProblem, Files: []string{n}, Message: fmt.Sprintf("%s is in more than one log folder: the first folder's copy is used", n)})
		}
	}
	p.Set = set
	for _, pr := range set.Problems {
		em.emit(Event{Kind: EventLogProblem, Message: pr.Message, Files: pr.Files, Code: pr.Code})
	}

	var ck *eselog.CheckpointInfo
	attachInCheckpoint := false
	if ckErr != nil {
		em.emit(Event{Kind: EventCheckpointIgnored, Files: []string{ckName}, Code: ese.ErrCheckpointCorrupt,
			Message: fmt.Sprintf("the checkpoint %s cannot be read (%v): the engine scans the logs and starts at the lowest one", ckName, ckErr)})
	} else if ckpt != nil {
		p.Inputs.Checkpoint = ckpt
		ck = ckpt.CheckpointInfo(ckName)
		attachInCheckpoint = ckpt.AttachInfoPresent()
	}
	rp := set.ReplayWith(ck, sw.replayOptions())
	if rp.NoCurrentLog && set.TempLog == "" {
		em.emit(Event{Kind: EventSwitch, Generation: rp.End, Message: fmt.Sprintf("the current log %s%s is missing: allowing a missing current log (JET_bitAllowMissingCurrentLog), replay goes to the end of generation 0x%X, the highest numbered log, and the engine then starts generation 0x%X as the new current log", set.Base, set.Ext, rp.End, rp.End+1)})
	}
	if rp.NoRecovery {
		p.Start, p.End = ck.Pos, ck.Pos
		em.emit(Event{Kind: EventStart, Generation: rp.Start, Files: []string{ckName}, Message: rp.Message})
	} else if rp.Start != 0 {
		if rp.FromCheckpoint {
			// The engine trusts the checkpoint's own position only with its
			// attach list present and a log of 8.4000.4.3 or later;
			// otherwise it moves the start to the beginning of that
			// generation (LGFakeCheckpointToLogFile), as for legacy logs.
			p.Start = ck.Pos
			why := "its attach list is present"
			if f := set.File(firstOr(rp.Files)); f == nil || !attachInCheckpoint || !attachInfoInCheckpointVersion(f.Header) {
				p.Start = logStart(set, rp.Start)
				why = "moved to the beginning of that generation: the checkpoint carries no attach list, or the log predates 8.4000.4.3"
			}
			em.emit(Event{Kind: EventStart, Generation: rp.Start, Files: []string{ckName},
				Message: fmt.Sprintf("replay starts at %s from the checkpoint %s (%s)", p.Start, ck.Pos, why)})
		} else {
			p.Start = logStart(set, rp.Start)
			em.emit(Event{Kind: EventStart, Generation: rp.Start,
				Message: fmt.Sprintf("no usable checkpoint: replay starts at the beginning of the lowest log, generation 0x%X", rp.Start)})
		}
	}
	for _, name := range rp.Files {
		f := set.File(name)
		p.Logs = append(p.Logs, PlanLog{File: name, Generation: f.Generation})
		em.emit(Event{Kind: EventPlanLog, Files: []string{name}, Generation: f.Generation,
			Message: fmt.Sprintf("recovery will replay log file %s", name)})
	}
	if rp.End != 0 && !rp.NoRecovery {
		p.End = ese.LogPos{Generation: rp.End}
		if len(rp.Files) > 0 {
			if end, ok := logEnd(logs, dir, set.File(rp.Files[len(rp.Files)-1])); ok {
				p.End = end
			}
		}
		em.emit(Event{Kind: EventEnd, Generation: rp.End, Message: fmt.Sprintf("replay ends at %s, the end of generation 0x%X", p.End, rp.End)})
	}

	atts, _ := collectAttachments(ctx, logs, dir, set, rp.Files)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i := range p.Logs {
		seen := map[string]bool{}
		for _, a := range atts {
			if a.Gen == p.Logs[i].Generation && !seen[strings.ToUpper(a.Path)] && len(p.Logs[i].Attaches) < 64 {
				seen[strings.ToUpper(a.Path)] = true
				p.Logs[i].Attaches = append(p.Logs[i].Attaches, a.Path)
			}
		}
	}
	noteUnmatched(atts, dbs, opts, em)
	for _, d := range dbs {
		pd := planSoftDatabase(set, d, ck, atts, opts, em)
		p.Databases = append(p.Databases, pd)
		if pd.Error != 0 && p.Error == 0 {
			p.Error, p.Message, p.Remedy = pd.Error, pd.Message, pd.Remedy
		}
	}
	reportMapUse(p, opts, atts, em)
	if rp.Error != 0 && p.Error == 0 {
		p.Error, p.Message = rp.Error, rp.Message
	}
	p.noteMissing(&rp, "")
	if p.Error == 0 && !sw.IgnoreMissingDB && !rp.NoRecovery {
		// Replay ends with -1216 when the logs leave attached a database
		// that is not given (checkMissingDBs): predict it.
		if m, ok := predictMissingDB(ctx, logs, dir, set, rp.Files, p.Start, p.Inputs.Checkpoint, dbs); ok && m != nil {
			p.Error, p.Message = ese.ErrAttachedDatabaseMismatch, missingDBMessage(m)
			p.Remedy = fmt.Sprintf("give the database the logs attach as %s with the others, or ignore missing databases (JET_bitReplayIgnoreMissingDB)", m.path)
		}
	}
	if p.Error == 0 && sw.WithoutUndo {
		em.emit(Event{Kind: EventSwitch, Generation: rp.End, Code: ese.ErrRecoveredWithoutUndo,
			Message: "recovery without undo (JET_bitRecoveryWithoutUndo): replay stops before the undo phase; open transactions are not rolled back and the databases stay dirty (JET_errRecoveredWithoutUndo)"})
	}
	if p.Error != 0 {
		em.emit(Event{Kind: EventError, Code: p.Error, Message: p.Message})
	} else if p.Message == "" {
		switch {
		case rp.NoRecovery:
			p.Message = rp.Message
		case rp.NewStream:
			p.Message = "no log files: nothing to replay"
		default:
			p.Message = fmt.Sprintf("soft recovery replays generations 0x%X-0x%X", rp.Start, rp.End)
			if sw.WithoutUndo {
				p.Message += " without the undo phase: the databases stay dirty"
			}
		}
	}
	return p, nil
}

type dbInfo struct {
	name string
	hdr  *ese.DBHeader
	db   *eselog.Database
	// r reads the file; pageSize is its page size.
	r        io.ReaderAt
	pageSize int
}

// readDatabases opens the database files and reads their headers; the
// files stay open for planning until closeAllOf(closers).
func readDatabases(files []DatabaseFile) (out []dbInfo, closers []io.Closer, err error) {
	for _, f := range files {
		r, _, c, err := f.open()
		if err != nil {
			return nil, closers, fmt.Errorf("recovery: database %s: %w", f.Name, err)
		}
		if c != nil {
			closers = append(closers, c)
		}
		h, err := ese.ReadDBHeader(r)
		if err != nil {
			return nil, closers, fmt.Errorf("recovery: database %s: %w", f.Name, err)
		}
		out = append(out, dbInfo{name: f.Name, hdr: h.Header, db: eselog.DatabaseFromHeader(h.Header, f.Name), r: r, pageSize: h.PageSize})
	}
	return out, closers, nil
}

// loggedAttachment finds the database in the attach lists of the log
// headers from gen lo to hi: by database signature first, then by file
// name. It returns the path, the generation whose header lists it, and
// whether the signature matched.
func loggedAttachment(set *eselog.Set, d dbInfo, lo, hi ese.Generation) (string, ese.Generation, bool) {
	var name string
	var at ese.Generation
	for g := lo; g <= hi && g-lo < 1<<16; g++ {
		f := set.Log(g)
		if f == nil {
			continue
		}
		for _, a := range f.Attached {
			if a.DbSignature.Equal(d.db.DbSignature) {
				return a.Path(), g, true
			}
			if name == "" && strings.EqualFold(winBase(a.Path()), filepath.Base(d.name)) {
				name, at = a.Path(), g
			}
		}
	}
	return name, at, false
}

func winBase(p string) string {
	c := winComponents(p)
	if len(c) == 0 {
		return ""
	}
	return c[len(c)-1]
}

func planSoftDatabase(set *eselog.Set, d dbInfo, ck *eselog.CheckpointInfo, atts []attachment, opts *Options, em *emitter) PlanDatabase {
	sw := opts.switches()
	v := set.CheckWith(d.db, ck, sw.replayOptions())
	pd := PlanDatabase{File: d.name, Error: v.Error, Message: v.Message, Remedy: v.Remedy}
	switch {
	case v.Error != 0:
	case v.LostLogs:
		em.emit(Event{Kind: EventSwitch, Files: []string{d.name}, Generation: v.Replay.End,
			Message: fmt.Sprintf("%s holds committed data up to generation 0x%X, beyond the end of the logs (0x%X): ignoring lost logs (JET_bitReplayIgnoreLostLogs), recovery brings it clean with that data lost (warning 585, JET_wrnCommittedLogFilesLost)", d.name, d.db.GenMaxCommitted, v.Replay.End)})
	case d.db.IsBackupCopy() && d.db.Dirty():
		em.emit(Event{Kind: EventSwitch, Files: []string{d.name},
			Message: fmt.Sprintf("%s is a copy from an online backup: allowing soft recovery on a backup (JET_bitAllowSoftRecoveryOnBackup), the logs are replayed into it without its patch file", d.name)})
	}
	create := justCreatedInLogs(v, d, atts)
	switch {
	case create != nil:
		// ErrLGRICheckRedoCreateDb: a JustCreated header met at its own
		// CreateDB is recreated from the log (redoattachCreate).
		pd.Error = 0
		pd.Message = fmt.Sprintf("the database's creation never finished (JustCreated), but the replayed logs hold its CreateDB at %s: the engine recreates it from the log", create.Pos)
		pd.Action = ActionReplay
		pd.ReplayFrom, pd.ReplayTo = create.Gen, v.Replay.End
	case v.Error != 0:
		pd.Action = ActionFail
	case !d.db.Dirty():
		pd.Action = ActionNone
	default:
		// The whole walk is replayed, but records before the database's
		// minimum required generation are already in it (their dbtimes
		// are older than its pages'): its own replay starts there.
		pd.Action = ActionReplay
		pd.ReplayFrom, pd.ReplayTo = max(v.Replay.Start, d.db.GenMinRequired), v.Replay.End
	}
	if pd.Action == ActionReplay {
		// The truncation rule of KB Q296787 and the attach checks of
		// docs/recovery.md#attach-rules, over the attachments the replayed logs hold.
		var rmap *RestoreMap
		if opts != nil {
			rmap = opts.RestoreMap
		}
		logged, stop := attachDecision(atts, d, set.Signature, rmap)
		pd.LoggedPath = logged
		if stop != nil {
			pd.Action, pd.Error, pd.Message = stop.action, stop.code, stop.msg
			pos := stop.at.Pos
			pd.TruncateAt = &pos
			switch {
			case stop.action == ActionTruncate && stop.at.Source == "header":
				pd.ReplayTo = stop.at.Gen - 1
			case stop.action == ActionTruncate:
				pd.ReplayTo = stop.at.Gen
			case stop.action == ActionSkip:
				pd.ReplayFrom, pd.ReplayTo, pd.TruncateAt = 0, 0, nil
			}
			kind := EventTruncated
			if stop.action == ActionSkip {
				kind = EventSkipped
			} else if stop.code != 0 {
				kind = EventDatabase
			}
			em.emit(Event{Kind: kind, Files: []string{d.name}, Generation: stop.at.Gen, Code: stop.code, Message: stop.msg})
		} else if logged != "" && rmap != nil {
			if local, err := rmap.Resolve(logged); err == nil {
				em.emit(Event{Kind: EventRemap, Files: []string{logged, local}, Message: fmt.Sprintf("%s resolves to %s", logged, local)})
			}
		}
	}
	em.emit(Event{Kind: EventDatabase, Files: []string{d.name}, Code: pd.Error,
		Message: fmt.Sprintf("%s: %s (%s)", d.name, pd.Action, v.Message)})
	return pd
}

// justCreatedInLogs returns the CreateDB of a JustCreated database among
// the attachments of the replayed logs (same signature, same file name),
// when the walk itself reaches the end; nil otherwise. Without it the
// engine defers the file and it cannot be attached (the verdict's -1206).
func justCreatedInLogs(v eselog.Verdict, d dbInfo, atts []attachment) *attachment {
	if d.hdr.State != ese.DBStateJustCreated || v.Replay.Error != 0 || v.Replay.Start == 0 {
		return nil
	}
	for i, a := range atts {
		if a.Source == "CreateDB" && a.SignDb.Equal(d.hdr.DbSignature) && checkLogged(a.Path) == nil &&
			strings.EqualFold(winBase(a.Path), filepath.Base(d.name)) {
			return &atts[i]
		}
	}
	return nil
}

func sameFile(a, b string) bool {
	if strings.EqualFold(filepath.Clean(a), filepath.Clean(b)) {
		return true
	}
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// PlanSoftDir is PlanSoft over paths on the operating system's file
// system: the log folder and the database files; the checkpoint's Name
// is a file of the log folder unless its FS says otherwise.
func PlanSoftDir(ctx context.Context, logDir string, databases []string, checkpoint CheckpointSource, opts *Options) (*Plan, error) {
	in := SoftInput{Logs: os.DirFS(logDir), Checkpoint: checkpoint}
	for _, d := range databases {
		in.Databases = append(in.Databases, DatabaseFile{Name: d})
	}
	return PlanSoft(ctx, in, opts)
}

// HardInput is the input of PlanHard.
type HardInput struct {
	// LowLog and HighLog are the Restore in Progress key's "LowLog Number"
	// and "HighLog Number". Zero: taken from the patch files' backup range.
	LowLog, HighLog ese.Generation
	// Restore is the restore (backup) folder: logs from the backup and the
	// .pat files, at the top of the fs.FS (fs.Sub for a folder inside
	// one).
	Restore fs.FS
	// Target is the folder of logs already on disk (optional).
	Target fs.FS
	// Databases are the restored databases.
	Databases []DatabaseFile
}

// PlanHard decides a hard recovery (restore from an online backup,
// KB Q200941 and docs/recovery.md#hard-recovery): the checkpoint is ignored and LowLog acts as
// the checkpoint; LowLog..HighLog must all be in the restore folder with
// one signature (-557, -530); each database needs a matching patch file
// (-538, -552) and must be a backup copy (-615). Patch data applies only
// to the logs of the full backup.
//
// A patch file comes in two forms (esepatch.Form): it holds the patch
// header and any page images, or, as today's engines write it, it is a
// zero-length marker and the patch header is the trailer page at the end
// of the database copy (dev/ese/src/ese/backup.cxx). A copy whose header
// waits for its trailer (esepatch.TrailerPending) is checked against the
// trailer in either form, as ErrLGCheckDBFiles does
// (dev/ese/src/ese/_log/logutil.cxx): a missing or corrupt trailer is
// -535 (for a marker, "zero-length patch file ... and no trailer page"),
// signatures, backup mark and a set high generation -552, and the
// trailer's log range must lie inside LowLog..HighLog (-554, -553). A
// folder with no .pat file at all stays -538.
//
// The plan keeps its inputs, as PlanSoft's does: Restore reads the same
// folders and databases.
func PlanHard(ctx context.Context, in HardInput, opts *Options) (*Plan, error) {
	if in.Restore == nil {
		return nil, errors.New("recovery: PlanHard needs a restore folder")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	em := &emitter{opts: opts}
	p := &Plan{Mode: ModeHard, Logs: []PlanLog{}, Databases: []PlanDatabase{}}
	defer func() { p.Events = em.events }()
	rdir := "."
	buf := newBuffer(opts)
	var err error
	if in.Restore, err = buf.folder(in.Restore); err != nil {
		return nil, err
	}
	if in.Target, err = buf.folder(in.Target); err != nil {
		return nil, err
	}
	if p.Inputs.Databases, err = buf.databases(in.Databases); err != nil {
		return nil, err
	}
	p.Inputs.Logs, p.Inputs.Target = in.Restore, in.Target
	dbs, closers, err := readDatabases(p.Inputs.Databases)
	defer closeAllOf(closers)
	if err != nil {
		return nil, err
	}
	em.emit(Event{Kind: EventCheckpointIgnored, Message: "hard recovery ignores the checkpoint: LowLog acts as the checkpoint (KB Q200941)"})
	if sw := opts.switches(); sw.on() {
		if err := sw.hardRefusal(); err != nil {
			return p.fail(em, ese.ErrInvalidParameter, "%v", err), nil
		}
		em.emit(Event{Kind: EventSwitch, Message: fmt.Sprintf("recovery switches: %s; hard recovery already replays without the current log and skips databases that are not restored, so they change nothing", sw)})
	}

	// Patch files in the restore folder.
	ents, err := fs.ReadDir(in.Restore, rdir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	patNames, perr := esepatch.FindPatchFiles(names)
	pats := readPatFiles(in.Restore, rdir, patNames, em)
	if perr != nil || len(pats) == 0 {
		return p.fail(em, ese.ErrPatchFileMissing, "no patch (.pat) file in the restore folder: a restore from an online backup always brings one per database (KB Q200941)"), nil
	}
	copies := make([]backupCopy, len(dbs))
	for i, d := range dbs {
		copies[i] = findBackupCopy(d, pats)
	}

	// The full backup's range: from the first patch file with a header,
	// else (zero-length markers) from the first database copy's trailer
	// or merged header.
	var full ese.BackupInfo
	var fullFrom string
	ref := ese.Signature{}
	for _, pt := range pats {
		if pt.f != nil {
			full, fullFrom, ref = pt.f.Header.Backup, "patch file "+pt.name, pt.f.Header.LogSignature
			break
		}
	}
	for i := range dbs {
		if fullFrom != "" {
			break
		}
		if bk, ok := copies[i].backupRange(dbs[i]); ok {
			full, fullFrom = bk, "backup trailer of "+dbs[i].name
			if copies[i].hdr == nil {
				fullFrom = "backup range in the header of " + dbs[i].name
			}
		}
	}
	if fullFrom == "" {
		err := noBackupRange(dbs, copies, pats)
		return p.fail(em, codeOf(err), "%s", err), nil
	}
	p.PatchRange = &eselog.GenRange{Low: full.GenLow, High: max(full.GenHigh, full.GenLow)}
	p.PatchFiles = len(pats)
	low, high := in.LowLog, in.HighLog
	if low != 0 && low != full.GenLow {
		em.emit(Event{Kind: EventPatch, Generation: low,
			Message: fmt.Sprintf("LowLog 0x%X is not the first log 0x%X of the %s; LowLog must be the low log number of the backup's patch header (KB Q200941)", low, full.GenLow, fullFrom)})
	}
	if low == 0 {
		low = full.GenLow
	}
	if high == 0 {
		high = max(full.GenHigh, full.GenLow)
	}
	if low <= 0 || high < low {
		return p.fail(em, ese.ErrMissingRestoreLogFiles, "the restore log range 0x%X-0x%X is empty", low, high), nil
	}

	set, err := eselog.ScanFS(in.Restore, rdir, nil)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p.Set = set
	// Every log LowLog..HighLog, with one signature (the databases', else
	// the patch file's) and chained.
	if len(dbs) > 0 {
		ref = dbs[0].hdr.LogSignature
	}
	var prev *eselog.SetFile
	for g := low; g <= high; g++ {
		f := set.Log(g)
		if f == nil {
			for _, sf := range set.Files {
				if sf.Generation == g && sf.Status != eselog.StatusMember {
					f = sf // a backup log under a current-log or other name
				}
			}
		}
		if f == nil {
			hi := g
			for hi < high && set.Log(hi+1) == nil {
				hi++
			}
			p.missing, p.MissingLogs = &eselog.GenRange{Low: g, High: hi}, set.RangeNames(g, hi)
			return p.fail(em, ese.ErrMissingRestoreLogFiles, "%s (generation(s) 0x%X-0x%X) of the backup set (0x%X-0x%X) missing from the restore folder", p.MissingLogs, g, hi, low, high), nil
		}
		if !f.Signature.Equal(ref) {
			return p.fail(em, ese.ErrBadLogSignature, "%s belongs to log stream %s, the restored databases to %s", f.File, f.Signature, ref), nil
		}
		if prev != nil && f.PrevCreated != prev.Created {
			return p.fail(em, ese.ErrGivenLogFileIsNotContiguous, "%s does not chain to %s", f.File, prev.File), nil
		}
		if code, msg := hardLogBody(in.Restore, rdir, f, true, false); code != 0 {
			return p.fail(em, code, "%s", msg), nil
		}
		needsPatch := g >= full.GenLow && g <= max(full.GenHigh, full.GenLow)
		p.Logs = append(p.Logs, PlanLog{File: f.File, Generation: g, FromBackup: true, NeedsPatch: needsPatch})
		em.emit(Event{Kind: EventPlanLog, Files: []string{f.File}, Generation: g,
			Message: fmt.Sprintf("recovery will replay log file %s (from the backup%s)", f.File, map[bool]string{true: ", with patch data", false: ""}[needsPatch])})
		prev = f
	}
	p.Start = logStart(set, low)
	for _, f := range set.Files {
		if f.HasHeader() && f.Status == eselog.StatusMember && (f.Generation < low || f.Generation > high) {
			em.emit(Event{Kind: EventLogProblem, Files: []string{f.File}, Generation: f.Generation,
				Message: fmt.Sprintf("%s (generation 0x%X) is outside the restore range 0x%X-0x%X: the engine deletes such files from the restore folder", f.File, f.Generation, low, high)})
		}
	}
	end := high
	// Logs already on disk that continue the backup set.
	if in.Target != nil {
		tdir := "."
		tset, err := eselog.ScanFS(in.Target, tdir, &eselog.ScanOptions{Signature: &prev.Signature})
		if err != nil {
			return nil, err
		}
		if tset.Highest() > high {
			for g := high + 1; g <= tset.Highest(); g++ {
				f := tset.Log(g)
				if f == nil {
					p.missing, p.MissingLogs = &eselog.GenRange{Low: g, High: g}, tset.RangeNames(g, g)
					return p.fail(em, ese.ErrMissingCurrentLogFiles, "%s (generation 0x%X) is missing from the log folder: the logs on disk do not continue the backup set", p.MissingLogs, g), nil
				}
				if f.PrevCreated != prev.Created {
					return p.fail(em, ese.ErrInvalidLogSequence, "%s does not chain to %s", f.File, prev.File), nil
				}
				isCur := tset.Current != nil && tset.Current.File == f.File
				if code, msg := hardLogBody(in.Target, tdir, f, false, isCur); code != 0 {
					return p.fail(em, code, "%s", msg), nil
				}
				p.Logs = append(p.Logs, PlanLog{File: f.File, Generation: g})
				em.emit(Event{Kind: EventPlanLog, Files: []string{f.File}, Generation: g, Message: fmt.Sprintf("recovery will replay log file %s (already on disk; no patch data)", f.File)})
				prev, end = f, g
			}
		}
	}
	p.End = ese.LogPos{Generation: end}
	if end == high {
		if e, ok := logEnd(in.Restore, rdir, prev); ok {
			p.End = e
		}
	} else if in.Target != nil {
		if e, ok := logEnd(in.Target, ".", prev); ok {
			p.End = e
		}
	}
	em.emit(Event{Kind: EventEnd, Generation: end, Message: fmt.Sprintf("replay ends at %s, the end of generation 0x%X", p.End, end)})

	// The restore range must cover the backup the databases come from
	// (ErrLGCheckDBFiles): its low end not above the backup's first log,
	// its high end not below the backup's last. The backup's range is the
	// header's once the trailer is merged, else the trailer's (or the
	// patch file's).
	for i, d := range dbs {
		bk, _ := copies[i].backupRange(d)
		switch {
		case bk.GenLow != 0 && int64(bk.GenLow) < int64(low):
			return p.fail(em, ese.ErrStartingRestoreLogTooHigh, "LowLog 0x%X is above generation 0x%X, the first log of the backup %s comes from", low, bk.GenLow, d.name), nil
		case bk.GenHigh != 0 && int64(bk.GenHigh) > int64(high):
			return p.fail(em, ese.ErrEndingRestoreLogTooLow, "HighLog 0x%X is below generation 0x%X, the last log of the backup %s comes from", high, bk.GenHigh, d.name), nil
		}
	}

	// Databases: each a backup copy with its patch file.
	for i, d := range dbs {
		pd := PlanDatabase{File: d.name, ReplayFrom: low, ReplayTo: end, Action: ActionReplay}
		c := copies[i]
		switch {
		case !d.hdr.IsBackupCopy():
			pd.Action, pd.Error, pd.Message = ActionFail, ese.ErrRestoreOfNonBackupDatabase, fmt.Sprintf("%s is not a copy from an online backup (no current full backup in its header): hard recovery refuses it", d.name)
		case c.pat == nil:
			want := strings.TrimSuffix(filepath.Base(d.name), filepath.Ext(d.name)) + ".pat"
			pd.Action, pd.Error, pd.Message = ActionFail, ese.ErrPatchFileMissing, fmt.Sprintf("no patch file %s for %s in the restore folder", want, d.name)
		default:
			pd.Patch, pd.PatchForm = c.pat.name, c.pat.form()
			if err := c.check(d); err != nil {
				pd.Action, pd.Error, pd.Message = ActionFail, ese.ErrDatabasePatchFileMismatch, err.Error()
				if code := codeOf(err); code != 0 {
					pd.Error = code
				}
			} else {
				pd.Message = fmt.Sprintf("restore %s with patch file %s (%s), replaying 0x%X-0x%X", d.name, c.pat.name, pd.PatchForm.Describe(), low, end)
				em.emit(Event{Kind: EventPatch, Files: []string{d.name, c.pat.name}, Message: pd.Message})
			}
		}
		if pd.Error == 0 && d.hdr.LogSignature != prev.Signature {
			pd.Action, pd.Error, pd.Message = ActionFail, ese.ErrBadLogSignature, fmt.Sprintf("%s belongs to log stream %s, the backup logs to %s", d.name, d.hdr.LogSignature, prev.Signature)
		}
		if opts != nil && opts.RestoreMap != nil && pd.Error == 0 {
			if logged, _, _ := loggedAttachment(set, d, low, high); logged != "" {
				pd.LoggedPath = logged
				local, err := opts.RestoreMap.Resolve(logged)
				if errors.Is(err, ErrNotMapped) {
					pd.Action = ActionSkip
					em.emit(Event{Kind: EventSkipped, Files: []string{d.name}, Message: fmt.Sprintf("%s is not in the restore map: hard recovery skips it", logged)})
				} else if err != nil {
					pd.Action, pd.Error, pd.Message = ActionFail, ese.ErrAttachedDatabaseMismatch, fmt.Sprintf("the logged path %q is refused: %v", logged, err)
				} else {
					em.emit(Event{Kind: EventRemap, Files: []string{logged, local}, Message: fmt.Sprintf("%s resolves to %s", logged, local)})
				}
			}
		}
		em.emit(Event{Kind: EventDatabase, Files: []string{d.name}, Code: pd.Error, Message: fmt.Sprintf("%s: %s", d.name, pd.Action)})
		p.Databases = append(p.Databases, pd)
		if pd.Error != 0 && p.Error == 0 {
			p.Error, p.Message = pd.Error, pd.Message
		}
	}
	if opts != nil && opts.RestoreMap != nil {
		var backupLogs []string
		for _, l := range p.Logs {
			if l.FromBackup {
				backupLogs = append(backupLogs, l.File)
			}
		}
		atts, _ := collectAttachments(ctx, in.Restore, rdir, set, backupLogs)
		reportMapUse(p, opts, atts, em)
	}
	if p.Error != 0 {
		em.emit(Event{Kind: EventError, Code: p.Error, Message: p.Message})
	} else {
		p.Message = fmt.Sprintf("hard recovery replays generations 0x%X-0x%X; patch data for 0x%X-0x%X", low, end, full.GenLow, max(full.GenHigh, full.GenLow))
	}
	sort.SliceStable(p.Logs, func(i, j int) bool { return p.Logs[i].Generation < p.Logs[j].Generation })
	return p, nil
}

func firstOr(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// attachInfoInCheckpointVersion reports a log version whose checkpoints
// may carry the attach list: 8.4000.4.3 or later (FLGVersionAttachInfoInCheckpoint).
func attachInfoInCheckpointVersion(h *eselog.FileHeader) bool {
	if h == nil || h.Legacy() {
		return false
	}
	if h.VersionUpdateMajor != 4 {
		return h.VersionUpdateMajor > 4
	}
	return h.VersionUpdateMinor >= 3
}

// logEnd returns the end of valid data of f (lgposLastRec), read from
// fsys; ok is false when the body cannot be read.
func logEnd(fsys fs.FS, dir string, f *eselog.SetFile) (ese.LogPos, bool) {
	if f == nil {
		return ese.LogPos{}, false
	}
	l, c, ok := openSetLog(fsys, path.Join(dir, f.File), f)
	if !ok {
		return ese.LogPos{}, false
	}
	defer c.Close()
	return l.End, true
}

// noteUnmatched reports the databases the replayed logs create or attach
// that are none of the databases given: the engine looks for them at their
// logged (or remapped) path and skips their records while they are missing.
// A logged CreateDB lets the replay create the file
// (RecoverOptions.CreateMissing); an attachment still deferred when replay
// ends (not detached in the logs) stops recovery with -1216
// (docs/recovery.md#after-redo, step 2). These events are warnings;
// predictMissingDB follows the detaches and gives the plan's verdict.
func noteUnmatched(atts []attachment, dbs []dbInfo, opts *Options, em *emitter) {
	created := map[string]bool{}
	for _, a := range atts {
		if a.Source == "CreateDB" {
			created[strings.ToUpper(a.Path)] = true
		}
	}
	seen := map[string]bool{}
	for _, a := range atts {
		key := strings.ToUpper(a.Path)
		if seen[key] || len(seen) > 256 {
			continue
		}
		seen[key] = true
		matched := false
		for _, d := range dbs {
			if a.SignDb.Equal(d.hdr.DbSignature) || strings.EqualFold(winBase(a.Path), filepath.Base(d.name)) {
				matched = true
			}
		}
		if matched {
			continue
		}
		where := "its logged path"
		if opts != nil && opts.RestoreMap != nil {
			local, err := opts.RestoreMap.Resolve(a.Path)
			switch {
			case errors.Is(err, ErrNotMapped):
				em.emit(Event{Kind: EventSkipped, Files: []string{a.Path}, Message: fmt.Sprintf("the logs attach %s, which is not in the restore map: its records are skipped", a.Path)})
				continue
			case err != nil:
				em.emit(Event{Kind: EventSkipped, Files: []string{a.Path}, Code: ese.ErrAttachedDatabaseMismatch, Message: fmt.Sprintf("the logs attach %q, a path that is refused: %v", a.Path, err)})
				continue
			}
			if _, err := os.Stat(local); err == nil {
				continue
			}
			where = local
		}
		if created[key] {
			em.emit(Event{Kind: EventSkipped, Files: []string{a.Path},
				Message: fmt.Sprintf("the logs create database %s, which is not among the files given (the engine looks for it at %s): replay skips its records unless RecoverOptions.CreateMissing is set, which creates it from the log", a.Path, where)})
			continue
		}
		if opts.switches().IgnoreMissingDB {
			em.emit(Event{Kind: EventSkipped, Files: []string{a.Path},
				Message: fmt.Sprintf("the logs attach database %s, which is not among the files given (the engine looks for it at %s): replay skips its records, and ignoring missing databases (JET_bitReplayIgnoreMissingDB) lets recovery end even if the logs leave it attached", a.Path, where)})
			continue
		}
		em.emit(Event{Kind: EventSkipped, Files: []string{a.Path}, Code: ese.ErrAttachedDatabaseMismatch,
			Message: fmt.Sprintf("the logs attach database %s, which is not among the files given (the engine looks for it at %s): replay skips its records, and if the logs leave it attached, recovery ends with -1216 (JET_errAttachedDatabaseMismatch) unless missing databases are ignored (JET_bitReplayIgnoreMissingDB)", a.Path, where)})
	}
}

// reportMapUse records in the plan, and as EventMapEntry events, whether
// each restore map entry renames one of the paths the logs attach (and
// the databases' logged paths).
func reportMapUse(p *Plan, opts *Options, atts []attachment, em *emitter) {
	if opts == nil || opts.RestoreMap == nil {
		return
	}
	var logged []string
	for _, a := range atts {
		logged = append(logged, a.Path)
	}
	for _, d := range p.Databases {
		if d.LoggedPath != "" {
			logged = append(logged, d.LoggedPath)
		}
	}
	p.RestoreMap = opts.RestoreMap.Use(logged)
	for _, u := range p.RestoreMap {
		msg := fmt.Sprintf("restore map entry %s = %s is unused: no database path in the logs matches it", u.Entry.From, u.Entry.To)
		if u.Used {
			msg = fmt.Sprintf("restore map entry %s = %s is used: it renames %s", u.Entry.From, u.Entry.To, strings.Join(u.Logged, ", "))
		}
		em.emit(Event{Kind: EventMapEntry, Files: []string{u.Entry.From, u.Entry.To}, Message: msg})
	}
}
