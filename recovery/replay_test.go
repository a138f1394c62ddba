package recovery

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/redo"
	"github.com/esekit/esekit/internal/testcorpus"
)

// justCreated writes, as dir/IndexedDB.edb, the database file the engine
// has when it replays appdata/edb.log's CreateDB into a missing database:
// only the two header pages, state JustCreated, with the logged database
// signature, the log signature, and lgposAttach = the CreateDB's (1,1,268).
// The header is the real file's with the fields a replay sets cleared.
func justCreated(t testing.TB, dir string) string {
	t.Helper()
	real := testcorpus.Read(t, "appdata/IndexedDB.edb")
	h, err := ese.DecodeDBHeader(real[:32768])
	if err != nil {
		t.Fatal(err)
	}
	h.State = ese.DBStateJustCreated
	h.ConsistentPos, h.DetachPos, h.LastResizePos = ese.LogPos{}, ese.LogPos{}, ese.LogPos{}
	h.ConsistentTime, h.DetachTime = ese.LogTime{}, ese.LogTime{}
	h.DBTimeDirtied, h.LastObjectID = 0, 0
	h.GenMinRequired, h.GenMaxRequired = 1, 1
	h.DbHdrFlushSignature = ese.Signature{}
	p := filepath.Join(dir, "IndexedDB.edb")
	b := make([]byte, 2*32768)
	hb := h.Encode(32768)
	copy(b, hb)
	copy(b[32768:], hb)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// indexedDBPlan is the soft plan of replaying appdata/edb.log from its
// beginning into the database at db.
// withLogs sets the log folder of a plan made by hand.
func withLogs(p *Plan, logs fs.FS) *Plan {
	p.Inputs.Logs = logs
	return p
}

func indexedDBPlan(db string) *Plan {
	return &Plan{Mode: ModeSoft, Start: ese.LogPos{Generation: 1, Sector: 1},
		Logs:      []PlanLog{{File: "edb.log", Generation: 1}},
		Databases: []PlanDatabase{{File: db, ReplayFrom: 1, ReplayTo: 1, Action: ActionReplay}}}
}

func recoverIndexedDB(t testing.TB, db, out string, stopAfter int64, inPlace bool) (*RecoverResult, error) {
	t.Helper()
	o := &RecoverOptions{OutDir: out, InPlace: inPlace, Overwrite: true, stopAfter: stopAfter, CacheBytes: 4 * 32768}
	return Recover(context.Background(), withLogs(indexedDBPlan(db), os.DirFS(testcorpus.Path(t, "appdata"))), o)
}

// TestRecoverRebuildsIndexedDB drives the whole replay of appdata/edb.log
// (the database's life from CreateDB to DetachDB, then Term2) through
// Recover, from a JustCreated header-only file. Every page must come out
// logically equal to the real IndexedDB.edb, and the header as the engine
// left it at the DetachDB: CleanShutdown with lgposConsistent =
// lgposDetach = lgposLastResize = (1,0x20,0x276), dbtime 909, objid 27.
func TestRecoverRebuildsIndexedDB(t *testing.T) {
	in := t.TempDir()
	db := justCreated(t, in)
	out := t.TempDir()
	res, err := recoverIndexedDB(t, db, out, 0, false)
	if err != nil {
		t.Fatalf("%v\n%+v", err, res)
	}
	d := res.Databases[0]
	t.Logf("%+v", d)
	if d.StateBefore != "JustCreated" || d.StateAfter != "CleanShutdown" || d.RecordsRedone == 0 || d.LogsReplayed != 1 {
		t.Errorf("result %+v", d)
	}
	p := filepath.Join(out, "IndexedDB.edb")
	h := readHeader(t, p)
	real := readHeader(t, testcorpus.Path(t, "appdata/IndexedDB.edb"))
	if h.State != ese.DBStateCleanShutdown || h.ConsistentPos != real.ConsistentPos || h.DetachPos != real.DetachPos {
		t.Errorf("state %v consistent %v detach %v; real %v %v", h.State, h.ConsistentPos, h.DetachPos, real.ConsistentPos, real.DetachPos)
	}
	if h.DBTimeDirtied != real.DBTimeDirtied || h.LastObjectID != real.LastObjectID {
		t.Errorf("dbtime %d objid %d, real %d %d", h.DBTimeDirtied, h.LastObjectID, real.DBTimeDirtied, real.LastObjectID)
	}
	// Format 0x620,110.240 keeps lgposLastResize: the engine sets it to
	// the consistent position at the detach, as the real header shows.
	if h.LastResizePos != real.LastResizePos {
		t.Errorf("last resize %v, real %v", h.LastResizePos, real.LastResizePos)
	}
	if h.GenMinRequired != 0 || h.GenMaxRequired != 0 || h.AttachPos != real.AttachPos {
		t.Errorf("gens %d %d attach %v", h.GenMinRequired, h.GenMaxRequired, h.AttachPos)
	}
	scanOK(t, p)
	got, _ := os.ReadFile(p)
	want := testcorpus.Read(t, "appdata/IndexedDB.edb")
	const ps = 32768
	equal := 0
	for off := 2 * ps; off+ps <= len(want); off += ps {
		w := want[off : off+ps]
		var g []byte
		if off+ps <= len(got) {
			g = got[off : off+ps]
		} else {
			g = make([]byte, ps)
		}
		if bin.IsZero(w) {
			if !bin.IsZero(g) {
				t.Errorf("page %d: real page empty, replayed not", off/ps-1)
			}
			continue
		}
		if diff, _ := redo.PageDiff(g, w); diff != "" {
			t.Errorf("page %d: %s", off/ps-1, diff)
			continue
		}
		equal++
	}
	if equal != 47 {
		t.Errorf("%d pages logically equal, want 47", equal)
	}

	structureOK(t, p)
	// libesedb reads the rebuilt database exactly as the real one: the
	// same tables with the same row counts.
	if _, err := exec.LookPath("esedbexport"); err == nil {
		got, want := exportCounts(t, p), exportCounts(t, testcorpus.Path(t, "appdata/IndexedDB.edb"))
		if len(got) == 0 || len(got) != len(want) {
			t.Errorf("%d tables exported, real %d", len(got), len(want))
		}
		for name, n := range want {
			if got[name] != n {
				t.Errorf("table %s: %d rows, real %d", name, got[name], n)
			}
		}
	}

	// Idempotence: recovering the result again, in place, with the same
	// log changes nothing. The header is clean and consistent after the
	// CreateDB, so the engine defers the attachment ("consistent in the
	// future") and skips every record.
	before, _ := os.ReadFile(p)
	res2, err := recoverIndexedDB(t, p, "", 0, true)
	if err != nil {
		t.Fatalf("second replay: %v", err)
	}
	after, _ := os.ReadFile(p)
	if !bytes.Equal(before, after) {
		t.Error("second replay changed the database")
	}
	if d2 := res2.Databases[0]; d2.RecordsRedone != 0 || d2.StateAfter != "CleanShutdown" {
		t.Errorf("second replay %+v", d2)
	}
}

// TestRecoverCrashResume kills the replay of edb.log after N records, for
// many N (leaving the temporary output as a killed process would), then
// runs recovery again: the final bytes always equal those of one
// uninterrupted run, and the input is never modified.
func TestRecoverCrashResume(t *testing.T) {
	in := t.TempDir()
	db := justCreated(t, in)
	checkCrashResume(t, db, func(db, out string, stopAfter int64, inPlace bool) (*RecoverResult, error) {
		return recoverIndexedDB(t, db, out, stopAfter, inPlace)
	}, 1500)
}

// recoverRun recovers database db into out (in place when inPlace),
// stopping after stopAfter records when it is positive.
type recoverRun func(db, out string, stopAfter int64, inPlace bool) (*RecoverResult, error)

// checkCrashResume stops the recovery of db (at least minRecords records)
// after every 97th record and resumes it: each resumed run ends with the
// bytes of one uninterrupted run and leaves only the output; in place, a
// stopped run leaves the input untouched and the rerun replaces it with
// the same bytes.
func checkCrashResume(t *testing.T, db string, recoverIndexedDB recoverRun, minRecords int64) {
	t.Helper()
	name := filepath.Base(db)
	input, _ := os.ReadFile(db)
	ref := t.TempDir()
	res, err := recoverIndexedDB(db, ref, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(filepath.Join(ref, name))
	total := res.Records
	if total < minRecords {
		t.Fatalf("%d records", total)
	}
	for n := int64(1); n < total; n += 97 {
		out := t.TempDir()
		if _, err := recoverIndexedDB(db, out, n, false); !errors.Is(err, errStopped) {
			t.Fatalf("stop after %d: %v", n, err)
		}
		if _, err := os.Stat(filepath.Join(out, name)); err == nil {
			t.Fatalf("stop after %d: a final output exists", n)
		}
		if _, err := recoverIndexedDB(db, out, 0, false); err != nil {
			t.Fatalf("resume after %d: %v", n, err)
		}
		got, _ := os.ReadFile(filepath.Join(out, name))
		if !bytes.Equal(got, want) {
			t.Fatalf("stopped after %d records and resumed: bytes differ from one run", n)
		}
		if ents, _ := os.ReadDir(out); len(ents) != 1 {
			t.Fatalf("stop after %d: %d files left in the output folder", n, len(ents))
		}
	}
	// In place: a killed run leaves the input untouched (only the
	// temporary beside it), and the rerun renames over it.
	inPlace := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(inPlace, input, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int64{5, 700, total - 3} {
		if _, err := recoverIndexedDB(inPlace, "", n, true); !errors.Is(err, errStopped) {
			t.Fatalf("in place, stop after %d: %v", n, err)
		}
		if b, _ := os.ReadFile(inPlace); !bytes.Equal(b, input) {
			t.Fatalf("in place, stop after %d: the file changed before recovery finished", n)
		}
	}
	if _, err := recoverIndexedDB(inPlace, "", 0, true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(inPlace); !bytes.Equal(b, want) {
		t.Fatal("in-place recovery differs from recovery into a folder")
	}
	if b, _ := os.ReadFile(db); !bytes.Equal(b, input) {
		t.Fatal("input modified")
	}
}

// TestRecoverCancelled: a cancelled context stops the replay with its
// error and leaves no output.
func TestRecoverCancelled(t *testing.T) {
	in := t.TempDir()
	db := justCreated(t, in)
	checkRecoverCancelled(t, indexedDBPlan(db), os.DirFS(testcorpus.Path(t, "appdata")))
}

// checkRecoverCancelled recovers plan with the logs of fsys, cancelling
// the context at the first progress report: Recover returns
// context.Canceled and leaves nothing in the output folder.
func checkRecoverCancelled(t *testing.T, plan *Plan, fsys fs.FS) {
	t.Helper()
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	o := &RecoverOptions{OutDir: out, Progress: func(p Progress) {
		n++
		cancel()
	}}
	_, err := Recover(ctx, withLogs(plan, fsys), o)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if n == 0 {
		t.Error("no progress reported")
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Errorf("output left: %v", ents)
	}
}

// cutLog writes appdata/edb.log with every segment from k on zeroed, as
// a log whose writer died there: its data ends at segment k.
func cutLog(t *testing.T, k int) string {
	t.Helper()
	b := append([]byte{}, testcorpus.Read(t, "appdata/edb.log")...)
	clear(b[k*4096:])
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "edb.log"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// openInserts lists, by an independent walk of the log, the versioned
// Inserts of the transactions still open at its end (level > 0 after a
// Begin0; the log holds no Rollback).
func openInserts(t *testing.T, logDir string) []*eselog.Insert {
	t.Helper()
	b, _ := os.ReadFile(filepath.Join(logDir, "edb.log"))
	l, err := eselog.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	level := map[uint16]int{}
	ops := map[uint16][]*eselog.Insert{}
	for r, err := range l.Records(context.Background(), eselog.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		switch r := r.(type) {
		case *eselog.Begin0:
			if r.LevelBeginFrom == 0 {
				ops[r.Procid] = nil
			}
			level[r.Procid] = int(r.LevelBeginFrom + r.LevelsToBegin)
		case *eselog.Begin:
			level[r.Procid] = int(r.LevelBeginFrom + r.LevelsToBegin)
		case *eselog.Commit0:
			level[r.Procid], ops[r.Procid] = 0, nil
		case *eselog.Commit:
			level[r.Procid] = int(r.LevelCommitTo)
		case *eselog.Rollback:
			t.Fatal("unexpected Rollback")
		case *eselog.Insert:
			if r.IsVersioned() {
				ops[r.Procid] = append(ops[r.Procid], r)
			}
		}
	}
	var out []*eselog.Insert
	for id, lv := range level {
		if lv > 0 {
			out = append(out, ops[id]...)
		}
	}
	return out
}

// TestRecoverRollsBackOpenTransactions cuts edb.log where transactions
// are open (the writer died there) and recovers the database from its
// creation: each open transaction is rolled back with the before-images
// captured during redo. Every versioned Insert of an open transaction,
// found by an independent walk of the log, must be a deleted node in the
// output; the database is clean at the shutdown mark the engine would log
// after the cut and the records of the rollback, and every page verifies.
func TestRecoverRollsBackOpenTransactions(t *testing.T) {
	const ps = 32768
	for _, k := range []int{3, 13, 20, 22, 23, 29} {
		logs := cutLog(t, k)
		db := justCreated(t, t.TempDir())
		out := t.TempDir()
		res, err := Recover(context.Background(), withLogs(indexedDBPlan(db), os.DirFS(logs)), &RecoverOptions{OutDir: out})
		if err != nil {
			t.Fatalf("cut at %d: %v", k, err)
		}
		d := res.Databases[0]
		ins := openInserts(t, logs)
		if len(ins) == 0 || d.TransactionsRolledBack == 0 {
			t.Fatalf("cut at %d: %d open inserts, %d transactions rolled back", k, len(ins), d.TransactionsRolledBack)
		}
		p := filepath.Join(out, "IndexedDB.edb")
		h := readHeader(t, p)
		// The engine logs RecoveryUndo2 at (1,k,0), then the Undo records
		// of the rolled-back operations and a Rollback per open level,
		// then the ShutDownMark that becomes lgposConsistent
		// (endOfRecoveryRecords and logTail.endPositions, whose model is
		// checked against the engine's own rollbacks in endlog_test.go).
		consistent := map[int]uint16{3: 0x8F1, 13: 0x8BA, 20: 0x502, 22: 0xCBC, 23: 0x619, 29: 0xF5}
		sector := map[int]uint16{3: 3, 13: 0xD, 20: 0x15, 22: 0x17, 23: 0x19, 29: 0x1D}
		if want := (ese.LogPos{Generation: 1, Sector: sector[k], Offset: consistent[k]}); h.State != ese.DBStateCleanShutdown || h.ConsistentPos != want {
			t.Errorf("cut at %d: %v at %v", k, h.State, h.ConsistentPos)
		}
		scanOK(t, p)
		file, _ := os.ReadFile(p)
		for _, r := range ins {
			off := (int(r.Pgno()) + 1) * ps
			pg, err := redo.NewPage(append([]byte{}, file[off:off+ps]...))
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for i := 0; i < pg.Lines(); i++ {
				key, err := pg.Key(i)
				if err != nil || !bytes.Equal(key, r.Key()) {
					continue
				}
				f, _ := pg.LineFlags(i)
				if f&redo.NodeDeleted != 0 {
					found = true
				}
			}
			if !found {
				t.Errorf("cut at %d: the Insert at %v (page %d) is not a deleted node", k, r.At, r.Pgno())
			}
		}
		// Each undone operation gets a dbtime past every logged one, as
		// the engine's logged Undo records would.
		for _, r := range ins {
			if h.DBTimeDirtied <= r.DBTime() {
				t.Errorf("cut at %d: header dbtime %d not past the rolled-back insert's %d", k, h.DBTimeDirtied, r.DBTime())
			}
		}
		t.Logf("cut at segment %d: %d records redone, %d transaction(s) and %d insert(s) rolled back", k, d.RecordsRedone, d.TransactionsRolledBack, len(ins))
	}
}

// dirtyFinal writes the real IndexedDB.edb with its header made dirty
// (attached at the CreateDB, needing generation 1): every page is then
// newer than every record of edb.log, as in a database that holds data
// from later logs.
func dirtyFinal(t *testing.T, dir string) string {
	t.Helper()
	b := append([]byte{}, testcorpus.Read(t, "appdata/IndexedDB.edb")...)
	h, err := ese.DecodeDBHeader(b[:32768])
	if err != nil {
		t.Fatal(err)
	}
	h.State = ese.DBStateDirtyShutdown
	h.ConsistentPos, h.DetachPos = ese.LogPos{}, ese.LogPos{}
	h.GenMinRequired, h.GenMaxRequired = 1, 1
	hb := h.Encode(32768)
	copy(b, hb)
	copy(b[32768:], hb)
	p := filepath.Join(dir, "IndexedDB.edb")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRecoverRefusesUnsafeUndo: when a transaction is open at the end of
// the logs and one of its versioned replaces or flag-deletes was already
// on its page (so redo captured no before-image) and no UndoInfo record
// gave one, the rollback cannot be done safely: recovery stops with
// ErrUndoUnsafe, writes no output and reports the database still dirty.
func TestRecoverRefusesUnsafeUndo(t *testing.T) {
	unsafe := 0
	for _, k := range []int{3, 13, 20, 22, 23, 29} {
		logs := cutLog(t, k)
		db := dirtyFinal(t, t.TempDir())
		out := t.TempDir()
		res, err := Recover(context.Background(), withLogs(indexedDBPlan(db), os.DirFS(logs)), &RecoverOptions{OutDir: out})
		if err == nil {
			continue
		}
		if !errors.Is(err, ErrUndoUnsafe) {
			t.Fatalf("cut at %d: %v", k, err)
		}
		t.Logf("cut at %d: %v", k, err)
		unsafe++
		d := res.Databases[0]
		if d.StateAfter != "DirtyShutdown" || d.Output != "" || d.Message == "" {
			t.Errorf("cut at %d: result %+v", k, d)
		}
		if ents, _ := os.ReadDir(out); len(ents) != 0 {
			t.Errorf("cut at %d: output written: %v", k, ents)
		}
	}
	if unsafe == 0 {
		t.Fatal("no cut produced an unsafe rollback")
	}
}
