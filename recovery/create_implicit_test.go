package recovery

import (
	"slices"
	"testing"

	"github.com/dsnet/golib/memfile"

	"github.com/esekit/esekit/internal/testcorpus"
)

// buildImplicit runs BuildImplicitCreate into an empty file of 8 KiB
// pages and returns the file's bytes.
func buildImplicit(t *testing.T, ps int) ([]byte, ImplicitCreate) {
	t.Helper()
	f := memfile.New(make([]byte, 2*ps))
	s, err := NewPageStore(f, ps, &PageStoreOptions{CacheBytes: 8 * int64(ps)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := BuildImplicitCreate(s)
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
	if len(b) != (cpgLegacyDatabase+2)*ps {
		t.Errorf("file of %d bytes, want %d", len(b), (cpgLegacyDatabase+2)*ps)
	}
	wantPages := []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 24, 25, 26}
	if !slices.Equal(res.Pages, wantPages) {
		t.Errorf("pages %v, want %v", res.Pages, wantPages)
	}
	if res.DbTime != 0xcc || res.ObjidLast != 5 || res.CatalogRecords != 56 {
		t.Errorf("dbtime %#x, objid %d, %d catalog records; want 0xcc, 5, 56", res.DbTime, res.ObjidLast, res.CatalogRecords)
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
			d, identical := pageDiff(append([]byte{}, got[off:off+ps]...), append([]byte{}, real[off:off+ps]...))
			if d != "" {
				t.Errorf("%s page %d: %s", set, pg, d)
			} else if !identical {
				t.Errorf("%s page %d: logically equal, laid out differently", set, pg)
			}
		}
	}
}
