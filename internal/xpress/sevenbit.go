package xpress

import (
	"fmt"

	"github.com/esekit/esekit/ese"
)

// Decode7Bit decodes data the engine packed with its 7-bit schemes
// (CDataCompressor::ErrDecompress7BitAscii_ and ErrDecompress7BitUnicode_
// in compression.cxx): the first byte is the scheme (1: ASCII, 2: UTF-16
// whose units are all below 0x80) in its top five bits and the number of
// bits used in the last byte minus one in its low three; then the
// characters, 7 bits each, least significant bit first. ASCII gives one
// byte a character, Unicode two (the second zero). The output is at most
// max bytes; malformed data is ese.ErrLogCorrupted.
func Decode7Bit(b []byte, max int) ([]byte, error) {
	if len(b) < 2 {
		return nil, ese.NewFormatError("7-bit data", 0, ese.ErrLogCorrupted, "%d bytes", len(b))
	}
	scheme := int(b[0] >> 3)
	if scheme != Scheme7BitASCII && scheme != Scheme7BitUnicode {
		return nil, fmt.Errorf("%w: compression scheme %d", ErrUnknownScheme, scheme)
	}
	bits := (len(b)-2)*8 + int(b[0]&7) + 1
	n := bits / 7
	width := 1
	if scheme == Scheme7BitUnicode {
		width = 2
	}
	if n*width > max {
		return nil, ese.NewFormatError("7-bit data", 0, ese.ErrLogCorrupted, "%d characters, at most %d bytes expected", n, max)
	}
	out := make([]byte, 0, n*width)
	for i := 0; i < n; i++ {
		bit := 7 * i
		at := 1 + bit/8
		w := uint(b[at])
		if at+1 < len(b) {
			w |= uint(b[at+1]) << 8
		}
		c := byte(w>>(bit%8)) & 0x7F
		out = append(out, c)
		if width == 2 {
			out = append(out, 0)
		}
	}
	return out, nil
}

// Encode7Bit packs text whose bytes (ASCII) or UTF-16 units (Unicode) are
// all below 0x80 the way the engine's 7-bit compressors do; ok is false
// when the input does not qualify.
func Encode7Bit(src []byte, unicode bool) (out []byte, ok bool) {
	var chars []byte
	if unicode {
		if len(src)%2 != 0 {
			return nil, false
		}
		for i := 0; i < len(src); i += 2 {
			if src[i+1] != 0 || src[i] >= 0x80 {
				return nil, false
			}
			chars = append(chars, src[i])
		}
	} else {
		for _, c := range src {
			if c >= 0x80 {
				return nil, false
			}
		}
		chars = src
	}
	if len(chars) == 0 {
		return nil, false
	}
	bits := 7 * len(chars)
	out = make([]byte, 1+(bits+7)/8)
	for i, c := range chars {
		bit := 7 * i
		w := uint(c) << (bit % 8)
		out[1+bit/8] |= byte(w)
		if w>>8 != 0 {
			out[2+bit/8] |= byte(w >> 8)
		}
	}
	final := bits % 8
	if final == 0 {
		final = 8
	}
	scheme := byte(Scheme7BitASCII)
	if unicode {
		scheme = Scheme7BitUnicode
	}
	out[0] = scheme<<3 | byte(final-1)
	return out, true
}

// Decode decodes data in any scheme this package handles, chosen by its
// first byte: 7-bit ASCII and Unicode, Xpress, Xpress9 and LZ4, into at
// most max bytes. Other schemes (Xpress10, whose decoder is not part of
// the engine's public source) give an error wrapping ErrUnknownScheme.
func Decode(b []byte, max int) ([]byte, error) {
	if len(b) == 0 {
		return nil, ese.NewFormatError("compressed data", 0, ese.ErrLogCorrupted, "no data")
	}
	switch int(b[0] >> 3) {
	case Scheme7BitASCII, Scheme7BitUnicode:
		return Decode7Bit(b, max)
	case SchemeXpress:
		return DecodeXpress(b, max)
	case SchemeXpress9:
		return DecodeXpress9(b, max)
	case SchemeLZ4:
		return DecodeLZ4(b, max)
	}
	return nil, fmt.Errorf("%w: compression scheme %d", ErrUnknownScheme, b[0]>>3)
}
