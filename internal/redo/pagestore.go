package redo

import (
	"bytes"
	"fmt"
	"io"
	"slices"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// DefaultCacheBytes is the page-cache budget used when PageStoreOptions
// leaves CacheBytes at 0 (and RecoverOptions.CacheBytes, for the whole
// recovery): 256 MiB.
const DefaultCacheBytes = 256 << 20

// minCachedPages is the smallest cache, whatever the budget: a redo touches
// at most a handful of pages at once.
const minCachedPages = 16

// maxRunPages bounds the pages written by one gathered write.
const maxRunPages = 256

// PageFile is what a PageStore reads and writes: *os.File, or an
// in-memory file such as github.com/dsnet/golib/memfile.
type PageFile interface {
	io.ReaderAt
	io.WriterAt
}

// PageStoreOptions tunes a PageStore. The zero value is ready to use.
type PageStoreOptions struct {
	// CacheBytes bounds the memory held by cached pages; 0 means
	// DefaultCacheBytes. At least 16 pages are always cached. It is
	// ignored when Cache is set.
	CacheBytes int64
	// Cache, when set, is a budget the store shares with other stores
	// (NewPageCache): its pages and theirs are held within one bound.
	Cache *PageCache
	// ReservedTagFormat is copied to every page (see Page).
	ReservedTagFormat bool
}

// PageStoreStats counts the store's I/O.
type PageStoreStats struct {
	// Reads and Writes count pages read from and written to the file.
	Reads, Writes int64
	// Hits counts Get calls served from the cache.
	Hits int64
	// ZeroPages counts pages served as zero without a read: pages of the
	// part of the file the store grew itself, which it has not written.
	ZeroPages int64
	// WriteCalls counts the write calls that wrote the Writes pages
	// (contiguous dirty pages are written together).
	WriteCalls int64
}

// cachedPage is one page of the cache, linked into the LRU ring.
type cachedPage struct {
	pgno       uint32
	page       *Page
	dirty      bool
	prev, next *cachedPage // nil once evicted
	owner      *PageStore
}

// PageCache is the memory budget of the pages cached by one or more page
// stores: recovery gives the stores of all its databases one PageCache,
// so that attaching more databases does not multiply the memory it uses.
// The cached pages of all its stores form one LRU list: when the budget
// is exceeded the least recently used page of any store is written back
// if dirty and dropped, as the engine's one buffer cache serves every
// database of an instance. At least 16 pages stay cached whatever the
// budget. A PageCache is not safe for concurrent use, nor are its stores.
type PageCache struct {
	limit int64 // bytes
	used  int64 // bytes held by the cached pages
	pages int
	peak  int64
	// lru is the sentinel of the LRU ring: lru.next is the least recently
	// used page, lru.prev the most recent.
	lru cachedPage
	// recycle lets the cache reuse the buffers of evicted pages (see
	// Recycle); retired are the pages evicted since the last EndRecord,
	// free the buffers ready for reuse.
	recycle bool
	retired []*Page
	free    [][]byte
}

// NewPageCache returns a budget of bytes for cached pages (0 or less:
// DefaultCacheBytes).
func NewPageCache(bytes int64) *PageCache {
	if bytes <= 0 {
		bytes = DefaultCacheBytes
	}
	c := &PageCache{limit: bytes}
	c.lru.next, c.lru.prev = &c.lru, &c.lru
	return c
}

// Limit returns the budget in bytes.
func (c *PageCache) Limit() int64 { return c.limit }

// Used returns the bytes held by the cached pages of all its stores, and
// Peak the most they have held at once.
func (c *PageCache) Used() int64 { return c.used }
func (c *PageCache) Peak() int64 { return c.peak }

// charge counts a page of n bytes added to the cache, release one dropped.
func (c *PageCache) charge(n int) {
	c.used += int64(n)
	c.pages++
}

func (c *PageCache) release(n int) {
	c.used -= int64(n)
	c.pages--
}

// PageStore is a bounded cache of database pages over a database file.
// Page pgno lives at file offset (pgno+1)*pageSize (the first two pages of
// the file are the two header copies). Pages are read on demand; changed
// pages are marked with MarkDirty and written back, with fresh checksums,
// when evicted or by Flush, which writes dirty pages that are contiguous
// in the file with one call. A PageStore is not safe for concurrent use.
//
// While it is open the store must be the only writer of the file's pages
// (the two header pages aside): it remembers that the part of the file it
// grew (Extend, new pages) reads as zero, and serves those pages without
// reading them.
type PageStore struct {
	f        PageFile
	writev   vectorWriter // nil: one WriteAt per page
	pageSize int
	size     int64
	cache    *PageCache
	resvTags bool
	// zeroFrom is the size of the file when the store opened it: every
	// page at or past it reads as zero unless the store wrote it
	// (written).
	zeroFrom int64
	written  map[uint32]struct{}
	// pages are the store's pages in the cache.
	pages map[uint32]*cachedPage
	stats PageStoreStats
	// run and bufs are scratch space for writes.
	run  []*cachedPage
	bufs [][]byte
}

// NewPageStore opens a page store over f for pages of pageSize bytes.
func NewPageStore(f PageFile, pageSize int, opt *PageStoreOptions) (*PageStore, error) {
	if !ese.ValidPageSize(pageSize) {
		return nil, fmt.Errorf("recovery: page size %d is not 2, 4, 8, 16 or 32 KiB: %w", pageSize, ese.ErrPageSizeMismatch)
	}
	var o PageStoreOptions
	if opt != nil {
		o = *opt
	}
	cache := o.Cache
	if cache == nil {
		cache = NewPageCache(o.CacheBytes)
	}
	size, err := bin.Size(f)
	if err != nil {
		return nil, err
	}
	s := &PageStore{
		f: f, writev: vectorWriterOf(f), pageSize: pageSize, size: size, cache: cache, resvTags: o.ReservedTagFormat,
		zeroFrom: size, written: map[uint32]struct{}{}, pages: map[uint32]*cachedPage{},
	}
	return s, nil
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

// Cached returns the number of pages the store holds in its cache.
func (s *PageStore) Cached() int { return len(s.pages) }

// Cache returns the page cache the store's pages are charged to.
func (s *PageStore) Cache() *PageCache { return s.cache }

func (s *PageStore) offset(pgno uint32) int64 { return (int64(pgno) + 1) * int64(s.pageSize) }

// unlink takes cp out of the LRU ring.
func (s *PageStore) unlink(cp *cachedPage) {
	cp.prev.next, cp.next.prev = cp.next, cp.prev
	cp.prev, cp.next = nil, nil
}

// pushBack makes cp the most recently used page.
func (s *PageStore) pushBack(cp *cachedPage) {
	lru := &s.cache.lru
	cp.prev, cp.next = lru.prev, lru
	lru.prev.next = cp
	lru.prev = cp
}

func (s *PageStore) touch(cp *cachedPage) {
	if s.cache.lru.prev != cp {
		s.unlink(cp)
		s.pushBack(cp)
	}
}

// insert adds cp, a page not cached yet, as the most recently used page
// and evicts what the budget no longer holds.
func (s *PageStore) insert(cp *cachedPage) error {
	s.pages[cp.pgno] = cp
	s.pushBack(cp)
	c := s.cache
	c.charge(s.pageSize)
	err := s.evict()
	c.peak = max(c.peak, c.used)
	return err
}

// Discard drops every page the store has cached, writing none of them
// (Flush first to keep changes), and gives their memory back to the
// cache. The store must not be used afterwards: it is how a store that
// is replaced (a file cut back or created anew) leaves a shared cache.
func (s *PageStore) Discard() {
	for _, cp := range s.pages {
		s.unlink(cp)
		s.cache.release(s.pageSize)
	}
	clear(s.pages)
}

// knownZero reports whether page pgno at off reads as zero without
// reading it: it lies in the part of the file the store grew and the
// store has not written it.
func (s *PageStore) knownZero(pgno uint32, off int64) bool {
	if off < s.zeroFrom {
		return false
	}
	_, w := s.written[pgno]
	return !w
}

// Get returns page pgno, from the cache or read from the file. A page past
// the end of the file gives an error wrapping ese.ErrFileIOBeyondEOF; an
// all-zero page is returned as it is (see Page.Uninitialized). The Page
// stays valid until the next Get, GetNew or Flush may evict it; call
// MarkDirty after changing it.
func (s *PageStore) Get(pgno uint32) (*Page, error) {
	if pgno == 0 {
		return nil, fmt.Errorf("recovery: page 0 does not exist: %w", ese.ErrDatabaseCorrupted)
	}
	if cp := s.cache.lru.prev; cp.owner == s && cp.pgno == pgno { // the most recent page (the sentinel's owner is nil)
		s.stats.Hits++
		return cp.page, nil
	}
	if cp, ok := s.pages[pgno]; ok {
		s.touch(cp)
		s.stats.Hits++
		return cp.page, nil
	}
	off := s.offset(pgno)
	if off+int64(s.pageSize) > s.size {
		return nil, fmt.Errorf("recovery: page %d is beyond the end of the %d-byte database: %w", pgno, s.size, ese.ErrFileIOBeyondEOF)
	}
	b := s.cache.buffer(s.pageSize)
	if s.knownZero(pgno, off) {
		clear(b)
		s.stats.ZeroPages++
		return s.add(pgno, b, false)
	}
	n, err := s.f.ReadAt(b, off)
	if n < len(b) {
		if err == nil || err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, fmt.Errorf("recovery: page %d is beyond the end of the database: %w", pgno, ese.ErrFileIOBeyondEOF)
		}
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
	if cp, ok := s.pages[pgno]; ok {
		s.touch(cp)
		s.stats.Hits++
		return cp.page, nil
	}
	return s.add(pgno, make([]byte, s.pageSize), true)
}

func (s *PageStore) add(pgno uint32, b []byte, dirty bool) (*Page, error) {
	p, err := NewPage(b)
	if err != nil {
		return nil, err
	}
	p.ReservedTagFormat = s.resvTags
	cp := &cachedPage{pgno: pgno, page: p, dirty: dirty, owner: s}
	p.slot = cp
	if err := s.insert(cp); err != nil {
		return nil, err
	}
	return p, nil
}

// evict writes back and drops the least recently used pages of the
// cache, of whichever of its stores, while it is over its budget, never
// the most recent one. (Writing the dirty neighbours of a victim
// with it, as one gathered write, was measured: on appdata/edb.log with a
// 16-page cache it wrote 137 pages in 45 calls instead of 107 in 102, and
// the extra checksums and copies cost more CPU than the calls saved.)
func (s *PageStore) evict() error {
	c := s.cache
	for c.used > c.limit && c.pages > minCachedPages {
		cp := c.lru.next
		o := cp.owner
		if cp.dirty {
			o.run = append(o.run[:0], cp)
			err := o.writeRun(o.run)
			o.run[0] = nil
			if err != nil {
				return err
			}
		}
		o.unlink(cp)
		delete(o.pages, cp.pgno)
		c.release(o.pageSize)
		if c.recycle && len(c.retired)+len(c.free) < minCachedPages {
			c.retired = append(c.retired, cp.page)
		}
	}
	return nil
}

// Recycle makes the cache reuse the buffers of evicted pages: its user
// promises to call EndRecord whenever no caller holds a page (recovery's
// replay does between records).
func (c *PageCache) Recycle() { c.recycle = true }

// EndRecord tells a recycling cache that no caller holds a page any
// more (recovery's replay calls it between records): the buffers of the
// pages evicted since the last call, unless MarkDirty put them back,
// become free for the next pages read. Without it every page read
// allocates a new buffer and the evicted ones wait for the garbage
// collector, which lets the heap grow to about twice the budget.
// A retired page loses its buffer: MarkDirty refuses it.
func (c *PageCache) EndRecord() {
	for i, p := range c.retired {
		if cp := p.slot; (cp == nil || cp.next == nil) && p.b != nil {
			c.free = append(c.free, p.b)
			p.b = nil
		}
		c.retired[i] = nil
	}
	c.retired = c.retired[:0]
}

// buffer returns a page buffer of n bytes for a read: a free one of an
// evicted page (not cleared) or a new one.
func (c *PageCache) buffer(n int) []byte {
	if k := len(c.free); k > 0 && len(c.free[k-1]) == n {
		b := c.free[k-1]
		c.free[k-1] = nil
		c.free = c.free[:k-1]
		return b
	}
	return make([]byte, n)
}

// MarkDirty records that p, page pgno, was changed. A page evicted since it
// was returned is put back in the cache (unless a recycling cache has
// reused its buffer since: see PageCache.EndRecord).
func (s *PageStore) MarkDirty(pgno uint32, p *Page) error {
	if p.b == nil {
		return fmt.Errorf("recovery: page %d was changed after its buffer was reused", pgno)
	}
	if cp := p.slot; cp != nil && cp.owner == s && cp.pgno == pgno && cp.next != nil {
		cp.dirty = true // still cached: no lookup
		s.touch(cp)
		return nil
	}
	if cp, ok := s.pages[pgno]; ok {
		if cp.page != p {
			return fmt.Errorf("recovery: page %d was read again after it was evicted", pgno)
		}
		cp.dirty = true
		s.touch(cp)
		return nil
	}
	cp := &cachedPage{pgno: pgno, page: p, dirty: true, owner: s}
	p.slot = cp
	return s.insert(cp)
}

// writeRuns writes dirty pages, sorted by page number, with fresh
// checksums: each run of contiguous pages with one gathered write when
// the file supports it. Like the engine, it marks each page as using the
// XOR+ECC checksum format first.
func (s *PageStore) writeRuns(cps []*cachedPage) error {
	for i := 0; i < len(cps); {
		j := i + 1
		for j < len(cps) && j-i < maxRunPages && cps[j].pgno == cps[j-1].pgno+1 {
			j++
		}
		if err := s.writeRun(cps[i:j]); err != nil {
			return err
		}
		i = j
	}
	return nil
}

// writeRun writes pages of consecutive page numbers.
func (s *PageStore) writeRun(run []*cachedPage) error {
	bufs := s.bufs[:0]
	for _, cp := range run {
		b := cp.page.Bytes()
		cp.page.SetFlags(cp.page.Flags() | ese.PageNewChecksumFormat)
		ese.SetPageChecksum(b, cp.pgno)
		bufs = append(bufs, b)
	}
	s.bufs = bufs
	off := s.offset(run[0].pgno)
	if len(bufs) > 1 && s.writev != nil {
		if err := s.writev(bufs, off); err != nil {
			return err
		}
		s.stats.WriteCalls++
	} else {
		for i, b := range bufs {
			if _, err := s.f.WriteAt(b, off+int64(i*s.pageSize)); err != nil {
				return err
			}
			s.stats.WriteCalls++
		}
	}
	clear(s.bufs)
	for _, cp := range run {
		cp.dirty = false
		if s.offset(cp.pgno) >= s.zeroFrom {
			s.written[cp.pgno] = struct{}{}
		}
	}
	s.stats.Writes += int64(len(run))
	s.size = max(s.size, off+int64(len(run)*s.pageSize))
	return nil
}

// Flush writes every dirty page, in page order (contiguous pages together),
// and syncs the file when it has a Sync method.
func (s *PageStore) Flush() error {
	dirty := s.run[:0]
	for _, cp := range s.pages {
		if cp.dirty {
			dirty = append(dirty, cp)
		}
	}
	slices.SortFunc(dirty, func(a, b *cachedPage) int { return int(int64(a.pgno) - int64(b.pgno)) })
	err := s.writeRuns(dirty)
	clear(dirty)
	s.run = dirty[:0]
	if err != nil {
		return err
	}
	if sy, ok := s.f.(interface{ Sync() error }); ok {
		return sy.Sync()
	}
	return nil
}

// Extend grows the file so that it holds page pgnoLast (ExtendDB). New
// pages read as zero. A file already that large is left alone.
//
// The file is truncated up, leaving a hole, so that disk use follows the
// pages the log writes, not the sizes its ExtendDB records claim.
// (Allocating the new part with fallocate, as the engine grows its file,
// made the later write-back of those pages about 10 % cheaper, but would
// let a hostile log fill the disk with one record.)
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
func (p *Page) Uninitialized() bool { return IsZeroPage(p.b) }

// IsZeroPage reports whether b is all zero, comparing 512-byte chunks with
// a zero block (the runtime's vectorised compare).
func IsZeroPage(b []byte) bool {
	if len(b) >= 8 && bin.U64(b, 0) != 0 {
		return false // a written page: its checksum is not zero
	}
	var zero [512]byte
	for len(b) >= len(zero) {
		if !bytes.Equal(b[:len(zero)], zero[:]) {
			return false
		}
		b = b[len(zero):]
	}
	return bin.IsZero(b)
}

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
