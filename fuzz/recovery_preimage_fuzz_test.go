package fuzz

import (
	"testing"

	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/recovery"
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
		pageSize := 4096
		if sel&1 != 0 {
			pageSize = 32768
		}
		flags := uint32(eselog.PreimageXpress)
		if sel&2 != 0 {
			flags |= eselog.PreimageDehydrated
		}
		// The header's size: the whole page, or a shorter dehydrated image
		// when the second bit asks for one.
		size := pageSize
		if sel&2 != 0 {
			size = pageSize - int(sel>>2)*64
		}
		img := append([]byte{0x38, byte(size), byte(size >> 8)}, in[1:]...)
		b, err := recovery.RehydratePreImage(img, flags, pageSize)
		if err == nil && len(b) != pageSize {
			t.Fatalf("%d bytes for a %d-byte page", len(b), pageSize)
		}
	})
}
