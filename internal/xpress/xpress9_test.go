package xpress

import (
	"bytes"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// xpress9Vectors returns the test vectors of testdata/xpress9: each
// NAME.x9 (the engine's Xpress9 output) with NAME.bin (its input).
func xpress9Vectors(t testing.TB) (names []string, comp, plain map[string][]byte) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "xpress9", "*.x9"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors: %v", err)
	}
	comp, plain = map[string][]byte{}, map[string][]byte{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".x9")
		c, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := os.ReadFile(strings.TrimSuffix(f, ".x9") + ".bin")
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
		comp[name], plain[name] = c, p
	}
	return names, comp, plain
}

func TestXpress9Vectors(t *testing.T) {
	names, comp, plain := xpress9Vectors(t)
	for _, name := range names {
		got, err := DecodeXpress9(comp[name], 32768)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(got, plain[name]) {
			t.Errorf("%s: decoded %d bytes differ from the %d-byte input", name, len(got), len(plain[name]))
		}
	}
}

// TestXpress9Truncated: every proper prefix of a vector is
// ese.ErrLogCorrupted (the block needs all of its bits), and so is a
// vector whose output would not fit the page.
func TestXpress9Truncated(t *testing.T) {
	names, comp, plain := xpress9Vectors(t)
	for _, name := range names {
		c := comp[name]
		for n := 0; n < len(c); n++ {
			if _, err := DecodeXpress9(c[:n], 32768); !errors.Is(err, ese.ErrLogCorrupted) {
				t.Fatalf("%s cut to %d of %d bytes: %v", name, n, len(c), err)
			}
		}
		if len(plain[name]) > 1 {
			if _, err := DecodeXpress9(c, len(plain[name])-1); !errors.Is(err, ese.ErrLogCorrupted) {
				t.Errorf("%s into %d bytes: %v", name, len(plain[name])-1, err)
			}
		}
		// Bytes after the block are ignored, as the engine ignores them.
		if got, err := DecodeXpress9(append(append([]byte{}, c...), 1, 2, 3), 32768); err != nil || !bytes.Equal(got, plain[name]) {
			t.Errorf("%s with trailing bytes: %v", name, err)
		}
	}
}

// TestXpress9Corrupted flips every bit of the smaller vectors and every
// n-th bit of the larger ones (about 1500 flips each): the result is either ese.ErrLogCorrupted or
// the original output (a flip in the padding bits after the block's last
// bit changes nothing). Flips in the headers are always caught (scheme,
// magic, block CRC-32C, page CRC-32C), but for the scheme byte's low 3
// bits, which the engine does not read either.
func TestXpress9Corrupted(t *testing.T) {
	names, comp, plain := xpress9Vectors(t)
	caught := 0
	for _, name := range names {
		c := append([]byte{}, comp[name]...)
		step := max(1, 8*len(c)/1500) // at most ~1500 flips a vector
		for bit := 0; bit < 8*len(c); bit += step {
			c[bit/8] ^= 1 << (bit % 8)
			got, err := DecodeXpress9(c, 32768)
			c[bit/8] ^= 1 << (bit % 8)
			switch {
			case err != nil && !errors.Is(err, ese.ErrLogCorrupted):
				t.Fatalf("%s bit %d: %v", name, bit, err)
			case err != nil:
				caught++
			case bit >= 3 && bit < 8*(xpress9HeaderSize+x9BlockHeaderSize):
				// The scheme byte's low 3 bits are not read (the
				// engine takes its top 5 bits).
				t.Fatalf("%s bit %d: a header flip is not caught", name, bit)
			case !bytes.Equal(got, plain[name]):
				t.Fatalf("%s bit %d: decoded to different bytes", name, bit)
			}
		}
	}
	if caught == 0 {
		t.Error("no flip was caught")
	}
}

// TestXpress9Header checks the header fields one by one on the 32 KiB
// zero page's vector, re-sealing the block header's CRC-32C so that the
// field itself is what is rejected.
func TestXpress9Header(t *testing.T) {
	_, comp, plain := xpress9Vectors(t)
	orig := comp["zeros-32768"]
	if got, err := DecodeXpress9(orig, 32768); err != nil || !bytes.Equal(got, plain["zeros-32768"]) {
		t.Fatalf("zero page: %v", err)
	}
	// The engine's header: scheme 5, the CRC-32C of 32 KiB of zeros.
	if orig[0] != 0x28 || bin.U32(orig, 1) != crc32.Checksum(make([]byte, 32768), castagnoli) {
		t.Fatalf("engine header % x", orig[:5])
	}
	blk := orig[xpress9HeaderSize:]
	// The real values: magic, 32768 bytes, flags of ErrCompressXpress9_'s
	// parameters (4 MTF entries, pointer matches from 4, MTF from 2).
	if bin.U32(blk, 0) != x9BlockMagic || bin.U32(blk, 4) != 32768 || bin.U32(blk, 12)>>16 != 0x6 {
		t.Fatalf("block header % x", blk[:32])
	}
	for name, c := range map[string]struct {
		off  int
		val  uint32
		seal bool
	}{
		"magic":             {0, 0x4e86d72b, true},
		"block CRC":         {28, 0, false},
		"reserved":          {16, 1, true},
		"block index":       {24, 1, true},
		"reserved flags":    {12, bin.U32(blk, 12) | 1<<20, true},
		"6 MTF entries":     {12, bin.U32(blk, 12) | 3<<16, true},
		"table bits":        {12, bin.U32(blk, 12) + 1, true},
		"size past max":     {4, 32769, true},
		"size short":        {4, 32767, true},
		"bits short":        {8, bin.U32(blk, 8) - 1, true},
		"bits long":         {8, bin.U32(blk, 8) + 1, true},
		"bits in tables":    {8, 256 + bin.U32(blk, 12)&0x1fff, true},
		"bits past the end": {8, bin.U32(blk, 8) + 64, true},
	} {
		b := append([]byte{}, orig...)
		h := b[xpress9HeaderSize:]
		bin.PutU32(h, c.off, c.val)
		if c.seal {
			bin.PutU32(h, 28, crc32.Checksum(h[:28], castagnoli))
		}
		if _, err := DecodeXpress9(b, 32768); !errors.Is(err, ese.ErrLogCorrupted) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// The page checksum in the engine's header.
	b := append([]byte{}, orig...)
	b[1] ^= 1
	if _, err := DecodeXpress9(b, 32768); !errors.Is(err, ese.ErrLogCorrupted) {
		t.Errorf("page CRC: %v", err)
	}
	// Another scheme byte is not Xpress9.
	b[1] ^= 1
	b[0] = 0x18
	if _, err := DecodeXpress9(b, 32768); !errors.Is(err, ese.ErrLogCorrupted) {
		t.Errorf("scheme 3: %v", err)
	}
}

func BenchmarkXpress9Page(b *testing.B) {
	_, comp, plain := xpress9Vectors(b)
	c := comp["indexeddb-p4"]
	b.SetBytes(int64(len(plain["indexeddb-p4"])))
	for b.Loop() {
		if _, err := DecodeXpress9(c, 32768); err != nil {
			b.Fatal(err)
		}
	}
}
