package xpress

import (
	"bytes"
	"errors"
	"testing"

	"github.com/esekit/esekit/ese"
)

// TestXpressDecodeLengths decodes a hand-built stream that uses every
// length form of the engine's Xpress (CODING_DIRECT2) decoder: a literal,
// a match whose length needs the nibble, the escape byte and the u16
// (300 bytes), and a match that takes the high nibble of the byte shared
// with the first (10 bytes).
func TestXpressDecodeLengths(t *testing.T) {
	stream := []byte{
		0x00, 0x00, 0x00, 0x60, // flags 011…: literal, match, match
		'a',
		0x07, 0x00, // distance 1, length 7+
		0x0F,       // nibble 15 (low), the next match's nibble 0 (high)
		0xFF,       // escape to a u16
		0x29, 0x01, // 297 = 300 - 3
		0x07, 0x00, // distance 1, length 7 + high nibble 0 + 3 = 10
	}
	got, err := DecodeXpressStream(stream, 311)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, bytes.Repeat([]byte{'a'}, 311)) {
		t.Fatalf("decoded %q", got)
	}
	// ESE framing: scheme byte 0x18 and the size.
	framed := append([]byte{0x18, 0x37, 0x01}, stream...)
	if got, err := DecodeXpress(framed, 4096); err != nil || len(got) != 311 {
		t.Fatalf("framed: %d bytes, %v", len(got), err)
	}
	for name, c := range map[string]struct {
		b    []byte
		size int
	}{
		"match before the start":    {[]byte{0, 0, 0, 0x80, 0x08, 0x00, 0, 0, 0, 0}, 20},
		"truncated":                 {stream[:10], 311},
		"short long length":         {[]byte{0, 0, 0, 0x60, 'a', 7, 0, 0x0F, 0xFF, 0x10, 0x00, 0, 0}, 311},
		"longer than the output":    {make([]byte, 40), 20},
		"output larger than 64 KiB": {make([]byte, 40), 1<<16 + 1},
	} {
		if _, err := DecodeXpressStream(c.b, c.size); !errors.Is(err, ese.ErrLogCorrupted) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := DecodeXpress([]byte{0x18, 0x00, 0x20, 0, 0, 0, 0}, 4096); !errors.Is(err, ese.ErrLogCorrupted) {
		t.Errorf("size above the page: %v", err)
	}
	if _, err := DecodeXpress([]byte{0x38, 0x00, 0x10, 0, 0, 0, 0}, 4096); !errors.Is(err, ErrUnknownScheme) {
		t.Errorf("LZ4: %v", err)
	}
}
