package redo

import (
	"encoding/binary"
	"fmt"

	"github.com/esekit/esekit/ese"
)

// PageMoveParams are the fields of a PageMove record (type 65,
// docs/log-records.md#pagemove-and-rootpagemove), named as in eselog.PageMove, where each is
// documented with its offset in the record.
type PageMoveParams struct {
	PgnoSource, PgnoDest, PgnoLeft, PgnoRight, PgnoParent   uint32
	DBTimeSourceBefore, DBTimeLeftBefore, DBTimeRightBefore uint64
	DBTimeParentBefore                                      uint64
	Objid                                                   uint32
	ILineParent                                             int
	// MoveFlags are the root-move bits; a PageMove record never carries
	// them (root pages move through RootPageMove macros).
	MoveFlags uint32
	// Header and Trailer are the source page's first and last bytes; the
	// gap between them was free space. They rebuild the source when the
	// destination needs the move but the source is already newer.
	Header, Trailer []byte
}

// RedoPageMove redoes a PageMove (ErrLGRIIRedoPageMove,
// BTPerformPageMove): the destination becomes a copy of the source (with
// its own page number), the source is emptied, the parent's pointer at
// ILineParent and the siblings' links point at the destination. Each page
// is changed only when its own dbtime test asks for it; changed pages end
// at dbtime.
func RedoPageMove(s PageAccess, pm PageMoveParams, dbtime uint64, mayContainFutureData bool) (RedoResult, error) {
	var res RedoResult
	if pm.MoveFlags != 0 {
		return res, fmt.Errorf("%w: PageMove with root-move flags %#x", ErrRedoNotImplemented, pm.MoveFlags)
	}
	type pg struct {
		pgno   uint32
		before uint64
		p      *Page
		upd    bool
	}
	get := func(pgno uint32, before uint64) (*pg, error) {
		if pgno == 0 {
			return &pg{}, nil
		}
		p, err := s.Get(pgno)
		if err != nil {
			return nil, err
		}
		upd, err := NeedRedo(p, pgno, dbtime, before, mayContainFutureData)
		if err != nil {
			return nil, err
		}
		return &pg{pgno, before, p, upd}, nil
	}
	parent, err := get(pm.PgnoParent, pm.DBTimeParentBefore)
	if err != nil {
		return res, err
	}
	src, err := get(pm.PgnoSource, pm.DBTimeSourceBefore)
	if err != nil {
		return res, err
	}
	left, err := get(pm.PgnoLeft, pm.DBTimeLeftBefore)
	if err != nil {
		return res, err
	}
	right, err := get(pm.PgnoRight, pm.DBTimeRightBefore)
	if err != nil {
		return res, err
	}
	dp, err := s.GetNew(pm.PgnoDest)
	if err != nil {
		return res, err
	}
	dest := &pg{pgno: pm.PgnoDest, p: dp, upd: NeedNewPage(dp, dbtime, mayContainFutureData)}
	if dest.upd && !src.upd {
		// Rebuild the source from the logged header and trailer
		// (ErrReplacePageImageHeaderTrailer).
		n := len(src.p.Bytes())
		if len(pm.Header)+len(pm.Trailer) > n || len(pm.Header) < src.p.HeaderSize() {
			return res, ese.NewFormatError("PageMove record", -1, ese.ErrLogCorrupted, "header %d + trailer %d bytes do not fit a %d-byte page", len(pm.Header), len(pm.Trailer), n)
		}
		b := make([]byte, n)
		copy(b, pm.Header)
		copy(b[n-len(pm.Trailer):], pm.Trailer)
		copy(src.p.Bytes(), b)
		src.p.SetDBTime(pm.DBTimeSourceBefore)
		src.p.Invalidate()
		if err := src.p.Check(); err != nil {
			return res, err
		}
		src.upd = true
	}
	all := []*pg{parent, src, left, right, dest}
	for _, x := range all {
		if x.p != nil && x.upd {
			stampRedone(x.p, dbtime)
		}
	}
	if dest.upd {
		copy(dest.p.Bytes(), src.p.Bytes())
		if dest.p.Large() {
			binary.LittleEndian.PutUint32(dest.p.Bytes()[pgLargePgno:], pm.PgnoDest)
		}
		dest.p.Invalidate()
		if err := dest.p.Check(); err != nil {
			return res, err
		}
	}
	if src.upd {
		if err := EmptyPage(src.p); err != nil {
			return res, err
		}
	}
	if parent.p != nil && parent.upd {
		if err := checkPointer(parent.p, pm.ILineParent, pm.PgnoSource); err != nil {
			return res, err
		}
		if err := replaceLineData(parent.p, pm.ILineParent, binary.LittleEndian.AppendUint32(nil, pm.PgnoDest)); err != nil {
			return res, err
		}
	}
	if left.p != nil && left.upd {
		left.p.SetSiblings(left.p.PrevPage(), pm.PgnoDest)
	}
	if right.p != nil && right.upd {
		right.p.SetSiblings(pm.PgnoDest, right.p.NextPage())
	}
	for _, x := range all {
		if x.p == nil {
			continue
		}
		if !x.upd {
			res.Skipped = append(res.Skipped, x.pgno)
			continue
		}
		res.Pages = append(res.Pages, x.pgno)
		if err := s.MarkDirty(x.pgno, x.p); err != nil {
			return res, err
		}
	}
	return res, nil
}
