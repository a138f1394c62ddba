package eselog

import (
	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// SegmentHeaderSize is the size of LGSEGHDR, the header at the start of
// every data segment of a modern log. Records start right after it.
const SegmentHeaderSize = 40

// SegmentFlagNewChecksum is the bit of SegmentHeader.Flags that selects the
// XOR+ECC checksum; the writer always sets it.
const SegmentFlagNewChecksum = 0x2000

// minFragmentSize is LOG_MIN_FRAGMENT_SIZE: a record that does not fit in
// the rest of a segment is fragmented only when at least this many bytes
// remain; otherwise the rest is NOP-filled.
const minFragmentSize = 32

// SegmentHeader is LGSEGHDR, the first 40 bytes of every data segment of a
// modern (major 8) log (docs/logs.md#segment-header). Offsets are from the start of
// the segment.
type SegmentHeader struct {
	// Checksum is the stored 64-bit checksum of the whole 4096-byte
	// segment (+0): XOR+ECC (ese.XEChecksum) with the segment's sector index
	// as page number.
	Checksum uint64
	// Pos is the segment's own position (+8): (generation, sector, 0).
	Pos ese.LogPos
	// StartTime is when the first byte of the segment was filled (+16);
	// may be zero. The engine uses it only to throttle replay.
	StartTime ese.LogTime
	// Reserved (+24, 12 bytes), zero.
	Reserved [12]byte
	// Flags (+36, u32): SegmentFlagNewChecksum.
	Flags uint32
}

// DecodeSegmentHeader decodes the first 40 bytes of b. It returns an error
// wrapping ese.ErrLogFileCorrupt if b is shorter.
func DecodeSegmentHeader(b []byte) (SegmentHeader, error) {
	if len(b) < SegmentHeaderSize {
		return SegmentHeader{}, ese.NewFormatError("log segment header", int64(len(b)), ese.ErrLogFileCorrupt, "needs %d bytes, have %d", SegmentHeaderSize, len(b))
	}
	var h SegmentHeader
	h.Checksum = bin.U64(b, 0)
	h.Pos = ese.DecodeLogPos(b[8:])
	h.StartTime = ese.DecodeLogTime(b[16:])
	copy(h.Reserved[:], b[24:36])
	h.Flags = bin.U32(b, 36)
	return h, nil
}

// Put stores h in b[0:40]. It does not compute the checksum: after filling
// the segment, call ese.SetPageChecksum(segment, sector).
func (h SegmentHeader) Put(b []byte) {
	bin.PutU64(b, 0, h.Checksum)
	h.Pos.Put(b[8:])
	h.StartTime.Put(b[16:])
	copy(b[24:36], h.Reserved[:])
	bin.PutU32(b, 36, h.Flags)
}

// SegmentState is what the end-of-log scan found in one sector of a modern
// log (docs/logs.md#end-of-data), or in a legacy log's sector.
type SegmentState uint8

// Segment states.
const (
	// SegUnscanned: not examined (the header, or a sector past a fatal
	// error).
	SegUnscanned SegmentState = iota
	// SegHeader: part of the 4096-byte file header.
	SegHeader
	// SegValid: checksum good with its own index and the expected
	// position: a segment of log data.
	SegValid
	// SegCorrected: like SegValid after the ECC repaired one flipped bit
	// (the engine does the same and logs an event).
	SegCorrected
	// SegRepaired: the segment was torn and its shadow copy in the next
	// sector replaces it (the engine's "using shadow sector" repair).
	SegRepaired
	// SegShadow: a shadow copy of the previous segment (checksum good only
	// with the previous index). Counts as empty.
	SegShadow
	// SegStale: checksum good but its position is older than expected: data
	// of an earlier generation in a recycled file. Counts as empty.
	SegStale
	// SegZero: all zero (never written since the file was formatted).
	// Counts as empty.
	SegZero
	// SegReserved: the last sector of the file, which never holds primary
	// data (room for the shadow of the last data segment).
	SegReserved
	// SegPattern: legacy logs only, the 0xDA log-extend fill pattern.
	SegPattern
	// SegData: legacy logs only, a sector holding (part of) the record
	// stream.
	SegData
	// SegTail: legacy logs only, a sector after the end of data that is
	// neither pattern nor data (a shadow sector or the unused rest).
	SegTail
)

var segStateNames = [...]string{"unscanned", "header", "valid", "corrected", "repaired", "shadow", "stale", "zero", "reserved", "pattern", "data", "tail"}

func (s SegmentState) String() string {
	if int(s) < len(segStateNames) {
		return segStateNames[s]
	}
	return "SegmentState(?)"
}

// HasData reports whether a sector in state s holds log data that the
// record reader uses.
func (s SegmentState) HasData() bool {
	return s == SegValid || s == SegCorrected || s == SegRepaired || s == SegData
}

// checkSegment verifies seg (4096 bytes) as sector pgno. On an ECC-
// correctable single-bit error it repairs seg in place and reports
// corrected. ok is false when the checksum does not match.
func checkSegment(seg []byte, pgno uint32) (ok, corrected bool) {
	if ese.ComputePageChecksums(seg, pgno).OK() {
		return true, false
	}
	if _, fixed := ese.CorrectPage(seg, pgno); fixed {
		return true, true
	}
	return false, false
}
