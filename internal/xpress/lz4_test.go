package xpress

import (
	"bytes"
	"errors"
	"testing"

	"github.com/esekit/esekit/ese"
)

// TestLZ4Block decodes hand-made blocks whose bytes follow the LZ4 block
// format: a match that overlaps its own output, literal and match lengths
// extended past 15 by 255-runs, and the engine's Lz4Header.
func TestLZ4Block(t *testing.T) {
	// "abc", then a 12-byte match at offset 3 (token 0x38), then "XYZ".
	b := []byte{0x38, 'a', 'b', 'c', 3, 0, 0x30, 'X', 'Y', 'Z'}
	got, err := DecodeLZ4Block(b, 18)
	if err != nil || string(got) != "abcabcabcabcabcXYZ" {
		t.Fatalf("%q %v", got, err)
	}
	// 20 literal 'q's (15 + 5), then a match of 300 at offset 1 (4 + 15 +
	// 255 + 26), then one literal.
	lit := bytes.Repeat([]byte("q"), 20)
	b = append([]byte{0xFF, 5}, lit...)
	b = append(b, 1, 0, 255, 26, 0x10, '!')
	got, err = DecodeLZ4Block(b, 321)
	if err != nil || !bytes.Equal(got, append(bytes.Repeat([]byte("q"), 320), '!')) {
		t.Fatalf("%d bytes %v", len(got), err)
	}
	hdr := append([]byte{0x38, 18, 0}, 0x38, 'a', 'b', 'c', 3, 0, 0x30, 'X', 'Y', 'Z')
	if got, err := DecodeLZ4(hdr, 4096); err != nil || string(got) != "abcabcabcabcabcXYZ" {
		t.Errorf("with header: %q %v", got, err)
	}
	for name, c := range map[string]struct {
		b    []byte
		size int
	}{
		"offset 0":             {[]byte{0x10, 'a', 0, 0, 0x00}, 10},
		"offset past output":   {[]byte{0x10, 'a', 2, 0, 0x00}, 10},
		"literals past input":  {[]byte{0x50, 'a', 'b'}, 5},
		"output overflow":      {[]byte{0x1F, 'a', 1, 0, 255, 255, 255, 255, 255, 255}, 64},
		"short of the size":    {[]byte{0x30, 'a', 'b', 'c'}, 4},
		"empty":                {nil, 0},
		"ends in offset":       {[]byte{0x10, 'a', 1}, 8},
		"ends in match length": {[]byte{0x1F, 'a', 1, 0}, 64},
	} {
		if _, err := DecodeLZ4Block(c.b, c.size); !errors.Is(err, ese.ErrLogCorrupted) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := DecodeLZ4([]byte{0x38, 0, 0x90, 0x00}, 32768); !errors.Is(err, ese.ErrLogCorrupted) {
		t.Errorf("size past the page: %v", err)
	}
}
