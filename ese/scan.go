package ese

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/esekit/esekit/internal/bin"
)

// ScanOptions tunes ScanDatabase. The zero value (or nil) is fine.
type ScanOptions struct {
	// Workers is the number of goroutines verifying pages; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
	// ChunkBytes is how much each worker reads at a time, rounded down to
	// whole pages (at least one); 0 means 4 MiB with up to 8 workers, 32
	// MiB / Workers with more (at least 1 MiB). Memory use is about
	// Workers × ChunkBytes.
	ChunkBytes int
	// PageSize overrides the page size taken from the database header
	// (used when the header is unreadable); 0 means use the header.
	PageSize int
	// Progress, when set, is called from the goroutine that called
	// ScanDatabase after each chunk with the number of page slots verified
	// so far and the total. Calls are never concurrent.
	Progress func(done, total int64)
	// FixTo, when set, receives every page that ScanDatabase corrected
	// (a single flipped bit), written at its file offset. Give the file
	// itself (opened for writing) to repair it in place, or nothing to
	// leave it untouched.
	FixTo io.WriterAt
}

// PageBit names one correctable bit: a page and the bit index inside it
// (byte Bit/8, bit Bit%8, least significant first).
type PageBit struct {
	// Page is the logical page number (file offset (Page+1)·PageSize).
	Page uint32 `json:"page"`
	// Bit is the bit index inside the page: byte Bit/8, bit Bit%8, least
	// significant first.
	Bit int `json:"bit"`
}

// WrongPage names a page slot whose contents verify as another page.
type WrongPage struct {
	// Page is the slot's page number (from its file offset).
	Page uint32 `json:"page"`
	// Found is the page number the contents verify with.
	Found uint32 `json:"found"`
}

// ScanResult is what ScanDatabase found. Page numbers are logical: page n
// is at file offset (n+1)·PageSize (the two header copies come first).
// Each failing page is listed in exactly one of BadChecksums,
// WrongPageNumbers and Correctable.
type ScanResult struct {
	// PageSize is the page size used.
	PageSize int
	// Pages is the number of page slots seen (whole pages after the two
	// header copies).
	Pages int64
	// Good is the number of pages whose checksums verify.
	Good int64
	// Uninitialized counts all-zero pages (unused space).
	Uninitialized int64
	// NotChecksummed counts non-zero pages of a temporary database that do
	// not verify: the engine does not maintain checksums there.
	NotChecksummed int64
	// BadChecksums lists pages whose checksum fails and cannot be
	// corrected, in order.
	BadChecksums []uint32
	// WrongPageNumbers lists slots holding a page that verifies with
	// another number.
	WrongPageNumbers []WrongPage
	// Correctable lists pages with one flipped bit that the ECC locates.
	Correctable []PageBit
	// Fixed is the number of corrected pages written to ScanOptions.FixTo.
	Fixed int
	// TrailerPage is the page number of a streaming-backup copy's trailer
	// (PATCHHDR, docs/patch.md) when the last page is one and its header
	// checksum verifies; 0 otherwise. It is counted in Pages only.
	TrailerPage uint32
	// TrailingBytes is the size of a partial page at the end of the file
	// (0 for a well-formed file).
	TrailingBytes int64
}

// OK reports whether no page failed verification.
func (r *ScanResult) OK() bool {
	return len(r.BadChecksums) == 0 && len(r.WrongPageNumbers) == 0 && len(r.Correctable) == 0
}

// scanContext carries what every worker needs.
type scanContext struct {
	r          io.ReaderAt
	ps         int
	pages      int64 // page slots
	chunkPages int64
	temp       bool
	trailer    int64 // pgno of a possible trailer page, or -1
	fixTo      io.WriterAt
}

// ScanDatabase verifies every page of the database in r, the job of
// "esefile /s" and "eseutil /k": page checksums (ECC or legacy),
// all-zero pages, pages carrying the wrong number, single-bit errors. It
// reads the file in chunks, in order of file offset, on several goroutines
// with memory bounded by Workers × ChunkBytes, and stops early, returning
// ctx.Err(), when ctx is cancelled. On Linux, when r is an *os.File of a
// regular file, each chunk is mapped read-only and unmapped after it is
// verified instead of being copied by ReadAt: the resident size stays
// bounded the same way, and a file cut short during the scan gives an
// error wrapping ErrFileIOBeyondEOF.
//
// The page size comes from the header (ReadDBHeader); a file whose header
// copies are both bad can still be scanned with ScanOptions.PageSize. A
// file too short to hold the two header copies gets a FormatError wrapping
// ErrDatabaseCorrupted.
func ScanDatabase(ctx context.Context, r io.ReaderAt, opts *ScanOptions) (*ScanResult, error) {
	var o ScanOptions
	if opts != nil {
		o = *opts
	}
	size, err := bin.Size(r)
	if err != nil {
		return nil, fmt.Errorf("ese: size of database: %w", err)
	}
	sc := &scanContext{r: r, ps: o.PageSize, trailer: -1, fixTo: o.FixTo}
	hdr, herr := ReadDBHeader(r)
	if sc.ps == 0 {
		if hdr == nil {
			return nil, herr
		}
		sc.ps = hdr.PageSize
	}
	if !ValidPageSize(sc.ps) {
		if o.PageSize != 0 {
			return nil, fmt.Errorf("ese: ScanOptions.PageSize %d is not 2, 4, 8, 16 or 32 KiB: %w", o.PageSize, ErrInvalidParameter)
		}
		return nil, NewFormatError("database", -1, ErrDatabaseCorrupted, "page size %d is not valid", sc.ps)
	}
	ps := int64(sc.ps)
	if size < 2*ps {
		return nil, NewFormatError("database", size, ErrDatabaseCorrupted,
			"file has %d bytes, less than the two %d-byte header pages", size, ps)
	}
	sc.pages = size/ps - 2
	res := &ScanResult{PageSize: sc.ps, Pages: sc.pages, TrailingBytes: size % ps}
	if hdr != nil && hdr.Header != nil {
		h := hdr.Header
		sc.temp = h.IsTemp()
		if h.IsBackupCopy() && !h.TrailerMerged() && sc.pages > 0 {
			sc.trailer = sc.pages
		}
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	sc.chunkPages = int64(max(o.ChunkBytes, 0))
	if sc.chunkPages == 0 {
		sc.chunkPages = int64(min(4<<20, max(1<<20, (32<<20)/workers)))
	}
	sc.chunkPages = max(min(sc.chunkPages/ps, sc.pages), 1)
	chunks := (sc.pages + sc.chunkPages - 1) / sc.chunkPages
	workers = int(min(int64(workers), max(chunks, 1)))

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	parts := make(chan *ScanResult, workers)
	errc := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src := sc.newSource(size)
			defer src.close()
			spare := make([]byte, ps)
			for ctx.Err() == nil {
				c := next.Add(1) - 1
				if c >= chunks {
					return
				}
				part, err := sc.scanChunk(src, spare, c)
				if err != nil {
					errc <- err
					cancel()
					return
				}
				select {
				case parts <- part:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(parts) }()

	var done int64
	for part := range parts {
		res.merge(part)
		done += part.Pages
		if o.Progress != nil {
			o.Progress(done, sc.pages)
		}
	}
	select {
	case err := <-errc:
		return nil, err
	default:
	}
	if err := ctx.Err(); err != nil {
		// Cancelled by the caller (our own cancel only follows an error,
		// reported above).
		return nil, err
	}
	slices.Sort(res.BadChecksums)
	slices.SortFunc(res.WrongPageNumbers, func(a, b WrongPage) int { return int(int64(a.Page) - int64(b.Page)) })
	slices.SortFunc(res.Correctable, func(a, b PageBit) int { return int(int64(a.Page) - int64(b.Page)) })
	return res, nil
}

// pageSource gives a worker the bytes of a run of page slots.
type pageSource interface {
	// pages returns the n bytes at file offset off, valid until the next
	// call. They may be read-only memory.
	pages(off int64, n int) ([]byte, error)
	// close releases what the source holds.
	close()
}

// readSource reads pages with ReadAt into a buffer of its own.
type readSource struct {
	r   io.ReaderAt
	buf []byte
}

func (s *readSource) pages(off int64, n int) ([]byte, error) {
	if cap(s.buf) < n {
		s.buf = make([]byte, n)
	}
	b := s.buf[:n]
	got, err := s.r.ReadAt(b, off)
	if got < len(b) {
		if err == nil || errors.Is(err, io.EOF) {
			return nil, NewFormatError("database", off+int64(got), ErrFileIOBeyondEOF, "file ended while reading pages")
		}
		return nil, fmt.Errorf("ese: reading pages at offset %d: %w", off, err)
	}
	return b, nil
}

func (s *readSource) close() {}

// newSource returns a worker's page source: a mapping of one chunk at a
// time where the platform has one for r (mappedSource), ReadAt otherwise.
func (sc *scanContext) newSource(size int64) pageSource {
	if m := mappedSource(sc.r, size); m != nil {
		return m
	}
	return &readSource{r: sc.r, buf: make([]byte, sc.chunkPages*int64(sc.ps))}
}

// scanChunk verifies chunk c (pages c·chunkPages+1 ...) read from src;
// spare is a page-sized buffer for correcting a page apart from src's
// bytes.
func (sc *scanContext) scanChunk(src pageSource, spare []byte, c int64) (part *ScanResult, err error) {
	ps := int64(sc.ps)
	first := c * sc.chunkPages // index of the first slot, pgno = index+1
	n := min(sc.chunkPages, sc.pages-first)
	off := (first + 2) * ps
	defer func() {
		if p := recover(); p != nil {
			if _, ok := p.(interface{ Addr() uintptr }); !ok {
				panic(p)
			}
			// A memory fault reading mapped pages: the file was cut
			// short while it was scanned.
			part, err = nil, NewFormatError("database", off, ErrFileIOBeyondEOF, "file shrank while its pages were read")
		}
	}()
	b, err := src.pages(off, int(n*ps))
	if err != nil {
		return nil, err
	}
	part = &ScanResult{Pages: n}
	for i := int64(0); i < n; i++ {
		page := b[i*ps : (i+1)*ps]
		pgno := uint32(first + i + 1)
		chk, fixed := checkPage(page, spare, pgno, uint32(min(sc.pages, 0xFFFFFFFF)), sc.fixTo != nil)
		switch chk.Status {
		case PageGood:
			part.Good++
			continue
		case PageUninitialized:
			part.Uninitialized++
			continue
		}
		if int64(pgno) == sc.trailer && bin.U32(page, 0) == HeaderChecksum(page) {
			part.TrailerPage = pgno
			continue
		}
		if sc.temp {
			part.NotChecksummed++
			continue
		}
		switch chk.Status {
		case PageCorrectable:
			part.Correctable = append(part.Correctable, PageBit{Page: pgno, Bit: chk.Bit})
			if sc.fixTo != nil {
				if _, err := sc.fixTo.WriteAt(fixed, off+i*ps); err != nil {
					return nil, fmt.Errorf("ese: writing corrected page %d: %w", pgno, err)
				}
				part.Fixed++
			}
		case PageWrongNumber:
			part.WrongPageNumbers = append(part.WrongPageNumbers, WrongPage{Page: pgno, Found: chk.FoundPgno})
		default:
			part.BadChecksums = append(part.BadChecksums, pgno)
		}
	}
	return part, nil
}

// merge adds a chunk's counts and lists to r.
func (r *ScanResult) merge(p *ScanResult) {
	r.Good += p.Good
	r.Uninitialized += p.Uninitialized
	r.NotChecksummed += p.NotChecksummed
	r.BadChecksums = append(r.BadChecksums, p.BadChecksums...)
	r.WrongPageNumbers = append(r.WrongPageNumbers, p.WrongPageNumbers...)
	r.Correctable = append(r.Correctable, p.Correctable...)
	r.Fixed += p.Fixed
	if p.TrailerPage != 0 {
		r.TrailerPage = p.TrailerPage
	}
}
