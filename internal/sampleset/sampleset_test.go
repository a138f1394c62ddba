package sampleset

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esepatch"
)

// TestSample: the seven files are found from this package's folder, the
// database decompresses to 784 pages of 4 KiB in DirtyShutdown state, and
// TempDir writes the same bytes Read returns.
func TestSample(t *testing.T) {
	names, err := Names()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"SRU.chk", "SRU.log", "SRU0004E.log", "SRU0004F.log", "SRU00050.log", "SRU00051.log", "SRUDB.dat"}
	if !slices.Equal(names, want) {
		t.Fatalf("names %v, want %v", names, want)
	}
	db, err := Read(Database)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ese.ReadDBHeader(bytes.NewReader(db))
	if err != nil || len(db) != 784*4096 || c.Header.State != ese.DBStateDirtyShutdown || c.Header.GenMinRequired != 0x51 {
		t.Fatalf("database of %d bytes, header %+v, %v", len(db), c, err)
	}
	dir, err := TempDir()
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	got, err := os.ReadFile(filepath.Join(dir, Database))
	if err != nil || !bytes.Equal(got, db) {
		t.Fatalf("TempDir's %s differs (%v)", Database, err)
	}
	if err := WriteDir(dir); err == nil {
		t.Error("WriteDir replaced existing files")
	}
	if _, err := Read("missing.log"); err == nil {
		t.Error("reading a file the sample does not hold succeeded")
	}
}

// TestBackup: the copy is the database plus one trailer page, its header
// marks a full backup of 0x51 with the trailer pending, the trailer
// matches it, and the .pat is two header pages or empty.
func TestBackup(t *testing.T) {
	b, err := NewBackup()
	if err != nil {
		t.Fatal(err)
	}
	if b.Page != 4096 || len(b.DB) != 785*4096 || len(b.Logs) != 2 || b.Logs["SRU.log"] == nil || b.Logs["SRU00051.log"] == nil {
		t.Fatalf("page %d, copy of %d bytes, logs %d", b.Page, len(b.DB), len(b.Logs))
	}
	hdr, tr, state, err := esepatch.ReadBackupDatabase(bytes.NewReader(b.DB))
	if err != nil || state != esepatch.TrailerPending || tr == nil || tr.Header.Backup.GenHigh != 0x52 || hdr.CurFullBackup.GenLow != 0x51 {
		t.Fatalf("state %q, trailer %+v, %v", state, tr, err)
	}
	if n := len(b.Folder(esepatch.FormPatchFile)[BackupPatch].Data); n != 2*4096 {
		t.Errorf("classic .pat of %d bytes", n)
	}
	if n := len(b.Folder(esepatch.FormMarkerTrailer)[BackupPatch].Data); n != 0 {
		t.Errorf("marker .pat of %d bytes", n)
	}
}
