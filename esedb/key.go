package esedb

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"math"
	"strconv"
	"strings"
	"time"
)

// Key-segment prefixes (dev/ese/src/ese/fldnorm.cxx).
const (
	keyPrefixNull       = 0x00
	keyPrefixZeroLength = 0x40
	keyPrefixNullHigh   = 0xC0
	keyPrefixData       = 0x7F
	keyMostDefault      = 255 // JET_cbKeyMost_OLD
	binaryChunk         = 8   // cbFLDBinaryChunk
)

// ErrKeyNotReproduced is wrapped by NormalizeKey when a key column's
// normalisation is not reproduced here: Unicode text keys are the
// locale's sort keys (LCMapString), which only Windows computes.
var ErrKeyNotReproduced = errors.New("key normalisation not reproduced")

// normSegment returns the normalised key segment of one column value as
// the engine builds it (FLDNormalizeFixedSegment, FLDNormalizeBinarySegment,
// ErrFLDNormalizeTextSegment and ErrUtilNormText in fldnorm.cxx and
// normu.cxx), before truncation: a prefix byte (0x7F data, 0x40 empty,
// 0x00 or 0xC0 NULL), then the value in an order-preserving form; a
// descending segment has every byte complemented.
func normSegment(c *Column, data []byte, null bool, ix *Index, desc bool) ([]byte, error) {
	var seg []byte
	switch {
	case null:
		p := byte(keyPrefixNull)
		if ix.Flags&IndexSortNullsHigh != 0 {
			p = keyPrefixNullHigh
		}
		seg = []byte{p}
	case len(data) == 0:
		seg = []byte{keyPrefixZeroLength}
	default:
		seg = []byte{keyPrefixData}
		t := c.Type
		if n := t.FixedSize(); n > 0 && len(data) != n {
			return nil, fmt.Errorf("esedb: %d bytes for a %s key column %q", len(data), t, c.Name)
		}
		switch t {
		case TypeBit:
			b := byte(0)
			if data[0] != 0 {
				b = 0xFF
			}
			seg = append(seg, b)
		case TypeUnsignedByte:
			seg = append(seg, data[0])
		case TypeShort:
			seg = binary.BigEndian.AppendUint16(seg, binary.LittleEndian.Uint16(data)^0x8000)
		case TypeUnsignedShort:
			seg = binary.BigEndian.AppendUint16(seg, binary.LittleEndian.Uint16(data))
		case TypeLong:
			seg = binary.BigEndian.AppendUint32(seg, binary.LittleEndian.Uint32(data)^0x80000000)
		case TypeUnsignedLong:
			seg = binary.BigEndian.AppendUint32(seg, binary.LittleEndian.Uint32(data))
		case TypeLongLong, TypeCurrency:
			seg = binary.BigEndian.AppendUint64(seg, binary.LittleEndian.Uint64(data)^(1<<63))
		case TypeIEEESingle:
			v := binary.LittleEndian.Uint32(data)
			if v&0x80000000 != 0 {
				v = ^v
			} else {
				v ^= 0x80000000
			}
			seg = binary.BigEndian.AppendUint32(seg, v)
		case TypeIEEEDouble, TypeDateTime:
			v := binary.LittleEndian.Uint64(data)
			if v&(1<<63) != 0 {
				v = ^v
			} else {
				v ^= 1 << 63
			}
			seg = binary.BigEndian.AppendUint64(seg, v)
		case TypeGUID:
			// The order of the GUID's string form.
			for _, i := range [16]int{10, 11, 12, 13, 14, 15, 8, 9, 6, 7, 4, 5, 0, 1, 2, 3} {
				seg = append(seg, data[i])
			}
		case TypeBinary, TypeLongBinary:
			if c.Fixed() {
				seg = append(seg, data...)
				break
			}
			// Chunks of 8 bytes, each followed by 9 when more follow, else
			// by the bytes it holds (the last one zero-padded).
			for len(data) > binaryChunk {
				seg = append(append(seg, data[:binaryChunk]...), binaryChunk+1)
				data = data[binaryChunk:]
			}
			seg = append(seg, data...)
			seg = append(seg, make([]byte, binaryChunk-len(data))...)
			seg = append(seg, byte(len(data)))
		case TypeText, TypeLongText:
			if c.Codepage == 1200 {
				return nil, fmt.Errorf("esedb: index %q, Unicode text column %q (locale %q): %w", ix.Name, c.Name, ix.LocaleName, ErrKeyNotReproduced)
			}
			// Single-byte text: up to the first NUL, a-z upper-cased, then
			// a NUL.
			if i := bytes.IndexByte(data, 0); i >= 0 {
				data = data[:i]
			}
			for _, b := range data {
				if b >= 'a' && b <= 'z' {
					b -= 'a' - 'A'
				}
				seg = append(seg, b)
			}
			seg = append(seg, 0)
		default:
			return nil, fmt.Errorf("esedb: key column %q of type %s: %w", c.Name, t, ErrKeyNotReproduced)
		}
	}
	if desc {
		for i := range seg {
			seg[i] = ^seg[i]
		}
	}
	return seg, nil
}

// NormalizeKey returns the key of index ix for values of its first
// len(vals) key columns (each the column's stored bytes, nil for NULL),
// truncated as the engine truncates it (VarSegMac per segment, KeyMost in
// all), and whether it was truncated. An index whose key columns include
// Unicode text gives an error wrapping ErrKeyNotReproduced.
func (t *Table) NormalizeKey(ix *Index, vals [][]byte) (key []byte, truncated bool, err error) {
	if len(vals) > len(ix.Columns) {
		return nil, false, fmt.Errorf("esedb: %d values for the %d key columns of index %q", len(vals), len(ix.Columns), ix.Name)
	}
	keyMost := ix.KeyMost
	if keyMost <= 0 {
		keyMost = keyMostDefault
	}
	for i, v := range vals {
		c := t.ColumnByID(ix.Columns[i].ID)
		if c == nil {
			return nil, false, fmt.Errorf("esedb: index %q: key column %d: %w", ix.Name, ix.Columns[i].ID, ErrNotFound)
		}
		seg, err := normSegment(c, v, v == nil, ix, ix.Columns[i].Descending)
		if err != nil {
			return nil, false, err
		}
		if ix.VarSegMac > 0 && ix.VarSegMac < keyMost && len(seg) > ix.VarSegMac && !c.Fixed() {
			seg, truncated = seg[:ix.VarSegMac], true
		}
		key = append(key, seg...)
	}
	if len(key) > keyMost {
		key, truncated = key[:keyMost], true
	}
	return key, truncated, nil
}

// Seek yields the rows of t whose first len(vals) key columns of the
// index named index ("" for the primary index) equal vals (each the
// column's stored bytes, see ParseValue; nil for NULL), in index order.
// Equality follows the index: ASCII text compares case-insensitively. A
// multi-valued key column matches when one of its values does. When the
// key cannot be normalised here (Unicode text: the locale's sort key),
// Seek scans the table instead and reports it with indexed false.
func (db *DB) Seek(ctx context.Context, t *Table, index string, vals [][]byte, opts *RowOptions) (rows iter.Seq2[*Record, error], indexed bool, err error) {
	ix := t.PrimaryIndex()
	if index != "" {
		ix = t.Index(index)
	}
	if ix == nil {
		return nil, false, fmt.Errorf("esedb: index %q of table %q: %w", index, t.Name, ErrNotFound)
	}
	o := RowOptions{}
	if opts != nil {
		o = *opts
	}
	key, _, err := t.NormalizeKey(ix, vals)
	switch {
	case errors.Is(err, ErrKeyNotReproduced):
		o.Index, o.Key, o.Prefix = "", nil, nil
	case err != nil:
		return nil, false, err
	default:
		o.Index, o.Key, o.Prefix = ix.Name, key, key
		indexed = true
	}
	want := make([][]byte, len(vals))
	for i, v := range vals {
		c := t.ColumnByID(ix.Columns[i].ID)
		if want[i], err = equalityForm(c, v, ix); err != nil {
			return nil, false, err
		}
	}
	return func(yield func(*Record, error) bool) {
		for r, err := range db.Rows(ctx, t, &o) {
			if err != nil {
				yield(nil, err)
				return
			}
			ok, err := r.keyMatches(ix, want)
			if err != nil {
				yield(nil, err)
				return
			}
			if ok && !yield(r, nil) {
				return
			}
		}
	}, indexed, nil
}

// equalityForm is the form in which Seek compares a key column's values:
// the normalised segment where it is reproduced, else the bytes.
func equalityForm(c *Column, v []byte, ix *Index) ([]byte, error) {
	seg, err := normSegment(c, v, v == nil, ix, false)
	if errors.Is(err, ErrKeyNotReproduced) {
		if v == nil {
			return []byte{}, nil
		}
		return append([]byte{1}, v...), nil
	}
	return seg, err
}

func (r *Record) keyMatches(ix *Index, want [][]byte) (bool, error) {
	for i, w := range want {
		c := r.Table.ColumnByID(ix.Columns[i].ID)
		v, err := r.Value(c)
		if err != nil {
			return false, err
		}
		insts := v.Multi
		if insts == nil {
			insts = [][]byte{v.Data}
		}
		if v.Null {
			insts = [][]byte{nil}
		}
		found := false
		for _, in := range insts {
			got, err := equalityForm(c, in, ix)
			if err != nil {
				return false, err
			}
			if bytes.Equal(got, w) {
				found = true
				break
			}
		}
		if !found {
			return false, nil
		}
	}
	return true, nil
}

// ParseValue converts the text form of a value of column c, as
// `esekit dump -json` prints it without quotes, to the column's stored
// bytes: true/false for Bit, decimal integers, decimal or exponent floats,
// RFC 3339 times for DateTime, the canonical GUID form, lowercase or
// uppercase hex for binary columns, and text as it is (stored as UTF-16
// in code page 1200, else as single bytes). "null" gives nil (NULL).
func ParseValue(c *Column, s string) ([]byte, error) {
	if s == "null" {
		return nil, nil
	}
	bad := func(err error) ([]byte, error) {
		return nil, fmt.Errorf("esedb: %q is not a %s value for column %q: %v", s, c.Type, c.Name, err)
	}
	le := binary.LittleEndian
	switch c.Type {
	case TypeBit:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return bad(err)
		}
		if b {
			return []byte{0xFF}, nil
		}
		return []byte{0}, nil
	case TypeUnsignedByte, TypeUnsignedShort, TypeUnsignedLong:
		bits := map[ColumnType]int{TypeUnsignedByte: 8, TypeUnsignedShort: 16, TypeUnsignedLong: 32}[c.Type]
		n, err := strconv.ParseUint(s, 10, bits)
		if err != nil {
			return bad(err)
		}
		return le.AppendUint64(nil, n)[:bits/8], nil
	case TypeShort, TypeLong, TypeLongLong, TypeCurrency:
		bits := map[ColumnType]int{TypeShort: 16, TypeLong: 32, TypeLongLong: 64, TypeCurrency: 64}[c.Type]
		n, err := strconv.ParseInt(s, 10, bits)
		if err != nil {
			return bad(err)
		}
		return le.AppendUint64(nil, uint64(n))[:bits/8], nil
	case TypeIEEESingle:
		f, err := strconv.ParseFloat(s, 32)
		if err != nil {
			return bad(err)
		}
		return le.AppendUint32(nil, math.Float32bits(float32(f))), nil
	case TypeIEEEDouble:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return bad(err)
		}
		return le.AppendUint64(nil, math.Float64bits(f)), nil
	case TypeDateTime:
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return bad(err)
		}
		return le.AppendUint64(nil, math.Float64bits(ToOLEDate(tm))), nil
	case TypeGUID:
		h := strings.ReplaceAll(strings.Trim(s, "{}"), "-", "")
		b, err := hex.DecodeString(h)
		if err != nil || len(b) != 16 {
			return bad(fmt.Errorf("want 8-4-4-4-12 hex digits"))
		}
		// Data1, Data2 and Data3 are stored little-endian.
		out := []byte{b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6]}
		return append(out, b[8:]...), nil
	case TypeBinary, TypeLongBinary:
		b, err := hex.DecodeString(s)
		if err != nil {
			return bad(err)
		}
		return b, nil
	case TypeText, TypeLongText:
		if c.Codepage == 1200 {
			return encodeUTF16(s), nil
		}
		return []byte(s), nil
	}
	return bad(fmt.Errorf("type not handled"))
}

// ToOLEDate converts a time to an OLE automation date (the inverse of
// OLEDate: for times before 1899-12-30 the integer part counts days back
// and the fraction is still the time of day).
func ToOLEDate(t time.Time) float64 {
	secs := t.Unix() - oleEpoch.Unix()
	days := math.Floor(float64(secs) / 86400)
	frac := (float64(secs-int64(days)*86400) + float64(t.Nanosecond())/1e9) / 86400
	if days < 0 && frac > 0 {
		return days - frac
	}
	return days + frac
}

func encodeUTF16(s string) []byte {
	var out []byte
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			out = binary.LittleEndian.AppendUint16(out, uint16(0xD800+(r>>10)))
			out = binary.LittleEndian.AppendUint16(out, uint16(0xDC00+(r&0x3FF)))
			continue
		}
		out = binary.LittleEndian.AppendUint16(out, uint16(r))
	}
	return out
}
