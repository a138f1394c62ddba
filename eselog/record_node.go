package eselog

import (
	"encoding/binary"

	"github.com/esekit/esekit/internal/bin"
)

// Insert (29) inserts a node at Line: LRNODE_ + u16 cbSuffix@44, u16
// cbPrefix@46, u16 cbData@48, then the key prefix, key suffix and data.
type Insert struct {
	NodeHeader
	// KeyPrefix is the part of the key shared with the page's prefix
	// (cbPrefix@46 bytes, first in the payload @50). The node stores only
	// its length.
	KeyPrefix []byte
	// KeySuffix is the rest of the key (cbSuffix@44 bytes).
	KeySuffix []byte
	// Data is the node's data (cbData@48 bytes).
	Data []byte
}

// Key returns the whole key: prefix then suffix.
func (r *Insert) Key() []byte {
	k := make([]byte, 0, len(r.KeyPrefix)+len(r.KeySuffix))
	return append(append(k, r.KeyPrefix...), r.KeySuffix...)
}

// FlagInsert (30) clears the deleted flag of the node at Line: LRNODE_ +
// u16 cbKey@44, u16 cbData@46, then key and data (the after-image).
type FlagInsert struct {
	NodeHeader
	// Key is the node's key (cbKey@44 bytes, @48).
	Key []byte
	// Data is the node's data (cbData@46 bytes).
	Data []byte
}

// FlagInsertAndReplaceData (31) un-deletes the node at Line and replaces
// its data: LRNODE_ + u16 cbKey@44, u16 cbData@46, u32 rceidReplace@48,
// then key and data @52. The key on the page is kept.
type FlagInsertAndReplaceData struct {
	NodeHeader
	// RCEIDReplace is the version-store id of the replace (+48).
	RCEIDReplace uint32
	// Key is the node's key (cbKey@44 bytes, @52).
	Key []byte
	// Data is the new data (cbData@46 bytes).
	Data []byte
}

// FlagDelete (32) sets the deleted flag of the node at Line. It is LRNODE_
// alone (44 bytes).
type FlagDelete struct{ NodeHeader }

// Delete (35) physically removes the node at Line (written by version
// cleanup). It is LRNODE_ alone (44 bytes).
type Delete struct{ NodeHeader }

// Replace is Replace (33) and ReplaceD (34): LRNODE_ + u16 cb@44 (bits
// 0-14 the payload length, bit 15 set when ReplaceD's diff uses DIFFHDR2),
// u16 cbOldData@46, u16 cbNewData@48, payload@50. For Replace the payload
// is the new data; for ReplaceD it is a diff against the node's current
// data (see ApplyDiff and AfterImage).
type Replace struct {
	NodeHeader
	// Diff2 is bit 15 of cb (+44): the diff's entries use DIFFHDR2.
	Diff2 bool
	// CbOldData is the size of the data before the change (+46); may be 0.
	CbOldData uint16
	// CbNewData is the size of the data after the change (+48).
	CbNewData uint16
	// Payload is the after-image (Replace) or the diff (ReplaceD), @50.
	// Its length is cb&0x7FFF.
	Payload []byte
}

// replacePayload is the payload of Replace and ReplaceD, whose u16
// length at off also carries the DIFFHDR2 flag in bit 15. Encoding cuts a
// payload longer than 0x7FFF bytes to that length.
func (c *codec) replacePayload(off int, diff2 *bool, v *[]byte) {
	if !c.enc {
		cb := bin.U16(c.b, off)
		*diff2 = cb&^replaceCbMask != 0
		*v = c.take(int(cb & replaceCbMask))
		return
	}
	p := *v
	if len(p) > replaceCbMask {
		p = p[:replaceCbMask]
	}
	cb := uint16(len(p))
	if *diff2 {
		cb |= 0x8000
	}
	bin.PutU16(c.window(off, 2), 0, cb)
	c.b = append(c.b, p...)
}

// replaceInline is the longest payload decodeReplaceOwned keeps in the
// record's own allocation (a ReplaceD diff of one short entry is a few
// bytes; 40 bytes make the box 144 bytes, one of the allocator's sizes).
const replaceInline = 40

// replaceBox is a Replace and the bytes of a short payload, allocated
// together.
type replaceBox struct {
	r   Replace
	buf [replaceInline]byte
}

// decodeReplaceOwned is DecodeRecord's decoder for Replace and ReplaceD:
// b is one whole record that the caller keeps (a reader's buffer), so the
// payload is copied, a short one into the same allocation as the record.
func decodeReplaceOwned(b []byte, base RecordBase) Record {
	box := new(replaceBox)
	r := &box.r
	r.decode(b, base)
	if n := len(r.Payload); n <= replaceInline {
		copy(box.buf[:], r.Payload)
		r.Payload = box.buf[:n:n]
	} else {
		r.Payload = append(make([]byte, 0, n), r.Payload...)
	}
	return r
}

// IsDiff reports whether the payload is a diff (ReplaceD).
func (r *Replace) IsDiff() bool { return r.Lrtyp == RecReplaceD }

// AfterImage returns the node's data after the change, given its data
// before: the payload itself for Replace, the diff applied for ReplaceD.
// The result's length must equal CbNewData, as the engine checks; otherwise
// the error wraps ese.ErrLogCorrupted.
func (r *Replace) AfterImage(old []byte) ([]byte, error) {
	if !r.IsDiff() {
		return append([]byte(nil), r.Payload...), nil
	}
	return ApplyDiff(old, r.Payload, r.Diff2, int(r.CbNewData))
}

// ApplyInPlace is AfterImage for the common ReplaceD that changes bytes
// without moving any: when CbOldData equals CbNewData, data (the node's
// current data) is CbNewData bytes long and every diff entry replaces as
// many bytes as it writes, the new bytes are written straight into data
// and it reports true; data then holds exactly what AfterImage(data) would
// have returned. In every other case (Replace, a size change, an insert or
// deletion entry, a diff that AfterImage would reject) it changes nothing
// and reports false, and the caller uses AfterImage, which gives the
// after-image or the error. The whole diff is checked before any byte is
// written.
func (r *Replace) ApplyInPlace(data []byte) bool {
	if !r.IsDiff() || r.CbOldData != r.CbNewData || len(data) != int(r.CbNewData) {
		return false
	}
	diff := r.Payload
	// First pass: the checks ApplyDiff makes (entries well formed, offsets
	// never going back, every replaced range inside data), plus the
	// same-length condition. With them ApplyDiff's result is data with
	// each entry's range overwritten, of length len(data) = CbNewData, so
	// its length and size checks hold too. The first entries are kept so
	// that a short diff (nearly all of them) is parsed once.
	var kept [4]DiffEntry
	var spare DiffEntry
	n, cur := 0, 0
	for p := 0; p < len(diff); {
		e := &spare
		if n < len(kept) {
			e = &kept[n]
		}
		next, err := parseDiffEntry(e, diff, p, r.Diff2)
		if err != nil || e.OldLen != len(e.New) || e.Offset < cur || e.Offset > len(data) || e.Offset+e.OldLen > len(data) {
			return false
		}
		n++
		cur = e.Offset + e.OldLen
		p = next
	}
	if n <= len(kept) {
		for i := range kept[:n] {
			copy(data[kept[i].Offset:], kept[i].New)
		}
		return true
	}
	for p := 0; p < len(diff); {
		next, _ := parseDiffEntry(&spare, diff, p, r.Diff2)
		copy(data[spare.Offset:], spare.New)
		p = next
	}
	return true
}

// UndoInfo (36) is a deferred before-image: LRNODE_ (dbtimes nil) + u16
// cbBmKey@44, u16 cbBmData@46, u16 oper@48, i16 cbMaxSize@50, i16
// cbDelta@52, u16 cbData@54, then bookmark key, bookmark data and cbData
// bytes of before-image.
type UndoInfo struct {
	NodeHeader
	// Oper is the operation to undo (+48): 2 Replace, 3 FlagDelete.
	Oper uint16
	// CbMaxSize is the replace's maximum size (+50).
	CbMaxSize int16
	// CbDelta is the replace's size change (+52).
	CbDelta int16
	// BookmarkKey is the node's key (cbBmKey@44 bytes, @56).
	BookmarkKey []byte
	// BookmarkData is the bookmark data (cbBmData@46 bytes; non-unique
	// trees only).
	BookmarkData []byte
	// Data is the before-image (cbData@54 bytes).
	Data []byte
}

// UndoInfo operations (the version store's oper values).
const (
	OperReplace    = 2
	OperFlagDelete = 3
)

// Delta is Delta (37) and Delta64 (93): add Delta to the little-endian
// integer at Offset inside the node's data. LRNODE_ + u16 cbBmKey@44, u16
// cbBmData@46, delta@48 (i32 for Delta, i64 for Delta64), u16 cbOffset
// (@52, or @56 for Delta64), then bookmark key and data.
type Delta struct {
	NodeHeader
	// Delta is the signed amount to add (+48; 4 or 8 bytes).
	Delta int64
	// Offset is the counter's offset in the node's data (cbOffset).
	Offset uint16
	// BookmarkKey is the node's key (cbBmKey@44 bytes).
	BookmarkKey []byte
	// BookmarkData is the bookmark data (cbBmData@46 bytes).
	BookmarkData []byte
}

// Is64 reports whether this is a Delta64 record.
func (r *Delta) Is64() bool { return r.Lrtyp == RecDelta64 }

// Apply adds the delta to the counter at Offset in data, in place, as the
// engine's redo does (wrapping). It reports false when data is too short.
func (r *Delta) Apply(data []byte) bool {
	off := int(r.Offset)
	if r.Is64() {
		if off+8 > len(data) {
			return false
		}
		binary.LittleEndian.PutUint64(data[off:], binary.LittleEndian.Uint64(data[off:])+uint64(r.Delta))
		return true
	}
	if off+4 > len(data) {
		return false
	}
	binary.LittleEndian.PutUint32(data[off:], binary.LittleEndian.Uint32(data[off:])+uint32(r.Delta))
	return true
}

// SetExternalHeader (38) replaces the page's external header (tag 0):
// LRNODE_ + u16 cbData@44, data@46.
type SetExternalHeader struct {
	NodeHeader
	// Data is the new external header (cbData@44 bytes, @46).
	Data []byte
}

// Undo (39) is the physical undo of one versioned operation during a
// rollback: LRNODE_ + u16 cbBmKey@44, u16 cbBmData@46, u16 oper@48, u8
// level@50, then bookmark key and data. The before-image is not in the
// record: it comes from the version store.
type Undo struct {
	NodeHeader
	// Oper is the operation undone (+48).
	Oper uint16
	// UndoLevel is the transaction level undone (+50).
	UndoLevel uint8
	// BookmarkKey is the node's key (cbBmKey@44 bytes, @51).
	BookmarkKey []byte
	// BookmarkData is the bookmark data (cbBmData@46 bytes).
	BookmarkData []byte
}

// Scrub (64) zeroes deleted or unused data on a page: LRNODE_ + u32
// flags@44 (0x1 unused page), u32 cScrubOper@48, u16 cbData@52, then cbData
// bytes (one operation byte per line: 0 none, 1 scrub data, 2 scrub LV).
type Scrub struct {
	NodeHeader
	// ScrubFlags (+44): ScrubUnusedPage.
	ScrubFlags uint32
	// ScrubOpers is the count of scrub operations (+48).
	ScrubOpers uint32
	// Data holds the per-line operations (cbData@52 bytes, @54).
	Data []byte
}

// ScrubUnusedPage is the Scrub flag for a page that is unused as a whole.
const ScrubUnusedPage = 0x1

// EmptyPage is one EMPTYPAGE entry of an EmptyTree record (16 bytes).
type EmptyPage struct {
	// Before is the page's dbtime expected before (+0).
	Before uint64
	// Pgno is the page (+8).
	Pgno uint32
	// Flags are the page's flags (+12).
	Flags uint32
}

// EmptyTree (48) empties a B-tree: LRNODE_ + u16 cbEmptyPageList@44, then
// 16-byte EMPTYPAGE entries. The root (the header's page and dbtimes)
// becomes an empty tree and each listed page is emptied.
type EmptyTree struct {
	NodeHeader
	// Pages are the listed pages.
	Pages []EmptyPage
	// Tail holds bytes of the list past its last whole 16-byte entry
	// (never written by the engine; kept for an exact round trip).
	Tail []byte
}

// PagesTouched returns the root (under the header's dbtimeBefore) and each
// listed page (under its own).
func (r *EmptyTree) PagesTouched() []PageTouch {
	t := make([]PageTouch, 0, 1+len(r.Pages))
	t = append(t, PageTouch{r.PageNumber, r.Before, false})
	for _, p := range r.Pages {
		t = append(t, PageTouch{p.Pgno, p.Before, false})
	}
	return t
}
