package redo

import (
	"testing"

	"github.com/dsnet/golib/memfile"
	"github.com/esekit/esekit/ese"
)

// TestPageCacheAcrossStores: two stores sharing a 20-page cache hold 20
// pages between them; reading pages of one evicts the least recently
// used pages of the other, writing the dirty ones to its own file (with
// their checksums), and Discard gives a store's share back.
func TestPageCacheAcrossStores(t *testing.T) {
	const ps = 4096
	c := NewPageCache(20 * ps)
	fa, fb := memfile.New(make([]byte, 42*ps)), memfile.New(make([]byte, 42*ps))
	a, err := NewPageStore(fa, ps, &PageStoreOptions{Cache: c})
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewPageStore(fb, ps, &PageStoreOptions{Cache: c})
	if err != nil {
		t.Fatal(err)
	}
	for pgno := uint32(1); pgno <= 10; pgno++ {
		p, err := a.Get(pgno)
		if err != nil {
			t.Fatal(err)
		}
		p.SetDBTime(uint64(pgno))
		if err := a.MarkDirty(pgno, p); err != nil {
			t.Fatal(err)
		}
	}
	for pgno := uint32(1); pgno <= 15; pgno++ {
		if _, err := b.Get(pgno); err != nil {
			t.Fatal(err)
		}
	}
	// 25 pages read: the 5 least recent, pages 1-5 of a, were written
	// back and dropped.
	if len(a.pages) != 5 || len(b.pages) != 15 || c.Used() != 20*ps || c.Peak() != 20*ps {
		t.Errorf("a holds %d pages, b %d, cache %d bytes (peak %d)", len(a.pages), len(b.pages), c.Used(), c.Peak())
	}
	if st := a.Stats(); st.Writes != 5 {
		t.Errorf("a wrote %d pages, want 5", st.Writes)
	}
	for pgno := uint32(1); pgno <= 10; pgno++ {
		got := fa.Bytes()[(pgno+1)*ps : (pgno+2)*ps]
		if written := !IsZeroPage(got); written != (pgno <= 5) {
			t.Errorf("page %d of a: written %v", pgno, written)
		}
	}
	if !ese.ComputePageChecksums(fa.Bytes()[2*ps:3*ps], 1).OK() {
		t.Errorf("page 1 of a written without its checksum")
	}
	b.Discard()
	if len(b.pages) != 0 || c.Used() != 5*ps {
		t.Errorf("after b.Discard: b holds %d pages, cache %d bytes", len(b.pages), c.Used())
	}
}
