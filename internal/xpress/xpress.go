package xpress

import (
	"errors"
	"fmt"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// ErrUnknownScheme is returned for compressed data whose scheme the
// decoder called does not handle.
var ErrUnknownScheme = errors.New("compression scheme not handled")

// DecodeXpress decodes data compressed by the engine's data compressor
// (ErrPKDecompressData) into at most max bytes. Only the Xpress scheme
// (first byte 0x18, then the uncompressed size as a u16, then an Xpress
// stream) is decoded; other schemes give an error wrapping
// ErrUnknownScheme, malformed data ese.ErrLogCorrupted.
func DecodeXpress(b []byte, max int) ([]byte, error) {
	if len(b) < 3 {
		return nil, ese.NewFormatError("compressed data", -1, ese.ErrLogCorrupted, "%d bytes", len(b))
	}
	if scheme := b[0] >> 3; scheme != SchemeXpress {
		return nil, fmt.Errorf("%w: compression scheme %d", ErrUnknownScheme, scheme)
	}
	n := int(bin.U16(b, 1))
	if n > max {
		return nil, ese.NewFormatError("compressed data", -1, ese.ErrLogCorrupted, "%d bytes uncompressed, at most %d expected", n, max)
	}
	return DecodeXpressStream(b[3:], n)
}

// DecodeXpressStream decodes an Xpress stream (the engine's _xpress library in
// its CODING_DIRECT2 form, as MS-XCA "plain LZ77") into exactly size
// bytes. A stream as long as the output is stored uncompressed. Flags come
// in little-endian 32-bit words read most significant bit first: 0 copies
// one literal byte, 1 reads a little-endian u16 match token whose top 13
// bits are the distance minus one and low 3 bits the length minus three;
// length 7 continues in a shared nibble (15: one more byte; 255: a u16
// holding the whole length minus three).
func DecodeXpressStream(src []byte, size int) ([]byte, error) {
	bad := func(format string, args ...any) error {
		return ese.NewFormatError("Xpress data", -1, ese.ErrLogCorrupted, format, args...)
	}
	if len(src) == size {
		return append([]byte{}, src...), nil
	}
	if size <= 8 || len(src) < 8 || len(src) > size || size > 1<<16 {
		return nil, bad("%d compressed bytes for %d", len(src), size)
	}
	dst := make([]byte, 0, size)
	in := 0
	nibble := -1 // index of the byte whose high nibble is still unused
	var flags uint32
	nflags := 0
	for len(dst) < size {
		if nflags == 0 {
			if in+4 > len(src) {
				return nil, bad("stream ends in a flag word at %d", in)
			}
			flags, nflags = bin.U32(src, in), 32
			in += 4
		}
		match := flags&0x80000000 != 0
		flags <<= 1
		nflags--
		if !match {
			if in >= len(src) {
				return nil, bad("stream ends in a literal at %d", in)
			}
			dst = append(dst, src[in])
			in++
			continue
		}
		if in+2 > len(src) {
			return nil, bad("stream ends in a match at %d", in)
		}
		tok := int(bin.U16(src, in))
		in += 2
		dist, n := tok>>3+1, tok&7
		if n == 7 {
			var x int
			if nibble < 0 {
				if in >= len(src) {
					return nil, bad("stream ends in a length at %d", in)
				}
				nibble, x = in, int(src[in]&15)
				in++
			} else {
				x, nibble = int(src[nibble]>>4), -1
			}
			if x == 15 {
				if in >= len(src) {
					return nil, bad("stream ends in a length at %d", in)
				}
				x = int(src[in])
				in++
				if x == 255 {
					if in+2 > len(src) {
						return nil, bad("stream ends in a length at %d", in)
					}
					x = int(bin.U16(src, in))
					in += 2
					if x < 255+15+7 {
						return nil, bad("long length %d below %d", x, 255+15+7)
					}
					n = x
				} else {
					n = x + 15 + 7
				}
			} else {
				n = x + 7
			}
		}
		n += 3
		if dist > len(dst) {
			return nil, bad("match %d bytes back at output %d", dist, len(dst))
		}
		n = min(n, size-len(dst))
		from := len(dst) - dist
		for i := 0; i < n; i++ {
			dst = append(dst, dst[from+i])
		}
	}
	return dst, nil
}
