// Package bin holds the little-endian and string helpers shared by every
// esekit decoder. Nothing here knows about ESE structures; it only reads and
// writes bytes with bounds checked against the caller's buffer.
package bin

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"unicode/utf16"
	"unicode/utf8"
)

// ErrShort reports that a buffer or file ends before a structure does.
var ErrShort = errors.New("short buffer")

// U16 returns the little-endian uint16 at b[off:].
func U16(b []byte, off int) uint16 { return binary.LittleEndian.Uint16(b[off:]) }

// U32 returns the little-endian uint32 at b[off:].
func U32(b []byte, off int) uint32 { return binary.LittleEndian.Uint32(b[off:]) }

// U64 returns the little-endian uint64 at b[off:].
func U64(b []byte, off int) uint64 { return binary.LittleEndian.Uint64(b[off:]) }

// I32 returns the little-endian int32 at b[off:].
func I32(b []byte, off int) int32 { return int32(binary.LittleEndian.Uint32(b[off:])) }

// I64 returns the little-endian int64 at b[off:].
func I64(b []byte, off int) int64 { return int64(binary.LittleEndian.Uint64(b[off:])) }

// PutU16 stores v little-endian at b[off:].
func PutU16(b []byte, off int, v uint16) { binary.LittleEndian.PutUint16(b[off:], v) }

// PutU32 stores v little-endian at b[off:].
func PutU32(b []byte, off int, v uint32) { binary.LittleEndian.PutUint32(b[off:], v) }

// PutU64 stores v little-endian at b[off:].
func PutU64(b []byte, off int, v uint64) { binary.LittleEndian.PutUint64(b[off:], v) }

// PutI32 stores v little-endian at b[off:].
func PutI32(b []byte, off int, v int32) { binary.LittleEndian.PutUint32(b[off:], uint32(v)) }

// PutI64 stores v little-endian at b[off:].
func PutI64(b []byte, off int, v int64) { binary.LittleEndian.PutUint64(b[off:], uint64(v)) }

// IsZero reports whether every byte of b is zero.
func IsZero(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b) != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// CString returns the bytes of b up to its first NUL as a string. 8-bit
// characters are mapped one to one onto the first 256 code points, which is
// exact for ASCII and for Latin-1 and lossless for every other code page.
func CString(b []byte) string {
	n := 0
	for n < len(b) && b[n] != 0 {
		n++
	}
	return Latin1(b[:n])
}

// Latin1 returns every byte of b as the code point of the same value (NULs
// included): the inverse of AppendLatin1 for text without characters above
// U+00FF. The result is at most twice len(b) bytes and is built without a
// rune buffer.
func Latin1(b []byte) string {
	out := make([]byte, 0, len(b)+len(b)/2)
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return string(out)
}

// AppendLatin1 appends s to b one byte per character, as 8-bit Windows
// tools write text: characters above U+00FF become '?'.
func AppendLatin1(b []byte, s string) []byte {
	for _, r := range s {
		if r > 0xFF {
			r = '?'
		}
		b = append(b, byte(r))
	}
	return b
}

// UTF16String decodes little-endian UTF-16 from b up to the first NUL unit.
// An odd trailing byte is ignored.
func UTF16String(b []byte) string {
	for i := 0; i+1 < len(b); i += 2 {
		if b[i] == 0 && b[i+1] == 0 {
			return UTF16(b[:i])
		}
	}
	return UTF16(b)
}

// UTF16 decodes every little-endian UTF-16 unit of b, NULs included; an
// odd trailing byte is ignored and unpaired surrogates become U+FFFD. The
// result is at most 1.5 × len(b) bytes and is built without unit or rune
// buffers.
func UTF16(b []byte) string {
	out := make([]byte, 0, len(b))
	for i := 0; i+1 < len(b); i += 2 {
		r := rune(binary.LittleEndian.Uint16(b[i:]))
		if utf16.IsSurrogate(r) {
			r2 := utf8.RuneError
			if i+3 < len(b) {
				r2 = utf16.DecodeRune(r, rune(binary.LittleEndian.Uint16(b[i+2:])))
			}
			if r2 != utf8.RuneError {
				i += 2
			}
			r = r2
		}
		out = utf8.AppendRune(out, r)
	}
	return string(out)
}

// AppendUTF16 appends s as little-endian UTF-16 to b, without a terminator.
func AppendUTF16(b []byte, s string) []byte {
	for _, c := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	return b
}

// ReadAt reads exactly n bytes at off. A read that ends early returns
// ErrShort (wrapping io.ErrUnexpectedEOF is deliberately avoided so callers
// can map it to their own FormatError). n must already be bounded by the
// caller: it is never taken from untrusted input without a limit.
func ReadAt(r io.ReaderAt, off int64, n int) ([]byte, error) {
	b := make([]byte, n)
	got, err := r.ReadAt(b, off)
	if got == n {
		return b, nil
	}
	if err == nil || err == io.EOF || err == io.ErrUnexpectedEOF {
		return b[:got], ErrShort
	}
	return b[:got], err
}

// Size returns the size of r when it can tell: values with a Size method
// (bytes.Reader, io.SectionReader, mmap.ReaderAt, memfile.File) or a Stat
// method (os.File). Otherwise it probes for the end with bounded reads.
//
// A negative size (from a custom Size method) is an error, so callers can
// use the result to size reads.
func Size(r io.ReaderAt) (int64, error) {
	n, err := size(r)
	if err == nil && n < 0 {
		return 0, fmt.Errorf("bin: reader reports a negative size %d", n)
	}
	return n, err
}

func size(r io.ReaderAt) (int64, error) {
	switch v := r.(type) {
	case interface{ Size() int64 }:
		return v.Size(), nil
	case interface{ Size() int }:
		return int64(v.Size()), nil
	case interface{ Len() int }: // golang.org/x/exp/mmap.ReaderAt
		return int64(v.Len()), nil
	case interface{ Stat() (fs.FileInfo, error) }:
		fi, err := v.Stat()
		if err != nil {
			return 0, err
		}
		return fi.Size(), nil
	}
	return probeSize(r)
}

// probeSize finds the end of r by exponential then binary search with
// one-byte reads. It makes at most about 2*63 reads.
func probeSize(r io.ReaderAt) (int64, error) {
	var one [1]byte
	has := func(off int64) (bool, error) {
		n, err := r.ReadAt(one[:], off)
		if n == 1 {
			return true, nil
		}
		if err == nil || err == io.EOF {
			return false, nil
		}
		return false, err
	}
	lo, hi := int64(0), int64(1) // lo: known size lower bound; hi: probe
	for {
		ok, err := has(hi - 1)
		if err != nil {
			return 0, err
		}
		if !ok {
			break
		}
		lo = hi
		if hi > 1<<61 {
			return lo, nil
		}
		hi *= 2
	}
	// size in [lo, hi)
	for lo+1 < hi {
		mid := lo + (hi-lo)/2
		ok, err := has(mid - 1)
		if err != nil {
			return 0, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	ok, err := has(lo)
	if err != nil {
		return 0, err
	}
	if ok {
		return lo + 1, nil
	}
	return lo, nil
}
