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
