package ese

// NewSentinel returns a package's own error value, with the text msg,
// that carries the engine code: errors.Is matches it by identity (each
// call gives a distinct value), and errors.Is(err, code) and CodeOf see
// code through it. Refusals that are the library's own (an unsafe path, a
// bad worksheet) use it so that callers testing either the package's
// sentinel or the engine code agree.
func NewSentinel(msg string, code Error) error { return &sentinel{msg, code} }

type sentinel struct {
	msg  string
	code Error
}

func (s *sentinel) Error() string { return s.msg }
func (s *sentinel) Unwrap() error { return s.code }
