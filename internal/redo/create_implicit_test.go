package redo

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/dsnet/golib/memfile"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testcorpus"
)

// buildImplicit runs BuildImplicitCreate into an empty file of 8 KiB
// pages and returns the file's bytes.
func buildImplicit(t *testing.T, ps int) ([]byte, ImplicitCreate) {
	t.Helper()
	return buildImplicitWith(t, ps, nil)
}

// buildImplicitWith is buildImplicit with options.
func buildImplicitWith(t *testing.T, ps int, opt *ImplicitCreateOptions) ([]byte, ImplicitCreate) {
	t.Helper()
	f := memfile.New(make([]byte, 2*ps))
	s, err := NewPageStore(f, ps, &PageStoreOptions{CacheBytes: 8 * int64(ps)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := BuildImplicitCreate(s, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	return f.Bytes(), res
}

// TestImplicitCreateLayout checks what the implicit create builds: the
// pages, dbtimes and object ids of the legacy create.
func TestImplicitCreateLayout(t *testing.T) {
	const ps = 8192
	b, res := buildImplicit(t, ps)
	if len(b) != (CpgLegacyDatabase+2)*ps {
		t.Errorf("file of %d bytes, want %d", len(b), (CpgLegacyDatabase+2)*ps)
	}
	wantPages := []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 24, 25, 26}
	if !slices.Equal(res.Pages, wantPages) {
		t.Errorf("pages %v, want %v", res.Pages, wantPages)
	}
	if res.DBTime != 0xcc || res.ObjidLast != 5 || res.CatalogRecords != 56 {
		t.Errorf("dbtime %#x, objid %d, %d catalog records; want 0xcc, 5, 56", res.DBTime, res.ObjidLast, res.CatalogRecords)
	}
	if res.Catalog != 4 || res.CatalogShadow != 24 || res.NameIndex != 7 || res.RootObjectsIndex != 10 {
		t.Errorf("catalog roots %d %d %d %d, want 4 24 7 10", res.Catalog, res.CatalogShadow, res.NameIndex, res.RootObjectsIndex)
	}
}

// wlmSets are the corpus sets whose log starts at the legacy CreateDB
// of their database.
var wlmSets = []string{"wlm-danyquenneville-backup", "wlm-kimberli13"}

// TestImplicitCreateMatchesUntouchedPages: the pages of the two Windows
// Live Mail databases that no log record changes after the CreateDB are
// exactly what the create left; the implicit create must give them
// logically (and, for these, physically) equal, with the same dbtimes.
func TestImplicitCreateMatchesUntouchedPages(t *testing.T) {
	const ps = 8192
	got, _ := buildImplicit(t, ps)
	untouched := map[string][]uint32{
		"wlm-danyquenneville-backup": {1, 2, 5, 6, 8, 9, 11, 12, 25, 26},
		"wlm-kimberli13":             {1, 2, 5, 8, 9, 11, 12, 25},
	}
	for _, set := range wlmSets {
		real := testcorpus.Read(t, set+"/WindowsMail.MSMessageStore")
		for _, pg := range untouched[set] {
			off := int(pg+1) * ps
			d, identical := PageDiff(append([]byte{}, got[off:off+ps]...), append([]byte{}, real[off:off+ps]...))
			if d != "" {
				t.Errorf("%s page %d: %s", set, pg, d)
			} else if !identical {
				t.Errorf("%s page %d: logically equal, laid out differently", set, pg)
			}
		}
	}
}

// TestImplicitCreatePageSizes: the legacy create code is the same for
// every page size; built with 4, 16 and 32 KiB pages, every page is well
// formed, the dbtimes and object ids are those of the 8 KiB build, and
// every page holds the same lines (keys and data) as its 8 KiB
// counterpart. 2 KiB pages, where the catalog would need page splits,
// are refused.
func TestImplicitCreatePageSizes(t *testing.T) {
	ref, refRes := buildImplicit(t, 8192)
	lines := func(b []byte, ps int, pg uint32) (uint64, ese.PageFlags, [][2][]byte) {
		t.Helper()
		off := int(pg+1) * ps
		p, err := NewPage(bytes.Clone(b[off : off+ps]))
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Check(); err != nil {
			t.Fatalf("%d-byte page %d: %v", ps, pg, err)
		}
		var out [][2][]byte
		for i := 0; i < p.Lines(); i++ {
			k, err := p.Key(i)
			if err != nil {
				t.Fatal(err)
			}
			n, err := p.Node(i)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, [2][]byte{k, bytes.Clone(n.Data)})
		}
		h, _ := p.ExternalHeader()
		out = append(out, [2][]byte{bytes.Clone(h), nil})
		return p.DBTime(), p.Flags() &^ (ese.PageFlushTypeMask | ese.PageNewChecksumFormat), out
	}
	for _, ps := range []int{4096, 16384, 32768} {
		b, res := buildImplicit(t, ps)
		if res.DBTime != refRes.DBTime || res.ObjidLast != refRes.ObjidLast || !slices.Equal(res.Pages, refRes.Pages) {
			t.Errorf("%d-byte pages: %+v, want %+v", ps, res, refRes)
		}
		for _, pg := range res.Pages {
			gt, gf, gl := lines(b, ps, pg)
			wt, wf, wl := lines(ref, 8192, pg)
			if gt != wt || gf != wf || !slices.EqualFunc(gl, wl, func(a, b [2][]byte) bool {
				return bytes.Equal(a[0], b[0]) && bytes.Equal(a[1], b[1])
			}) {
				t.Errorf("%d-byte page %d: dbtime %#x flags %#x, %d lines; 8 KiB: %#x %#x %d", ps, pg, gt, gf, len(gl), wt, wf, len(wl))
			}
			if ps > smallPageLimit && bin.U32(b, int(pg+1)*ps+pgLargePgno) != pg {
				t.Errorf("%d-byte page %d: page number field %d", ps, pg, bin.U32(b, int(pg+1)*ps+pgLargePgno))
			}
		}
	}
	s, err := NewPageStore(memfile.New(make([]byte, 2*2048)), 2048, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := BuildImplicitCreate(s, nil); !errors.Is(err, ErrRedoNotImplemented) {
		t.Errorf("2 KiB pages: %v, want ErrRedoNotImplemented", err)
	}
}

// TestEncodeCatalogRecordRefuses: columns outside the legacy catalog,
// fixed values of the wrong size, over-long variable values, tagged
// columns and records without a fixed column are errors.
func TestEncodeCatalogRecordRefuses(t *testing.T) {
	for name, vals := range map[string]map[uint16][]byte{
		"unknown column":  {msoObjidTable: le32(2), 12: le32(0)},
		"short fixed":     {msoObjidTable: {2}},
		"long variable":   {msoObjidTable: le32(2), msoName: make([]byte, 256)},
		"tagged":          {msoObjidTable: le32(2), 256: {1}},
		"no fixed column": {msoName: []byte("x")},
	} {
		if _, err := encodeCatalogRecord(vals); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// The record of the catalog's own table record: 8 fixed columns all
	// set (bitmap 0), one variable column (Name).
	rec, err := catalogTable(2, catalogName, 4, cpgCatalogInitial).entry()
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{8, 0x80, 0x20, 0, 2, 0, 0, 0, 1, 0, 2, 0, 0, 0, 4, 0, 0, 0, 80, 0, 0, 0, 0, 0, 0, 0xc0, 20, 0, 0, 0, 0xff, 0, 11, 0}
	want = append(want, catalogName...)
	if !bytes.Equal(rec.record, want) {
		t.Errorf("MSysObjects record % x, want % x", rec.record, want)
	}
	if want := []byte{0x7f, 0x80, 0, 0, 2, 0x7f, 0x80, 1, 0x7f, 0x80, 0, 0, 2}; !bytes.Equal(rec.primary, want) {
		t.Errorf("primary key % x, want % x", rec.primary, want)
	}
	if want := append(append([]byte{0x7f, 0xff, 0x7f}, "MSYSOBJECTS"...), 0); !bytes.Equal(rec.root, want) {
		t.Errorf("RootObjects key % x, want % x", rec.root, want)
	}
}

// TestImplicitCreateShadowingOff: with JET_bitDbShadowingOff in the
// CreateDB, the catalog records are not copied into MSysObjectsShadow, so
// the create ends 56 dbtimes earlier (0x94), the shadow's root keeps only
// its space header at the dbtime of its creation (0x14), and every other
// page is as with shadowing on (the shadow's own catalog records are
// still written to MSysObjects).
func TestImplicitCreateShadowingOff(t *testing.T) {
	const ps = 8192
	on, onRes := buildImplicit(t, ps)
	off, offRes := buildImplicitWith(t, ps, &ImplicitCreateOptions{ShadowingOff: true})
	if offRes.DBTime != 0x94 || offRes.CatalogRecords != 56 || !slices.Equal(offRes.Pages, onRes.Pages) {
		t.Errorf("shadowing off: %+v", offRes)
	}
	pg := func(b []byte, pgno uint32) *Page {
		p, err := NewPage(bytes.Clone(b[int(pgno+1)*ps : int(pgno+2)*ps]))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if p := pg(off, 24); p.Lines() != 0 || p.DBTime() != 0x14 {
		t.Errorf("shadow root: %d lines, dbtime %#x; want 0 and 0x14", p.Lines(), p.DBTime())
	}
	if p := pg(on, 24); p.Lines() != 56 || p.DBTime() != 0xcc {
		t.Errorf("shadow root with shadowing on: %d lines, dbtime %#x; want 56 and 0xcc", p.Lines(), p.DBTime())
	}
	if p, q := pg(off, 4), pg(on, 4); p.Lines() != 56 || q.Lines() != 56 {
		t.Errorf("catalog root: %d and %d lines, want 56", p.Lines(), q.Lines())
	}
}
