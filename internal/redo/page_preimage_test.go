package redo

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/dsnet/golib/memfile"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testcorpus"
	"github.com/esekit/esekit/internal/xpress"
)

// dehydrate shrinks a page image the way CPAGE::DehydratePage does: the
// bytes up to the first free byte stay, the tag array follows them, and
// cbFree loses the bytes removed.
func dehydrate(t *testing.T, b []byte) []byte {
	t.Helper()
	p, _ := NewPage(b)
	cut := p.HeaderSize() + p.FirstFreeByte()
	tags := tagBytes * p.TagCount()
	out := append(append([]byte{}, b[:cut]...), b[len(b)-tags:]...)
	bin.PutU16(out, pgFree, uint16(p.FreeBytes()-(len(b)-len(out))))
	return out
}

// TestSplitFromPreImage: a right split with an insert on a real leaf page
// of large.edb (32 KiB) is redone once normally; then the new page is lost
// (never flushed) while the split page, parent and right sibling are
// already newer. The new page must be rebuilt from the split page's lines
// before the split, which only the Split2 record's pre-image holds
// (ErrLGRIRedoInitializeSplit, ErrReplacePageImage): with the dehydrated
// pre-image the rebuilt new page is byte-identical to the first one and
// no other page is written; without it the error is
// JET_errDatabaseBufferDependenciesCorrupted; an LZ4-compressed pre-image
// and an Xpress9-compressed one work like the plain one; an Xpress10 one
// is not supported.
func TestSplitFromPreImage(t *testing.T) {
	const ps = 32768
	raw := testcorpus.Read(t, "dissect-esedb-testdbs/large.edb")
	s, err := NewPageStore(memfile.New(append([]byte{}, raw...)), ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	leafPg, parentPg, _ := findSplittableLeaf(t, s)
	if leafPg == 0 {
		t.Fatal("no leaf page with a right sibling and a parent in large.edb")
	}
	leaf, _ := s.Get(leafPg)
	parent, _ := s.Get(parentPg)
	right, _ := s.Get(leaf.NextPage())
	pre := append([]byte{}, leaf.Bytes()...)
	keys, _ := keysOf(t, leaf)
	prefix, _ := leaf.KeyPrefix()
	newKey := append(append([]byte{}, keys[5]...), 0x00)
	pgnoNew := s.LastPage() + 1
	if err := s.Extend(pgnoNew); err != nil {
		t.Fatal(err)
	}
	dbt := max(leaf.DBTime(), parent.DBTime(), right.DBTime()) + 10
	levels := []SplitLevel{
		{Pgno: parentPg, DBTimeBefore: parent.DBTime()},
		{Pgno: leafPg, DBTimeBefore: leaf.DBTime(), PgnoNew: pgnoNew, PgnoRight: leaf.NextPage(), DBTimeRightBefore: right.DBTime(),
			PgnoParent: parentPg, DBTimeParentBefore: parent.DBTime(), Objid: leaf.ObjidFDP(),
			Type: eselog.SplitRight, Oper: eselog.SplitOperInsert, ILineOper: 6, ILineSplit: 10, CLines: len(keys) + 1,
			NewPageFlags: leaf.Flags() &^ ese.PageFlushTypeMask &^ ese.PageNewChecksumFormat, SplitPageFlags: leaf.Flags(),
			KeyParent: keys[9], PrefixSplitOld: prefix, PrefixSplitNew: prefix},
	}
	op := SplitOperation{Key: newKey, Data: []byte("new node"), Versioned: true}
	if _, err := RedoSplit(s, levels, op, dbt, false); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	snap := map[uint32][]byte{}
	for _, pg := range []uint32{leafPg, parentPg, levels[1].PgnoRight, pgnoNew} {
		p, _ := s.Get(pg)
		snap[pg] = append([]byte{}, p.Bytes()...)
	}
	lose := func() {
		p, _ := s.Get(pgnoNew)
		clear(p.Bytes())
		p.Invalidate()
	}

	lose()
	if _, err := RedoSplit(s, levels, op, dbt, true); !errors.Is(err, ese.ErrDatabaseBufferDependenciesCorrupted) {
		t.Errorf("without a pre-image: %v", err)
	}
	// The pre-image is logged after the page's dbtime moved to the
	// split's (ErrReplacePageImage resets it).
	img := dehydrate(t, pre)
	bin.PutU64(img, pgDBTime, dbt)
	if len(img) >= ps {
		t.Fatalf("dehydrated image is %d bytes", len(img))
	}
	withPre := append([]SplitLevel{}, levels...)
	// A pre-image compressed with Xpress10 (scheme 6: a 15-byte header,
	// then data only the engine's external Xpress10 library decodes) is
	// not decoded.
	withPre[1].HasPreImage, withPre[1].PreImage, withPre[1].PreImageFlags = true, append([]byte{6 << 3}, make([]byte, 20)...), eselog.PreimageXpress
	if _, err := RedoSplit(s, withPre, op, dbt, true); !errors.Is(err, ErrRedoNotImplemented) {
		t.Errorf("Xpress10 pre-image: %v", err)
	}
	// The same dehydrated image compressed by the engine's Xpress9 encoder
	// as ErrCompressXpress9_ calls it (testdata/xpress9/README.md) redoes
	// the split like the plain one below.
	x9, err := os.ReadFile(filepath.Join("testdata", "xpress9", "redo", "large-split-preimage.x9"))
	if err != nil {
		t.Fatal(err)
	}
	if len(x9) >= len(img) || x9[0] != 0x28 {
		t.Fatalf("Xpress9 pre-image: %d bytes, first byte %#x", len(x9), x9[0])
	}
	if d, err := xpress.DecodeXpress9(x9, ps); err != nil || !bytes.Equal(d, img) {
		t.Fatalf("Xpress9 pre-image does not decode to the dehydrated page (%v): regenerate it", err)
	}
	withPre[1].PreImage, withPre[1].PreImageFlags = x9, eselog.PreimageXpress|eselog.PreimageDehydrated
	if _, err := RedoSplit(s, withPre, op, dbt, true); err != nil {
		t.Fatalf("Xpress9 pre-image: %v", err)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Get(pgnoNew); !bytes.Equal(p.Bytes(), snap[pgnoNew]) {
		t.Error("the new page rebuilt from the Xpress9 pre-image differs from the first redo")
	}
	lose()
	// The same dehydrated image compressed with LZ4 (scheme 7) redoes the
	// split like the plain one below.
	withPre[1].PreImage, withPre[1].PreImageFlags = xpress.EncodeLZ4(img), eselog.PreimageXpress|eselog.PreimageDehydrated
	if _, err := RedoSplit(s, withPre, op, dbt, true); err != nil {
		t.Fatalf("LZ4 pre-image: %v", err)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Get(pgnoNew); !bytes.Equal(p.Bytes(), snap[pgnoNew]) {
		t.Error("the new page rebuilt from the LZ4 pre-image differs from the first redo")
	}
	lose()
	withPre[1].PreImage = img
	withPre[1].PreImageFlags = eselog.PreimageDehydrated
	res, err := RedoSplit(s, withPre, op, dbt, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 1 || res.Pages[0] != pgnoNew {
		t.Errorf("pages written %v, want only the new page %d", res.Pages, pgnoNew)
	}
	checkSameAsFirstRedo(t, s, snap)
}

// TestRehydratePreImage checks RehydratePreImage on a dehydrated real page
// and its errors.
func TestRehydratePreImage(t *testing.T) {
	pages, order := corpusPages(t, "wlm-kimberli13/WindowsMail.MSMessageStore", 8192)
	n := 0
	for _, pg := range order {
		b := pages[pg]
		p, _ := NewPage(b)
		if p.Check() != nil || p.TagCount() == 0 || p.contiguousFree() == 0 {
			continue
		}
		n++
		img := dehydrate(t, b)
		got, err := RehydratePreImage(img, eselog.PreimageDehydrated, 8192)
		if err != nil {
			t.Fatalf("page %d: %v", pg, err)
		}
		cut, tags := p.HeaderSize()+p.FirstFreeByte(), tagBytes*p.TagCount()
		if !bytes.Equal(got[:cut], b[:cut]) || !bytes.Equal(got[8192-tags:], b[8192-tags:]) || !bin.IsZero(got[cut:8192-tags]) {
			t.Errorf("page %d: rehydrated image differs", pg)
		}
	}
	if n != 28 {
		t.Errorf("%d pages checked, want 28", n)
	}
	full := pages[order[0]]
	if got, err := RehydratePreImage(full, 0, 8192); err != nil || !bytes.Equal(got, full) {
		t.Errorf("full-size image: %v", err)
	}
	for name, c := range map[string]struct {
		img   []byte
		flags uint32
	}{
		"longer than a page":    {make([]byte, 8193), eselog.PreimageDehydrated},
		"short, not dehydrated": {full[:4000], 0},
		"shorter than a header": {full[:30], eselog.PreimageDehydrated},
		"tags past the image":   {append(make([]byte, 34), 0xFF, 0x0F, 0, 0, 0, 0), eselog.PreimageDehydrated},
	} {
		if _, err := RehydratePreImage(c.img, c.flags, 8192); !errors.Is(err, ese.ErrLogCorrupted) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestMergeFromPreImage: a full-right merge of a real leaf page of
// large.edb (32 KiB) is redone once; then the right sibling is found at
// its state before the merge (its flush lost) while the merged page is
// already newer. Its lines come back only through the Merge2 record's
// pre-image: with it (dehydrated) the right sibling is rebuilt
// byte-identical to the first redo and the merged page is not written;
// without it the error is JET_errDatabaseBufferDependenciesCorrupted.
func TestMergeFromPreImage(t *testing.T) {
	const ps = 32768
	raw := testcorpus.Read(t, "dissect-esedb-testdbs/large.edb")
	s, err := NewPageStore(memfile.New(append([]byte{}, raw...)), ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	pair := findSiblingPair(s, func(l, r *Page) bool {
		return l.PrevPage() != 0 && l.Lines() >= 3 && (ps-l.HeaderSize())-l.FreeBytes()+64 < r.FreeBytes()
	})
	parentPg, parentLine, lPg, rPg := pair.Parent, pair.Line, pair.L, pair.R
	if lPg == 0 {
		t.Fatal("no mergeable sibling pair in large.edb")
	}
	parent, _ := s.Get(parentPg)
	l, _ := s.Get(lPg)
	r, _ := s.Get(rPg)
	left, _ := s.Get(l.PrevPage())
	preL, preR := append([]byte{}, l.Bytes()...), append([]byte{}, r.Bytes()...)
	dbt := max(parent.DBTime(), l.DBTime(), r.DBTime(), left.DBTime()) + 5
	levels := []MergeLevel{
		{Pgno: parentPg, DBTimeBefore: parent.DBTime(), ILine: parentLine, Flags: eselog.MergeDeleteNode},
		{Pgno: lPg, DBTimeBefore: l.DBTime(), PgnoRight: rPg, DBTimeRightBefore: r.DBTime(), PgnoLeft: l.PrevPage(),
			DBTimeLeftBefore: left.DBTime(), DBTimeParentBefore: parent.DBTime(), Flags: eselog.MergeEmptyPage,
			Type: eselog.MergeTypeFullRight},
	}
	if _, err := RedoMerge(s, levels, dbt, false); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	snap := map[uint32][]byte{}
	for _, pg := range []uint32{parentPg, lPg, rPg, levels[1].PgnoLeft} {
		p, _ := s.Get(pg)
		snap[pg] = append([]byte{}, p.Bytes()...)
	}
	lose := func() {
		p, _ := s.Get(rPg)
		copy(p.Bytes(), preR)
		p.Invalidate()
	}
	lose()
	if _, err := RedoMerge(s, levels, dbt, true); !errors.Is(err, ese.ErrDatabaseBufferDependenciesCorrupted) {
		t.Errorf("without a pre-image: %v", err)
	}
	img := dehydrate(t, preL)
	bin.PutU64(img, pgDBTime, dbt)
	withPre := append([]MergeLevel{}, levels...)
	withPre[1].HasPreImage, withPre[1].PreImage, withPre[1].PreImageFlags = true, img, eselog.PreimageDehydrated
	res, err := RedoMerge(s, withPre, dbt, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 1 || res.Pages[0] != rPg {
		t.Errorf("pages written %v, want only the right sibling %d", res.Pages, rPg)
	}
	checkSameAsFirstRedo(t, s, snap)
}

// TestRealPreImages rehydrates every page pre-image logged in the corpus
// (Split2 and Merge2 records of the SRUM, USS and Windows Live Mail logs).
// The engine logs a pre-image after the page's dbtime moved to the
// operation's (ErrReplacePageImage checks cpage.Dbtime() == dbtime), so
// each rehydrated image must carry the record's dbtime and its page must
// pass the structure check. The counts are the real ones: the modern logs'
// pre-images are all Xpress-compressed whole pages (first byte 0x18),
// the legacy log's whole uncompressed pages.
func TestRealPreImages(t *testing.T) {
	type count struct{ split, merge, dehydrated, whole, xpress int }
	want := map[string]count{
		"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU0004E.log": {4, 0, 0, 0, 4},
		"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU0004F.log": {5, 0, 0, 0, 5},
		"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU00050.log": {1, 0, 0, 0, 1},
		"appdata-uss-jtx/USS00040.jtx":                                    {4, 62, 0, 0, 66},
		"appdata-uss-jtx/USS00041.jtx":                                    {10, 125, 0, 0, 135},
		"wlm-kimberli13/edb.log":                                          {2, 0, 0, 2, 0},
	}
	for rel, w := range want {
		t.Run(rel, func(t *testing.T) {
			b := testcorpus.Read(t, rel)
			lg, err := eselog.Open(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			ps := lg.Header.PageSize()
			var got count
			for r, err := range lg.Records(context.Background(), eselog.Filter{Types: []eselog.RecordType{eselog.RecSplit2, eselog.RecMerge2}}) {
				if err != nil {
					t.Fatal(err)
				}
				var img []byte
				var flags uint32
				var dbtime uint64
				switch r := r.(type) {
				case *eselog.Split:
					img, flags, dbtime = r.PageBeforeImage, r.PreimageFlags, r.DBTime()
					if len(img) > 0 {
						got.split++
					}
				case *eselog.Merge:
					img, flags, dbtime = r.PageBeforeImage, r.PreimageFlags, r.DBTime()
					if len(img) > 0 {
						got.merge++
					}
				}
				if len(img) == 0 {
					continue
				}
				switch {
				case flags&eselog.PreimageXpress != 0:
					got.xpress++
				case len(img) == ps:
					got.whole++
				default:
					got.dehydrated++
				}
				page, err := RehydratePreImage(img, flags, ps)
				if err != nil {
					t.Errorf("%s %v at %v: %v", rel, r.Type(), r.Pos(), err)
					continue
				}
				p, _ := NewPage(page)
				if p.DBTime() != dbtime {
					t.Errorf("%s %v at %v: pre-image dbtime %#x, record %#x", rel, r.Type(), r.Pos(), p.DBTime(), dbtime)
				}
				if err := p.Check(); err != nil {
					t.Errorf("%s %v at %v: %v", rel, r.Type(), r.Pos(), err)
				}
			}
			if got != w {
				t.Errorf("%s: %+v pre-images, want %+v", rel, got, w)
			}
		})
	}
}

// checkSameAsFirstRedo flushes s and fails the test for every page of
// snap (pgno: bytes after the first redo) that differs.
func checkSameAsFirstRedo(t *testing.T, s *PageStore, snap map[uint32][]byte) {
	t.Helper()
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	for pg, want := range snap {
		p, _ := s.Get(pg)
		if !bytes.Equal(p.Bytes(), want) {
			t.Errorf("page %d differs from the first redo", pg)
		}
	}
}
