package xpress

import (
	"hash/crc32"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// The engine's Xpress9 wrapping (CDataCompressor::ErrCompressXpress9_ in
// compression.cxx): a 5-byte Xpress9Header, the scheme byte 5<<3 (0x28)
// then the CRC-32C of the uncompressed data as a little-endian u32, then
// the output of one Xpress9 encoder session over the whole input (window
// 2^16, four MTF entries, pointer matches of at least 4 bytes, MTF matches
// of at least 2). A page fits one Xpress9 block, and the engine decodes
// exactly one block (one Xpress9DecoderFetchDecompressedData call).
const (
	xpress9HeaderSize = 5

	x9BlockHeaderSize = 32         // LZ77_BLOCK_HEADER: eight little-endian u32
	x9BlockMagic      = 0x4e86d72a // XPRESS9_MAGIC, the header's first u32

	x9ShortAlphabet = 256 + (24+4)<<4 // literals, then (offset class, short length) pairs
	x9LongAlphabet  = 256             // lengths past the short symbol's 15
	x9MaxLongLength = x9LongAlphabet - 24
	x9MaxCodeLength = 27 // longest codeword allowed in the length tables
	x9FillBoundary  = 16 // row size of the length-table coding
	x9SmallAlphabet = x9MaxCodeLength + 6

	// Symbols of the code that transmits the length tables, above the
	// lengths 0..27 themselves.
	x9LenFill     = x9MaxCodeLength + 1 // zeros up to the next row boundary
	x9LenZeroRun  = x9MaxCodeLength + 2 // a run of at least 5 zeros
	x9LenPrev     = x9MaxCodeLength + 3 // the last non-zero length again
	x9LenRowSame  = x9MaxCodeLength + 4 // the length one row (16 symbols) above
	x9LenRowPlus1 = x9MaxCodeLength + 5 // that length plus one
)

// castagnoli is the CRC-32C table: the engine's Crc32Checksum (the SSE 4.2
// crc32 instruction) and the Xpress9 block header's check both use it.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// DecodeXpress9 decodes data the engine compressed with Xpress9
// (first byte 0x28) into the size the Xpress9 block header records, which
// must not exceed max; the output's CRC-32C must match the engine header's
// (JET_errCompressionIntegrityCheckFailed in the engine). Bytes after the
// block are ignored, as the engine's single fetch ignores them. Malformed
// data is ese.ErrLogCorrupted.
func DecodeXpress9(b []byte, max int) ([]byte, error) {
	if len(b) < xpress9HeaderSize || b[0]>>3 != SchemeXpress9 {
		return nil, ese.NewFormatError("Xpress9 data", 0, ese.ErrLogCorrupted, "no Xpress9 header in %d bytes", len(b))
	}
	out, err := xpress9Block(b[xpress9HeaderSize:], max)
	if err != nil {
		return nil, err
	}
	if sum, want := crc32.Checksum(out, castagnoli), bin.U32(b, 1); sum != want {
		return nil, ese.NewFormatError("Xpress9 data", 1, ese.ErrLogCorrupted, "CRC-32C of the %d decoded bytes is %#08x, the header says %#08x", len(out), sum, want)
	}
	return out, nil
}

// x9Params are the coding parameters a block header's flags word holds:
// bits 0-12 the size in bits of the state that precedes the data (MTF
// offsets and Huffman tables), 13-15 the window size log2 minus 16, 16-17
// the MTF entry count halved (0, 2 or 4), bit 18 the pointer minimum match
// minus 3, bit 19 the MTF minimum match minus 2; bits 20-31 are zero.
type x9Params struct {
	tableBits int
	windowLog uint
	mtf       int
	ptrMin    int
	mtfMin    int
}

// xpress9Block decodes the first Xpress9 block of src (Xpress9Lz77Dec and
// Xpress9DecoderFetchDecompressedData in the engine's _xpress9 library)
// into exactly the size its header records, at most max bytes.
//
// The block header is eight little-endian u32: magic, uncompressed size,
// compressed size in bits (header included), flags (x9Params), a reserved
// zero, the session signature, the block index (0 for the first block)
// and the CRC-32C of the first seven. The bit stream that follows is read
// least significant bit first. It starts with the MTF state (when MTF
// entries are used: a bit saying whether the last item was a pointer, and
// per entry a 5-bit class c below the window log2 and c more bits giving
// the offset 2^c+bits), then the Huffman code lengths of the 704 short
// symbols and of the 256 long lengths (x9LengthTable), then the data: a
// short symbol below 256 is a literal; above, its low 4 bits are a length
// (15: a long length follows) and the rest an offset class: below the MTF
// count a recent offset, else c-MTF bits giving an offset 2^c+bits. The
// block must use exactly its compressed size in bits.
func xpress9Block(src []byte, max int) ([]byte, error) {
	bad := func(at int, format string, args ...any) error {
		return ese.NewFormatError("Xpress9 block", int64(at), ese.ErrLogCorrupted, format, args...)
	}
	if len(src) < x9BlockHeaderSize {
		return nil, bad(0, "%d bytes, shorter than a block header", len(src))
	}
	if m := bin.U32(src, 0); m != x9BlockMagic {
		return nil, bad(0, "magic %#08x, want %#08x", m, uint32(x9BlockMagic))
	}
	if sum, want := crc32.Checksum(src[:28], castagnoli), bin.U32(src, 28); sum != want {
		return nil, bad(28, "header CRC-32C %#08x, computed %#08x", want, sum)
	}
	if r := bin.U32(src, 16); r != 0 {
		return nil, bad(16, "reserved word %#x is not zero", r)
	}
	if idx := bin.U32(src, 24); idx != 0 {
		return nil, bad(24, "first block has index %d", idx)
	}
	flags := bin.U32(src, 12)
	if flags>>20 != 0 {
		return nil, bad(12, "reserved flag bits set in %#x", flags)
	}
	p := x9Params{
		tableBits: int(flags & 0x1fff),
		windowLog: uint(flags>>13&7) + 16,
		mtf:       int(flags>>16&3) * 2,
		ptrMin:    int(flags>>18&1) + 3,
		mtfMin:    int(flags>>19&1) + 2,
	}
	if p.mtf > 4 {
		return nil, bad(12, "MTF entry count %d", p.mtf)
	}
	size := int64(bin.U32(src, 4))
	bits := int64(bin.U32(src, 8)) - 8*x9BlockHeaderSize
	if size > int64(max) {
		return nil, bad(4, "%d bytes uncompressed, at most %d expected", size, max)
	}
	if bits <= int64(p.tableBits) {
		return nil, bad(8, "%d bits of data for %d bits of tables", bits, p.tableBits)
	}
	if need := x9BlockHeaderSize + (bits+7)/8; need > int64(len(src)) {
		return nil, bad(8, "block of %d bytes, %d present", need, len(src))
	}
	r := x9Reader{src: src[x9BlockHeaderSize : x9BlockHeaderSize+(bits+7)/8]}

	// The MTF state the encoder started the block with.
	var mtfOff [4]int
	lastPtr := false
	if p.mtf > 0 {
		lastPtr = r.read(1) != 0
		for i := 0; i < p.mtf; i++ {
			c := uint(r.read(5))
			if c >= p.windowLog {
				return nil, bad(x9BlockHeaderSize+r.used/8, "MTF offset class %d for a window of 2^%d", c, p.windowLog)
			}
			mtfOff[i] = int(r.read(c)) + 1<<c
		}
	}
	var lens [x9ShortAlphabet]uint8
	var short, long x9Huffman
	if err := x9LengthTable(&r, lens[:x9ShortAlphabet]); err != nil {
		return nil, err
	}
	if err := short.init(lens[:x9ShortAlphabet]); err != nil {
		return nil, err
	}
	if err := x9LengthTable(&r, lens[:x9LongAlphabet]); err != nil {
		return nil, err
	}
	if err := long.init(lens[:x9LongAlphabet]); err != nil {
		return nil, err
	}
	if r.used != p.tableBits {
		return nil, bad(12, "tables take %d bits, the header says %d", r.used, p.tableBits)
	}

	n := int(size)
	dst := make([]byte, 0, n)
	for len(dst) < n {
		if int64(r.used) > bits {
			return nil, bad(8, "data runs past the block's %d bits", bits)
		}
		sym := short.decode(&r)
		if sym < 256 {
			dst = append(dst, byte(sym))
			lastPtr = false
			continue
		}
		sym -= 256
		length := sym & 15
		class := sym >> 4
		if length == 15 {
			l := long.decode(&r)
			if l >= x9MaxLongLength {
				extra := uint(l - x9MaxLongLength)
				l = int(r.read(extra)) + 1<<extra + x9MaxLongLength - 1
			}
			length += l
		}
		var off int
		if class < p.mtf {
			length += p.mtfMin
			if lastPtr {
				// Right after a pointer its own offset is entry 0, so
				// the classes name entries 1, 2, 3.
				switch {
				case class == 0:
					off = mtfOff[1]
				case class == 1 && p.mtf == 4:
					off = mtfOff[2]
					mtfOff[2] = mtfOff[1]
				case class == 2 && p.mtf == 4:
					off = mtfOff[3]
					mtfOff[3], mtfOff[2] = mtfOff[2], mtfOff[1]
				default:
					return nil, bad(x9BlockHeaderSize+r.used/8, "MTF entry %d after a pointer", class)
				}
				mtfOff[1], mtfOff[0] = mtfOff[0], off
			} else {
				off = mtfOff[class]
				copy(mtfOff[1:class+1], mtfOff[:class])
				mtfOff[0] = off
			}
		} else {
			length += p.ptrMin
			c := uint(class - p.mtf)
			off = int(r.read(c)) + 1<<c
			copy(mtfOff[1:], mtfOff[:3])
			mtfOff[0] = off
		}
		lastPtr = true
		if off > len(dst) {
			return nil, bad(x9BlockHeaderSize+r.used/8, "match %d bytes back at output %d", off, len(dst))
		}
		if length > n-len(dst) {
			return nil, bad(x9BlockHeaderSize+r.used/8, "match of %d overflows the %d-byte output at %d", length, n, len(dst))
		}
		from := len(dst) - off
		for i := 0; i < length; i++ { // overlapping copies repeat the pattern
			dst = append(dst, dst[from+i])
		}
	}
	if int64(r.used) != bits {
		return nil, bad(8, "block decoded in %d bits, the header says %d", r.used, bits)
	}
	return dst, nil
}

// x9LengthTable reads the Huffman code lengths of one alphabet
// (HuffmanDecodeLengthTable). A 3-bit kind comes first: 0 is the "stored"
// code, where with m = floor(log2 |A|) the first 2^(m+1)-|A| symbols have
// m bits and the rest m+1; 1 is a coded table: 33 small lengths (each a
// bit saying "same as the previous", else 3 bits k standing for k, or k+1
// when k reaches the previous value, which starts at 4), the canonical
// code they define, then per symbol one small symbol: a length 0..27, a
// fill of zeros to the next 16-symbol row, a run of zeros (5 plus 2 bits,
// 3 adding 3-bit groups while they are 7, never reaching the next row),
// the previous non-zero length (8 at first), or the length one row above,
// unchanged or plus one.
func x9LengthTable(r *x9Reader, lens []uint8) error {
	bad := func(format string, args ...any) error {
		return ese.NewFormatError("Xpress9 Huffman table", int64(x9BlockHeaderSize+r.used/8), ese.ErrLogCorrupted, format, args...)
	}
	n := len(lens)
	switch kind := r.read(3); kind {
	case 0:
		m := 0
		for 2<<m <= n {
			m++
		}
		short := 2<<m - n
		for i := range lens {
			lens[i] = uint8(m)
			if i >= short {
				lens[i] = uint8(m + 1)
			}
		}
		return nil
	case 1:
	default:
		return bad("unknown table coding %d", kind)
	}
	var small [x9SmallAlphabet]uint8
	prev := uint64(4)
	for i := range small {
		if r.read(1) != 0 {
			k := r.read(3)
			if k >= prev {
				k++
			}
			prev = k
		}
		small[i] = uint8(prev)
	}
	var code x9Huffman
	if err := code.init(small[:]); err != nil {
		return err
	}
	last := uint8(8)
	for i := 0; i < n; {
		switch sym := code.decode(r); sym {
		case x9LenFill:
			for {
				lens[i] = 0
				i++
				if i%x9FillBoundary == 0 || i >= n {
					break
				}
			}
		case x9LenZeroRun:
			k := int(r.read(2))
			run := k + 5
			for k == 3 || k == 7 {
				// 3 in the first group, then 7 in each 3-bit group,
				// asks for one more group; the run stays in its row.
				k = int(r.read(3))
				run += k
				if i+run > n || i^(i+run) >= x9FillBoundary {
					return bad("zero run of %d at symbol %d", run, i)
				}
				if k != 7 {
					break
				}
			}
			if i+run > n || i^(i+run) >= x9FillBoundary {
				return bad("zero run of %d at symbol %d", run, i)
			}
			for ; run > 0; run-- {
				lens[i] = 0
				i++
			}
		case x9LenPrev:
			lens[i] = last
			i++
		case x9LenRowSame, x9LenRowPlus1:
			if i < x9FillBoundary {
				return bad("row reference at symbol %d", i)
			}
			l := lens[i-x9FillBoundary]
			if sym == x9LenRowPlus1 {
				l++
			}
			if l == 0 || l > x9MaxCodeLength {
				return bad("row reference gives length %d at symbol %d", l, i)
			}
			lens[i] = l
			last = l
			i++
		default:
			// 0..27: a length (the small alphabet has no other symbol).
			lens[i] = uint8(sym)
			if sym != 0 {
				last = uint8(sym)
			}
			i++
		}
	}
	return nil
}

// x9Reader reads the bit stream least significant bit first; past the end
// it reads zeros, and used counts every bit consumed, so a caller that
// checks used against the stream's size sees any overrun.
type x9Reader struct {
	src  []byte
	pos  int    // next byte to load into reg
	reg  uint64 // bits not yet consumed, the next in bit 0
	n    uint   // valid bits in reg
	used int    // bits consumed
}

// fill loads bytes until at least 57 bits are held.
func (r *x9Reader) fill() {
	for r.n <= 56 {
		if r.pos < len(r.src) {
			r.reg |= uint64(r.src[r.pos]) << r.n
		}
		r.pos++
		r.n += 8
	}
}

// peek returns the next k bits (k at most 32) without consuming them.
func (r *x9Reader) peek(k uint) uint64 {
	if r.n < k {
		r.fill()
	}
	return r.reg & (1<<k - 1)
}

// skip consumes k bits already peeked.
func (r *x9Reader) skip(k uint) {
	r.reg >>= k
	r.n -= k
	r.used += int(k)
}

// read consumes and returns the next k bits (k at most 32).
func (r *x9Reader) read(k uint) uint64 {
	v := r.peek(k)
	r.skip(k)
	return v
}

// x9FastBits is the width of the direct lookup table of x9Huffman: codes
// up to this many bits decode in one step, longer ones bit by bit.
const x9FastBits = 10

// x9Huffman decodes one canonical Huffman code as the engine builds it
// (HuffmanCreateDecodeTables): within a length, codes go to symbols in
// ascending order, shorter codes first, the first bit read being the
// code's most significant. The code must be complete unless it has a
// single symbol, which then always decodes, using its length in bits.
type x9Huffman struct {
	count   [x9MaxCodeLength + 1]uint16 // codes of each length
	symbols [x9ShortAlphabet]uint16     // symbols in code order
	fast    [1 << x9FastBits]uint16     // code bits reversed: symbol<<5 | length, 0 when longer
	single  int                         // the only symbol, or -1
	singleN uint                        // its length
}

// init builds the decoder for the code lengths lens (0: absent).
func (h *x9Huffman) init(lens []uint8) error {
	bad := func(format string, args ...any) error {
		return ese.NewFormatError("Xpress9 Huffman table", -1, ese.ErrLogCorrupted, format, args...)
	}
	*h = x9Huffman{single: -1}
	total := 0
	for s, l := range lens {
		if l > x9MaxCodeLength {
			return bad("symbol %d has a %d-bit code", s, l)
		}
		if l != 0 {
			h.count[l]++
			total++
			h.single, h.singleN = s, uint(l)
		}
	}
	switch {
	case total == 0:
		return bad("no symbol has a code")
	case total == 1:
		// The engine fills its whole table with the one symbol; its
		// table entry holds the length in 4 bits.
		if h.singleN > 15 {
			return bad("single symbol with a %d-bit code", h.singleN)
		}
		return nil
	}
	h.single = -1
	// The code must be complete: every node has two children.
	left := 0
	for l := x9MaxCodeLength; l > 0; l-- {
		left += int(h.count[l])
		if left&1 != 0 {
			return bad("incomplete code at length %d", l)
		}
		left >>= 1
	}
	if left != 1 {
		return bad("incomplete code")
	}
	var start [x9MaxCodeLength + 2]int
	for l := 1; l <= x9MaxCodeLength; l++ {
		start[l+1] = start[l] + int(h.count[l])
	}
	next := start
	for s, l := range lens {
		if l != 0 {
			h.symbols[next[l]] = uint16(s)
			next[l]++
		}
	}
	code := 0
	for l := uint(1); l <= x9FastBits; l++ {
		for i := start[l]; i < start[l+1]; i++ {
			rev := 0
			for b := uint(0); b < l; b++ {
				rev |= (code >> b & 1) << (l - 1 - b)
			}
			for j := rev; j < len(h.fast); j += 1 << l {
				h.fast[j] = h.symbols[i]<<5 | uint16(l)
			}
			code++
		}
		code <<= 1
	}
	return nil
}

// decode reads one symbol. A complete code always yields one within
// x9MaxCodeLength bits.
func (h *x9Huffman) decode(r *x9Reader) int {
	if h.single >= 0 {
		r.read(h.singleN)
		return h.single
	}
	if e := h.fast[r.peek(x9FastBits)]; e != 0 {
		r.skip(uint(e & 31))
		return int(e >> 5)
	}
	code, first, index := 0, 0, 0
	for l := 1; l <= x9MaxCodeLength; l++ {
		code |= int(r.read(1))
		c := int(h.count[l])
		if code-first < c {
			return int(h.symbols[index+code-first])
		}
		index += c
		first = (first + c) << 1
		code <<= 1
	}
	return 0 // not reached for a complete code
}
