package recovery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/redo"
	"github.com/esekit/esekit/internal/testcorpus"
)

// logOnly copies one corpus log into a fresh folder as name: no database,
// no checkpoint (appdata/edb.chk says the set is clean, and with it the
// engine would replay nothing), so replay starts at the log's beginning.
func logOnly(t *testing.T, rel, name string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), testcorpus.Read(t, rel), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestRecoverFolderCreatesIndexedDB is issue 6's rebuild test through
// RecoverFolder: appdata/edb.log alone, with CreateMissing, creates
// IndexedDB.edb in the output folder from its CreateDB at (1,1,0x268).
// Every used page equals the real file's page by page, and the header
// holds what the logs determine: the signatures, lgposAttach (1,1,0x268),
// lgposConsistent = lgposDetach = lgposLastResize (1,0x20,0x276) (the
// DetachDB), dbtime 909, objid 27, format 0x620,110.240, CleanShutdown.
func TestRecoverFolderCreatesIndexedDB(t *testing.T) {
	in := logOnly(t, "appdata/edb.log", "edb.log")
	out := t.TempDir()
	res, err := RecoverFolder(context.Background(), FolderInput{Logs: in}, &RecoverOptions{OutDir: out, CreateMissing: true})
	if err != nil {
		t.Fatalf("%v\n%+v", err, res)
	}
	if len(res.Databases) != 1 {
		t.Fatalf("%d databases in the result, want 1 (created)", len(res.Databases))
	}
	d := res.Databases[0]
	p := filepath.Join(out, "IndexedDB.edb")
	if d.Action != ActionCreate || d.StateBefore != StateMissing || d.StateAfter != "CleanShutdown" || d.Output != p ||
		d.LogsReplayed != 1 || d.Consistent != "(0x1,20,276)" || d.Error != 0 {
		t.Errorf("result: action %q before %q after %q output %q logs %d consistent %q error %v", d.Action, d.StateBefore, d.StateAfter, d.Output, d.LogsReplayed, d.Consistent, d.Error)
	}
	if d.RecordsRedone < 788 {
		t.Errorf("%d records redone, want at least the 788 page records", d.RecordsRedone)
	}
	ents, _ := os.ReadDir(out)
	if len(ents) != 1 {
		t.Errorf("%d files in the output folder, want only IndexedDB.edb", len(ents))
	}
	h := readHeader(t, p)
	real := readHeader(t, testcorpus.Path(t, "appdata/IndexedDB.edb"))
	type f struct {
		name      string
		got, want any
	}
	for _, c := range []f{
		{"state", h.State, ese.DBStateCleanShutdown},
		{"signature", h.DbSignature, real.DbSignature},
		{"log signature", h.LogSignature, real.LogSignature},
		{"attach", h.AttachPos, real.AttachPos},
		{"consistent", h.ConsistentPos, real.ConsistentPos},
		{"detach", h.DetachPos, real.DetachPos},
		{"last resize", h.LastResizePos, real.LastResizePos},
		{"dbtime", h.DBTimeDirtied, uint64(909)},
		{"objid", h.LastObjectID, uint32(27)},
		{"dbid", h.DBID, real.DBID},
		// The engine stamps the create with its clock, milliseconds
		// included; the log's creation time gives the same second.
		{"attach time", h.AttachTime.Time().Unix(), real.AttachTime.Time().Unix()},
		// One per ExtendDB redone (3 in edb.log), as the engine counts.
		{"extend count", h.ExtendCount, uint32(3)},
		{"page size", h.PageSize, real.PageSize},
		{"format", [3]uint32{h.FormatVersion, h.FormatUpdateMajor, h.FormatUpdateMinor}, [3]uint32{0x620, 110, 240}},
		{"create format", [2]uint32{h.CreateFormatVersion, h.CreateFormatUpdate}, [2]uint32{real.CreateFormatVersion, real.CreateFormatUpdate}},
		{"flags", h.DbFlags, real.DbFlags},
		{"gens", [2]ese.Generation{h.GenMinRequired, h.GenMaxRequired}, [2]ese.Generation{0, 0}},
	} {
		if c.got != c.want {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
	if real.ConsistentPos != (ese.LogPos{Generation: 1, Sector: 0x20, Offset: 0x276}) || real.AttachPos != (ese.LogPos{Generation: 1, Sector: 1, Offset: 0x268}) {
		t.Errorf("real header: consistent %v attach %v", real.ConsistentPos, real.AttachPos)
	}
	scanOK(t, p)
	structureOK(t, p)
	got, _ := os.ReadFile(p)
	want := testcorpus.Read(t, "appdata/IndexedDB.edb")
	const ps = 32768
	if len(got) != 80*ps {
		t.Errorf("created file is %d bytes, want 80 pages (the last ExtendDB names page 78)", len(got))
	}
	equal, exact := 0, 0
	for off := 2 * ps; off+ps <= len(want); off += ps {
		pgno := uint32(off/ps - 1)
		w := want[off : off+ps]
		g := make([]byte, ps)
		if off+ps <= len(got) {
			g = got[off : off+ps]
		}
		if bin.IsZero(w) {
			if !bin.IsZero(g) {
				t.Errorf("page %d: real page empty, created one not", pgno)
			}
			continue
		}
		if diff, _ := redo.PageDiff(g, w); diff != "" {
			t.Errorf("page %d: %s", pgno, diff)
			continue
		}
		equal++
		if redo.SameWholePage(g, w) {
			exact++
		}
	}
	if equal != 47 || exact != 47 {
		t.Errorf("%d pages logically equal, %d identical but for checksums and flush type; want 47 each", equal, exact)
	}
}

// TestRecoverFolderNoCreateWithoutOptIn: the same folder without
// CreateMissing writes nothing, and an event says why.
func TestRecoverFolderNoCreateWithoutOptIn(t *testing.T) {
	in := logOnly(t, "appdata/edb.log", "edb.log")
	out := t.TempDir()
	res, err := RecoverFolder(context.Background(), FolderInput{Logs: in}, &RecoverOptions{OutDir: out})
	if err != nil {
		t.Fatalf("%v", err)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Errorf("%d files written without CreateMissing", len(ents))
	}
	if len(res.Databases) != 0 {
		t.Errorf("%d databases in the result", len(res.Databases))
	}
	found := false
	for _, e := range res.Events {
		if e.Kind == EventSkipped && strings.Contains(e.Message, "CreateMissing is off") && strings.Contains(e.Message, "(0x1,1,268)") {
			found = true
		}
	}
	if !found {
		t.Errorf("no event says the CreateDB at (0x1,1,268) was not created: %+v", res.Events)
	}
}

// TestRecoverCreatesSecondDatabaseOfForeignLog creates, from
// appdata/edb0000D.log alone, the database whose whole life it holds
// (CreateDB at (0xD,18,36), DetachDB at (0xD,2F,0)); its file is not in
// the corpus. The log attaches it again at (0xD,71,36) (dbid 2, same
// signature) and ends that session with a RecoveryQuit2 at (0xD,73,0), so
// the engine leaves it clean at the shutdown mark before, (0xD,72,31),
// with lgposAttach (0xD,71,36). Every checksum is valid, and it holds the
// 20 pages the page-level rebuild test builds. The log then attaches
// another database (at (0xD,7A,268)) and ends with it attached: it is not
// given, so the recovery ignores missing databases (without that the
// engine stops with -1216: TestRecoverIgnoreMissingDB).
func TestRecoverCreatesSecondDatabaseOfForeignLog(t *testing.T) {
	in := logOnly(t, "appdata/edb0000D.log", "edb0000D.log")
	b := testcorpus.Read(t, "appdata/edb0000D.log")
	lg, err := eselog.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	plan := &Plan{Mode: ModeSoft, Start: ese.LogPos{Generation: 0xD, Sector: uint16(lg.Header.DataSectors())},
		Logs: []PlanLog{{File: "edb0000D.log", Generation: 0xD}}, Databases: []PlanDatabase{}}
	out := t.TempDir()
	res, err := Recover(context.Background(), withLogs(plan, os.DirFS(in)), &RecoverOptions{OutDir: out, CreateMissing: true, Switches: Switches{IgnoreMissingDB: true}})
	if err != nil {
		t.Fatalf("%v\n%+v", err, res)
	}
	if len(res.Databases) != 1 {
		t.Fatalf("%d databases, want 1", len(res.Databases))
	}
	d := res.Databases[0]
	p := filepath.Join(out, "CacheStorage.edb")
	if d.Output != p || d.StateAfter != "CleanShutdown" || d.Consistent != "(0xD,72,31)" || d.Error != 0 {
		t.Fatalf("result: output %q after %q consistent %q error %v %s", d.Output, d.StateAfter, d.Consistent, d.Error, d.Message)
	}
	h := readHeader(t, p)
	wantSig := ese.Signature{}
	for r, err := range lg.Records(context.Background(), eselog.Filter{Types: []eselog.RecordType{eselog.RecCreateDB}}) {
		if err != nil {
			t.Fatal(err)
		}
		wantSig = r.(*eselog.CreateDB).SignDb
	}
	if !h.DbSignature.Equal(wantSig) || !h.LogSignature.Equal(lg.Header.LogSignature) || h.DBID != 2 ||
		h.AttachPos != (ese.LogPos{Generation: 0xD, Sector: 0x71, Offset: 0x36}) || h.DetachPos != (ese.LogPos{Generation: 0xD, Sector: 0x72, Offset: 0x31}) ||
		h.State != ese.DBStateCleanShutdown {
		t.Errorf("header: dbid %d attach %v detach %v", h.DBID, h.AttachPos, h.DetachPos)
	}
	sr := scanOK(t, p)
	used := structureOK(t, p)
	st, _ := os.Stat(p)
	t.Logf("created %d bytes, %d used pages, dbtime %d, objid %d, %d pages scanned", st.Size(), used, h.DBTimeDirtied, h.LastObjectID, sr.Pages)
	if used != 20 || sr.Good != 20 || st.Size() != 48*32768 || h.DBTimeDirtied != 425 || h.LastObjectID != 10 {
		t.Errorf("%d used pages, %d good, %d bytes, dbtime %d, objid %d; want 20, 20, 48 pages, 425, 10", used, sr.Good, st.Size(), h.DBTimeDirtied, h.LastObjectID)
	}
	// No page may be newer than the header says the database is.
	all, _ := os.ReadFile(p)
	var maxPage uint64
	for off := 2 * 32768; off+32768 <= len(all); off += 32768 {
		if pg, err := redo.NewPage(all[off : off+32768]); err == nil && !bin.IsZero(all[off:off+32768]) {
			maxPage = max(maxPage, pg.DBTime())
		}
	}
	if maxPage == 0 || maxPage > h.DBTimeDirtied {
		t.Errorf("highest page dbtime %d, header %d", maxPage, h.DBTimeDirtied)
	}
}

// utf16Path encodes a path as a Unicode CreateDB logs it (NUL included).
func utf16Path(p string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(p + "\x00")) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

// TestCreateRefusesHostileLoggedPath: a CreateDB whose logged path climbs
// out, names a share or a device, or carries a NUL creates nothing, in or
// outside the output folder, and says so; a plain absolute path creates
// its file name inside the output folder, never at the logged place.
func TestCreateRefusesHostileLoggedPath(t *testing.T) {
	lh := &eselog.FileHeader{VersionMajor: 8, VersionMinor: 4000, VersionUpdateMajor: 60, DbPageSize: 32768}
	for _, tc := range []struct {
		path, want string
	}{
		{`..\..\evil.edb`, ""},
		{`\\server\share\x.edb`, ""},
		{`C:\..\x`, ""},
		{`C:\data\CON.edb`, ""},
		{`C:\data\a` + "\x00" + `b.edb`, "a"}, // the logged string ends at its NUL
		{`\\.\PhysicalDrive0`, ""},
		{`C:\Windows\System32\x.edb`, "x.edb"},
	} {
		parent := t.TempDir()
		out := filepath.Join(parent, "out")
		if err := os.Mkdir(out, 0o755); err != nil {
			t.Fatal(err)
		}
		rp := &replayer{ctx: context.Background(), plan: &Plan{}, opts: &RecoverOptions{OutDir: out, CreateMissing: true},
			em: &emitter{opts: &Options{}}, curHeader: lh}
		r := &eselog.CreateDB{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecCreateDB, At: ese.LogPos{Generation: 1, Sector: 1}},
			Dbid: 1, Flags: eselog.DBUnicodeNames | eselog.CreateDBVersionInfo, Version: 2, PathBytes: utf16Path(tc.path)}
		err := rp.createRecord(r)
		rp.closeAll()
		if err != nil {
			t.Errorf("%q: %v (a refused path skips the database)", tc.path, err)
		}
		var files []string
		filepath.WalkDir(parent, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				files = append(files, strings.TrimPrefix(p, parent))
			}
			return nil
		})
		if tc.want == "" {
			if len(files) != 0 || len(rp.created) != 1 || rp.created[0].Error != ese.ErrInvalidPath || len(rp.dbs) != 0 || rp.byDBID[1] != nil {
				t.Errorf("%q: files %q, results %d, dbs %d", tc.path, files, len(rp.created), len(rp.dbs))
			}
			continue
		}
		wantTmp := string(filepath.Separator) + filepath.Join("out", "."+tc.want+".esekit-recovering")
		if len(files) != 1 || files[0] != wantTmp || len(rp.dbs) != 1 || rp.dbs[0].out != filepath.Join(out, tc.want) {
			t.Errorf("%q: files %q, want only %s", tc.path, files, wantTmp)
		}
	}
}

// TestCreateRefusesOldLog: a CreateDB that is neither the fully logged
// create (2.0, update 0 or older) nor the implicit one (1.0) of a log the
// engine accepts it from stops recovery with -1225 and creates nothing:
// no version block (0.0), 0.0, 3.0, 2.1, 1.1 from an 8.4000.2 log, and
// 1.0 from a 7.3704 log before update 15. appdata's two CreateDB records
// carry 2.0.
func TestCreateRefusesOldLog(t *testing.T) {
	for _, tc := range []struct {
		flags            uint8
		version, update  uint16
		major, minor, up uint32
	}{
		{0, 0, 0, 8, 4000, 2}, {eselog.CreateDBVersionInfo, 0, 0, 8, 4000, 2}, {eselog.CreateDBVersionInfo, 3, 0, 8, 4000, 2},
		{eselog.CreateDBVersionInfo, 2, 1, 8, 4000, 2}, {eselog.CreateDBVersionInfo, 1, 1, 8, 4000, 2},
		{eselog.CreateDBVersionInfo, 1, 0, 7, 3704, 14},
	} {
		out := t.TempDir()
		rp := &replayer{ctx: context.Background(), plan: &Plan{}, opts: &RecoverOptions{OutDir: out, CreateMissing: true},
			em:        &emitter{opts: &Options{}},
			curHeader: &eselog.FileHeader{VersionMajor: tc.major, VersionMinor: tc.minor, VersionUpdateMajor: tc.up, DbPageSize: 8192}}
		r := &eselog.CreateDB{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecCreateDB, At: ese.LogPos{Generation: 1, Sector: 1}},
			Dbid: 1, Flags: tc.flags, Version: tc.version, UpdateMajor: tc.update, PathBytes: []byte("C:\\x.edb\x00")}
		err := rp.createRecord(r)
		logv := fmt.Sprintf("%d.%d.%d", tc.major, tc.minor, tc.up)
		if !errors.Is(err, ese.ErrInvalidCreateDbVersion) || !strings.Contains(err.Error(), logv) {
			t.Errorf("version %d.%d in a %s log: error %v, want -1225 naming the log version", tc.version, tc.update, logv, err)
		}
		if ents, _ := os.ReadDir(out); len(ents) != 0 || len(rp.dbs) != 0 {
			t.Errorf("%d files written", len(ents))
		}
	}
	b := testcorpus.Read(t, "appdata/edb.log")
	lg, err := eselog.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for r, err := range lg.Records(context.Background(), eselog.Filter{Types: []eselog.RecordType{eselog.RecCreateDB}}) {
		if err != nil {
			t.Fatal(err)
		}
		if c := r.(*eselog.CreateDB); !fullyLoggedCreate(c) || c.Version != 2 || c.UpdateMajor != 0 {
			t.Errorf("CreateDB at %v: create version %d.%d", c.At, c.Version, c.UpdateMajor)
		}
	}
}

// TestCreateNamedByRestoreMap: a restore-map entry for the logged path
// names the created file (its last component, inside OutDir); an entry
// whose destination climbs out is refused when the map is built.
func TestCreateNamedByRestoreMap(t *testing.T) {
	for _, tc := range []struct{ to, want string }{
		{`D:
estore\Renamed.edb`, "Renamed.edb"},
	} {
		in := logOnly(t, "appdata/edb.log", "edb.log")
		parent := t.TempDir()
		out := filepath.Join(parent, "out")
		if err := os.Mkdir(out, 0o755); err != nil {
			t.Fatal(err)
		}
		m, err := NewRestoreMap([]string{out}, MapEntry{From: `IndexedDB.edb`, To: tc.to})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := NewRestoreMap([]string{out}, MapEntry{From: `IndexedDB.edb`, To: `..\Escaped.edb`}); !errors.Is(err, ErrUnsafePath) {
			t.Errorf("a map entry that climbs out: %v", err)
		}
		res, err := RecoverFolder(context.Background(), FolderInput{Logs: in}, &RecoverOptions{OutDir: out, CreateMissing: true, RestoreMap: m})
		if err != nil {
			t.Fatalf("%s: %v", tc.to, err)
		}
		var files []string
		filepath.WalkDir(parent, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				files = append(files, filepath.Base(p))
			}
			return nil
		})
		if tc.want == "" {
			if len(files) != 0 || len(res.Databases) != 1 || res.Databases[0].Error != ese.ErrInvalidPath {
				t.Errorf("%s: files %q, result %+v", tc.to, files, res.Databases)
			}
			continue
		}
		if len(files) != 1 || files[0] != tc.want || res.Databases[0].StateAfter != "CleanShutdown" {
			t.Errorf("%s: files %q, want %s", tc.to, files, tc.want)
		}
	}
}

// TestCreateResumable: a replay killed after N records leaves only its
// temporary file; running recovery again gives the same bytes as one
// uninterrupted run.
func TestCreateResumable(t *testing.T) {
	in := logOnly(t, "appdata/edb.log", "edb.log")
	ref := t.TempDir()
	if _, err := RecoverFolder(context.Background(), FolderInput{Logs: in}, &RecoverOptions{OutDir: ref, CreateMissing: true}); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(ref, "IndexedDB.edb"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int64{1, 5, 40, 400, 1200} {
		out := t.TempDir()
		_, err := RecoverFolder(context.Background(), FolderInput{Logs: in}, &RecoverOptions{OutDir: out, CreateMissing: true, stopAfter: n})
		if !errors.Is(err, errStopped) {
			t.Fatalf("N=%d: %v", n, err)
		}
		if _, err := os.Stat(filepath.Join(out, "IndexedDB.edb")); err == nil {
			t.Errorf("N=%d: the final file exists after a kill", n)
		}
		if _, err := RecoverFolder(context.Background(), FolderInput{Logs: in}, &RecoverOptions{OutDir: out, CreateMissing: true}); err != nil {
			t.Fatalf("N=%d: rerun: %v", n, err)
		}
		got, _ := os.ReadFile(filepath.Join(out, "IndexedDB.edb"))
		if !bytes.Equal(got, want) {
			t.Errorf("N=%d: resumed output differs from one uninterrupted run", n)
		}
		if ents, _ := os.ReadDir(out); len(ents) != 1 {
			t.Errorf("N=%d: %d files left", n, len(ents))
		}
	}
}

// TestCreateMissingKeepsGivenDatabase: with CreateMissing, a CreateDB
// whose signature is a database given to the recovery creates nothing
// new: the real IndexedDB.edb, consistent after the whole of edb.log, is
// deferred at its CreateDB (docs/recovery.md#attach-rules, step 6) and its copy comes
// out byte for byte as it went in.
func TestCreateMissingKeepsGivenDatabase(t *testing.T) {
	in := t.TempDir()
	db := filepath.Join(in, "IndexedDB.edb")
	orig := testcorpus.Read(t, "appdata/IndexedDB.edb")
	if err := os.WriteFile(db, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	res, err := Recover(context.Background(), withLogs(indexedDBPlan(db), os.DirFS(testcorpus.Path(t, "appdata"))), &RecoverOptions{OutDir: out, CreateMissing: true})
	if err != nil {
		t.Fatalf("%v", err)
	}
	if len(res.Databases) != 1 || res.Databases[0].Action != ActionReplay {
		t.Fatalf("%d databases in the result", len(res.Databases))
	}
	ents, _ := os.ReadDir(out)
	if len(ents) != 1 {
		t.Errorf("%d files in the output folder, want 1", len(ents))
	}
	got, _ := os.ReadFile(filepath.Join(out, "IndexedDB.edb"))
	if !bytes.Equal(got[2*32768:], orig[2*32768:]) {
		t.Errorf("the pages of the given database changed")
	}
}

// TestCreateRefusesPreWin7LegacyCreateDB: the engine replays an implicit
// create (1.0) only from logs of Windows 7 (7.3704.15) or later, since
// the create code of older versions built other pages. The backup set's
// log (7.3704.15, its CreateDB at (0x1,1,256)) with its header edited to
// update 14 (checksum recomputed) and named edb.log: recovery with
// CreateMissing stops with -1225 naming the log version and writes
// nothing. The same log unedited creates the database
// (TestRecoverFolderCreatesLegacyWLM).
func TestCreateRefusesPreWin7LegacyCreateDB(t *testing.T) {
	b := bytes.Clone(testcorpus.Read(t, "wlm-danyquenneville-backup/edb00001.log"))
	if bin.U32(b, 32) != 7 || bin.U32(b, 36) != 3704 || bin.U32(b, 40) != 15 {
		t.Fatalf("log version %d.%d.%d, want 7.3704.15", bin.U32(b, 32), bin.U32(b, 36), bin.U32(b, 40))
	}
	bin.PutU32(b, 40, 14)
	bin.PutU32(b, 0, ese.HeaderChecksum(b[:4096]))
	in := t.TempDir()
	if err := os.WriteFile(filepath.Join(in, "edb.log"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	res, err := RecoverFolder(context.Background(), FolderInput{Logs: in}, &RecoverOptions{OutDir: out, CreateMissing: true})
	if !errors.Is(err, ese.ErrInvalidCreateDbVersion) {
		t.Fatalf("error %v, want -1225", err)
	}
	if res.Error != ese.ErrInvalidCreateDbVersion || len(res.Databases) != 1 || res.Databases[0].Error != ese.ErrInvalidCreateDbVersion ||
		!strings.Contains(res.Databases[0].Message, "(0x1,1,256)") || !strings.Contains(res.Databases[0].Message, "7.3704.14") ||
		!strings.Contains(res.Databases[0].Message, "create version 1.0") {
		t.Errorf("result %v %q", res.Error, res.Message)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Errorf("%d files written", len(ents))
	}
}

// TestCreateModeOf is the engine's rule at lrtypCreateDB over create
// versions and log versions.
func TestCreateModeOf(t *testing.T) {
	win7 := &eselog.FileHeader{VersionMajor: 7, VersionMinor: 3704, VersionUpdateMajor: 15}
	vista := &eselog.FileHeader{VersionMajor: 7, VersionMinor: 3704, VersionUpdateMajor: 14}
	modern := &eselog.FileHeader{VersionMajor: 8, VersionMinor: 4000, VersionUpdateMajor: 2}
	for _, tc := range []struct {
		flags           uint8
		version, update uint16
		h               *eselog.FileHeader
		want            createMode
	}{
		{eselog.CreateDBVersionInfo, 2, 0, modern, createLogged},
		{eselog.CreateDBVersionInfo, 2, 0, vista, createLogged},
		{eselog.CreateDBVersionInfo, 2, 1, modern, createRefused},
		{eselog.CreateDBVersionInfo, 1, 0, win7, createImplicit},
		{eselog.CreateDBVersionInfo, 1, 0, modern, createImplicit},
		{eselog.CreateDBVersionInfo, 1, 0, vista, createRefused},
		{eselog.CreateDBVersionInfo, 1, 1, win7, createRefused},
		{eselog.CreateDBVersionInfo, 0, 0, win7, createRefused},
		{0, 1, 0, win7, createRefused},
		{eselog.CreateDBVersionInfo, 3, 0, win7, createRefused},
	} {
		r := &eselog.CreateDB{Flags: tc.flags, Version: tc.version, UpdateMajor: tc.update}
		if got := createModeOf(r, tc.h); got != tc.want {
			t.Errorf("create version %d.%d (flags %#x), log %s: mode %d, want %d", tc.version, tc.update, tc.flags, tc.h.Version(), got, tc.want)
		}
	}
}

// TestCreateDefaultPageSize: a log header whose database page size is 0
// (logs before the field was filled) means 4 KiB pages; the created file
// gets 4 KiB headers, and an implicit create in it builds its 256 pages.
func TestCreateDefaultPageSize(t *testing.T) {
	for _, version := range []uint16{2, 1} {
		out := t.TempDir()
		rp := &replayer{ctx: context.Background(), plan: &Plan{}, opts: &RecoverOptions{OutDir: out, CreateMissing: true},
			em:        &emitter{opts: &Options{}},
			curHeader: &eselog.FileHeader{VersionMajor: 7, VersionMinor: 3704, VersionUpdateMajor: 15}}
		r := &eselog.CreateDB{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecCreateDB, At: ese.LogPos{Generation: 1, Sector: 1}},
			Dbid: 1, Flags: eselog.CreateDBVersionInfo, Version: version, PathBytes: []byte("C:\\x.edb\x00")}
		if err := rp.createRecord(r); err != nil {
			t.Fatalf("create version %d: %v", version, err)
		}
		if len(rp.dbs) != 1 || rp.dbs[0].pageSize != 4096 {
			t.Fatalf("create version %d: %d databases", version, len(rp.dbs))
		}
		db := rp.dbs[0]
		want := int64(2 * 4096)
		if version == 1 {
			want = (redo.CpgLegacyDatabase + 2) * 4096
			if db.hdr.DBTimeDirtied != 0xcc || db.hdr.LastObjectID != 5 {
				t.Errorf("implicit create: header dbtime %#x objid %d, want 0xcc and 5", db.hdr.DBTimeDirtied, db.hdr.LastObjectID)
			}
		}
		if err := db.store.Flush(); err != nil {
			t.Fatal(err)
		}
		if st, err := db.file.Stat(); err != nil || st.Size() != want {
			t.Errorf("create version %d: file of %v bytes (%v), want %d", version, st.Size(), err, want)
		}
		db.file.Close()
	}
}
