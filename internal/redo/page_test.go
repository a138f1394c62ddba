package redo

import (
	"bytes"
	"cmp"
	"errors"
	"slices"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testcorpus"
)

// corpusPages returns the used pages (non-zero header) of a database file
// with their page numbers.
func corpusPages(t *testing.T, rel string, pageSize int) (map[uint32][]byte, []uint32) {
	t.Helper()
	b := testcorpus.Read(t, rel)
	pages := map[uint32][]byte{}
	var order []uint32
	for off := 2 * pageSize; off+pageSize <= len(b); off += pageSize {
		pg := b[off : off+pageSize]
		if bin.IsZero(pg[:40]) {
			continue
		}
		pgno := uint32(off/pageSize - 1)
		pages[pgno] = append([]byte{}, pg...)
		order = append(order, pgno)
	}
	return pages, order
}

// rebuildPage builds a page from the lines of real: an empty page with the
// same header (one empty external-header tag) receives tag 0 and every line
// in order of their offsets in real, at the line positions real has. On an
// unfragmented page this reproduces real's data area and tag array exactly.
func rebuildPage(t *testing.T, real *Page) *Page {
	t.Helper()
	nb := make([]byte, real.Size())
	copy(nb[:real.HeaderSize()], real.Bytes()[:real.HeaderSize()])
	np, err := NewPage(nb)
	if err != nil {
		t.Fatal(err)
	}
	bin.PutU16(nb, pgTagState, 0)
	// Pages written by engines with the reserved-tags format keep the
	// reserved-tag count in TagState; others use the legacy form.
	np.ReservedTagFormat = bin.U16(real.Bytes(), pgTagState)>>tagResvShift != 0
	np.setTagCount(1)
	bin.PutU32(nb, np.tagPos(0), 0)
	np.setFreeBytes(np.dataArea() - tagBytes)
	np.setFirstFreeByte(0)
	bin.PutU16(nb, pgUncFree, 0)
	if err := np.Check(); err != nil {
		t.Fatalf("empty page: %v", err)
	}
	n := real.TagCount()
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(real.tagIb(a), real.tagIb(b)) })
	var placed []int // line numbers inserted so far, sorted
	for _, it := range order {
		if it == 0 {
			h, err := real.ExternalHeader()
			if err != nil {
				t.Fatal(err)
			}
			if err := np.SetExternalHeaderBytes(h); err != nil {
				t.Fatalf("set external header: %v", err)
			}
			continue
		}
		iline := it - 1
		nd, err := real.Node(iline)
		if err != nil {
			t.Fatalf("line %d: %v", iline, err)
		}
		pos, _ := slices.BinarySearch(placed, iline)
		if err := np.InsertNode(pos, nd); err != nil {
			t.Fatalf("insert line %d at %d: %v", iline, pos, err)
		}
		placed = slices.Insert(placed, pos, iline)
	}
	return np
}

func checkRoundTrip(t *testing.T, rel string, pageSize int) (pagesChecked, identical, fragmentedPages int) {
	pages, order := corpusPages(t, rel, pageSize)
	if len(pages) == 0 {
		t.Fatalf("%s: no used pages", rel)
	}
	for _, pgno := range order {
		raw := pages[pgno]
		real, err := NewPage(append([]byte{}, raw...))
		if err != nil {
			t.Fatal(err)
		}
		if real.Flags()&ese.PagePreInit != 0 && real.TagCount() == 0 {
			continue
		}
		if err := real.Check(); err != nil {
			t.Errorf("%s page %d: %v", rel, pgno, err)
			continue
		}
		// docs/pages.md#tags accounting, computed independently with the
		// ese package's tag decoder.
		tags, err := ese.Tags(raw)
		if err != nil {
			t.Fatalf("%s page %d: ese.Tags: %v", rel, pgno, err)
		}
		sum := 0
		for i, tg := range tags {
			sum += int(tg.Size)
			if _, _, f, _ := real.Tag(i); f != tg.Flags {
				t.Errorf("%s page %d tag %d: flags %#x, ese.Tags says %#x", rel, pgno, i, f, tg.Flags)
			}
		}
		if want := pageSize - real.HeaderSize() - 4*len(tags) - sum; real.FreeBytes() != want {
			t.Errorf("%s page %d: FreeBytes %d, want %d", rel, pgno, real.FreeBytes(), want)
		}
		np := rebuildPage(t, real)
		// A fragmented page (gaps between nodes) is rebuilt compacted.
		fragmented := real.FirstFreeByte() != sum
		wantMic := real.FirstFreeByte()
		if fragmented {
			wantMic = sum
			fragmentedPages++
		}
		if np.TagCount() != real.TagCount() || np.FreeBytes() != real.FreeBytes() || np.FirstFreeByte() != wantMic {
			t.Errorf("%s page %d: rebuilt tags/free/mic %d/%d/%d, want %d/%d/%d", rel, pgno,
				np.TagCount(), np.FreeBytes(), np.FirstFreeByte(), real.TagCount(), real.FreeBytes(), wantMic)
			continue
		}
		for i := 0; i < real.Lines(); i++ {
			a, _ := real.Node(i)
			b, _ := np.Node(i)
			if a.Flags != b.Flags || a.PrefixLen != b.PrefixLen || !bytes.Equal(a.Suffix, b.Suffix) || !bytes.Equal(a.Data, b.Data) {
				t.Errorf("%s page %d line %d: rebuilt node differs", rel, pgno, i)
			}
		}
		pagesChecked++
		if fragmented {
			continue
		}
		// Unfragmented: the header, the used data area and the tag array
		// (ib/cb bits; the unused top bit of each large-page tag word can
		// hold stale bytes) must be identical.
		h := real.HeaderSize()
		same := bytes.Equal(raw[8:40], np.Bytes()[8:40]) && bytes.Equal(raw[h:h+sum], np.Bytes()[h:h+sum])
		for i := 0; i < real.TagCount() && same; i++ {
			if real.tagIb(i) != np.tagIb(i) || real.tagCb(i) != np.tagCb(i) || real.tagFlags(i) != np.tagFlags(i) {
				same = false
			}
		}
		if same {
			identical++
		} else {
			t.Errorf("%s page %d: rebuilt bytes differ", rel, pgno)
		}
	}
	return pagesChecked, identical, fragmentedPages
}

// TestPageRoundTripCorpus rebuilds every used page of a 32 KiB and a 4 KiB
// real database from its decoded lines and compares the result with the
// real page: same nodes, same FreeBytes/FirstFreeByte/tag count, and the
// same bytes in the header, the used data area and the tag array.
func TestPageRoundTripCorpus(t *testing.T) {
	for _, c := range []struct {
		rel       string
		pageSize  int
		wantPages int
	}{
		{"appdata/IndexedDB.edb", 32768, 47},
		{"dissect-esedb-testdbs/basic.edb", 4096, 23},
		{"dissect-esedb-testdbs/large.edb", 32768, 381},
		{"eseparser-testdbs/decompress_test.edb", 8192, 18},
		// Format 0x620,300.620 (reserved-tag format since update 270.560),
		// 16 KiB pages, a mix of legacy and new TagState forms.
		{"goese-qmgr/qmgr.db", 16384, 43},
	} {
		t.Run(c.rel, func(t *testing.T) {
			n, same, frag := checkRoundTrip(t, c.rel, c.pageSize)
			t.Logf("%s: %d pages rebuilt, %d fragmented, %d byte-identical", c.rel, n, frag, same)
			if c.wantPages != 0 && n != c.wantPages {
				t.Errorf("%d pages checked, want %d", n, c.wantPages)
			}
			if same != n-frag {
				t.Errorf("%d of %d unfragmented pages byte-identical", same, n-frag)
			}
		})
	}
}

func newEmptyTestPage(t *testing.T, size int) *Page {
	t.Helper()
	p, err := NewPage(make([]byte, size))
	if err != nil {
		t.Fatal(err)
	}
	p.FormatPreInit(7, 1, 5)
	p.ConsumePreInit(ese.PageLeaf)
	return p
}

// TestPageReorganize fragments a page and checks that an insert that does
// not fit at the end compacts the data area first.
func TestPageReorganize(t *testing.T) {
	for _, size := range []int{4096, 32768} {
		p := newEmptyTestPage(t, size)
		big := bytes.Repeat([]byte{0xAB}, 1000)
		n := 0
		for p.FreeBytes() > 1010 {
			if err := p.InsertNode(n, Node{Suffix: []byte{byte(n)}, Data: big}); err != nil {
				t.Fatal(err)
			}
			n++
		}
		// Delete every other line: the freed space is fragmented.
		for i := n - 2; i >= 0; i -= 2 {
			if err := p.DeleteLine(i); err != nil {
				t.Fatal(err)
			}
		}
		micBefore := p.FirstFreeByte()
		if p.contiguousFree() >= 1005+4 {
			t.Fatalf("size %d: page not fragmented", size)
		}
		if err := p.InsertNode(0, Node{Suffix: []byte{0xEE}, Data: big}); err != nil {
			t.Fatal(err)
		}
		if p.FirstFreeByte() >= micBefore+1005 {
			t.Errorf("size %d: no reorganisation (mic %d, before %d)", size, p.FirstFreeByte(), micBefore)
		}
		if err := p.Check(); err != nil {
			t.Errorf("size %d: %v", size, err)
		}
		nd, err := p.Node(0)
		if err != nil || nd.Suffix[0] != 0xEE || !bytes.Equal(nd.Data, big) {
			t.Errorf("size %d: inserted node wrong: %v", size, err)
		}
		for i := 1; i < p.Lines(); i++ {
			nd, err := p.Node(i)
			if err != nil || !bytes.Equal(nd.Data, big) {
				t.Errorf("size %d line %d: data lost after reorganisation", size, i)
			}
		}
	}
}

// TestPageHostile feeds corrupt headers to the page model: it must refuse
// them with ErrDatabaseCorrupted and never panic.
func TestPageHostile(t *testing.T) {
	p := newEmptyTestPage(t, 4096)
	if err := p.SetExternalHeaderBytes([]byte("prefix")); err != nil {
		t.Fatal(err)
	}
	if err := p.InsertNode(0, Node{Suffix: []byte("k"), Data: []byte("data")}); err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(b []byte){
		"tag count":  func(b []byte) { bin.PutU16(b, pgTagState, 0xFFF) },
		"free bytes": func(b []byte) { bin.PutU16(b, pgFree, 9) },
		"mic":        func(b []byte) { bin.PutU16(b, pgMicFree, 0x1FFF) },
		"tag size":   func(b []byte) { bin.PutU16(b, len(b)-8, 0x1FFF) },
		// The external header (6 bytes at 0) made to overlap line 0.
		"overlap": func(b []byte) {
			bin.PutU16(b, len(b)-4, 8)
			bin.PutU16(b, pgFree, bin.U16(b, pgFree)-2)
		},
	}
	for name, mut := range cases {
		b := append([]byte{}, p.Bytes()...)
		mut(b)
		q, _ := NewPage(b)
		_, err := q.Node(0)
		if !errors.Is(err, ese.ErrDatabaseCorrupted) {
			t.Errorf("%s: got %v, want ErrDatabaseCorrupted", name, err)
		}
		if err := q.InsertNode(0, Node{Data: []byte{1}}); !errors.Is(err, ese.ErrDatabaseCorrupted) {
			t.Errorf("%s insert: got %v", name, err)
		}
	}
	if _, err := NewPage(make([]byte, 1000)); err == nil {
		t.Error("1000-byte page accepted")
	}
	// A line that does not fit is refused.
	if err := p.InsertNode(0, Node{Data: make([]byte, 5000)}); !errors.Is(err, ese.ErrDatabaseCorrupted) {
		t.Errorf("oversized insert: %v", err)
	}
}
