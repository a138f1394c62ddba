package eselog

import (
	"hash/crc32"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// scanChunkSegments is how many segments the scanners, and the modern
// reader, read per ReadAt.
const scanChunkSegments = 16

// scanModern finds the end of valid data of a modern log exactly as the
// engine's ErrLGCheckReadLastLogRecordFF does (docs/logs.md#end-of-data), filling
// l.States, l.End, l.AccumulatedChecksum, l.ClosedNormally and l.LastTerm.
// It reads the file in fixed-size chunks. A corrupt tail gives an error
// wrapping ese.ErrLogFileCorrupt; l.End then still marks the end of the
// valid segments before it.
//
// sc, when not nil, supplies the read buffers and may skip the clean-close
// test (sc.skipClose); nil allocates them.
func (l *Log) scanModern(sc *scanScratch) error {
	if sc == nil {
		sc = &scanScratch{}
	}
	h := l.Header
	gen := h.Generation
	first := h.DataSectors() // csecHeader as the engine computes it
	last := int(h.FileSectors) - 1
	l.States = make([]SegmentState, h.FileSectors)
	l.segCRC = make([]uint32, h.FileSectors)
	for i := 0; i < first && i < len(l.States); i++ {
		l.States[i] = SegHeader
	}
	if last >= first {
		l.States[last] = SegReserved
	}
	l.End = ese.LogPos{Generation: gen, Sector: uint16(first)}
	zeroFilled := h.VersionMajor > 8 || (h.VersionMajor == 8 && (h.VersionMinor > 4000 || (h.VersionMinor == 4000 && h.VersionUpdateMajor >= 2)))

	buf := sc.chunk()
	spare := sc.segment()
	chunkStart, chunkN := -1, 0
	get := func(isec int) ([]byte, error) {
		if isec < chunkStart || isec >= chunkStart+chunkN {
			n := min(scanChunkSegments, int(h.FileSectors)-isec)
			if n <= 0 {
				return nil, l.corrupt(isec, "sector is past the end of the file")
			}
			chunkStart, chunkN = -1, 0
			if err := l.readFull(int64(isec)*SegmentSize, buf[:n*SegmentSize]); err != nil {
				return nil, err
			}
			chunkStart, chunkN = isec, n
		}
		return buf[(isec-chunkStart)*SegmentSize : (isec-chunkStart+1)*SegmentSize], nil
	}

	emptySeen := false
	lastValid := first - 1
	var acc uint64
	// Also on a corrupt tail: the XOR of the valid segments before it.
	defer func() { l.AccumulatedChecksum = acc }()
	for isec := first; isec < last; isec++ {
		seg, err := get(isec)
		if err != nil {
			l.setEnd(lastValid)
			return err
		}
		want := ese.LogPos{Generation: gen, Sector: uint16(isec)}
		ok, corrected := checkSegment(seg, uint32(isec))
		if ok {
			pos := ese.DecodeLogPos(seg[8:])
			switch c := pos.Compare(want); {
			case c < 0:
				l.States[isec] = SegStale
				emptySeen = true
				continue
			case c > 0:
				l.setEnd(lastValid)
				return l.corrupt(isec, "bad segment position %v, expected %v", pos, want)
			}
			if emptySeen {
				l.setEnd(lastValid)
				return l.corrupt(isec, "valid segment after an empty one")
			}
			l.States[isec] = SegValid
			if corrected {
				l.States[isec] = SegCorrected
			} else if !sc.once {
				l.segCRC[isec] = crc32.Checksum(seg, castagnoli)
			}
			acc ^= bin.U64(seg, 0)
			lastValid = isec
			continue
		}
		if isec != first {
			copy(spare, seg)
			if ok, _ := checkSegment(spare, uint32(isec-1)); ok {
				l.States[isec] = SegShadow
				emptySeen = true
				continue
			}
		}
		if zeroFilled && bin.IsZero(seg) {
			l.States[isec] = SegZero
			emptySeen = true
			continue
		}
		if emptySeen {
			l.setEnd(lastValid)
			return l.corrupt(isec, "corrupt segment after an empty one")
		}
		// A torn write: repair from the shadow in the next sector, which
		// must checksum as this sector and carry this sector's position.
		shadow, err := get(isec + 1)
		if err != nil {
			l.setEnd(lastValid)
			return err
		}
		copy(spare, shadow)
		ok, _ = checkSegment(spare, uint32(isec))
		if !ok || ese.DecodeLogPos(spare[8:]) != want {
			l.setEnd(lastValid)
			return l.corrupt(isec, "segment checksum mismatch and no usable shadow copy")
		}
		if err := l.tornRefused(isec); err != nil {
			l.setEnd(lastValid)
			return err
		}
		l.States[isec] = SegRepaired
		l.TornWrite = true
		acc ^= bin.U64(spare, 0)
		lastValid = isec
	}
	l.setEnd(lastValid)
	if lastValid >= first && !sc.skipClose {
		seg, err := l.readSegment(lastValid, spare)
		if err != nil {
			return err
		}
		l.closedNormallyModern(seg, lastValid)
	}
	return nil
}

// scanScratch holds the buffers of a modern tail scan, so that a caller
// scanning many logs (the set check) allocates them once.
type scanScratch struct {
	buf []byte // scanChunkSegments segments, then one spare segment
	// skipClose skips the clean-close test of the last valid segment
	// (ClosedNormally and LastTerm stay unset).
	skipClose bool
	// once says the Log is dropped after the scan: the CRC-32C of each
	// valid segment, which only speeds up reading records later, is not
	// taken (a reader falls back to the segment checksum).
	once bool
}

func (sc *scanScratch) grow() {
	if sc.buf == nil {
		sc.buf = make([]byte, (scanChunkSegments+1)*SegmentSize)
	}
}

// chunk is the buffer of one read of scanChunkSegments segments.
func (sc *scanScratch) chunk() []byte {
	sc.grow()
	return sc.buf[:scanChunkSegments*SegmentSize]
}

// segment is a buffer of one segment, apart from chunk.
func (sc *scanScratch) segment() []byte {
	sc.grow()
	return sc.buf[scanChunkSegments*SegmentSize:]
}

// setEnd sets l.End to the engine's m_lgposLastRec: the start of the sector
// after the last valid one.
func (l *Log) setEnd(lastValid int) {
	l.End = ese.LogPos{Generation: l.Header.Generation, Sector: uint16(lastValid + 1)}
}

// closedNormallyModern applies the engine's clean-close test to the last
// valid segment: walking its records from offset 40, the last one that is
// neither NOP nor NOP2 must be Term, Term2 or a RecoveryQuit.
func (l *Log) closedNormallyModern(seg []byte, isec int) {
	got := false
	var ib uint16
	for off := SegmentHeaderSize; off < len(seg) && RecordType(seg[off]) < RecTypeMax; {
		t := RecordType(seg[off])
		switch t {
		case RecTerm, RecTerm2, RecRecoveryQuit, RecRecoveryQuit2, RecRecoveryQuitKeepAttachments:
			got = true
			ib = uint16(off)
			if off == SegmentHeaderSize {
				ib = 0
			}
		case RecNOP, RecNOP2:
		default:
			got = false
		}
		n, err := RecordSize(seg[off:])
		if err != nil || n <= 0 {
			break
		}
		off += n
	}
	l.ClosedNormally = got
	if got {
		l.LastTerm = ese.LogPos{Generation: l.Header.Generation, Sector: uint16(isec), Offset: ib}
	}
}

// castagnoli is the CRC-32C table of segCRC.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// readSegment reads segment isec of a modern log into buf (4096 bytes),
// taking it from the shadow sector when the scan repaired it, and verifies
// its checksum (repairing a single flipped bit as the scan did).
func (l *Log) readSegment(isec int, buf []byte) ([]byte, error) {
	src := isec
	if l.States[isec] == SegRepaired {
		src = isec + 1
	}
	if err := l.readFull(int64(src)*SegmentSize, buf[:SegmentSize]); err != nil {
		return nil, err
	}
	return l.verifySegment(isec, buf[:SegmentSize])
}

// verifySegment checks seg, the bytes of segment isec read again after
// the scan, against its checksum (repairing a single flipped bit as the
// scan did) and returns it.
func (l *Log) verifySegment(isec int, seg []byte) ([]byte, error) {
	if l.States[isec] == SegValid && isec < len(l.segCRC) && crc32.Checksum(seg, castagnoli) == l.segCRC[isec] {
		return seg, nil // the bytes the scan verified
	}
	if ok, _ := checkSegment(seg, uint32(isec)); !ok {
		return nil, l.corrupt(isec, "segment checksum no longer matches (file changed since Open?)")
	}
	return seg, nil
}
