package recovery

import (
	"bytes"
	"errors"
	"testing"

	"github.com/dsnet/golib/memfile"

	"github.com/esekit/esekit/ese"
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
	if p4.DbTime() != 0x384 || p4.TagCount() != 173 || p4.ObjidFDP() != 2 {
		t.Fatalf("page 4: dbtime %#x tags %d objid %d", p4.DbTime(), p4.TagCount(), p4.ObjidFDP())
	}
	lines := p4.Lines()
	if err := p4.InsertNode(0, Node{Suffix: []byte{0, 1}, Data: []byte("esekit")}); err != nil {
		t.Fatal(err)
	}
	p4.SetDbTime(0x400)
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
	if again.DbTime() != 0x400 || again.Lines() != lines+1 {
		t.Fatalf("re-read page 4: dbtime %#x lines %d", again.DbTime(), again.Lines())
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
