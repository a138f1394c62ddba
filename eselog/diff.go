package eselog

import (
	"fmt"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// A ReplaceD payload is a sequence of diff entries, each describing one
// change to the node's old data (the engine's DIFFHDR/DIFFHDR2, logdiff.cxx
// ErrLGGetAfterImage):
//
//	header   DIFFHDR  (2 bytes): bits 0-12 offset in the old image,
//	                  0x2000 same length, 0x4000 insert, 0x8000 two-byte lengths
//	         DIFFHDR2 (3 bytes, when Replace.Diff2): u16 offset, u8 flags
//	                  0x20 same length, 0x40 insert, 0x80 two-byte lengths
//	new length       1 byte, or 2 with the two-byte flag
//	old length       only when neither insert nor same length; 1 or 2 bytes
//	new bytes        new length bytes
//
// Offsets are absolute in the old image and never go backwards.

// Diff header flags in their DIFFHDR2 (one byte) form; DIFFHDR holds the
// same bits shifted left by 8.
const (
	DiffSameLength = 0x20 // replace with the same length (no old length)
	DiffInsert     = 0x40 // insert (no old length, nothing skipped)
	DiffTwoByte    = 0x80 // lengths are u16 instead of u8
)

// diffOffsetMask is the offset field of a DIFFHDR (13 bits).
const diffOffsetMask = 0x1FFF

// DiffEntry is one decoded diff entry.
type DiffEntry struct {
	// Offset is the position in the old image where the change applies.
	Offset int
	// Flags are the DiffSameLength/DiffInsert/DiffTwoByte bits as stored
	// (for DIFFHDR2, the whole flags byte).
	Flags uint8
	// OldLen is the number of old bytes replaced: 0 for an insert, len(New)
	// for a same-length replace, the stored old length otherwise.
	OldLen int
	// New are the bytes written in their place (empty for a deletion).
	New []byte
}

func diffCorrupt(off int, format string, args ...any) error {
	return ese.NewFormatError("ReplaceD diff", int64(off), ese.ErrLogFileCorrupt, format, args...)
}

// ParseDiff splits a ReplaceD payload into its entries. diffHdr2 selects
// the 3-byte DIFFHDR2 headers (Replace.Diff2). The entries alias diff.
// A truncated entry gives an error wrapping ese.ErrLogFileCorrupt.
func ParseDiff(diff []byte, diffHdr2 bool) ([]DiffEntry, error) {
	var out []DiffEntry
	for p := 0; p < len(diff); {
		var e DiffEntry
		n, err := parseDiffEntry(&e, diff, p, diffHdr2)
		if err != nil {
			return out, err
		}
		out = append(out, e)
		p = n
	}
	return out, nil
}

// diffLength reads a length of a diff entry at diff[p:] (u16 when
// twoByte, else u8) and returns it with the offset after it.
func diffLength(diff []byte, p int, twoByte bool) (int, int, bool) {
	if twoByte {
		if p+2 > len(diff) {
			return 0, 0, false
		}
		return int(bin.U16(diff, p)), p + 2, true
	}
	if p+1 > len(diff) {
		return 0, 0, false
	}
	return int(diff[p]), p + 1, true
}

// parseDiffEntry decodes the entry at diff[p:] into e (filled in place:
// an entry returned by value is copied through memory on every call of the
// replay's hot path) and returns the offset of the next entry.
func parseDiffEntry(e *DiffEntry, diff []byte, p int, diffHdr2 bool) (int, error) {
	start := p
	if diffHdr2 {
		if p+3 > len(diff) {
			return 0, diffCorrupt(start, "DIFFHDR2 runs past the diff (%d bytes)", len(diff))
		}
		e.Offset = int(bin.U16(diff, p))
		e.Flags = diff[p+2]
		p += 3
	} else {
		if p+2 > len(diff) {
			return 0, diffCorrupt(start, "DIFFHDR runs past the diff (%d bytes)", len(diff))
		}
		h := bin.U16(diff, p)
		e.Offset = int(h & diffOffsetMask)
		e.Flags = uint8(h>>8) & (DiffSameLength | DiffInsert | DiffTwoByte)
		p += 2
	}
	cbNew, q, ok := diffLength(diff, p, e.Flags&DiffTwoByte != 0)
	if !ok {
		return 0, diffCorrupt(start, "diff entry length runs past the diff")
	}
	p = q
	switch {
	case e.Flags&DiffInsert != 0:
		e.OldLen = 0
	case e.Flags&DiffSameLength != 0:
		e.OldLen = cbNew
	default:
		if e.OldLen, p, ok = diffLength(diff, p, e.Flags&DiffTwoByte != 0); !ok {
			return 0, diffCorrupt(start, "diff entry old length runs past the diff")
		}
	}
	if p+cbNew > len(diff) {
		return 0, diffCorrupt(start, "diff entry of %d new bytes runs past the diff", cbNew)
	}
	e.New = diff[p : p+cbNew : p+cbNew]
	return p + cbNew, nil
}

// AnyLength, passed as ApplyDiff's cbNew, skips the check of the result's
// length against the record's cbNewData: the engine itself only asserts
// that check (logredo.cxx) and, in retail builds, accepts any after-image
// shorter than a page. The result is then bounded by MaxAfterImage.
const AnyLength = -1

// MaxAfterImage bounds the after-image ApplyDiff builds when called with
// AnyLength: the largest node data a 32 KiB page can hold is well below it.
const MaxAfterImage = 0xFFFF

// ApplyDiff computes a node's data after a ReplaceD from its data before
// (old) and the record's diff, as the engine's redo does. diffHdr2 selects
// DIFFHDR2 headers (Replace.Diff2). cbNew is the record's cbNewData: the
// result never grows past it, and a result of another length is an error
// wrapping ese.ErrLogCorrupted (docs/log-records.md#diff-format; stricter than a retail
// engine, see AnyLength). A diff that is malformed or reaches outside old
// gives an error wrapping ese.ErrLogFileCorrupt (the engine's checks in
// ErrLGGetAfterImage).
func ApplyDiff(old []byte, diff []byte, diffHdr2 bool, cbNew int) ([]byte, error) {
	limit := cbNew
	switch {
	case cbNew == AnyLength:
		limit = MaxAfterImage
	case cbNew < 0 || cbNew > MaxAfterImage:
		return nil, ese.NewFormatError("ReplaceD diff", -1, ese.ErrLogCorrupted, "new data size %d out of range", cbNew)
	}
	out := make([]byte, 0, min(limit, len(old)+len(diff)))
	grow := func(b []byte, at int) error {
		if len(out)+len(b) > limit {
			return ese.NewFormatError("ReplaceD diff", int64(at), ese.ErrLogCorrupted,
				"after-image exceeds %d bytes", limit)
		}
		out = append(out, b...)
		return nil
	}
	cur := 0 // next unread byte of old
	for p := 0; p < len(diff); {
		var e DiffEntry
		next, err := parseDiffEntry(&e, diff, p, diffHdr2)
		if err != nil {
			return nil, err
		}
		if e.Offset < cur {
			return nil, diffCorrupt(p, "diff offset %d goes back before %d", e.Offset, cur)
		}
		if e.Offset > len(old) {
			return nil, diffCorrupt(p, "diff offset %d is past the %d-byte old image", e.Offset, len(old))
		}
		if err := grow(old[cur:e.Offset], p); err != nil {
			return nil, err
		}
		cur = e.Offset
		if cur+e.OldLen > len(old) {
			return nil, diffCorrupt(p, "diff replaces %d bytes at %d, past the %d-byte old image", e.OldLen, cur, len(old))
		}
		if err := grow(e.New, p); err != nil {
			return nil, err
		}
		cur += e.OldLen
		p = next
	}
	if err := grow(old[cur:], len(diff)); err != nil {
		return nil, err
	}
	if cbNew != AnyLength && len(out) != cbNew {
		return nil, ese.NewFormatError("ReplaceD diff", -1, ese.ErrLogCorrupted,
			"after-image is %d bytes, the record announces %d", len(out), cbNew)
	}
	return out, nil
}

// AppendDiff appends the encoding of entries to dst, DIFFHDR2 form when
// diffHdr2 is set. Each entry is written with its Flags; the two-byte flag
// is added when a length does not fit in one byte. In DIFFHDR form offsets
// above 0x1FFF cannot be expressed; they, and lengths above 0xFFFF, give an
// error wrapping ese.ErrInvalidParameter.
func AppendDiff(dst []byte, entries []DiffEntry, diffHdr2 bool) ([]byte, error) {
	for i, e := range entries {
		flags := e.Flags
		if !diffHdr2 {
			flags &= DiffSameLength | DiffInsert | DiffTwoByte
		}
		if len(e.New) > 0xFF || (flags&(DiffInsert|DiffSameLength) == 0 && e.OldLen > 0xFF) {
			flags |= DiffTwoByte
		}
		if len(e.New) > 0xFFFF || e.OldLen > 0xFFFF || e.OldLen < 0 || e.Offset < 0 {
			return dst, fmt.Errorf("eselog: diff entry %d: length out of range: %w", i, ese.ErrInvalidParameter)
		}
		if diffHdr2 {
			if e.Offset > 0xFFFF {
				return dst, fmt.Errorf("eselog: diff entry %d: offset %d out of range: %w", i, e.Offset, ese.ErrInvalidParameter)
			}
			dst = append(dst, byte(e.Offset), byte(e.Offset>>8), flags)
		} else {
			if e.Offset > diffOffsetMask {
				return dst, fmt.Errorf("eselog: diff entry %d: offset %d does not fit a DIFFHDR: %w", i, e.Offset, ese.ErrInvalidParameter)
			}
			h := uint16(e.Offset) | uint16(flags)<<8
			dst = append(dst, byte(h), byte(h>>8))
		}
		putLen := func(v int) {
			if flags&DiffTwoByte != 0 {
				dst = append(dst, byte(v), byte(v>>8))
			} else {
				dst = append(dst, byte(v))
			}
		}
		putLen(len(e.New))
		if flags&(DiffInsert|DiffSameLength) == 0 {
			putLen(e.OldLen)
		}
		dst = append(dst, e.New...)
	}
	return dst, nil
}

// String describes the entry briefly, without its bytes:
// "rep=@20 new8 old8", "ins=@4 new2", "del=@9 old3".
func (e DiffEntry) String() string {
	switch {
	case e.Flags&DiffInsert != 0:
		return fmt.Sprintf("ins=@%d new%d", e.Offset, len(e.New))
	case len(e.New) == 0:
		return fmt.Sprintf("del=@%d old%d", e.Offset, e.OldLen)
	}
	return fmt.Sprintf("rep=@%d new%d old%d", e.Offset, len(e.New), e.OldLen)
}
