package recovery

import (
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
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
		if diff, _ := pageDiff(got[off:off+ps], want[off:off+ps]); diff != "" {
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
	checkComparison(t, comparePages(t, got, real, ps, cpgLegacyDatabase), pageComparison{equal: used})
	checkLaidOutAlike(t, got, real, ps, used)
}
