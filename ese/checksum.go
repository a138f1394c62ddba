package ese

import (
	"encoding/binary"
	"math/bits"
)

// headerSeed is the seed of the 32-bit header checksum and of the legacy
// page checksum (ulDAEMagic).
const headerSeed = 0x89ABCDEF

// HeaderChecksum computes the 32-bit header checksum (docs/pages.md#header-checksum) of b:
// 0x89ABCDEF XOR every little-endian u32 of b except the first, which holds
// the stored checksum. It is used for database, checkpoint, log, patch and
// flush-map headers. len(b) must be a multiple of 8.
func HeaderChecksum(b []byte) uint32 {
	var acc uint64
	for i := 8; i+8 <= len(b); i += 8 {
		acc ^= binary.LittleEndian.Uint64(b[i:])
	}
	sum := uint32(acc) ^ uint32(acc>>32) ^ binary.LittleEndian.Uint32(b[4:])
	return sum ^ headerSeed
}

// LegacyPageChecksum computes the pre-ECC page checksum (docs/pages.md#legacy-page-checksum) of a small
// page: the low 32 bits are 0x89ABCDEF XOR every u32 but the first (the page
// number in bytes 4..7 is included), the high 32 bits are pgno.
func LegacyPageChecksum(page []byte, pgno uint32) uint64 {
	return uint64(pgno)<<32 | uint64(HeaderChecksum(page))
}

// XEChecksum computes the 64-bit XOR+ECC checksum (docs/pages.md#xor-ecc-checksum) of one block of
// 1024..8192 bytes (a power of two). first says the block starts a page or
// log segment, so its first 8 bytes hold the stored checksum and count as
// zero. The result is stored little-endian: bytes 0..3 the XOR part (which
// includes pgno), bytes 4..7 the ECC part.
func XEChecksum(block []byte, pgno uint32, first bool) uint64 {
	if len(block) < 64 || len(block)%64 != 0 {
		return xeChecksumRows(block, pgno, first)
	}
	return xeChecksumWords(block, pgno, first)
}

// xeChecksumWords is XEChecksum for blocks of a multiple of 64 bytes.
//
// The ECC needs, besides the column XOR, p = the XOR of the indexes of the
// rows (u32s) with odd parity. Bit k of p is the parity of the number of
// odd rows whose index has bit k set, which is the parity of the XOR of
// all rows whose index has bit k set. So p follows from XOR sums alone:
// read the block as u64 words W[j] (rows 2j and 2j+1), then
//
//	bit 0 of p     = parity of the high halves of all words (odd rows);
//	bit m+1 of p   = parity of Y[m], the XOR of the words W[j] whose
//	                 index j has bit m set.
//
// Y[0..2] come from eight accumulators, A[r] = XOR of W[j] with j%8 = r;
// Y[3..] from the XOR of each 64-byte chunk c = j/8, folded in according
// to the bits of c. That is two XORs per word plus a few per chunk, no
// per-row popcount.
func xeChecksumWords(block []byte, pgno uint32, first bool) uint64 {
	n := uint32(len(block) / 4) // rows
	var a0, a1, a2, a3, a4, a5, a6, a7 uint64
	var y [32]uint64 // y[m] for m >= 3, indexed m-3
	chunks := len(block) / 64
	for c := 0; c < chunks; c++ {
		b := block[c*64 : c*64+64 : c*64+64]
		w0 := binary.LittleEndian.Uint64(b[0:])
		w1 := binary.LittleEndian.Uint64(b[8:])
		w2 := binary.LittleEndian.Uint64(b[16:])
		w3 := binary.LittleEndian.Uint64(b[24:])
		w4 := binary.LittleEndian.Uint64(b[32:])
		w5 := binary.LittleEndian.Uint64(b[40:])
		w6 := binary.LittleEndian.Uint64(b[48:])
		w7 := binary.LittleEndian.Uint64(b[56:])
		a0 ^= w0
		a1 ^= w1
		a2 ^= w2
		a3 ^= w3
		a4 ^= w4
		a5 ^= w5
		a6 ^= w6
		a7 ^= w7
		cx := (w0 ^ w1) ^ (w2 ^ w3) ^ (w4 ^ w5) ^ (w6 ^ w7)
		for t := uint(c); t != 0; t &= t - 1 {
			y[bits.TrailingZeros(t)] ^= cx
		}
	}
	colW := a0 ^ a1 ^ a2 ^ a3 ^ a4 ^ a5 ^ a6 ^ a7
	if first {
		// Word 0 (rows 0 and 1) holds the stored checksum and counts as
		// zero. Its index is 0, so it only reached a0 and colW.
		colW ^= binary.LittleEndian.Uint64(block)
	}
	parity := func(v uint64) uint32 { return uint32(bits.OnesCount64(v) & 1) }
	p := parity(colW >> 32)
	p |= parity(a1^a3^a5^a7) << 1
	p |= parity(a2^a3^a6^a7) << 2
	p |= parity(a4^a5^a6^a7) << 3
	for m := 0; 1<<m < chunks; m++ {
		p |= parity(y[m]) << (m + 4)
	}
	col := uint32(colW) ^ uint32(colW>>32)
	odd := uint32(bits.OnesCount32(col) & 1) // parity of the number of odd rows
	q := p ^ -odd                            // XOR of ^i over the odd rows
	var r uint32
	for c := col; c != 0; c &= c - 1 {
		r ^= uint32(bits.TrailingZeros32(c))
	}
	s := r ^ -odd
	ecc := (q&(n-1))<<21 | (s&31)<<16 | (p&(n-1))<<5 | r&31
	return uint64(ecc)<<32 | uint64(col^pgno)
}

// xeChecksumRows is the direct form of docs/pages.md#xor-ecc-checksum, row by row; XEChecksum uses it
// for block lengths that are not a multiple of 64 bytes, and the tests
// check xeChecksumWords against it.
func xeChecksumRows(block []byte, pgno uint32, first bool) uint64 {
	n := uint32(len(block) / 4)
	var col, p, odd uint32
	i := uint32(0)
	if first {
		i = 2
	}
	for ; i < n; i++ {
		w := binary.LittleEndian.Uint32(block[4*i:])
		col ^= w
		pw := uint32(bits.OnesCount32(w) & 1)
		p ^= i & -pw
		odd ^= pw
	}
	q := p ^ -odd
	var r uint32
	for c := col; c != 0; c &= c - 1 {
		r ^= uint32(bits.TrailingZeros32(c))
	}
	s := r ^ -uint32(bits.OnesCount32(col)&1)
	ecc := (q&(n-1))<<21 | (s&31)<<16 | (p&(n-1))<<5 | r&31
	return uint64(ecc)<<32 | uint64(col^pgno)
}

// PageChecksumBlocks returns how many checksum blocks a page of pageSize
// bytes has: 1 for pages of 8 KiB or less, 4 for 16 and 32 KiB pages.
func PageChecksumBlocks(pageSize int) int {
	if pageSize <= MaxSmallPageSize {
		return 1
	}
	return 4
}

// PageChecksums holds the stored and the computed checksum of each block of
// one page.
type PageChecksums struct {
	// Blocks is the number of checksum blocks (1 or 4).
	Blocks int
	// Legacy is true when the page uses the pre-ECC format (flag 0x2000
	// clear on a small page).
	Legacy bool
	// Stored and Computed are the checksums of blocks 0..Blocks-1.
	Stored, Computed [4]uint64
}

// OK reports whether every block matches.
func (c PageChecksums) OK() bool {
	for i := 0; i < c.Blocks; i++ {
		if c.Stored[i] != c.Computed[i] {
			return false
		}
	}
	return true
}

// newChecksumFormat reports whether the page flags at offset 36 carry
// PageNewChecksumFormat.
func newChecksumFormat(page []byte) bool {
	return binary.LittleEndian.Uint32(page[36:])&uint32(PageNewChecksumFormat) != 0
}

// ComputePageChecksums returns the stored and computed checksums of page,
// a whole database page (or a 4 KiB log segment) whose logical number is
// pgno. Large pages (16/32 KiB) always use the ECC format with four blocks;
// small pages use it when flag 0x2000 is set and the legacy format otherwise.
// Like SetPageChecksum and CorrectPage it needs at least the 40-byte page
// header; use CheckPage for a buffer of unknown length.
func ComputePageChecksums(page []byte, pgno uint32) PageChecksums {
	var c PageChecksums
	if len(page) <= MaxSmallPageSize {
		c.Blocks = 1
		c.Stored[0] = binary.LittleEndian.Uint64(page)
		if newChecksumFormat(page) {
			c.Computed[0] = XEChecksum(page, pgno, true)
		} else {
			c.Legacy = true
			c.Computed[0] = LegacyPageChecksum(page, pgno)
		}
		return c
	}
	c.Blocks = 4
	bs := len(page) / 4
	for k := 0; k < 4; k++ {
		if k == 0 {
			c.Stored[0] = binary.LittleEndian.Uint64(page)
		} else {
			c.Stored[k] = binary.LittleEndian.Uint64(page[PageBlockChecksumsOffset+8*(k-1):])
		}
		c.Computed[k] = XEChecksum(page[k*bs:(k+1)*bs], pgno, k == 0)
	}
	return c
}

// SetPageChecksum computes and stores the checksum(s) of page for pgno,
// in the format the page's flags select (large pages always ECC): blocks
// 1..3 first, then block 0, which covers their stored values.
func SetPageChecksum(page []byte, pgno uint32) {
	if len(page) <= MaxSmallPageSize {
		if newChecksumFormat(page) {
			binary.LittleEndian.PutUint64(page, XEChecksum(page, pgno, true))
		} else {
			binary.LittleEndian.PutUint32(page[4:], pgno)
			binary.LittleEndian.PutUint32(page, HeaderChecksum(page))
		}
		return
	}
	bs := len(page) / 4
	for k := 1; k < 4; k++ {
		binary.LittleEndian.PutUint64(page[PageBlockChecksumsOffset+8*(k-1):], XEChecksum(page[k*bs:(k+1)*bs], pgno, false))
	}
	binary.LittleEndian.PutUint64(page, XEChecksum(page[:bs], pgno, true))
}

// formatFlagBit is the bit index of PageNewChecksumFormat inside a page
// (byte 37, bit 5), which correction must never flip.
const formatFlagBit = 37*8 + 5

// CorrectableBit locates a single flipped bit from a block's stored and
// computed ECC checksums (docs/pages.md#single-bit-correction). blockSize is
// the block length in bytes. It
// returns the bit index inside the block (byte idx/8, bit idx%8, LSB first)
// and true when the difference is exactly one correctable data bit.
func CorrectableBit(stored, computed uint64, blockSize int) (int, bool) {
	e := uint32(stored>>32) ^ uint32(computed>>32)
	x := uint32(stored) ^ uint32(computed)
	mask := uint32(8*blockSize - 1)
	if ((e>>16)^e)&mask != mask || bits.OnesCount32(x) != 1 {
		return 0, false
	}
	idx := int(e & 0xFFFF)
	if idx >= 8*blockSize {
		return 0, false
	}
	return idx, true
}

// CorrectPage tries to repair one flipped bit in page (ECC format only). It
// returns the bit index inside the page that it flipped and true, or false
// when the page is intact, legacy, or has more damage than one bit. The
// page is modified only when it returns true and the result verifies.
func CorrectPage(page []byte, pgno uint32) (int, bool) {
	c := ComputePageChecksums(page, pgno)
	if c.Legacy || c.OK() {
		return 0, false
	}
	bs := len(page) / c.Blocks
	bad := -1
	for k := 0; k < c.Blocks; k++ {
		if c.Stored[k] != c.Computed[k] {
			if bad >= 0 {
				// Two blocks differ. One case is still one bit: a flip inside
				// a stored block checksum (bytes 40..63 of block 0) makes
				// block 0 and that block both disagree; try block 0 first.
				if bad != 0 {
					return 0, false
				}
				continue
			}
			bad = k
		}
	}
	idx, ok := CorrectableBit(c.Stored[bad], c.Computed[bad], bs)
	if !ok {
		return 0, false
	}
	pos := bad*bs*8 + idx
	if pos == formatFlagBit || (bad == 0 && idx < 64) {
		return 0, false
	}
	page[pos/8] ^= 1 << (pos % 8)
	if ComputePageChecksums(page, pgno).OK() {
		return pos, true
	}
	page[pos/8] ^= 1 << (pos % 8)
	return 0, false
}
