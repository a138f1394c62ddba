// Package logfill knows the legacy log-extend fill pattern: the 512-byte
// block that legacy (7.3704.x) log writers and reserve-log creation repeat
// over unused log space (docs/logs.md#legacy-end-of-data, dev/ese/src/ese/_osu/fileu.cxx
// ErrOSULogPatternInit). ese.Identify and eselog share it.
package logfill

// BlockSize is the size of the repeated block.
const BlockSize = 512

// Block is one block of the pattern: 0xDA everywhere except every 16th
// byte k, which is (0xDA + k) mod 256.
var Block = func() (p [BlockSize]byte) {
	for i := range p {
		p[i] = 0xDA
		if i%16 == 0 {
			p[i] = byte(0xDA + i)
		}
	}
	return p
}()

// Matches reports whether b, found at file offset off, is entirely the
// pattern (the pattern starts at every multiple of BlockSize).
func Matches(b []byte, off int64) bool {
	at := int(off % BlockSize)
	for len(b) > 0 {
		n := min(len(b), BlockSize-at)
		if string(b[:n]) != string(Block[at:at+n]) {
			return false
		}
		b, at = b[n:], 0
	}
	return true
}
