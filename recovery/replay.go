package recovery

import (
	"context"
	"errors"
	"fmt"
	"io"

	"os"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/redo"
)

// errStopped is returned when the test hook RecoverOptions.stopAfter
// ends a replay as a killed process would: nothing is cleaned up.
var errStopped = errors.New("recovery: replay stopped by the test hook")

// dbRun is the replay state of one database of the plan.
type dbRun struct {
	pd       *PlanDatabase
	res      *DatabaseResult
	name     string
	out, tmp string
	file     *os.File
	store    *redo.PageStore
	pageSize int
	// hdr is the working header, written last; orig the header as read.
	hdr, orig *ese.DBHeader
	// active: the plan replays logs into this database.
	active bool
	// bound: a log dbid is attached to this database now; deferred: the
	// attachment is an earlier life of the file (its header's lgposAttach
	// is later), so its records are skipped.
	bound, deferred bool
	dbid            uint8
	// everAttached: replay reached the database's own attachment.
	everAttached bool
	// detached: a DetachDB or Term made the header clean during replay.
	detached   bool
	truncateAt *ese.LogPos
	stopped    bool
	// genMaxRequired is the header's lGenMaxRequired when replay began:
	// up to that generation the database may contain future data.
	genMaxRequired ese.Generation
	mayFuture      bool
	maxDBTime      uint64
	maxObjid       uint32
	logs           map[ese.Generation]bool
	hard           bool
	// created: the file was created from the log's CreateDB record.
	created bool
}

// replayer drives one recovery over the plan's logs.
type replayer struct {
	ctx      context.Context
	plan     *Plan
	opts     *RecoverOptions
	paths    *inputPaths // the plan's input folders and files
	em       *emitter
	dbs      []*dbRun
	byDBID   [256]*dbRun
	sessions sessionTable
	hard     bool
	// cache is the page cache all the databases share (storeOptions).
	cache *redo.PageCache
	// marks follow the records read ahead (capture_ahead.go); mark is
	// the one of the record being dispatched.
	marks txnMarks
	mark  *txnMark
	ahead aheadReader
	// decoder decodes each record; a record is kept past its dispatch
	// only as a clone (macros).
	decoder eselog.Decoder
	// redoRes is the result of the record being redone, its slices
	// reused.
	redoRes redo.RedoResult

	curGen       ese.Generation
	lastShutdown ese.LogPos
	// lastKind tells how the replayed stream ended: the last record that
	// is not padding was a shutdown mark, or a Term/RecoveryQuit.
	lastWasShutdown, lastWasQuit bool
	lastTime                     ese.LogTime
	lastLog                      *eselog.Log
	lastLogFile                  string
	records, logBytes            int64
	totalLogBytes                int64
	logsDone                     int
	signLog                      ese.Signature
	// curHeader is the header of the log being replayed.
	curHeader *eselog.FileHeader
	// created are the results of the databases the logs create
	// (RecoverOptions.CreateMissing), in log order.
	created []*DatabaseResult
	// missing are the attachments, by dbid, of databases not given
	// (switches.go); undoSkipped is the code a recovery without undo
	// ended with (-579 or -584), 0 otherwise.
	missing     missingTracker
	undoSkipped ese.Error
}

func (rp *replayer) session(procid uint16) *session {
	return rp.sessions.get(procid)
}

// sessionTable holds the sessions by procid: one lookup per record, so a
// slice indexed by the 16-bit procid rather than a map.
type sessionTable struct {
	by []*session // grown to the largest procid seen
	n  int        // sessions in by
}

func (t *sessionTable) get(procid uint16) *session {
	if int(procid) < len(t.by) {
		if s := t.by[procid]; s != nil {
			return s
		}
	} else {
		t.by = append(t.by, make([]*session, int(procid)+1-len(t.by))...)
	}
	s := &session{procid: procid}
	t.by[procid] = s
	t.n++
	return s
}

// clear drops every session.
func (t *sessionTable) clear() {
	clear(t.by)
	t.n = 0
}

// sorted returns the sessions in procid order.
func (t *sessionTable) sorted() []*session {
	out := make([]*session, 0, t.n)
	for _, s := range t.by {
		if s != nil {
			out = append(out, s)
		}
	}
	return out
}

func (rp *replayer) noteTime(t ese.LogTime) {
	if !t.IsZero() && t.Valid() && t.Compare(rp.lastTime) > 0 {
		rp.lastTime = t
	}
}

// openLog opens a log of the plan from the folder it lives in.
func (rp *replayer) openLog(pl PlanLog) (*eselog.Log, io.Closer, error) {
	fsys := rp.plan.Inputs.Logs
	if rp.hard && !pl.FromBackup {
		fsys = rp.plan.Inputs.Target
	}
	if fsys == nil {
		return nil, nil, fmt.Errorf("recovery: no folder given for log %s", pl.File)
	}
	if err := checkComponent(pl.File); err != nil {
		return nil, nil, err
	}
	f, err := fsys.Open(pl.File)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	ra, ok := f.(io.ReaderAt)
	if !ok {
		f.Close()
		return nil, nil, fmt.Errorf("recovery: the file system of %s gives no random access", pl.File)
	}
	o := eselog.Options{}
	current := rp.plan.Set != nil && rp.plan.Set.Current != nil && rp.plan.Set.Current.File == pl.File
	if !rp.hard && current {
		o.RepairLegacyTail = true
	}
	if rp.hard {
		o.HardRestore = &eselog.HardRestore{GenHigh: rp.backupHigh(), CurrentLog: current || !pl.FromBackup}
	}
	l, err := eselog.OpenOptions(ra, st.Size(), o)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("recovery: log %s: %w", pl.File, err)
	}
	return l, f, nil
}

func (rp *replayer) backupHigh() ese.Generation {
	var hi ese.Generation
	for _, l := range rp.plan.Logs {
		if l.FromBackup && l.Generation > hi {
			hi = l.Generation
		}
	}
	return hi
}

// run replays every log of the plan in order.
func (rp *replayer) run() error {
	heap := newHeapGuard()
	for i, pl := range rp.plan.Logs {
		heap.check()
		if err := rp.ctx.Err(); err != nil {
			return err
		}
		l, c, err := rp.openLog(pl)
		if err != nil {
			return err
		}
		err = rp.replayLog(i, pl, l)
		c.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func (rp *replayer) replayLog(i int, pl PlanLog, l *eselog.Log) error {
	gen := l.Header.Generation
	if i == 0 {
		rp.signLog = l.Header.LogSignature
	}
	rp.em.emit(Event{Kind: EventReplayLog, Files: []string{pl.File}, Generation: gen,
		Message: fmt.Sprintf("the database engine is replaying log file %s", pl.File)})
	if err := rp.enterGeneration(gen, l.Header); err != nil {
		return err
	}
	if i == 0 {
		list := l.Header.Attached
		atStart := rp.plan.Start.Generation == gen && rp.plan.Start.Offset == 0 && int(rp.plan.Start.Sector) <= l.Header.DataSectors()
		// When the plan starts at the checkpoint's own position (its attach
		// list present), the databases attached there come from its list
		// rather than from the first log's header.
		if c := rp.plan.Inputs.Checkpoint; !atStart && c != nil && c.AttachInfoPresent() && c.Checkpoint == rp.plan.Start {
			list = c.Attached
		}
		rp.attachFromList(list)
	}
	rd, marks := &rp.ahead, rp.readAhead()
	if i == 0 && rp.plan.Start.Generation == gen {
		rd.start(l.NewReaderAt(rp.ctx, eselog.Filter{}, rp.plan.Start), marks)
	} else {
		rd.start(l.NewReader(rp.ctx, eselog.Filter{}), marks)
	}
	for {
		raw, err := rd.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("recovery: log %s: %w", pl.File, err)
		}
		if pageRecordTypes[raw.typ] {
			// Fast path: a page record of a database this recovery does
			// not replay is not decoded.
			if dbid, ok := (eselog.RawRecord{Bytes: raw.b}).DBID(); ok {
				if db := rp.byDBID[dbid]; db == nil || !db.active {
					rp.lastWasShutdown, rp.lastWasQuit = false, false
					rp.records++
					rp.logBytes += int64(len(raw.b))
					if rp.opts.stopAfter > 0 && rp.records >= rp.opts.stopAfter {
						return errStopped
					}
					continue
				}
			}
		}
		rec, err := rp.decoder.Decode(raw.b, raw.pos)
		if err != nil {
			return fmt.Errorf("recovery: log %s at %v: %w", pl.File, raw.pos, err)
		}
		rp.mark = raw.mark
		err = rp.dispatch(rec)
		rp.mark = nil
		if rp.cache != nil {
			rp.cache.EndRecord()
		}
		if err != nil {
			return err
		}
		rp.records++
		rp.logBytes += int64(len(raw.b))
		if rp.opts.stopAfter > 0 && rp.records >= rp.opts.stopAfter {
			return errStopped
		}
		if rp.records&1023 == 0 && rp.opts.Progress != nil {
			rp.progress(pl, gen)
		}
	}
	rp.lastLog, rp.lastLogFile = l, pl.File
	rp.logsDone++
	for _, db := range rp.dbs {
		if db.active && !db.stopped && db.logs != nil && (db.bound || db.everAttached || db.detached) {
			db.logs[gen] = true
		}
	}
	if rp.opts.Progress != nil {
		rp.progress(pl, gen)
	}
	return nil
}

func (rp *replayer) progress(pl PlanLog, gen ese.Generation) {
	rp.opts.Progress(Progress{Log: pl.File, Generation: gen, LogsDone: rp.logsDone, LogsTotal: len(rp.plan.Logs),
		Records: rp.records, LogBytes: rp.logBytes})
}

// enterGeneration does what the engine does on entering each generation
// (docs/recovery.md#next-generation, steps 5 and 6): the generation that a database names
// as its lGenMaxRequired must be the very log it saw, and past that
// generation a database no longer "may contain future data".
func (rp *replayer) enterGeneration(gen ese.Generation, h *eselog.FileHeader) error {
	rp.curGen, rp.curHeader = gen, h
	rp.noteTime(h.CreateTime)
	for _, db := range rp.dbs {
		if !db.active {
			continue
		}
		db.mayFuture = gen <= db.genMaxRequired
		if gen == db.genMaxRequired {
			t1, t2 := db.orig.GenMaxRequiredTime, db.orig.GenMaxCreateTime
			if (!t1.IsZero() || !t2.IsZero()) && t1 != h.CreateTime && t2 != h.CreateTime {
				return dbError(db, ese.ErrRequiredLogFilesMissing, "generation 0x%X is not the log %s needs: its creation time differs from the one the database header records (a different log with the right number)", gen, db.name)
			}
		}
	}
	return nil
}

// dbError records a per-database engine error and returns it.
func dbError(db *dbRun, code ese.Error, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	db.res.Error, db.res.Message = code, msg
	return &RecoverError{Code: code, File: db.name, Msg: msg}
}

// RecoverError is an engine error raised during replay for one database.
type RecoverError struct {
	Code ese.Error
	File string
	Msg  string
	// Cause, when set, is a more specific error with the same code: an
	// *ese.MissingLogError when a missing log stops recovery, so that
	// errors.Is matches ese.ErrMissingLog.
	Cause error
}

func (e *RecoverError) Error() string {
	return fmt.Sprintf("recovery: %s: %s [%v]", e.File, e.Msg, e.Code)
}

// Unwrap returns the engine error, and Cause when set.
func (e *RecoverError) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Code, e.Cause}
	}
	return []error{e.Code}
}

// dbBySignature finds the active database a logged attachment names.
func (rp *replayer) dbBySignature(sig ese.Signature) *dbRun {
	for _, db := range rp.dbs {
		if db.active && db.hdr.DbSignature.Equal(sig) {
			return db
		}
	}
	return nil
}

// attachFromList takes the attachments of the first replayed log's header
// (docs/recovery.md#start-point): a database whose header names the same attachment is attached
// now; an earlier attachment of it is deferred.
func (rp *replayer) attachFromList(list []ese.AttachInfo) {
	for _, a := range list {
		db := rp.dbBySignature(a.DbSignature)
		if db == nil || a.DBID == 0 {
			rp.noteAttach(a.DBID, a.DbSignature, a.Path(), a.AttachPos, false)
			continue
		}
		clean := db.hdr.State == ese.DBStateCleanShutdown && !db.hdr.ConsistentPos.IsZero()
		rp.bind(db, a.DBID, clean || a.AttachPos.Compare(db.hdr.AttachPos) < 0)
	}
}

func (rp *replayer) bind(db *dbRun, dbid uint8, deferred bool) {
	if db.bound && rp.byDBID[db.dbid] == db {
		rp.byDBID[db.dbid] = nil
	}
	if old := rp.byDBID[dbid]; old != nil && old != db {
		old.bound = false
	}
	db.bound, db.deferred, db.dbid = true, deferred, dbid
	rp.byDBID[dbid] = db
	if !deferred {
		db.everAttached = true
		db.detached = false
	}
}

func (rp *replayer) unbind(db *dbRun) {
	if db.bound && rp.byDBID[db.dbid] == db {
		rp.byDBID[db.dbid] = nil
	}
	db.bound, db.deferred = false, false
}

// attached returns the database a record's dbid names when replay applies
// to it: bound, not deferred, past its own attach position and before a
// planned truncation.
func (rp *replayer) attached(dbid uint8, at ese.LogPos) (*dbRun, bool) {
	db := rp.byDBID[dbid]
	if db == nil || !db.active || db.stopped {
		return db, false
	}
	if db.truncateAt != nil && at.Compare(*db.truncateAt) >= 0 {
		db.stopped = true
		rp.em.emit(Event{Kind: EventTruncated, Files: []string{db.name}, Generation: at.Generation,
			Message: fmt.Sprintf("replay into %s stops at %v, as planned", db.name, at)})
		return db, false
	}
	if db.deferred || at.Compare(db.hdr.AttachPos) <= 0 {
		return db, false
	}
	return db, true
}

func (db *dbRun) note(dbtime uint64, objid uint32) {
	if dbtime != eselog.DBTimeNil && dbtime < eselog.DBTimeShrunk && dbtime > db.maxDBTime {
		db.maxDBTime = dbtime
	}
	if objid > db.maxObjid {
		db.maxObjid = objid
	}
}

func recordObjid(r eselog.Record) uint32 {
	switch r := r.(type) {
	case eselog.NodeRecord:
		return r.Node().ObjidFDP
	case *eselog.CreateSingleExtentFDP:
		return r.ObjidFDP
	case *eselog.CreateMultipleExtentFDP:
		return r.ObjidFDP
	case *eselog.ConvertFDP:
		return r.ObjidFDP
	case *eselog.NewPage:
		return r.Objid
	case *eselog.Split:
		return r.ObjidFDP
	case *eselog.Merge:
		return r.ObjidFDP
	case *eselog.PageMove:
		return r.ObjidFDP
	}
	return 0
}

// dispatch handles one record (docs/recovery.md#record-dispatch).
func (rp *replayer) dispatch(rec eselog.Record) error {
	t := rec.Type()
	switch t {
	case eselog.RecNOP, eselog.RecNOP2, eselog.RecChecksum, eselog.RecFragment, eselog.RecFragmentBegin:
		return nil
	case eselog.RecShutDownMark:
		rp.lastShutdown = rec.Pos()
		rp.lastWasShutdown, rp.lastWasQuit = true, false
		return nil
	}
	switch t {
	case eselog.RecTrace, eselog.RecJetOp, eselog.RecForceWriteLog, eselog.RecForceLogRollover, eselog.RecFullBackup,
		eselog.RecIncBackup, eselog.RecBackup, eselog.RecBackup2, eselog.RecRecoveryUndo, eselog.RecRecoveryUndo2:
		// Records that do nothing material leave "the last record is a
		// shutdown mark" as it is (ErrLGRIRedoOperations).
	default:
		rp.lastWasShutdown, rp.lastWasQuit = false, false
	}
	switch r := rec.(type) {
	case *eselog.Replace: // the commonest record, ahead of the interface cases below
		return rp.pageRecord(r, &r.NodeHeader, r.Procid, r.Dbid, r.After)
	case *eselog.Begin0:
		if t == eselog.RecBeginDT {
			return ese.NewFormatError("log record", -1, ese.ErrLogCorrupted, "BeginDT at %v: distributed transactions are not replayed", r.At)
		}
		return rp.session(r.Procid).begin(&r.Begin, true)
	case *eselog.Begin:
		return rp.session(r.Procid).begin(r, false)
	case *eselog.Commit0:
		rp.session(r.Procid).commit(0)
	case *eselog.Commit:
		rp.session(r.Procid).commit(int(r.LevelCommitTo))
	case *eselog.Rollback:
		rp.session(r.Procid).rollback(int(r.LevelRollback))
	case *eselog.PrepCommit:
		return ese.NewFormatError("log record", -1, ese.ErrLogCorrupted, "%v at %v: distributed transactions are not replayed", t, r.At)
	case *eselog.Macro:
		return rp.macroRecord(r)
	case *eselog.Init:
		rp.noteTime(r.Time)
		return rp.endAllSessions(true)
	case *eselog.Term:
		rp.noteTime(r.Time)
		return rp.term(r)
	case *eselog.RecoveryUndo2:
		rp.noteTime(r.Time)
	case *eselog.CreateDB:
		rp.noteAttach(r.Dbid, r.SignDb, r.Path(), r.At, true)
		return rp.createRecord(r)
	case *eselog.AttachDB:
		rp.attachRecord(r.Dbid, r.SignDb, r.SignLog, r.At, false)
		rp.noteAttach(r.Dbid, r.SignDb, r.Path(), r.At, false)
	case *eselog.DetachDB:
		delete(rp.missing.missing, r.Dbid)
		return rp.detach(r)
	case *eselog.CreateDBFinish:
		if db, ok := rp.attached(r.Dbid, r.At); ok && db.hdr.State == ese.DBStateJustCreated {
			db.hdr.State = ese.DBStateDirtyShutdown
		}
	case *eselog.SetDbVersion:
		if db, ok := rp.attached(r.Dbid, r.At); ok {
			h := db.hdr
			if r.Major > h.FormatVersion || (r.Major == h.FormatVersion && (r.UpdateMajor > h.FormatUpdateMajor ||
				(r.UpdateMajor == h.FormatUpdateMajor && r.UpdateMinor > h.FormatUpdateMinor))) {
				h.FormatVersion, h.FormatUpdateMajor, h.FormatUpdateMinor = r.Major, r.UpdateMajor, r.UpdateMinor
			}
		}
	case *eselog.ExtendDB:
		db, ok := rp.attached(r.Dbid, r.At)
		if !ok {
			return rp.skip(db)
		}
		if err := rp.checkSize(db, r.PgnoLast, rec); err != nil {
			return err
		}
		if err := db.store.Extend(r.PgnoLast); err != nil {
			return err
		}
		// The engine counts every extension it redoes in the header
		// (ErrIOResizeUpdateDbHdrCount), stamped with its clock.
		db.hdr.ExtendCount++
		db.hdr.LastExtendTime = rp.lastTime
		if lastResizeEnabled(db.hdr) {
			db.hdr.LastResizePos = r.At
		}
		db.res.RecordsRedone++
	case *eselog.ShrinkDB:
		return rp.shrink(r.Dbid, r.At, r.PgnoLast, 0, 0)
	case *eselog.TrimDB:
		return rp.shrink(r.Dbid, r.At, 0, r.PgnoStart, r.Cpg)
	case *eselog.UndoInfo:
		db, ok := rp.attached(r.Dbid, r.At)
		if !ok {
			return rp.skip(db)
		}
		if s := rp.session(r.Procid); s.open() {
			s.applyUndoInfo(db, r)
		}
		db.res.RecordsSkipped++
	case *eselog.Undo:
		return rp.undoRecord(r)
	case *eselog.RootPageMove:
		return rp.pageRecord(r, nil, r.Procid, r.Dbid, r.After)
	case eselog.NodeRecord:
		h := r.Node()
		return rp.pageRecord(rec, h, h.Procid, h.Dbid, h.After)
	case eselog.PageRecord:
		var procid uint16 = 0xFFFF
		if sr, ok := rec.(eselog.SessionRecord); ok {
			procid = sr.ProcID()
		}
		return rp.pageRecord(rec, nil, procid, r.DBID(), r.DBTime())
	}
	return nil
}

func (rp *replayer) skip(db *dbRun) error {
	if db != nil && db.active {
		db.res.RecordsSkipped++
	}
	return nil
}

// pageRecord passes a page record through the gates of docs/recovery.md#redo-gates
// and redoes it. node is the record's LRNODE_ header when it has one (the
// caller took it from the record once, so that the gates need no further
// interface calls).
func (rp *replayer) pageRecord(rec eselog.Record, node *eselog.NodeHeader, procid uint16, dbid uint8, dbtime uint64) error {
	var at ese.LogPos
	if node != nil {
		at = node.At
	} else {
		at = rec.Pos()
	}
	db, ok := rp.attached(dbid, at)
	if db == nil || !db.active {
		return nil
	}
	if !ok {
		db.res.RecordsSkipped++
		return nil
	}
	if node != nil {
		db.note(dbtime, node.ObjidFDP)
	} else {
		db.note(dbtime, recordObjid(rec))
	}
	s := rp.session(procid)
	if !s.afterFirstBegin0 {
		// Session gate: the checkpoint is never later than the Begin0 of
		// a transaction whose pages were not flushed, so these changes are
		// on disk already.
		db.res.RecordsSkipped++
		return nil
	}
	if s.macro != nil && dbtime == s.macro.dbtime {
		if len(s.macro.recs) >= maxMacroRecords {
			return ese.NewFormatError("log record", -1, ese.ErrLogCorrupted, "macro at %v holds more than %d records", s.macro.at, maxMacroRecords)
		}
		// Kept until the MacroCommit: a copy when the record is one of the
		// decoder's reused values over the reader's buffer.
		kept, err := rp.decoder.Keep(rec)
		if err != nil {
			return fmt.Errorf("recovery: %v at %v: %w", rec.Type(), rec.Pos(), err)
		}
		s.macro.recs = append(s.macro.recs, kept)
		return nil
	}
	var v *version
	if node != nil {
		if err := rp.checkPages(db, node.PageNumber, rec); err != nil {
			return err
		}
		if node.IsVersioned() && s.open() && !rp.mark.skip(procid) {
			var err error
			if v, err = s.capture(db.store, db, rec.(eselog.NodeRecord)); err != nil {
				return fmt.Errorf("recovery: %v at %v: %w", rec.Type(), rec.Pos(), err)
			}
		}
	} else {
		if pr, isPage := rec.(eselog.PageRecord); isPage {
			if err := rp.checkPages(db, pr.Pgno(), rec); err != nil {
				return err
			}
		}
		if _, isRPM := rec.(*eselog.RootPageMove); isRPM {
			return fmt.Errorf("recovery: redo %v at %v: %w (outside a macro)", rec.Type(), rec.Pos(), redo.ErrRedoNotImplemented)
		}
	}
	res := &rp.redoRes
	res.Pages, res.Skipped = res.Pages[:0], res.Skipped[:0]
	if err := redo.RedoRecordInto(db.store, rec, redo.RedoOptions{MayContainFutureData: db.mayFuture}, res); err != nil {
		return rp.redoError(db, err)
	}
	if v != nil && len(s.versions) < maxVersions {
		s.versions = append(s.versions, v)
	}
	if len(res.Pages) > 0 {
		db.res.RecordsRedone++
	} else {
		db.res.RecordsSkipped++
	}
	return nil
}

func (rp *replayer) redoError(db *dbRun, err error) error {
	var code ese.Error
	if errors.As(err, &code) {
		db.res.Error = code
	}
	db.res.Message = err.Error()
	return err
}

// macroRecord handles MacroBegin, MacroCommit and MacroAbort (docs/log-records.md#split-and-merge).
func (rp *replayer) macroRecord(r *eselog.Macro) error {
	s := rp.session(r.Procid)
	switch r.Type() {
	case eselog.RecMacroBegin:
		s.macro = &macro{dbtime: r.DBTime, at: r.At}
	case eselog.RecMacroAbort:
		s.macro = nil
	case eselog.RecMacroCommit:
		m := s.macro
		s.macro = nil
		if m == nil || m.dbtime != r.DBTime {
			return nil
		}
		// Group the records by database; each database's part is redone
		// as one macro under its gates.
		groups := map[*dbRun][]eselog.Record{}
		var order []*dbRun
		for _, rec := range m.recs {
			dr, ok := rec.(eselog.DatabaseRecord)
			if !ok {
				continue
			}
			db, ok := rp.attached(dr.DBID(), rec.Pos())
			if db == nil || !db.active {
				continue
			}
			if !ok {
				db.res.RecordsSkipped++
				continue
			}
			if _, seen := groups[db]; !seen {
				order = append(order, db)
			}
			groups[db] = append(groups[db], rec)
		}
		for _, db := range order {
			recs := groups[db]
			for _, rec := range recs {
				if pr, isPage := rec.(eselog.PageRecord); isPage {
					if err := rp.checkPages(db, pr.Pgno(), rec); err != nil {
						return err
					}
				}
			}
			var vs []*version
			for _, rec := range recs {
				if nr, isNode := rec.(eselog.NodeRecord); isNode && nr.Node().IsVersioned() && s.open() {
					v, err := s.capture(db.store, db, nr)
					if err != nil {
						return err
					}
					if v != nil {
						vs = append(vs, v)
					}
				}
			}
			res, err := redo.RedoMacro(db.store, recs, redo.RedoOptions{MayContainFutureData: db.mayFuture})
			if err != nil {
				return rp.redoError(db, err)
			}
			if len(s.versions)+len(vs) <= maxVersions {
				s.versions = append(s.versions, vs...)
			}
			if len(res.Pages) > 0 {
				db.res.RecordsRedone += int64(len(recs))
			} else {
				db.res.RecordsSkipped += int64(len(recs))
			}
		}
	}
	return nil
}

// undoRecord redoes an Undo record with the session's version store.
func (rp *replayer) undoRecord(r *eselog.Undo) error {
	db, ok := rp.attached(r.Dbid, r.At)
	if db == nil || !db.active {
		return nil
	}
	if !ok {
		db.res.RecordsSkipped++
		return nil
	}
	db.note(r.DBTime(), r.ObjidFDP)
	s := rp.session(r.Procid)
	if !s.afterFirstBegin0 {
		db.res.RecordsSkipped++
		return nil
	}
	changed, err := s.redoUndo(db.store, db, r, db.mayFuture)
	if err != nil {
		return rp.redoError(db, fmt.Errorf("recovery: redo Undo at %v: %w", r.At, err))
	}
	if changed {
		db.res.RecordsRedone++
	} else {
		db.res.RecordsSkipped++
	}
	return nil
}

// attachRecord applies an AttachDB or CreateDB record (docs/recovery.md#attach-rules).
func (rp *replayer) attachRecord(dbid uint8, signDb, signLog ese.Signature, at ese.LogPos, create bool) {
	db := rp.dbBySignature(signDb)
	if db == nil {
		if old := rp.byDBID[dbid]; old != nil {
			rp.unbind(old)
		}
		return
	}
	if db.truncateAt != nil && at.Compare(*db.truncateAt) >= 0 {
		db.stopped = true
		rp.unbind(db)
		return
	}
	switch c := at.Compare(db.hdr.AttachPos); {
	case c == 0 && db.hdr.State == ese.DBStateCleanShutdown && db.hdr.ConsistentPos.Compare(at) >= 0:
		// Consistent at or after this attachment: the engine defers it
		// ("consistent in the future") and every record up to a later
		// attachment is skipped.
		rp.bind(db, dbid, true)
	case c == 0:
		rp.bind(db, dbid, false)
	case c < 0:
		// An earlier life of the file: the header was attached later.
		rp.bind(db, dbid, true)
	default:
		// A later attachment than the header records: the database was
		// detached (here or before these logs) and attached again, or the
		// attach was logged and the header never rewritten.
		if !create && !db.detached && !signLog.Equal(db.hdr.LogSignature) {
			rp.bind(db, dbid, true)
			return
		}
		h := db.hdr
		h.AttachPos = at
		h.AttachTime = rp.lastTime
		h.State = ese.DBStateDirtyShutdown
		h.LogSignature = rp.signLog
		h.ConsistentPos = ese.LogPos{}
		if h.GenMinRequired == 0 || h.GenMinRequired > rp.curGen {
			h.GenMinRequired = rp.curGen
		}
		h.GenMaxRequired = max(h.GenMaxRequired, rp.curGen)
		rp.bind(db, dbid, false)
	}
}

// detach applies a DetachDB: the header becomes clean at the record
// (docs/recovery.md#attach-rules, step 7).
func (rp *replayer) detach(r *eselog.DetachDB) error {
	db, ok := rp.attached(r.Dbid, r.At)
	if db == nil || !db.active {
		return nil
	}
	if ok {
		if err := db.store.Flush(); err != nil {
			return err
		}
		markClean(db.hdr, r.At, rp.lastTime, db.maxDBTime, db.maxObjid, db.hard)
		db.detached = true
	}
	rp.unbind(db)
	return nil
}

// term handles Term, Term2 and the RecoveryQuit forms: every session
// ends; attached databases become clean at the last shutdown mark
// (ErrIOTermUpdateAndWriteDatabaseHeader), except after
// RecoveryQuitKeepAttachments.
func (rp *replayer) term(r *eselog.Term) error {
	if err := rp.endAllSessions(false); err != nil {
		return err
	}
	rp.lastWasQuit = r.Type() != eselog.RecRecoveryQuitKeepAttachments
	if !rp.lastWasQuit {
		return nil
	}
	clear(rp.missing.missing) // every database is detached
	at := rp.lastShutdown
	if at.IsZero() {
		at = r.At
	}
	tm := r.Time
	if tm.IsZero() {
		tm = rp.lastTime
	}
	for _, db := range rp.dbs {
		if !db.active || !db.bound {
			continue
		}
		if !db.deferred && !db.stopped {
			if err := db.store.Flush(); err != nil {
				return err
			}
			markClean(db.hdr, at, tm, db.maxDBTime, db.maxObjid, db.hard)
			db.detached = true
		}
		rp.unbind(db)
	}
	return nil
}

// endAllSessions ends every session (ErrLGRIEndAllSessions). At an Init
// record (rollback true) open transactions are rolled back, as the
// engine does before re-initialising; at a Term they were already ended
// in the log and are simply dropped.
func (rp *replayer) endAllSessions(rollback bool) error {
	if rollback {
		if _, err := rp.rollbackOpen(); err != nil {
			return err
		}
	}
	rp.sessions.clear()
	return nil
}

// rollbackOpen rolls back every open transaction (docs/recovery.md#undo, step 3) and counts
// them per database.
func (rp *replayer) rollbackOpen() (int, error) {
	n := 0
	for _, s := range rp.sessions.sorted() {
		if !s.open() {
			continue
		}
		n++
		touched, err := s.rollbackSession()
		for db := range touched {
			db.res.TransactionsRolledBack++
		}
		if err != nil {
			for _, db := range rp.dbs {
				if db.active && db.res.Error == 0 {
					db.res.Message = err.Error()
				}
			}
			return n, fmt.Errorf("recovery: rolling back %v: %w", s, err)
		}
		rp.em.emit(Event{Kind: EventDatabase, Message: fmt.Sprintf("rolled back the open transaction of %v", s)})
	}
	return n, nil
}

// shrink applies ShrinkDB (pgnoLast > 0) or TrimDB (cpg > 0).
func (rp *replayer) shrink(dbid uint8, at ese.LogPos, pgnoLast, pgnoStart, cpg uint32) error {
	db, ok := rp.attached(dbid, at)
	if !ok {
		return rp.skip(db)
	}
	if err := db.store.Flush(); err != nil {
		return err
	}
	ps := int64(db.pageSize)
	if pgnoLast > 0 {
		want := (int64(pgnoLast) + 2) * ps
		if want < db.store.FileSize() {
			if err := db.file.Truncate(want); err != nil {
				return err
			}
		}
		if lastResizeEnabled(db.hdr) {
			db.hdr.LastResizePos = at
		}
		db.hdr.ShrinkCount++
		db.hdr.LastShrinkTime = rp.lastTime
	} else {
		zero := make([]byte, ps)
		for i := uint32(0); i < cpg && i < 1<<24; i++ {
			off := (int64(pgnoStart+i) + 1) * ps
			if off+ps > db.store.FileSize() {
				break
			}
			if _, err := db.file.WriteAt(zero, off); err != nil {
				return err
			}
		}
	}
	st, err := redo.NewPageStore(db.pageFile(rp.opts), db.pageSize, rp.storeOptions())
	if err != nil {
		return err
	}
	db.res.PagesWritten += db.store.Stats().Writes
	db.store.Discard() // flushed above
	db.store = st
	db.res.RecordsRedone++
	return nil
}

// finish ends recovery (docs/recovery.md#after-redo, docs/recovery.md#undo,
// docs/recovery.md#clean-header): the ceiling checks, the
// rollback of open transactions, and the clean headers.
func (rp *replayer) finish() error {
	lost := map[*dbRun]bool{}
	for _, db := range rp.dbs {
		if !db.active {
			continue
		}
		if !db.everAttached && !db.detached && db.orig.State != ese.DBStateCleanShutdown {
			return dbError(db, ese.ErrAttachedDatabaseMismatch, "the replayed logs never reach the attachment the header of %s records (%v): its changes are not in these logs", db.name, db.hdr.AttachPos)
		}
		if db.stopped {
			continue
		}
		if rp.curGen < db.orig.GenMaxRequired {
			return dbError(db, ese.ErrRequiredLogFilesMissing, "%s needs logs up to generation 0x%X; replay ended at 0x%X", db.name, db.orig.GenMaxRequired, rp.curGen)
		}
		if rp.curGen < db.orig.GenMaxCommitted {
			if !rp.opts.IgnoreLostLogs {
				return dbError(db, ese.ErrCommittedLogFilesMissing, "%s has committed data up to generation 0x%X; replay ended at 0x%X (ignoring lost logs, JET_bitReplayIgnoreLostLogs, brings it clean without them)", db.name, db.orig.GenMaxCommitted, rp.curGen)
			}
			lost[db] = true
			if !rp.opts.WithoutUndo { // recovery without undo skips the event (JET_bitSkipLostLogsEvent)
				rp.em.emit(Event{Kind: EventDatabase, Files: []string{db.name}, Generation: rp.curGen,
					Message: fmt.Sprintf("%s has lost %d committed log file(s) (generations 0x%X-0x%X); ignoring lost logs brings it to a consistent state with data loss (event 524, warning 585 JET_wrnCommittedLogFilesLost)",
						db.name, db.orig.GenMaxCommitted-rp.curGen, rp.curGen+1, db.orig.GenMaxCommitted)})
			}
		}
	}
	if err := rp.checkMissingDBs(); err != nil {
		return err
	}
	if rp.opts.WithoutUndo {
		return rp.finishWithoutUndo(lost)
	}
	if rp.lastWasQuit {
		// The stream ended with Term/RecoveryQuit: every database was
		// made clean during redo, and the engine logs nothing more.
		rp.sessions.clear()
	} else {
		// What the engine logs between its RecoveryUndo2 and its
		// ShutDownMark (MacroAbort, UndoInfo/Undo, Rollback), taken
		// before the rollback empties the sessions.
		between := endOfRecoveryRecords(rp.sessions.sorted())
		if _, err := rp.rollbackOpen(); err != nil {
			return err
		}
		for _, s := range rp.sessions.by {
			if s == nil {
				continue
			}
			s.macro = nil // half-built macros are aborted (docs/recovery.md#undo, step 4)
		}
		undo, sd := rp.endPositions(between)
		if rp.lastWasShutdown {
			// The log ends with a shutdown mark: the engine logs neither a
			// RecoveryUndo2 nor a second mark, and the databases become
			// consistent at that one (ErrIOTermGetShutDownMark).
			undo, sd = rp.lastShutdown, rp.lastShutdown
		}
		tm := rp.lastTime
		if rp.opts.Now != nil {
			tm = ese.LogTimeOf(rp.opts.Now())
		}
		rp.em.emit(Event{Kind: EventEnd, Generation: sd.Generation,
			Message: fmt.Sprintf("end of redo: the engine would log RecoveryUndo2 at %v, %d rollback record(s), and the shutdown mark at %v; databases become consistent there", undo, len(between), sd)})
		for _, db := range rp.dbs {
			if !db.active || db.stopped || db.detached || !db.bound || db.deferred {
				continue
			}
			markClean(db.hdr, sd, tm, db.maxDBTime, db.maxObjid, db.hard)
			db.detached = true
		}
	}
	for _, db := range rp.dbs {
		if !db.active {
			continue
		}
		if db.hdr.State != ese.DBStateCleanShutdown {
			return dbError(db, ese.ErrDatabaseDirtyShutdown, "%s is still %v after replay: it is not marked clean", db.name, db.hdr.State)
		}
	}
	return nil
}

// endPositions returns where the engine would log the RecoveryUndo2 and
// the shutdown mark after the last log, with the records between.
func (rp *replayer) endPositions(between []endRecord) (undo, shutdown ese.LogPos) {
	l := rp.lastLog
	if l == nil {
		return rp.plan.Start, rp.plan.Start
	}
	newGen := true
	if n, err := ese.ParseLogName(rp.lastLogFile); err == nil && n.Kind == ese.LogNameCurrent {
		newGen = false
	}
	t := logTail{End: l.End, Legacy: l.Legacy(), FileSectors: l.Header.FileSectors, HeaderSectors: uint16(l.Header.DataSectors()),
		SectorSize: int(l.Header.SectorSize), NewGen: newGen}
	return t.endPositions(!rp.lastWasShutdown, between)
}

// checkSize refuses a record that would grow a database past
// RecoverOptions.MaxFileBytes.
func (rp *replayer) checkSize(db *dbRun, pgno uint32, rec eselog.Record) error {
	limit := rp.opts.MaxFileBytes
	if limit <= 0 {
		return nil
	}
	if need := (int64(pgno) + 3) * int64(db.pageSize); need > limit {
		return rp.redoError(db, ese.NewFormatError("log record", -1, ese.ErrDatabaseCorrupted,
			"%v at %v names page %d: the database would exceed the %d-byte limit", rec.Type(), rec.Pos(), pgno, limit))
	}
	return nil
}

// checkPages runs checkSize on a record's page and, for the records that
// change several pages (split, merge, page move, the creation and
// conversion of space trees, EmptyTree), on every page it names: any of
// them would grow the database.
func (rp *replayer) checkPages(db *dbRun, pgno uint32, rec eselog.Record) error {
	if rp.opts.MaxFileBytes <= 0 {
		return nil
	}
	if err := rp.checkSize(db, pgno, rec); err != nil {
		return err
	}
	if pt, ok := rec.(interface{ PagesTouched() []eselog.PageTouch }); ok {
		for _, t := range pt.PagesTouched() {
			if err := rp.checkSize(db, t.Pgno, rec); err != nil {
				return err
			}
		}
	}
	return nil
}

// pageRecordTypes are the record types built on LRPAGE_ (and
// RootPageMove): they change pages of the database their dbid names and
// nothing else.
var pageRecordTypes = func() (m [256]bool) {
	for _, t := range []eselog.RecordType{
		eselog.RecCreateMultipleExtentFDP, eselog.RecCreateSingleExtentFDP, eselog.RecConvertFDP, eselog.RecSplit, eselog.RecMerge,
		eselog.RecInsert, eselog.RecFlagInsert, eselog.RecFlagInsertAndReplaceData, eselog.RecFlagDelete, eselog.RecReplace,
		eselog.RecReplaceD, eselog.RecDelete, eselog.RecUndoInfo, eselog.RecDelta, eselog.RecSetExternalHeader, eselog.RecUndo,
		eselog.RecEmptyTree, eselog.RecConvertFDP2, eselog.RecSplit2, eselog.RecMerge2, eselog.RecScrub, eselog.RecPageMove,
		eselog.RecDelta64, eselog.RecNewPage, eselog.RecRootPageMove,
	} {
		m[t] = true
	}
	return m
}()
