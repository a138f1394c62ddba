package redo

import (
	"encoding/binary"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// SPACE_HEADER flag bits (src/inc/space.hxx), in the first byte of its
// flags word.
const (
	SpaceMultipleExtent uint32 = 0x01
	SpaceNonUnique      uint32 = 0x02
	SpaceV2             uint32 = 0x04
)

// SpaceHeaderSize is the size of a SPACE_HEADER, the external header of a
// tree's root page (FDP).
const SpaceHeaderSize = 16

// splitBufferSize is the size of the SPLIT_BUFFER kept as the external
// header of space-tree roots (two extents of pgnoLast u32 + cpg u32).
const splitBufferSize = 16

// cpgSmallSpaceAvailMost is the most pages a single-extent tree tracks in
// its availability bitmap.
const cpgSmallSpaceAvailMost = 32

// SpaceHeader is the SPACE_HEADER stored as the external header of a
// B-tree root page (16 bytes).
type SpaceHeader struct {
	// CpgPrimary (+0, u32) is the primary extent size in pages (the last
	// allocation size once SpaceV2 is set).
	CpgPrimary uint32
	// PgnoParent (+4, u32) is the root page of the parent tree.
	PgnoParent uint32
	// Flags (+8, u32): SpaceMultipleExtent, SpaceNonUnique, SpaceV2.
	Flags uint32
	// AvailOrOE (+12, u32) is, for a single-extent tree, the availability
	// bitmap of the pages after the root (bit i = page root+1+i free); for a
	// multiple-extent tree, the root page of the owned-extent tree (the
	// available-extent root is the next page).
	AvailOrOE uint32
}

// DecodeSpaceHeader decodes a 16-byte SPACE_HEADER.
func DecodeSpaceHeader(b []byte) (SpaceHeader, error) {
	if len(b) != SpaceHeaderSize {
		return SpaceHeader{}, ese.NewFormatError("space header", -1, ese.ErrDatabaseCorrupted, "%d bytes, want %d", len(b), SpaceHeaderSize)
	}
	return SpaceHeader{bin.U32(b, 0), bin.U32(b, 4), bin.U32(b, 8), bin.U32(b, 12)}, nil
}

// Bytes encodes the header.
func (h SpaceHeader) Bytes() []byte {
	b := make([]byte, SpaceHeaderSize)
	bin.PutU32(b, 0, h.CpgPrimary)
	bin.PutU32(b, 4, h.PgnoParent)
	bin.PutU32(b, 8, h.Flags)
	bin.PutU32(b, 12, h.AvailOrOE)
	return b
}

// singleExtentHeader builds the header ErrSPICreateSingle stores: every
// page of the primary extent after the root is available.
func singleExtentHeader(pgnoParent, cpgPrimary uint32, unique bool) SpaceHeader {
	h := SpaceHeader{CpgPrimary: cpgPrimary, PgnoParent: pgnoParent}
	if !unique {
		h.Flags |= SpaceNonUnique
	}
	if cpgPrimary > cpgSmallSpaceAvailMost {
		h.AvailOrOE = 0xFFFFFFFF
	} else if cpgPrimary > 0 {
		h.AvailOrOE = 1<<(cpgPrimary-1) - 1
	}
	return h
}

// NeedNewPage is the new-page test of docs/recovery.md#redo-gates, gate 5: a page that
// an operation formats anew is rebuilt unless the database may already
// contain data from later logs and the page carries a dbtime at or past
// the record's.
func NeedNewPage(p *Page, dbtime uint64, mayContainFutureData bool) bool {
	if !mayContainFutureData || p.Uninitialized() {
		return true
	}
	return dbtime > p.DBTime()
}

// RedoNewPage redoes a NewPage record (type 95): the page is formatted as
// an empty pre-initialised page of objid with the record's dbtime.
func RedoNewPage(p *Page, pgno, objid uint32, dbtime uint64) {
	p.FormatPreInit(pgno, objid, dbtime)
}

// FDPParams are the fields of a CreateSingleExtentFDP (25) or
// CreateMultipleExtentFDP (24) record (docs/log-records.md#fdp-records).
type FDPParams struct {
	// PgnoFDP is the new tree's root page (the record's pgno).
	PgnoFDP uint32
	// Objid is the new tree's object id.
	Objid uint32
	// DBTime is the record's dbtime.
	DBTime uint64
	// PgnoParent is the root of the tree the space came from.
	PgnoParent uint32
	// CpgPrimary is the primary extent size.
	CpgPrimary uint32
	// Unique is the record's unique-keys flag (0x04).
	Unique bool
	// PageFlags are extra page flags for the root (fPageFlags).
	PageFlags ese.PageFlags
	// PgnoOE and PgnoAE are the space-tree roots (multiple extent only).
	PgnoOE, PgnoAE uint32
}

// RedoCreateSingleExtentFDP builds the root page of a single-extent tree
// on p (ErrSPICreateSingle): a leaf root with a SPACE_HEADER whose bitmap
// marks the rest of the primary extent available. The caller applies the
// new-page test (NeedNewPage) first.
func RedoCreateSingleExtentFDP(p *Page, fp FDPParams) error {
	p.FormatPreInit(fp.PgnoFDP, fp.Objid, fp.DBTime)
	p.ConsumePreInit(fp.PageFlags | ese.PageRoot | ese.PageLeaf)
	h := singleExtentHeader(fp.PgnoParent, fp.CpgPrimary, fp.Unique)
	if err := p.SetSpaceHeader(h); err != nil {
		return err
	}
	p.SetDBTime(fp.DBTime)
	return nil
}

// RedoCreateMultipleExtentFDPRoot builds the root page of a
// multiple-extent tree (ErrLGIRedoFDPPage for type 24): a leaf root whose
// SPACE_HEADER points at the owned-extent tree.
func RedoCreateMultipleExtentFDPRoot(p *Page, fp FDPParams) error {
	p.FormatPreInit(fp.PgnoFDP, fp.Objid, fp.DBTime)
	p.ConsumePreInit(fp.PageFlags | ese.PageRoot | ese.PageLeaf)
	h := SpaceHeader{CpgPrimary: fp.CpgPrimary, PgnoParent: fp.PgnoParent, Flags: SpaceMultipleExtent, AvailOrOE: fp.PgnoOE}
	if !fp.Unique {
		h.Flags |= SpaceNonUnique
	}
	if err := p.SetSpaceHeader(h); err != nil {
		return err
	}
	p.SetDBTime(fp.DBTime)
	return nil
}

// RedoCreateSpaceTreeRoot builds the owned-extent (avail false) or
// available-extent (avail true) tree root of a new multiple-extent tree
// (ErrLGRIRedoSpaceRootPage, SPICreateExtentTree): a space-tree leaf root
// with an empty split buffer and one extent node ending at the last page of
// the primary extent, cpgPrimary pages owned, cpgPrimary-3 available (the
// FDP and both space roots are in use). No node is added for an empty
// extent.
func RedoCreateSpaceTreeRoot(p *Page, fp FDPParams, avail bool) error {
	pgno, cpg := fp.PgnoOE, int64(fp.CpgPrimary)
	if avail {
		pgno, cpg = fp.PgnoAE, cpg-3
	}
	if cpg < 0 {
		return ese.NewFormatError("CreateMultipleExtentFDP record", -1, ese.ErrLogCorrupted, "primary extent of %d pages is smaller than 3", fp.CpgPrimary)
	}
	p.FormatPreInit(pgno, fp.Objid, fp.DBTime)
	p.ConsumePreInit(fp.PageFlags | ese.PageRoot | ese.PageLeaf | ese.PageSpaceTree)
	if err := p.SetExternalHeaderBytes(make([]byte, splitBufferSize)); err != nil {
		return err
	}
	if cpg != 0 {
		if err := p.InsertNode(0, ExtentNode(fp.PgnoFDP+fp.CpgPrimary-1, uint32(cpg))); err != nil {
			return err
		}
	}
	p.SetDBTime(fp.DBTime)
	return nil
}

// ExtentNode builds a space-tree node in the legacy (general pool) form:
// the key is the extent's last page number, big-endian, the data its page
// count, little-endian.
func ExtentNode(pgnoLast, cpg uint32) Node {
	k := binary.BigEndian.AppendUint32(nil, pgnoLast)
	d := binary.LittleEndian.AppendUint32(nil, cpg)
	return Node{Suffix: k, Data: d}
}

// rootFieldSpaceHeader is the flag of the space header in the first byte
// of an extended external header (NodeRootField noderfSpaceHeader = 1,
// flag 1<<(1-1)).
const rootFieldSpaceHeader = 0x01

// SetSpaceHeader stores h as the space header of a root page, as
// NDSetExternalHeader(noderfSpaceHeader) does: an empty or 16-byte external
// header is replaced whole; an extended one (a field-flags byte followed
// by the fields it names, space header first, e.g. the 8-byte
// auto-increment value) keeps its other fields and gets the space header
// in front of them.
func (p *Page) SetSpaceHeader(h SpaceHeader) error {
	old, err := p.ExternalHeader()
	if err != nil {
		return err
	}
	if len(old) == 0 || len(old) == SpaceHeaderSize {
		return p.SetExternalHeaderBytes(h.Bytes())
	}
	flags := old[0]
	rest := old[1:]
	if flags&rootFieldSpaceHeader != 0 {
		if len(rest) < SpaceHeaderSize {
			return p.corrupt("extended external header of %d bytes is too short for its space header", len(old))
		}
		rest = rest[SpaceHeaderSize:]
	}
	nb := make([]byte, 0, 1+SpaceHeaderSize+len(rest))
	nb = append(nb, flags|rootFieldSpaceHeader)
	nb = append(nb, h.Bytes()...)
	nb = append(nb, rest...)
	return p.SetExternalHeaderBytes(nb)
}
