package recovery

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/redo"
	"github.com/esekit/esekit/internal/testcorpus"
	"github.com/esekit/esekit/internal/testset"
	"github.com/esekit/esekit/rip"
)

const wlmBackup = "wlm-danyquenneville-backup"

// copyCorpusSet copies a corpus set into a fresh folder.
func copyCorpusSet(t *testing.T, set string) string {
	t.Helper()
	src := testcorpus.Path(t, set)
	dst := t.TempDir()
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// TestRestoreWLMBackup is issue 6's hard test. The Windows Live Mail set
// is a streaming backup: a DirtyShutdown database copy whose header says
// "backup copy, GenLow 1, GenHigh 0" (trailer pending) with the PATCHHDR
// trailer as its last page (page 257 of 8 KiB), an empty .pat, and log
// generation 1 (legacy 7.3704.15), in which the database was created at
// (1,1,256). Hard recovery merges the trailer (GenHigh 1), zeroes the
// trailer page, replays the 64 page records after the CreateDB (all
// already on the pages, which the backup copied after the header: dbtime
// 204 in the header, 205..272 in the log), and leaves the database clean
// with its current-backup information cleared.
func TestRestoreWLMBackup(t *testing.T) {
	dir := testcorpus.Path(t, wlmBackup)
	before := testset.HashDir(t, dir)
	out := t.TempDir()
	key := &rip.Key{Path: rip.KeyPath(rip.ServiceIS), Service: rip.ServiceIS, LowLog: 1, HighLog: 1}
	res, err := RestoreFolder(context.Background(), RestoreFolderInput{Restore: dir}, &RestoreOptions{RecoverOptions: RecoverOptions{OutDir: out}, RIP: key, RIPFormat: rip.Regedit5})
	sameHashes(t, before, testset.HashDir(t, dir))
	if err != nil {
		t.Fatalf("%v\n%+v", err, res)
	}
	if res.Mode != ModeHard || len(res.Databases) != 1 {
		t.Fatalf("result %+v", res)
	}
	d := res.Databases[0]
	if d.StateBefore != "DirtyShutdown" || d.StateAfter != "CleanShutdown" || d.LogsReplayed != 1 ||
		d.RecordsRedone != 0 || d.RecordsSkipped != 64 || d.TransactionsRolledBack != 0 {
		t.Errorf("result %+v", d)
	}
	p := filepath.Join(out, "WindowsMail.MSMessageStore")
	h := readHeader(t, p)
	// The backup's log is not a current log (edb.log is never on tape), so
	// the engine creates generation 2 to log the end of recovery; in the
	// legacy format its first data sector (1: 4096-byte sectors) opens with
	// an LRCHECKSUM (22 bytes, as edb00001.log does), then RecoveryUndo2
	// (9 bytes), then the shutdown mark at (2,1,0x1F).
	want := ese.LogPos{Generation: 2, Sector: 1, Offset: 0x1F}
	if h.State != ese.DBStateCleanShutdown || h.ConsistentPos != want || h.DetachPos != want {
		t.Errorf("state %v consistent %v detach %v", h.State, h.ConsistentPos, h.DetachPos)
	}
	if h.CurFullBackup != (ese.BackupInfo{}) || h.GenMinRequired != 0 || h.GenMaxRequired != 0 || h.GenMaxCommitted != 0 {
		t.Errorf("backup/generations not cleared: %+v %d %d %d", h.CurFullBackup, h.GenMinRequired, h.GenMaxRequired, h.GenMaxCommitted)
	}
	// dbtime: the highest in the log (the last SetExternalHeader/FDP work
	// of the log's second transaction); objid: the last tree created (9).
	if h.DBTimeDirtied != 272 || h.LastObjectID != 9 {
		t.Errorf("dbtime %d objid %d, want 272 and 9", h.DBTimeDirtied, h.LastObjectID)
	}
	r := scanOK(t, p)
	if r.TrailerPage != 0 {
		t.Errorf("trailer page %d still there", r.TrailerPage)
	}
	b, _ := os.ReadFile(p)
	if last := b[len(b)-8192:]; !bin.IsZero(last) {
		t.Error("trailer page not zeroed")
	}
	if n := structureOK(t, p); n == 0 {
		t.Error("no page checked")
	}
	// The key, written to the output folder, now says recovered (01).
	if res.RIP != filepath.Join(out, "restore-in-progress.reg") {
		t.Fatalf("key written to %q", res.RIP)
	}
	rb, _ := os.ReadFile(res.RIP)
	rf, err := rip.ParseRegFile(rb)
	if err != nil {
		t.Fatal(err)
	}
	k, err := rip.FromRegFile(rf)
	if err != nil || !k.Recovered || k.LowLog != 1 || k.HighLog != 1 {
		t.Errorf("key %+v, %v", k, err)
	}
	if key.Recovered {
		t.Error("the caller's key was changed")
	}
}

// TestRestoreWLMWithRegFileAndPatchImage drives RestoreFolder with a .reg
// key file and a patch file that carries one page image (as pre-2001
// engines wrote, KB Q200941): an image of page 2 with a later dbtime. The
// engine used a patch image only for the new page of a split whose split
// page was already newer (patch_apply.go), and edb00001.log holds no
// split, so the image is not used: page 2 of the output is the page of the
// restore without it. The .reg is written back to the output folder with
// "EDB Database recovered" = 01 and the input .reg is left alone.
func TestRestoreWLMWithRegFileAndPatchImage(t *testing.T) {
	dir := copyCorpusSet(t, wlmBackup)
	const ps = 8192
	plain := t.TempDir()
	if _, err := RestoreFolder(context.Background(), RestoreFolderInput{Restore: dir}, &RestoreOptions{RecoverOptions: RecoverOptions{OutDir: plain}}); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(filepath.Join(plain, "WindowsMail.MSMessageStore"))
	// Page 2's image with a later dbtime.
	const pgno = 2
	img := setWLMPatchImage(t, dir, pgno, pgno, 1000)
	key := &rip.Key{Path: rip.KeyPath(rip.ServiceIS), LowLog: 1, HighLog: 1}
	regIn := filepath.Join(t.TempDir(), "rip.reg")
	regBytes := key.Marshal(rip.Regedit4)
	if err := os.WriteFile(regIn, regBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	res, err := RestoreFolder(context.Background(), RestoreFolderInput{Restore: dir, RIPFile: regIn}, &RestoreOptions{RecoverOptions: RecoverOptions{OutDir: out}})
	if err != nil {
		t.Fatalf("%v\n%+v", err, res)
	}
	got, _ := os.ReadFile(filepath.Join(out, "WindowsMail.MSMessageStore"))
	if bytes.Equal(got[(pgno+1)*ps:(pgno+2)*ps], img) || !bytes.Equal(got[(pgno+1)*ps:(pgno+2)*ps], want[(pgno+1)*ps:(pgno+2)*ps]) {
		t.Error("the patch image of page 2, which no split needs, was used")
	}
	if b, _ := os.ReadFile(regIn); !bytes.Equal(b, regBytes) {
		t.Error("input .reg modified")
	}
	rb, err := os.ReadFile(filepath.Join(out, "rip.reg"))
	if err != nil {
		t.Fatal(err)
	}
	rf, err := rip.ParseRegFile(rb)
	if err != nil {
		t.Fatal(err)
	}
	if k, err := rip.FromRegFile(rf); err != nil || !k.Recovered || rf.Format != rip.Regedit4 {
		t.Errorf("written key %+v (%v), format %v", k, err, rf.Format)
	}
	scanOK(t, filepath.Join(out, "WindowsMail.MSMessageStore"))
}

// TestRestoreHostileRestoreMap: a restore map whose destination climbs out
// of the target folder is refused before anything is written.
func TestRestoreHostileRestoreMap(t *testing.T) {
	dir := testcorpus.Path(t, wlmBackup)
	out := t.TempDir()
	_, err := RestoreFolder(context.Background(), RestoreFolderInput{Restore: dir, Maps: []MapEntry{{From: `C:\x\WindowsMail.MSMessageStore`, To: `..\..\evil.edb`}}}, &RestoreOptions{RecoverOptions: RecoverOptions{OutDir: out}})
	if err == nil {
		t.Fatal("hostile map accepted")
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Errorf("files written: %v", ents)
	}
}

// TestRestoreWLMExport: libesedb's esedbexport reads every table of the
// restored Windows Live Mail store (only the number of tables and rows is
// looked at: the store is a personal mailbox). The input copy, with its
// trailer page and dirty header, is read the same way, table for table.
func TestRestoreWLMExport(t *testing.T) {
	dir := testcorpus.Path(t, wlmBackup)
	out := t.TempDir()
	if _, err := RestoreFolder(context.Background(), RestoreFolderInput{Restore: dir}, &RestoreOptions{RecoverOptions: RecoverOptions{OutDir: out}}); err != nil {
		t.Fatal(err)
	}
	got := exportCounts(t, filepath.Join(out, "WindowsMail.MSMessageStore"))
	want := exportCounts(t, filepath.Join(dir, "WindowsMail.MSMessageStore"))
	if len(got) == 0 || len(got) != len(want) {
		t.Fatalf("%d tables exported, %d from the backup copy", len(got), len(want))
	}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("table %s: %d rows, backup copy %d", name, got[name], n)
		}
	}
	t.Logf("%d tables", len(got))
}

// TestRestorePatchImageFarPastTheEnd: a patch file whose image names a
// page far past the end of the database grows the output to hold it, as
// the engine does (a sparse file here), only when RecoverOptions.MaxFileBytes
// allows it. By default the bound is what the inputs justify (the copy's
// 258 pages, the log's pages), and past the bound the restore stops with
// ErrBadPatchPage and writes no output: the repro of issue 12 (an image
// of page 0x400000, which made a 32 GiB output) and page 20000.
func TestRestorePatchImageFarPastTheEnd(t *testing.T) {
	const ps = 8192
	for _, tc := range []struct {
		pgno uint32
		max  int64
		grow bool
	}{
		{pgno: 0x400000},
		{pgno: 20000},
		{pgno: 20000, max: 64 << 20},
		{pgno: 20000, max: 256 << 20, grow: true},
	} {
		dir := copyCorpusSet(t, wlmBackup)
		setWLMPatchImage(t, dir, 2, tc.pgno, 0) // page 2's bytes, sealed as page pgno
		out := t.TempDir()
		_, err := RestoreFolder(context.Background(), RestoreFolderInput{Restore: dir}, &RestoreOptions{RecoverOptions: RecoverOptions{OutDir: out, MaxFileBytes: tc.max}})
		if !tc.grow {
			if !errors.Is(err, ese.ErrBadPatchPage) {
				t.Errorf("page %d, limit %d: %v, want ErrBadPatchPage", tc.pgno, tc.max, err)
			}
			if left, _ := os.ReadDir(out); len(left) != 0 {
				t.Errorf("page %d, limit %d: refused restore left %d files in the output folder", tc.pgno, tc.max, len(left))
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(filepath.Join(out, "WindowsMail.MSMessageStore"))
		if err != nil {
			t.Fatal(err)
		}
		if want := int64(tc.pgno+2) * ps; st.Size() != want {
			t.Errorf("output of %d bytes, want %d (grown to hold page %d)", st.Size(), want, tc.pgno)
		}
	}
}

// setWLMPatchImage replaces the patch file of the WLM backup copied to dir
// with one holding a single image: page from's bytes (dbtime advanced by
// later), sealed as page pgno. It returns the image.
func setWLMPatchImage(t *testing.T, dir string, from, pgno uint32, later uint64) []byte {
	t.Helper()
	const ps = 8192
	db, _ := os.ReadFile(filepath.Join(dir, "WindowsMail.MSMessageStore"))
	patRaw, _ := os.ReadFile(filepath.Join(dir, "WindowsMail.pat"))
	pat, err := esepatch.Decode(patRaw)
	if err != nil {
		t.Fatal(err)
	}
	img := append([]byte{}, db[(from+1)*ps:(from+2)*ps]...)
	pg, err := redo.NewPage(img)
	if err != nil {
		t.Fatal(err)
	}
	pg.SetDBTime(pg.DBTime() + later)
	esepatch.SealImage(img, pgno)
	newPat, err := esepatch.Encode(pat.Header, ps, [][]byte{img})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "WindowsMail.pat"), newPat, 0o644); err != nil {
		t.Fatal(err)
	}
	return img
}
