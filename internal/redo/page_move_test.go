package redo

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/dsnet/golib/memfile"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/testcorpus"
)

// TestRedoPageMoveOnRealPages moves a real leaf page of large.edb to a new
// page number as a PageMove record describes: the destination holds the
// same lines, the source is empty, the parent and both siblings point at
// the destination. A second pass changes nothing; and when the source is
// already newer, its logged header and trailer rebuild it for the copy.
func TestRedoPageMoveOnRealPages(t *testing.T) {
	const ps = 32768
	raw := testcorpus.Read(t, "dissect-esedb-testdbs/large.edb")
	db := memfile.New(append([]byte{}, raw...))
	s, _ := NewPageStore(db, ps, nil)
	var parentPg, srcPg uint32
	var iline int
	for pg := uint32(1); pg <= s.LastPage() && srcPg == 0; pg++ {
		p, _ := s.Get(pg)
		if p.Flags()&ese.PageParentOfLeaf == 0 || p.Flags()&ese.PageSpaceTree != 0 || p.Check() != nil {
			continue
		}
		for i := 0; i < p.Lines(); i++ {
			n, _ := p.Node(i)
			if len(n.Data) != 4 {
				continue
			}
			c, err := s.Get(binary.LittleEndian.Uint32(n.Data))
			if err == nil && c.Check() == nil && c.PrevPage() != 0 && c.NextPage() != 0 {
				parentPg, srcPg, iline = pg, binary.LittleEndian.Uint32(n.Data), i
				break
			}
		}
	}
	if srcPg == 0 {
		t.Skip("no leaf with two siblings in large.edb")
	}
	parent, _ := s.Get(parentPg)
	src, _ := s.Get(srcPg)
	left, _ := s.Get(src.PrevPage())
	right, _ := s.Get(src.NextPage())
	keys, data := keysOf(t, src)
	orig := append([]byte{}, src.Bytes()...)
	dest := s.LastPage() + 1
	s.Extend(dest)
	dbt := max(parent.DBTime(), src.DBTime(), left.DBTime(), right.DBTime()) + 3
	h := src.HeaderSize() + src.FirstFreeByte()
	pm := PageMoveParams{PgnoSource: srcPg, PgnoDest: dest, PgnoLeft: src.PrevPage(), PgnoRight: src.NextPage(), PgnoParent: parentPg,
		DBTimeSourceBefore: src.DBTime(), DBTimeLeftBefore: left.DBTime(), DBTimeRightBefore: right.DBTime(),
		DBTimeParentBefore: parent.DBTime(), Objid: src.ObjidFDP(), ILineParent: iline,
		Header: orig[:h], Trailer: orig[ps-4*src.TagCount():]}
	res, err := RedoPageMove(s, pm, dbt, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 5 {
		t.Errorf("changed %v, want 5 pages", res.Pages)
	}
	dp, _ := s.Get(dest)
	k, d := keysOf(t, dp)
	if len(k) != len(keys) {
		t.Fatalf("destination has %d lines, want %d", len(k), len(keys))
	}
	for i := range keys {
		if !bytes.Equal(k[i], keys[i]) || !bytes.Equal(d[i], data[i]) {
			t.Fatalf("line %d differs", i)
		}
	}
	if binary.LittleEndian.Uint32(dp.Bytes()[pgLargePgno:]) != dest || dp.DBTime() != dbt {
		t.Error("destination page number or dbtime not set")
	}
	if src.Lines() != 0 || src.Flags()&ese.PageEmpty == 0 {
		t.Errorf("source: %d lines, flags %v", src.Lines(), src.Flags())
	}
	if left.NextPage() != dest || right.PrevPage() != dest {
		t.Error("siblings do not point at the destination")
	}
	if n, _ := parent.Node(iline); binary.LittleEndian.Uint32(n.Data) != dest {
		t.Error("parent does not point at the destination")
	}
	if res, err := RedoPageMove(s, pm, dbt, true); err != nil || len(res.Pages) != 0 {
		t.Errorf("second pass: %v %v", err, res.Pages)
	}

	// The source already moved (newer) but the destination lost: the
	// logged header and trailer give the destination its lines back.
	db2 := memfile.New(append([]byte{}, db.Bytes()...))
	s2, _ := NewPageStore(db2, ps, nil)
	d2, _ := s2.GetNew(dest)
	clear(d2.Bytes())
	for _, pg := range []uint32{parentPg, pm.PgnoLeft, pm.PgnoRight} {
		p, _ := s2.Get(pg)
		p.SetDBTime(dbt)
	}
	if _, err := RedoPageMove(s2, pm, dbt, true); err != nil {
		t.Fatal(err)
	}
	k2, _ := keysOf(t, d2)
	if len(k2) != len(keys) || !bytes.Equal(k2[len(k2)-1], keys[len(keys)-1]) {
		t.Errorf("rebuilt destination has %d lines", len(k2))
	}
}
