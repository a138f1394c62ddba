package xpress

import (
	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// lz4HeaderSize is the engine's Lz4Header: the scheme byte (7<<3) and the
// uncompressed size as a little-endian u16.
const lz4HeaderSize = 3

// DecodeLZ4 decodes data the engine compressed with LZ4
// (CDataCompressor::ErrCompressLz4_: a 3-byte Lz4Header, then one LZ4
// block as LZ4_compress_default writes it) into exactly the size the
// header records, which must not exceed max (ErrDecompressLz4_ decodes
// with LZ4_decompress_safe_partial bounded by the buffer). Malformed data
// is ese.ErrLogCorrupted.
func DecodeLZ4(b []byte, max int) ([]byte, error) {
	if len(b) < lz4HeaderSize || b[0]>>3 != SchemeLZ4 {
		return nil, ese.NewFormatError("LZ4 data", 0, ese.ErrLogCorrupted, "no LZ4 header in %d bytes", len(b))
	}
	n := int(bin.U16(b, 1))
	if n > max {
		return nil, ese.NewFormatError("LZ4 data", 1, ese.ErrLogCorrupted, "%d bytes uncompressed, at most %d expected", n, max)
	}
	return DecodeLZ4Block(b[lz4HeaderSize:], n)
}

// DecodeLZ4Block decodes one LZ4 block (the format of the reference lz4 library:
// sequences of a token byte whose high nibble is the literal count and low
// nibble the match length minus 4, each 15 extended by following bytes
// summed until one is not 255; the literals; then, unless the block ends,
// a little-endian u16 offset back into the output, never 0) into exactly
// size bytes. The output never grows past size, whatever the input says.
func DecodeLZ4Block(src []byte, size int) ([]byte, error) {
	bad := func(at int, format string, args ...any) error {
		return ese.NewFormatError("LZ4 block", int64(at), ese.ErrLogCorrupted, format, args...)
	}
	dst := make([]byte, 0, size)
	in := 0
	// length reads a nibble's extension bytes.
	length := func(n int) (int, error) {
		if n != 15 {
			return n, nil
		}
		for {
			if in >= len(src) {
				return 0, bad(in, "block ends in a length")
			}
			c := int(src[in])
			in++
			n += c
			if n > size+15 {
				return 0, bad(in, "length %d exceeds the %d-byte output", n, size)
			}
			if c != 255 {
				return n, nil
			}
		}
	}
	for {
		if in >= len(src) {
			return nil, bad(in, "block ends before a token")
		}
		tok := int(src[in])
		in++
		lit, err := length(tok >> 4)
		if err != nil {
			return nil, err
		}
		if lit > len(src)-in {
			return nil, bad(in, "%d literals, %d bytes left", lit, len(src)-in)
		}
		if lit > size-len(dst) {
			return nil, bad(in, "%d literals overflow the %d-byte output", lit, size)
		}
		dst = append(dst, src[in:in+lit]...)
		in += lit
		if in == len(src) {
			break // the last sequence has literals only
		}
		if in+2 > len(src) {
			return nil, bad(in, "block ends in a match offset")
		}
		off := int(bin.U16(src, in))
		in += 2
		if off == 0 || off > len(dst) {
			return nil, bad(in-2, "match offset %d with %d bytes decoded", off, len(dst))
		}
		ml, err := length(tok & 15)
		if err != nil {
			return nil, err
		}
		ml += 4
		if ml > size-len(dst) {
			return nil, bad(in, "match of %d overflows the %d-byte output", ml, size)
		}
		from := len(dst) - off
		for i := 0; i < ml; i++ { // overlapping copies repeat the pattern
			dst = append(dst, dst[from+i])
		}
	}
	if len(dst) != size {
		return nil, bad(in, "%d bytes decoded, the header says %d", len(dst), size)
	}
	return dst, nil
}

// EncodeLZ4 is a small greedy LZ4 block compressor, wrapped
// in the engine's Lz4Header (scheme byte 7<<3, u16 uncompressed size). It
// follows the block format's end rules (the last 5 bytes are literals, no
// match starts in the last 12), so a reference decoder would accept its
// output too.
func EncodeLZ4(src []byte) []byte {
	out := []byte{SchemeLZ4 << 3, byte(len(src)), byte(len(src) >> 8)}
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
