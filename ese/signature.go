package ese

import (
	"encoding/json"
	"fmt"

	"github.com/esekit/esekit/internal/bin"
)

// SignatureSize is the on-disk size of a Signature.
const SignatureSize = 28

// Signature is the engine's 28-byte SIGNATURE: the identity of a database or
// of a log stream. Two signatures are equal when all 28 bytes are equal.
type Signature struct {
	// Random is the random number at +0 (u32).
	Random uint32
	// Created is the creation time at +4.
	Created LogTime
	// Computer is the NUL-padded ANSI NetBIOS name at +12 (16 bytes);
	// modern writers leave it zero.
	Computer [16]byte
}

// DecodeSignature decodes b[0:28].
func DecodeSignature(b []byte) Signature {
	var s Signature
	s.Random = bin.U32(b, 0)
	s.Created = DecodeLogTime(b[4:])
	copy(s.Computer[:], b[12:28])
	return s
}

// Put stores s in b[0:28].
func (s Signature) Put(b []byte) {
	bin.PutU32(b, 0, s.Random)
	s.Created.Put(b[4:])
	copy(b[12:28], s.Computer[:])
}

// IsZero reports whether the signature is unset (all zero).
func (s Signature) IsZero() bool { return s == Signature{} }

// Equal reports whether s and t are the same signature (the engine compares
// the 28 bytes with memcmp).
func (s Signature) Equal(t Signature) bool { return s == t }

// ComputerName returns the computer name up to its first NUL.
func (s Signature) ComputerName() string { return bin.CString(s.Computer[:]) }

// String returns the engine's print form:
// "Create time:12/29/2000 21:6:38 Rand:24842 Computer:".
func (s Signature) String() string {
	return fmt.Sprintf("Create time:%s Rand:%d Computer:%s", s.Created, s.Random, s.ComputerName())
}

// signatureJSON is the JSON form of a Signature.
type signatureJSON struct {
	Random   uint32  `json:"random"`
	Created  LogTime `json:"created"`
	Computer string  `json:"computer"`
}

// MarshalJSON writes s as an object of its three fields, the creation time
// in LogTime's text form:
// {"random":39623424,"created":"1999-08-19T19:37:35.000Z","computer":""}.
func (s Signature) MarshalJSON() ([]byte, error) {
	return json.Marshal(signatureJSON{Random: s.Random, Created: s.Created, Computer: s.ComputerName()})
}

// UnmarshalJSON reads what MarshalJSON writes. A computer name longer than
// 15 bytes is an error wrapping ErrInvalidParameter.
func (s *Signature) UnmarshalJSON(b []byte) error {
	var j signatureJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if len(j.Computer) >= len(s.Computer) {
		return fmt.Errorf("ese: signature computer name %q is longer than %d bytes: %w", j.Computer, len(s.Computer)-1, ErrInvalidParameter)
	}
	*s = Signature{Random: j.Random, Created: j.Created}
	copy(s.Computer[:], j.Computer)
	return nil
}
