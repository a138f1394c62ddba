package recovery

import (
	"bytes"
	"errors"
	"testing"

	"github.com/dsnet/golib/memfile"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/bin"
)

// undoPage builds a store with one leaf page (pgno 3, dbtime 10) holding
// three nodes with keys "a", "b", "c" and 8-byte data.
func undoPage(t *testing.T) (*PageStore, *dbRun) {
	t.Helper()
	const ps = 4096
	s, err := NewPageStore(memfile.New(make([]byte, 6*ps)), ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := s.GetNew(3)
	p.FormatPreInit(3, 7, 10)
	p.ConsumePreInit(ese.PageLeaf)
	for i, k := range []string{"a", "b", "c"} {
		data := make([]byte, 8)
		bin.PutU32(data, 0, uint32(100+i))
		if err := p.InsertNode(i, Node{Suffix: []byte(k), Data: data}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.MarkDirty(3, p); err != nil {
		t.Fatal(err)
	}
	return s, &dbRun{store: s, maxDbTime: 10}
}

func nodeHdr(t eselog.RecordType, iline int, after uint64) eselog.NodeHeader {
	return eselog.NodeHeader{PageHeader: eselog.PageHeader{RecordBase: eselog.RecordBase{Lrtyp: t}, Procid: 9, Dbid: 1,
		PageNumber: 3, After: after, Before: after - 1, Level: 1, Line: uint16(iline), Flags: eselog.NodeVersioned | eselog.NodeUnique},
		RCEID: uint32(after), PgnoFDP: 3, ObjidFDP: 7}
}

// TestUndoEachOperation redoes a versioned Replace, FlagDelete, Delta and
// Insert inside one transaction, capturing their version entries as
// replay does, then rolls the transaction back: every node is as before
// (the insert becomes a deleted node), and each undone page gets a dbtime
// past the database's highest.
func TestUndoEachOperation(t *testing.T) {
	s, db := undoPage(t)
	p, _ := s.Get(3)
	orig := map[int][]byte{}
	for i := 0; i < 3; i++ {
		n, _ := p.Node(i)
		orig[i] = bytes.Clone(n.Data)
	}
	sess := &session{procid: 9, level: 1, afterFirstBegin0: true}
	newData := []byte("12345678")
	recs := []eselog.NodeRecord{
		&eselog.Replace{NodeHeader: nodeHdr(eselog.RecReplace, 0, 11), CbOldData: 8, CbNewData: 8, Payload: newData},
		&eselog.FlagDelete{NodeHeader: nodeHdr(eselog.RecFlagDelete, 1, 12)},
		&eselog.Delta{NodeHeader: nodeHdr(eselog.RecDelta, 2, 13), Delta: 5, Offset: 0, BookmarkKey: []byte("c")},
		&eselog.Insert{NodeHeader: nodeHdr(eselog.RecInsert, 3, 14), KeySuffix: []byte("d"), Data: []byte("zz")},
	}
	for _, r := range recs {
		v, err := captureVersion(s, db, r, sess.level)
		if err != nil || v == nil {
			t.Fatalf("%v: capture %v %v", r.Type(), v, err)
		}
		if _, err := RedoRecord(s, r, RedoOptions{}); err != nil {
			t.Fatalf("%v: %v", r.Type(), err)
		}
		sess.versions = append(sess.versions, v)
		db.note(r.Node().DbTime(), 0)
	}
	p, _ = s.Get(3)
	if n, _ := p.Node(2); bin.U32(n.Data, 0) != 107 {
		t.Fatalf("delta not applied: %d", bin.U32(n.Data, 0))
	}
	touched, err := sess.rollbackSession()
	if err != nil {
		t.Fatal(err)
	}
	if !touched[db] || sess.level != 0 || len(sess.versions) != 0 {
		t.Errorf("touched %v, level %d, %d entries left", touched, sess.level, len(sess.versions))
	}
	p, _ = s.Get(3)
	if p.Lines() != 4 {
		t.Fatalf("%d lines", p.Lines())
	}
	for i := 0; i < 3; i++ {
		n, _ := p.Node(i)
		if !bytes.Equal(n.Data, orig[i]) {
			t.Errorf("line %d: data %x, before %x", i, n.Data, orig[i])
		}
		if n.Flags&NodeDeleted != 0 {
			t.Errorf("line %d still deleted", i)
		}
	}
	if f, _ := p.LineFlags(3); f&NodeDeleted == 0 {
		t.Error("the inserted node is not deleted")
	}
	if p.DbTime() != 18 || db.maxDbTime != 18 {
		t.Errorf("page dbtime %d, max %d; want 18 (14 + four undone operations)", p.DbTime(), db.maxDbTime)
	}
}

// TestUndoRecordAndUndoInfo: an UndoInfo record supplies the before-image
// of a replace whose page was already newer; an Undo record then undoes it
// (page older than the Undo) and consumes the entry; an Undo without an
// entry on a page that needs it is refused.
func TestUndoRecordAndUndoInfo(t *testing.T) {
	s, db := undoPage(t)
	sess := &session{procid: 9, level: 1, afterFirstBegin0: true}
	// The replace at dbtime 9 is already on the page (dbtime 10): no
	// before-image from the page.
	rep := &eselog.Replace{NodeHeader: nodeHdr(eselog.RecReplace, 1, 9), CbOldData: 8, CbNewData: 8, Payload: make([]byte, 8)}
	v, err := captureVersion(s, db, rep, 1)
	if err != nil || v.haveBefore {
		t.Fatalf("capture: %+v %v", v, err)
	}
	sess.versions = append(sess.versions, v)
	before := []byte("BEFORE!!")
	sess.applyUndoInfo(db, &eselog.UndoInfo{NodeHeader: nodeHdr(eselog.RecUndoInfo, 1, 9), Oper: eselog.OperReplace,
		BookmarkKey: []byte("b"), Data: before})
	if !v.haveBefore || !bytes.Equal(v.before, before) {
		t.Fatal("UndoInfo did not fill the entry")
	}
	undo := &eselog.Undo{NodeHeader: nodeHdr(eselog.RecUndo, 1, 11), Oper: eselog.OperReplace, BookmarkKey: []byte("b")}
	undo.RCEID = 9
	changed, err := sess.redoUndo(s, db, undo, false)
	if err != nil || !changed {
		t.Fatalf("Undo: %v %v", changed, err)
	}
	p, _ := s.Get(3)
	if n, _ := p.Node(1); !bytes.Equal(n.Data, before) || p.DbTime() != 11 {
		t.Errorf("after Undo: data %q dbtime %d", n.Data, p.DbTime())
	}
	if len(sess.versions) != 0 {
		t.Error("entry not consumed")
	}
	undo2 := &eselog.Undo{NodeHeader: nodeHdr(eselog.RecUndo, 0, 12), Oper: eselog.OperReplace, BookmarkKey: []byte("a")}
	if _, err := sess.redoUndo(s, db, undo2, false); !errors.Is(err, ErrUndoUnsafe) {
		t.Errorf("Undo without an entry: %v", err)
	}
}
