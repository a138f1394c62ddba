package esepatch

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/testcorpus"
	"github.com/google/go-cmp/cmp"
)

func readDB(t *testing.T, rel string) (*ese.DBHeader, []byte) {
	t.Helper()
	b := testcorpus.Read(t, rel)
	hc, err := ese.ReadDBHeader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return hc.Header, b
}

func readPat(t *testing.T, rel string) *File {
	t.Helper()
	f, err := Decode(testcorpus.Read(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// The Windows Live Mail streaming backup: the database copy ends with a
// trailer page identical to the .pat header page, and its header's
// CurFullBackup (offset 184) has GenLow 1, GenHigh 0 and the same mark.
func TestBackupTrailerCorpus(t *testing.T) {
	const rel = "wlm-danyquenneville-backup/WindowsMail.MSMessageStore"
	db, b := readDB(t, rel)
	if len(b) != 2121728 || len(b)%8192 != 0 {
		t.Fatalf("size %d", len(b))
	}
	if db.CurFullBackup.GenLow != 1 || db.CurFullBackup.GenHigh != 0 || db.CurFullBackup.Mark != (ese.LogPos{Generation: 1, Sector: 2, Offset: 0xC3E}) {
		t.Errorf("CurFullBackup %+v", db.CurFullBackup)
	}
	if st := StateOf(db); st != TrailerPending {
		t.Errorf("state %s", st)
	}
	db2, tr, st, err := ReadBackupDatabase(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if st != TrailerPending || tr == nil || db2.DbSignature != db.DbSignature {
		t.Fatalf("state %s trailer %v", st, tr)
	}
	if tr.Offset != int64(len(b)-8192) || tr.PageSize != 8192 {
		t.Errorf("trailer at %d size %d", tr.Offset, tr.PageSize)
	}
	if tr.Header.Checksum != 0x82A14D83 || tr.Header.Backup.GenLow != 1 || tr.Header.Backup.GenHigh != 1 || tr.Header.LogSignature.Random != 0x0004B4A1 {
		t.Errorf("trailer header %+v", tr.Header)
	}
	// The trailer page is byte for byte the .pat header page.
	pat := testcorpus.Read(t, "wlm-danyquenneville-backup/WindowsMail.pat")
	if !bytes.Equal(tr.Raw, pat[:8192]) {
		t.Error("trailer page differs from the .pat header page")
	}
	if !bytes.Equal(tr.Header.Encode(8192), tr.Raw) {
		t.Error("trailer does not re-encode byte-exact")
	}
	// And the .pat file matches the database.
	f := readPat(t, "wlm-danyquenneville-backup/WindowsMail.pat")
	c := Compare(db, f.Header)
	if d := cmp.Diff(Comparison{BackupCopy: true, DBSignature: true, LogSignature: true, Mark: true, GenHighSet: true}, c); d != "" {
		t.Error(d)
	}
	if err := Match(db, f.Header); err != nil {
		t.Error(err)
	}
	// Merge the trailer as the engine does before hard recovery.
	m := *db
	if err := MergeTrailer(&m, tr.Header); err != nil {
		t.Fatal(err)
	}
	if m.CurFullBackup.GenHigh != 1 || m.GenMaxRequired != 1 || m.GenMaxCommitted != 1 || m.GenMinConsistent != m.GenMinRequired || StateOf(&m) != TrailerMerged {
		t.Errorf("merged header: CurFullBackup %+v GenMaxRequired %d GenMaxCommitted %d", m.CurFullBackup, m.GenMaxRequired, m.GenMaxCommitted)
	}
	// Hard recovery of this set has not replayed log 1 yet: the database is
	// dirty and needs generation 1. The patch file is empty, so its data is
	// never needed.
	pr := HardRecoveryFinished(f.Header, len(f.Images), Replay{DB: db})
	if pr.Finished || pr.PatchDataNeeded || pr.MissingCount != 1 || pr.LogGen != "1-1" {
		t.Errorf("progress %+v", pr)
	}
}

// The Windows 7 mail store: a live database (not a backup copy) next to
// the empty .pat left by a backup taken of it; the .pat's mark is the
// database's PrevFullBackup mark.
func TestLiveDatabaseCorpus(t *testing.T) {
	db, b := readDB(t, "wlm-kimberli13/WindowsMail.MSMessageStore")
	f := readPat(t, "wlm-kimberli13/WindowsMail.pat")
	c := Compare(db, f.Header)
	if !c.Belongs() || c.BackupCopy || !c.PrevFullBackup {
		t.Errorf("comparison %+v", c)
	}
	err := Match(db, f.Header)
	if !errors.Is(err, ese.ErrRestoreOfNonBackupDatabase) {
		t.Errorf("live database: %v, want -615", err)
	}
	if st := StateOf(db); st != TrailerNotBackup {
		t.Errorf("state %s", st)
	}
	_, tr, st, err := ReadBackupDatabase(bytes.NewReader(b))
	if err != nil || tr != nil || st != TrailerNotBackup {
		t.Errorf("ReadBackupDatabase: %v %v %s", tr, err, st)
	}
	// Its last page is zero: no trailer.
	if _, err := ReadTrailer(bytes.NewReader(b), int64(len(b)), 8192); !errors.Is(err, ese.ErrBadPatchPage) {
		t.Errorf("zero last page: %v", err)
	}
	// A clean database consistent at or after the backup's last log: hard
	// recovery of that backup is long finished.
	if db.State != ese.DBStateCleanShutdown {
		t.Fatalf("state %v", db.State)
	}
	pr := HardRecoveryFinished(f.Header, 0, Replay{DB: db})
	if !pr.Finished || pr.PatchDataNeeded {
		t.Errorf("progress %+v", pr)
	}
}

func TestMismatch(t *testing.T) {
	db, _ := readDB(t, "wlm-danyquenneville-backup/WindowsMail.MSMessageStore")
	other := readPat(t, "wlm-kimberli13/WindowsMail.pat") // another database and log stream
	err := Match(db, other.Header)
	if !errors.Is(err, ese.ErrDatabasePatchFileMismatch) {
		t.Fatalf("%v, want -552", err)
	}
	for _, want := range []string{"database signature differs", "log signature differs", "backup mark differs"} {
		if !bytes.Contains([]byte(err.Error()), []byte(want)) {
			t.Errorf("%q missing from %v", want, err)
		}
	}
	own := readPat(t, "wlm-danyquenneville-backup/WindowsMail.pat")
	h := *own.Header
	h.Backup.GenHigh = 0
	if err := Match(db, &h); !errors.Is(err, ese.ErrDatabasePatchFileMismatch) {
		t.Errorf("GenHigh 0: %v", err)
	}
	h = *own.Header
	h.Backup.Mark.Offset++
	if err := Match(db, &h); !errors.Is(err, ese.ErrDatabasePatchFileMismatch) {
		t.Errorf("mark: %v", err)
	}
	// A bad trailer checksum is -535.
	_, b := readDB(t, "wlm-danyquenneville-backup/WindowsMail.MSMessageStore")
	bad := append([]byte{}, b...)
	bad[len(bad)-8192+50] ^= 1
	if _, _, _, err := ReadBackupDatabase(bytes.NewReader(bad)); !errors.Is(err, ese.ErrBadPatchPage) {
		t.Errorf("bad trailer: %v", err)
	}
	if err := MergeTrailer(db, other.Header); !errors.Is(err, ese.ErrDatabasePatchFileMismatch) {
		t.Errorf("merge mismatch: %v", err)
	}
}

func TestHardRecoveryFinishedSeed(t *testing.T) {
	h := seedHeader() // Log Gen 36-3f
	var gens []ese.Generation
	for g := ese.Generation(0x36); g <= 0x3f; g++ {
		gens = append(gens, g)
	}
	pr := HardRecoveryFinished(h, 3, Replay{Generations: gens})
	if !pr.Finished || pr.PatchDataNeeded || pr.MissingCount != 0 || pr.LogGen != "36-3f" {
		t.Errorf("all replayed: %+v", pr)
	}
	// Replay stopped after Edb0003b.log: 3c..3f are still needed, and with
	// it the patch data (3 page images = 3 corrupt pages if skipped).
	pr = HardRecoveryFinished(h, 3, Replay{Generations: gens[:6]})
	if pr.Finished || !pr.PatchDataNeeded || pr.MissingCount != 4 || !cmp.Equal(pr.Missing, []ese.Generation{0x3c, 0x3d, 0x3e, 0x3f}) {
		t.Errorf("partial: %+v", pr)
	}
	if pr.Reason != "4 of logs 36-3f not replayed (first: Edb0003c.log)" {
		t.Errorf("reason %q", pr.Reason)
	}
	// An empty patch file is never needed.
	if pr := HardRecoveryFinished(h, 0, Replay{Generations: gens[:2]}); pr.PatchDataNeeded {
		t.Errorf("empty patch: %+v", pr)
	}
	// No evidence at all.
	if pr := HardRecoveryFinished(h, 1, Replay{}); pr.Finished || pr.MissingCount != 10 || !pr.PatchDataNeeded {
		t.Errorf("no evidence: %+v", pr)
	}
	// Database header evidence: dirty, needing logs from 0x40 on.
	db := &ese.DBHeader{State: ese.DBStateDirtyShutdown, GenMinRequired: 0x40}
	if pr := HardRecoveryFinished(h, 1, Replay{DB: db}); !pr.Finished {
		t.Errorf("min required past the range: %+v", pr)
	}
	db.GenMinRequired = 0x3a
	if pr := HardRecoveryFinished(h, 1, Replay{DB: db}); pr.Finished {
		t.Errorf("min required inside the range: %+v", pr)
	}
	db = &ese.DBHeader{State: ese.DBStateCleanShutdown, ConsistentPos: ese.LogPos{Generation: 0x3f, Sector: 9}}
	if pr := HardRecoveryFinished(h, 1, Replay{DB: db}); !pr.Finished {
		t.Errorf("clean at 3f: %+v", pr)
	}
	// A header without a range.
	if pr := HardRecoveryFinished(&Header{}, 1, Replay{Generations: gens}); pr.Finished {
		t.Errorf("no range: %+v", pr)
	}
}

func TestNames(t *testing.T) {
	if got := PatchName(`E:\EXCHSRVR\MDBDATA\PRIV.EDB`); got != `E:\EXCHSRVR\MDBDATA\PRIV.pat` {
		t.Error(got)
	}
	if got := PatchName("dir/WindowsMail.MSMessageStore"); got != "dir/WindowsMail.pat" {
		t.Error(got)
	}
	got, err := FindPatchFiles([]string{"edb00036.log", "PRIV.PAT", "PUB.pat", "edb.chk"})
	if err != nil || !cmp.Equal(got, []string{"PRIV.PAT", "PUB.pat"}) {
		t.Errorf("%v %v", got, err)
	}
	if _, err := FindPatchFiles([]string{"edb00036.log"}); !errors.Is(err, ese.ErrPatchFileMissing) {
		t.Errorf("no .pat: %v, want -538", err)
	}
}

func TestReadTrailerErrors(t *testing.T) {
	if _, err := ReadTrailer(bytes.NewReader(make([]byte, 8192)), 8192, 8192); !errors.Is(err, ese.ErrBadPatchPage) {
		t.Errorf("short: %v", err)
	}
	if _, err := ReadTrailer(bytes.NewReader(nil), 0, 1000); err == nil {
		t.Error("bad page size")
	}
	if _, err := os.Stat("."); err != nil {
		t.Fatal(err)
	}
}
