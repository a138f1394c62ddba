package ese

import (
	"fmt"

	"github.com/esekit/esekit/internal/bin"
)

// PageStatus is the verdict of CheckPage on one database page.
type PageStatus int

// Page verdicts.
const (
	// PageGood: every checksum block verifies with the page's number.
	PageGood PageStatus = iota
	// PageUninitialized: the page is all zero (JET_errPageNotInitialized
	// if the engine were to read it; normal for unused space).
	PageUninitialized
	// PageCorrectable: one flipped bit, located by the ECC (Bit).
	PageCorrectable
	// PageWrongNumber: the data is intact but belongs to another page
	// number (FoundPgno); JET_errReadPgnoVerifyFailure.
	PageWrongNumber
	// PageBadChecksum: the checksum does not verify and the damage cannot
	// be located; JET_errReadVerifyFailure.
	PageBadChecksum
)

var pageStatusNames = [...]string{"Good", "Uninitialized", "Correctable", "WrongPageNumber", "BadChecksum"}

func (s PageStatus) String() string {
	if s >= 0 && int(s) < len(pageStatusNames) {
		return pageStatusNames[s]
	}
	return fmt.Sprintf("PageStatus(%d)", int(s))
}

// PageCheck is the result of CheckPage.
type PageCheck struct {
	// Status is the verdict.
	Status PageStatus
	// Bit is the index of the flipped bit inside the page (byte Bit/8,
	// bit Bit%8, least significant first) when Status is PageCorrectable.
	Bit int
	// FoundPgno is the page number the page belongs to when Status is
	// PageWrongNumber: the number its checksum verifies with, or, on a
	// large page whose checksum verifies, the differing number in its Pgno
	// field.
	FoundPgno uint32
	// Checksums are the stored and computed checksums for the expected
	// page number (zero for an uninitialized page).
	Checksums PageChecksums
}

// Err returns the engine error matching the verdict, or nil for a good
// page: ErrPageNotInitialized, ErrReadVerifyFailure (also for a
// correctable page, which the engine fixes after reporting it) or
// ErrReadPgnoVerifyFailure.
func (c PageCheck) Err() error {
	switch c.Status {
	case PageUninitialized:
		return ErrPageNotInitialized
	case PageCorrectable, PageBadChecksum:
		return ErrReadVerifyFailure
	case PageWrongNumber:
		return ErrReadPgnoVerifyFailure
	}
	return nil
}

// CheckPage verifies one database page (2 to 32 KiB) that should carry page
// number pgno, and classifies any failure (docs/pages.md#single-bit-correction): a single bit
// that the ECC locates, a page whose checksum verifies with another page
// number (large pages: the Pgno field; small ECC pages: the XOR part
// differs from the computed one by exactly pgno^found while the ECC part
// matches; legacy pages: the number in bytes 4..7), or an unlocatable bad
// checksum. page is not modified. A page whose length is not a page size
// is reported as PageBadChecksum.
//
// maxPgno, when not 0, is the highest page number of the database: a
// "found" number above it is not believed. This matters on small ECC
// pages, where damage that keeps every row parity and leaves the column
// syndrome unchanged (for example one byte XORed with 0xFF) looks exactly
// like a page-number change: bounded by the file's page count it is
// reported as a bad checksum instead.
func CheckPage(page []byte, pgno, maxPgno uint32) PageCheck {
	res, _ := checkPage(page, nil, pgno, maxPgno, false)
	return res
}

// checkPage is CheckPage; with fix set, a correctable page is left
// corrected in place. With spare (a buffer of the page's size) set, page
// is never written (it may be read-only memory): the correction is made in
// a copy in spare. fixed is the corrected page (page or spare) when the
// status is PageCorrectable and fix is set, nil otherwise.
func checkPage(page, spare []byte, pgno, maxPgno uint32, fix bool) (res PageCheck, fixed []byte) {
	if !ValidPageSize(len(page)) {
		return PageCheck{Status: PageBadChecksum}, nil
	}
	c := ComputePageChecksums(page, pgno)
	if c.OK() {
		if IsLargePage(len(page)) {
			// Large pages also carry their number in the header; the
			// engine checks it after the checksum.
			if found := bin.U32(page, PagePgnoOffset); found != pgno {
				return PageCheck{Status: PageWrongNumber, FoundPgno: found, Checksums: c}, nil
			}
		}
		return PageCheck{Status: PageGood, Checksums: c}, nil
	}
	if bin.IsZero(page) {
		return PageCheck{Status: PageUninitialized}, nil
	}
	res = PageCheck{Status: PageBadChecksum, Checksums: c}
	if found, ok := wrongPageNumber(page, pgno, c); ok && found != 0 && (maxPgno == 0 || found <= maxPgno) {
		res.Status, res.FoundPgno = PageWrongNumber, found
		return res, nil
	}
	if !c.Legacy {
		buf := page
		if spare != nil {
			buf = spare[:len(page)]
			copy(buf, page)
		}
		if bit, ok := CorrectPage(buf, pgno); ok {
			res.Status, res.Bit = PageCorrectable, bit
			if !fix {
				buf[bit/8] ^= 1 << (bit % 8)
			} else {
				fixed = buf
			}
		}
	}
	return res, fixed
}

// wrongPageNumber looks for the page number a failing page does verify
// with.
func wrongPageNumber(page []byte, pgno uint32, c PageChecksums) (uint32, bool) {
	var found uint32
	switch {
	case c.Legacy:
		found = bin.U32(page, 4)
	case IsLargePage(len(page)):
		found = bin.U32(page, PagePgnoOffset)
	default:
		// The ECC halves agree and only the XOR half differs: the data is
		// intact and x = pgno ^ found.
		if c.Stored[0]>>32 != c.Computed[0]>>32 {
			return 0, false
		}
		found = uint32(c.Stored[0]) ^ uint32(c.Computed[0]) ^ pgno
	}
	if found == pgno {
		return 0, false
	}
	return found, ComputePageChecksums(page, found).OK()
}
