package eselog

import (
	"bytes"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// Record is one decoded log record. The concrete types are pointers to the
// structs of this package (*Insert, *Commit, *AttachDB...); switch on them
// or on Type().
type Record interface {
	// Type returns the record's type byte.
	Type() RecordType
	// Pos returns the log position of the record's first byte, as the
	// engine assigns it (docs/logs.md#positions); DecodeRecord's caller
	// supplies it.
	Pos() ese.LogPos
	// AppendEncode appends the byte-exact encoding of the whole record
	// (in its unfragmented form) to dst and returns the extended slice.
	AppendEncode(dst []byte) []byte
}

// RecordBase holds what every record has: its type and its position. It is
// embedded in every record struct.
type RecordBase struct {
	// Lrtyp is the record type (+0).
	Lrtyp RecordType
	// At is the record's log position. It is not stored in the record.
	At ese.LogPos
}

// Type returns the record type.
func (r *RecordBase) Type() RecordType { return r.Lrtyp }

// Pos returns the record's log position.
func (r *RecordBase) Pos() ese.LogPos { return r.At }

// DecodeRecord decodes exactly one whole record: len(b) must equal
// RecordSize(b) (fragments already reassembled). pos is the record's log
// position as the engine assigns it. The returned record does not retain b.
//
// Every error is a *ese.FormatError wrapping ese.ErrLogFileCorrupt: a type
// the engine cannot size, trailing bytes, or a buffer too short for the
// record (that error also wraps ErrShortRecord).
func DecodeRecord(b []byte, pos ese.LogPos) (Record, error) {
	n, err := checkWhole(b)
	if err != nil {
		return nil, err
	}
	t := RecordType(b[0])
	base := RecordBase{Lrtyp: t, At: pos}
	if t == RecNOP2 && bin.IsZero(b[5:]) {
		return &NOP2{RecordBase: base, Len: uint32(n - 5)}, nil // no copy of the zeros
	}
	if t == RecReplace || t == RecReplaceD {
		// The commonest page record: its payload is copied next to the
		// record, in one allocation when short.
		return decodeReplaceOwned(b[:n:n], base), nil
	}
	if n > int(fixedSizes[t]) {
		b = bytes.Clone(b) // the variable parts below alias this copy
	}
	b = b[:n:n] // no decoded slice may reach past the record, not even by append
	if dec := decoders[t]; dec != nil {
		return dec(b, base), nil
	}
	return &Raw{base, bytes.Clone(b)}, nil
}
