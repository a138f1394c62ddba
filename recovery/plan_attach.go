package recovery

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
)

// attachment is one place the logs name a database: an entry of a log
// header's attach list (taken when the generation begins) or a CreateDB /
// AttachDB record.
type attachment struct {
	Gen     ese.Generation
	Pos     ese.LogPos // the record's position; (gen,0,0) for a header entry
	Source  string     // "header", "CreateDB", "AttachDB"
	Path    string
	SignDb  ese.Signature
	SignLog ese.Signature // AttachDB only: the database header's signLog at attach
	// Consistent is the logged lgposConsistent (AttachDB and header
	// entries).
	Consistent ese.LogPos
	// Attach is the logged lgposAttach: the record's own position, or the
	// position a header entry records for the attach it carries forward.
	Attach ese.LogPos
}

// maxAttachments bounds what one plan collects from hostile logs.
const maxAttachments = 1 << 16

// collectAttachments lists, in log order, every attachment in the replayed
// logs: each generation's header list, then its CreateDB and AttachDB
// records. A log whose body cannot be read contributes its header list
// only; ok is false when any body could not be read.
func collectAttachments(ctx context.Context, fsys fs.FS, dir string, set *eselog.Set, files []string) (out []attachment, ok bool) {
	ok = true
	for _, name := range files {
		f := set.File(name)
		if f == nil {
			continue
		}
		for _, a := range f.Attached {
			out = append(out, attachment{Gen: f.Generation, Pos: ese.LogPos{Generation: f.Generation}, Source: "header",
				Path: a.Path(), SignDb: a.DbSignature, Consistent: a.ConsistentPos, Attach: a.AttachPos})
		}
		if !readAttachRecords(ctx, fsys, path.Join(dir, name), f, &out) {
			ok = false
		}
		if len(out) > maxAttachments {
			return out[:maxAttachments], false
		}
	}
	return out, ok
}

func readAttachRecords(ctx context.Context, fsys fs.FS, full string, f *eselog.SetFile, out *[]attachment) bool {
	l, c, ok := openSetLog(fsys, full, f)
	if !ok {
		return false
	}
	defer c.Close()
	for rec, err := range l.Records(ctx, eselog.Filter{Types: []eselog.RecordType{eselog.RecCreateDB, eselog.RecAttachDB}}) {
		if err != nil {
			return false
		}
		switch r := rec.(type) {
		case *eselog.AttachDB:
			*out = append(*out, attachment{Gen: f.Generation, Pos: r.At, Source: "AttachDB", Path: r.Path(), SignDb: r.SignDb, SignLog: r.SignLog, Consistent: r.Consistent, Attach: r.At})
		case *eselog.CreateDB:
			*out = append(*out, attachment{Gen: f.Generation, Pos: r.At, Source: "CreateDB", Path: r.Path(), SignDb: r.SignDb, Attach: r.At})
		}
		if len(*out) > maxAttachments {
			return false
		}
	}
	return true
}

// attachDecision applies KB Q296787's truncation rule and the engine's
// attach checks (docs/recovery.md#attach-rules) to one database over the attachments
// of the replayed logs. It returns the first attachment that stops replay
// into the database, with the action and error it causes, or nil.
type attachStop struct {
	at     attachment
	action string
	code   ese.Error
	msg    string
}

func attachDecision(atts []attachment, d dbInfo, setSig ese.Signature, rmap *RestoreMap) (logged string, stop *attachStop) {
	name := filepath.Base(d.name)
	h := d.hdr
	// attached is set once an attachment attaches the database now: later
	// header-list entries only carry that attachment forward.
	attached := false
	for _, a := range atts {
		if attached && a.Source == "header" {
			continue
		}
		bySig := a.SignDb.Equal(h.DbSignature)
		var byPath bool
		var perr error
		if rmap != nil {
			local, err := rmap.Resolve(a.Path)
			perr = err
			byPath = err == nil && resolvesTo(local, d.name)
		} else {
			perr = checkLogged(a.Path)
			byPath = perr == nil && strings.EqualFold(winBase(a.Path), name)
		}
		if !byPath && !bySig {
			continue
		}
		if logged == "" {
			logged = a.Path
		}
		// Attachments before the database's own last attach are of an
		// earlier life of the file: the engine defers them ("attached in
		// the future"). A hostile path is refused wherever it is.
		current := a.Pos.Compare(h.AttachPos) >= 0 || (a.Source == "header" && a.Gen > h.AttachPos.Generation)
		switch {
		case perr != nil && errors.Is(perr, ErrNotMapped):
			if current {
				return logged, &attachStop{at: a, action: ActionSkip,
					msg: fmt.Sprintf("%s is not in the restore map: the engine skips its attachment and every record of it", a.Path)}
			}
			continue
		case perr != nil:
			return logged, &attachStop{at: a, action: ActionFail, code: ese.ErrAttachedDatabaseMismatch,
				msg: fmt.Sprintf("the logs name %s as %q, which is refused: %v", name, a.Path, perr)}
		case !current:
			continue
		case byPath && !bySig:
			return logged, &attachStop{at: a, action: ActionTruncate,
				msg: fmt.Sprintf("%s at %s attaches %s with another database signature: replay into %s stops there (KB Q296787: a signature change truncates replay)", a.Source, a.Pos, a.Path, name)}
		case bySig && !byPath:
			return logged, &attachStop{at: a, action: ActionTruncate,
				msg: fmt.Sprintf("%s at %s attaches this database under another path, %s: replay into %s stops there (KB Q296787: a path change truncates replay)", a.Source, a.Pos, a.Path, name)}
		}
		if attached {
			// Replay has attached the database: the logged detaches and
			// attaches that follow rewrite its header as they go, so the
			// header on disk no longer decides.
			continue
		}
		if s := createDeferred(a, h, name); s != nil {
			return logged, s
		}
		// Same database, same path: the engine's consistent-time check for
		// an AttachDB of the current stream (docs/recovery.md#attach-rules, step 3).
		if a.Source == "AttachDB" && a.SignLog.Equal(h.LogSignature) && !h.ConsistentPos.IsZero() &&
			a.Consistent != h.ConsistentPos && h.ConsistentPos.Less(a.Pos) {
			return logged, &attachStop{at: a, action: ActionFail, code: ese.ErrConsistentTimeMismatch,
				msg: fmt.Sprintf("the AttachDB at %s says %s was consistent at %s, its header says %s", a.Pos, name, a.Consistent, h.ConsistentPos)}
		}
		now, s := attachedMismatch(a, h, setSig, name)
		if s != nil {
			return logged, s
		}
		attached = attached || now
	}
	return logged, nil
}

// attachedMismatch is the lgposAttach rule of ErrLGRICheckRedoAttachDb
// (docs/recovery.md#attach-rules, step 3) for an attachment of the database from a
// log-header attach list or an AttachDB record: when the header is of the
// current log set, its consistent position is the logged one (or zero, or
// the logged signLog is another set's), signDb is equal and the header's
// lgposAttach is older than the logged one, the attachment was skipped in
// this file (typically an older copy put back). The engine then attaches
// only while replaying an AttachDB whose signLog is the header's; anything
// else stops recovery with JET_errAttachedDatabaseMismatch (-1216).
// CreateDB records follow ErrLGRICheckRedoCreateDb instead, which defers.
// now reports an attachment that attaches the database at once (equal
// lgposAttach, or the AttachDB case).
func attachedMismatch(a attachment, h *ese.DBHeader, setSig ese.Signature, name string) (now bool, stop *attachStop) {
	if a.Source == "CreateDB" || !a.SignDb.Equal(h.DbSignature) || !h.LogSignature.Equal(setSig) {
		return false, nil
	}
	loggedSignLog := a.SignLog
	if a.Source == "header" {
		// A header list belongs to the log that holds it: the current set.
		loggedSignLog = setSig
	}
	matchLogged := h.LogSignature.Equal(loggedSignLog)
	if matchLogged && h.ConsistentPos != a.Consistent && !h.ConsistentPos.IsZero() {
		return false, nil // the consistent-time rules decide
	}
	switch c := h.AttachPos.Compare(a.Attach); {
	case c == 0:
		return true, nil
	case c > 0:
		return false, nil // attached in the future: deferred
	case a.Source == "AttachDB" && matchLogged:
		return true, nil // the AttachDB redoes the attachment
	}
	from := "the attach list of generation " + fmt.Sprintf("0x%X", a.Gen)
	if a.Source == "AttachDB" {
		from = fmt.Sprintf("the AttachDB at %s (logged from another log stream)", a.Pos)
	}
	return false, &attachStop{at: a, action: ActionFail, code: ese.ErrAttachedDatabaseMismatch,
		msg: fmt.Sprintf("%s attaches %s at %s, but its header records an older attach at %s with the same consistent time: an earlier copy of the file whose later attachment is missing; recovery stops with -1216 (JET_errAttachedDatabaseMismatch)", from, name, a.Attach, h.AttachPos)}
}

// createDeferred is the lgposAttach rule of ErrLGRICheckRedoCreateDb for a
// CreateDB of the database (same signature, same path) over a header in a
// clean or dirty state: with the header's lgposAttach older than the
// logged create (a database of the same name deleted in the past, as the
// engine sees it), the engine does not recreate the file by default (no
// overwrite on create) but defers the attachment, so no record of the
// database is replayed from the CreateDB on. The stop is a truncation at
// the CreateDB: what came before it is replayed. A JustCreated header (or
// any state but clean and dirty) is recreated; equal positions are the
// database's own creation, where replay goes on (or the consistent-time
// rules defer it); a newer header attach never reaches here (attached in
// the future: deferred by attachDecision).
func createDeferred(a attachment, h *ese.DBHeader, name string) *attachStop {
	if a.Source != "CreateDB" || h.State == ese.DBStateJustCreated {
		return nil
	}
	switch h.State {
	case ese.DBStateCleanShutdown, ese.DBStateDirtyShutdown, ese.DBStateDirtyAndPatchedShutdown:
	default:
		// Any other state makes the engine recreate the file.
		return nil
	}
	if h.AttachPos.Compare(a.Pos) >= 0 {
		return nil
	}
	return &attachStop{at: a, action: ActionTruncate,
		msg: fmt.Sprintf("the CreateDB at %s creates %s, but its header records an older attach at %s (a database of the same name deleted in the past, as the engine sees it); the engine does not overwrite an existing file on create and defers the attachment, so replay into %s stops there", a.Pos, name, h.AttachPos, name)}
}

// resolvesTo reports whether the resolved local path stands for the
// database file db: the same file, or, when nothing exists at local (the
// caller named target folders that do not hold the database), the same
// file name.
func resolvesTo(local, db string) bool {
	if sameFile(local, db) {
		return true
	}
	if _, err := os.Stat(local); err == nil {
		return false
	}
	return strings.EqualFold(filepath.Base(local), filepath.Base(db))
}
