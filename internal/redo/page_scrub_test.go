package redo

import (
	"bytes"
	"errors"
	"testing"

	"github.com/dsnet/golib/memfile"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
)

// scrubTestPage returns a copy of the first real page of a corpus file
// with at least four lines, with line 1 deleted so that the data area has
// a gap (the fragmented case of OverwriteUnusedSpace).
func scrubTestPage(t *testing.T, rel string, ps int) (*Page, uint32) {
	t.Helper()
	pages, order := corpusPages(t, rel, ps)
	for _, pgno := range order {
		p, err := NewPage(pages[pgno])
		if err != nil || p.Check() != nil || p.Lines() < 4 || p.Flags()&ese.PageLeaf == 0 {
			continue
		}
		if err := p.DeleteLine(1); err != nil {
			t.Fatal(err)
		}
		if p.contiguousFree() == p.FreeBytes() {
			continue // line 1 was the last node in the data area
		}
		return p, pgno
	}
	t.Fatalf("%s: no leaf page of 4 or more lines", rel)
	return nil, 0
}

// uncovered returns the data-area bytes (tag array excluded) that no tag
// covers.
func uncovered(p *Page) []byte {
	n := p.dataArea() - tagBytes*p.TagCount()
	covered := make([]bool, n)
	for it := 0; it < p.TagCount(); it++ {
		for i := p.tagIb(it); i < p.tagIb(it)+p.tagCb(it) && i < n; i++ {
			covered[i] = true
		}
	}
	var out []byte
	for i, c := range covered {
		if !c {
			out = append(out, p.b[p.hdr+i])
		}
	}
	return out
}

// TestRedoScrubUsedPage scrubs a real leaf page (32, 8 and 4 KiB
// formats) with one data scrub, one long-value scrub and untouched lines,
// and checks the result against ErrNDScrubOneUsedPage: the scrubbed data
// is 'D' bytes, or the COMPRESS_SCRUB signature 0x20 then 'L' bytes, the
// keys stay, the Versioned flag goes, every other node is byte-identical,
// every byte no tag covers is 'Z', no node moved, the page is Scrubbed
// and carries the record's dbtime. A second redo of the record is skipped.
func TestRedoScrubUsedPage(t *testing.T) {
	for _, c := range []struct {
		rel string
		ps  int
	}{{"appdata/IndexedDB.edb", 32768}, {"wlm-kimberli13/WindowsMail.MSMessageStore", 8192},
		{"dissect-esedb-testdbs/basic.edb", 4096}, {"museum-srum-server2022-apt-1daylater/SRUDB.dat", 4096}} {
		t.Run(c.rel, func(t *testing.T) {
			p, pgno := scrubTestPage(t, c.rel, c.ps)
			lines := p.Lines()
			type snap struct {
				ib, cb int
				node   []byte
				key    []byte
			}
			before := make([]snap, lines)
			for i := range lines {
				it, _ := p.lineTag(i)
				b, _ := p.TagBytes(it)
				k, _ := p.Key(i)
				before[i] = snap{p.tagIb(it), p.tagCb(it), append([]byte{}, b...), append([]byte{}, k...)}
			}
			if err := p.SetLineFlags(0, NodeVersioned); err != nil {
				t.Fatal(err)
			}
			opers := make([]byte, lines)
			opers[0], opers[2] = ScrubOperData, ScrubOperLVData
			dbt := p.DBTime()
			op := RedoOp{Pgno: pgno, DBTime: dbt + 7, DBTimeBefore: dbt}
			if _, err := RedoScrub(p, op, false, opers[:lines-1]); !errors.Is(err, ese.ErrLogOperationInconsistentWithDatabase) {
				t.Errorf("%s: %d operations for %d lines: %v", c.rel, lines-1, lines, err)
			}
			bad := append([]byte{}, opers...)
			bad[1] = 3
			if _, err := RedoScrub(p, op, false, bad); !errors.Is(err, ese.ErrLogOperationInconsistentWithDatabase) {
				t.Errorf("%s: unknown operation: %v", c.rel, err)
			}
			ok, err := RedoScrub(p, op, false, opers)
			if err != nil || !ok {
				t.Fatalf("%s: %v %v", c.rel, ok, err)
			}
			if err := p.Check(); err != nil {
				t.Fatal(err)
			}
			if p.DBTime() != dbt+7 || p.Flags()&ese.PageScrubbed == 0 || p.Lines() != lines {
				t.Errorf("%s: dbtime %#x flags %v lines %d", c.rel, p.DBTime(), p.Flags(), p.Lines())
			}
			for i := range lines {
				it, _ := p.lineTag(i)
				if p.tagIb(it) != before[i].ib || p.tagCb(it) != before[i].cb {
					t.Errorf("%s line %d moved", c.rel, i)
				}
				n, _ := p.Node(i)
				k, _ := p.Key(i)
				if !bytes.Equal(k, before[i].key) {
					t.Errorf("%s line %d: key changed", c.rel, i)
				}
				if f, _ := p.LineFlags(i); opers[i] != ScrubOperNone && f&NodeVersioned != 0 {
					t.Errorf("%s line %d still versioned", c.rel, i)
				}
				switch opers[i] {
				case ScrubOperData:
					if len(n.Data) == 0 || !bytes.Equal(n.Data, bytes.Repeat([]byte{'D'}, len(n.Data))) {
						t.Errorf("%s line %d: data not scrubbed", c.rel, i)
					}
				case ScrubOperLVData:
					if len(n.Data) < 2 || n.Data[0] != 0x20 || !bytes.Equal(n.Data[1:], bytes.Repeat([]byte{'L'}, len(n.Data)-1)) {
						t.Errorf("%s line %d: LV data not scrubbed", c.rel, i)
					}
				default:
					b, _ := p.TagBytes(it)
					if !bytes.Equal(b, before[i].node) {
						t.Errorf("%s line %d changed", c.rel, i)
					}
				}
			}
			u := uncovered(p)
			if len(u) < p.FreeBytes() || !bytes.Equal(u, bytes.Repeat([]byte{'Z'}, len(u))) {
				t.Errorf("%s: %d uncovered bytes (free %d), not all 'Z'", c.rel, len(u), p.FreeBytes())
			}
			img := append([]byte{}, p.Bytes()...)
			op.MayContainFutureData = true
			if ok, err := RedoScrub(p, op, false, opers); ok || err != nil || !bytes.Equal(p.Bytes(), img) {
				t.Errorf("%s: second redo: %v %v", c.rel, ok, err)
			}
		})
	}
}

// TestRedoScrubUnusedPage scrubs a real page as unused through
// RedoRecord: every line goes, the external header stays, every byte no
// tag covers is 'U' and the first free byte is the end of the external
// header. A later node change clears the Scrubbed flag, as CPAGE::Dirty
// does.
func TestRedoScrubUnusedPage(t *testing.T) {
	for _, c := range []struct {
		rel string
		ps  int
	}{{"appdata/IndexedDB.edb", 32768}, {"museum-srum-server2022-apt-1daylater/SRUDB.dat", 4096}} {
		t.Run(c.rel, func(t *testing.T) { checkRedoScrubUnusedPage(t, c.rel, c.ps) })
	}
}

// checkRedoScrubUnusedPage is TestRedoScrubUnusedPage over a page of
// corpus file rel of ps-byte pages.
func checkRedoScrubUnusedPage(t *testing.T, rel string, ps int) {
	t.Helper()
	p, pgno := scrubTestPage(t, rel, ps)
	ext, _ := p.ExternalHeader()
	ext = append([]byte{}, ext...)
	s := newMemStore(t, ps, pgno, p.Bytes())
	dbt := p.DBTime()
	r := &eselog.Scrub{NodeHeader: eselog.NodeHeader{PageHeader: eselog.PageHeader{PageNumber: pgno, After: dbt + 1, Before: dbt}},
		ScrubFlags: eselog.ScrubUnusedPage}
	res, err := RedoRecord(s, r, RedoOptions{})
	if err != nil || len(res.Pages) != 1 {
		t.Fatalf("%v %v", res, err)
	}
	q, _ := s.Get(pgno)
	got, _ := q.ExternalHeader()
	if q.Lines() != 0 || !bytes.Equal(got, ext) || q.Flags()&ese.PageScrubbed == 0 || q.DBTime() != dbt+1 {
		t.Fatalf("lines %d, external header kept %v, flags %v, dbtime %#x", q.Lines(), bytes.Equal(got, ext), q.Flags(), q.DBTime())
	}
	if err := q.Check(); err != nil {
		t.Fatal(err)
	}
	it0end := q.tagIb(0) + q.tagCb(0)
	if q.FirstFreeByte() != it0end {
		t.Errorf("first free byte %d, want %d", q.FirstFreeByte(), it0end)
	}
	if u := uncovered(q); !bytes.Equal(u, bytes.Repeat([]byte{'U'}, len(u))) || len(u) != q.FreeBytes() {
		t.Errorf("%d uncovered bytes, free %d, not all 'U'", len(u), q.FreeBytes())
	}
	ok, err := RedoInsert(q, RedoOp{Pgno: pgno, DBTime: dbt + 2, DBTimeBefore: dbt + 1}, 0, []byte("k"), []byte("v"))
	if err != nil || !ok || q.Flags()&ese.PageScrubbed != 0 {
		t.Errorf("insert after scrub: %v %v flags %v", ok, err, q.Flags())
	}
	// Too few operation bytes for cScrubOper is a corrupt record.
	r2 := &eselog.Scrub{NodeHeader: eselog.NodeHeader{PageHeader: eselog.PageHeader{PageNumber: pgno, After: dbt + 3, Before: dbt + 2}},
		ScrubOpers: 5, Data: []byte{0, 0}}
	if _, err := RedoRecord(s, r2, RedoOptions{}); !errors.Is(err, ese.ErrLogCorrupted) {
		t.Errorf("short operation list: %v", err)
	}
}

// newMemStore returns a page store over an in-memory file whose page pgno
// holds img (every other page empty).
func newMemStore(t *testing.T, ps int, pgno uint32, img []byte) *PageStore {
	t.Helper()
	b := make([]byte, (int(pgno)+2)*ps)
	copy(b[int(pgno+1)*ps:], img)
	s, err := NewPageStore(memfile.New(b), ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
