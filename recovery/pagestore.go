package recovery

import (
	"container/list"
	"fmt"
	"io"
	"slices"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// DefaultCacheBytes is the page-cache budget used when PageStoreOptions
// leaves CacheBytes at 0: 256 MiB.
const DefaultCacheBytes = 256 << 20

// minCachedPages is the smallest cache, whatever the budget: a redo touches
// at most a handful of pages at once.
const minCachedPages = 16

// PageFile is what a PageStore reads and writes: *os.File, or an
// in-memory file such as github.com/dsnet/golib/memfile.
type PageFile interface {
	io.ReaderAt
	io.WriterAt
}

// PageStoreOptions tunes a PageStore. The zero value is ready to use.
type PageStoreOptions struct {
	// CacheBytes bounds the memory held by cached pages; 0 means
	// DefaultCacheBytes. At least 16 pages are always cached.
	CacheBytes int64
	// ReservedTagFormat is copied to every page (see Page).
	ReservedTagFormat bool
}

// PageStoreStats counts the store's I/O.
type PageStoreStats struct {
	// Reads and Writes count pages read from and written to the file.
	Reads, Writes int64
	// Hits counts Get calls served from the cache.
	Hits int64
}

type cachedPage struct {
	pgno  uint32
	page  *Page
	dirty bool
}

// PageStore is a bounded cache of database pages over a database file.
// Page pgno lives at file offset (pgno+1)*pageSize (the first two pages of
// the file are the two header copies). Pages are read on demand; changed
// pages are marked with MarkDirty and written back, with fresh checksums,
// when evicted or by Flush. A PageStore is not safe for concurrent use.
type PageStore struct {
	f        PageFile
	pageSize int
	size     int64
	limit    int
	resvTags bool
	lru      *list.List // front = least recently used
	pages    map[uint32]*list.Element
	stats    PageStoreStats
}

// NewPageStore opens a page store over f for pages of pageSize bytes.
func NewPageStore(f PageFile, pageSize int, opt *PageStoreOptions) (*PageStore, error) {
	switch pageSize {
	case 2048, 4096, 8192, 16384, 32768:
	default:
		return nil, fmt.Errorf("recovery: page size %d is not 2, 4, 8, 16 or 32 KiB: %w", pageSize, ese.ErrPageSizeMismatch)
	}
	var o PageStoreOptions
	if opt != nil {
		o = *opt
	}
	if o.CacheBytes <= 0 {
		o.CacheBytes = DefaultCacheBytes
	}
	size, err := bin.Size(f)
	if err != nil {
		return nil, err
	}
	limit := int(min(o.CacheBytes/int64(pageSize), 1<<30))
	limit = max(limit, minCachedPages)
	return &PageStore{
		f: f, pageSize: pageSize, size: size, limit: limit, resvTags: o.ReservedTagFormat,
		lru: list.New(), pages: map[uint32]*list.Element{},
	}, nil
}

// PageSize returns the page size.
func (s *PageStore) PageSize() int { return s.pageSize }

// FileSize returns the size of the database file as the store sees it,
// growth by Extend and by pending new pages included.
func (s *PageStore) FileSize() int64 { return s.size }

// LastPage returns the highest page number the file holds (0 when it
// holds only the headers).
func (s *PageStore) LastPage() uint32 {
	n := s.size/int64(s.pageSize) - 2
	if n < 0 {
		return 0
	}
	return uint32(min(n, int64(^uint32(0))))
}

// Stats returns the I/O counters.
func (s *PageStore) Stats() PageStoreStats { return s.stats }

func (s *PageStore) offset(pgno uint32) int64 { return (int64(pgno) + 1) * int64(s.pageSize) }

// Get returns page pgno, from the cache or read from the file. A page past
// the end of the file gives an error wrapping ese.ErrFileIOBeyondEOF; an
// all-zero page is returned as it is (see Page.Uninitialized). The Page
// stays valid until the next Get, GetNew or Flush may evict it; call
// MarkDirty after changing it.
func (s *PageStore) Get(pgno uint32) (*Page, error) {
	if pgno == 0 {
		return nil, fmt.Errorf("recovery: page 0 does not exist: %w", ese.ErrDatabaseCorrupted)
	}
	if e, ok := s.pages[pgno]; ok {
		s.lru.MoveToBack(e)
		s.stats.Hits++
		return e.Value.(*cachedPage).page, nil
	}
	off := s.offset(pgno)
	if off+int64(s.pageSize) > s.size {
		return nil, fmt.Errorf("recovery: page %d is beyond the end of the %d-byte database: %w", pgno, s.size, ese.ErrFileIOBeyondEOF)
	}
	b, err := bin.ReadAt(s.f, off, s.pageSize)
	if err == bin.ErrShort {
		return nil, fmt.Errorf("recovery: page %d is beyond the end of the database: %w", pgno, ese.ErrFileIOBeyondEOF)
	}
	if err != nil {
		return nil, err
	}
	s.stats.Reads++
	return s.add(pgno, b, false)
}

// GetNew returns page pgno for an operation that formats it anew (NewPage,
// tree creation): like Get, but a page past the end of the file is
// returned zeroed and the file grows when it is written.
func (s *PageStore) GetNew(pgno uint32) (*Page, error) {
	if pgno == 0 {
		return nil, fmt.Errorf("recovery: page 0 does not exist: %w", ese.ErrDatabaseCorrupted)
	}
	if s.offset(pgno)+int64(s.pageSize) <= s.size {
		return s.Get(pgno)
	}
	if e, ok := s.pages[pgno]; ok {
		s.lru.MoveToBack(e)
		s.stats.Hits++
		return e.Value.(*cachedPage).page, nil
	}
	return s.add(pgno, make([]byte, s.pageSize), true)
}

func (s *PageStore) add(pgno uint32, b []byte, dirty bool) (*Page, error) {
	p, err := NewPage(b)
	if err != nil {
		return nil, err
	}
	p.ReservedTagFormat = s.resvTags
	s.pages[pgno] = s.lru.PushBack(&cachedPage{pgno: pgno, page: p, dirty: dirty})
	if err := s.evict(); err != nil {
		return nil, err
	}
	return p, nil
}

// evict writes back and drops least recently used pages over the limit,
// never the most recent one.
func (s *PageStore) evict() error {
	for s.lru.Len() > s.limit {
		e := s.lru.Front()
		cp := e.Value.(*cachedPage)
		if cp.dirty {
			if err := s.write(cp); err != nil {
				return err
			}
		}
		s.lru.Remove(e)
		delete(s.pages, cp.pgno)
	}
	return nil
}

// MarkDirty records that p, page pgno, was changed. A page evicted since it
// was returned is put back in the cache.
func (s *PageStore) MarkDirty(pgno uint32, p *Page) error {
	if e, ok := s.pages[pgno]; ok {
		cp := e.Value.(*cachedPage)
		if cp.page != p {
			return fmt.Errorf("recovery: page %d was read again after it was evicted", pgno)
		}
		cp.dirty = true
		s.lru.MoveToBack(e)
		return nil
	}
	s.pages[pgno] = s.lru.PushBack(&cachedPage{pgno: pgno, page: p, dirty: true})
	return s.evict()
}

// write stores a page with fresh checksums. Like the engine, it marks the
// page as using the XOR+ECC checksum format first.
func (s *PageStore) write(cp *cachedPage) error {
	b := cp.page.Bytes()
	cp.page.SetFlags(cp.page.Flags() | ese.PageNewChecksumFormat)
	ese.SetPageChecksum(b, cp.pgno)
	off := s.offset(cp.pgno)
	if _, err := s.f.WriteAt(b, off); err != nil {
		return err
	}
	s.stats.Writes++
	s.size = max(s.size, off+int64(len(b)))
	cp.dirty = false
	return nil
}

// Flush writes every dirty page, in page order, and syncs the file when it
// has a Sync method.
func (s *PageStore) Flush() error {
	var dirty []*cachedPage
	for _, e := range s.pages {
		if cp := e.Value.(*cachedPage); cp.dirty {
			dirty = append(dirty, cp)
		}
	}
	slices.SortFunc(dirty, func(a, b *cachedPage) int { return int(int64(a.pgno) - int64(b.pgno)) })
	for _, cp := range dirty {
		if err := s.write(cp); err != nil {
			return err
		}
	}
	if sy, ok := s.f.(interface{ Sync() error }); ok {
		return sy.Sync()
	}
	return nil
}

// Extend grows the file so that it holds page pgnoLast (ExtendDB). New
// pages read as zero. A file already that large is left alone.
func (s *PageStore) Extend(pgnoLast uint32) error {
	want := s.offset(pgnoLast) + int64(s.pageSize)
	if want <= s.size {
		return nil
	}
	if tr, ok := s.f.(interface{ Truncate(int64) error }); ok {
		if err := tr.Truncate(want); err != nil {
			return err
		}
	} else if _, err := s.f.WriteAt(make([]byte, s.pageSize), want-int64(s.pageSize)); err != nil {
		return err
	}
	s.size = want
	return nil
}

// Uninitialized reports whether the page is all zero (never written).
func (p *Page) Uninitialized() bool { return bin.IsZero(p.b) }

// ReservedTagFormat reports whether a database whose header carries this
// format version and update (DBFILEHDR FormatVersion, FormatUpdateMajor,
// FormatUpdateMinor) writes pages in the reserved-tags format
// (JET_efvReservedTags, database version 0x620,270.560 and later:
// TagState keeps the reserved-tag count in bits 12-14). Pass the result as
// PageStoreOptions.ReservedTagFormat. Pages written before an upgrade keep
// the legacy form until they change, which Page handles by itself.
func ReservedTagFormat(version, updateMajor, updateMinor uint32) bool {
	if version != 0x620 {
		return version > 0x620
	}
	return updateMajor > 270 || updateMajor == 270 && updateMinor >= 560
}
