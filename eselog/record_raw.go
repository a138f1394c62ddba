package eselog

import (
	"bytes"

	"github.com/esekit/esekit/ese"
)

// Ignored is a record of the ignorable family (LRIGNORED: u8 type, u32 cb at
// +1, cb bytes) whose payload this package does not interpret: the reserved
// slots Ignored9..Ignored19, and a known ignorable type (ExtendDB,
// MacroInfo2...) whose cb is too small for its known layout. The engine
// skips such records; so can a reader.
type Ignored struct {
	RecordBase
	// Data is the cb bytes after the 5-byte header (+5).
	Data []byte
}

// Raw is a whole record kept as its bytes, for callers that need to carry
// a record without interpreting it (see DecodeRaw).
type Raw struct {
	RecordBase
	// Bytes is the whole record, type byte included.
	Bytes []byte
}

// AppendEncode appends the record's bytes to dst.
func (r *Raw) AppendEncode(dst []byte) []byte { return append(dst, r.Bytes...) }

// DecodeRaw checks that b is exactly one record (len(b) == RecordSize(b))
// and returns it uninterpreted. The result does not retain b.
func DecodeRaw(b []byte, pos ese.LogPos) (*Raw, error) {
	if _, err := checkWhole(b); err != nil {
		return nil, err
	}
	return &Raw{RecordBase{RecordType(b[0]), pos}, bytes.Clone(b)}, nil
}
