package esedb

import (
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/esekit/esekit/internal/bin"
)

// Value is the value of one column of one record.
type Value struct {
	// Column is the column.
	Column *Column
	// Null is set when the column is NULL in the record (and has no
	// default value).
	Null bool
	// Default is set when the record does not hold the column and the
	// value is the catalog's default value.
	Default bool
	// Data is the value's bytes (the first value of a multi-valued
	// column), long values read from the long-value tree and compressed
	// data decompressed.
	Data []byte
	// Multi holds every value of a multi-valued column in order, Data
	// first; nil for single values.
	Multi [][]byte
	// Separated is set when the (first) value was stored in the
	// long-value tree; Compressed when it was stored compressed (in the
	// record, or in at least one long-value chunk).
	Separated, Compressed bool
}

// Count returns the number of values: 0 for NULL, len(Multi) for several.
func (v Value) Count() int {
	switch {
	case v.Null:
		return 0
	case v.Multi != nil:
		return len(v.Multi)
	}
	return 1
}

// Bool returns a Bit value (any non-zero byte is true).
func (v Value) Bool() (bool, error) {
	if err := v.want(1, TypeBit); err != nil {
		return false, err
	}
	return v.Data[0] != 0, nil
}

// Int returns the value of an integer column (Bit, UnsignedByte, Short,
// UnsignedShort, Long, UnsignedLong, LongLong, Currency) as an int64;
// UnsignedLong values are zero-extended.
func (v Value) Int() (int64, error) {
	if v.Null || v.Column == nil {
		return 0, v.typeErr("integer")
	}
	return intOf(v.Column.Type, v.Data)
}

func intOf(t ColumnType, b []byte) (int64, error) {
	if n := t.FixedSize(); n == 0 || len(b) < n {
		return 0, fmt.Errorf("esedb: %d bytes for a %s value", len(b), t)
	}
	switch t {
	case TypeBit, TypeUnsignedByte:
		return int64(b[0]), nil
	case TypeShort:
		return int64(int16(bin.U16(b, 0))), nil
	case TypeUnsignedShort:
		return int64(bin.U16(b, 0)), nil
	case TypeLong:
		return int64(int32(bin.U32(b, 0))), nil
	case TypeUnsignedLong:
		return int64(bin.U32(b, 0)), nil
	case TypeLongLong, TypeCurrency:
		return int64(bin.U64(b, 0)), nil
	}
	return 0, fmt.Errorf("esedb: %s is not an integer type", t)
}

// Float returns an IEEESingle, IEEEDouble or DateTime value.
func (v Value) Float() (float64, error) {
	if v.Null || v.Column == nil {
		return 0, v.typeErr("float")
	}
	switch t := v.Column.Type; {
	case t == TypeIEEESingle && len(v.Data) >= 4:
		return float64(math.Float32frombits(bin.U32(v.Data, 0))), nil
	case (t == TypeIEEEDouble || t == TypeDateTime) && len(v.Data) >= 8:
		return math.Float64frombits(bin.U64(v.Data, 0)), nil
	}
	return 0, v.typeErr("float")
}

// Time returns a DateTime value: an OLE automation date (days since
// 1899-12-30, the fraction the time of day) as a UTC time, rounded to
// the millisecond.
func (v Value) Time() (time.Time, error) {
	if err := v.want(8, TypeDateTime); err != nil {
		return time.Time{}, err
	}
	return OLEDate(math.Float64frombits(bin.U64(v.Data, 0))), nil
}

var oleEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// OLEDate converts an OLE automation date to a UTC time, rounded to the
// millisecond (a double holds dates of this millennium to a few
// microseconds, so finer digits are rounding noise). For negative dates the integer part counts days before
// the epoch and the fraction is still the time of day.
func OLEDate(d float64) time.Time {
	if math.IsNaN(d) || math.IsInf(d, 0) {
		return time.Time{}
	}
	days := math.Trunc(d)
	frac := math.Abs(d - days)
	ms := math.Round(frac * 86400e3)
	return oleEpoch.AddDate(0, 0, int(days)).Add(time.Duration(ms) * time.Millisecond)
}

// GUID returns a GUID value in its canonical lowercase form, the first
// three groups read little-endian as the engine stores them.
func (v Value) GUID() (string, error) {
	if err := v.want(16, TypeGUID); err != nil {
		return "", err
	}
	return FormatGUID(v.Data), nil
}

// FormatGUID formats 16 bytes as a GUID: Data1 (u32), Data2 and Data3
// (u16) little-endian, then eight bytes in order.
func FormatGUID(b []byte) string {
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x", bin.U32(b, 0), bin.U16(b, 4), bin.U16(b, 6), b[8:10], b[10:16])
}

// Text returns a Text or LongText value as a string (see DecodeText).
func (v Value) Text() (string, error) {
	if v.Null || v.Column == nil || !v.Column.Type.IsText() {
		return "", v.typeErr("text")
	}
	return DecodeText(v.Data, v.Column.Codepage), nil
}

// Bytes returns the value's bytes (nil for NULL).
func (v Value) Bytes() []byte { return v.Data }

func (v Value) want(n int, t ColumnType) error {
	if v.Null || v.Column == nil || v.Column.Type != t || len(v.Data) < n {
		return v.typeErr(t.String())
	}
	return nil
}

func (v Value) typeErr(want string) error {
	switch {
	case v.Column == nil:
		return fmt.Errorf("esedb: value has no column")
	case v.Null:
		return fmt.Errorf("esedb: column %q is NULL", v.Column.Name)
	}
	return fmt.Errorf("esedb: column %q (%s, %d bytes) is not %s", v.Column.Name, v.Column.Type, len(v.Data), want)
}

// Any returns the value as a Go value: nil for NULL; bool (Bit), uint8
// (UnsignedByte), int16 (Short), uint16 (UnsignedShort), int32 (Long),
// uint32 (UnsignedLong), int64 (LongLong, Currency), float32
// (IEEESingle), float64 (IEEEDouble), time.Time (DateTime), string (GUID
// in canonical form, Text, LongText), []byte (Binary, LongBinary, and
// any value whose size does not fit its type); a multi-valued column
// gives a []any of these.
func (v Value) Any() any {
	if v.Null || v.Column == nil {
		return nil
	}
	if v.Multi != nil {
		out := make([]any, len(v.Multi))
		for i, b := range v.Multi {
			out[i] = instance(v.Column, b)
		}
		return out
	}
	return instance(v.Column, v.Data)
}

// instance converts one value's bytes.
func instance(c *Column, b []byte) any {
	t := c.Type
	if n := t.FixedSize(); n > 0 && len(b) != n {
		return b
	}
	switch t {
	case TypeBit:
		return b[0] != 0
	case TypeUnsignedByte:
		return b[0]
	case TypeShort:
		return int16(bin.U16(b, 0))
	case TypeUnsignedShort:
		return bin.U16(b, 0)
	case TypeLong:
		return int32(bin.U32(b, 0))
	case TypeUnsignedLong:
		return bin.U32(b, 0)
	case TypeLongLong, TypeCurrency:
		return int64(bin.U64(b, 0))
	case TypeIEEESingle:
		return math.Float32frombits(bin.U32(b, 0))
	case TypeIEEEDouble:
		return math.Float64frombits(bin.U64(b, 0))
	case TypeDateTime:
		return OLEDate(math.Float64frombits(bin.U64(b, 0)))
	case TypeGUID:
		return FormatGUID(b)
	case TypeText, TypeLongText:
		return DecodeText(b, c.Codepage)
	}
	return b
}

// String formats the value for people: NULL, numbers, RFC 3339 times,
// GUIDs, text, and binary values in lowercase hex; multi-values in
// brackets separated by ", ".
func (v Value) String() string {
	x := v.Any()
	if l, ok := x.([]any); ok {
		s := make([]string, len(l))
		for i, e := range l {
			s[i] = formatAny(e)
		}
		return "[" + strings.Join(s, ", ") + "]"
	}
	return formatAny(x)
}

func formatAny(x any) string {
	switch x := x.(type) {
	case nil:
		return "NULL"
	case []byte:
		return hex.EncodeToString(x)
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case float32:
		return fmt.Sprint(x)
	}
	return fmt.Sprint(x)
}

// DecodeText decodes text of a code page: 1200 is UTF-16LE, where
// unpaired surrogates are kept as WTF-8 (the three-byte form of the
// surrogate) rather than replaced, so no stored unit is lost; every
// other code page is read as Windows-1252 (ASCII, 20127 and 1252 text,
// which is what the engine accepts for non-Unicode columns).
func DecodeText(b []byte, codepage uint32) string {
	if codepage == 1200 {
		return decodeUTF16(b)
	}
	return decodeText(b, codepage)
}

func decodeText(b []byte, codepage uint32) string {
	if codepage == 1200 {
		return decodeUTF16(b)
	}
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	out := make([]byte, 0, len(b)+len(b)/2)
	for _, c := range b {
		r := rune(c)
		if c >= 0x80 && c < 0xA0 {
			r = cp1252[c-0x80]
		}
		out = utf8.AppendRune(out, r)
	}
	return string(out)
}

// cp1252 maps bytes 0x80-0x9F of Windows-1252; the five undefined ones
// keep their C1 code points.
var cp1252 = [32]rune{
	0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
	0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
}

// decodeUTF16 decodes UTF-16LE; an odd trailing byte is kept as U+FFFD,
// unpaired surrogates as WTF-8.
func decodeUTF16(b []byte) string {
	var out strings.Builder
	n := len(b) / 2
	out.Grow(n + 1)
	for i := 0; i < n; i++ {
		u := rune(bin.U16(b, 2*i))
		switch {
		case u < utf8.RuneSelf:
			out.WriteByte(byte(u))
			continue
		case utf16.IsSurrogate(u):
			if u < 0xDC00 && i+1 < n {
				if u2 := rune(bin.U16(b, 2*i+2)); u2 >= 0xDC00 && u2 < 0xE000 {
					out.WriteRune(utf16.DecodeRune(u, u2))
					i++
					continue
				}
			}
			out.Write([]byte{0xE0 | byte(u>>12), 0x80 | byte(u>>6)&0x3F, 0x80 | byte(u)&0x3F})
			continue
		}
		out.WriteRune(u)
	}
	if len(b)%2 != 0 {
		out.WriteRune(utf8.RuneError)
	}
	return out.String()
}
