package redo

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"testing"

	"github.com/dsnet/golib/memfile"
	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/steadylog"
)

// replaceDOutcome is what applyReplaceDPaths found.
type replaceDOutcome struct {
	fast, general, inPlace []byte
	errFast, errGeneral    error
	tookInPlace            bool
}

// applyReplaceDPaths applies r to three copies of page: through
// redoReplaceD (what RedoRecord uses), through the general RedoReplaceD
// with r.AfterImage, and through replaceDInPlace alone (then the dbtime
// stamp). It returns the three pages, the first two errors and whether the
// in-place path accepted the record.
func applyReplaceDPaths(t *testing.T, page []byte, r *eselog.Replace, bufs *[3][]byte) replaceDOutcome {
	t.Helper()
	op := redoOpOf(&r.NodeHeader, RedoOptions{})
	var out replaceDOutcome
	pages := [3]*Page{}
	for i := range bufs {
		if len(bufs[i]) != len(page) {
			bufs[i] = make([]byte, len(page))
		}
		copy(bufs[i], page)
		p, err := NewPage(bufs[i])
		if err != nil {
			t.Fatal(err)
		}
		pages[i] = p
	}
	_, out.errFast = redoReplaceD(pages[0], op, r)
	_, out.errGeneral = RedoReplaceD(pages[1], op, r.AfterImage)
	if redo, err := op.gate(pages[2]); err != nil || !redo {
		t.Fatalf("gate: %v %v", redo, err)
	}
	if out.tookInPlace = replaceDInPlace(pages[2], op, r); out.tookInPlace {
		op.finish(pages[2])
	}
	out.fast, out.general, out.inPlace = bufs[0], bufs[1], bufs[2]
	return out
}

// sameLengthDiffs builds ReplaceD diffs that keep the length of a node's
// data old (L bytes): one same-length entry, a general entry whose old
// and new lengths agree plus a same-length one, an empty insert before a
// same-length entry, an empty entry at the very end, and an empty diff.
func sameLengthDiffs(old []byte) [][]eselog.DiffEntry {
	L := len(old)
	flip := func(at, n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = ^old[at+i] ^ byte(i*37)
		}
		return b
	}
	var out [][]eselog.DiffEntry
	if k := min(8, L-L/3); k > 0 {
		out = append(out, []eselog.DiffEntry{{Offset: L / 3, Flags: eselog.DiffSameLength, OldLen: k, New: flip(L/3, k)}})
	}
	if m := min(2, L/2); m > 0 && L-L/2 > 0 {
		k := min(5, L-L/2)
		out = append(out, []eselog.DiffEntry{
			{Offset: 0, OldLen: m, New: flip(0, m)},
			{Offset: L / 2, Flags: eselog.DiffSameLength, OldLen: k, New: flip(L/2, k)},
		})
	}
	if k := min(3, L-L/4); k > 0 {
		out = append(out, []eselog.DiffEntry{
			{Offset: L / 4, Flags: eselog.DiffInsert},
			{Offset: L / 4, Flags: eselog.DiffSameLength, OldLen: k, New: flip(L/4, k)},
		})
	}
	out = append(out, []eselog.DiffEntry{{Offset: L, Flags: eselog.DiffSameLength}}, nil)
	return out
}

func replaceDRecord(t *testing.T, pgno uint32, p *Page, iline int, versioned, diff2 bool, cbOld, cbNew int, entries []eselog.DiffEntry) *eselog.Replace {
	t.Helper()
	payload, err := eselog.AppendDiff(nil, entries, diff2)
	if err != nil {
		t.Fatal(err)
	}
	var nf eselog.NodeFlags
	if versioned {
		nf = eselog.NodeVersioned
	}
	return &eselog.Replace{
		NodeHeader: eselog.NodeHeader{PageHeader: eselog.PageHeader{
			RecordBase: eselog.RecordBase{Lrtyp: eselog.RecReplaceD},
			PageNumber: pgno, After: p.DBTime() + 1, Before: eselog.DBTimeNil, Line: uint16(iline), Flags: nf}},
		Diff2: diff2, CbOldData: uint16(cbOld), CbNewData: uint16(cbNew), Payload: payload,
	}
}

// TestReplaceDInPlaceMatchesGeneral applies same-length ReplaceD diffs to
// lines of every used page of real databases of three page sizes through
// the in-place path and through the general path (after-image, node
// rewritten by ReplaceNodeData) and requires identical page bytes (data,
// tag array, free-space fields, flags, dbtime); then it gives both paths
// malformed or length-changing diffs and requires the same error (or the
// same result) and, on error, an unchanged page.
func TestReplaceDInPlaceMatchesGeneral(t *testing.T) {
	for _, db := range []struct {
		rel      string
		pageSize int
		perPage  int // lines tried per page
	}{
		{"dissect-esedb-testdbs/large.edb", 32768, 4},
		{"dissect-esedb-testdbs/basic.edb", 4096, 16},
		{"eseparser-testdbs/decompress_test.edb", 8192, 16},
	} {
		t.Run(db.rel, func(t *testing.T) {
			pages, order := corpusPages(t, db.rel, db.pageSize)
			var bufs [3][]byte
			nodes, inPlace, notClean, errCases := 0, 0, 0, 0
			for _, pgno := range order {
				raw := pages[pgno]
				p, err := NewPage(append([]byte{}, raw...))
				if err != nil || p.Check() != nil || p.Lines() == 0 {
					continue
				}
				step := max(1, p.Lines()/db.perPage)
				for iline := 0; iline < p.Lines(); iline += step {
					n, err := p.Node(iline)
					if err != nil {
						continue
					}
					nodes++
					L := len(n.Data)
					for k, entries := range sameLengthDiffs(n.Data) {
						diff2 := k%2 == 1 || L > 0x1FFF
						r := replaceDRecord(t, pgno, p, iline, k%3 != 2, diff2, L, L, entries)
						o := applyReplaceDPaths(t, raw, r, &bufs)
						if o.errFast != nil || o.errGeneral != nil {
							t.Fatalf("page %d line %d diff %v: fast %v, general %v", pgno, iline, entries, o.errFast, o.errGeneral)
						}
						if !bytes.Equal(o.fast, o.general) {
							t.Fatalf("page %d line %d diff %v: in-place redo differs from the general path at byte %d", pgno, iline, entries, firstDiff(o.fast, o.general))
						}
						if o.tookInPlace {
							inPlace++
							if !bytes.Equal(o.inPlace, o.general) {
								t.Fatalf("page %d line %d diff %v: replaceDInPlace differs from the general path at byte %d", pgno, iline, entries, firstDiff(o.inPlace, o.general))
							}
						} else {
							notClean++
						}
						if len(entries) > 0 && len(entries[0].New) > 0 && bytes.Equal(o.general, raw) {
							t.Fatalf("page %d line %d: the diff changed nothing", pgno, iline)
						}
						// The redone page is still a valid page with the
						// line's tag where it was.
						chk, _ := NewPage(append([]byte{}, o.fast...))
						if err := chk.Check(); err != nil {
							t.Fatalf("page %d line %d: %v", pgno, iline, err)
						}
						it := iline + p.ReservedTags()
						if chk.tagIb(it) != p.tagIb(it) || chk.tagCb(it) != p.tagCb(it) || chk.FreeBytes() != p.FreeBytes() || chk.FirstFreeByte() != p.FirstFreeByte() {
							t.Fatalf("page %d line %d: tag or free space moved", pgno, iline)
						}
					}
					if L >= 4 {
						errCases += replaceDBadDiffs(t, pgno, p, raw, iline, n.Data, &bufs)
					}
				}
			}
			t.Logf("%d pages, %d nodes: %d diffs applied in place, %d through the general path, %d bad diffs", len(order), nodes, inPlace, notClean, errCases)
			if nodes < 50 || inPlace < 4*nodes {
				t.Errorf("only %d nodes tried, %d diffs applied in place", nodes, inPlace)
			}
		})
	}
}

// replaceDBadDiffs gives both paths diffs that the in-place path must not
// take; it returns how many gave an error.
func replaceDBadDiffs(t *testing.T, pgno uint32, p *Page, raw []byte, iline int, old []byte, bufs *[3][]byte) int {
	t.Helper()
	L := len(old)
	same := func(off, n int) eselog.DiffEntry {
		return eselog.DiffEntry{Offset: off, Flags: eselog.DiffSameLength, OldLen: n, New: bytes.Repeat([]byte{0x5A}, n)}
	}
	type bad struct {
		name         string
		cbOld, cbNew int
		entries      []eselog.DiffEntry
		cut          int // bytes cut from the end of the encoded diff
		wantErr      error
	}
	cases := []bad{
		{"offset goes back", L, L, []eselog.DiffEntry{same(2, 1), same(1, 1)}, 0, ese.ErrLogFileCorrupt},
		{"offset past the data", L, L, []eselog.DiffEntry{same(L+1, 0)}, 0, ese.ErrLogFileCorrupt},
		{"range past the data", L, L, []eselog.DiffEntry{same(L-1, 2)}, 0, ese.ErrLogFileCorrupt},
		{"truncated entry", L, L, []eselog.DiffEntry{same(0, 3)}, 1, ese.ErrLogFileCorrupt},
		{"record sizes not the node's", L + 1, L + 1, []eselog.DiffEntry{same(0, 1)}, 0, ese.ErrLogCorrupted},
		{"shrinking entry, sizes equal", L, L, []eselog.DiffEntry{{Offset: 1, OldLen: 2, New: []byte{7}}}, 0, ese.ErrLogCorrupted},
		{"shrinking record", L, L - 1, []eselog.DiffEntry{{Offset: 1, OldLen: 2, New: []byte{7}}}, 0, nil},
		{"old size differs, diff same-length", L + 3, L, []eselog.DiffEntry{same(0, 2)}, 0, nil},
	}
	errs := 0
	for _, c := range cases {
		r := replaceDRecord(t, pgno, p, iline, true, true, c.cbOld, c.cbNew, c.entries)
		r.Payload = r.Payload[:len(r.Payload)-c.cut]
		o := applyReplaceDPaths(t, raw, r, bufs)
		if o.tookInPlace {
			t.Fatalf("page %d line %d %s: taken in place", pgno, iline, c.name)
		}
		if !bytes.Equal(o.inPlace, raw) {
			t.Fatalf("page %d line %d %s: the refused in-place path changed the page", pgno, iline, c.name)
		}
		if c.wantErr == nil {
			if o.errFast != nil || o.errGeneral != nil {
				t.Fatalf("page %d line %d %s: %v / %v", pgno, iline, c.name, o.errFast, o.errGeneral)
			}
			if !bytes.Equal(o.fast, o.general) {
				t.Fatalf("page %d line %d %s: pages differ at byte %d", pgno, iline, c.name, firstDiff(o.fast, o.general))
			}
			continue
		}
		errs++
		if o.errFast == nil || o.errGeneral == nil || o.errFast.Error() != o.errGeneral.Error() {
			t.Fatalf("page %d line %d %s: errors differ: %v / %v", pgno, iline, c.name, o.errFast, o.errGeneral)
		}
		if !errors.Is(o.errFast, c.wantErr) {
			t.Fatalf("page %d line %d %s: %v does not wrap %v", pgno, iline, c.name, o.errFast, c.wantErr)
		}
		if !bytes.Equal(o.fast, raw) || !bytes.Equal(o.general, raw) {
			t.Fatalf("page %d line %d %s: page changed by a failed redo", pgno, iline, c.name)
		}
	}
	return errs
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestReplaceDInPlaceSteadyLog redoes every ReplaceD record of a generated
// steady-state log (same-length diffs on large.edb's leaf pages, versioned,
// many records per page) on two copies of the database, one through
// redoReplaceD and one through the general RedoReplaceD, and compares the
// page after every record.
func TestReplaceDInPlaceSteadyLog(t *testing.T) {
	checkReplaceDInPlaceSteady(t, steadylog.Spec{DB: "dissect-esedb-testdbs/large.edb", Gen: 0x21, Sectors: 40, HotPages: 24, Sessions: 2, Seed: 5}, 32768)
}

// checkReplaceDInPlaceSteady is TestReplaceDInPlaceSteadyLog over the
// steady log of spec, whose database has pageSize-byte pages.
func checkReplaceDInPlaceSteady(t *testing.T, spec steadylog.Spec, pageSize int) {
	t.Helper()
	sl := steadylog.Build(t, spec)
	l, err := eselog.OpenOptions(bytes.NewReader(sl.Log), int64(len(sl.Log)), eselog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fast, general := map[uint32]*Page{}, map[uint32]*Page{}
	get := func(m map[uint32]*Page, pgno uint32) *Page {
		if p := m[pgno]; p != nil {
			return p
		}
		off := int(pgno+1) * pageSize
		p, err := NewPage(append([]byte{}, sl.DB[off:off+pageSize]...))
		if err != nil {
			t.Fatal(err)
		}
		m[pgno] = p
		return p
	}
	n, inPlace := 0, 0
	for rec, err := range l.Records(context.Background(), eselog.Filter{Types: []eselog.RecordType{eselog.RecReplaceD}}) {
		if err != nil {
			t.Fatal(err)
		}
		r := rec.(*eselog.Replace)
		op := redoOpOf(&r.NodeHeader, RedoOptions{})
		pf, pg := get(fast, r.Pgno()), get(general, r.Pgno())
		if nd, err := pf.Node(op.ILine); err == nil && int(r.CbNewData) == len(nd.Data) {
			inPlace++ // every generated diff is same-length
		}
		okF, errF := redoReplaceD(pf, op, r)
		okG, errG := RedoReplaceD(pg, op, r.AfterImage)
		if errF != nil || errG != nil || !okF || !okG {
			t.Fatalf("%v: %v %v / %v %v", r.Pos(), okF, errF, okG, errG)
		}
		if !bytes.Equal(pf.Bytes(), pg.Bytes()) {
			t.Fatalf("%v: page %d differs at byte %d", r.Pos(), r.Pgno(), firstDiff(pf.Bytes(), pg.Bytes()))
		}
		n++
	}
	if n != sl.PageRecords || inPlace != n {
		t.Fatalf("%d ReplaceD records redone (%d same-length), %d generated", n, inPlace, sl.PageRecords)
	}
	for pgno, p := range fast {
		if p.DBTime() != sl.PageDBTime[pgno] {
			t.Errorf("page %d: dbtime %#x, the log's last %#x", pgno, p.DBTime(), sl.PageDBTime[pgno])
		}
		if err := p.Check(); err != nil {
			t.Errorf("page %d: %v", pgno, err)
		}
	}
	t.Logf("%d ReplaceD records over %d pages: identical pages after every record", n, len(fast))
}

// TestReplaceDInPlaceRefusesReencodedNodes takes real nodes whose stored
// form ReplaceNodeData would not write back unchanged — a key-length word
// with bits above its 13-bit value, a compressed node whose prefix count
// is 0 — and checks that the in-place path leaves them to the general
// path, so that both give the same page.
func TestReplaceDInPlaceRefusesReencodedNodes(t *testing.T) {
	for _, db := range []struct {
		rel      string
		pageSize int
	}{
		{"dissect-esedb-testdbs/basic.edb", 4096},
		{"dissect-esedb-testdbs/large.edb", 32768},
	} {
		pages, order := corpusPages(t, db.rel, db.pageSize)
		var bufs [3][]byte
		dirty, zeroPrefix := 0, 0
		for _, pgno := range order {
			p, err := NewPage(append([]byte{}, pages[pgno]...))
			if err != nil || p.Check() != nil {
				continue
			}
			for iline := 0; iline < p.Lines(); iline++ {
				it := iline + p.ReservedTags()
				n, err := p.Node(iline)
				if err != nil || len(n.Data) < 4 {
					continue
				}
				at := p.hdr + p.tagIb(it)
				compressed := p.tagFlags(it)&NodeCompressed != 0
				var mutate func(b []byte)
				switch {
				case compressed && zeroPrefix < 20:
					// Prefix count 0 (flag bits kept on large pages).
					mutate = func(b []byte) { bin.PutU16(b, at, bin.U16(b, at)&tagFlagMask) }
					zeroPrefix++
				case !compressed && !p.large && dirty < 20:
					// A high bit in the suffix-length word of a small page.
					mutate = func(b []byte) { bin.PutU16(b, at, bin.U16(b, at)|0x8000) }
					dirty++
				case compressed && p.large && dirty < 20:
					// A high bit in the second key word of a large page.
					mutate = func(b []byte) { bin.PutU16(b, at+2, bin.U16(b, at+2)|0x4000) }
					dirty++
				default:
					continue
				}
				raw := append([]byte{}, pages[pgno]...)
				mutate(raw)
				mp, _ := NewPage(append([]byte{}, raw...))
				if mp.Check() != nil {
					continue
				}
				mn, err := mp.Node(iline)
				if err != nil || len(mn.Data) < 4 {
					continue
				}
				L := len(mn.Data)
				entries := []eselog.DiffEntry{{Offset: 1, Flags: eselog.DiffSameLength, OldLen: 2, New: []byte{0xA5, 0x5A}}}
				r := replaceDRecord(t, pgno, mp, iline, true, true, L, L, entries)
				o := applyReplaceDPaths(t, raw, r, &bufs)
				if o.tookInPlace {
					t.Fatalf("%s page %d line %d: node that re-encodes differently taken in place", db.rel, pgno, iline)
				}
				if o.errFast != nil || o.errGeneral != nil {
					t.Fatalf("%s page %d line %d: %v / %v", db.rel, pgno, iline, o.errFast, o.errGeneral)
				}
				if !bytes.Equal(o.fast, o.general) || bytes.Equal(o.general, raw) {
					t.Fatalf("%s page %d line %d: pages differ at %d (or unchanged)", db.rel, pgno, iline, firstDiff(o.fast, o.general))
				}
			}
		}
		if dirty == 0 || (db.pageSize == 32768 && zeroPrefix == 0) {
			t.Errorf("%s: %d dirty-word nodes, %d zero-prefix nodes tried", db.rel, dirty, zeroPrefix)
		}
		t.Logf("%s: %d dirty-word nodes, %d zero-prefix nodes", db.rel, dirty, zeroPrefix)
	}
}

// TestRedoRecordSteadyAllocs redoes the ReplaceD records of a generated
// steady-state log through RedoRecord and a PageStore whose pages are
// already cached: the same-length diffs are applied in place, so redo
// allocates only the result's one-element page list per record (kept as
// its own slice, not a view of the record). Every result names exactly
// the record's page.
func TestRedoRecordSteadyAllocs(t *testing.T) {
	checkRedoRecordSteadyAllocs(t, steadylog.Spec{DB: "dissect-esedb-testdbs/large.edb", Gen: 0x21, Sectors: 24, HotPages: 16, Sessions: 2, Seed: 9}, 32768)
}

// checkRedoRecordSteadyAllocs is TestRedoRecordSteadyAllocs over the
// steady log of spec, whose database has pageSize-byte pages.
func checkRedoRecordSteadyAllocs(t *testing.T, spec steadylog.Spec, pageSize int) {
	t.Helper()
	sl := steadylog.Build(t, spec)
	var recs []*eselog.Replace
	for _, rec := range sl.Records(t, eselog.Filter{Types: []eselog.RecordType{eselog.RecReplaceD}}) {
		recs = append(recs, rec.(*eselog.Replace))
	}
	s, err := NewPageStore(memfile.New(append([]byte{}, sl.DB...)), pageSize, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if _, err := s.Get(r.Pgno()); err != nil {
			t.Fatal(err)
		}
	}
	bad := 0
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	for _, r := range recs {
		res, err := RedoRecord(s, r, RedoOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Pages) != 1 || res.Pages[0] != r.Pgno() || len(res.Skipped) != 0 {
			bad++
		}
	}
	runtime.ReadMemStats(&m1)
	if bad != 0 || len(recs) != sl.PageRecords {
		t.Fatalf("%d of %d results do not name exactly the record's page (%d generated)", bad, len(recs), sl.PageRecords)
	}
	// A one-page result can grow like any slice without touching the
	// record.
	r := recs[0]
	s2, _ := NewPageStore(memfile.New(append([]byte{}, sl.DB...)), pageSize, nil)
	res, err := RedoRecord(s2, r, RedoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	grown := append(res.Pages, 7)
	if r.Pgno() != res.Pages[0] || len(grown) != 2 || grown[0] != r.Pgno() {
		t.Fatalf("appending to the result changed it: %v %v", res.Pages, grown)
	}
	allocs := m1.Mallocs - m0.Mallocs
	if allocs > uint64(len(recs)+len(recs)/10) {
		t.Errorf("%d allocations redoing %d cached same-length ReplaceD records", allocs, len(recs))
	}
	t.Logf("%d records redone, %d allocations", len(recs), allocs)
}
