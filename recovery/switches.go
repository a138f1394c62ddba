package recovery

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/redo"
)

// Switches are the engine's recovery switches: the JetInit3 grbits of
// dev/ese/published/inc/jethdr.w that change soft recovery, as the
// default recovery-control callback of dev/ese/src/ese/tm.cxx and the
// replay of dev/ese/src/ese/_log/logredo.cxx apply them. The zero value
// is the engine's default. Options and RecoverOptions carry them; plan
// and recover with the same switches.
//
// Hard recovery (JetRestore) takes no grbits: it always replays without
// the current log and always skips databases that are not restored, so
// AllowMissingCurrentLog and IgnoreMissingDB change nothing there and
// AllowBackup is its normal case; IgnoreLostLogs and WithoutUndo are
// refused (ese.ErrInvalidParameter): the engine never ignores lost logs
// in a hard restore (ErrLGIRedoFill asserts it) and cannot be asked to
// skip its undo phase.
type Switches struct {
	// AllowMissingCurrentLog is JET_bitAllowMissingCurrentLog: when the
	// current log (and the temp log) is missing, replay goes on to the
	// end of the highest numbered log present instead of failing with
	// JET_errMissingLogFile (-528); the engine then creates the next
	// generation as the new current log. A gap below the highest log
	// still fails.
	AllowMissingCurrentLog bool
	// IgnoreLostLogs is JET_bitReplayIgnoreLostLogs (eseutil /r /a): it
	// allows a missing current log as AllowMissingCurrentLog does (its
	// recovery-control callback, FReplayIgnoreLostLogs, accepts the same
	// JET_sntMissingLog), and a database whose committed but not
	// required logs are missing is brought clean anyway, with
	// warning JET_wrnCommittedLogFilesLost (585) and event 524
	// (REDO_MISSING_COMMITTED_LOGS_LOST_BUT_CONSISTENT_ID) instead of
	// JET_errCommittedLogFilesMissing (-582). Missing required logs
	// still fail (-543).
	IgnoreLostLogs bool
	// IgnoreMissingDB is JET_bitReplayIgnoreMissingDB (eseutil /r /i):
	// a database the logs attach that is not among the files given is
	// skipped, also when the logs leave it attached at the end, where the
	// engine otherwise stops with JET_errAttachedDatabaseMismatch (-1216,
	// event 494 ATTACHED_DB_MISMATCH_END_OF_RECOVERY_ID).
	IgnoreMissingDB bool
	// WithoutUndo is JET_bitRecoveryWithoutUndo: replay every log, check
	// the required and committed generations as after any redo, then stop
	// before the undo phase (JET_errRecoveredWithoutUndo, -579): open
	// transactions are not rolled back and each database stays dirty,
	// its header's lGenMaxRequired and lGenMaxCommitted raised to the
	// last generation replayed (with that log's creation time), so that
	// a later recovery with more logs goes on from it. When the logs end
	// with every database detached there is nothing to undo
	// (JET_errRecoveredWithoutUndoDatabasesConsistent, -584). The engine
	// turns AllowMissingCurrentLog and AllowBackup on with it
	// (dev/ese/src/ese/tm.cxx), and so does this package.
	WithoutUndo bool
	// AllowBackup is JET_bitAllowSoftRecoveryOnBackup: soft recovery of a
	// copy from an online backup whose trailer was not merged
	// (bkinfoFullCur.genLow set, genHigh 0) from the logs at hand,
	// without its patch file, instead of
	// JET_errSoftRecoveryOnBackupDatabase (-544, event 619
	// ATTACH_TO_BACKUP_SET_DATABASE_ERROR_ID).
	AllowBackup bool
}

// effective returns the switches as the engine applies them:
// WithoutUndo turns AllowMissingCurrentLog and AllowBackup on, and
// IgnoreLostLogs allows a missing current log too.
func (s Switches) effective() Switches {
	if s.WithoutUndo {
		s.AllowMissingCurrentLog, s.AllowBackup = true, true
	}
	if s.IgnoreLostLogs {
		s.AllowMissingCurrentLog = true
	}
	return s
}

// replayOptions returns what the log-set walk needs of the switches.
func (s Switches) replayOptions() *eselog.ReplayOptions {
	e := s.effective()
	return &eselog.ReplayOptions{AllowMissingCurrentLog: e.AllowMissingCurrentLog, IgnoreLostLogs: e.IgnoreLostLogs, AllowBackup: e.AllowBackup}
}

// on reports whether a switch is on.
func (s Switches) on() bool { return s != Switches{} }

// String lists the switches that are on by their engine names.
func (s Switches) String() string {
	var on []string
	for _, b := range []struct {
		on   bool
		name string
	}{
		{s.AllowMissingCurrentLog, "JET_bitAllowMissingCurrentLog"},
		{s.IgnoreLostLogs, "JET_bitReplayIgnoreLostLogs"},
		{s.IgnoreMissingDB, "JET_bitReplayIgnoreMissingDB"},
		{s.WithoutUndo, "JET_bitRecoveryWithoutUndo"},
		{s.AllowBackup, "JET_bitAllowSoftRecoveryOnBackup"},
	} {
		if b.on {
			on = append(on, b.name)
		}
	}
	if len(on) == 0 {
		return "none"
	}
	return strings.Join(on, " | ")
}

// hardRefusal returns the error for switches a hard recovery refuses,
// nil when it accepts them.
func (s Switches) hardRefusal() error {
	var bad []string
	if s.IgnoreLostLogs {
		bad = append(bad, "ignoring lost logs (JET_bitReplayIgnoreLostLogs)")
	}
	if s.WithoutUndo {
		bad = append(bad, "recovery without undo (JET_bitRecoveryWithoutUndo)")
	}
	if len(bad) == 0 {
		return nil
	}
	return fmt.Errorf("recovery: hard recovery refuses %s: a restore takes no recovery grbits, and the engine never ignores lost logs in a hard restore: %w",
		strings.Join(bad, " and "), ese.ErrInvalidParameter)
}

// missingDB is a database the logs attach that is none of the databases
// given (the engine's deferred attachment of a file that is not found).
type missingDB struct {
	path string
	at   ese.LogPos
}

// present reports whether one of the plan's databases (or one created
// from the log) carries the signature.
func (rp *replayer) present(sig ese.Signature) bool {
	for _, db := range rp.dbs {
		if db.orig != nil && db.orig.DbSignature.Equal(sig) || db.hdr != nil && db.hdr.DbSignature.Equal(sig) {
			return true
		}
	}
	return false
}

// noteAttach follows the attachments of databases that are not given
// (missingTracker): dbid is attached to path at at; sig is the database's
// signature. A CreateDB (create true) is never missing: the engine
// creates the file.
func (rp *replayer) noteAttach(dbid uint8, sig ese.Signature, path string, at ese.LogPos, create bool) {
	rp.missing.given = func(sig ese.Signature, _ string) bool { return rp.present(sig) }
	if rp.missing.attach(dbid, sig, path, at, create) && rp.opts.IgnoreMissingDB {
		rp.em.emit(Event{Kind: EventSkipped, Files: []string{path}, Generation: at.Generation,
			Message: fmt.Sprintf("the logs attach %s at %v, which is not among the databases given: its records are skipped, and ignoring missing databases (JET_bitReplayIgnoreMissingDB) lets recovery end while it is attached", path, at)})
	}
}

// checkMissingDBs is the end-of-redo check of attachments
// (ErrLGRICheckForAttachedDatabaseMismatch): a database the logs leave
// attached that was never found stops recovery with -1216 unless missing
// databases are ignored. Hard recovery always ignores them. The plan
// predicts it (predictMissingDB).
func (rp *replayer) checkMissingDBs() error {
	first := rp.missing.first()
	if rp.hard || rp.opts.IgnoreMissingDB || first == nil {
		return nil
	}
	msg := missingDBMessage(first)
	rp.em.emit(Event{Kind: EventError, Files: []string{first.path}, Code: ese.ErrAttachedDatabaseMismatch, Message: msg})
	return &RecoverError{Code: ese.ErrAttachedDatabaseMismatch, File: first.path, Msg: msg}
}

// finishWithoutUndo ends a recovery without its undo phase: the open
// transactions stay open, no RecoveryUndo2 or shutdown mark is logged,
// and every database still attached stays dirty with the generations it
// now holds data from recorded in its header (LOG::ErrLGUpdateGenRequired
// raises lGenMaxRequired and lGenMaxCommitted as pages are written). A
// page an open transaction changed keeps the image it had before
// recovery: during redo the engine cannot log the undo information such
// a page carries, so it does not write it, and the later recovery redoes
// it from the logs.
func (rp *replayer) finishWithoutUndo(lost map[*dbRun]bool) error {
	var tm ese.LogTime
	if rp.curHeader != nil {
		tm = rp.curHeader.CreateTime
	}
	open := 0
	held := map[*dbRun]map[uint32]bool{}
	for _, s := range rp.sessions.sorted() {
		if !s.open() {
			continue
		}
		open++
		for _, v := range s.versions {
			if v == nil || v.db == nil || !v.db.active || v.db.store == nil {
				continue
			}
			if held[v.db] == nil {
				held[v.db] = map[uint32]bool{}
			}
			held[v.db][v.pgno] = true
		}
	}
	npages := 0
	for db, pages := range held {
		if err := rp.holdPages(db, pages); err != nil {
			return err
		}
		npages += len(pages)
	}
	dirty := 0
	for _, db := range rp.dbs {
		if !db.active || db.stopped {
			continue
		}
		db.hdr.DBTimeDirtied = max(db.hdr.DBTimeDirtied, db.maxDBTime)
		db.hdr.LastObjectID = max(db.hdr.LastObjectID, db.maxObjid)
		if db.hdr.State == ese.DBStateCleanShutdown {
			continue // detached during redo
		}
		dirty++
		h := db.hdr
		if rp.curGen > 0 {
			if rp.curGen >= h.GenMaxRequired {
				h.GenMaxRequired = rp.curGen
				if !db.orig.GenMaxRequiredTime.IsZero() {
					h.GenMaxRequiredTime = tm
				}
			}
			if rp.curGen >= h.GenMaxCommitted || lost[db] {
				h.GenMaxCommitted, h.GenMaxCreateTime = rp.curGen, tm
			}
		}
	}
	code := ese.ErrRecoveredWithoutUndo
	msg := fmt.Sprintf("recovery without undo (JET_bitRecoveryWithoutUndo) stops before the undo phase at the end of generation 0x%X: %d open transaction(s) are left open (%d page(s) they changed keep their image from before recovery) and %d database(s) stay dirty; a later recovery with more logs goes on from here", rp.curGen, open, npages, dirty)
	if dirty == 0 {
		code = ese.ErrRecoveredWithoutUndoDatabasesConsistent
		msg = fmt.Sprintf("recovery without undo (JET_bitRecoveryWithoutUndo) replayed to the end of generation 0x%X and every database is already consistent: no undo was needed", rp.curGen)
	}
	rp.undoSkipped = code
	rp.em.emit(Event{Kind: EventEnd, Generation: rp.curGen, Code: code, Message: msg})
	return nil
}

// holdPages puts back, in the copy being recovered, the image each page
// had in the input (zeros for a page beyond its end), and reopens the
// page store over the file, in the recovery's shared page cache.
func (rp *replayer) holdPages(db *dbRun, pages map[uint32]bool) error {
	if err := db.store.Flush(); err != nil {
		return err
	}
	var src io.ReaderAt
	if !db.created {
		r, _, c, err := rp.plan.Inputs.open(db.name)
		if err != nil {
			return fmt.Errorf("recovery: database %s: %w", db.name, err)
		}
		if c != nil {
			defer c.Close()
		}
		src = r
	}
	ps := int64(db.pageSize)
	b := make([]byte, ps)
	for pgno := range pages {
		clear(b)
		off := (int64(pgno) + 1) * ps
		if src != nil {
			if n, err := src.ReadAt(b, off); err != nil && !(errors.Is(err, io.EOF) && (n == 0 || n == len(b))) {
				clear(b)
			}
		}
		if off+ps > db.store.FileSize() {
			continue // beyond the copy: nothing of it was written
		}
		if _, err := db.file.WriteAt(b, off); err != nil {
			return err
		}
	}
	// The new store shares the recovery's one cache (and its budget); the
	// old one, flushed above, gives its pages back to it.
	st, err := redo.NewPageStore(db.pageFile(rp.opts), db.pageSize, rp.storeOptions())
	if err != nil {
		return err
	}
	db.res.PagesWritten += db.store.Stats().Writes
	db.store.Discard()
	db.store = st
	return nil
}

// switches returns the switches of opts (none for nil) as the engine
// applies them.
func (o *Options) switches() Switches {
	if o == nil {
		return Switches{}
	}
	return o.Switches.effective()
}
