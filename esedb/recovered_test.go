package esedb_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/esedb"
	"github.com/esekit/esekit/internal/sampleset"
	"github.com/esekit/esekit/internal/testcorpus"
	"github.com/esekit/esekit/recovery"
)

// TestCorpusOpenRecovered reads the dirty SRUM database as it is after
// soft recovery with its logs: the copy is clean (no warning), holds the
// same tables and rows (the logs' changes are already on its pages: the
// replay redoes none), the evidence is not written, and Close removes
// the copy.
func TestCorpusOpenRecovered(t *testing.T) {
	const set = "museum-srum-win10-belkasoftctf-insiderthreat-dirty"
	path := testcorpus.Path(t, set+"/SRUDB.dat")
	before := testcorpus.Read(t, set+"/SRUDB.dat")
	dirty := openCorpus(t, set+"/SRUDB.dat")
	if len(dirty.Warnings) != 1 {
		t.Errorf("dirty database: warnings %q", dirty.Warnings)
	}
	rec, err := esedb.OpenRecovered(context.Background(), path, filepath.Dir(path), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Warnings) != 0 || !rec.Header.Consistent() || len(rec.Tables) != len(dirty.Tables) {
		t.Errorf("recovered: warnings %q, consistent %v, %d tables", rec.Warnings, rec.Header.Consistent(), len(rec.Tables))
	}
	for i, tb := range rec.Tables {
		_, a := readAll(t, rec.DB, tb.Name, nil)
		_, b := readAll(t, dirty, dirty.Tables[i].Name, nil)
		if len(a) != len(b) {
			t.Errorf("%s: %d rows recovered, %d on disk", tb.Name, len(a), len(b))
		}
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(path)
	if sha256.Sum256(before) != sha256.Sum256(after) || !bytes.Equal(before[:4096], after[:4096]) {
		t.Error("the database file changed")
	}
	if _, err := esedb.OpenRecovered(context.Background(), path, t.TempDir(), nil); err == nil {
		t.Error("recovery without logs succeeded")
	}
}

// OpenRecovered of a database in another folder than its logs, when the
// log folder holds a database of the same name, is refused before
// anything is recovered: both would be the copy's one name.
func TestOpenRecoveredTwoDatabasesOfOneName(t *testing.T) {
	logs, other := t.TempDir(), t.TempDir()
	if err := sampleset.WriteDir(logs); err != nil {
		t.Skip(err)
	}
	b, _ := os.ReadFile(filepath.Join(logs, sampleset.Database))
	p := filepath.Join(other, sampleset.Database)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := esedb.OpenRecovered(context.Background(), p, logs, nil)
	if err == nil {
		r.Close()
	}
	if !errors.Is(err, recovery.ErrSameOutputName) {
		t.Errorf("%v, want recovery.ErrSameOutputName", err)
	}
}

// The recovered copy lives in a folder only its owner can read, and Close
// removes it (a second Close is harmless); a failed open leaves nothing.
func TestOpenRecoveredTempFolder(t *testing.T) {
	logs := t.TempDir()
	if err := sampleset.WriteDir(logs); err != nil {
		t.Skip(err)
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	r, err := esedb.OpenRecovered(context.Background(), filepath.Join(logs, sampleset.Database), logs, nil)
	if err != nil {
		t.Fatal(err)
	}
	dirs, _ := filepath.Glob(filepath.Join(tmp, "esedb-recovered-*"))
	if len(dirs) != 1 {
		t.Fatalf("temporary folders %q", dirs)
	}
	if st, err := os.Stat(dirs[0]); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("temporary folder mode %v (%v), want 0700", st.Mode().Perm(), err)
	}
	// Made read-only meanwhile: still removed.
	os.Chmod(dirs[0], 0o500)
	if err := r.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := os.Lstat(dirs[0]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the recovered copy is still there (%v)", err)
	}
	if _, err := esedb.OpenRecovered(context.Background(), filepath.Join(logs, sampleset.Database), t.TempDir(), nil); err == nil {
		t.Fatal("recovery without logs succeeded")
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "esedb-recovered-*")); len(left) != 0 {
		t.Errorf("a failed open left %q", left)
	}
}

// The log folder named through a symbolic link to the database's folder
// is the same folder: the database is planned once, not twice (-1216).
func TestOpenRecoveredLinkedLogFolder(t *testing.T) {
	set := t.TempDir()
	if err := sampleset.WriteDir(set); err != nil {
		t.Skip(err)
	}
	link := filepath.Join(t.TempDir(), "srumlink")
	if err := os.Symlink(set, link); err != nil {
		t.Skip(err)
	}
	r, err := esedb.OpenRecovered(context.Background(), filepath.Join(set, sampleset.Database), link, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if n := len(r.Result.Databases); n != 1 || !r.Header.Consistent() {
		t.Errorf("%d databases recovered, consistent %v", n, r.Header.Consistent())
	}
}
