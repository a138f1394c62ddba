package eselog

import (
	"encoding/binary"
	"slices"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// checkWhole returns RecordSize(b) and checks that b holds exactly that.
func checkWhole(b []byte) (int, error) {
	n, err := RecordSize(b)
	if err != nil {
		return 0, err
	}
	if len(b) < n {
		return 0, shortRecord(len(b), "%s record of %d bytes, have %d", RecordType(b[0]), n, len(b))
	}
	if len(b) > n {
		return 0, ese.NewFormatError("log record", int64(n), ese.ErrLogFileCorrupt,
			"%s record is %d bytes but %d were given", RecordType(b[0]), n, len(b))
	}
	return n, nil
}

// extend grows dst by n zero bytes and returns it with the new window.
func extend(dst []byte, n int) ([]byte, []byte) {
	l := len(dst)
	dst = slices.Grow(dst, n)[:l+n]
	w := dst[l:]
	clear(w)
	return dst, w
}

func putU16(b []byte, off int, v uint16) { bin.PutU16(b, off, v) }
func putU32(b []byte, off int, v uint32) { bin.PutU32(b, off, v) }
func putU64(b []byte, off int, v uint64) { bin.PutU64(b, off, v) }

// clip16 limits b to what a u16 length field can describe.
func clip16(b []byte) []byte {
	if len(b) > 0xFFFF {
		return b[:0xFFFF]
	}
	return b
}

// clip32 limits b to what a u32 length field can describe.
func clip32(b []byte) []byte {
	if uint64(len(b)) > 0xFFFFFFFF {
		return b[:0xFFFFFFFF]
	}
	return b
}

// le is the byte order of every on-disk integer.
var le = binary.LittleEndian
