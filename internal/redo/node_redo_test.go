package redo

import (
	"bytes"
	"errors"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/bin"
)

func TestNeedRedoGate(t *testing.T) {
	p := newEmptyTestPage(t, 8192) // dbtime 5
	cases := []struct {
		after, before uint64
		future        bool
		redo          bool
		err           error
	}{
		{6, 5, false, true, nil},
		{5, 4, true, false, nil}, // page already has this change
		{4, 3, true, false, nil},
		{5, 4, false, false, ese.ErrDBTimeBeyondMaxRequired}, // newer page outside the required range
		{9, 7, false, false, ese.ErrDBTimeTooOld},            // page 5 < before 7: a lost flush
		{9, 3, true, false, ese.ErrDBTimeTooNew},             // before 3 < page 5 < after 9
		{9, eselog.DBTimeNil, false, true, nil},
	}
	for _, c := range cases {
		redo, err := NeedRedo(p, 7, c.after, c.before, c.future)
		if redo != c.redo || !errors.Is(err, c.err) || (c.err == nil && err != nil) {
			t.Errorf("after %d before %d: redo %v err %v, want %v %v", c.after, c.before, redo, err, c.redo, c.err)
		}
		var me *DBTimeMismatchError
		if c.err != nil && (!errors.As(err, &me) || me.OnPage != 5 || me.Pgno != 7) {
			t.Errorf("after %d before %d: error %v lacks details", c.after, c.before, err)
		}
	}
}

// TestRedoNodeOps runs each node redo on a small page and checks the
// resulting nodes, flags, dbtime and free-space accounting.
func TestRedoNodeOps(t *testing.T) {
	for _, size := range []int{4096, 32768} {
		p := newEmptyTestPage(t, size)
		free0 := p.FreeBytes()
		dbt := uint64(5)
		op := func(iline int, versioned bool) RedoOp {
			dbt++
			return RedoOp{Pgno: 7, DBTime: dbt, DBTimeBefore: dbt - 1, ILine: iline, Versioned: versioned}
		}
		mustRedo := func(ok bool, err error) {
			t.Helper()
			if err != nil || !ok {
				t.Fatalf("size %d: redo not applied: %v", size, err)
			}
		}
		mustRedo(RedoSetExternalHeader(p, op(0, false), []byte("prefix")))
		mustRedo(RedoInsert(p, op(0, true), 0, []byte("b"), []byte("second")))
		mustRedo(RedoInsert(p, op(0, false), 3, []byte("a"), []byte("first")))
		if k, _ := p.Key(0); string(k) != "prea" {
			t.Errorf("size %d: key of line 0 = %q, want prea", size, k)
		}
		if f, _ := p.LineFlags(1); f != NodeVersioned {
			t.Errorf("size %d: versioned insert flags %#x", size, f)
		}
		// Node sizes: 2+1+6 = 9 and 2+2+1+5 = 10 bytes, plus two tags and
		// the 6-byte external header.
		if got, want := p.FreeBytes(), free0-6-9-10-8; got != want {
			t.Errorf("size %d: free %d, want %d", size, got, want)
		}
		mustRedo(RedoFlagDelete(p, op(1, false)))
		if f, _ := p.LineFlags(1); f != NodeVersioned|NodeDeleted {
			t.Errorf("size %d: flag-delete flags %#x", size, f)
		}
		mustRedo(RedoFlagInsertAndReplaceData(p, op(1, false), []byte("SECOND-longer")))
		n, _ := p.Node(1)
		if n.Flags != NodeVersioned || string(n.Data) != "SECOND-longer" || string(n.Suffix) != "b" {
			t.Errorf("size %d: after FlagInsertAndReplaceData: %+v", size, n)
		}
		mustRedo(RedoReplace(p, op(0, false), []byte{1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0}))
		mustRedo(RedoDelta(p, op(0, true), 0, 41))
		mustRedo(RedoDelta64(p, op(0, false), 4, 2))
		n, _ = p.Node(0)
		if bin.U32(n.Data, 0) != 42 || bin.U64(n.Data, 4) != 1<<32|1 || n.Flags != NodeCompressed|NodeVersioned || n.PrefixLen != 3 {
			t.Errorf("size %d: after deltas: %x flags %#x", size, n.Data, n.Flags)
		}
		mustRedo(RedoReplaceD(p, op(0, false), func(old []byte) ([]byte, error) {
			return append(old[:4:4], 'x'), nil
		}))
		n, _ = p.Node(0)
		if !bytes.Equal(n.Data, []byte{42, 0, 0, 0, 'x'}) {
			t.Errorf("size %d: after ReplaceD data %x", size, n.Data)
		}
		mustRedo(RedoFlagDelete(p, op(0, false)))
		mustRedo(RedoFlagInsert(p, op(0, false)))
		if f, _ := p.LineFlags(0); f != NodeCompressed|NodeVersioned {
			t.Errorf("size %d: after FlagInsert flags %#x", size, f)
		}
		mustRedo(RedoDelete(p, op(0, false)))
		mustRedo(RedoDelete(p, op(0, false)))
		if p.Lines() != 0 || p.DBTime() != dbt {
			t.Errorf("size %d: %d lines, dbtime %d (want %d)", size, p.Lines(), p.DBTime(), dbt)
		}
		// Deleted space in the middle of the data area stays a gap: only
		// FreeBytes gets it back.
		if p.FreeBytes() != free0-6 || p.FirstFreeByte() != 25 {
			t.Errorf("size %d: after deleting all: free %d mic %d", size, p.FreeBytes(), p.FirstFreeByte())
		}
		if err := p.Check(); err != nil {
			t.Error(err)
		}
		// Replaying an old record changes nothing while the database may
		// hold data from later logs, and is an error otherwise.
		if ok, err := RedoInsert(p, RedoOp{DBTime: 6, DBTimeBefore: 5, MayContainFutureData: true}, 0, []byte("z"), nil); ok || err != nil {
			t.Errorf("size %d: old record redone: %v %v", size, ok, err)
		}
		if _, err := RedoInsert(p, RedoOp{DBTime: 6, DBTimeBefore: 5}, 0, []byte("z"), nil); !errors.Is(err, ese.ErrDBTimeBeyondMaxRequired) {
			t.Errorf("size %d: old record outside the required range: %v", size, err)
		}
		// A prefix longer than the new external header is refused.
		mustRedo(RedoInsert(p, op(0, false), 6, nil, []byte("d")))
		if _, err := RedoSetExternalHeader(p, op(0, false), []byte("pre")); !errors.Is(err, ese.ErrDatabaseCorrupted) {
			t.Errorf("size %d: short external header: %v", size, err)
		}
		dbt--
		// Bad lines and counters are errors, not panics.
		if _, err := RedoDelete(p, op(5, false)); !errors.Is(err, ese.ErrDatabaseCorrupted) {
			t.Errorf("size %d: delete of missing line: %v", size, err)
		}
		dbt--
		if _, err := RedoDelta(p, op(0, false), 100, 1); !errors.Is(err, ese.ErrLogCorrupted) {
			t.Errorf("size %d: delta outside data: %v", size, err)
		}
	}
}

// TestSpaceRoots builds the three root pages of a multiple-extent tree and
// a single-extent root, with the values the real database root of
// appdata/IndexedDB.edb carries (page 1: cpgPrimary 46, OE root 2).
func TestSpaceRoots(t *testing.T) {
	fp := FDPParams{PgnoFDP: 1, Objid: 1, DBTime: 9, CpgPrimary: 46, Unique: true, PgnoOE: 2, PgnoAE: 3}
	mk := func() *Page {
		p, _ := NewPage(make([]byte, 32768))
		return p
	}
	root := mk()
	if err := RedoCreateMultipleExtentFDPRoot(root, fp); err != nil {
		t.Fatal(err)
	}
	h, _ := root.ExternalHeader()
	if want := []byte{46, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0}; !bytes.Equal(h, want) {
		t.Errorf("root external header %x, want %x", h, want)
	}
	if root.Flags() != ese.PageRoot|ese.PageLeaf|ese.PageNewRecordFormat || root.TagCount() != 1 || root.FreeBytes() != 32768-80-4-16 {
		t.Errorf("root flags %v tags %d free %d", root.Flags(), root.TagCount(), root.FreeBytes())
	}
	for _, avail := range []bool{false, true} {
		p := mk()
		if err := RedoCreateSpaceTreeRoot(p, fp, avail); err != nil {
			t.Fatal(err)
		}
		n, err := p.Node(0)
		if err != nil {
			t.Fatal(err)
		}
		want := uint32(46)
		if avail {
			want = 43
		}
		if !bytes.Equal(n.Suffix, []byte{0, 0, 0, 0x2e}) || bin.U32(n.Data, 0) != want {
			t.Errorf("avail %v: extent node %x / %x", avail, n.Suffix, n.Data)
		}
		raw, _ := p.TagBytes(1)
		if !bytes.Equal(raw, []byte{4, 0, 0, 0, 0, 0x2e, byte(want), 0, 0, 0}) {
			t.Errorf("avail %v: node bytes %x", avail, raw)
		}
		if p.Flags()&ese.PageSpaceTree == 0 || p.DBTime() != 9 {
			t.Errorf("avail %v: flags %v dbtime %d", avail, p.Flags(), p.DBTime())
		}
	}
	se := mk()
	if err := RedoCreateSingleExtentFDP(se, FDPParams{PgnoFDP: 5, Objid: 2, DBTime: 0x53, PgnoParent: 1, CpgPrimary: 1, Unique: true}); err != nil {
		t.Fatal(err)
	}
	h, _ = se.ExternalHeader()
	if sh, _ := DecodeSpaceHeader(h); sh != (SpaceHeader{CpgPrimary: 1, PgnoParent: 1}) {
		t.Errorf("single extent header %+v", sh)
	}
	if sh := singleExtentHeader(1, 4, false); sh.AvailOrOE != 7 || sh.Flags != SpaceNonUnique {
		t.Errorf("4-page non-unique header %+v", sh)
	}
	if sh := singleExtentHeader(1, 40, true); sh.AvailOrOE != 0xFFFFFFFF {
		t.Errorf("40-page header %+v", sh)
	}
	if !NeedNewPage(se, 0x10, false) || NeedNewPage(se, 0x53, true) || !NeedNewPage(se, 0x54, true) {
		t.Error("new-page test")
	}
}

func TestEmptyTree(t *testing.T) {
	root := newEmptyTestPage(t, 8192)
	root.SetFlags(ese.PageRoot | ese.PageParentOfLeaf | ese.PageNewRecordFormat)
	if err := root.SetSpaceHeader(SpaceHeader{CpgPrimary: 4, PgnoParent: 1}); err != nil {
		t.Fatal(err)
	}
	if err := root.InsertNode(0, Node{Data: []byte{9, 0, 0, 0}}); err != nil {
		t.Fatal(err)
	}
	leaf := newEmptyTestPage(t, 8192)
	leaf.SetExternalHeaderBytes([]byte("pfx"))
	for i := 0; i < 5; i++ {
		leaf.InsertNode(i, Node{PrefixLen: 3, Suffix: []byte{byte(i)}, Data: []byte("row")})
	}
	if err := EmptyPage(leaf); err != nil {
		t.Fatal(err)
	}
	if leaf.Lines() != 0 || leaf.TagCount() != 1 || leaf.Flags()&ese.PageEmpty == 0 || leaf.FreeBytes() != 8192-40-4 || leaf.FirstFreeByte() != 0 {
		t.Errorf("emptied leaf: lines %d tags %d flags %v free %d mic %d", leaf.Lines(), leaf.TagCount(), leaf.Flags(), leaf.FreeBytes(), leaf.FirstFreeByte())
	}
	ok, err := RedoEmptyTreeRoot(root, RedoOp{DBTime: 6, DBTimeBefore: 5})
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	if root.Lines() != 0 || root.Flags() != ese.PageRoot|ese.PageLeaf|ese.PageNewRecordFormat || root.DBTime() != 6 {
		t.Errorf("root after EmptyTree: lines %d flags %v dbtime %d", root.Lines(), root.Flags(), root.DBTime())
	}
	if h, _ := root.ExternalHeader(); len(h) != SpaceHeaderSize {
		t.Errorf("root lost its space header: %x", h)
	}
	if _, err := RedoEmptyTreeRoot(root, RedoOp{DBTime: 7, DBTimeBefore: 6}); !errors.Is(err, ese.ErrDatabaseCorrupted) {
		t.Errorf("EmptyTree on an empty root: %v", err)
	}
}

func TestConvertExtents(t *testing.T) {
	// Pages FDP+1..FDP+3 free, FDP+5 free: two extents, highest first.
	got := convertExtents(100, 8, 0b10111)
	want := []extent{{105, 1}, {103, 3}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("convertExtents = %v, want %v", got, want)
	}
	// A 40-page primary extent: pages past the bitmap form one extent that
	// the bitmap's top page continues.
	got = convertExtents(100, 40, 0x80000001)
	want = []extent{{139, 8}, {101, 1}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("convertExtents(40) = %v, want %v", got, want)
	}
}
