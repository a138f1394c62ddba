package redo

import (
	"encoding/binary"
	"slices"

	"github.com/esekit/esekit/ese"
)

// ConvertParams are the fields of a ConvertFDP2 record (type 58,
// docs/log-records.md#fdp-records): a single-extent tree becoming a multiple-extent one.
type ConvertParams struct {
	// PgnoFDP is the tree's root page (the record's pgno).
	PgnoFDP uint32
	// Objid is the tree's object id.
	Objid uint32
	// DBTime is the record's dbtime.
	DBTime uint64
	// PgnoParent is the parent tree's root.
	PgnoParent uint32
	// PgnoOE and PgnoAE are the new space-tree roots; PgnoOE is also the
	// first page of the secondary extent.
	PgnoOE, PgnoAE uint32
	// PgnoSecondaryFirst and CpgSecondary describe the secondary extent.
	PgnoSecondaryFirst, CpgSecondary uint32
	// CpgPrimary and AvailBitmap are the single-extent SPACE_HEADER values
	// before the conversion.
	CpgPrimary, AvailBitmap uint32
	// Unique is the record's unique-keys flag.
	Unique bool
	// PageFlags are the page flags for the space-tree roots (fCpageFlags).
	PageFlags ese.PageFlags
}

type extent struct{ last, cpg uint32 }

// convertExtents lists the available extents of a single-extent tree, from
// the highest page down, as SPIConvertCalcExtents does: pages past the
// 32-page bitmap first (all available), then the bitmap's runs of set bits
// (bit i is page pgnoFDP+1+i), adjacent pages merged.
func convertExtents(pgnoFDP, cpgPrimary, bitmap uint32) []extent {
	var ext []extent
	pgno := pgnoFDP + cpgSmallSpaceAvailMost
	if cpgPrimary > cpgSmallSpaceAvailMost+1 {
		ext = append(ext, extent{pgnoFDP + cpgPrimary - 1, cpgPrimary - cpgSmallSpaceAvailMost - 1})
	}
	for bit := uint32(0x80000000); bit != 0; bit >>= 1 {
		if bitmap&bit != 0 {
			if n := len(ext); n > 0 && ext[n-1].last-ext[n-1].cpg == pgno {
				ext[n-1].cpg++
			} else {
				ext = append(ext, extent{pgno, 1})
			}
		}
		pgno--
	}
	return ext
}

// insertExtentSorted inserts an extent node where a seek for its key would
// put it: after every node with a smaller key (keys are big-endian page
// numbers, so byte order is page order).
func insertExtentSorted(p *Page, e extent) error {
	key := binary.BigEndian.AppendUint32(nil, e.last)
	pos := 0
	for ; pos < p.Lines(); pos++ {
		k, err := p.Key(pos)
		if err != nil {
			return err
		}
		if string(k) >= string(key) {
			break
		}
	}
	return p.InsertNode(pos, ExtentNode(e.last, e.cpg))
}

// RedoConvertFDP redoes a ConvertFDP2 record (ErrLGRIRedoConvertFDP and
// SPIPerformConvert) on the pages that need it; a nil page is one the
// caller found already up to date. The owned-extent root gets the secondary
// and the primary extents; the available-extent root gets the secondary
// extent minus its two space-root pages and every extent the old bitmap
// marked available; the tree root's SPACE_HEADER becomes multiple-extent,
// pointing at the secondary extent. Each given page ends at the record's
// dbtime. The caller applies the gates: NeedRedo for the root,
// NeedNewPage for the two space-tree roots.
func RedoConvertFDP(root, oe, ae *Page, cp ConvertParams) error {
	flags := cp.PageFlags | ese.PageRoot | ese.PageLeaf | ese.PageSpaceTree
	if oe != nil {
		oe.FormatPreInit(cp.PgnoOE, cp.Objid, cp.DBTime)
		oe.ConsumePreInit(flags)
		if err := oe.SetExternalHeaderBytes(make([]byte, splitBufferSize)); err != nil {
			return err
		}
		if err := oe.InsertNode(0, ExtentNode(cp.PgnoSecondaryFirst+cp.CpgSecondary-1, cp.CpgSecondary)); err != nil {
			return err
		}
		if err := insertExtentSorted(oe, extent{cp.PgnoFDP + cp.CpgPrimary - 1, cp.CpgPrimary}); err != nil {
			return err
		}
		oe.SetDBTime(cp.DBTime)
	}
	if ae != nil {
		ae.FormatPreInit(cp.PgnoAE, cp.Objid, cp.DBTime)
		ae.ConsumePreInit(flags)
		if err := ae.SetExternalHeaderBytes(make([]byte, splitBufferSize)); err != nil {
			return err
		}
		if cp.CpgSecondary < 2 {
			return ese.NewFormatError("ConvertFDP record", -1, ese.ErrLogCorrupted, "secondary extent of %d pages cannot hold the two space-tree roots", cp.CpgSecondary)
		}
		if n := cp.CpgSecondary - 2; n != 0 {
			if err := ae.InsertNode(0, ExtentNode(cp.PgnoSecondaryFirst+cp.CpgSecondary-1, n)); err != nil {
				return err
			}
		}
		ext := convertExtents(cp.PgnoFDP, cp.CpgPrimary, cp.AvailBitmap)
		for _, e := range slices.Backward(ext) {
			if err := insertExtentSorted(ae, e); err != nil {
				return err
			}
		}
		ae.SetDBTime(cp.DBTime)
	}
	if root != nil {
		h := SpaceHeader{CpgPrimary: cp.CpgPrimary, PgnoParent: cp.PgnoParent, Flags: SpaceMultipleExtent, AvailOrOE: cp.PgnoSecondaryFirst}
		if !cp.Unique {
			h.Flags |= SpaceNonUnique
		}
		if err := root.SetSpaceHeader(h); err != nil {
			return err
		}
		root.SetDBTime(cp.DBTime)
	}
	return nil
}
