package recovery

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/dsnet/golib/memfile"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/redo"
)

// undoPage builds a store with one leaf page (pgno 3, dbtime 10) holding
// three nodes with keys "a", "b", "c" and 8-byte data.
func undoPage(t *testing.T) (*redo.PageStore, *dbRun) {
	return leafPageStore(t, func(p *redo.Page) error {
		for i, k := range []string{"a", "b", "c"} {
			data := make([]byte, 8)
			bin.PutU32(data, 0, uint32(100+i))
			if err := p.InsertNode(i, redo.Node{Suffix: []byte(k), Data: data}); err != nil {
				return err
			}
		}
		return nil
	})
}

// leafPageStore builds a store of 4 KiB pages with one leaf page (pgno 3,
// objid 7, dbtime 10) filled by fill, and a database run over it.
func leafPageStore(t *testing.T, fill func(p *redo.Page) error) (*redo.PageStore, *dbRun) {
	t.Helper()
	const ps = 4096
	s, err := redo.NewPageStore(memfile.New(make([]byte, 6*ps)), ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := s.GetNew(3)
	p.FormatPreInit(3, 7, 10)
	p.ConsumePreInit(ese.PageLeaf)
	if err := fill(p); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkDirty(3, p); err != nil {
		t.Fatal(err)
	}
	return s, &dbRun{store: s, maxDBTime: 10}
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
		if _, err := redo.RedoRecord(s, r, redo.RedoOptions{}); err != nil {
			t.Fatalf("%v: %v", r.Type(), err)
		}
		sess.versions = append(sess.versions, v)
		db.note(r.Node().DBTime(), 0)
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
		if n.Flags&redo.NodeDeleted != 0 {
			t.Errorf("line %d still deleted", i)
		}
	}
	if f, _ := p.LineFlags(3); f&redo.NodeDeleted == 0 {
		t.Error("the inserted node is not deleted")
	}
	if p.DBTime() != 18 || db.maxDBTime != 18 {
		t.Errorf("page dbtime %d, max %d; want 18 (14 + four undone operations)", p.DBTime(), db.maxDBTime)
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
	if n, _ := p.Node(1); !bytes.Equal(n.Data, before) || p.DBTime() != 11 {
		t.Errorf("after Undo: data %q dbtime %d", n.Data, p.DBTime())
	}
	if len(sess.versions) != 0 {
		t.Error("entry not consumed")
	}
	undo2 := &eselog.Undo{NodeHeader: nodeHdr(eselog.RecUndo, 0, 12), Oper: eselog.OperReplace, BookmarkKey: []byte("a")}
	if _, err := sess.redoUndo(s, db, undo2, false); !errors.Is(err, ErrUndoUnsafe) {
		t.Errorf("Undo without an entry: %v", err)
	}
}

// TestEndOfRecoveryRecordsOrder builds the sessions the engine would end
// and checks the records it logs for them, in order, with their sizes
// (eselog's fixed sizes: MacroAbort 11, UndoInfo 56, Undo 51, Rollback 4,
// plus bookmark and before-image bytes): session 3's open macro is aborted
// first; session 5, open at level 2, rolls back its level-2 Replace (page
// redone: UndoInfo with its 8-byte before-image, then Undo) and a level-2
// Rollback, then its level-1 Insert (Undo) and a level-1 Rollback; a
// FlagInsertAndReplaceData is two Undo records after its UndoInfo; an
// entry whose UndoInfo record was replayed logs no second UndoInfo.
func TestEndOfRecoveryRecordsOrder(t *testing.T) {
	db := &dbRun{store: new(redo.PageStore)}
	ins := &version{db: db, op: eselog.RecInsert, level: 1, key: []byte("k1")}
	rep := &version{db: db, op: eselog.RecReplace, level: 2, key: []byte("k22"), before: make([]byte, 8), undoInfo: true}
	s3 := &session{procid: 3, macro: &macro{dbtime: 9}}
	s5 := &session{procid: 5, level: 2, afterFirstBegin0: true, versions: []*version{ins, rep}}
	got := endOfRecoveryRecords([]*session{s3, s5})
	want := []endRecord{
		{eselog.RecMacroAbort, 11},
		{eselog.RecUndoInfo, 56 + 3 + 8}, {eselog.RecUndo, 51 + 3}, {eselog.RecRollback, 4},
		{eselog.RecUndo, 51 + 2}, {eselog.RecRollback, 4},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	fiard := &version{db: db, op: eselog.RecFlagInsertAndReplaceData, level: 1, key: []byte("k"), bmData: []byte("pk"), before: make([]byte, 5), undoInfo: true}
	if got := fiard.appendUndoLog(nil); fmt.Sprint(got) != fmt.Sprint([]endRecord{{eselog.RecUndoInfo, 56 + 3 + 5}, {eselog.RecUndo, 54}, {eselog.RecUndo, 54}}) || fiard.undoRecords() != 2 {
		t.Errorf("FlagInsertAndReplaceData: %v", got)
	}
	// A replayed UndoInfo for the entry unlinks it (BFRemoveUndoInfo).
	sess := &session{procid: 5, level: 2, afterFirstBegin0: true, versions: []*version{{db: db, op: eselog.RecReplace, rceid: 7, pgnoFDP: 3, level: 2, key: []byte("k"), undoInfo: true}}}
	sess.applyUndoInfo(db, &eselog.UndoInfo{NodeHeader: eselog.NodeHeader{RCEID: 7, PgnoFDP: 3}, Oper: eselog.OperReplace, BookmarkKey: []byte("k"), Data: []byte("old")})
	if v := sess.versions[0]; v.undoInfo || !v.haveBefore || string(v.before) != "old" {
		t.Errorf("after UndoInfo: %+v", v)
	}
}

// TestLogTailPlacement places end-of-recovery records with the writer
// model: a RecoveryUndo2 in a fresh segment at (g,s,0) and the next record
// at 0x31; a record that does not fit in fewer than 32 remaining bytes
// keeps the position of the NOP run and lands in the next segment; one
// that does not fit in 32 or more is fragmented (7-byte FragmentBegin,
// 3-byte Fragment after the next segment header); the last data segment
// rolls over to the next generation's first data segment; a legacy log
// runs records on across 512-byte sectors after a 22-byte LRCHECKSUM.
func TestLogTailPlacement(t *testing.T) {
	tail := logTail{End: ese.LogPos{Generation: 5, Sector: 3}, FileSectors: 128, HeaderSectors: 1}
	undo, sd := tail.endPositions(true, nil)
	if undo != (ese.LogPos{Generation: 5, Sector: 3}) || sd != (ese.LogPos{Generation: 5, Sector: 3, Offset: 0x31}) {
		t.Errorf("nothing between: %v %v", undo, sd)
	}
	// 40+9 = 49; 4000 more reach 4049, 47 bytes left: a 60-byte record
	// is fragmented at 4049 (7 + 40 bytes here, 20 after the next
	// segment's header and a Fragment header: ends at 40+3+20 = 63).
	_, sd = tail.endPositions(true, []endRecord{{eselog.RecUndo, 4000}, {eselog.RecUndo, 60}})
	if sd != (ese.LogPos{Generation: 5, Sector: 4, Offset: 63}) {
		t.Errorf("fragment: %v", sd)
	}
	// 49 + 4030 = 4079, 17 bytes left: a 51-byte Undo pads with NOPs and
	// starts at 40 of the next segment; the shutdown mark follows at 91.
	_, sd = tail.endPositions(true, []endRecord{{eselog.RecUndo, 4030}, {eselog.RecUndo, 51}})
	if sd != (ese.LogPos{Generation: 5, Sector: 4, Offset: 91}) {
		t.Errorf("NOP run: %v", sd)
	}
	w := segmentWriter{gen: 5, sec: 126, first: 1, lastData: 126}
	w.place(4056)
	if at := w.place(1); at != (ese.LogPos{Generation: 6, Sector: 1}) {
		t.Errorf("rollover: %v", at)
	}
	legacy := logTail{End: ese.LogPos{Generation: 2, Sector: 1, Offset: 500}, Legacy: true, SectorSize: 512}
	undo, sd = legacy.endPositions(true, []endRecord{{eselog.RecRollback, 4}})
	if undo != (ese.LogPos{Generation: 2, Sector: 2, Offset: 10}) || sd != (ese.LogPos{Generation: 2, Sector: 2, Offset: 23}) {
		t.Errorf("legacy: %v %v", undo, sd)
	}
}
