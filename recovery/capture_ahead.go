package recovery

import (
	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
)

// Replay reads each log a little ahead of what it redoes so that it can
// leave out the before-image capture (captureVersion) of operations whose
// version entries nothing will ever read. An entry of session S is read
// only while it is in S's version store, and only by an Undo or UndoInfo
// record of S (redoUndo, applyUndoInfo), by the rollback of an Init
// record (endAllSessions(true)), or by the end of recovery (finish:
// endOfRecoveryRecords and the rollback); it leaves the store for good
// when S commits to level 0 (a Commit0, or a Commit with LevelCommitTo 0:
// session.commit(0)) or at a Term record of any form (every session ends
// without rollback). So an operation of S needs no capture when the
// records read ahead of it already hold such a commit of S or a Term, and
// no Undo or UndoInfo of S and no Init in between. Anything else — the
// end of S's transaction not yet read (the window ends, the log ends, the
// next log holds it), a rollback, an Undo — keeps the capture. The
// decision only ever drops entries that are never read, so replay's
// results are the same with or without it.

// txnMark follows one stretch of a session's records read ahead: from
// the first versioned operation or Undo read after the session's last
// commit to level 0 (or Term, Init) up to the next one.
type txnMark struct {
	procid uint16
	// ended: a commit to level 0 of the session, or a Term, was read.
	ended bool
	// needed: an Undo or UndoInfo of the session, or an Init, was read
	// before the end.
	needed bool
	// listed is scratch for txnMarks.compact.
	listed bool
}

// skip reports that the operations carrying m need no capture.
func (m *txnMark) skip(procid uint16) bool {
	return m != nil && m.ended && !m.needed && m.procid == procid
}

// txnMarks is the state of the read-ahead: the open mark of each session
// (by procid), kept across logs.
type txnMarks struct {
	cur  []*txnMark // indexed by procid, grown to the largest seen
	open []uint16   // procids that had a mark in cur (some since ended)
	live int        // marks in cur
	slab []txnMark
}

func (t *txnMarks) mark(procid uint16) *txnMark {
	if int(procid) >= len(t.cur) {
		t.cur = append(t.cur, make([]*txnMark, int(procid)+1-len(t.cur))...)
	}
	m := t.cur[procid]
	if m == nil {
		if len(t.slab) == cap(t.slab) {
			t.slab = make([]txnMark, 0, 256)
		}
		t.slab = append(t.slab, txnMark{procid: procid})
		m = &t.slab[len(t.slab)-1]
		t.cur[procid] = m
		if len(t.open) >= 64 && len(t.open) >= 2*t.live {
			t.compact()
		}
		t.open = append(t.open, procid)
		t.live++
	}
	return m
}

func (t *txnMarks) end(procid uint16) {
	if int(procid) < len(t.cur) && t.cur[procid] != nil {
		t.cur[procid].ended = true
		t.cur[procid] = nil
		t.live--
	}
}

// endAll ends every open mark; needed marks them needed first (Init).
func (t *txnMarks) endAll(needed bool) {
	for _, p := range t.open {
		if m := t.cur[p]; m != nil {
			m.needed = m.needed || needed
			m.ended = true
			t.cur[p] = nil
		}
	}
	t.open, t.live = t.open[:0], 0
}

// note reads one raw record ahead and returns the mark of a versioned
// node operation (nil for other records).
func (t *txnMarks) note(typ eselog.RecordType, b []byte) *txnMark {
	switch typ {
	case eselog.RecTerm, eselog.RecTerm2, eselog.RecRecoveryQuit, eselog.RecRecoveryQuit2, eselog.RecRecoveryQuitKeepAttachments:
		t.endAll(false)
		return nil
	case eselog.RecInit, eselog.RecInit2:
		t.endAll(true)
		return nil
	}
	if len(b) < 4 {
		// Too short to name its session (replay refuses such a record
		// anyway): an Undo or UndoInfo may be any session's.
		if typ == eselog.RecUndo || typ == eselog.RecUndoInfo {
			for _, p := range t.open {
				if m := t.cur[p]; m != nil {
					m.needed = true
				}
			}
		}
		return nil
	}
	procid := uint16(b[1]) | uint16(b[2])<<8 // Commit, Commit0, LRPAGE_: u16 procid at +1
	switch typ {
	case eselog.RecInsert, eselog.RecFlagInsert, eselog.RecFlagInsertAndReplaceData, eselog.RecReplace,
		eselog.RecReplaceD, eselog.RecFlagDelete, eselog.RecDelta, eselog.RecDelta64:
		return t.mark(procid)
	case eselog.RecUndo, eselog.RecUndoInfo:
		t.mark(procid).needed = true
	case eselog.RecCommit0:
		t.end(procid)
	case eselog.RecCommit:
		if b[3] == 0 { // LevelCommitTo
			t.end(procid)
		}
	}
	return nil
}

// compact drops the procids of ended marks from open (each procid once).
func (t *txnMarks) compact() {
	k := t.open[:0]
	for _, p := range t.open {
		if m := t.cur[p]; m != nil && !m.listed {
			m.listed = true
			k = append(k, p)
		}
	}
	for _, p := range k {
		t.cur[p].listed = false
	}
	t.open = k
}

// Bounds of the read-ahead window: records and bytes held.
const (
	aheadRecords = 1024
	aheadBytes   = 1 << 20
)

// aheadRec is one record read ahead: its type, position and bytes (in
// the reader's slab), and its mark.
type aheadRec struct {
	typ  eselog.RecordType
	pos  ese.LogPos
	b    []byte
	mark *txnMark
}

// aheadReader reads a log's records in windows of up to aheadRecords
// records (aheadBytes bytes), noting each in marks, and hands them out in
// order; an error of the reader is handed out where it occurred.
type aheadReader struct {
	rd    *eselog.Reader
	marks *txnMarks
	win   []aheadRec
	at    int // next record of win
	slab  []byte
	// err is the reader's error, handed out after the window's records.
	err error
	// one is the record handed out without a window.
	one aheadRec
}

// start begins reading rd, reusing the window's memory. With marks nil
// (no database is replayed, so nothing is captured) records are passed on
// as the reader gives them, without a window. A replay only ever turns
// marks on (a database created from the log), never off, so the marks
// never miss a record between two of theirs.
func (a *aheadReader) start(rd *eselog.Reader, marks *txnMarks) {
	a.rd, a.marks, a.err = rd, marks, nil
	a.win, a.slab, a.at = a.win[:0], a.slab[:0], 0
	if cap(a.slab) > 2*aheadBytes {
		a.slab = nil // a huge record made it grow
	}
}

// next returns the next record, valid until the next call (a pointer,
// so that no record is copied on its way), or the reader's error (io.EOF
// at the end).
func (a *aheadReader) next() (*aheadRec, error) {
	if a.marks == nil {
		raw, err := a.rd.NextRaw()
		if err != nil {
			return nil, err
		}
		a.one = aheadRec{typ: raw.Type, pos: raw.Pos, b: raw.Bytes}
		return &a.one, nil
	}
	if a.at == len(a.win) {
		if a.err == nil {
			a.fill()
		}
		if a.at == len(a.win) {
			return nil, a.err // stays: every later call gets it too
		}
	}
	q := &a.win[a.at]
	a.at++
	return q, nil
}

func (a *aheadReader) fill() {
	a.win, a.slab, a.at = a.win[:0], a.slab[:0], 0
	for len(a.win) < aheadRecords && len(a.slab) < aheadBytes {
		raw, err := a.rd.NextRaw()
		if err != nil {
			a.err = err
			return
		}
		// The slab may move when a record makes it grow: the records
		// before keep the old array, which nothing writes again.
		off := len(a.slab)
		a.slab = append(a.slab, raw.Bytes...)
		a.win = append(a.win, aheadRec{typ: raw.Type, pos: raw.Pos, b: a.slab[off:len(a.slab):len(a.slab)], mark: a.marks.note(raw.Type, raw.Bytes)})
	}
}

// readAhead returns the marks when some database is replayed (only then
// can anything be captured), nil otherwise (and always nil for the tests'
// RecoverOptions.captureAll).
func (rp *replayer) readAhead() *txnMarks {
	if rp.opts.captureAll {
		return nil
	}
	for _, db := range rp.dbs {
		if db.active {
			return &rp.marks
		}
	}
	return nil
}
