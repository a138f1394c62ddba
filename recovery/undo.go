package recovery

import (
	"bytes"
	"fmt"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/redo"
)

// ErrUndoUnsafe is wrapped by the error recovery stops with when a
// transaction left open at the end of the logs cannot be rolled back
// safely: an operation's before-image is unknown (its page was already
// newer than the record and no UndoInfo record supplied the image), its
// node cannot be found on its page, or the operation is of a kind this
// package does not undo. The database is then left dirty, never marked
// clean.
var ErrUndoUnsafe = redo.ErrUndoUnsafe

// version is one version-store entry (RCE) rebuilt during redo: what is
// needed to undo one versioned operation of an open transaction
// (docs/log-records.md#undoinfo, docs/log-records.md#undo,
// docs/recovery.md#undo, step 3).
type version struct {
	db      *dbRun
	op      eselog.RecordType // Insert, FlagInsert, FlagInsertAndReplaceData, Replace(D), FlagDelete, Delta(64)
	at      ese.LogPos
	pgno    uint32
	pgnoFDP uint32
	rceid   uint32
	level   int
	iline   int
	// key is the node's whole key; bmData the bookmark data of a
	// non-unique tree (the node's data), nil when unknown or unique.
	key    []byte
	bmData []byte
	// keyKnown reports that key identifies the node.
	keyKnown bool
	// before is the node's data before a Replace or
	// FlagInsertAndReplaceData; haveBefore says it is known.
	before     []byte
	haveBefore bool
	// delta and offset undo a Delta; is64 selects Delta64.
	delta  int64
	offset int
	is64   bool
	// undoInfo is the engine's deferred before-image link (BFAddUndoInfo
	// from VERInsertRCEIntoLists): a Replace, FlagDelete or the replace
	// half of a FlagInsertAndReplaceData whose page redo changed holds
	// its entry in the buffer's undo-info chain, and rolling it back logs
	// an UndoInfo record before the Undo (ErrVERIUndoReplacePhysical,
	// ErrVERIUndoFlagDeletePhysical → ErrVERILogUndoInfo). Entries made
	// from UndoInfo records, or for pages already newer, have no link.
	undoInfo bool
}

func (v *version) String() string {
	return fmt.Sprintf("%v at %v (page %d, rceid %d)", v.op, v.at, v.pgno, v.rceid)
}

// maxVersions bounds the entries one session may hold (hostile logs).
const maxVersions = 1 << 20

// captureVersion records what undo will need before a versioned node
// operation is redone: the node's key and, for replaces, its data as it
// is on the page now. It is called only for records of a session inside
// a transaction; a page already at or past the record gives an entry
// without a before-image (an UndoInfo record may supply it later). The
// entry and its bytes are allocated on their own; replay captures into
// the session's arena instead (session.capture).
func captureVersion(s *redo.PageStore, db *dbRun, r eselog.NodeRecord, level int) (*version, error) {
	return (*captureArena)(nil).capture(s, db, r, level)
}

// captureArena holds the version entries of one session's open
// transaction and the bytes they keep (keys, bookmark data,
// before-images): entries come from a slab and bytes are appended to one
// growing buffer, both reused once the outermost transaction ends
// (session.dropVersions), so capture costs no allocation per record in
// steady state. Nothing may keep an entry or a slice of its bytes past
// that reset: the entries live only in session.versions, and what is
// read from them afterwards (the end-of-recovery record model, errors)
// copies sizes and numbers, never bytes. A nil *captureArena allocates
// every entry and slice on its own.
type captureArena struct {
	buf  []byte
	pool []version
}

// Above these capacities a reset drops the arena's memory instead of
// keeping it for the next transaction (one huge transaction must not pin
// its memory for the rest of the replay).
const (
	arenaKeepBytes    = 4 << 20
	arenaKeepVersions = 1 << 14
	arenaSlab         = 256
)

// newVersion returns a new entry holding e.
func (a *captureArena) newVersion(e version) *version {
	if a == nil {
		v := new(version)
		*v = e
		return v
	}
	if len(a.pool) == cap(a.pool) {
		// A new slab: entries already handed out stay where they are.
		a.pool = make([]version, 0, min(max(arenaSlab, 2*cap(a.pool)), arenaKeepVersions))
	}
	a.pool = a.pool[:len(a.pool)+1]
	v := &a.pool[len(a.pool)-1]
	*v = e
	return v
}

// clone returns a copy of b (nil for nil, as bytes.Clone).
func (a *captureArena) clone(b []byte) []byte {
	if a == nil || b == nil {
		return bytes.Clone(b)
	}
	return a.join(nil, b)
}

// join returns a new slice holding x followed by y. The result's
// capacity is its length, so appending to it never writes into bytes of
// another entry.
func (a *captureArena) join(x, y []byte) []byte {
	if a == nil {
		return append(append(make([]byte, 0, len(x)+len(y)), x...), y...)
	}
	start := len(a.buf)
	a.buf = append(append(a.buf, x...), y...)
	return a.buf[start:len(a.buf):len(a.buf)]
}

// reset forgets every entry and byte handed out.
func (a *captureArena) reset() {
	if cap(a.buf) > arenaKeepBytes {
		a.buf = nil
	} else {
		a.buf = a.buf[:0]
	}
	clear(a.pool) // no stale pointers to databases or old buffers
	a.pool = a.pool[:0]
}

// capture is captureVersion with the entry and its bytes taken from a
// (nil: allocated on their own).
func (a *captureArena) capture(s *redo.PageStore, db *dbRun, r eselog.NodeRecord, level int) (*version, error) {
	switch r.(type) {
	case *eselog.Insert, *eselog.FlagInsert, *eselog.Delta, *eselog.FlagInsertAndReplaceData, *eselog.Replace, *eselog.FlagDelete:
	default:
		return nil, nil // not a versioned operation undo knows
	}
	h := r.Node()
	v := a.newVersion(version{db: db, op: r.Type(), at: r.Pos(), pgno: h.Pgno(), pgnoFDP: h.PgnoFDP, rceid: h.RCEID,
		level: level, iline: h.ILine()})
	switch r := r.(type) {
	case *eselog.Insert:
		v.key, v.keyKnown, v.haveBefore = a.join(r.KeyPrefix, r.KeySuffix), true, true
		if !h.IsUnique() {
			v.bmData = a.clone(r.Data)
		}
		return v, nil
	case *eselog.FlagInsert:
		v.key, v.keyKnown, v.haveBefore = a.clone(r.Key), true, true
		if !h.IsUnique() {
			v.bmData = a.clone(r.Data)
		}
		return v, nil
	case *eselog.Delta:
		v.key, v.keyKnown, v.haveBefore = a.clone(r.BookmarkKey), true, true
		v.bmData = a.clone(r.BookmarkData)
		v.delta, v.offset, v.is64 = r.Delta, int(r.Offset), r.Is64()
		return v, nil
	case *eselog.FlagInsertAndReplaceData:
		v.key, v.keyKnown = a.clone(r.Key), true
		if !h.IsUnique() {
			// A non-unique tree's bookmark is key and data; the node
			// re-inserted carries the same data (a secondary index entry).
			v.bmData = a.clone(r.Data)
		}
	}
	p, err := s.Get(h.Pgno())
	if err != nil {
		return nil, err
	}
	if p.DBTime() >= h.DBTime() {
		// Already applied on disk: the before-image must come from an
		// UndoInfo record (the engine logs one when it flushes a page
		// holding uncommitted data).
		return v, nil
	}
	n, err := p.Node(h.ILine())
	if err != nil {
		return v, nil // redo will report the damage
	}
	if !v.keyKnown {
		// The node's whole key (Page.Key) without copying the prefix
		// first; a prefix count past the page's prefix leaves it unknown.
		var pre []byte
		ok := true
		if n.PrefixLen > 0 {
			if kp, err := p.KeyPrefixView(); err != nil || n.PrefixLen > len(kp) {
				ok = false
			} else {
				pre = kp[:n.PrefixLen]
			}
		}
		if ok {
			if len(pre)+len(n.Suffix) == 0 {
				v.key = nil // as Page.Key gives it
			} else {
				v.key = a.join(pre, n.Suffix)
			}
			v.keyKnown = true
			if !h.IsUnique() {
				v.bmData = a.clone(n.Data)
			}
		}
	}
	switch r.Type() {
	case eselog.RecReplace, eselog.RecReplaceD, eselog.RecFlagInsertAndReplaceData:
		v.before, v.haveBefore, v.undoInfo = a.clone(n.Data), true, true
	case eselog.RecFlagDelete:
		v.haveBefore, v.undoInfo = true, true
	}
	return v, nil
}

// applyUndoInfo fills the entry of an UndoInfo record's operation with
// its before-image, or creates the entry (docs/log-records.md#undoinfo).
func (s *session) applyUndoInfo(db *dbRun, r *eselog.UndoInfo) {
	var v *version
	for _, e := range s.versions {
		if e.db == db && e.rceid == r.RCEID && e.pgnoFDP == r.PgnoFDP {
			v = e
		}
	}
	if v == nil {
		if len(s.versions) >= maxVersions {
			return
		}
		op := eselog.RecReplace
		if r.Oper == eselog.OperFlagDelete {
			op = eselog.RecFlagDelete
		}
		v = s.arena.newVersion(version{db: db, op: op, at: r.At, pgno: r.Pgno(), pgnoFDP: r.PgnoFDP, rceid: r.RCEID, level: int(r.Level), iline: r.ILine()})
		s.versions = append(s.versions, v)
	} else {
		// The entry redo created is no longer linked to its page's
		// undo-info chain: the record says the page may be flushed
		// (VERIInsertRCEIntoHash during recovery → BFRemoveUndoInfo),
		// so rolling it back logs no second UndoInfo.
		v.undoInfo = false
	}
	v.key, v.keyKnown = s.arena.clone(r.BookmarkKey), true
	v.bmData = s.arena.clone(r.BookmarkData)
	switch r.Oper {
	case eselog.OperReplace:
		v.before, v.haveBefore = s.arena.clone(r.Data), true
	case eselog.OperFlagDelete:
		v.haveBefore = true
	}
}

// undoOn applies the inverse of v to page p (redo.Undo).
func undoOn(p *redo.Page, v *version) error {
	return redo.Undo(p, &redo.UndoOp{Desc: v, Pgno: v.pgno, Op: v.op, ILine: v.iline, Key: v.key, BmData: v.bmData,
		KeyKnown: v.keyKnown, Before: v.before, HaveBefore: v.haveBefore, Delta: v.delta, Offset: v.offset, Is64: v.is64})
}

// redoUndo redoes an Undo record (type 39, docs/log-records.md#undo): the
// session's entry with the record's rceid is undone on the page when the
// page needs it, and the entry leaves the version store either way.
func (s *session) redoUndo(st *redo.PageStore, db *dbRun, r *eselog.Undo, mayFuture bool) (bool, error) {
	idx := -1
	for i, e := range s.versions {
		if e.db == db && e.rceid == r.RCEID && e.pgnoFDP == r.PgnoFDP {
			idx = i
		}
	}
	p, err := st.Get(r.Pgno())
	if err != nil {
		return false, err
	}
	need, err := redo.NeedRedo(p, r.Pgno(), r.DBTime(), r.DBTimeBefore(), mayFuture)
	if err != nil {
		return false, err
	}
	var v *version
	if idx >= 0 {
		v = s.versions[idx]
		s.versions = append(s.versions[:idx], s.versions[idx+1:]...)
	}
	if !need {
		return false, nil
	}
	if v == nil {
		return false, fmt.Errorf("%w: Undo at %v (rceid %d): no version entry holds the before-image", ErrUndoUnsafe, r.At, r.RCEID)
	}
	v.iline = r.ILine()
	if len(r.BookmarkKey) > 0 || !v.keyKnown {
		v.key, v.keyKnown = s.arena.clone(r.BookmarkKey), true
		if len(r.BookmarkData) > 0 {
			v.bmData = s.arena.clone(r.BookmarkData)
		}
	}
	if err := undoOn(p, v); err != nil {
		return false, err
	}
	p.SetDBTime(r.DBTime())
	return true, st.MarkDirty(r.Pgno(), p)
}

// rollbackSession rolls back every entry of an open transaction, newest
// first, as the end of recovery does (ErrLGRIEndAllSessions →
// ErrVERRollback). Each undone page gets a new dbtime past the database's
// highest, as the engine's logged Undo would. It returns the databases
// touched.
func (s *session) rollbackSession() (map[*dbRun]bool, error) {
	touched := map[*dbRun]bool{}
	for i := len(s.versions) - 1; i >= 0; i-- {
		v := s.versions[i]
		db := v.db
		if db == nil || db.store == nil || db.detached {
			continue
		}
		p, err := db.store.Get(v.pgno)
		if err != nil {
			return touched, fmt.Errorf("%w: %v: %v", ErrUndoUnsafe, v, err)
		}
		if err := undoOn(p, v); err != nil {
			return touched, err
		}
		// Each logged Undo dirties the page with a new dbtime
		// (ErrLGUndo → ErrLGSetDbtimeBeforeAndDirty); a
		// FlagInsertAndReplaceData is two version entries in the engine
		// (the insert and its replace, rceidReplace), undone by two Undo
		// records.
		db.maxDBTime += uint64(v.undoRecords())
		p.SetDBTime(db.maxDBTime)
		if err := db.store.MarkDirty(v.pgno, p); err != nil {
			return touched, err
		}
		touched[db] = true
	}
	s.dropVersions()
	s.level = 0
	return touched, nil
}

// undoRecords is the number of Undo records the engine logs to roll v
// back: one per version entry, two for a FlagInsertAndReplaceData whose
// page redo changed (its insert entry and the replace entry redo created
// with rceidReplace; when the page was already newer the engine defers
// the replace entry to an UndoInfo record, which makes an entry of its
// own).
func (v *version) undoRecords() int {
	if v.op == eselog.RecFlagInsertAndReplaceData && v.undoInfo {
		return 2
	}
	return 1
}

// endRecord is one record the engine logs at the end of recovery, after
// its RecoveryUndo2 and before its ShutDownMark.
type endRecord struct {
	Type eselog.RecordType
	Size int
}

// Sizes of the fixed parts of the records logged while sessions end
// (eselog.FixedSize; the engine's LRUNDOINFO, LRUNDO, LRROLLBACK and
// LRMACROEND).
var (
	undoInfoFixed   = eselog.FixedSize(eselog.RecUndoInfo)   // 56
	undoFixed       = eselog.FixedSize(eselog.RecUndo)       // 51
	rollbackSize    = eselog.FixedSize(eselog.RecRollback)   // 4
	macroAbortSize  = eselog.FixedSize(eselog.RecMacroAbort) // 11
	shutDownMarkLen = eselog.FixedSize(eselog.RecShutDownMark)
)

// appendUndoLog appends the records the engine logs when it rolls v back
// (ErrVERIUndoLoggedOper): the UndoInfo of a linked before-image (bookmark
// and, for a replace, the before-image data: ErrLGIUndoInfo), then the
// Undo (LRUNDO and the bookmark: ErrLGUndo); for a FlagInsertAndReplaceData
// the replace is undone first (it is the newer entry), then the insert.
func (v *version) appendUndoLog(dst []endRecord) []endRecord {
	bm := len(v.key) + len(v.bmData)
	if v.undoInfo {
		n := undoInfoFixed + bm
		if v.op != eselog.RecFlagDelete {
			n += len(v.before)
		}
		dst = append(dst, endRecord{eselog.RecUndoInfo, n})
	}
	for range v.undoRecords() {
		dst = append(dst, endRecord{eselog.RecUndo, undoFixed + bm})
	}
	return dst
}

// endOfRecoveryRecords returns the records the engine logs between its
// RecoveryUndo2 and its ShutDownMark when recovery ends with the given
// sessions (ordered by procid, as the engine's session list is), from
// ErrLGRIEndAllSessions:
//
//  1. ErrLGEndAllSessionsMacro: a MacroAbort for every macro left open
//     (PIB::ErrAbortAllMacros), session by session;
//  2. ErrLGRIEndEverySession → ErrIsamEndSession → ErrIsamRollback with
//     JET_bitRollbackAll: for each session with a transaction open, level
//     by level from the deepest, the UndoInfo/Undo records of the level's
//     entries newest first (ErrVERRollback), then a Rollback of one level
//     (ErrDIRRollback → ErrLGRollback(ppib, 1)). Redo begins transactions
//     with VERBeginTransaction, so no Begin is deferred and every level
//     logs its Rollback, even one without operations.
//
// Then ErrINSTTerm → ErrIOTerm logs the ShutDownMark. The engine's buffer
// flushes in between (ErrBFFlush → ErrLGWaitForWrite(lgposMax)) do not pad
// the partial segment, so they move nothing. This assumes what an offline
// replay cannot see: that no page holding uncommitted data was evicted
// from the engine's cache during redo (an eviction in redo drops the
// undo-info link, and that record with it) and that no client commit
// context was attached to a rolled-back transaction.
func endOfRecoveryRecords(sessions []*session) []endRecord {
	var out []endRecord
	for _, s := range sessions {
		if s.macro != nil {
			out = append(out, endRecord{eselog.RecMacroAbort, macroAbortSize})
		}
	}
	for _, s := range sessions {
		if !s.open() {
			continue
		}
		for level := s.level; level >= 1; level-- {
			for i := len(s.versions) - 1; i >= 0; i-- {
				v := s.versions[i]
				if v.level != level || v.db == nil || v.db.store == nil || v.db.detached {
					continue
				}
				out = v.appendUndoLog(out)
			}
			out = append(out, endRecord{eselog.RecRollback, rollbackSize})
		}
	}
	return out
}
