package recovery

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esechk"
	"github.com/esekit/esekit/eselog"
)

// tachTypes are the records that attach and detach databases.
var tachTypes = []eselog.RecordType{
	eselog.RecCreateDB, eselog.RecAttachDB, eselog.RecDetachDB,
	eselog.RecTerm, eselog.RecTerm2, eselog.RecRecoveryQuit, eselog.RecRecoveryQuit2, eselog.RecRecoveryQuitKeepAttachments,
}

// missingTracker follows the attachments of databases that are not given,
// as replay does (replayer.noteAttach, checkMissingDBs) and the planner
// predicts (predictMissingDB): a database attached by dbid that is not
// given (given decides: replay goes by signature) and that no CreateDB
// made.
type missingTracker struct {
	given   func(sig ese.Signature, logged string) bool
	created map[ese.Signature]bool
	missing map[uint8]missingDB
}

// attach notes that dbid is attached to path at at. A CreateDB (create
// true) is never missing: the engine creates the file.
func (m *missingTracker) attach(dbid uint8, sig ese.Signature, path string, at ese.LogPos, create bool) bool {
	if m.missing == nil {
		m.missing = map[uint8]missingDB{}
	}
	delete(m.missing, dbid)
	if create {
		if m.created == nil {
			m.created = map[ese.Signature]bool{}
		}
		m.created[sig] = true
	}
	if create || dbid == 0 || m.given(sig, path) || m.created[sig] {
		return false
	}
	m.missing[dbid] = missingDB{path: path, at: at}
	return true
}

// first is the missing database with the lowest dbid, nil when none.
func (m *missingTracker) first() *missingDB {
	var first *missingDB
	var firstID uint8
	for id := range m.missing {
		if d := m.missing[id]; first == nil || id < firstID {
			first, firstID = &d, id
		}
	}
	return first
}

// missingDBMessage is the error text for a database the logs leave
// attached that is not given.
func missingDBMessage(m *missingDB) string {
	return fmt.Sprintf("the logs leave database %s attached (attached at %v), but it is not among the databases given: the engine stops with JET_errAttachedDatabaseMismatch (event 494); give the file, or ignore missing databases (JET_bitReplayIgnoreMissingDB, eseutil /r /i)", m.path, m.at)
}

// predictMissingDB walks the replayed logs' attach and detach records as
// replay will: the attach list replay starts from (the first log's header,
// or the checkpoint's when replay starts at the checkpoint's own
// position), then, from start on, CreateDB, AttachDB, DetachDB and the
// Term and RecoveryQuit records (all but RecoveryQuitKeepAttachments
// detach every database). It returns the database the logs leave attached
// that is none of dbs, nil when there is none; ok is false when a log
// cannot be read, and nothing is predicted.
func predictMissingDB(ctx context.Context, fsys fs.FS, dir string, set *eselog.Set, files []string, start ese.LogPos, ckpt *esechk.Checkpoint, dbs []dbInfo) (m *missingDB, ok bool) {
	if len(files) == 0 {
		return nil, true
	}
	// A logged path whose file name is a given database's names it too,
	// as for the skipped-database events (noteUnmatched): a given
	// database whose signature changed is the plan's truncation
	// (attachDecision), not a missing database.
	t := &missingTracker{given: func(sig ese.Signature, logged string) bool {
		for _, d := range dbs {
			if d.hdr.DbSignature.Equal(sig) || strings.EqualFold(winBase(logged), filepath.Base(d.name)) {
				return true
			}
		}
		return false
	}}
	f0 := set.File(files[0])
	if f0 == nil {
		return nil, false
	}
	list := f0.Attached
	if ckpt != nil && ckpt.AttachInfoPresent() && ckpt.Checkpoint == start && start != logStart(set, f0.Generation) {
		list = ckpt.Attached
	}
	for _, a := range list {
		if a.DBID == 0 || !t.given(a.DbSignature, a.Path()) {
			t.attach(a.DBID, a.DbSignature, a.Path(), a.AttachPos, false)
		}
	}
	for _, name := range files {
		f := set.File(name)
		if f == nil {
			return nil, false
		}
		l, c, ok := openSetLog(fsys, path.Join(dir, name), f)
		if !ok {
			return nil, false
		}
		for rec, err := range l.Records(ctx, eselog.Filter{Types: tachTypes}) {
			if err != nil {
				c.Close()
				return nil, false
			}
			switch r := rec.(type) {
			case *eselog.CreateDB:
				if r.At.Compare(start) >= 0 {
					t.attach(r.Dbid, r.SignDb, r.Path(), r.At, true)
				}
			case *eselog.AttachDB:
				if r.At.Compare(start) >= 0 {
					t.attach(r.Dbid, r.SignDb, r.Path(), r.At, false)
				}
			case *eselog.DetachDB:
				if r.At.Compare(start) >= 0 {
					delete(t.missing, r.Dbid)
				}
			case *eselog.Term:
				if r.At.Compare(start) >= 0 && r.Type() != eselog.RecRecoveryQuitKeepAttachments {
					clear(t.missing)
				}
			}
		}
		c.Close()
	}
	return t.first(), true
}

// openSetLog opens the log f of a set, at full in fsys, reading past a
// corrupt tail as replay does; ok is false when it cannot be read.
func openSetLog(fsys fs.FS, full string, f *eselog.SetFile) (_ *eselog.Log, _ io.Closer, ok bool) {
	if fsys == nil || f == nil {
		return nil, nil, false
	}
	fh, err := fsys.Open(full)
	if err != nil {
		return nil, nil, false
	}
	ra, isRA := fh.(io.ReaderAt)
	if !isRA {
		fh.Close()
		return nil, nil, false
	}
	l, err := eselog.OpenOptions(ra, f.Size, eselog.Options{AllowCorruptTail: true, RepairLegacyTail: true})
	if err != nil {
		fh.Close()
		return nil, nil, false
	}
	return l, fh, true
}
