package recovery

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/sampleset"
	"github.com/esekit/esekit/internal/testset"
)

// splitSample writes the dirty sample to a log folder la and moves its
// database to a database folder lb; with logCopy a copy of the database
// also stands as lb/SRU.log (a name the log folder has).
func splitSample(t *testing.T, logCopy bool) (la, lb string) {
	t.Helper()
	la, lb = t.TempDir(), t.TempDir()
	if err := sampleset.WriteDir(la); err != nil {
		t.Skip(err)
	}
	db := filepath.Join(lb, sampleset.Database)
	if err := os.Rename(filepath.Join(la, sampleset.Database), db); err != nil {
		t.Fatal(err)
	}
	if !logCopy {
		return la, lb
	}
	b, _ := os.ReadFile(db)
	if err := os.WriteFile(filepath.Join(lb, "SRU.log"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return la, lb
}

// An output folder that is an input folder, or inside one, is refused
// before anything is written, even with Overwrite: the log just replayed,
// the checkpoint and the database must stay as they are.
func TestRecoverRefusesInputFolderAsOutput(t *testing.T) {
	la, lb := splitSample(t, true)
	before, beforeB := testset.HashDir(t, la), testset.HashDir(t, lb)
	for _, out := range []string{la, lb, filepath.Join(la, "sub", "deeper")} {
		res, err := RecoverFolder(context.Background(), FolderInput{Logs: la, Databases: []string{lb}},
			&RecoverOptions{OutDir: out, Overwrite: true})
		if !errors.Is(err, ErrOutputIsInput) || !errors.Is(err, ErrUnsafePath) || ese.CodeOf(err) != ese.ErrInvalidPath {
			t.Errorf("OutDir %s: %v (result %v), want ErrOutputIsInput with -1023", out, err, res != nil)
		}
	}
	if _, err := os.Lstat(filepath.Join(la, "sub")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a folder was created inside the log folder")
	}
	for name, h := range testset.HashDir(t, la) {
		if before[name] != h {
			t.Errorf("log folder: %s changed", name)
		}
	}
	for name, h := range testset.HashDir(t, lb) {
		if beforeB[name] != h {
			t.Errorf("database folder: %s changed", name)
		}
	}
	if len(testset.HashDir(t, la)) != len(before) {
		t.Errorf("log folder: files added")
	}

	// Through a symbolic link to the log folder too.
	link := filepath.Join(t.TempDir(), "logs")
	if err := os.Symlink(la, link); err == nil {
		_, err := RecoverFolder(context.Background(), FolderInput{Logs: la, Databases: []string{lb}},
			&RecoverOptions{OutDir: filepath.Join(link, "out"), Overwrite: true})
		if !errors.Is(err, ErrOutputIsInput) {
			t.Errorf("OutDir through a link: %v", err)
		}
	}
}

// Every output name is checked against every input file, the logs and the
// checkpoint included, not only the databases: an output name that is a
// hard link to the checkpoint is not replaced even with Overwrite.
func TestRecoverOutputNameIsNoInputFile(t *testing.T) {
	la, lb := splitSample(t, false)
	out := t.TempDir()
	for _, in := range []string{filepath.Join(la, sampleset.Checkpoint), filepath.Join(la, "SRU.log")} {
		dst := filepath.Join(out, sampleset.Database)
		os.Remove(dst)
		if err := os.Link(in, dst); err != nil {
			t.Skip(err)
		}
		_, err := RecoverFolder(context.Background(), FolderInput{Logs: la, Databases: []string{lb}},
			&RecoverOptions{OutDir: out, Overwrite: true})
		if !errors.Is(err, ErrUnsafePath) {
			t.Errorf("output %s linked to %s: %v, want ErrUnsafePath", dst, in, err)
		}
		if st, _ := os.Stat(dst); st == nil || !sameFile(dst, in) {
			t.Errorf("%s replaced", dst)
		}
	}
}

func TestOSDirs(t *testing.T) {
	d := t.TempDir()
	sub, err := fs.Sub(os.DirFS(d), "a/b")
	if err != nil {
		t.Fatal(err)
	}
	u := &unionFS{layers: []fs.FS{&heldFS{FS: os.DirFS(d)}, sub}}
	got := osDirs(u)
	want := []string{d, filepath.Join(d, "a", "b")}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("osDirs = %q, want %q", got, want)
	}
}

// Two databases of one file name in different folders would both be
// written as OutDir/SRUDB.dat: the run is refused before it writes
// anything, naming both (the second's temporary file once removed the
// first's as stale, and the output held the wrong bytes).
func TestRecoverRefusesTwoDatabasesOfOneName(t *testing.T) {
	la, other := t.TempDir(), t.TempDir()
	if err := sampleset.WriteDir(la); err != nil {
		t.Skip(err)
	}
	b, _ := os.ReadFile(filepath.Join(la, sampleset.Database))
	if err := os.WriteFile(filepath.Join(other, sampleset.Database), b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "dup")
	_, err := RecoverFolder(context.Background(), FolderInput{Logs: la, Databases: []string{other}}, &RecoverOptions{OutDir: out})
	if !errors.Is(err, ErrSameOutputName) || ese.CodeOf(err) != ese.ErrInvalidParameter {
		t.Fatalf("%v, want ErrSameOutputName (-1003)", err)
	}
	for _, p := range []string{filepath.Join(la, sampleset.Database), filepath.Join(other, sampleset.Database)} {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("%v does not name %s", err, p)
		}
	}
	if _, err := os.Lstat(out); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the output folder was created")
	}
}
