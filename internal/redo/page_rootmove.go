package redo

import (
	"encoding/binary"
	"fmt"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
)

// Object ids of the two catalogs (objidFDPMSO, objidFDPMSOShadow).
const (
	objidCatalog       = 2
	objidCatalogShadow = 3
)

// RedoRootPageMove redoes a root-page-move macro (RootPageMove, type 96,
// docs/log-records.md#pagemove-and-rootpagemove; ErrLGRIRedoRootPageMove, SHKPerformRootMove), as
// database shrink logs it: the RootPageMove record, then three PageMove
// records (the tree's root, its owned-extent root and its available-extent
// root, told apart by their MoveFlags), a SetExternalHeader for each child
// tree (secondary index, long values) whose space header now names the new
// root as parent, and one or two Replace records per catalog (the object's
// row and, when it has one, its clustered-index row).
//
// Each page is tested against its own "before" dbtime (the destinations
// with the new-page test) and only pages that need it change; changed
// pages end at the macro's dbtime. A destination is rebuilt from the
// source's logged header and trailer bytes (the gap between them zero),
// keeps the source's FDP-delete flag, and the new root's space header is
// pointed at the new owned-extent root. Children get the logged space
// header; each catalog page gets the logged row data at the logged lines
// under one dbtime test (both rows of a catalog may share a page); the
// three sources are emptied. A macro of another shape gives an error
// wrapping ese.ErrLogCorrupted.
func RedoRootPageMove(s PageAccess, recs []eselog.Record, mayContainFutureData bool) (RedoResult, error) {
	var res RedoResult
	if len(recs) == 0 {
		return res, nil
	}
	rpm, ok := recs[0].(*eselog.RootPageMove)
	if !ok {
		return res, rootMoveCorrupt("the macro does not start with RootPageMove")
	}
	dbtime := rpm.DBTime()
	var moves [3]*eselog.PageMove // root, OE, AE
	var children []*eselog.SetExternalHeader
	type catRow struct {
		iline int
		data  []byte
	}
	type catPage struct {
		pgno   uint32
		before uint64
		rows   []catRow
	}
	var cats [2][]*catPage
	for _, r := range recs[1:] {
		switch r := r.(type) {
		case *eselog.PageMove:
			var i int
			switch r.MoveFlags {
			case eselog.PageMoveRootFDP:
				i = 0
			case eselog.PageMoveRootOE:
				i = 1
			case eselog.PageMoveRootAE:
				i = 2
			default:
				return res, rootMoveCorrupt("PageMove at %v has move flags %#x", r.Pos(), r.MoveFlags)
			}
			if moves[i] != nil {
				return res, rootMoveCorrupt("second PageMove with move flags %#x at %v", r.MoveFlags, r.Pos())
			}
			moves[i] = r
		case *eselog.SetExternalHeader:
			children = append(children, r)
		case *eselog.Replace:
			if r.IsDiff() || len(r.Payload) != int(r.CbNewData) {
				return res, rootMoveCorrupt("catalog Replace at %v is not a whole-data replace", r.Pos())
			}
			ic := 0
			switch r.ObjidFDP {
			case objidCatalog:
			case objidCatalogShadow:
				ic = 1
			default:
				return res, rootMoveCorrupt("Replace at %v is on object %d, not a catalog", r.Pos(), r.ObjidFDP)
			}
			if len(cats[ic]) > 0 && cats[ic][0].pgno == r.Pgno() {
				// The clustered-index row on the object row's page: one
				// dbtime test for both.
				cats[ic][0].rows = append(cats[ic][0].rows, catRow{r.ILine(), r.Payload})
				continue
			}
			if len(cats[ic]) == 2 || len(cats[ic]) == 1 && len(cats[ic][0].rows) == 2 {
				return res, rootMoveCorrupt("more than two rows of catalog %d at %v", r.ObjidFDP, r.Pos())
			}
			cats[ic] = append(cats[ic], &catPage{pgno: r.Pgno(), before: r.DBTimeBefore(), rows: []catRow{{r.ILine(), r.Payload}}})
		default:
			return res, rootMoveCorrupt("%v at %v inside a root page move", r.Type(), r.Pos())
		}
	}
	for i, m := range moves {
		if m == nil {
			return res, rootMoveCorrupt("the macro has no PageMove for root %d (0 tree, 1 owned, 2 available)", i)
		}
	}

	// Gate every page first, as ErrLGIRedoRootMoveUpgradeLatches does.
	type pg struct {
		pgno uint32
		p    *Page
		upd  bool
	}
	var all []*pg
	get := func(pgno uint32, before uint64) (*pg, error) {
		p, err := s.Get(pgno)
		if err != nil {
			return nil, err
		}
		upd, err := NeedRedo(p, pgno, dbtime, before, mayContainFutureData)
		if err != nil {
			return nil, err
		}
		x := &pg{pgno, p, upd}
		all = append(all, x)
		return x, nil
	}
	var src, dst [3]*pg
	for i, m := range moves {
		var err error
		if src[i], err = get(m.Pgno(), m.DBTimeBefore()); err != nil {
			return res, err
		}
		p, err := s.GetNew(m.PgnoDest)
		if err != nil {
			return res, err
		}
		dst[i] = &pg{m.PgnoDest, p, NeedNewPage(p, dbtime, mayContainFutureData)}
		all = append(all, dst[i])
	}
	kids := make([]*pg, len(children))
	for i, c := range children {
		var err error
		if kids[i], err = get(c.Pgno(), c.DBTimeBefore()); err != nil {
			return res, err
		}
	}
	var catPages []*pg
	var catRows [][]catRow
	for ic := range cats {
		for _, cp := range cats[ic] {
			x, err := get(cp.pgno, cp.before)
			if err != nil {
				return res, err
			}
			catPages = append(catPages, x)
			catRows = append(catRows, cp.rows)
		}
	}

	// The destinations: the sources' logged images.
	for i, m := range moves {
		d := dst[i]
		if !d.upd {
			continue
		}
		n := len(d.p.Bytes())
		if len(m.PageHeaderBytes)+len(m.PageTrailerBytes) > n || len(m.PageHeaderBytes) < d.p.HeaderSize() {
			return res, rootMoveCorrupt("PageMove at %v: header %d + trailer %d bytes do not fit a %d-byte page", m.Pos(), len(m.PageHeaderBytes), len(m.PageTrailerBytes), n)
		}
		b := d.p.Bytes()
		clear(b)
		copy(b, m.PageHeaderBytes)
		copy(b[n-len(m.PageTrailerBytes):], m.PageTrailerBytes)
		if d.p.Large() {
			binary.LittleEndian.PutUint32(b[pgLargePgno:], m.PgnoDest)
		}
		d.p.Invalidate()
		if err := d.p.Check(); err != nil {
			return res, fmt.Errorf("recovery: root page move at %v: rebuilt page %d: %w", m.Pos(), m.PgnoDest, err)
		}
		f := d.p.Flags() &^ (ese.PagePreInit | ese.PageFDPDelete)
		if i == 0 && !src[0].p.Uninitialized() {
			f |= src[0].p.Flags() & ese.PageFDPDelete
		}
		d.p.SetFlags(f)
		if i == 0 {
			ext, err := d.p.ExternalHeader()
			if err != nil {
				return res, err
			}
			if len(ext) != SpaceHeaderSize {
				return res, rootMoveCorrupt("moved root %d has a %d-byte external header, not a space header", m.Pgno(), len(ext))
			}
			h := append([]byte{}, ext...)
			binary.LittleEndian.PutUint32(h[12:], moves[1].PgnoDest)
			if err := d.p.SetExternalHeaderBytes(h); err != nil {
				return res, err
			}
		}
	}
	for i, k := range kids {
		if k.upd {
			if err := k.p.SetExternalHeaderBytes(children[i].Data); err != nil {
				return res, fmt.Errorf("recovery: root page move: child root %d: %w", k.pgno, err)
			}
		}
	}
	for i, c := range catPages {
		if !c.upd {
			continue
		}
		for _, row := range catRows[i] {
			if err := replaceLineData(c.p, row.iline, row.data); err != nil {
				return res, fmt.Errorf("recovery: root page move: catalog page %d line %d: %w", c.pgno, row.iline, err)
			}
		}
	}
	for _, x := range src {
		if x.upd {
			if err := EmptyPage(x.p); err != nil {
				return res, err
			}
		}
	}
	for _, x := range all {
		if !x.upd {
			res.Skipped = append(res.Skipped, x.pgno)
			continue
		}
		stampRedone(x.p, dbtime)
		res.Pages = append(res.Pages, x.pgno)
		if err := s.MarkDirty(x.pgno, x.p); err != nil {
			return res, err
		}
	}
	return res, nil
}

func rootMoveCorrupt(format string, args ...any) error {
	return ese.NewFormatError("root page move macro", -1, ese.ErrLogCorrupted, format, args...)
}
