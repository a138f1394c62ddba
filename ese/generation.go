package ese

import (
	"fmt"
	"strconv"
	"strings"
)

// Generation is a log generation number, the engine's lGeneration (a
// signed 32-bit LONG): log file edb00051.log holds generation 0x51.
// It prints in the engine's hexadecimal form ("0x51"), as in a LogPos;
// in JSON it is a plain number.
type Generation int32

// String returns the hexadecimal form, "0x51".
func (g Generation) String() string { return fmt.Sprintf("0x%X", uint32(g)) }

// Format makes %v and %s print String's form and the integer verbs the
// number: %d in decimal, %x and %X in unsigned hexadecimal (so "0x%X"
// prints 0x51, as before generations had a type).
func (g Generation) Format(f fmt.State, verb rune) {
	switch verb {
	case 'v', 's', 'q':
		fmt.Fprintf(f, fmt.FormatString(f, verb), g.String())
	case 'x', 'X', 'o', 'O', 'b':
		fmt.Fprintf(f, fmt.FormatString(f, verb), uint32(g))
	default:
		fmt.Fprintf(f, fmt.FormatString(f, verb), int32(g))
	}
}

// MarshalText returns the hexadecimal form of String.
func (g Generation) MarshalText() ([]byte, error) { return []byte(g.String()), nil }

// UnmarshalText reads "0x51" (hexadecimal) or "81" (decimal).
func (g *Generation) UnmarshalText(b []byte) error {
	v, err := ParseGeneration(string(b))
	if err != nil {
		return err
	}
	*g = v
	return nil
}

// MarshalJSON returns the generation as a JSON number: 81.
func (g Generation) MarshalJSON() ([]byte, error) { return strconv.AppendInt(nil, int64(g), 10), nil }

// UnmarshalJSON reads a JSON number (81) or a string in either form
// UnmarshalText accepts ("0x51", "81").
func (g *Generation) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	v, err := ParseGeneration(s)
	if err != nil {
		return err
	}
	*g = v
	return nil
}

// ParseGeneration parses "0x51" (hexadecimal, marked by 0x) or "81"
// (decimal). A value outside 32 bits, or any other text, is an error
// wrapping ErrInvalidParameter; hexadecimal values above 0x7FFFFFFF wrap
// to negative generations as the engine's LONG does.
func ParseGeneration(s string) (Generation, error) {
	var v int64
	var err error
	if h, ok := strings.CutPrefix(strings.ToLower(s), "0x"); ok {
		var u uint64
		u, err = strconv.ParseUint(h, 16, 32)
		v = int64(int32(uint32(u)))
	} else {
		v, err = strconv.ParseInt(s, 10, 32)
	}
	if err != nil {
		return 0, fmt.Errorf("ese: bad log generation %q: %w", s, ErrInvalidParameter)
	}
	return Generation(v), nil
}
