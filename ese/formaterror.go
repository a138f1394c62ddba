package ese

import "fmt"

// FormatError reports bytes that do not decode. It names what was being
// read and where, and wraps the JET error the engine would raise for the
// same bytes, so errors.Is(err, ese.ErrLogFileCorrupt) works.
type FormatError struct {
	// What names the structure or field, e.g. "database header".
	What string
	// Offset is the byte offset in the file or buffer where the problem is,
	// or -1 when it is not tied to one place.
	Offset int64
	// Msg says what is wrong.
	Msg string
	// Err is the engine error for this failure (never nil when built by
	// esekit).
	Err error
}

// NewFormatError builds a FormatError wrapping code.
func NewFormatError(what string, off int64, code Error, format string, args ...any) *FormatError {
	return &FormatError{What: what, Offset: off, Msg: fmt.Sprintf(format, args...), Err: code}
}

func (e *FormatError) Error() string {
	s := e.What
	if e.Offset >= 0 {
		s += fmt.Sprintf(" at offset %d (0x%X)", e.Offset, e.Offset)
	}
	s += ": " + e.Msg
	if e.Err != nil {
		s += " [" + e.Err.Error() + "]"
	}
	return s
}

// Unwrap returns the wrapped engine error.
func (e *FormatError) Unwrap() error { return e.Err }
