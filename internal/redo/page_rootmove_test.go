package redo

import (
	"bytes"
	"errors"
	"testing"

	"github.com/dsnet/golib/memfile"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/bin"
)

// rootMoveFixture builds, in a page store, what a root page move changes:
// a multiple-extent tree (objid 50: root 10 with two records, owned-extent
// root 11, available-extent root 12), a child tree (objid 51, root 20,
// whose space header names 10 as parent), catalog page 4 (objid 2: the
// object row at line 0, its clustered-index row at line 1) and shadow
// catalog page 24 (objid 3, one row). Every page is at dbtime 100. It
// returns the store and the macro that moves the three roots to 30, 31
// and 32 at dbtime 120, as SHKPerformRootMove logs it.
func rootMoveFixture(t *testing.T, ps int) (*PageStore, []eselog.Record) {
	t.Helper()
	s, err := NewPageStore(memfile.New(make([]byte, 40*ps)), ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	fp := FDPParams{PgnoFDP: 10, Objid: 50, DBTime: 90, PgnoParent: 1, CpgPrimary: 8, Unique: true, PgnoOE: 11, PgnoAE: 12}
	build := func(pgno uint32, f func(p *Page) error) *Page {
		p, err := s.GetNew(pgno)
		if err != nil {
			t.Fatal(err)
		}
		if err := f(p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	root := build(10, func(p *Page) error { return RedoCreateMultipleExtentFDPRoot(p, fp) })
	build(11, func(p *Page) error { return RedoCreateSpaceTreeRoot(p, fp, false) })
	build(12, func(p *Page) error { return RedoCreateSpaceTreeRoot(p, fp, true) })
	for i, k := range []string{"alpha", "beta"} {
		if _, err := RedoInsert(root, RedoOp{Pgno: 10, DBTime: 91 + uint64(i), DBTimeBefore: 90 + uint64(i), ILine: i}, 0, []byte(k), []byte("record "+k)); err != nil {
			t.Fatal(err)
		}
	}
	build(20, func(p *Page) error {
		return RedoCreateSingleExtentFDP(p, FDPParams{PgnoFDP: 20, Objid: 51, DBTime: 95, PgnoParent: 10, CpgPrimary: 1, Unique: true})
	})
	catalog := func(pgno, objid uint32, rows ...string) {
		build(pgno, func(p *Page) error {
			p.FormatPreInit(pgno, objid, 96)
			p.ConsumePreInit(ese.PageLeaf | ese.PageRoot)
			for i, r := range rows {
				if err := p.InsertNode(i, Node{Suffix: []byte{byte(i), 'k'}, Data: []byte(r + " pgnoFDP=10")}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	catalog(4, objidCatalog, "table row", "clustered index row")
	catalog(24, objidCatalogShadow, "shadow table row")
	for _, pg := range []uint32{10, 11, 12, 20, 4, 24} {
		p, _ := s.Get(pg)
		p.SetDBTime(100)
		if err := s.MarkDirty(pg, p); err != nil {
			t.Fatal(err)
		}
	}
	hdr := eselog.PageHeader{After: 120, Before: 100}
	move := func(src, dst uint32, flags uint32) *eselog.PageMove {
		p, _ := s.Get(src)
		b := p.Bytes()
		h := hdr
		h.PageNumber = src
		return &eselog.PageMove{PageHeader: h, PgnoDest: dst, ObjidFDP: 50, MoveFlags: flags,
			PageHeaderBytes:  append([]byte{}, b[:p.HeaderSize()+p.FirstFreeByte()]...),
			PageTrailerBytes: append([]byte{}, b[len(b)-tagBytes*p.TagCount():]...)}
	}
	node := func(pgno uint32, iline uint16, objid uint32) eselog.NodeHeader {
		h := hdr
		h.PageNumber, h.Line = pgno, iline
		return eselog.NodeHeader{PageHeader: h, ObjidFDP: objid}
	}
	sph := SpaceHeader{CpgPrimary: 1, PgnoParent: 30, AvailOrOE: 0}.Bytes()
	rep := func(pgno uint32, iline uint16, objid uint32, data string) *eselog.Replace {
		return &eselog.Replace{NodeHeader: node(pgno, iline, objid), CbNewData: uint16(len(data)), Payload: []byte(data)}
	}
	recs := []eselog.Record{
		&eselog.RootPageMove{After: 120, Dbid: 1, Objid: 50},
		move(10, 30, eselog.PageMoveRootFDP), move(11, 31, eselog.PageMoveRootOE), move(12, 32, eselog.PageMoveRootAE),
		&eselog.SetExternalHeader{NodeHeader: node(20, 0, 51), Data: sph},
		rep(4, 0, objidCatalog, "table row pgnoFDP=30"), rep(4, 1, objidCatalog, "clustered index row pgnoFDP=30"),
		rep(24, 0, objidCatalogShadow, "shadow table row pgnoFDP=30"),
	}
	return s, recs
}

// TestRedoRootPageMove redoes a root page move macro built as the engine
// logs it (ErrLGIRedoRootMoveStructures) on 8 and 32 KiB pages and checks
// SHKPerformRootMove's effects page by page; then that a second redo
// changes nothing, that destinations lost after the move are rebuilt from
// the logged header and trailer alone, and that malformed macros are
// ErrLogCorrupted.
func TestRedoRootPageMove(t *testing.T) {
	for _, ps := range []int{8192, 32768} {
		s, recs := rootMoveFixture(t, ps)
		snap := map[uint32][]byte{}
		for _, pg := range []uint32{10, 11, 12} {
			p, _ := s.Get(pg)
			snap[pg] = append([]byte{}, p.Bytes()...)
		}
		// A scrubbed catalog page loses the flag when changed (CPAGE::Dirty).
		cat, _ := s.Get(4)
		cat.SetFlags(cat.Flags() | ese.PageScrubbed)
		res, err := RedoMacro(s, recs, RedoOptions{})
		if err != nil {
			t.Fatalf("%d: %v", ps, err)
		}
		if cat.Flags()&ese.PageScrubbed != 0 {
			t.Errorf("%d: catalog page still Scrubbed", ps)
		}
		if len(res.Pages) != 9 || len(res.Skipped) != 0 {
			t.Fatalf("%d: pages %v skipped %v, want 9 changed", ps, res.Pages, res.Skipped)
		}
		// Destinations: the sources' images at dbtime 120 with their own
		// page number; the new root's space header names the new OE.
		for i, pg := range []uint32{10, 11, 12} {
			d, _ := s.Get(30 + uint32(i))
			want := append([]byte{}, snap[pg]...)
			bin.PutU64(want, pgDBTime, 120)
			if d.Large() {
				bin.PutU32(want, pgLargePgno, 30+uint32(i))
			}
			if pg == 10 {
				ext, _ := d.ExternalHeader()
				h, err := DecodeSpaceHeader(ext)
				if err != nil || h.AvailOrOE != 31 || h.PgnoParent != 1 || h.CpgPrimary != 8 || h.Flags&SpaceMultipleExtent == 0 {
					t.Errorf("%d: new root space header %+v %v", ps, h, err)
				}
				if k, _ := d.Key(1); d.Lines() != 2 || string(k) != "beta" {
					t.Errorf("%d: new root lines %d", ps, d.Lines())
				}
				continue
			}
			if !bytes.Equal(d.Bytes(), want) {
				t.Errorf("%d: page %d is not page %d moved", ps, 30+i, pg)
			}
		}
		for _, pg := range []uint32{10, 11, 12} {
			p, _ := s.Get(pg)
			if p.Lines() != 0 || p.Flags()&ese.PageEmpty == 0 || p.DBTime() != 120 {
				t.Errorf("%d: source %d: %d lines, flags %v, dbtime %d", ps, pg, p.Lines(), p.Flags(), p.DBTime())
			}
		}
		c, _ := s.Get(20)
		if ext, _ := c.ExternalHeader(); c.DBTime() != 120 || !bytes.Equal(ext, recs[4].(*eselog.SetExternalHeader).Data) {
			t.Errorf("%d: child root not repointed", ps)
		}
		for _, r := range recs[5:] {
			rp := r.(*eselog.Replace)
			p, _ := s.Get(rp.Pgno())
			n, _ := p.Node(rp.ILine())
			if p.DBTime() != 120 || !bytes.Equal(n.Data, rp.Payload) || n.Suffix[0] != byte(rp.ILine()) {
				t.Errorf("%d: catalog page %d line %d not replaced", ps, rp.Pgno(), rp.ILine())
			}
		}
		if err := s.Flush(); err != nil {
			t.Fatal(err)
		}
		img := map[uint32][]byte{}
		for pg := uint32(1); pg <= 38; pg++ {
			p, _ := s.Get(pg)
			img[pg] = append([]byte{}, p.Bytes()...)
		}
		// A second redo is skipped on every page.
		res, err = RedoMacro(s, recs, RedoOptions{MayContainFutureData: true})
		if err != nil || len(res.Pages) != 0 || len(res.Skipped) != 9 {
			t.Errorf("%d: second redo changed %v (skipped %v): %v", ps, res.Pages, res.Skipped, err)
		}
		// The destinations lost (never flushed), everything else done:
		// only they are redone, from the logged header and trailer.
		for pg := uint32(30); pg <= 32; pg++ {
			p, _ := s.Get(pg)
			clear(p.Bytes())
			p.Invalidate()
		}
		res, err = RedoMacro(s, recs, RedoOptions{MayContainFutureData: true})
		if err != nil || len(res.Pages) != 3 {
			t.Fatalf("%d: lost destinations: %v %v", ps, res.Pages, err)
		}
		if err := s.Flush(); err != nil { // checksums, as for img
			t.Fatal(err)
		}
		for pg := uint32(1); pg <= 38; pg++ {
			p, _ := s.Get(pg)
			if !bytes.Equal(p.Bytes(), img[pg]) {
				t.Errorf("%d: page %d differs after the destinations were rebuilt", ps, pg)
			}
		}
		// Malformed macros.
		for name, bad := range map[string][]eselog.Record{
			"no AE move":    {recs[0], recs[1], recs[2], recs[4]},
			"two FDP moves": {recs[0], recs[1], recs[1], recs[2], recs[3]},
			"foreign replace": {recs[0], recs[1], recs[2], recs[3],
				&eselog.Replace{NodeHeader: eselog.NodeHeader{PageHeader: eselog.PageHeader{PageNumber: 5, After: 120, Before: 100}, ObjidFDP: 9}, CbNewData: 1, Payload: []byte{1}}},
		} {
			if _, err := RedoMacro(s, bad, RedoOptions{MayContainFutureData: true}); !errors.Is(err, ese.ErrLogCorrupted) {
				t.Errorf("%d: %s: %v", ps, name, err)
			}
		}
		if _, err := RedoRecord(s, recs[0], RedoOptions{}); !errors.Is(err, ese.ErrLogCorrupted) {
			t.Errorf("%d: RootPageMove alone: %v", ps, err)
		}
	}
}
