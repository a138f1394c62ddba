package redo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/dsnet/golib/memfile"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/testcorpus"
)

// TestRedoFullRightMergeOnRealPages merges a real leaf page of
// dissect-esedb-testdbs/large.edb into its right sibling the way a
// Merge2 macro describes a full-right merge (parent level: delete the
// pointer; leaf level: move the nodes, relink, empty the page), and checks
// the result: the right sibling holds the merged page's lines followed by
// its own, keys and data unchanged; the merged page is empty and marked
// Empty; the left sibling and the right sibling are linked to each other;
// the parent lost the pointer to the merged page.
func TestRedoFullRightMergeOnRealPages(t *testing.T) {
	const ps = 32768
	_, _, s, pair := fullRightMergePair(t)
	parentPg, parentLine, lPg, rPg := pair.Parent, pair.Line, pair.L, pair.R
	parent, _ := s.Get(parentPg)
	l, _ := s.Get(lPg)
	r, _ := s.Get(rPg)
	leftPg := l.PrevPage()
	left, _ := s.Get(leftPg)
	lk, ld := keysOf(t, l)
	rk, rd := keysOf(t, r)
	pk, _ := keysOf(t, parent)
	dbt := max(parent.DBTime(), l.DBTime(), r.DBTime(), left.DBTime()) + 5
	levels := []MergeLevel{
		{Pgno: parentPg, DBTimeBefore: parent.DBTime(), ILine: parentLine, Flags: eselog.MergeDeleteNode},
		{Pgno: lPg, DBTimeBefore: l.DBTime(), PgnoRight: rPg, DBTimeRightBefore: r.DBTime(), PgnoLeft: leftPg,
			DBTimeLeftBefore: left.DBTime(), DBTimeParentBefore: parent.DBTime(), Flags: eselog.MergeEmptyPage,
			Type: eselog.MergeTypeFullRight, ILineMerge: 0},
	}
	res, err := RedoMerge(s, levels, dbt, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 4 {
		t.Errorf("changed pages %v, want parent, merged, left and right", res.Pages)
	}
	for _, p := range []*Page{parent, l, r, left} {
		p.Invalidate()
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
		if p.DBTime() != dbt {
			t.Errorf("dbtime %#x, want %#x", p.DBTime(), dbt)
		}
	}
	gk, gd := keysOf(t, r)
	wk, wd := append(append([][]byte{}, lk...), rk...), append(append([][]byte{}, ld...), rd...)
	if len(gk) != len(wk) {
		t.Fatalf("right sibling has %d lines, want %d", len(gk), len(wk))
	}
	for i := range wk {
		if !bytes.Equal(gk[i], wk[i]) || !bytes.Equal(gd[i], wd[i]) {
			t.Fatalf("line %d of the merged right sibling differs", i)
		}
	}
	if l.Lines() != 0 || l.Flags()&ese.PageEmpty == 0 {
		t.Errorf("merged page: %d lines, flags %v", l.Lines(), l.Flags())
	}
	if left.NextPage() != rPg || r.PrevPage() != leftPg {
		t.Errorf("siblings: left→%d, right←%d", left.NextPage(), r.PrevPage())
	}
	npk, npd := keysOf(t, parent)
	if len(npk) != len(pk)-1 || binary.LittleEndian.Uint32(npd[parentLine]) != rPg {
		t.Errorf("parent: %d lines (was %d), line %d → %x", len(npk), len(pk), parentLine, npd[parentLine])
	}
	// A second replay changes nothing.
	if res, err := RedoMerge(s, levels, dbt, true); err != nil || len(res.Pages) != 0 {
		t.Errorf("second replay: %v, changed %v", err, res.Pages)
	}
}

// TestRedoPartialRightMergeOnRealPages moves the upper lines of a real
// leaf page to the start of its right sibling (a partial-right merge): the
// parent's pointer to the page gets the new separator, sibling links stay.
func TestRedoPartialRightMergeOnRealPages(t *testing.T) {
	const ps = 32768
	raw := testcorpus.Read(t, "dissect-esedb-testdbs/large.edb")
	db := memfile.New(append([]byte{}, raw...))
	s, _ := NewPageStore(db, ps, nil)
	pair := findSiblingPair(s, func(l, r *Page) bool {
		return l.Lines() >= 10 && r.FreeBytes() > 4000
	})
	parentPg, parentLine, lPg, rPg := pair.Parent, pair.Line, pair.L, pair.R
	if lPg == 0 {
		t.Skip("no sibling pair in large.edb")
	}
	parent, _ := s.Get(parentPg)
	l, _ := s.Get(lPg)
	r, _ := s.Get(rPg)
	lk, ld := keysOf(t, l)
	rk, _ := keysOf(t, r)
	// Move lines from the last 3 (or fewer, to fit).
	im := len(lk) - 3
	for im < len(lk)-1 {
		sz := 0
		for i := im; i < len(lk); i++ {
			sz += len(lk[i]) + len(ld[i]) + 8
		}
		if sz < r.FreeBytes()-100 {
			break
		}
		im++
	}
	sep := lk[im-1]
	dbt := max(parent.DBTime(), l.DBTime(), r.DBTime()) + 5
	levels := []MergeLevel{
		{Pgno: parentPg, DBTimeBefore: parent.DBTime(), ILine: parentLine, Flags: eselog.MergeKeyChange},
		{Pgno: lPg, DBTimeBefore: l.DBTime(), PgnoRight: rPg, DBTimeRightBefore: r.DBTime(),
			DBTimeParentBefore: parent.DBTime(), Type: eselog.MergeTypePartialRight, ILineMerge: im, KeyParentSep: sep},
	}
	if _, err := RedoMerge(s, levels, dbt, false); err != nil {
		t.Fatal(err)
	}
	k1, _ := keysOf(t, l)
	k2, d2 := keysOf(t, r)
	if len(k1) != im || len(k2) != len(rk)+len(lk)-im {
		t.Fatalf("after partial merge: %d and %d lines", len(k1), len(k2))
	}
	for i := im; i < len(lk); i++ {
		if !bytes.Equal(k2[i-im], lk[i]) || !bytes.Equal(d2[i-im], ld[i]) {
			t.Fatalf("moved line %d differs", i)
		}
	}
	pk, pd := keysOf(t, parent)
	if !bytes.Equal(pk[parentLine], sep) || binary.LittleEndian.Uint32(pd[parentLine]) != lPg {
		t.Errorf("parent pointer: key %x → %x", pk[parentLine], pd[parentLine])
	}
	if l.NextPage() != rPg || r.PrevPage() != lPg {
		t.Error("partial merge changed sibling links")
	}
	for _, p := range []*Page{parent, l, r} {
		p.Invalidate()
		if err := p.Check(); err != nil {
			t.Fatal(err)
		}
	}
}

// siblingPair is a parent-of-leaf page whose lines Line and Line+1 point
// at leaf L and at its right sibling R (L.NextPage() == R).
type siblingPair struct {
	Parent, L, R uint32
	Line         int
}

// findSiblingPair scans s for the first sibling pair of verified pages,
// outside space trees, for which ok holds. It returns the zero pair when
// none does.
func findSiblingPair(s *PageStore, ok func(l, r *Page) bool) siblingPair {
	for pg := uint32(1); pg <= s.LastPage(); pg++ {
		p, _ := s.Get(pg)
		if p == nil || p.Flags()&ese.PageParentOfLeaf == 0 || p.Flags()&ese.PageSpaceTree != 0 || p.Check() != nil {
			continue
		}
		for i := 0; i+1 < p.Lines(); i++ {
			a, _ := p.Node(i)
			b, _ := p.Node(i + 1)
			if len(a.Data) != 4 || len(b.Data) != 4 {
				continue
			}
			lpg, rpg := binary.LittleEndian.Uint32(a.Data), binary.LittleEndian.Uint32(b.Data)
			l, _ := s.Get(lpg)
			r, _ := s.Get(rpg)
			if l == nil || r == nil || l.Check() != nil || r.Check() != nil || l.NextPage() != rpg || !ok(l, r) {
				continue
			}
			return siblingPair{Parent: pg, L: lpg, R: rpg, Line: i}
		}
	}
	return siblingPair{}
}

// TestMergeTypesNeverLogged gives RedoMerge the full-right merge of
// TestRedoFullRightMergeOnRealPages with the leaf's type replaced by the
// MERGETYPE values the engine never writes into a Merge record: 4 (empty
// tree: logged as an EmptyTree record by ErrBTIMergeEmptyTree), 7 (page
// move: logged as a PageMove record; ErrLGMerge asserts it away), 0 (none)
// and 8. Each is ese.ErrLogCorrupted, and no page of large.edb changes.
func TestMergeTypesNeverLogged(t *testing.T) {
	raw, db, s, pair := fullRightMergePair(t)
	parent, _ := s.Get(pair.Parent)
	l, _ := s.Get(pair.L)
	r, _ := s.Get(pair.R)
	left, _ := s.Get(l.PrevPage())
	dbt := max(parent.DBTime(), l.DBTime(), r.DBTime(), left.DBTime()) + 5
	for _, typ := range []int{eselog.MergeTypeEmptyTree, eselog.MergeTypePageMove, 0, 8} {
		levels := []MergeLevel{
			{Pgno: pair.Parent, DBTimeBefore: parent.DBTime(), ILine: pair.Line, Flags: eselog.MergeDeleteNode},
			{Pgno: pair.L, DBTimeBefore: l.DBTime(), PgnoRight: pair.R, DBTimeRightBefore: r.DBTime(), PgnoLeft: l.PrevPage(),
				DBTimeLeftBefore: left.DBTime(), DBTimeParentBefore: parent.DBTime(), Flags: eselog.MergeEmptyPage, Type: typ},
		}
		res, err := RedoMerge(s, levels, dbt, false)
		if !errors.Is(err, ese.ErrLogCorrupted) || len(res.Pages) != 0 {
			t.Errorf("merge type %d: %v, pages %v", typ, err, res.Pages)
		}
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(db.Bytes(), raw) {
		t.Error("the database changed")
	}
}

// fullRightMergePair opens a copy of large.edb and finds a parent with
// two adjacent leaf children L and R = L.next where L's nodes fit in R's
// free space and L has a left sibling: the pages of a full-right merge.
func fullRightMergePair(t *testing.T) (raw []byte, db *memfile.File, s *PageStore, pair siblingPair) {
	t.Helper()
	const ps = 32768
	raw = testcorpus.Read(t, "dissect-esedb-testdbs/large.edb")
	db = memfile.New(append([]byte{}, raw...))
	s, err := NewPageStore(db, ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	pair = findSiblingPair(s, func(l, r *Page) bool {
		return l.PrevPage() != 0 && l.Lines() >= 3 && (ps-l.HeaderSize())-l.FreeBytes()+64 < r.FreeBytes()
	})
	if pair.L == 0 {
		t.Skip("no mergeable sibling pair in large.edb")
	}
	return raw, db, s, pair
}
