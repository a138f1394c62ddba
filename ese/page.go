package ese

import (
	"fmt"

	"github.com/esekit/esekit/internal/bin"
)

// Page header sizes (docs/pages.md).
const (
	// SmallPageHeaderSize is the size of a PGHDR, the header of pages of
	// 8 KiB or less (and of v8 log segments and flush-map pages).
	SmallPageHeaderSize = 40
	// LargePageHeaderSize is the size of a PGHDR2, the header of 16 and
	// 32 KiB pages.
	LargePageHeaderSize = 80
	// TagSize is the size of one entry of the tag array at the end of a page.
	TagSize = 4
	// MaxPageSize is the largest database page size, 32 KiB.
	MaxPageSize = 32768
	// MinPageSize is the smallest database page size, 2 KiB.
	MinPageSize = 2048
	// MaxSmallPageSize is the largest page size with the small-page
	// layout (PGHDR, 13-bit tags, one checksum block): 8 KiB.
	MaxSmallPageSize = 8192
)

// Offsets of the page-header fields (docs/pages.md#small-page-header),
// the same in PGHDR and PGHDR2; the last three are PGHDR2's only
// (docs/pages.md#large-page-header).
const (
	PageChecksumOffset       = 0  // u64 checksum
	PageDBTimeOffset         = 8  // u64 dbtimeDirtied
	PagePrevOffset           = 16 // u32 pgnoPrev
	PageNextOffset           = 20 // u32 pgnoNext
	PageObjidOffset          = 24 // u32 objidFDP
	PageFreeOffset           = 28 // u16 cbFree
	PageUncommittedOffset    = 30 // u16 cbUncommittedFree
	PageFirstFreeOffset      = 32 // u16 ibMicFree
	PageTagStateOffset       = 34 // u16 itagState
	PageFlagsOffset          = 36 // u32 fFlags
	PageBlockChecksumsOffset = 40 // 3 u64 checksums of blocks 1-3 (PGHDR2)
	PagePgnoOffset           = 64 // u32 pgno (PGHDR2)
	PageReservedOffset       = 68 // 12 reserved bytes (PGHDR2)
)

// Bit fields of the tag state and of the tags (docs/pages.md#tags).
const (
	// TagCountMask keeps the tag count of itagState (bits 0-11).
	TagCountMask = 0x0FFF
	// TagReservedMask keeps the reserved-tag count of itagState (bits
	// 12-14, the JET_efvReservedTags format); TagReservedShift is its
	// shift.
	TagReservedMask  = 0x7000
	TagReservedShift = 12
	// SmallTagMask keeps a tag's cb and ib on pages of 8 KiB or less (13
	// bits); the top 3 bits of ib hold the node flags.
	SmallTagMask = 0x1FFF
	// LargeTagMask keeps a tag's cb and ib on 16 and 32 KiB pages (15
	// bits); the node flags are in the node's first u16.
	LargeTagMask = 0x7FFF
	// TagFlagsMask keeps the node flags (bits 13-15); TagFlagsShift is
	// their shift.
	TagFlagsMask  = 0xE000
	TagFlagsShift = 13
	// largeTagFlagsLimit: a large-page node carries flags only when it
	// has at least 2 bytes.
	largeTagFlagsLimit = 2
)

// ValidPageSize reports whether n is a database page size the engine
// accepts: 2, 4, 8, 16 or 32 KiB.
func ValidPageSize(n int) bool {
	switch n {
	case 2048, 4096, 8192, 16384, 32768:
		return true
	}
	return false
}

// IsLargePage reports whether pages of pageSize bytes use the large-page
// layout (PGHDR2, 15-bit tags, flags in the node): pages above 8 KiB.
func IsLargePage(pageSize int) bool { return pageSize > MaxSmallPageSize }

// HeaderSize returns the page-header size for pages of pageSize bytes: 40
// for pages of 8 KiB or less, 80 for 16 and 32 KiB pages.
func HeaderSize(pageSize int) int {
	if IsLargePage(pageSize) {
		return LargePageHeaderSize
	}
	return SmallPageHeaderSize
}

// PageHeader is the header at the start of every database page: a PGHDR
// (40 bytes) on pages of 8 KiB or less, a PGHDR2 (80 bytes: the PGHDR plus
// three block checksums and the page number) on 16 and 32 KiB pages. The
// same 40-byte layout heads v8 log segments and flush-map pages, where only
// Checksum and Flags are meaningful.
type PageHeader struct {
	// Checksum (+0, u64) is the page checksum (docs/pages.md#checksums). On ECC pages
	// (Flags has PageNewChecksumFormat) the low 32 bits are the XOR part
	// and the high 32 bits the ECC part; on legacy small pages the low 32
	// bits are the XOR checksum and the high 32 bits the page number. On
	// large pages it covers block 0 only.
	Checksum uint64
	// DBTimeDirtied (+8, u64) is the DBTIME of the last change to the page.
	DBTimeDirtied uint64
	// PrevPage (+16, u32) is the left sibling's page number, 0 if none.
	PrevPage uint32
	// NextPage (+20, u32) is the right sibling's page number, 0 if none.
	NextPage uint32
	// ObjidFDP (+24, u32) is the object id of the tree that owns the page.
	ObjidFDP uint32
	// FreeBytes (+28, u16) is cbFree: free bytes on the page.
	FreeBytes uint16
	// UncommittedFreeBytes (+30, u16) is the part of FreeBytes that a
	// rollback may reclaim; it is never more than FreeBytes.
	UncommittedFreeBytes uint16
	// FirstFreeByte (+32, u16) is ibMicFree: the offset, counted from the
	// end of the page header, of the first never-used data byte.
	FirstFreeByte uint16
	// TagState (+34, u16) is itagState: bits 0-11 the tag count
	// (itagMicFree), bits 12-14 the reserved-tag count, bit 15 reserved.
	// Use TagCount and ReservedTags to read it.
	TagState uint16
	// Flags (+36, u32) are the page flags (docs/pages.md#page-flags).
	Flags PageFlags

	// BlockChecksums (+40, +48, +56, 3×u64; large pages only) are the
	// checksums of blocks 1, 2 and 3 of the page.
	BlockChecksums [3]uint64
	// Pgno (+64, u32; large pages only) is the page's own number.
	Pgno uint32
	// Reserved (+68, 12 bytes; large pages only) is unused and zero when
	// the engine writes it.
	Reserved [12]byte
}

// TagCount returns the number of tags (lines, including reserved tags) on
// the page: the low 12 bits of TagState.
func (h PageHeader) TagCount() int { return int(h.TagState & TagCountMask) }

// ReservedTags returns the reserved-tag count in bits 12-14 of TagState.
// Legacy pages store 0 there; the engine then treats the page as having one
// reserved tag (the external header, tag 0), and so does this method.
func (h PageHeader) ReservedTags() int {
	n := int(h.TagState&TagReservedMask) >> TagReservedShift
	if n == 0 {
		return 1
	}
	return n
}

// SetTagState sets TagState from a tag count (0..4095) and a reserved-tag
// count (0..7), keeping bit 15.
func (h *PageHeader) SetTagState(count, reserved int) {
	h.TagState = h.TagState&0x8000 | uint16(count)&TagCountMask | uint16(reserved<<TagReservedShift)&TagReservedMask
}

// pageError builds the FormatError for a malformed page.
func pageError(off int64, format string, args ...any) error {
	return NewFormatError("database page", off, ErrDatabaseCorrupted, format, args...)
}

// checkPageLen rejects buffers that are not a whole page.
func checkPageLen(page []byte) error {
	if !ValidPageSize(len(page)) {
		return pageError(-1, "page length %d is not a page size (2, 4, 8, 16 or 32 KiB)", len(page))
	}
	return nil
}

// DecodePageHeader decodes the header of page, a whole page whose length
// is the page size (2, 4, 8, 16 or 32 KiB). It decodes any bytes; use Tags
// and ComputePageChecksums to judge the page.
func DecodePageHeader(page []byte) (PageHeader, error) {
	if err := checkPageLen(page); err != nil {
		return PageHeader{}, err
	}
	h := PageHeader{
		Checksum:             bin.U64(page, PageChecksumOffset),
		DBTimeDirtied:        bin.U64(page, PageDBTimeOffset),
		PrevPage:             bin.U32(page, PagePrevOffset),
		NextPage:             bin.U32(page, PageNextOffset),
		ObjidFDP:             bin.U32(page, PageObjidOffset),
		FreeBytes:            bin.U16(page, PageFreeOffset),
		UncommittedFreeBytes: bin.U16(page, PageUncommittedOffset),
		FirstFreeByte:        bin.U16(page, PageFirstFreeOffset),
		TagState:             bin.U16(page, PageTagStateOffset),
		Flags:                PageFlags(bin.U32(page, PageFlagsOffset)),
	}
	if IsLargePage(len(page)) {
		for i := range h.BlockChecksums {
			h.BlockChecksums[i] = bin.U64(page, PageBlockChecksumsOffset+8*i)
		}
		h.Pgno = bin.U32(page, PagePgnoOffset)
		copy(h.Reserved[:], page[PageReservedOffset:LargePageHeaderSize])
	}
	return h, nil
}

// Put stores h at the start of page. The layout follows len(page): on pages
// above 8 KiB the PGHDR2 fields are written too. page must hold at least
// HeaderSize(len(page)) bytes. Put does not recompute the checksum; call
// SetPageChecksum afterwards.
func (h PageHeader) Put(page []byte) {
	bin.PutU64(page, PageChecksumOffset, h.Checksum)
	bin.PutU64(page, PageDBTimeOffset, h.DBTimeDirtied)
	bin.PutU32(page, PagePrevOffset, h.PrevPage)
	bin.PutU32(page, PageNextOffset, h.NextPage)
	bin.PutU32(page, PageObjidOffset, h.ObjidFDP)
	bin.PutU16(page, PageFreeOffset, h.FreeBytes)
	bin.PutU16(page, PageUncommittedOffset, h.UncommittedFreeBytes)
	bin.PutU16(page, PageFirstFreeOffset, h.FirstFreeByte)
	bin.PutU16(page, PageTagStateOffset, h.TagState)
	bin.PutU32(page, PageFlagsOffset, uint32(h.Flags))
	if IsLargePage(len(page)) {
		for i, c := range h.BlockChecksums {
			bin.PutU64(page, PageBlockChecksumsOffset+8*i, c)
		}
		bin.PutU32(page, PagePgnoOffset, h.Pgno)
		copy(page[PageReservedOffset:LargePageHeaderSize], h.Reserved[:])
	}
}

// Node flags: the three bits kept with each tag (src/inc/node.hxx).
const (
	// NodeVersioned marks a node with uncommitted versions.
	NodeVersioned uint8 = 0x1
	// NodeDeleted marks a node flagged for deletion.
	NodeDeleted uint8 = 0x2
	// NodeCompressed marks a node whose key shares a prefix with the
	// page's prefix (tag 0).
	NodeCompressed uint8 = 0x4
)

// Tag is one entry of a page's tag array: where a line (node) lives in the
// page's data area.
type Tag struct {
	// Size is the node's length in bytes (cb): 13 bits on small pages,
	// 15 bits on large pages.
	Size uint16
	// Offset is where the node starts, counted from the end of the page
	// header (ib): 13 or 15 bits like Size.
	Offset uint16
	// Flags are the node flags (NodeVersioned, NodeDeleted,
	// NodeCompressed). Small pages keep them in the top 3 bits of the tag's
	// offset word; large pages keep them in the top 3 bits of the node's
	// first u16 (nodes shorter than 2 bytes have no flags).
	Flags uint8
}

// String prints the tag as "ib=0x10 cb=0x20 flags=0x1".
func (t Tag) String() string {
	return fmt.Sprintf("ib=%#x cb=%#x flags=%#x", t.Offset, t.Size, t.Flags)
}

// tagPos returns the byte offset in a page of pageSize bytes of tag i. Tag 0
// is the last four bytes of the page; the array grows toward the start.
func tagPos(pageSize, i int) int { return pageSize - TagSize*(i+1) }

// dataEnd returns the end (as an offset from the end of the header) of the
// data area of page when it holds count tags, or -1 when the tag array does
// not fit after the header.
func dataEnd(pageSize, count int) int {
	n := pageSize - HeaderSize(pageSize) - TagSize*count
	if n < 0 {
		return -1
	}
	return n
}

// PageTagCount returns the tag count of page (TagState bits 0-11), checked
// against the page: the header and the tag array must fit in it.
func PageTagCount(page []byte) (int, error) {
	if err := checkPageLen(page); err != nil {
		return 0, err
	}
	n := int(bin.U16(page, PageTagStateOffset) & TagCountMask)
	if dataEnd(len(page), n) < 0 {
		return 0, pageError(PageTagStateOffset, "tag count %d does not fit in a %d-byte page", n, len(page))
	}
	return n, nil
}

// PageTag decodes tag i of page and checks that the node it points at lies
// inside the page's data area (between the header and the tag array). On
// large pages the flags are read from the node.
func PageTag(page []byte, i int) (Tag, error) {
	n, err := PageTagCount(page)
	if err != nil {
		return Tag{}, err
	}
	if i < 0 || i >= n {
		return Tag{}, pageError(-1, "tag %d out of range (page has %d tags)", i, n)
	}
	return decodeTag(page, i, n)
}

func decodeTag(page []byte, i, count int) (Tag, error) {
	ps := len(page)
	pos := tagPos(ps, i)
	cbw, ibw := bin.U16(page, pos), bin.U16(page, pos+2)
	var t Tag
	large := IsLargePage(ps)
	if large {
		t.Size, t.Offset = cbw&LargeTagMask, ibw&LargeTagMask
	} else {
		t.Size, t.Offset = cbw&SmallTagMask, ibw&SmallTagMask
		t.Flags = uint8(ibw >> TagFlagsShift)
	}
	end := dataEnd(ps, count)
	if int(t.Offset)+int(t.Size) > end {
		return Tag{}, pageError(int64(pos), "tag %d (ib %d, cb %d) runs past the data area (%d bytes)", i, t.Offset, t.Size, end)
	}
	if large && t.Size >= largeTagFlagsLimit {
		t.Flags = uint8(bin.U16(page, HeaderSize(ps)+int(t.Offset)) >> TagFlagsShift)
	}
	return t, nil
}

// Tags decodes every tag of page (TagCount of them, tag 0 first). Each tag
// is checked to point inside the data area; the first bad one gives a
// FormatError wrapping ErrDatabaseCorrupted. An all-zero page has no tags.
func Tags(page []byte) ([]Tag, error) {
	n, err := PageTagCount(page)
	if err != nil {
		return nil, err
	}
	tags := make([]Tag, n)
	for i := range tags {
		if tags[i], err = decodeTag(page, i, n); err != nil {
			return nil, err
		}
	}
	return tags, nil
}

// TagData returns the node bytes that t points at in page: page[h+Offset :
// h+Offset+Size] with h the header size. The slice aliases page. On large
// pages the top 3 bits of the node's first u16 are t.Flags, not data; mask
// them off (NodeData does) before reading the node's key length.
func TagData(page []byte, t Tag) ([]byte, error) {
	if err := checkPageLen(page); err != nil {
		return nil, err
	}
	h := HeaderSize(len(page))
	start, end := h+int(t.Offset), h+int(t.Offset)+int(t.Size)
	if end > len(page) {
		return nil, pageError(int64(start), "node (ib %d, cb %d) runs past the %d-byte page", t.Offset, t.Size, len(page))
	}
	return page[start:end:end], nil
}

// NodeData returns a copy of the node that t points at with the flag bits
// removed, so that on every page size the first u16 is the node's own
// value (on large pages the top 3 bits of that u16 hold the flags).
func NodeData(page []byte, t Tag) ([]byte, error) {
	b, err := TagData(page, t)
	if err != nil {
		return nil, err
	}
	out := append([]byte(nil), b...)
	if IsLargePage(len(page)) && len(out) >= largeTagFlagsLimit {
		bin.PutU16(out, 0, bin.U16(out, 0)&^TagFlagsMask)
	}
	return out, nil
}

// PutTag stores t as tag i of page. On small pages the flags go into the
// top 3 bits of the tag's offset word; on large pages into the top 3 bits
// of the node's first u16, so the node bytes must already be in place (a
// node shorter than 2 bytes cannot carry flags). The bits of the tag words
// outside the fields (the top 3 bits of the size word on small pages, the
// top bit of both words on large pages) are kept as they are: some engine
// versions leave stale bits there. i may be any index whose tag slot lies
// after the header; PutTag does not change TagState, and it checks that the
// node lies between the header and tag slot i.
func PutTag(page []byte, i int, t Tag) error {
	if err := checkPageLen(page); err != nil {
		return err
	}
	ps := len(page)
	if i < 0 || i >= (ps-HeaderSize(ps))/TagSize {
		return pageError(-1, "tag %d does not fit in a %d-byte page", i, ps)
	}
	end := dataEnd(ps, i+1)
	if t.Flags > 7 {
		return pageError(-1, "tag flags %#x do not fit in 3 bits", t.Flags)
	}
	mask := uint16(SmallTagMask)
	large := IsLargePage(ps)
	if large {
		mask = LargeTagMask
	}
	if t.Size > mask || t.Offset > mask || int(t.Offset)+int(t.Size) > end {
		return pageError(-1, "tag %d (ib %d, cb %d) does not fit in the data area (%d bytes)", i, t.Offset, t.Size, end)
	}
	pos := tagPos(ps, i)
	if large {
		if t.Size < largeTagFlagsLimit && t.Flags != 0 {
			return pageError(-1, "tag %d: a %d-byte node on a large page cannot carry flags", i, t.Size)
		}
		bin.PutU16(page, pos, bin.U16(page, pos)&^mask|t.Size)
		bin.PutU16(page, pos+2, bin.U16(page, pos+2)&^mask|t.Offset)
		if t.Size >= largeTagFlagsLimit {
			at := HeaderSize(ps) + int(t.Offset)
			bin.PutU16(page, at, bin.U16(page, at)&^TagFlagsMask|uint16(t.Flags)<<TagFlagsShift)
		}
		return nil
	}
	bin.PutU16(page, pos, bin.U16(page, pos)&^mask|t.Size)
	bin.PutU16(page, pos+2, t.Offset|uint16(t.Flags)<<TagFlagsShift)
	return nil
}
