package recovery

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/dsnet/golib/memfile"
	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/redo"
	"github.com/esekit/esekit/internal/testcorpus"
)

// createOverHeader copies appdata without edb0000D.log and gives
// IndexedDB.edb (whose CreateDB is at (1,1,268) of edb.log) the state st
// and the older attach (1,1,0), then plans soft recovery.
func createOverHeader(t *testing.T, st ese.DBState) (dir, db string, p *Plan) {
	t.Helper()
	dir = testcorpus.CopySet(t, "appdata", "edb0000D.log")
	db = filepath.Join(dir, "IndexedDB.edb")
	editDBHeaderFields(t, db, func(h *ese.DBHeader) {
		h.State = st
		h.AttachPos = ese.LogPos{Generation: 1, Sector: 1}
		h.ConsistentPos = ese.LogPos{}
	})
	p, err := PlanSoftDir(context.Background(), dir, []string{db}, CheckpointSource{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return dir, db, p
}

// A JustCreated header over a full copy of the real file, met at its own
// CreateDB: the engine recreates the database from the log
// (redoattachCreate), so the result is the database the log builds: the
// 47 used pages logically equal to the real file's, clean at the
// DetachDB (1,0x20,0x276). The input is not written.
func TestRecoverJustCreatedFromItsCreateDB(t *testing.T) {
	_, db, p := createOverHeader(t, ese.DBStateJustCreated)
	if pd := p.Databases[0]; pd.Action != ActionReplay || pd.ReplayFrom != 1 || pd.Error != 0 {
		t.Fatalf("plan %+v", pd)
	}
	in, _ := os.ReadFile(db)
	sum := sha256.Sum256(in)
	out := t.TempDir()
	res, err := Recover(context.Background(), p, &RecoverOptions{OutDir: out})
	if err != nil {
		t.Fatal(err)
	}
	d := res.Databases[0]
	if d.StateBefore != "JustCreated" || d.StateAfter != "CleanShutdown" || d.ConsistentPos != (ese.LogPos{Generation: 1, Sector: 0x20, Offset: 0x276}) {
		t.Errorf("result %+v", d)
	}
	got, _ := os.ReadFile(filepath.Join(out, "IndexedDB.edb"))
	want := testcorpus.Read(t, "appdata/IndexedDB.edb")
	const ps = 32768
	// The pages of the unfinished file are dropped: the result has the
	// 80 pages the log's create and ExtendDB records give it (the size a
	// rebuild into an empty file reaches), not the 96 of the file it
	// replaced, whose last 16 pages are empty.
	if len(got) != 80*ps || !bin.IsZero(want[80*ps:]) {
		t.Errorf("recovered file of %d bytes, want %d", len(got), 80*ps)
	}
	equal := 0
	for off := 2 * ps; off+ps <= len(want) && off+ps <= len(got); off += ps {
		if bin.IsZero(want[off : off+ps]) {
			continue
		}
		if diff, _ := redo.PageDiff(got[off:off+ps], want[off:off+ps]); diff != "" {
			t.Errorf("page %d: %s", off/ps-1, diff)
			continue
		}
		equal++
	}
	if equal != 47 {
		t.Errorf("%d pages logically equal to the real file, want 47", equal)
	}
	if after, _ := os.ReadFile(db); sha256.Sum256(after) != sum {
		t.Error("the input database was written")
	}
}

// A dirty header whose attach (1,1,0) is older than the CreateDB of the
// same database: to the engine, a database of the same name deleted in the
// past (ErrLGRICheckRedoCreateDb). It defers the attachment rather than
// overwrite the file, so nothing of the log is replayed into it; the plan
// truncates at the CreateDB, and recovery reports that the header's
// attachment is never reached (-1216) without writing an output.
func TestRecoverCreateDBOverOlderAttachDefers(t *testing.T) {
	_, _, p := createOverHeader(t, ese.DBStateDirtyShutdown)
	pd := p.Databases[0]
	if pd.Action != ActionTruncate || pd.TruncateAt == nil || *pd.TruncateAt != (ese.LogPos{Generation: 1, Sector: 1, Offset: 0x268}) {
		t.Fatalf("plan %+v", pd)
	}
	out := t.TempDir()
	res, err := Recover(context.Background(), p, &RecoverOptions{OutDir: out})
	if !errors.Is(err, ese.ErrAttachedDatabaseMismatch) {
		t.Fatalf("error %v, want -1216", err)
	}
	d := res.Databases[0]
	if d.StateAfter != "DirtyShutdown" || d.RecordsRedone != 0 || d.Output != "" {
		t.Errorf("result %+v", d)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Errorf("%d files written to the output folder", len(ents))
	}
}

// The same over a legacy implicit create: the second Windows Live Mail
// set's database with a JustCreated header (its creation never finished)
// and both logs, edb00001.log starting with its CreateDB (create version
// 1.0). The file is cut back and built by the legacy create code, then the
// logs: every used page equals the real database's, byte for byte in its
// layout, and the header is clean at the end of generation 2 (0x2,4B,B5)
// as the real one is.
func TestRecoverJustCreatedLegacyWLM(t *testing.T) {
	const ps = 8192
	dir := testcorpus.CopySet(t, "wlm-kimberli13", "WindowsMail.pat")
	db := filepath.Join(dir, "WindowsMail.MSMessageStore")
	editDBHeaderFields(t, db, func(h *ese.DBHeader) {
		h.State = ese.DBStateJustCreated
		h.ConsistentPos, h.DetachPos = ese.LogPos{}, ese.LogPos{}
	})
	p, err := PlanSoftDir(context.Background(), dir, []string{db}, CheckpointSource{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if pd := p.Databases[0]; pd.Action != ActionReplay || pd.ReplayFrom != 1 || pd.ReplayTo != 2 || p.Error != 0 {
		t.Fatalf("plan %+v: %s", pd, p.Message)
	}
	out := t.TempDir()
	res, err := Recover(context.Background(), p, &RecoverOptions{OutDir: out})
	if err != nil {
		t.Fatal(err)
	}
	d := res.Databases[0]
	if d.StateBefore != "JustCreated" || d.StateAfter != "CleanShutdown" || d.ConsistentPos != (ese.LogPos{Generation: 2, Sector: 0x4b, Offset: 0xb5}) {
		t.Errorf("result %+v", d)
	}
	got, _ := os.ReadFile(filepath.Join(out, "WindowsMail.MSMessageStore"))
	real := testcorpus.Read(t, "wlm-kimberli13/WindowsMail.MSMessageStore")
	used := []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 24, 25, 26, 27, 28, 33, 34, 35, 36, 37, 38, 39, 42, 43}
	checkBuiltLike(t, got, real, ps, used)
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
				{"dbtime", h.DBTimeDirtied, tc.dbtime},
				{"objid", h.LastObjectID, tc.objid},
				{"dbid", h.DBID, real.DBID},
				{"page size", h.PageSize, real.PageSize},
				{"format", [3]uint32{h.FormatVersion, h.FormatUpdateMajor, h.FormatUpdateMinor}, [3]uint32{0x620, 20, 0}},
				{"real format", [3]uint32{real.FormatVersion, real.FormatUpdateMajor, real.FormatUpdateMinor}, [3]uint32{0x620, 17, 0}},
				{"gens", [2]ese.Generation{h.GenMinRequired, h.GenMaxRequired}, [2]ese.Generation{0, 0}},
			} {
				if c.got != c.want {
					t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
				}
			}
			if real.State == ese.DBStateCleanShutdown {
				// The clean database agrees with the created one.
				for _, c := range []f{
					{"real attach", real.AttachPos, tc.attach}, {"real consistent", real.ConsistentPos, tc.consistent},
					{"real dbtime", real.DBTimeDirtied, tc.dbtime}, {"real objid", real.LastObjectID, tc.objid},
				} {
					if c.got != c.want {
						t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
					}
				}
			} else if real.DBTimeDirtied != 0xcc || real.LastObjectID != 5 {
				t.Errorf("backup copy header: dbtime %#x objid %d, want the create's 0xcc and 5", real.DBTimeDirtied, real.LastObjectID)
			}
			scanOK(t, p)
			structureOK(t, p)
			got, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != (redo.CpgLegacyDatabase+2)*ps {
				t.Errorf("created file of %d bytes, want the %d pages of the legacy create", len(got), redo.CpgLegacyDatabase+2)
			}
			checkBuiltLike(t, got, testcorpus.Read(t, tc.set+"/"+tc.real), ps, tc.used)
		})
	}
}

// checkBuiltLike compares the pages of a file made by an implicit create
// and the logged changes after it with the real file: exactly the pages
// of used are built, each logically equal to the real page and laid out
// byte for byte like it (redo.ComparePages, redo.NotLaidOutAlike).
func checkBuiltLike(t *testing.T, got, real []byte, ps int, used []uint32) {
	t.Helper()
	c, problems := redo.ComparePages(got, real, ps, redo.CpgLegacyDatabase)
	problems = append(problems, c.Mismatch(redo.PageComparison{Equal: used})...)
	for _, p := range append(problems, redo.NotLaidOutAlike(got, real, ps, used)...) {
		t.Error(p)
	}
}

// buildImplicit runs redo.BuildImplicitCreate into an empty in-memory
// file of ps-byte pages and returns the file's bytes.
func buildImplicit(t *testing.T, ps int) []byte {
	t.Helper()
	f := memfile.New(make([]byte, 2*ps))
	s, err := redo.NewPageStore(f, ps, &redo.PageStoreOptions{CacheBytes: 8 * int64(ps)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := redo.BuildImplicitCreate(s, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	return f.Bytes()
}
