package esedb

import "fmt"

// ColumnType is a column's JET_coltyp (dev/ese/src/inc/jethdr.w).
type ColumnType uint32

// Column types.
const (
	TypeNil           ColumnType = 0
	TypeBit           ColumnType = 1  // 1 byte, 0 or 0xFF
	TypeUnsignedByte  ColumnType = 2  // 1 byte
	TypeShort         ColumnType = 3  // 2-byte signed integer
	TypeLong          ColumnType = 4  // 4-byte signed integer
	TypeCurrency      ColumnType = 5  // 8-byte signed integer (ten-thousandths)
	TypeIEEESingle    ColumnType = 6  // 4-byte float
	TypeIEEEDouble    ColumnType = 7  // 8-byte float
	TypeDateTime      ColumnType = 8  // 8-byte float, an OLE automation date
	TypeBinary        ColumnType = 9  // up to 255 bytes
	TypeText          ColumnType = 10 // up to 255 bytes of text
	TypeLongBinary    ColumnType = 11 // long binary value
	TypeLongText      ColumnType = 12 // long text value
	TypeSLV           ColumnType = 13 // obsolete streaming value
	TypeUnsignedLong  ColumnType = 14 // 4-byte unsigned integer
	TypeLongLong      ColumnType = 15 // 8-byte signed integer
	TypeGUID          ColumnType = 16 // 16 bytes
	TypeUnsignedShort ColumnType = 17 // 2-byte unsigned integer
)

var typeNames = [...]string{"Nil", "Bit", "UnsignedByte", "Short", "Long", "Currency", "IEEESingle", "IEEEDouble", "DateTime", "Binary", "Text", "LongBinary", "LongText", "SLV", "UnsignedLong", "LongLong", "GUID", "UnsignedShort"}

// String returns the JET_coltyp name without its prefix ("Long",
// "LongText", ...), or "Type(n)" for an unknown value.
func (t ColumnType) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", uint32(t))
}

// FixedSize returns the size in bytes of a value of a fixed-size type, or
// 0 for Binary, Text and the long types, whose size varies.
func (t ColumnType) FixedSize() int {
	switch t {
	case TypeBit, TypeUnsignedByte:
		return 1
	case TypeShort, TypeUnsignedShort:
		return 2
	case TypeLong, TypeUnsignedLong, TypeIEEESingle:
		return 4
	case TypeCurrency, TypeIEEEDouble, TypeDateTime, TypeLongLong:
		return 8
	case TypeGUID:
		return 16
	}
	return 0
}

// IsText reports whether t holds text (Text or LongText).
func (t ColumnType) IsText() bool { return t == TypeText || t == TypeLongText }

// IsLong reports whether t is LongBinary or LongText.
func (t ColumnType) IsLong() bool { return t == TypeLongBinary || t == TypeLongText }
