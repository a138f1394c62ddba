package recovery

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/redo"
	"github.com/esekit/esekit/internal/testcorpus"
	"github.com/esekit/esekit/internal/testset"
)

const srumDirty = "museum-srum-win10-belkasoftctf-insiderthreat-dirty"

func sameHashes(t *testing.T, before, after map[string][32]byte) {
	t.Helper()
	if len(before) != len(after) {
		t.Errorf("input folder had %d files, now %d", len(before), len(after))
	}
	for n, h := range before {
		if after[n] != h {
			t.Errorf("input %s was modified", n)
		}
	}
}

func readHeader(t testing.TB, p string) *ese.DBHeader {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := ese.ReadDBHeader(f)
	if err != nil {
		t.Fatal(err)
	}
	if !c.HeaderChecksumOK || !c.ShadowOK {
		t.Errorf("%s: header checksum ok %v, shadow ok %v", p, c.HeaderChecksumOK, c.ShadowOK)
	}
	return c.Header
}

func scanOK(t testing.TB, p string) *ese.ScanResult {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := ese.ScanDatabase(context.Background(), f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Errorf("%s: page scan: %d bad checksums, %d wrong numbers, %d correctable", p, len(r.BadChecksums), len(r.WrongPageNumbers), len(r.Correctable))
	}
	return r
}

// TestRecoverDirtySRUM is issue 6's dirty test. The SRUM database was
// collected DirtyShutdown, attached at (0x51,A,268) and needing
// generation 0x51 only; the checkpoint is at 0x51 and SRU.log (0x52) is
// empty. Soft recovery starts at the beginning of 0x51 (the checkpoint
// carries no attach list), skips every record before the database's own
// attachment (they belong to earlier attachments, all on disk), finds no
// open transaction, and marks the database clean at the shutdown mark the
// engine would log: RecoveryUndo2 at (0x52,1,0) in the fresh segment after
// the end of data, the ShutDownMark after it at (0x52,1,0x31).
func TestRecoverDirtySRUM(t *testing.T) {
	dir := testcorpus.Path(t, srumDirty)
	before := testset.HashDir(t, dir)
	out := t.TempDir()
	var replayed []string
	res, err := RecoverFolder(context.Background(), FolderInput{Logs: dir}, &RecoverOptions{OutDir: out,
		OnEvent: func(e Event) {
			if e.Kind == EventReplayLog {
				replayed = append(replayed, e.Files[0])
			}
		}})
	if err != nil {
		t.Fatalf("%v (%+v)", err, res)
	}
	sameHashes(t, before, testset.HashDir(t, dir))
	if len(res.Databases) != 1 {
		t.Fatalf("%d databases", len(res.Databases))
	}
	d := res.Databases[0]
	t.Logf("%+v", d)
	if d.StateBefore != "DirtyShutdown" || d.StateAfter != "CleanShutdown" || d.LogsReplayed != 2 || d.Error != 0 {
		t.Errorf("result %+v", d)
	}
	if d.RecordsRedone != 0 || d.TransactionsRolledBack != 0 {
		t.Errorf("redone %d, rolled back %d; want 0 and 0", d.RecordsRedone, d.TransactionsRolledBack)
	}
	// Every page record of generation 0x51 precedes the attachment at
	// (0x51,A,268): 148 Insert, 2 Replace, 1 Delete, the 4 Split2 of two
	// macros, and the ExtendDB.
	if d.RecordsSkipped != 156 {
		t.Errorf("%d records skipped, want 156", d.RecordsSkipped)
	}
	if !bytes.Equal([]byte(joinNames(res.LogsReplayed)), []byte("SRU00051.log,SRU.log")) {
		t.Errorf("logs replayed %v", res.LogsReplayed)
	}
	h := readHeader(t, filepath.Join(out, "SRUDB.dat"))
	want := ese.LogPos{Generation: 0x52, Sector: 1, Offset: 0x31}
	if h.State != ese.DBStateCleanShutdown || h.ConsistentPos != want || h.DetachPos != want {
		t.Errorf("state %v consistent %v detach %v, want clean at %v", h.State, h.ConsistentPos, h.DetachPos, want)
	}
	if h.GenMinRequired != 0 || h.GenMaxRequired != 0 || h.GenMaxCommitted != 0 || h.GenMinConsistent != 0 || h.GenRecovering != 0 {
		t.Errorf("generations not cleared: %d %d %d %d %d", h.GenMinRequired, h.GenMaxRequired, h.GenMaxCommitted, h.GenMinConsistent, h.GenRecovering)
	}
	if !h.GenMaxCreateTime.IsZero() || !h.GenMaxRequiredTime.IsZero() {
		t.Error("gen-max times not cleared")
	}
	// The repaired copy in the -clean set has dbtime 25654 and objid 33:
	// repair (esentutl /p) allocates one more of each. Recovery changes no
	// page here, so the header keeps the dirty header's 25653 and 32.
	if h.DBTimeDirtied != 25653 || h.LastObjectID != 32 {
		t.Errorf("dbtime %d objid %d, want 25653 and 32", h.DBTimeDirtied, h.LastObjectID)
	}
	// The consistent time is the latest time in the replayed logs (the
	// header of SRU.log, 0x52), for reproducible output.
	if h.ConsistentTime.IsZero() || h.ConsistentTime != h.DetachTime || h.DbHdrFlushSignature.Created != h.ConsistentTime {
		t.Errorf("times: consistent %v detach %v flush %v", h.ConsistentTime, h.DetachTime, h.DbHdrFlushSignature.Created)
	}
	orig := readHeader(t, filepath.Join(dir, "SRUDB.dat"))
	if h.DbHdrFlushSignature.Equal(orig.DbHdrFlushSignature) {
		t.Error("header flush signature unchanged")
	}
	// The set's flush map is current for the dirty database (its
	// FlushMapHdrFlushSignature is in the database header) and must not be
	// for the recovered one: recovery rewrote pages without updating it.
	fm, err := ese.ReadFlushMapHeader(bytes.NewReader(testcorpus.Read(t, srumDirty+"/SRUDB.jfm")))
	if err != nil {
		t.Fatal(err)
	}
	if !fm.Current(orig) {
		t.Error("SRUDB.jfm is not current for the input database")
	}
	if fm.Current(h) || !errors.Is(fm.Check(h, true), ese.ErrFlushMapDatabaseMismatch) || !h.FlushMapHdrFlushSignature.IsZero() {
		t.Errorf("SRUDB.jfm still current for the recovered database (map signature %v)", h.FlushMapHdrFlushSignature)
	}
	if _, err := os.Stat(filepath.Join(out, "SRUDB.jfm")); !os.IsNotExist(err) {
		t.Errorf("recovery put a flush map in its output: %v", err)
	}
	if h.AttachPos != orig.AttachPos || !h.DbSignature.Equal(orig.DbSignature) || !h.LogSignature.Equal(orig.LogSignature) {
		t.Error("identity fields changed")
	}
	scanOK(t, filepath.Join(out, "SRUDB.dat"))
	// Pages are untouched: every byte after the header copies equals the
	// input's.
	a := testcorpus.Read(t, srumDirty+"/SRUDB.dat")
	b, _ := os.ReadFile(filepath.Join(out, "SRUDB.dat"))
	if len(a) != len(b) || !bytes.Equal(a[2*4096:], b[2*4096:]) {
		t.Error("pages differ from the input")
	}
	// Planning announces the logs, then the replay reports each as it
	// starts it.
	if n := len(replayed); n < 2 || replayed[n-2] != "SRU00051.log" || replayed[n-1] != "SRU.log" {
		t.Errorf("replay events %v", replayed)
	}
}

func joinNames(s []string) string {
	var b bytes.Buffer
	for i, x := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(x)
	}
	return b.String()
}

// TestRecoverRefusesExistingOutput: an output file is never replaced
// unless asked.
func TestRecoverRefusesExistingOutput(t *testing.T) {
	dir := testcorpus.Path(t, srumDirty)
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "SRUDB.dat"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := RecoverFolder(context.Background(), FolderInput{Logs: dir}, &RecoverOptions{OutDir: out})
	if err == nil {
		t.Fatal("existing output replaced")
	}
	if b, _ := os.ReadFile(filepath.Join(out, "SRUDB.dat")); string(b) != "x" {
		t.Fatal("existing output changed")
	}
	if _, err := os.Stat(filepath.Join(out, ".SRUDB.dat.esekit-recovering")); !errors.Is(err, os.ErrNotExist) {
		t.Error("temporary file left behind")
	}
}

// structureOK runs the page model's structural check (tags inside the
// page, free-space accounting) on every used page of a database file,
// the trailer page of a backup copy aside.
func structureOK(t testing.TB, p string) int {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	h := readHeader(t, p)
	ps := h.EffectivePageSize()
	n := 0
	for off := 2 * ps; off+ps <= len(b); off += ps {
		pb := b[off : off+ps]
		if bin.IsZero(pb) {
			continue
		}
		pg, err := redo.NewPage(append([]byte{}, pb...))
		if err != nil {
			t.Fatal(err)
		}
		if err := pg.Check(); err != nil {
			t.Errorf("%s page %d: %v", filepath.Base(p), off/ps-1, err)
		}
		n++
	}
	return n
}

// exportCounts runs libesedb's esedbexport on a database and returns the
// number of rows it exported per table (the lines of each table file
// less its header line). Only counts are kept: no record content is read
// or printed. It skips the test when esedbexport is not installed.
func exportCounts(t *testing.T, p string) map[string]int {
	t.Helper()
	exe, err := exec.LookPath("esedbexport")
	if err != nil {
		t.Skip("esedbexport (Debian package libesedb-utils) is not installed")
	}
	target := filepath.Join(t.TempDir(), "x")
	out, err := exec.Command(exe, "-t", target, p).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("Export completed.")) {
		t.Fatalf("esedbexport %s: %v (%d bytes of output)", filepath.Base(p), err, len(out))
	}
	ents, err := os.ReadDir(target + ".export")
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(target+".export", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		counts[e.Name()] = max(bytes.Count(b, []byte("\n"))-1, 0)
	}
	return counts
}

// TestRecoverDirtySRUMStructureAndExport checks the recovered SRUM
// database the way issue 6 asks: the page model's structural check on
// every page, and libesedb's esedbexport reading every table. Its row
// counts equal those of the repaired copy in the -clean set, table by
// table (13 tables; SruDbIdMapTable 476 rows, the largest 4,107). That is
// expected here: the dirty database's log records all precede its last
// attachment, so recovery changes no page, and repair (esentutl /p, repair
// count 2 in the clean copy) found nothing to drop either; the repaired
// copy differs only in its header (new database signature, zero log
// signature, dbtime and objid one higher) and in pages repair rewrote.
func TestRecoverDirtySRUMStructureAndExport(t *testing.T) {
	dir := testcorpus.Path(t, srumDirty)
	out := t.TempDir()
	if _, err := RecoverFolder(context.Background(), FolderInput{Logs: dir}, &RecoverOptions{OutDir: out}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(out, "SRUDB.dat")
	if n := structureOK(t, p); n == 0 {
		t.Fatal("no page checked")
	}
	got := exportCounts(t, p)
	want := exportCounts(t, testcorpus.Path(t, "museum-srum-win10-belkasoftctf-insiderthreat-clean/SRUDB.dat"))
	if len(got) != 13 || len(got) != len(want) {
		t.Fatalf("%d tables exported, the repaired copy %d", len(got), len(want))
	}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("table %s: %d rows, repaired copy %d", name, got[name], n)
		}
	}
	if got["SruDbIdMapTable.4"] != 476 {
		t.Errorf("SruDbIdMapTable: %d rows, want 476", got["SruDbIdMapTable.4"])
	}
}
