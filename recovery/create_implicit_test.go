package recovery

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/dsnet/golib/memfile"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
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

// TestRecoverFolderCreatesLegacyWLM: recovery with CreateMissing of each
// Windows Live Mail set's logs alone (no database file) creates
// WindowsMail.MSMessageStore from its legacy CreateDB: the implicit
// create builds the catalog pages, the logs replay over them, and the
// result is clean. Every used page equals the real database's page by
// page (the same pages, dbtimes, flags, tags and node bytes; checksums
// valid) and the header holds what the logs determine.
//
// The backup set's only log is generation 1 under its archive name; a
// soft recovery needs the current log, edb.log (without it the engine
// stops with -528), so it is given that name. The backup copy itself is
// dirty (its header was written by the create: dbtime 0xcc, objid 5, the
// values the implicit create ends at); the replay goes on to the end of
// the log, to dbtime 0x110 (page 24) and objid 9 (the log's tables 6-9),
// consistent at the log's end. The second set's database is clean at the
// end of generation 2 and its header agrees with the created one field
// by field (attach and consistent positions, dbtime 0x1af, objid 12).
//
// One header field differs from both real files: the format. A Windows 7
// engine stamped its own 0x620,17 when it created the database; the
// engine redoing the CreateDB writes the fixed header of its create code
// (InitDBDbfilehdr: 0x620,0x14), and a 7.3704 log has no SetDbVersion
// record to change it, so the created file says 0x620,20.
func TestRecoverFolderCreatesLegacyWLM(t *testing.T) {
	const ps = 8192
	for _, tc := range []struct {
		set        string
		logs       map[string]string // corpus name: name in the folder
		real       string
		attach     ese.LogPos
		consistent ese.LogPos
		dbtime     uint64
		objid      uint32
		logsDone   int
		used       []uint32
	}{
		{"wlm-danyquenneville-backup", map[string]string{"edb00001.log": "edb.log"}, "WindowsMail.MSMessageStore",
			ese.LogPos{Generation: 1, Sector: 1, Offset: 0x256}, ese.LogPos{Generation: 1, Sector: 3, Offset: 0x1f}, 0x110, 9, 1,
			[]uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 24, 25, 26, 33, 34, 35, 36}},
		{"wlm-kimberli13", map[string]string{"edb00001.log": "edb00001.log", "edb.log": "edb.log"}, "WindowsMail.MSMessageStore",
			ese.LogPos{Generation: 2, Sector: 0x4a, Offset: 0x1a6}, ese.LogPos{Generation: 2, Sector: 0x4b, Offset: 0xb5}, 0x1af, 12, 2,
			[]uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 24, 25, 26, 27, 28, 33, 34, 35, 36, 37, 38, 39, 42, 43}},
	} {
		t.Run(tc.set, func(t *testing.T) {
			in := t.TempDir()
			for from, to := range tc.logs {
				if err := os.WriteFile(filepath.Join(in, to), testcorpus.Read(t, tc.set+"/"+from), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			out := t.TempDir()
			res, err := RecoverFolder(context.Background(), FolderInput{Logs: in}, &RecoverOptions{OutDir: out, CreateMissing: true})
			if err != nil {
				t.Fatalf("%v (result error %v)", err, res.Error)
			}
			if res.Error != 0 || len(res.Databases) != 1 {
				t.Fatalf("result error %v, %d databases; want none and 1", res.Error, len(res.Databases))
			}
			d := res.Databases[0]
			p := filepath.Join(out, tc.real)
			if d.Action != ActionCreate || d.StateBefore != StateMissing || d.StateAfter != "CleanShutdown" || d.Output != p ||
				d.LogsReplayed != tc.logsDone || d.Error != 0 {
				t.Errorf("result: action %q before %q after %q logs %d error %v", d.Action, d.StateBefore, d.StateAfter, d.LogsReplayed, d.Error)
			}
			h := readHeader(t, p)
			realPath := testcorpus.Path(t, tc.set+"/"+tc.real)
			real := readHeader(t, realPath)
			var create *eselog.CreateDB
			var logSig ese.Signature
			for _, name := range []string{"edb00001.log"} {
				b := testcorpus.Read(t, tc.set+"/"+name)
				lg, err := eselog.Open(bytes.NewReader(b), int64(len(b)))
				if err != nil {
					t.Fatal(err)
				}
				logSig = lg.Header.LogSignature
				for r, err := range lg.Records(context.Background(), eselog.Filter{Types: []eselog.RecordType{eselog.RecCreateDB}}) {
					if err != nil {
						t.Fatal(err)
					}
					create = r.(*eselog.CreateDB)
				}
			}
			if create == nil {
				t.Fatal("no CreateDB in the first log")
			}
			type f struct {
				name      string
				got, want any
			}
			for _, c := range []f{
				{"state", h.State, ese.DBStateCleanShutdown},
				{"signature", h.DbSignature, create.SignDb},
				{"signature of the real file", real.DbSignature, create.SignDb},
				{"log signature", h.LogSignature, logSig},
				{"log signature of the real file", real.LogSignature, logSig},
				{"attach", h.AttachPos, tc.attach},
				{"consistent", h.ConsistentPos, tc.consistent},
				{"detach", h.DetachPos, tc.consistent},
				{"dbtime", h.DbTimeDirtied, tc.dbtime},
				{"objid", h.LastObjectID, tc.objid},
				{"dbid", h.DbID, real.DbID},
				{"page size", h.PageSize, real.PageSize},
				{"format", [3]uint32{h.FormatVersion, h.FormatUpdateMajor, h.FormatUpdateMinor}, [3]uint32{0x620, 20, 0}},
				{"real format", [3]uint32{real.FormatVersion, real.FormatUpdateMajor, real.FormatUpdateMinor}, [3]uint32{0x620, 17, 0}},
				{"gens", [2]int32{h.GenMinRequired, h.GenMaxRequired}, [2]int32{0, 0}},
			} {
				if c.got != c.want {
					t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
				}
			}
			if real.State == ese.DBStateCleanShutdown {
				// The clean database agrees with the created one.
				for _, c := range []f{
					{"real attach", real.AttachPos, tc.attach}, {"real consistent", real.ConsistentPos, tc.consistent},
					{"real dbtime", real.DbTimeDirtied, tc.dbtime}, {"real objid", real.LastObjectID, tc.objid},
				} {
					if c.got != c.want {
						t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
					}
				}
			} else if real.DbTimeDirtied != 0xcc || real.LastObjectID != 5 {
				t.Errorf("backup copy header: dbtime %#x objid %d, want the create's 0xcc and 5", real.DbTimeDirtied, real.LastObjectID)
			}
			scanOK(t, p)
			structureOK(t, p)
			got, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != (cpgLegacyDatabase+2)*ps {
				t.Errorf("created file of %d bytes, want the %d pages of the legacy create", len(got), cpgLegacyDatabase+2)
			}
			c := comparePages(t, got, testcorpus.Read(t, tc.set+"/"+tc.real), ps, cpgLegacyDatabase)
			checkComparison(t, c, pageComparison{equal: tc.used})
			checkLaidOutAlike(t, got, testcorpus.Read(t, tc.set+"/"+tc.real), ps, tc.used)
		})
	}
}

// checkLaidOutAlike fails the test for each page of pgnos that is not
// laid out exactly as the real page (pageDiff's identical: the same
// first free byte, data area bytes and tag offsets, not only the same
// nodes). The catalog pages of the implicit create, and the logged
// changes over them, come out byte for byte like the engine's, checksums
// aside.
func checkLaidOutAlike(t *testing.T, got, real []byte, ps int, pgnos []uint32) {
	t.Helper()
	for _, pg := range pgnos {
		off := int(pg+1) * ps
		if off+ps > len(got) || off+ps > len(real) {
			t.Errorf("page %d: missing", pg)
			continue
		}
		if d, identical := pageDiff(bytes.Clone(got[off:off+ps]), bytes.Clone(real[off:off+ps])); d != "" || !identical {
			t.Errorf("page %d: not laid out as the real page (%s)", pg, d)
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
		return p.DbTime(), p.Flags() &^ (ese.PageFlushTypeMask | ese.PageNewChecksumFormat), out
	}
	for _, ps := range []int{4096, 16384, 32768} {
		b, res := buildImplicit(t, ps)
		if res.DbTime != refRes.DbTime || res.ObjidLast != refRes.ObjidLast || !slices.Equal(res.Pages, refRes.Pages) {
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
	if offRes.DbTime != 0x94 || offRes.CatalogRecords != 56 || !slices.Equal(offRes.Pages, onRes.Pages) {
		t.Errorf("shadowing off: %+v", offRes)
	}
	pg := func(b []byte, pgno uint32) *Page {
		p, err := NewPage(bytes.Clone(b[int(pgno+1)*ps : int(pgno+2)*ps]))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if p := pg(off, 24); p.Lines() != 0 || p.DbTime() != 0x14 {
		t.Errorf("shadow root: %d lines, dbtime %#x; want 0 and 0x14", p.Lines(), p.DbTime())
	}
	if p := pg(on, 24); p.Lines() != 56 || p.DbTime() != 0xcc {
		t.Errorf("shadow root with shadowing on: %d lines, dbtime %#x; want 56 and 0xcc", p.Lines(), p.DbTime())
	}
	if p, q := pg(off, 4), pg(on, 4); p.Lines() != 56 || q.Lines() != 56 {
		t.Errorf("catalog root: %d and %d lines, want 56", p.Lines(), q.Lines())
	}
}
