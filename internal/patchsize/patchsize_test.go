package patchsize

import "testing"

// header builds two copies of a page of ps bytes whose first byte is 1 and
// whose "checksum" is that byte (verifies: b[0] == 1), then n pages of 7s.
func file(ps, n int) []byte {
	b := make([]byte, (2+n)*ps)
	b[0], b[ps] = 1, 1
	b[3], b[ps+3] = 9, 9 // a non-zero byte inside the smallest page
	for i := 2 * ps; i < len(b); i++ {
		b[i] = 7
	}
	return b
}

func verifies(p []byte) bool { return len(p) > 0 && p[0] == 1 }

func TestDetect(t *testing.T) {
	for _, ps := range []int{2048, 4096, 8192, 16384, 32768} {
		for _, n := range []int{0, 2} {
			b := file(ps, n)
			if got, ok := Detect(b, int64(len(b)), verifies); !ok || got != ps {
				t.Errorf("%d-byte pages, %d images: %d, %v", ps, n, got, ok)
			}
			// Damaged first copy: found from the second and the size.
			b[0] = 0
			if got, ok := Detect(b, int64(len(b)), verifies); !ok || got != ps {
				t.Errorf("%d-byte pages, %d images, damaged primary: %d, %v", ps, n, got, ok)
			}
		}
	}
	if _, ok := Detect(make([]byte, 8192), 8192, verifies); ok {
		t.Error("all-zero file detected")
	}
	if _, ok := Detect(file(2048, 0)[:3000], 3000, verifies); ok {
		t.Error("file shorter than two pages detected")
	}
}
