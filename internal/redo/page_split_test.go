package redo

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/dsnet/golib/memfile"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/testcorpus"
)

// keysOf returns the full keys and data of every line of p.
func keysOf(t *testing.T, p *Page) (keys, data [][]byte) {
	t.Helper()
	for i := 0; i < p.Lines(); i++ {
		k, err := p.Key(i)
		if err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		n, _ := p.Node(i)
		keys = append(keys, k)
		data = append(data, append([]byte{}, n.Data...))
	}
	return keys, data
}

// TestRedoRightSplitOnRealPages splits a real leaf page of
// dissect-esedb-testdbs/large.edb (32 KiB pages) the way a Split2 record
// describes a right split with an insert, and checks the logical result:
// the split page keeps lines [0, ilineSplit), the new page holds the rest
// plus the inserted node, every key and datum is unchanged and in order,
// sibling links go split → new → old right, and the parent gets the
// separator pointing at the split page with the old pointer moved to the
// new page.
func TestRedoRightSplitOnRealPages(t *testing.T) {
	const ps = 32768
	raw := testcorpus.Read(t, "dissect-esedb-testdbs/large.edb")
	db := memfile.New(append([]byte{}, raw...))
	s, err := NewPageStore(db, ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Find a leaf page with a right sibling and its parent.
	leafPg, parentPg, parentLine := findSplittableLeaf(t, s)
	if leafPg == 0 {
		t.Fatal("no leaf page with a right sibling and a parent in large.edb")
	}
	leaf, _ := s.Get(leafPg)
	parent, _ := s.Get(parentPg)
	right, _ := s.Get(leaf.NextPage())
	keys, data := keysOf(t, leaf)
	pKeys, _ := keysOf(t, parent)
	oldPrefix, _ := leaf.KeyPrefix()
	rightPg := leaf.NextPage()

	// Insert a key just after line 5, then split at line 10.
	newKey := append(append([]byte{}, keys[5]...), 0x00)
	if bytes.Compare(newKey, keys[6]) >= 0 {
		t.Fatalf("cannot make a key between lines 5 and 6")
	}
	const ilineOper, ilineSplit = 6, 10
	clines := len(keys) + 1
	sep := keys[ilineSplit-1] // last key left on the split page (with the insert shift)
	pgnoNew := s.LastPage() + 1
	if err := s.Extend(pgnoNew); err != nil {
		t.Fatal(err)
	}
	dbt := max(leaf.DBTime(), parent.DBTime(), right.DBTime()) + 10
	levels := []SplitLevel{
		{Pgno: parentPg, DBTimeBefore: parent.DBTime()},
		{Pgno: leafPg, DBTimeBefore: leaf.DBTime(), PgnoNew: pgnoNew, PgnoRight: rightPg, DBTimeRightBefore: right.DBTime(),
			PgnoParent: parentPg, DBTimeParentBefore: parent.DBTime(), Objid: leaf.ObjidFDP(),
			Type: eselog.SplitRight, Oper: eselog.SplitOperInsert, ILineOper: ilineOper, ILineSplit: ilineSplit, CLines: clines,
			NewPageFlags: leaf.Flags() &^ ese.PageFlushTypeMask &^ ese.PageNewChecksumFormat, SplitPageFlags: leaf.Flags(),
			ILinePrefixSplit: 0, ILinePrefixNew: 0, KeyParent: sep, PrefixSplitOld: oldPrefix, PrefixSplitNew: oldPrefix},
	}
	res, err := RedoSplit(s, levels, SplitOperation{Key: newKey, Data: []byte("new node"), Versioned: true}, dbt, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 4 {
		t.Errorf("changed pages %v, want parent, split, new and right", res.Pages)
	}
	newp, _ := s.Get(pgnoNew)
	for _, p := range []*Page{leaf, newp, parent, right} {
		p.Invalidate()
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		if p.DBTime() != dbt {
			t.Errorf("page dbtime %#x, want %#x", p.DBTime(), dbt)
		}
	}
	wantKeys := append(append(append([][]byte{}, keys[:ilineOper]...), newKey), keys[ilineOper:]...)
	wantData := append(append(append([][]byte{}, data[:ilineOper]...), []byte("new node")), data[ilineOper:]...)
	k1, d1 := keysOf(t, leaf)
	k2, d2 := keysOf(t, newp)
	if len(k1) != ilineSplit || len(k1)+len(k2) != clines {
		t.Fatalf("split page has %d lines, new page %d; want %d and %d", len(k1), len(k2), ilineSplit, clines-ilineSplit)
	}
	gotKeys, gotData := append(k1, k2...), append(d1, d2...)
	for i := range wantKeys {
		if !bytes.Equal(gotKeys[i], wantKeys[i]) || !bytes.Equal(gotData[i], wantData[i]) {
			t.Fatalf("line %d after the split differs", i)
		}
	}
	if f, _ := leaf.LineFlags(ilineOper); f&NodeVersioned == 0 {
		t.Error("inserted node is not versioned")
	}
	if leaf.NextPage() != pgnoNew || newp.PrevPage() != leafPg || newp.NextPage() != rightPg || right.PrevPage() != pgnoNew {
		t.Errorf("sibling links: split→%d, new %d←→%d, right←%d", leaf.NextPage(), newp.PrevPage(), newp.NextPage(), right.PrevPage())
	}
	if h, _ := newp.ExternalHeader(); !bytes.Equal(h, wantKeys[ilineSplit]) {
		t.Errorf("new page prefix %x, want the key of its first line", h)
	}
	pk, pd := keysOf(t, parent)
	if len(pk) != len(pKeys)+1 || !bytes.Equal(pk[parentLine], sep) ||
		binary.LittleEndian.Uint32(pd[parentLine]) != leafPg || binary.LittleEndian.Uint32(pd[parentLine+1]) != pgnoNew {
		t.Errorf("parent after split: line %d = %x → %x, next → %x", parentLine, pk[parentLine], pd[parentLine], pd[parentLine+1])
	}
	// Replaying the same split again changes nothing.
	res, err = RedoSplit(s, levels, SplitOperation{Key: newKey, Data: []byte("new node")}, dbt, true)
	if err != nil || len(res.Pages) != 0 {
		t.Errorf("second replay: %v, changed %v", err, res.Pages)
	}
}

// TestRedoVerticalSplitOnRealRoot splits the 172-line root leaf (page 4)
// of appdata/IndexedDB.edb vertically with an appended node: every line
// moves to the new page, and the root keeps one line pointing at it.
func TestRedoVerticalSplitOnRealRoot(t *testing.T) {
	const ps = 32768
	raw := testcorpus.Read(t, "appdata/IndexedDB.edb")
	db := memfile.New(append([]byte{}, raw...))
	s, _ := NewPageStore(db, ps, nil)
	root, _ := s.Get(4)
	keys, data := keysOf(t, root)
	last := keys[len(keys)-1]
	newKey := append(append([]byte{}, last...), 0xFF)
	pgnoNew := uint32(80)
	s.Extend(pgnoNew)
	dbt := root.DBTime() + 1
	flags := root.Flags()
	lv := SplitLevel{Pgno: 4, DBTimeBefore: root.DBTime(), PgnoNew: pgnoNew, Objid: root.ObjidFDP(),
		Type: eselog.SplitVertical, Oper: eselog.SplitOperInsert, ILineOper: len(keys), ILineSplit: 0, CLines: len(keys) + 1,
		NewPageFlags: ese.PageLeaf | ese.PageNewRecordFormat, SplitPageFlags: flags&^ese.PageLeaf | ese.PageParentOfLeaf,
		ILinePrefixSplit: iLineInvalid, ILinePrefixNew: iLineInvalid}
	if _, err := RedoSplit(s, []SplitLevel{lv}, SplitOperation{Key: newKey, Data: []byte{1, 2, 3}}, dbt, false); err != nil {
		t.Fatal(err)
	}
	newp, _ := s.Get(pgnoNew)
	if root.Lines() != 1 || root.Flags() != lv.SplitPageFlags {
		t.Fatalf("root: %d lines, flags %v", root.Lines(), root.Flags())
	}
	n, _ := root.Node(0)
	if len(n.Suffix) != 0 || binary.LittleEndian.Uint32(n.Data) != pgnoNew {
		t.Errorf("root line: key %x data %x", n.Suffix, n.Data)
	}
	if h, _ := root.ExternalHeader(); len(h) != SpaceHeaderSize {
		t.Errorf("root external header is %d bytes", len(h))
	}
	k, d := keysOf(t, newp)
	if len(k) != len(keys)+1 || !bytes.Equal(k[len(keys)], newKey) {
		t.Fatalf("new page has %d lines", len(k))
	}
	for i := range keys {
		if !bytes.Equal(k[i], keys[i]) || !bytes.Equal(d[i], data[i]) {
			t.Fatalf("line %d moved wrongly", i)
		}
	}
	if err := root.Check(); err != nil {
		t.Error(err)
	}
	if err := newp.Check(); err != nil {
		t.Error(err)
	}
}

// findSplittableLeaf scans s for the first verified non-root leaf page with
// a right sibling and at least 20 lines, and returns it with its parent and
// the parent's line pointing at it; leaf is 0 when there is none.
func findSplittableLeaf(t *testing.T, s *PageStore) (leaf, parent uint32, parentLine int) {
	t.Helper()
	for pg := uint32(1); pg <= s.LastPage(); pg++ {
		p, err := s.Get(pg)
		if err != nil {
			t.Fatal(err)
		}
		if p.Flags()&ese.PageParentOfLeaf == 0 || p.Flags()&ese.PageSpaceTree != 0 || p.Check() != nil {
			continue
		}
		for i := 0; i < p.Lines(); i++ {
			n, _ := p.Node(i)
			if len(n.Data) != 4 {
				continue
			}
			c := binary.LittleEndian.Uint32(n.Data)
			cp, err := s.Get(c)
			if err != nil || cp.Check() != nil {
				continue
			}
			if cp.Flags()&ese.PageLeaf != 0 && cp.Flags()&ese.PageRoot == 0 && cp.NextPage() != 0 && cp.Lines() >= 20 {
				return c, pg, i
			}
		}
	}
	return 0, 0, 0
}
