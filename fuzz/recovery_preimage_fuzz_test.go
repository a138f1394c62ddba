package fuzz

import (
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/redo"

	"github.com/esekit/esekit/eselog"
)

// FuzzRecoveryPreImageLZ4 feeds hostile LZ4-compressed page pre-images
// (the engine's Lz4Header: scheme byte 0x38, u16 size, then an LZ4 block)
// to RehydratePreImage with the compressed flag, alone and with the
// dehydrated flag, for 4 KiB and 32 KiB pages. It must never panic, never
// allocate more than the page, and on success return exactly one page.
// The input's first byte selects the page size and the flags; the rest is
// the block.
func FuzzRecoveryPreImageLZ4(f *testing.F) {
	// "abc", a 12-byte overlapping match, "XYZ": 18 bytes.
	f.Add([]byte{0, 0x38, 'a', 'b', 'c', 3, 0, 0x30, 'X', 'Y', 'Z'})
	// Extended lengths: 20 literals, a 300-byte match at offset 1, one literal.
	f.Add(append(append([]byte{1, 0xFF, 5}, make([]byte, 20)...), 1, 0, 255, 26, 0x10, '!'))
	// A whole 4 KiB page of zeros: one literal and a 4095-byte match.
	f.Add([]byte{2, 0x1F, 0, 1, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0xD4, 0x00})
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) < 1 {
			return
		}
		sel := in[0]
		pageSize, flags := preImageSelect(sel)
		// The header's size: the whole page, or a shorter dehydrated image
		// when the second bit asks for one.
		size := pageSize
		if sel&2 != 0 {
			size = pageSize - int(sel>>2)*64
		}
		img := append([]byte{0x38, byte(size), byte(size >> 8)}, in[1:]...)
		b, err := redo.RehydratePreImage(img, flags, pageSize)
		if err == nil && len(b) != pageSize {
			t.Fatalf("%d bytes for a %d-byte page", len(b), pageSize)
		}
	})
}

// FuzzRecoveryPreImageXpress9 feeds hostile Xpress9-compressed page
// pre-images (the engine's Xpress9Header: scheme byte 0x28, the page's
// CRC-32C, then one Xpress9 block) to RehydratePreImage with the
// compressed flag, alone and with the dehydrated flag, for 4 KiB and
// 32 KiB pages. The input's first byte selects the page size (bit 0) and
// the dehydrated flag (bit 1); the rest is the image, whose block header
// CRC-32C is recomputed so that mutations reach the header fields, the
// Huffman tables and the LZ77 data. It must never panic, never allocate
// more than a page, and return exactly one page or an error wrapping
// JET_errLogCorrupted. Seeds: the test vectors of
// internal/xpress/testdata/xpress9 (made by the engine's encoder).
func FuzzRecoveryPreImageXpress9(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "internal", "xpress", "testdata", "xpress9", "*.x9"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil || len(b) > 8192 {
			continue
		}
		for sel := byte(0); sel < 4; sel++ {
			f.Add(append([]byte{sel}, b...))
		}
	}
	// A block header alone, for when the test data is absent.
	f.Add([]byte{0, 0x28, 0, 0, 0, 0, 0x2a, 0xd7, 0x86, 0x4e, 0, 0x10, 0, 0, 0, 2, 0, 0, 0x1b, 0xa0, 0x06, 0})
	castagnoli := crc32.MakeTable(crc32.Castagnoli)
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) < 1 {
			return
		}
		sel := in[0]
		pageSize, flags := preImageSelect(sel)
		img := append([]byte{}, in[1:]...)
		if len(img) >= 5+32 {
			h := img[5:]
			sum := crc32.Checksum(h[:28], castagnoli)
			h[28], h[29], h[30], h[31] = byte(sum), byte(sum>>8), byte(sum>>16), byte(sum>>24)
		}
		b, err := redo.RehydratePreImage(img, flags, pageSize)
		if err == nil && len(b) != pageSize {
			t.Fatalf("%d bytes for a %d-byte page", len(b), pageSize)
		}
		if err != nil && len(img) > 0 && img[0]>>3 == 5 && !errors.Is(err, ese.ErrLogCorrupted) {
			t.Fatalf("error %v does not wrap JET_errLogCorrupted", err)
		}
	})
}

// preImageSelect reads the pre-image fuzz targets' selector byte: bit 0
// picks a 32 KiB page (else 4 KiB), bit 1 adds the dehydrated flag to the
// compressed one.
func preImageSelect(sel byte) (pageSize int, flags uint32) {
	pageSize, flags = 4096, uint32(eselog.PreimageXpress)
	if sel&1 != 0 {
		pageSize = 32768
	}
	if sel&2 != 0 {
		flags |= eselog.PreimageDehydrated
	}
	return pageSize, flags
}
