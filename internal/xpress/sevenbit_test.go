package xpress

import (
	"bytes"
	"errors"
	"testing"

	"github.com/esekit/esekit/ese"
)

// TestSevenBit: the engine's packing of "abc" is scheme byte 0x0C (ASCII,
// 21 bits: 5 in the last byte), then 0x61 0xF1 0x18; every length from 1
// to 40 round-trips in both forms; bytes at or above 0x80 do not pack.
func TestSevenBit(t *testing.T) {
	got, ok := Encode7Bit([]byte("abc"), false)
	if want := []byte{0x0C, 0x61, 0xF1, 0x18}; !ok || !bytes.Equal(got, want) {
		t.Errorf("abc packs to % x, want % x", got, want)
	}
	for n := 1; n <= 40; n++ {
		src := make([]byte, n)
		for i := range src {
			src[i] = byte(0x20 + (i*37)%0x5F)
		}
		c, ok := Encode7Bit(src, false)
		if d, err := Decode(c, 1000); !ok || err != nil || !bytes.Equal(d, src) {
			t.Fatalf("ASCII %d: %v %q", n, err, d)
		}
		u := make([]byte, 2*n)
		for i, b := range src {
			u[2*i] = b
		}
		c, ok = Encode7Bit(u, true)
		if d, err := Decode(c, 1000); !ok || err != nil || !bytes.Equal(d, u) {
			t.Fatalf("Unicode %d: %v", n, err)
		}
		if _, err := Decode(c, 2*n-1); !errors.Is(err, ese.ErrLogCorrupted) {
			t.Fatalf("Unicode %d into %d bytes: %v", n, 2*n-1, err)
		}
	}
	if _, ok := Encode7Bit([]byte{'a', 0x80}, false); ok {
		t.Error("0x80 packed")
	}
	if _, err := Decode([]byte{6 << 3, 0, 0}, 100); !errors.Is(err, ErrUnknownScheme) {
		t.Errorf("Xpress10: %v", err)
	}
}
