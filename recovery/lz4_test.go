package recovery

import (
	"bytes"
	"errors"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testcorpus"
)

// lz4Compress is a small greedy LZ4 block compressor for tests, wrapped
// in the engine's Lz4Header (scheme byte 7<<3, u16 uncompressed size). It
// follows the block format's end rules (the last 5 bytes are literals, no
// match starts in the last 12), so a reference decoder would accept its
// output too.
func lz4Compress(src []byte) []byte {
	out := []byte{compressLZ4 << 3, byte(len(src)), byte(len(src) >> 8)}
	putLen := func(n int) {
		for ; n >= 255; n -= 255 {
			out = append(out, 255)
		}
		out = append(out, byte(n))
	}
	emit := func(lit []byte, off, ml int) {
		tok := byte(0)
		if len(lit) >= 15 {
			tok = 15 << 4
		} else {
			tok = byte(len(lit)) << 4
		}
		if off > 0 {
			if ml-4 >= 15 {
				tok |= 15
			} else {
				tok |= byte(ml - 4)
			}
		}
		out = append(out, tok)
		if len(lit) >= 15 {
			putLen(len(lit) - 15)
		}
		out = append(out, lit...)
		if off > 0 {
			out = append(out, byte(off), byte(off>>8))
			if ml-4 >= 15 {
				putLen(ml - 4 - 15)
			}
		}
	}
	table := map[uint32]int{}
	anchor, i := 0, 0
	for i+12 < len(src) {
		h := bin.U32(src, i)
		cand, ok := table[h]
		table[h] = i
		if !ok || i-cand > 0xFFFF {
			i++
			continue
		}
		ml := 4
		for i+ml+5 < len(src) && src[cand+ml] == src[i+ml] {
			ml++
		}
		emit(src[anchor:i], i-cand, ml)
		i += ml
		anchor = i
	}
	emit(src[anchor:], 0, 0)
	return out
}

// TestLZ4Block decodes hand-made blocks whose bytes follow the LZ4 block
// format: a match that overlaps its own output, literal and match lengths
// extended past 15 by 255-runs, and the engine's Lz4Header.
func TestLZ4Block(t *testing.T) {
	// "abc", then a 12-byte match at offset 3 (token 0x38), then "XYZ".
	b := []byte{0x38, 'a', 'b', 'c', 3, 0, 0x30, 'X', 'Y', 'Z'}
	got, err := lz4Block(b, 18)
	if err != nil || string(got) != "abcabcabcabcabcXYZ" {
		t.Fatalf("%q %v", got, err)
	}
	// 20 literal 'q's (15 + 5), then a match of 300 at offset 1 (4 + 15 +
	// 255 + 26), then one literal.
	lit := bytes.Repeat([]byte("q"), 20)
	b = append([]byte{0xFF, 5}, lit...)
	b = append(b, 1, 0, 255, 26, 0x10, '!')
	got, err = lz4Block(b, 321)
	if err != nil || !bytes.Equal(got, append(bytes.Repeat([]byte("q"), 320), '!')) {
		t.Fatalf("%d bytes %v", len(got), err)
	}
	hdr := append([]byte{0x38, 18, 0}, 0x38, 'a', 'b', 'c', 3, 0, 0x30, 'X', 'Y', 'Z')
	if got, err := decompressLZ4ESE(hdr, 4096); err != nil || string(got) != "abcabcabcabcabcXYZ" {
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
		if _, err := lz4Block(c.b, c.size); !errors.Is(err, ese.ErrLogCorrupted) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := decompressLZ4ESE([]byte{0x38, 0, 0x90, 0x00}, 32768); !errors.Is(err, ese.ErrLogCorrupted) {
		t.Errorf("size past the page: %v", err)
	}
}

// TestLZ4RealPages round-trips every page of a real database (SRUDB.dat,
// 4 KiB pages) through lz4Compress and RehydratePreImage with the
// compressed-image flag: each comes back byte for byte.
func TestLZ4RealPages(t *testing.T) {
	n, packed := 0, 0
	raw := testcorpus.Read(t, "museum-srum-server2022-apt-1daylater/SRUDB.dat")
	for off := 2 * 4096; off+4096 <= len(raw); off += 4096 {
		pg := raw[off : off+4096]
		c := lz4Compress(pg)
		packed += len(c)
		got, err := RehydratePreImage(c, eselog.PreimageXpress, 4096)
		if err != nil || !bytes.Equal(got, pg) {
			t.Fatalf("page at %#x: %v", off, err)
		}
		n++
	}
	if n != len(raw)/4096-2 || packed*2 > n*4096 {
		t.Errorf("%d pages packed into %d bytes: the matches path is not exercised", n, packed)
	}
}
