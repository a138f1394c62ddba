package recovery

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/outfile"
	"github.com/esekit/esekit/internal/redo"
)

// Creating a database from its CreateDB record (docs/recovery.md#attach-rules,
// step 6): when no database of the recovery carries the logged signature, the
// engine creates the file anew and lets the logged operations that follow
// (ExtendDB, the space and catalog pages, SetDbVersion, CreateDBFinish...)
// build it. Since 8.4000.3 the create is fully logged (the record's
// create version is 2.0), so replay alone rebuilds every page. An older
// CreateDB (create version 1.0) makes the engine re-run its own create
// code with logging off (bitCreateDbImplicitly), which redo.BuildImplicitCreate
// does here; anything else is refused with ErrInvalidCreateDbVersion, as
// the engine refuses it (createModeOf).

// ActionCreate is the action of a database created from its CreateDB
// record (RecoverOptions.CreateMissing); StateMissing its state before.
const (
	ActionCreate = "create"
	StateMissing = "Missing"
)

// dbFormatVersion and dbFormatUpdate are the format the engine stamps on
// a database it creates, before the SetDbVersion record that follows the
// create raises it (InitDBDbfilehdr: 0x620 update 0x14, "never changing",
// also the header's create version).
const (
	dbFormatVersion = 0x620
	dbFormatUpdate  = 0x14
)

// createDbVersion is the create version (usDAECreateDbVersion 2, update
// 0) a CreateDB record carries in its version block when every step of
// the create is logged; version 1.0 (usDAECreateDbVersion_Implicit) means
// the engine rebuilds the new database with its own create code.
const (
	createDbVersion     = 2
	createDbUpdateMajor = 0
)

// fullyLoggedCreate reports whether replaying the records after r builds
// the whole new database, as the engine decides at lrtypCreateDB
// (logredo.cxx): the record's create version is 2 with an update no
// newer than 0. A record without the version block counts as version 0.
func fullyLoggedCreate(r *eselog.CreateDB) bool {
	return r.HasVersion() && r.Version == createDbVersion && r.UpdateMajor <= createDbUpdateMajor
}

// createMode is how the engine redoes a CreateDB record.
type createMode int

const (
	// createRefused: the engine stops with JET_errInvalidCreateDbVersion.
	createRefused createMode = iota
	// createLogged: the create is fully logged; the file starts empty.
	createLogged
	// createImplicit: the engine re-runs its create code
	// (bitCreateDbImplicitly; redo.BuildImplicitCreate).
	createImplicit
)

// Log file versions of Windows 7 (ulLGVersionMajor_Win7,
// ulLGVersionMinor_Win7, ulLGVersionUpdateMajor_Win7): implicit creates
// from 7.3704 logs older than this are refused.
const (
	logVersionMajorWin7       = 7
	logVersionMinorWin7       = 3704
	logVersionUpdateMajorWin7 = 15
)

// createModeOf applies the engine's rule at lrtypCreateDB (logredo.cxx)
// to a CreateDB record r read from a log file whose header h gives the
// format version: create version 2 with update 0 or older is fully
// logged; otherwise the record must carry exactly the implicit create
// version 1.0 and, when the log is a 7.3704 log, come from one of update
// 15 (Windows 7) or later, or the engine refuses it (its create code of
// older versions built different pages). A record without the version
// block has version 0.0.
func createModeOf(r *eselog.CreateDB, h *eselog.FileHeader) createMode {
	var v, u uint16
	if r.HasVersion() {
		v, u = r.Version, r.UpdateMajor
	}
	switch {
	case v == createDbVersion && u <= createDbUpdateMajor:
		return createLogged
	case v != redo.CreateDbVersionImplicit || u > redo.CreateDbUpdateImplicit:
		return createRefused
	case h.VersionMajor == logVersionMajorWin7 && h.VersionMinor == logVersionMinorWin7 && h.VersionUpdateMajor < logVersionUpdateMajorWin7:
		return createRefused
	}
	return createImplicit
}

// createRecord applies a CreateDB record.
func (rp *replayer) createRecord(r *eselog.CreateDB) error {
	if db := rp.dbBySignature(r.SignDb); !rp.hard && db != nil && db.active && !db.stopped && !db.everAttached &&
		db.hdr.State == ese.DBStateJustCreated {
		return rp.recreate(db, r)
	}
	if rp.hard || rp.dbBySignature(r.SignDb) != nil {
		rp.attachRecord(r.Dbid, r.SignDb, ese.Signature{}, r.At, true)
		return nil
	}
	if old := rp.byDBID[r.Dbid]; old != nil {
		rp.unbind(old)
	}
	logged := r.Path()
	if !rp.opts.CreateMissing {
		rp.em.emit(Event{Kind: EventSkipped, Files: []string{logged}, Generation: r.At.Generation,
			Message: fmt.Sprintf("the log creates the database %s at %v, which is none of the databases recovered; it is not created (RecoverOptions.CreateMissing is off), so its records are skipped", logged, r.At)})
		return nil
	}
	dr := &DatabaseResult{File: logged, Action: ActionCreate, StateBefore: StateMissing, StateAfter: StateMissing}
	rp.created = append(rp.created, dr)
	mode := createRefused
	if h := rp.curHeader; h != nil {
		mode = createModeOf(r, h)
	}
	if mode == createRefused {
		dr.Error, dr.Message = ese.ErrInvalidCreateDbVersion, rp.refusedCreate(r)
		return &RecoverError{Code: dr.Error, File: logged, Msg: dr.Message}
	}
	out, tmp, err := rp.createPaths(logged)
	if err != nil {
		dr.Error, dr.Message = ese.ErrInvalidPath, fmt.Sprintf("not created: %v; the records of the database are skipped", err)
		rp.em.emit(Event{Kind: EventSkipped, Files: []string{logged}, Generation: r.At.Generation, Code: dr.Error, Message: dr.Message})
		return nil
	}
	for _, db := range rp.dbs {
		if db.out == out {
			dr.Error, dr.Message = ese.ErrInvalidPath, fmt.Sprintf("not created: %s is already an output of this recovery; the records of the database are skipped", out)
			rp.em.emit(Event{Kind: EventSkipped, Files: []string{logged}, Generation: r.At.Generation, Code: dr.Error, Message: dr.Message})
			return nil
		}
	}
	if !rp.opts.Overwrite {
		if _, err := os.Lstat(out); err == nil {
			dr.Error, dr.Message = ese.ErrFileAlreadyExists, fmt.Sprintf("%s already exists (set Overwrite to replace it)", out)
			return fmt.Errorf("recovery: %s: %w", dr.Message, dr.Error)
		}
	}
	db, err := rp.createDatabase(r, dr, out, tmp)
	if err != nil {
		dr.Message = err.Error()
		return err
	}
	how := "built from the log"
	if mode == createImplicit {
		if err := implicitCreateInto(db, &redo.ImplicitCreateOptions{ShadowingOff: r.Grbit&redo.CreateShadowingOff != 0}); err != nil {
			db.store.Discard()
			db.store = nil
			db.file.Close()
			os.Remove(tmp)
			dr.Message = err.Error()
			return err
		}
		how = "built by the engine's legacy create code (create version 1.0), then from the log"
	}
	rp.dbs = append(rp.dbs, db)
	rp.bind(db, r.Dbid, false)
	rp.em.emit(Event{Kind: EventDatabase, Files: []string{logged, out}, Generation: r.At.Generation,
		Message: fmt.Sprintf("the log creates the database %s at %v: it is created as %s and %s", logged, r.At, out, how)})
	return nil
}

// refusedCreate says why the engine refuses to redo the CreateDB r.
func (rp *replayer) refusedCreate(r *eselog.CreateDB) string {
	v := "unknown"
	if h := rp.curHeader; h != nil {
		v = fmt.Sprintf("%d.%d.%d", h.VersionMajor, h.VersionMinor, h.VersionUpdateMajor)
	}
	var cv, cu uint16
	if r.HasVersion() {
		cv, cu = r.Version, r.UpdateMajor
	}
	return fmt.Sprintf("the CreateDB at %v (log version %s) has create version %d.%d: the engine redoes only the fully logged create (2.0) and the implicit create of 1.0 from logs other than 7.3704 before update 15, so it refuses this one", r.At, v, cv, cu)
}

// recreate redoes the CreateDB r over db, a recovered database whose
// header is JustCreated (its creation never finished): the engine deletes
// the file and creates it anew (ErrLGRICheckRedoCreateDb answers
// redoattachCreate), so the working file is cut back to a new header and
// built by the logged records, after the legacy create code for an
// implicit create. Whatever pages the unfinished file held are dropped.
func (rp *replayer) recreate(db *dbRun, r *eselog.CreateDB) error {
	mode := createRefused
	if h := rp.curHeader; h != nil {
		mode = createModeOf(r, h)
	}
	if mode == createRefused {
		db.res.Error, db.res.Message = ese.ErrInvalidCreateDbVersion, rp.refusedCreate(r)
		return &RecoverError{Code: db.res.Error, File: db.name, Msg: db.res.Message}
	}
	ps := rp.curHeader.PageSize()
	if ps != db.pageSize {
		return ese.NewFormatError("log header", -1, ese.ErrPageSizeMismatch, "the log creates %s with %d-byte pages, its JustCreated header says %d", db.name, ps, db.pageSize)
	}
	h := newDBHeader(r, rp.signLog, rp.lastTime, ps)
	if err := db.file.Truncate(0); err != nil {
		return err
	}
	if err := writeDBHeader(db.file, h, ps); err != nil {
		return err
	}
	st, err := redo.NewPageStore(db.pageFile(rp.opts), ps, rp.storeOptions())
	if err != nil {
		return err
	}
	if db.store != nil {
		db.store.Discard() // the pages of the file cut back above
	}
	db.store, db.hdr, db.maxDBTime, db.maxObjid = st, h, 0, 0
	how := "rebuilt from the log"
	if mode == createImplicit {
		if err := implicitCreateInto(db, &redo.ImplicitCreateOptions{ShadowingOff: r.Grbit&redo.CreateShadowingOff != 0}); err != nil {
			return err
		}
		how = "rebuilt by the engine's legacy create code (create version 1.0), then from the log"
	}
	rp.bind(db, r.Dbid, false)
	rp.em.emit(Event{Kind: EventDatabase, Files: []string{db.name}, Generation: r.At.Generation,
		Message: fmt.Sprintf("the log creates %s at %v over its unfinished (JustCreated) file, which the engine deletes and creates anew: it is %s", db.name, r.At, how)})
	return nil
}

// implicitCreateInto builds the pages of an implicit create in the new
// database db and records the create's last dbtime and object id in its
// header, as ErrDBCreateDBFinish does (dbtimeDirtied, objidLast).
func implicitCreateInto(db *dbRun, opt *redo.ImplicitCreateOptions) error {
	res, err := redo.BuildImplicitCreate(db.store, opt)
	if err != nil {
		return err
	}
	if err := db.store.Flush(); err != nil {
		return err
	}
	db.hdr.DBTimeDirtied = max(db.hdr.DBTimeDirtied, res.DBTime)
	db.hdr.LastObjectID = max(db.hdr.LastObjectID, res.ObjidLast)
	db.note(res.DBTime, res.ObjidLast)
	return nil
}

// createPaths returns the final and temporary output of a database
// created from the log: its logged file name (or the restore map's
// destination name), always inside the output folder.
func (rp *replayer) createPaths(logged string) (out, tmp string, err error) {
	o := rp.opts
	if o.OutDir == "" {
		return "", "", fmt.Errorf("%w: no output folder (RecoverOptions.OutDir) to create %q in", ErrUnsafePath, logged)
	}
	dest := logged
	if err := checkLogged(logged); err != nil {
		return "", "", err
	}
	mapped := false
	if o.RestoreMap != nil {
		if e, ok := o.RestoreMap.Lookup(logged); ok {
			dest, mapped = e.To, true
		}
	}
	if !mapped && strings.HasPrefix(strings.ReplaceAll(logged, "/", `\`), `\\`) {
		return "", "", fmt.Errorf("%w: UNC path %q in the log and no restore map entry for it", ErrUnsafePath, logged)
	}
	rel, err := destRel(dest, false)
	if err != nil {
		return "", "", err
	}
	out = filepath.Join(o.OutDir, rel)
	tmp = filepath.Join(o.OutDir, outfile.TempName(rel))
	if !within(o.OutDir, out) || !within(o.OutDir, tmp) {
		return "", "", fmt.Errorf("%w: %q leaves %s", ErrUnsafePath, rel, o.OutDir)
	}
	return out, tmp, nil
}

// newDBHeader is the header the engine writes for a database it creates
// during redo: state JustCreated, the logged database signature, the
// log's signature, lgposAttach at the CreateDB record, the page size of
// the log (lgfilehdr.cbPageSize), and the generation as the one required.
func newDBHeader(r *eselog.CreateDB, signLog ese.Signature, attachTime ese.LogTime, pageSize int) *ese.DBHeader {
	h := &ese.DBHeader{
		Magic:               ese.DBMagic,
		FormatVersion:       dbFormatVersion,
		FormatUpdateMajor:   dbFormatUpdate,
		DbSignature:         r.SignDb,
		State:               ese.DBStateJustCreated,
		AttachPos:           r.At,
		AttachTime:          attachTime,
		DBID:                uint32(r.Dbid),
		LogSignature:        signLog,
		PageSize:            uint32(pageSize),
		GenMinRequired:      r.At.Generation,
		GenMaxRequired:      r.At.Generation,
		CreateFormatVersion: dbFormatVersion,
		CreateFormatUpdate:  dbFormatUpdate,
		FileType:            ese.FileTypeDatabase,
	}
	if r.Grbit&redo.CreateShadowingOff != 0 {
		h.DbFlags[0] |= 0x01
	}
	return h
}

// createDatabase writes the header-only file of a new database and opens
// its page store.
func (rp *replayer) createDatabase(r *eselog.CreateDB, dr *DatabaseResult, out, tmp string) (*dbRun, error) {
	ps := rp.curHeader.PageSize()
	if !ese.ValidPageSize(ps) || ps == ese.MinPageSize {
		return nil, ese.NewFormatError("log header", -1, ese.ErrLogCorrupted, "the log's database page size %d is not one the engine uses", ps)
	}
	h := newDBHeader(r, rp.signLog, rp.lastTime, ps)
	orig := *h
	db := &dbRun{res: dr, name: r.Path(), out: out, tmp: tmp, pageSize: ps, hdr: h, orig: &orig,
		active: true, created: true, logs: map[ese.Generation]bool{}, pd: &PlanDatabase{File: r.Path(), Action: ActionCreate}}
	f, err := outfile.CreateTemp(filepath.Dir(tmp), filepath.Base(tmp), rp.inputs()...)
	if err != nil {
		return nil, fmt.Errorf("recovery: temporary output of %s: %w", r.Path(), err)
	}
	db.file = f
	if err := writeDBHeader(f, h, ps); err != nil {
		f.Close()
		os.Remove(tmp)
		return nil, err
	}
	st, err := redo.NewPageStore(db.pageFile(rp.opts), ps, rp.storeOptions())
	if err != nil {
		f.Close()
		os.Remove(tmp)
		return nil, err
	}
	db.store = st
	return db, nil
}
