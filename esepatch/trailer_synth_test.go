package esepatch_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/testset"
)

// TestBackupTrailerSample is TestBackupTrailerCorpus over testset's backup
// set: the copy is a pending streaming backup of logs 0x51-0x52 whose
// last 4 KiB page is the trailer built from its patch header (byte for
// byte), the patch header belongs to the copy and matches it field by
// field, merging the trailer sets GenHigh and the required range, and
// before any replay hard recovery still needs both logs.
func TestBackupTrailerSample(t *testing.T) {
	s := testset.SampleBackup(t)
	db, tr, st, err := esepatch.ReadBackupDatabase(bytes.NewReader(s.DB))
	if err != nil {
		t.Fatal(err)
	}
	if st != esepatch.TrailerPending || tr == nil || esepatch.StateOf(db) != esepatch.TrailerPending {
		t.Fatalf("state %s trailer %v", st, tr)
	}
	if db.CurFullBackup.GenLow != 0x51 || db.CurFullBackup.GenHigh != 0 || db.CurFullBackup.Mark != (ese.LogPos{Generation: 0x51, Sector: 8}) {
		t.Errorf("CurFullBackup %+v", db.CurFullBackup)
	}
	if tr.Offset != int64(len(s.DB)-4096) || tr.PageSize != 4096 || !bytes.Equal(tr.Raw, s.Patch.Encode(4096)) {
		t.Errorf("trailer at %d, %d-byte page, bytes equal %v", tr.Offset, tr.PageSize, bytes.Equal(tr.Raw, s.Patch.Encode(4096)))
	}
	if tr.Header.Backup.GenLow != 0x51 || tr.Header.Backup.GenHigh != 0x52 || tr.Header.LogSignature.Random != 0xA3DD42DE ||
		tr.Header.DBSignature != db.DbSignature || tr.Header.LogGen() != "51-52" {
		t.Errorf("trailer header %+v", tr.Header)
	}
	c := esepatch.Compare(db, tr.Header)
	if want := (esepatch.Comparison{BackupCopy: true, DBSignature: true, LogSignature: true, Mark: true, GenHighSet: true}); c != want {
		t.Errorf("comparison %+v, want %+v", c, want)
	}
	if err := esepatch.Match(db, tr.Header); err != nil || !c.Belongs() {
		t.Errorf("match: %v", err)
	}
	m := *db
	if err := esepatch.MergeTrailer(&m, tr.Header); err != nil {
		t.Fatal(err)
	}
	if m.CurFullBackup.GenHigh != 0x52 || m.GenMinConsistent != m.GenMinRequired || esepatch.StateOf(&m) != esepatch.TrailerMerged {
		t.Errorf("merged: CurFullBackup %+v, GenMinConsistent %d GenMinRequired %d", m.CurFullBackup, m.GenMinConsistent, m.GenMinRequired)
	}
	if pr := esepatch.HardRecoveryFinished(tr.Header, 0, esepatch.Replay{DB: db}); pr.Finished || pr.PatchDataNeeded || pr.LogGen != "51-52" {
		t.Errorf("progress %+v", pr)
	}
}

// TestMismatchSample: the patch header of another database or another log
// stream does not belong to the copy (-1413 JET_errDatabasePatchFileMismatch);
// the sample's own database, not a backup copy, has no trailer (its last
// page is no patch page) and is refused for hard recovery (-615).
func TestMismatchSample(t *testing.T) {
	s := testset.SampleBackup(t)
	db, _, _, err := esepatch.ReadBackupDatabase(bytes.NewReader(s.DB))
	if err != nil {
		t.Fatal(err)
	}
	for _, edit := range []func(h *esepatch.Header){
		func(h *esepatch.Header) { h.DBSignature.Random++ },
		func(h *esepatch.Header) { h.LogSignature.Random++ },
	} {
		h := s.Patch
		edit(&h)
		if err := esepatch.Match(db, &h); !errors.Is(err, ese.ErrDatabasePatchFileMismatch) {
			t.Errorf("foreign patch header: %v", err)
		}
	}
	live := s.DB[:len(s.DB)-s.Page]
	orig, err := ese.ReadDBHeader(bytes.NewReader(live))
	if err != nil {
		t.Fatal(err)
	}
	h := *orig.Header
	h.CurFullBackup = ese.BackupInfo{}
	if st := esepatch.StateOf(&h); st != esepatch.TrailerNotBackup {
		t.Errorf("state %s", st)
	}
	if err := esepatch.Match(&h, &s.Patch); !errors.Is(err, ese.ErrRestoreOfNonBackupDatabase) {
		t.Errorf("live database: %v, want -615", err)
	}
	if _, err := esepatch.ReadTrailer(bytes.NewReader(live), int64(len(live)), s.Page); !errors.Is(err, ese.ErrBadPatchPage) {
		t.Errorf("last page of the database: %v", err)
	}
}
