package redo

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/dsnet/golib/memfile"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testcorpus"
)

func TestPageStoreCorpus(t *testing.T) {
	orig := testcorpus.Read(t, "appdata/IndexedDB.edb")
	const ps = 32768
	f := memfile.New(append([]byte{}, orig...))
	s, err := NewPageStore(f, ps, &PageStoreOptions{CacheBytes: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.LastPage(); got != 94 {
		t.Fatalf("LastPage = %d, want 94 (96 pages minus two headers)", got)
	}
	// Page 4 is the catalog root in this file: dbtime 0x384, 173 tags.
	p4, err := s.Get(4)
	if err != nil {
		t.Fatal(err)
	}
	if p4.DBTime() != 0x384 || p4.TagCount() != 173 || p4.ObjidFDP() != 2 {
		t.Fatalf("page 4: dbtime %#x tags %d objid %d", p4.DBTime(), p4.TagCount(), p4.ObjidFDP())
	}
	lines := p4.Lines()
	if err := p4.InsertNode(0, Node{Suffix: []byte{0, 1}, Data: []byte("esekit")}); err != nil {
		t.Fatal(err)
	}
	p4.SetDBTime(0x400)
	if err := s.MarkDirty(4, p4); err != nil {
		t.Fatal(err)
	}
	// Touch more pages than the cache holds: page 4 must be written back.
	for pg := uint32(5); pg <= 60; pg++ {
		if _, err := s.Get(pg); err != nil {
			t.Fatal(err)
		}
	}
	if s.Stats().Writes != 1 {
		t.Fatalf("writes = %d, want 1 after eviction", s.Stats().Writes)
	}
	b := f.Bytes()
	page4 := b[5*ps : 6*ps]
	if c := ese.ComputePageChecksums(page4, 4); !c.OK() {
		t.Fatalf("written page 4 has bad checksums: %+v", c)
	}
	again, err := s.Get(4)
	if err != nil {
		t.Fatal(err)
	}
	if again == p4 {
		t.Fatal("page 4 was not evicted")
	}
	if again.DBTime() != 0x400 || again.Lines() != lines+1 {
		t.Fatalf("re-read page 4: dbtime %#x lines %d", again.DBTime(), again.Lines())
	}
	if n, _ := again.Node(0); string(n.Data) != "esekit" {
		t.Fatalf("re-read node data %q", n.Data)
	}
	// Untouched pages are never written: bytes identical to the original.
	if !bytes.Equal(b[7*ps:], orig[7*ps:]) {
		t.Fatal("pages that were only read changed in the file")
	}
	if _, err := s.Get(95); !errors.Is(err, ese.ErrFileIOBeyondEOF) {
		t.Fatalf("Get(95) = %v, want FileIOBeyondEOF", err)
	}
	// A new page beyond the end grows the file on flush.
	np, err := s.GetNew(100)
	if err != nil {
		t.Fatal(err)
	}
	np.FormatPreInit(100, 9, 0x500)
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := int64(len(f.Bytes())); got != 102*ps {
		t.Fatalf("file size %d after new page 100, want %d", got, 102*ps)
	}
	if c := ese.ComputePageChecksums(f.Bytes()[101*ps:], 100); !c.OK() {
		t.Fatal("new page 100 has bad checksums")
	}
	if err := s.Extend(120); err != nil {
		t.Fatal(err)
	}
	if got := int64(len(f.Bytes())); got != 122*ps || s.LastPage() != 120 {
		t.Fatalf("after Extend(120): size %d, last page %d", got, s.LastPage())
	}
	if _, err := NewPageStore(f, 1000, nil); !errors.Is(err, ese.ErrPageSizeMismatch) {
		t.Fatalf("bad page size: %v", err)
	}
}

func TestReservedTagFormatVersions(t *testing.T) {
	for _, c := range []struct {
		major, minor uint32
		want         bool
	}{
		{20, 0, false},    // dissect-esedb-testdbs (0x620,20)
		{110, 240, false}, // appdata/IndexedDB.edb: TagState has no reserved count
		{270, 559, false},
		{270, 560, true},
		{300, 620, true}, // goese-qmgr/qmgr.db: rewritten pages store 1 reserved tag
	} {
		if got := ReservedTagFormat(0x620, c.major, c.minor); got != c.want {
			t.Errorf("0x620,%d.%d: %v, want %v", c.major, c.minor, got, c.want)
		}
	}
}

// TestPageStoreZeroPagesOfGrownFile: pages of the part of the file the
// store grew are served as zero without a read until the store writes
// them; a written page evicted from the cache is read back from the file.
func TestPageStoreZeroPagesOfGrownFile(t *testing.T) {
	orig := testcorpus.Read(t, "appdata/IndexedDB.edb")
	const ps = 32768
	f := memfile.New(append([]byte{}, orig...))
	s, err := NewPageStore(f, ps, &PageStoreOptions{CacheBytes: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Page 90 is in the file as it was opened: it is read, even though
	// the real file has it all zero (the last 16 pages were never used).
	p90, err := s.Get(90)
	if err != nil {
		t.Fatal(err)
	}
	if !p90.Uninitialized() || s.Stats().Reads != 1 || s.Stats().ZeroPages != 0 {
		t.Fatalf("page 90: uninitialized %v, stats %+v", p90.Uninitialized(), s.Stats())
	}
	if err := s.Extend(140); err != nil {
		t.Fatal(err)
	}
	p110, err := s.Get(110)
	if err != nil {
		t.Fatal(err)
	}
	if !p110.Uninitialized() || s.Stats().Reads != 1 || s.Stats().ZeroPages != 1 {
		t.Fatalf("page 110: uninitialized %v, stats %+v", p110.Uninitialized(), s.Stats())
	}
	p110.FormatPreInit(110, 9, 0x777)
	if err := s.MarkDirty(110, p110); err != nil {
		t.Fatal(err)
	}
	// Twenty more grown pages evict page 110, which is written back.
	for pg := uint32(111); pg <= 130; pg++ {
		if _, err := s.Get(pg); err != nil {
			t.Fatal(err)
		}
	}
	st := s.Stats()
	if st.Writes != 1 || st.Reads != 1 || st.ZeroPages != 21 {
		t.Fatalf("after eviction: %+v, want 1 write, 1 read, 21 zero pages", st)
	}
	again, err := s.Get(110)
	if err != nil {
		t.Fatal(err)
	}
	if again == p110 || again.DBTime() != 0x777 || again.ObjidFDP() != 9 {
		t.Fatalf("page 110 read back: same %v, dbtime %#x, objid %d", again == p110, again.DBTime(), again.ObjidFDP())
	}
	if st := s.Stats(); st.Reads != 2 || st.ZeroPages != 21 {
		t.Fatalf("page 110 was not read back from the file: %+v", st)
	}
	b := f.Bytes()
	if len(b) != 142*ps {
		t.Fatalf("file is %d bytes, want %d", len(b), 142*ps)
	}
	if c := ese.ComputePageChecksums(b[111*ps:112*ps], 110); !c.OK() {
		t.Fatal("page 110 has bad checksums in the file")
	}
	if !bin.IsZero(b[96*ps:111*ps]) || !bin.IsZero(b[112*ps:]) {
		t.Fatal("pages of the grown part that were never changed are not zero in the file")
	}
	if !bytes.Equal(b[:96*ps], orig) {
		t.Fatal("the original part of the file changed")
	}
}

// editPages changes the dbtime of each page of pgnos (pages of
// appdata/IndexedDB.edb) through s and flushes.
func editPages(t *testing.T, s *PageStore, pgnos []uint32) {
	t.Helper()
	for _, pg := range pgnos {
		p, err := s.Get(pg)
		if err != nil {
			t.Fatal(err)
		}
		p.SetDBTime(0x100000 + uint64(pg))
		if err := s.MarkDirty(pg, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
}

// TestPageStoreGatheredWrites: contiguous dirty pages are written with one
// call on a real file (pwritev on Linux), and the file's bytes are those
// of one WriteAt per page (an in-memory file).
func TestPageStoreGatheredWrites(t *testing.T) {
	orig := testcorpus.Read(t, "appdata/IndexedDB.edb")
	const ps = 32768
	pgnos := []uint32{9, 5, 40, 6, 7, 4} // runs 4-7, 9, 40
	path := filepath.Join(t.TempDir(), "IndexedDB.edb")
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	osf, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer osf.Close()
	s, err := NewPageStore(osf, ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	editPages(t, s, pgnos)
	mf := memfile.New(append([]byte{}, orig...))
	ms, err := NewPageStore(mf, ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	editPages(t, ms, pgnos)
	if st := ms.Stats(); st.Writes != 6 || st.WriteCalls != 6 {
		t.Errorf("in-memory file: %+v, want 6 writes in 6 calls", st)
	}
	wantCalls := int64(6)
	if vectorWriterOf(osf) != nil {
		wantCalls = 3
	}
	if st := s.Stats(); st.Writes != 6 || st.WriteCalls != wantCalls {
		t.Errorf("real file: %+v, want 6 writes in %d calls", st, wantCalls)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, mf.Bytes()) {
		t.Fatal("the gathered writes left other bytes than one write per page")
	}
	for _, pg := range pgnos {
		b := got[(pg+1)*ps : (pg+2)*ps]
		p, _ := NewPage(b)
		if c := ese.ComputePageChecksums(b, pg); !c.OK() || p.DBTime() != 0x100000+uint64(pg) {
			t.Errorf("page %d: checksums ok %v, dbtime %#x", pg, c.OK(), p.DBTime())
		}
	}
	// Every page not edited is unchanged.
	for pg := uint32(1); pg < 94; pg++ {
		if !slices.Contains(pgnos, pg) && !bytes.Equal(got[(pg+1)*ps:(pg+2)*ps], orig[(pg+1)*ps:(pg+2)*ps]) {
			t.Errorf("page %d changed", pg)
		}
	}
}

// TestVectorWriterManyBuffers writes more buffers than one pwritev takes
// (IOV_MAX) at an offset and reads them back.
func TestVectorWriterManyBuffers(t *testing.T) {
	osf, err := os.Create(filepath.Join(t.TempDir(), "v"))
	if err != nil {
		t.Fatal(err)
	}
	defer osf.Close()
	w := vectorWriterOf(osf)
	if w == nil {
		t.Skip("no gathered writes on this system")
	}
	var bufs [][]byte
	var want []byte
	for i := range 2500 {
		b := bytes.Repeat([]byte{byte(i), byte(i >> 8)}, 1+i%700)
		bufs = append(bufs, b)
		want = append(want, b...)
	}
	if err := w(bufs, 4096); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(osf.Name())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4096+len(want) || !bin.IsZero(got[:4096]) || !bytes.Equal(got[4096:], want) {
		t.Fatalf("read back %d bytes, want %d", len(got), 4096+len(want))
	}
}

// TestPageStoreSmallCacheReplayMatches replays every page record of
// appdata/edb.log (the life of IndexedDB.edb) through a 16-page cache over
// a real file (evictions, clustered write-backs, zero pages of the grown
// file, pages read back) and through the default cache over an in-memory
// file: the files are byte-identical, and hold the 47 used pages of the
// real database with valid checksums.
func TestPageStoreSmallCacheReplayMatches(t *testing.T) {
	const ps = 32768
	recs := loadPageRecords(t, "appdata/edb.log", 1)
	run := func(f PageFile, cache int64) *PageStore {
		s, err := NewPageStore(f, ps, &PageStoreOptions{CacheBytes: cache})
		if err != nil {
			t.Fatal(err)
		}
		replayRecords(t, s, recs, RedoOptions{})
		if err := s.Flush(); err != nil {
			t.Fatal(err)
		}
		return s
	}
	mf := memfile.New(make([]byte, 2*ps))
	big := run(mf, 0)
	path := filepath.Join(t.TempDir(), "db")
	if err := os.WriteFile(path, make([]byte, 2*ps), 0o644); err != nil {
		t.Fatal(err)
	}
	osf, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer osf.Close()
	small := run(osf, 1)
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, mf.Bytes()) {
		t.Fatal("replay through a 16-page cache over a file differs from the replay through the default cache")
	}
	bs, ss := big.Stats(), small.Stats()
	t.Logf("default cache: %+v; 16 pages: %+v", bs, ss)
	if bs.Reads != 0 || bs.Writes != 47 || bs.ZeroPages != 47 {
		t.Errorf("default cache: %+v, want 0 reads, 47 zero pages, 47 writes", bs)
	}
	if ss.Reads == 0 || ss.Writes <= 47 || ss.ZeroPages != 47 {
		t.Errorf("16-page cache: %+v, want reads, more than 47 writes, 47 zero pages", ss)
	}
	used := 0
	for off := 2 * ps; off < len(got); off += ps {
		pg := got[off : off+ps]
		if bin.IsZero(pg) {
			continue
		}
		used++
		if c := ese.ComputePageChecksums(pg, uint32(off/ps-1)); !c.OK() {
			t.Errorf("page %d: bad checksums", off/ps-1)
		}
	}
	if used != 47 {
		t.Errorf("%d used pages, want 47", used)
	}
}

// TestVectorWriterRefusesAppendFiles: a file opened for appending gets no
// gathered writer (its writes would ignore the offsets); the store then
// writes through WriteAt, which refuses such a file.
func TestVectorWriterRefusesAppendFiles(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a")
	if err := os.WriteFile(p, make([]byte, 4*4096), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(p, os.O_RDWR|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if vectorWriterOf(f) != nil {
		t.Fatal("gathered writer for an O_APPEND file")
	}
	s, err := NewPageStore(f, 4096, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, pg := range []uint32{1, 2} {
		p, err := s.Get(pg)
		if err != nil {
			t.Fatal(err)
		}
		p.FormatPreInit(pg, 5, 7)
		if err := s.MarkDirty(pg, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Flush(); err == nil {
		t.Fatal("Flush to an O_APPEND file succeeded")
	}
	if st, _ := os.Stat(p); st.Size() != 4*4096 {
		t.Fatalf("file grew to %d bytes", st.Size())
	}
}

// TestPageStoreExtendRealFile: Extend grows a real file to hold the last
// page named; the new pages are zero, served without reads, and the
// original part is unchanged.
func TestPageStoreExtendRealFile(t *testing.T) {
	orig := testcorpus.Read(t, "appdata/IndexedDB.edb")
	const ps = 32768
	path := filepath.Join(t.TempDir(), "IndexedDB.edb")
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	osf, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer osf.Close()
	s, err := NewPageStore(noSyncFile{osf}, ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Extend(120); err != nil {
		t.Fatal(err)
	}
	if err := s.Extend(100); err != nil { // smaller: nothing to do
		t.Fatal(err)
	}
	p, err := s.Get(120)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Uninitialized() || s.Stats().ZeroPages != 1 || s.Stats().Reads != 0 || s.LastPage() != 120 {
		t.Fatalf("page 120 after Extend: uninitialized %v, stats %+v, last page %d", p.Uninitialized(), s.Stats(), s.LastPage())
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 122*ps || !bytes.Equal(got[:len(orig)], orig) || !bin.IsZero(got[len(orig):]) {
		t.Fatalf("after Extend(120): %d bytes (want %d), original part equal %v", len(got), 122*ps, bytes.Equal(got[:len(orig)], orig))
	}
}

// TestPageStoreMarkDirtyStalePage: MarkDirty finds a cached page through
// the page itself, so a page evicted since Get, or one of another store,
// must still take the checked path: an evicted page not read again is
// cached again and written; one read again is refused; a page of another
// store never marks this store's copy.
func TestPageStoreMarkDirtyStalePage(t *testing.T) {
	orig := testcorpus.Read(t, "appdata/IndexedDB.edb")
	const ps = 32768
	f := memfile.New(append([]byte{}, orig...))
	s, err := NewPageStore(f, ps, &PageStoreOptions{CacheBytes: 1}) // 16 pages
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewPageStore(memfile.New(append([]byte{}, orig...)), ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	evict := func() {
		for pg := uint32(20); pg < 40; pg++ {
			if _, err := s.Get(pg); err != nil {
				t.Fatal(err)
			}
		}
	}
	p4, _ := s.Get(4)
	evict()
	p4.SetDBTime(0x401)
	if err := s.MarkDirty(4, p4); err != nil {
		t.Fatalf("evicted page not read again: %v", err)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := bin.U64(f.Bytes(), 5*ps+8); got != 0x401 {
		t.Fatalf("page 4 dbtime on disk %#x, want 0x401", got)
	}
	p5, _ := s.Get(5)
	evict()
	if _, err := s.Get(5); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkDirty(5, p5); err == nil {
		t.Fatal("MarkDirty of a page read again after its eviction succeeded")
	}
	o6, _ := other.Get(6)
	if _, err := s.Get(6); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkDirty(6, o6); err == nil {
		t.Fatal("MarkDirty took another store's page for this store's cached copy")
	}
	w := s.Stats().Writes
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if s.Stats().Writes != w {
		t.Fatalf("%d pages written for refused MarkDirty calls", s.Stats().Writes-w)
	}
}
