package rip

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// REGEDIT4 files are ANSI text in the code page of the system that wrote
// them; this package reads and writes Windows-1252 (Western European), the
// ANSI code page of English-language Windows, where the Restore in
// Progress key (KB Q200941) is typed. It is Latin-1 except for
// 0x80..0x9F, which hold typographic characters; five bytes there (0x81,
// 0x8D, 0x8F, 0x90, 0x9D) are undefined. Windows converts those to the C1
// control characters of the same value, and so does this package, so that
// the bytes survive a parse and a Marshal; a value holding one gets a
// Problem.

// cp1252High maps 0x80..0x9F to Unicode; 0 marks the undefined bytes.
var cp1252High = [32]rune{
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, // 80..87
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0, // 88..8F
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, // 90..97
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178, // 98..9F
}

// cp1252Undefined reports whether b is one of the five bytes Windows-1252
// leaves undefined.
func cp1252Undefined(b byte) bool { return b >= 0x80 && b <= 0x9F && cp1252High[b-0x80] == 0 }

// cp1252Rune is the character of byte b: the table for 0x80..0x9F (the C1
// control of the same value for an undefined byte), b itself otherwise.
func cp1252Rune(b byte) rune {
	if b >= 0x80 && b <= 0x9F {
		if r := cp1252High[b-0x80]; r != 0 {
			return r
		}
	}
	return rune(b)
}

// decodeCP1252 converts Windows-1252 bytes to a string.
func decodeCP1252(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for _, c := range b {
		if c < utf8.RuneSelf {
			sb.WriteByte(c)
		} else {
			sb.WriteRune(cp1252Rune(c))
		}
	}
	return sb.String()
}

// cp1252Byte is the byte of r, and false when Windows-1252 has no byte for
// it. The C1 controls of the undefined bytes map back to those bytes.
func cp1252Byte(r rune) (byte, bool) {
	switch {
	case r < 0x80 || (r >= 0xA0 && r <= 0xFF):
		return byte(r), true
	case r >= 0x80 && r <= 0x9F:
		return byte(r), cp1252Undefined(byte(r))
	}
	for i, t := range cp1252High {
		if t == r {
			return byte(0x80 + i), true
		}
	}
	return 0, false
}

// appendCP1252 appends s to b in Windows-1252, '?' for characters it
// lacks (as regedit does when it writes a REGEDIT4 file).
func appendCP1252(b []byte, s string) []byte {
	for _, r := range s {
		c, ok := cp1252Byte(r)
		if !ok {
			c = '?'
		}
		b = append(b, c)
	}
	return b
}

// undefinedCP1252Problem describes the undefined Windows-1252 bytes in s
// (text already decoded, where they are C1 controls), or "" when there
// are none: one message for however many there are.
func undefinedCP1252Problem(s string) string {
	var seen []string
	n := 0
	for _, r := range s {
		if r >= 0x80 && r <= 0x9F && cp1252Undefined(byte(r)) {
			n++
			if h := fmt.Sprintf("0x%02X", r); !slices.Contains(seen, h) {
				seen = append(seen, h)
			}
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d byte(s) undefined in Windows-1252 (%s), the ANSI code page of REGEDIT4 files; kept as the control characters U+0081..U+009D of the same value, which no path or name should hold",
		n, strings.Join(seen, ", "))
}
