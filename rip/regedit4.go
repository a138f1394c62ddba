package rip

import (
	"encoding/binary"
	"fmt"
	"unicode/utf16"

	"github.com/esekit/esekit/internal/bin"
)

// decodeRegedit4String converts the hex data of a string value (hex(1),
// hex(2), hex(7)) in a REGEDIT4 file to UTF-16LE, the form RegValue.Data
// keeps. regedit writes the data as ANSI bytes, but some builds (Windows
// 2000 era) wrote it as the UTF-16LE the registry stores. The rule:
//
//   - the bytes are ANSI when they read as well-formed ANSI text of the
//     type: REG_SZ and REG_EXPAND_SZ hold no NUL but an optional last
//     byte; REG_MULTI_SZ, once one final "00,00" (or "00") is dropped,
//     does not start with a NUL and holds no two NULs in a row (an empty
//     string would end the list);
//   - otherwise they are UTF-16LE when they read as well-formed UTF-16LE
//     text of the type: an even length, a last code unit 0000, no unpaired
//     surrogate, the same NUL rules applied to 16-bit code units, and every
//     character one that Windows-1252 has: what those builds wrote was the
//     registry's UTF-16LE of ANSI text (ASCII text gets a NUL after every
//     character, so it never reads as ANSI). ANSI text of an even length
//     ending in NULs that also reads as UTF-16LE stays ANSI; ANSI with a
//     NUL inside whose byte pairs are no Windows-1252 characters (A1 A1 00
//     00 would be U+A1A1) is not taken for UTF-16LE, so what Marshal writes
//     for such data reads back as the same data.
//   - bytes that are neither are read as ANSI, with a Problem.
//
// isUTF16 reports the second case.
func decodeRegedit4String(t ValueType, raw []byte) (data []byte, isUTF16 bool, problem string) {
	if wellFormedText(t, ansiUnits(raw)) {
		return bin.AppendUTF16(nil, decodeCP1252(raw)), false, ""
	}
	if u, ok := utf16Units(raw); ok && len(u) > 0 && u[len(u)-1] == 0 && inCP1252(u) && wellFormedText(t, u) {
		return append([]byte(nil), raw...), true, ""
	}
	return bin.AppendUTF16(nil, decodeCP1252(raw)), false,
		fmt.Sprintf("%s data of %d bytes is neither ANSI nor UTF-16LE text (NULs inside the text); read as ANSI", t, len(raw))
}

// inCP1252 reports whether every code unit is a character Windows-1252
// encodes (surrogates are not).
func inCP1252(u []uint16) bool {
	for _, c := range u {
		if _, ok := cp1252Byte(rune(c)); !ok && c != 0 {
			return false
		}
	}
	return true
}

// wellFormedText applies the NUL rules of decodeRegedit4String to a
// sequence of code units (bytes or 16-bit units).
func wellFormedText(t ValueType, u []uint16) bool {
	if t != RegMultiSZ {
		if len(u) > 0 {
			u = u[:len(u)-1]
		}
		for _, c := range u {
			if c == 0 {
				return false
			}
		}
		return true
	}
	switch {
	case len(u) >= 2 && u[len(u)-1] == 0 && u[len(u)-2] == 0:
		u = u[:len(u)-2]
	case len(u) >= 1 && u[len(u)-1] == 0:
		u = u[:len(u)-1]
	}
	if len(u) > 0 && u[0] == 0 {
		return false
	}
	for i := 1; i < len(u); i++ {
		if u[i] == 0 && u[i-1] == 0 {
			return false
		}
	}
	return true
}

// ansiUnits widens bytes to code units for wellFormedText.
func ansiUnits(b []byte) []uint16 {
	u := make([]uint16, len(b))
	for i, c := range b {
		u[i] = uint16(c)
	}
	return u
}

// utf16Units reads b as UTF-16LE code units; false when the length is odd
// or a surrogate is unpaired.
func utf16Units(b []byte) ([]uint16, bool) {
	if len(b)%2 != 0 {
		return nil, false
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	for i := 0; i < len(u); i++ {
		switch {
		case utf16.IsSurrogate(rune(u[i])) && u[i] < 0xDC00 && i+1 < len(u) && u[i+1] >= 0xDC00 && u[i+1] <= 0xDFFF:
			i++
		case utf16.IsSurrogate(rune(u[i])):
			return nil, false
		}
	}
	return u, true
}

// validUTF16 reports whether b is UTF-16LE text: even length, no unpaired
// surrogate.
func validUTF16(b []byte) bool {
	_, ok := utf16Units(b)
	return ok
}
