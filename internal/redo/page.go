package redo

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// Short names for the page layout of package ese (the offsets of the
// page-header fields, the header and tag sizes, the tag bit fields).
const (
	pgDBTime    = ese.PageDBTimeOffset
	pgPrev      = ese.PagePrevOffset
	pgNext      = ese.PageNextOffset
	pgObjid     = ese.PageObjidOffset
	pgFree      = ese.PageFreeOffset
	pgUncFree   = ese.PageUncommittedOffset
	pgMicFree   = ese.PageFirstFreeOffset
	pgTagState  = ese.PageTagStateOffset
	pgFlags     = ese.PageFlagsOffset
	pgLargePgno = ese.PagePgnoOffset

	smallHeader = ese.SmallPageHeaderSize
	largeHeader = ese.LargePageHeaderSize
	tagBytes    = ese.TagSize

	tagCountMask   = ese.TagCountMask
	tagResvShift   = ese.TagReservedShift
	smallIbCbMask  = ese.SmallTagMask
	largeIbCbMask  = ese.LargeTagMask
	tagFlagShift   = ese.TagFlagsShift
	tagFlagMask    = ese.TagFlagsMask
	maxTagsPerPage = ese.TagCountMask
	smallPageLimit = ese.MaxSmallPageSize
)

// Page is one database page held in memory together with the operations the
// engine's CPAGE class performs on it: reading lines (tags and the nodes they
// point at), inserting, replacing and deleting lines, changing line flags,
// and compacting the data area. Every operation keeps the header's
// FreeBytes (cbFree), FirstFreeByte (ibMicFree) and tag count consistent,
// exactly as the engine does, so that a page rebuilt by replaying the same
// operations has the same bytes as the engine's.
//
// A Page never panics on hostile bytes: the first mutating or reading call
// checks the header and every tag against the page size and returns a
// FormatError wrapping ese.ErrDatabaseCorrupted when they do not fit.
type Page struct {
	b       []byte
	hdr     int
	large   bool
	checked bool
	// ReservedTagFormat makes tag-count updates store the reserved-tag count
	// in bits 12-14 of TagState (the JET_efvReservedTags database format).
	// When false, the legacy form (count only) is written unless the page
	// already carries a reserved-tag count, as the engine does.
	ReservedTagFormat bool
	// slot is the PageStore cache entry that holds the page (nil for a
	// page outside a store): MarkDirty finds it without a lookup.
	slot *cachedPage
}

// NewPage wraps b, a whole page of 2, 4, 8, 16 or 32 KiB. The page is used
// in place: every change is made to b.
func NewPage(b []byte) (*Page, error) {
	if !ese.ValidPageSize(len(b)) {
		return nil, ese.NewFormatError("database page", -1, ese.ErrDatabaseCorrupted, "page length %d is not a page size", len(b))
	}
	p := &Page{b: b, hdr: smallHeader}
	if len(b) > smallPageLimit {
		p.hdr, p.large = largeHeader, true
	}
	return p, nil
}

// Bytes returns the page buffer. Callers that change it directly must call
// Invalidate before using the Page's operations again.
func (p *Page) Bytes() []byte { return p.b }

// Invalidate makes the next operation re-check the page structure.
func (p *Page) Invalidate() { p.checked = false }

// Size returns the page size in bytes.
func (p *Page) Size() int { return len(p.b) }

// HeaderSize returns 40 on small pages and 80 on large pages.
func (p *Page) HeaderSize() int { return p.hdr }

// Large reports whether the page uses the large-page layout (16/32 KiB).
func (p *Page) Large() bool { return p.large }

// DBTime returns the page's dbtimeDirtied (offset 8).
func (p *Page) DBTime() uint64 { return bin.U64(p.b, pgDBTime) }

// SetDBTime stores the page's dbtimeDirtied.
func (p *Page) SetDBTime(t uint64) { bin.PutU64(p.b, pgDBTime, t) }

// Flags returns the page flags (offset 36).
func (p *Page) Flags() ese.PageFlags { return ese.PageFlags(bin.U32(p.b, pgFlags)) }

// SetFlags stores the page flags.
func (p *Page) SetFlags(f ese.PageFlags) { bin.PutU32(p.b, pgFlags, uint32(f)) }

// ObjidFDP returns the object id of the tree owning the page (offset 24).
func (p *Page) ObjidFDP() uint32 { return bin.U32(p.b, pgObjid) }

// PrevPage returns the left sibling (offset 16).
func (p *Page) PrevPage() uint32 { return bin.U32(p.b, pgPrev) }

// NextPage returns the right sibling (offset 20).
func (p *Page) NextPage() uint32 { return bin.U32(p.b, pgNext) }

// SetSiblings stores the left and right sibling page numbers.
func (p *Page) SetSiblings(prev, next uint32) {
	bin.PutU32(p.b, pgPrev, prev)
	bin.PutU32(p.b, pgNext, next)
}

// FreeBytes returns cbFree (offset 28).
func (p *Page) FreeBytes() int { return int(bin.U16(p.b, pgFree)) }

// UncommittedFreeBytes returns cbUncommittedFree (offset 30).
func (p *Page) UncommittedFreeBytes() int { return int(bin.U16(p.b, pgUncFree)) }

// FirstFreeByte returns ibMicFree (offset 32), counted from the end of the
// header.
func (p *Page) FirstFreeByte() int { return int(bin.U16(p.b, pgMicFree)) }

// TagCount returns the number of tags, reserved ones included (itagMicFree).
func (p *Page) TagCount() int { return int(bin.U16(p.b, pgTagState) & tagCountMask) }

// ReservedTags returns the number of reserved tags before the first line:
// the stored count, or 1 on legacy pages that store 0 (the external
// header). A pre-initialised page with no tags has none.
func (p *Page) ReservedTags() int {
	st := bin.U16(p.b, pgTagState)
	if st&tagCountMask == 0 && p.Flags()&ese.PagePreInit != 0 {
		return 0
	}
	if n := int(st >> tagResvShift & 7); n > 0 {
		return n
	}
	return 1
}

// Lines returns the number of lines (nodes) on the page, reserved tags
// excluded.
func (p *Page) Lines() int {
	n := p.TagCount() - p.ReservedTags()
	if n < 0 {
		return 0
	}
	return n
}

func (p *Page) ibcbMask() uint16 {
	if p.large {
		return largeIbCbMask
	}
	return smallIbCbMask
}

func (p *Page) tagPos(itag int) int { return len(p.b) - tagBytes*(itag+1) }

func (p *Page) tagCb(itag int) int { return int(bin.U16(p.b, p.tagPos(itag)) & p.ibcbMask()) }
func (p *Page) tagIb(itag int) int { return int(bin.U16(p.b, p.tagPos(itag)+2) & p.ibcbMask()) }

// setTagCb and setTagIb change only the masked bits, keeping the others, as
// TAG::SetCb and TAG::SetIb do.
func (p *Page) setTagCb(itag, cb int) {
	pos := p.tagPos(itag)
	m := p.ibcbMask()
	bin.PutU16(p.b, pos, bin.U16(p.b, pos)&^m|uint16(cb)&m)
}

func (p *Page) setTagIb(itag, ib int) {
	pos := p.tagPos(itag) + 2
	m := p.ibcbMask()
	bin.PutU16(p.b, pos, bin.U16(p.b, pos)&^m|uint16(ib)&m)
}

// tagFlags returns the node flags of itag: the top 3 bits of the tag's ib
// word on small pages, of the node's first u16 on large pages.
func (p *Page) tagFlags(itag int) uint8 {
	if !p.large {
		return uint8(bin.U16(p.b, p.tagPos(itag)+2) >> tagFlagShift)
	}
	if p.tagCb(itag) < 2 {
		return 0
	}
	return uint8(bin.U16(p.b, p.hdr+p.tagIb(itag)) >> tagFlagShift)
}

// setTagFlags follows TAG::SetFlags: on large pages the flags go into the
// node's first u16, except for tag 0 and nodes shorter than two bytes.
func (p *Page) setTagFlags(itag int, f uint8) {
	v := uint16(f&7) << tagFlagShift
	if !p.large {
		pos := p.tagPos(itag) + 2
		bin.PutU16(p.b, pos, bin.U16(p.b, pos)&^tagFlagMask|v)
		return
	}
	if itag == 0 || p.tagCb(itag) < 2 {
		return
	}
	at := p.hdr + p.tagIb(itag)
	bin.PutU16(p.b, at, bin.U16(p.b, at)&^tagFlagMask|v)
}

func (p *Page) setFreeBytes(n int)     { bin.PutU16(p.b, pgFree, uint16(n)) }
func (p *Page) setFirstFreeByte(n int) { bin.PutU16(p.b, pgMicFree, uint16(n)) }

// setTagCount stores itagMicFree, following CPAGE::SetITagState_.
func (p *Page) setTagCount(n int) {
	st := bin.U16(p.b, pgTagState)
	resv := int(st >> tagResvShift & 7)
	if p.ReservedTagFormat || resv > 0 {
		if resv == 0 {
			resv = 1
		}
		bin.PutU16(p.b, pgTagState, uint16(resv<<tagResvShift|n))
		return
	}
	bin.PutU16(p.b, pgTagState, uint16(n))
}

// dataArea returns the size of the data area when the page has no tags.
func (p *Page) dataArea() int { return len(p.b) - p.hdr }

// contiguousFree returns the bytes between ibMicFree and the tag array.
func (p *Page) contiguousFree() int {
	return p.dataArea() - p.FirstFreeByte() - tagBytes*p.TagCount()
}

func (p *Page) corrupt(format string, args ...any) error {
	return ese.NewFormatError("database page", -1, ese.ErrDatabaseCorrupted, format, args...)
}

// Check verifies the page structure: the tag array fits after the header,
// ibMicFree lies inside the data area, every tag's node lies inside
// [0, ibMicFree), no two nodes overlap, and FreeBytes equals the data area minus the tag array
// minus the sum of node sizes (docs/pages.md#tags). It is run automatically
// before the first operation.
func (p *Page) Check() error {
	n := p.TagCount()
	end := p.dataArea() - tagBytes*n
	if end < 0 {
		return p.corrupt("tag count %d does not fit in a %d-byte page", n, len(p.b))
	}
	mic := p.FirstFreeByte()
	if mic > end {
		return p.corrupt("first free byte %d is past the data area (%d bytes)", mic, end)
	}
	sum := 0
	for i := 0; i < n; i++ {
		ib, cb := p.tagIb(i), p.tagCb(i)
		if cb > 0 && ib+cb > mic {
			return p.corrupt("tag %d (ib %d, cb %d) runs past the first free byte %d", i, ib, cb, mic)
		}
		if ib > end {
			return p.corrupt("tag %d offset %d is past the data area", i, ib)
		}
		sum += cb
	}
	// No two nodes may share bytes (the engine enforces this when it
	// reorganises; an overlap would let one write corrupt another node).
	// The nodes sorted by offset, each as offset<<16 | tag number (offsets
	// fit in 15 bits, tag counts in 12), on the stack for pages of up to
	// 1,024 tags: a heap slice per page read was most of the garbage of a
	// recovery that evicts, and a plain integer sort costs a fraction of
	// one comparing through the tag array.
	var small [1024]uint32
	order := small[:0]
	if n > len(small) {
		order = make([]uint32, 0, n)
	}
	for i := 0; i < n; i++ {
		if p.tagCb(i) > 0 {
			order = append(order, uint32(p.tagIb(i))<<16|uint32(i))
		}
	}
	slices.Sort(order)
	for k := 1; k < len(order); k++ {
		a, b := int(order[k-1]&0xFFFF), int(order[k]&0xFFFF)
		if p.tagIb(a)+p.tagCb(a) > p.tagIb(b) {
			return p.corrupt("tags %d and %d overlap", a, b)
		}
	}
	if free := end - sum; free != p.FreeBytes() {
		return p.corrupt("free bytes %d, but the tags leave %d", p.FreeBytes(), free)
	}
	if p.UncommittedFreeBytes() > p.FreeBytes() {
		return p.corrupt("uncommitted free bytes %d exceed free bytes %d", p.UncommittedFreeBytes(), p.FreeBytes())
	}
	p.checked = true
	return nil
}

func (p *Page) ensure() error {
	if p.checked {
		return nil
	}
	return p.Check()
}

// Tag returns the offset (from the end of the header), size and node flags
// of tag itag.
func (p *Page) Tag(itag int) (ib, cb int, flags uint8, err error) {
	if err := p.ensure(); err != nil {
		return 0, 0, 0, err
	}
	if itag < 0 || itag >= p.TagCount() {
		return 0, 0, 0, p.corrupt("tag %d out of range (%d tags)", itag, p.TagCount())
	}
	return p.tagIb(itag), p.tagCb(itag), p.tagFlags(itag), nil
}

// TagBytes returns the raw bytes of tag itag's node (aliasing the page). On
// large pages the top 3 bits of the first u16 are the node flags.
func (p *Page) TagBytes(itag int) ([]byte, error) {
	ib, cb, _, err := p.Tag(itag)
	if err != nil {
		return nil, err
	}
	s := p.hdr + ib
	return p.b[s : s+cb : s+cb], nil
}

// ExternalHeader returns a copy of tag 0's bytes, or nil when the page has
// no tags.
func (p *Page) ExternalHeader() ([]byte, error) {
	b, err := p.externalHeaderView()
	if b == nil || err != nil {
		return nil, err
	}
	return append([]byte{}, b...), nil
}

// externalHeaderView is ExternalHeader without the copy: it aliases the
// page (read it before the page changes).
func (p *Page) externalHeaderView() ([]byte, error) {
	if err := p.ensure(); err != nil {
		return nil, err
	}
	if p.TagCount() == 0 {
		return nil, nil
	}
	return p.TagBytes(0)
}

func totalLen(parts [][]byte) int {
	n := 0
	for _, d := range parts {
		n += len(d)
	}
	return n
}

// copyIn writes parts at the node of itag and restores the node flags,
// following CPAGE::CopyData_ (tag 0 keeps its raw bytes).
func (p *Page) copyIn(itag int, parts [][]byte, flags uint8) {
	at := p.hdr + p.tagIb(itag)
	for _, d := range parts {
		at += copy(p.b[at:], d)
	}
	if itag != 0 {
		p.setTagFlags(itag, flags)
	}
}

// freeSpace makes cb contiguous bytes available after ibMicFree,
// compacting the data area when the free space is fragmented
// (CPAGE::FreeSpace_).
func (p *Page) freeSpace(cb int) error {
	if cb > p.FreeBytes() {
		return p.corrupt("need %d free bytes, page has %d", cb, p.FreeBytes())
	}
	if p.contiguousFree() < cb {
		if err := p.Reorganize(); err != nil {
			return err
		}
	}
	if p.contiguousFree() < cb {
		return p.corrupt("need %d contiguous bytes, page has %d after reorganisation", cb, p.contiguousFree())
	}
	return nil
}

// Reorganize compacts the data area: nodes are moved down, in order of
// their offsets, so that they are contiguous from the end of the header,
// and ibMicFree is set after the last one (CPAGE::ReorganizeData_). Bytes
// between the new ibMicFree and the tag array keep their old contents, as
// in the engine.
func (p *Page) Reorganize() error {
	if err := p.ensure(); err != nil {
		return err
	}
	n := p.TagCount()
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(p.tagIb(a), p.tagIb(b)) })
	dest := 0
	for _, it := range order {
		cb := p.tagCb(it)
		if cb != 0 {
			src := p.tagIb(it)
			if src < dest {
				return p.corrupt("tags overlap during reorganisation (tag %d)", it)
			}
			copy(p.b[p.hdr+dest:], p.b[p.hdr+src:p.hdr+src+cb])
		}
		p.setTagIb(it, dest)
		dest += cb
	}
	p.setFirstFreeByte(dest)
	return nil
}

// insertTag inserts a line at itag, moving later tags up (CPAGE::Insert_).
func (p *Page) insertTag(itag int, parts [][]byte, flags uint8) error {
	if err := p.ensure(); err != nil {
		return err
	}
	n := p.TagCount()
	if itag < 0 || itag > n {
		return p.corrupt("insert at tag %d, page has %d tags", itag, n)
	}
	if n >= maxTagsPerPage {
		return p.corrupt("page already has %d tags", n)
	}
	cb := totalLen(parts)
	if cb > int(p.ibcbMask()) {
		return p.corrupt("node of %d bytes is too large", cb)
	}
	if err := p.freeSpace(cb + tagBytes); err != nil {
		return err
	}
	// Expand the tag array: tags itag..n-1 move to itag+1..n (towards
	// lower addresses).
	if itag != n {
		copy(p.b[p.tagPos(n):], p.b[p.tagPos(n-1):p.tagPos(itag)+tagBytes])
	}
	p.setTagCount(n + 1)
	p.setTagCb(itag, 0)
	p.setTagIb(itag, 0)
	p.setTagFlags(itag, 0)
	mic := p.FirstFreeByte()
	p.setTagIb(itag, mic)
	p.setFirstFreeByte(mic + cb)
	p.setTagCb(itag, cb)
	p.setFreeBytes(p.FreeBytes() - cb - tagBytes)
	p.setTagFlags(itag, flags)
	p.copyIn(itag, parts, flags)
	return nil
}

// replaceTag replaces the bytes of line itag (CPAGE::Replace_): a node that
// shrinks, or the last node when the contiguous free space allows it, stays
// in place; a growing node is moved to ibMicFree, compacting first when
// needed.
func (p *Page) replaceTag(itag int, parts [][]byte, flags uint8) error {
	if err := p.ensure(); err != nil {
		return err
	}
	if itag < 0 || itag >= p.TagCount() {
		return p.corrupt("replace of tag %d, page has %d tags", itag, p.TagCount())
	}
	cb := totalLen(parts)
	if cb > int(p.ibcbMask()) {
		return p.corrupt("node of %d bytes is too large", cb)
	}
	old := p.tagCb(itag)
	diff := old - cb
	if -diff > p.FreeBytes() {
		return p.corrupt("node grows by %d bytes, page has %d free", -diff, p.FreeBytes())
	}
	// Copy parts out first: callers may pass slices of this page.
	buf := make([]byte, 0, cb)
	for _, d := range parts {
		buf = append(buf, d...)
	}
	last := p.tagIb(itag)+old == p.FirstFreeByte()
	if diff >= 0 || (last && p.contiguousFree() >= -diff) {
		if last {
			p.setFirstFreeByte(p.FirstFreeByte() - diff)
		}
		p.setFreeBytes(p.FreeBytes() + diff)
	} else {
		p.setFreeBytes(p.FreeBytes() + old)
		p.setTagIb(itag, 0)
		p.setTagCb(itag, 0)
		p.setTagFlags(itag, 0)
		if err := p.freeSpace(cb); err != nil {
			return err
		}
		mic := p.FirstFreeByte()
		p.setTagIb(itag, mic)
		p.setFirstFreeByte(mic + cb)
		p.setFreeBytes(p.FreeBytes() - cb)
	}
	p.setTagCb(itag, cb)
	// TAG::SetFlags: on small pages tag 0's flag bits are written too (as
	// 0 for the external header); on large pages tag 0 is left alone.
	p.setTagFlags(itag, flags)
	p.copyIn(itag, [][]byte{buf}, flags)
	return nil
}

// deleteTag removes line itag and its tag (CPAGE::Delete_). Space is
// reclaimed at once only when the node was the last one in the data area.
func (p *Page) deleteTag(itag int) error {
	if err := p.ensure(); err != nil {
		return err
	}
	n := p.TagCount()
	if itag < p.ReservedTags() || itag >= n {
		return p.corrupt("delete of tag %d, page has %d tags (%d reserved)", itag, n, p.ReservedTags())
	}
	ib, cb := p.tagIb(itag), p.tagCb(itag)
	if ib+cb == p.FirstFreeByte() {
		p.setFirstFreeByte(p.FirstFreeByte() - cb)
	}
	p.setFreeBytes(p.FreeBytes() + cb + tagBytes)
	p.setTagCount(n - 1)
	// Tags itag+1..n-1 move down to itag..n-2 (towards higher addresses);
	// the old last slot keeps its bytes.
	if itag < n-1 {
		copy(p.b[p.tagPos(n-2):], p.b[p.tagPos(n-1):p.tagPos(itag+1)+tagBytes])
	}
	if p.FreeBytes()+tagBytes+p.hdr == len(p.b) {
		p.setFirstFreeByte(0)
	}
	return nil
}

// lineTag converts a line number to a tag index, checking the range.
func (p *Page) lineTag(iline int) (int, error) {
	if err := p.ensure(); err != nil {
		return 0, err
	}
	if iline < 0 || iline >= p.Lines() {
		return 0, p.corrupt("line %d out of range (page has %d lines)", iline, p.Lines())
	}
	return iline + p.ReservedTags(), nil
}

// LineFlags returns the node flags of line iline.
func (p *Page) LineFlags(iline int) (uint8, error) {
	it, err := p.lineTag(iline)
	if err != nil {
		return 0, err
	}
	return p.tagFlags(it), nil
}

// SetLineFlags sets the node flags of line iline (CPAGE::ReplaceFlags).
func (p *Page) SetLineFlags(iline int, flags uint8) error {
	it, err := p.lineTag(iline)
	if err != nil {
		return err
	}
	if flags > 7 {
		return fmt.Errorf("recovery: node flags %#x do not fit in 3 bits", flags)
	}
	p.setTagFlags(it, flags)
	return nil
}

// InsertLine inserts raw node bytes as line iline with the given flags;
// lines at and after iline move up by one (CPAGE::Insert).
func (p *Page) InsertLine(iline int, node []byte, flags uint8) error {
	if err := p.ensure(); err != nil {
		return err
	}
	if iline < 0 || iline > p.Lines() {
		return p.corrupt("insert at line %d, page has %d lines", iline, p.Lines())
	}
	return p.insertTag(iline+p.ReservedTags(), [][]byte{node}, flags&7)
}

// ReplaceLine replaces the raw bytes and flags of line iline
// (CPAGE::Replace).
func (p *Page) ReplaceLine(iline int, node []byte, flags uint8) error {
	it, err := p.lineTag(iline)
	if err != nil {
		return err
	}
	return p.replaceTag(it, [][]byte{node}, flags&7)
}

// DeleteLine removes line iline; later lines move down (CPAGE::Delete).
func (p *Page) DeleteLine(iline int) error {
	it, err := p.lineTag(iline)
	if err != nil {
		return err
	}
	return p.deleteTag(it)
}

// SetExternalHeaderBytes replaces tag 0 (CPAGE::SetExternalHeader). The
// page must have at least one tag.
func (p *Page) SetExternalHeaderBytes(data []byte) error {
	if err := p.ensure(); err != nil {
		return err
	}
	if p.TagCount() == 0 {
		return p.corrupt("page has no external header tag")
	}
	return p.replaceTag(0, [][]byte{data}, 0)
}
