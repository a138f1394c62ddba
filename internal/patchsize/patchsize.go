// Package patchsize finds the page size of a file that starts with two
// copies of a checksummed header page, the layout of ESE patch (.pat)
// files. It is shared by ese.Identify and esepatch so that both give the
// same answer; it knows nothing of the header's fields.
package patchsize

import (
	"bytes"

	"github.com/esekit/esekit/internal/bin"
)

// Page sizes an ESE page can have: 2, 4, 8, 16 and 32 KiB.
const (
	minPageSize = 2048
	maxPageSize = 32768
)

// Detect returns the page size of a file of size bytes whose first bytes
// are head (at least two pages), using verifies to test one header copy:
//
//   - the smallest size at which both copies verify and are identical
//     (a header page's tail is zero, so the first copy alone verifies at
//     every smaller size too; the second copy decides);
//   - failing that (one copy damaged), the largest size at which one copy
//     verifies, the second page is not all zero and the file is a whole
//     number of at least two pages.
func Detect(head []byte, size int64, verifies func(page []byte) bool) (int, bool) {
	for c := minPageSize; c <= maxPageSize; c *= 2 {
		if len(head) < 2*c || size < int64(2*c) {
			break
		}
		a, b := head[:c], head[c:2*c]
		if verifies(a) && bytes.Equal(a, b) {
			return c, true
		}
	}
	for c := maxPageSize; c >= minPageSize; c /= 2 {
		if len(head) < 2*c || size < int64(2*c) || size%int64(c) != 0 {
			continue
		}
		if bin.IsZero(head[c : 2*c]) {
			// An all-zero second page is no header copy at all: a first
			// page whose tail is zero verifies at every smaller size too,
			// so this size cannot be told from a smaller page size.
			continue
		}
		if verifies(head[:c]) || verifies(head[c:2*c]) {
			return c, true
		}
	}
	return 0, false
}
