package recovery

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/redo"
)

// prefixPage builds a store with one leaf page (pgno 3, dbtime 10) whose
// external header (the key prefix) is "PFX-" and whose nodes share its
// first 4 bytes: keys "PFX-a", "PFX-b", "PFX-c" stored as prefix count 4
// and suffixes "a", "b", "c", data "data-0".."data-2"; line 3 is key "z"
// with no prefix.
func prefixPage(t *testing.T) (*redo.PageStore, *dbRun) {
	return leafPageStore(t, func(p *redo.Page) error {
		if err := p.SetExternalHeaderBytes([]byte("PFX-")); err != nil {
			return err
		}
		for i, k := range []string{"a", "b", "c"} {
			if err := p.InsertNode(i, redo.Node{PrefixLen: 4, Suffix: []byte(k), Data: fmt.Appendf(nil, "data-%d", i)}); err != nil {
				return err
			}
		}
		return p.InsertNode(3, redo.Node{Suffix: []byte("z"), Data: []byte("zdata")})
	})
}

// entryString prints every field of a version entry.
func entryString(v *version) string {
	if v == nil {
		return "<nil>"
	}
	return fmt.Sprintf("op %v at %v pgno %d fdp %d rceid %d level %d iline %d key %q/%v bm %q before %q/%v delta %d@%d/%v undoInfo %v",
		v.op, v.at, v.pgno, v.pgnoFDP, v.rceid, v.level, v.iline, v.key, v.keyKnown, v.bmData, v.before, v.haveBefore,
		v.delta, v.offset, v.is64, v.undoInfo)
}

// TestCaptureArenaSameEntries: the session's arena capture gives the same
// entries as captureVersion for every versioned operation, on a page
// whose nodes take 4 key bytes from the page's prefix: the key of a
// Replace rebuilt from the page is Page.Key's ("PFX-b"), a non-unique
// tree's bookmark data is the node's data, a replace's before-image is
// the node's data; a page already past the record gives no before-image
// and, for a Replace, no key.
func TestCaptureArenaSameEntries(t *testing.T) {
	s, db := prefixPage(t)
	hdr := func(typ eselog.RecordType, iline int, after uint64, unique bool) eselog.NodeHeader {
		h := nodeHdr(typ, iline, after)
		if !unique {
			h.Flags &^= eselog.NodeUnique
		}
		return h
	}
	recs := []eselog.NodeRecord{
		&eselog.Replace{NodeHeader: hdr(eselog.RecReplace, 1, 11, false), CbOldData: 6, CbNewData: 6, Payload: []byte("DATA-1")},
		&eselog.Replace{NodeHeader: hdr(eselog.RecReplaceD, 0, 11, true), CbOldData: 6, CbNewData: 6},
		&eselog.Replace{NodeHeader: hdr(eselog.RecReplace, 3, 11, false), CbOldData: 5, CbNewData: 5, Payload: []byte("ZDATA")},
		&eselog.Replace{NodeHeader: hdr(eselog.RecReplace, 2, 9, true), CbOldData: 6, CbNewData: 6, Payload: []byte("DATA-2")},
		&eselog.FlagDelete{NodeHeader: hdr(eselog.RecFlagDelete, 2, 12, false)},
		&eselog.Delta{NodeHeader: hdr(eselog.RecDelta, 0, 13, true), Delta: -3, Offset: 1, BookmarkKey: []byte("PFX-a")},
		&eselog.Insert{NodeHeader: hdr(eselog.RecInsert, 4, 14, false), KeyPrefix: []byte("PFX-"), KeySuffix: []byte("d"), Data: []byte("dd")},
		&eselog.FlagInsert{NodeHeader: hdr(eselog.RecFlagInsert, 1, 15, false), Key: []byte("PFX-b"), Data: []byte("data-1")},
		&eselog.FlagInsertAndReplaceData{NodeHeader: hdr(eselog.RecFlagInsertAndReplaceData, 2, 16, true), Key: []byte("PFX-c"), Data: []byte("new")},
	}
	want := []string{
		`op Replace at (0x0,0,0) pgno 3 fdp 3 rceid 11 level 2 iline 1 key "PFX-b"/true bm "data-1" before "data-1"/true delta 0@0/false undoInfo true`,
		`op ReplaceD at (0x0,0,0) pgno 3 fdp 3 rceid 11 level 2 iline 0 key "PFX-a"/true bm "" before "data-0"/true delta 0@0/false undoInfo true`,
		`op Replace at (0x0,0,0) pgno 3 fdp 3 rceid 11 level 2 iline 3 key "z"/true bm "zdata" before "zdata"/true delta 0@0/false undoInfo true`,
		`op Replace at (0x0,0,0) pgno 3 fdp 3 rceid 9 level 2 iline 2 key ""/false bm "" before ""/false delta 0@0/false undoInfo false`,
		`op FlagDelete at (0x0,0,0) pgno 3 fdp 3 rceid 12 level 2 iline 2 key "PFX-c"/true bm "data-2" before ""/true delta 0@0/false undoInfo true`,
		`op Delta at (0x0,0,0) pgno 3 fdp 3 rceid 13 level 2 iline 0 key "PFX-a"/true bm "" before ""/true delta -3@1/false undoInfo false`,
		`op Insert at (0x0,0,0) pgno 3 fdp 3 rceid 14 level 2 iline 4 key "PFX-d"/true bm "dd" before ""/true delta 0@0/false undoInfo false`,
		`op FlagInsert at (0x0,0,0) pgno 3 fdp 3 rceid 15 level 2 iline 1 key "PFX-b"/true bm "data-1" before ""/true delta 0@0/false undoInfo false`,
		`op FlagInsertAndReplaceData at (0x0,0,0) pgno 3 fdp 3 rceid 16 level 2 iline 2 key "PFX-c"/true bm "" before "data-2"/true delta 0@0/false undoInfo true`,
	}
	p, _ := s.Get(3)
	if k, err := p.Key(1); err != nil || string(k) != "PFX-b" {
		t.Fatalf("Page.Key(1) = %q %v", k, err)
	}
	sess := &session{procid: 9, level: 2, afterFirstBegin0: true}
	for i, r := range recs {
		heap, err := captureVersion(s, db, r, 2)
		if err != nil {
			t.Fatalf("%v: %v", r.Type(), err)
		}
		arena, err := sess.capture(s, db, r)
		if err != nil {
			t.Fatalf("%v: %v", r.Type(), err)
		}
		if got := entryString(heap); got != want[i] {
			t.Errorf("record %d captureVersion:\n got %s\nwant %s", i, got, want[i])
		}
		if got := entryString(arena); got != want[i] {
			t.Errorf("record %d arena:\n got %s\nwant %s", i, got, want[i])
		}
		// The entry's bytes are copies, capped to their length.
		if arena != nil && len(arena.before) > 0 {
			if n, _ := p.Node(arena.iline); &n.Data[0] == &arena.before[0] {
				t.Errorf("record %d: before-image aliases the page", i)
			}
			if cap(arena.before) != len(arena.before) || cap(arena.key) != len(arena.key) {
				t.Errorf("record %d: arena slices not capped (%d/%d, %d/%d)", i, len(arena.key), cap(arena.key), len(arena.before), cap(arena.before))
			}
		}
	}
}

// TestCaptureArenaReuseAfterCommit: a committed transaction's entries and
// bytes are reused by the next one (the arena's buffer is the same
// memory), and the rollback of that next transaction at the end still
// restores its own before-images: line 0 keeps the committed change,
// lines 1 and 2 get their data back, the nested level's rolled-back
// Replace of line 2 leaves its entry out. An UndoInfo record's bytes go
// to the arena too and survive until the outermost commit.
func TestCaptureArenaReuseAfterCommit(t *testing.T) {
	s, db := prefixPage(t)
	sess := &session{procid: 9}
	begin := func(from, n uint8) {
		if err := sess.begin(&eselog.Begin{Procid: 9, LevelBeginFrom: from, LevelsToBegin: n}, from == 0); err != nil {
			t.Fatal(err)
		}
	}
	redo := func(iline int, after uint64, data string) {
		t.Helper()
		r := &eselog.Replace{NodeHeader: nodeHdr(eselog.RecReplace, iline, after), CbOldData: 6, CbNewData: 6, Payload: []byte(data)}
		v, err := sess.capture(s, db, r)
		if err != nil || v == nil {
			t.Fatalf("capture: %v %v", v, err)
		}
		if _, err := redo.RedoRecord(s, r, redo.RedoOptions{}); err != nil {
			t.Fatal(err)
		}
		sess.versions = append(sess.versions, v)
		db.note(after, 0)
	}
	begin(0, 1)
	redo(0, 11, "AAAAAA")
	redo(0, 12, "BBBBBB")
	first := &sess.arena.buf[0]
	sess.commit(0)
	if len(sess.versions) != 0 || len(sess.arena.buf) != 0 || len(sess.arena.pool) != 0 {
		t.Fatalf("after commit: %d entries, %d arena bytes, %d pooled", len(sess.versions), len(sess.arena.buf), len(sess.arena.pool))
	}
	begin(0, 1)
	redo(1, 13, "CCCCCC")
	if &sess.arena.buf[0] != first {
		t.Error("the next transaction did not reuse the arena's memory")
	}
	begin(1, 1)
	redo(2, 14, "DDDDDD")
	sess.rollback(1) // its page change was undone by logged Undo records
	// A Replace whose page was already newer gets its before-image from
	// an UndoInfo record.
	p, _ := s.Get(3)
	old := p.DBTime()
	p.SetDBTime(20)
	rep := &eselog.Replace{NodeHeader: nodeHdr(eselog.RecReplace, 2, 19), CbOldData: 6, CbNewData: 6, Payload: []byte("EEEEEE")}
	v, err := sess.capture(s, db, rep)
	if err != nil || v.haveBefore {
		t.Fatalf("capture on a newer page: %+v %v", v, err)
	}
	sess.versions = append(sess.versions, v)
	p.SetDBTime(old)
	sess.applyUndoInfo(db, &eselog.UndoInfo{NodeHeader: nodeHdr(eselog.RecUndoInfo, 2, 19), Oper: eselog.OperReplace,
		BookmarkKey: []byte("PFX-c"), Data: []byte("data-2")})
	n, _ := p.Node(2)
	copy(n.Data, "EEEEEE") // the replace as it is on disk

	if len(sess.versions) != 2 {
		t.Fatalf("%d entries, want 2", len(sess.versions))
	}
	if _, err := sess.rollbackSession(); err != nil {
		t.Fatal(err)
	}
	p, _ = s.Get(3)
	for i, want := range []string{"BBBBBB", "data-1", "data-2"} {
		if n, _ := p.Node(i); !bytes.Equal(n.Data, []byte(want)) {
			t.Errorf("line %d: %q, want %q", i, n.Data, want)
		}
	}
	if len(sess.arena.buf) != 0 {
		t.Errorf("rollback left %d arena bytes", len(sess.arena.buf))
	}
}

// TestCaptureAheadMarks: the read-ahead leaves out the capture of a
// versioned operation only when the records after it hold its session's
// commit to level 0 (Commit0, Commit with LevelCommitTo 0) or a Term,
// with no Undo or UndoInfo of that session and no Init before it. The
// records are the encoders' own bytes.
func TestCaptureAheadMarks(t *testing.T) {
	op := func(procid uint16) eselog.Record {
		h := nodeHdr(eselog.RecReplaceD, 0, 11)
		h.Procid = procid
		return &eselog.Replace{NodeHeader: h, CbOldData: 1, CbNewData: 1, Payload: []byte{0}}
	}
	commit0 := func(procid uint16) eselog.Record {
		return &eselog.Commit0{Commit: eselog.Commit{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecCommit0}, Procid: procid}}
	}
	commit := func(procid uint16, to uint8) eselog.Record {
		return &eselog.Commit{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecCommit}, Procid: procid, LevelCommitTo: to}
	}
	undo := func(procid uint16) eselog.Record {
		h := nodeHdr(eselog.RecUndo, 0, 12)
		h.Procid = procid
		return &eselog.Undo{NodeHeader: h}
	}
	undoInfo := func(procid uint16) eselog.Record {
		h := nodeHdr(eselog.RecUndoInfo, 0, 12)
		h.Procid = procid
		return &eselog.UndoInfo{NodeHeader: h}
	}
	life := func(typ eselog.RecordType) eselog.Record {
		return &eselog.Term{RecordBase: eselog.RecordBase{Lrtyp: typ}}
	}
	initRec := &eselog.Init{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecInit2}}
	cases := []struct {
		name string
		recs []eselog.Record
		skip bool // for the first record (an operation of session 1)
	}{
		{"Commit0", []eselog.Record{op(1), op(2), op(1), commit0(1)}, true},
		{"Commit to 0", []eselog.Record{op(1), commit(1, 1), commit(1, 0)}, true},
		{"Commit to 1 only", []eselog.Record{op(1), commit(1, 1)}, false},
		{"Term2", []eselog.Record{op(1), life(eselog.RecTerm2)}, true},
		{"RecoveryQuitKeepAttachments", []eselog.Record{op(1), life(eselog.RecRecoveryQuitKeepAttachments)}, true},
		{"open at the end", []eselog.Record{op(1), op(1)}, false},
		{"another session commits", []eselog.Record{op(1), commit0(2)}, false},
		{"Undo before the commit", []eselog.Record{op(1), undo(1), commit0(1)}, false},
		{"UndoInfo before the commit", []eselog.Record{op(1), undoInfo(1), commit0(1)}, false},
		{"UndoInfo before the operation", []eselog.Record{undoInfo(1), op(1), commit0(1)}, false},
		{"Undo of another session", []eselog.Record{op(1), undo(2), commit0(1)}, true},
		{"Init", []eselog.Record{op(1), initRec, commit0(1)}, false},
		{"Undo after the commit", []eselog.Record{op(1), commit0(1), undo(1)}, true},
	}
	for _, c := range cases {
		var tm txnMarks
		var marks []*txnMark
		for _, r := range c.recs {
			b := r.AppendEncode(nil)
			marks = append(marks, tm.note(r.Type(), b))
		}
		if got := marks[0].skip(1); got != c.skip {
			t.Errorf("%s: skip %v, want %v", c.name, got, c.skip)
		}
		if marks[0].skip(2) {
			t.Errorf("%s: the mark of session 1 skips an operation of session 2", c.name)
		}
	}
	// Many short transactions keep the list of open sessions short.
	var tm txnMarks
	for i := range 10000 {
		p := uint16(i % 7)
		tm.note(eselog.RecReplaceD, op(p).AppendEncode(nil))
		tm.note(eselog.RecCommit0, commit0(p).AppendEncode(nil))
	}
	if len(tm.open) > 128 || tm.live != 0 {
		t.Errorf("%d procids listed, %d live after 10000 committed transactions", len(tm.open), tm.live)
	}
}
