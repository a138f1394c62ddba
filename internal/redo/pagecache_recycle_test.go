package redo

import (
	"bytes"
	"testing"

	"github.com/dsnet/golib/memfile"
)

// TestPageCacheRecycle: a recycling cache (recovery's) reuses the buffer
// of an evicted page only after EndRecord. Within a record a page evicted
// while its caller holds it keeps its bytes and MarkDirty puts it back;
// after EndRecord the buffer of a page still evicted serves the next read
// (with that page's bytes, or zeros for a page of the part of the file
// the store grew), and the old page can no longer be marked dirty.
func TestPageCacheRecycle(t *testing.T) {
	const ps = 4096
	img := make([]byte, 40*ps)
	for pgno := 1; pgno <= 38; pgno++ {
		pb := img[(pgno+1)*ps : (pgno+2)*ps]
		for i := range pb {
			pb[i] = byte(pgno)
		}
	}
	f := memfile.New(img)
	c := NewPageCache(minCachedPages * ps)
	c.Recycle()
	s, err := NewPageStore(f, ps, &PageStoreOptions{Cache: c})
	if err != nil {
		t.Fatal(err)
	}
	pages := map[uint32]*Page{}
	for pgno := uint32(1); pgno <= minCachedPages+1; pgno++ {
		if pages[pgno], err = s.Get(pgno); err != nil {
			t.Fatal(err)
		}
	}
	// Page 1 was evicted by the read of page 17; its caller still holds it.
	p1 := pages[1]
	if _, cached := s.pages[1]; cached || p1.Bytes()[100] != 1 {
		t.Fatalf("page 1: cached %v, byte %d", cached, p1.Bytes()[100])
	}
	p1.Bytes()[100] = 0xEE
	if err := s.MarkDirty(1, p1); err != nil { // evicts page 2
		t.Fatal(err)
	}
	p2 := pages[2]
	old2 := &p2.Bytes()[0]
	c.EndRecord()
	if p1.Bytes() == nil || p2.Bytes() != nil || len(c.free) != 1 {
		t.Fatalf("after EndRecord: page 1 buffer %v, page 2 buffer %v, %d free", p1.Bytes() != nil, p2.Bytes() != nil, len(c.free))
	}
	p18, err := s.Get(18)
	if err != nil {
		t.Fatal(err)
	}
	if &p18.Bytes()[0] != old2 || !bytes.Equal(p18.Bytes(), img[19*ps:20*ps]) {
		t.Errorf("page 18 did not reuse page 2's buffer with its own bytes")
	}
	if err := s.MarkDirty(2, p2); err == nil {
		t.Errorf("MarkDirty of a page whose buffer was reused succeeded")
	}
	// A page of the grown part reads as zero from a reused buffer.
	if err := s.Extend(44); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(19); err != nil { // evicts page 3
		t.Fatal(err)
	}
	c.EndRecord()
	p44, err := s.Get(44)
	if err != nil {
		t.Fatal(err)
	}
	if !p44.Uninitialized() || s.Stats().ZeroPages != 1 {
		t.Errorf("page 44 of the grown part: zero %v, %d zero pages served", p44.Uninitialized(), s.Stats().ZeroPages)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := f.Bytes()[2*ps+100]; got != 0xEE {
		t.Errorf("page 1 written back with byte %#x, want 0xEE", got)
	}
}
