package recovery

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/sampleset"
)

// backupFolder writes the sample backup set (sampleset.NewBackup: the
// database copy with its trailer page, GenLow 0x51 and GenHigh 0 in its
// header, the trailer's GenHigh 0x52, and logs 0x51-0x52) into a new
// folder, as a soft-recovery folder.
func backupFolder(t *testing.T) (string, *sampleset.Backup) {
	t.Helper()
	b, err := sampleset.NewBackup()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for n, f := range b.Logs {
		if err := os.WriteFile(filepath.Join(dir, n), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, sampleset.BackupDatabase), b.DB, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, b
}

// TestSoftRecoveryMergesTrailer: soft recovery allowed on a backup copy
// does what the engine does at attach (ErrDBUpdateHeaderFromTrailer):
// the trailer's GenHigh 0x52 goes into the header and the trailer page
// (the last page) is zeroed. Without undo the output stays a backup copy
// with GenHigh 0x52, and, as in the engine, soft recovery of it then
// needs no switch.
func TestSoftRecoveryMergesTrailer(t *testing.T) {
	dir, b := backupFolder(t)
	last := int64(len(b.DB) - b.Page)
	if bin.IsZero(b.DB[last:]) {
		t.Fatal("the input has no trailer page")
	}
	_, err, out := recoverDir(t, dir, sampleset.BackupDatabase, Switches{})
	if !errors.Is(err, ese.ErrSoftRecoveryOnBackupDatabase) {
		t.Fatalf("without the switch: %v", err)
	}
	_, err, out = recoverDir(t, dir, sampleset.BackupDatabase, Switches{AllowBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(b.DB) || !bin.IsZero(out[last:]) {
		t.Errorf("allow backup: output of %d bytes (input %d), last page zero %v", len(out), len(b.DB), len(out) == len(b.DB) && bin.IsZero(out[last:]))
	}
	h, err := ese.DecodeDBHeader(out)
	if err != nil || h.State != ese.DBStateCleanShutdown {
		t.Errorf("allow backup: header %v %+v", err, h)
	}

	_, err, out = recoverDir(t, dir, sampleset.BackupDatabase, Switches{WithoutUndo: true})
	if err != nil {
		t.Fatal(err)
	}
	h, err = ese.DecodeDBHeader(out)
	if err != nil || h.CurFullBackup.GenLow != 0x51 || h.CurFullBackup.GenHigh != 0x52 || len(out) != len(b.DB) || !bin.IsZero(out[last:]) {
		t.Fatalf("without undo: %v GenLow 0x%X GenHigh 0x%X; %d bytes", err, h.CurFullBackup.GenLow, h.CurFullBackup.GenHigh, len(out))
	}
	if err := os.WriteFile(filepath.Join(dir, sampleset.BackupDatabase), out, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err, again := recoverDir(t, dir, sampleset.BackupDatabase, Switches{})
	if err != nil || res.Error != 0 {
		t.Fatalf("recovering the without-undo output: %v", err)
	}
	if h, err := ese.DecodeDBHeader(again); err != nil || h.State != ese.DBStateCleanShutdown {
		t.Errorf("recovered again: %v", err)
	}
}
