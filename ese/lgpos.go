package ese

import (
	"fmt"

	"github.com/esekit/esekit/internal/bin"
)

// LogPosSize is the on-disk size of a LogPos.
const LogPosSize = 8

// LogPos is an LGPOS: a position in the transaction-log stream. On disk it is
// 8 bytes, little-endian: Offset (u16 at +0), Sector (u16 at +2), Generation
// (i32 at +4), so the eight bytes read as one u64 order the same way as
// (Generation, Sector, Offset).
type LogPos struct {
	// Offset (+0, u16) is the byte offset inside the sector or 4 KiB
	// segment (ib).
	Offset uint16
	// Sector (+2, u16) is the sector index inside the log file; sector 0
	// starts the file header (isec).
	Sector uint16
	// Generation (+4, i32) is the log generation number (lGeneration).
	Generation Generation
}

// LogPosMax is lgposMax: the largest position the engine uses.
var LogPosMax = LogPos{Offset: 0xFFFF, Sector: 0xFFFF, Generation: 0x7FFFFFFF}

// DecodeLogPos decodes the 8 bytes at b[0:8].
func DecodeLogPos(b []byte) LogPos {
	return LogPos{Offset: bin.U16(b, 0), Sector: bin.U16(b, 2), Generation: Generation(bin.I32(b, 4))}
}

// Put stores p in the 8 bytes at b[0:8].
func (p LogPos) Put(b []byte) {
	bin.PutU16(b, 0, p.Offset)
	bin.PutU16(b, 2, p.Sector)
	bin.PutI32(b, 4, int32(p.Generation))
}

// IsZero reports whether p is lgposMin (all zero, "not set").
func (p LogPos) IsZero() bool { return p == LogPos{} }

// Compare orders positions by generation, then sector, then offset. It
// returns -1, 0 or +1.
func (p LogPos) Compare(q LogPos) int {
	switch {
	case p.Generation != q.Generation:
		if p.Generation < q.Generation {
			return -1
		}
		return 1
	case p.Sector != q.Sector:
		if p.Sector < q.Sector {
			return -1
		}
		return 1
	case p.Offset != q.Offset:
		if p.Offset < q.Offset {
			return -1
		}
		return 1
	}
	return 0
}

// Less reports whether p comes before q in the log stream.
func (p LogPos) Less(q LogPos) bool { return p.Compare(q) < 0 }

// String returns the engine's hexadecimal form, as eseutil prints
// checkpoints and record positions: (0x12CF,1CA9,190).
func (p LogPos) String() string {
	return fmt.Sprintf("(%v,%X,%X)", p.Generation, p.Sector, p.Offset)
}

// Decimal returns the engine's decimal form, as eseutil prints "Last
// Consistent" in database headers: (4815,7337,400).
func (p LogPos) Decimal() string {
	return fmt.Sprintf("(%d,%d,%d)", p.Generation, p.Sector, p.Offset)
}

// MarshalText returns the hexadecimal form of String, so a LogPos in JSON
// is a string like "(0x12CF,1CA9,190)".
func (p LogPos) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads either form ParseLogPos accepts.
func (p *LogPos) UnmarshalText(b []byte) error {
	q, err := ParseLogPos(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// ParseLogPos parses either print form: "(0x12CF,1CA9,190)" (hexadecimal,
// marked by the 0x on the generation) or "(4815,7337,400)" (decimal). Any
// other text is an error wrapping ErrInvalidParameter.
func ParseLogPos(s string) (LogPos, error) {
	var g, sec, off uint64
	var err error
	if len(s) > 3 && (s[1:3] == "0x" || s[1:3] == "0X") {
		_, err = fmt.Sscanf(s[3:], "%x,%x,%x)", &g, &sec, &off)
	} else {
		_, err = fmt.Sscanf(s, "(%d,%d,%d)", &g, &sec, &off)
	}
	if err != nil || g > 0xFFFFFFFF || sec > 0xFFFF || off > 0xFFFF {
		return LogPos{}, fmt.Errorf("ese: bad log position %q: %w", s, ErrInvalidParameter)
	}
	return LogPos{Generation: Generation(uint32(g)), Sector: uint16(sec), Offset: uint16(off)}, nil
}

// StreamOffset returns the linear byte distance of p from the start of the
// log stream for logs of fileSectors sectors of sectorSize bytes:
// ((gen*fileSectors)+sector)*sectorSize + offset.
func (p LogPos) StreamOffset(fileSectors, sectorSize int) int64 {
	return (int64(p.Generation)*int64(fileSectors)+int64(p.Sector))*int64(sectorSize) + int64(p.Offset)
}
