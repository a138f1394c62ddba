package outfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esekit/esekit/ese"
)

func TestCreate(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(victim, []byte("victim"), 0o644)
	os.Symlink(victim, filepath.Join(dir, "link"))
	os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(dir, "dangling"))
	os.WriteFile(filepath.Join(dir, "file"), []byte("old"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	for _, tc := range []struct {
		name   string
		temp   bool
		want   error
		inputs []string
	}{
		{"link", false, ErrUnsafePath, nil},
		{"link", true, ErrUnsafePath, nil},
		{"dangling", false, ErrUnsafePath, nil},
		{"dangling", true, ErrUnsafePath, nil},
		{"file", false, fs.ErrExist, nil},
		{"sub", true, ErrUnsafePath, nil},
		{"../x", false, ErrUnsafePath, nil},
		{"..", true, ErrUnsafePath, nil},
		// A stale file that is an input (a hard link to it) is not removed.
		{"file", true, ErrUnsafePath, []string{filepath.Join(dir, "file")}},
	} {
		f, err := create(dir, tc.name, tc.temp, tc.inputs)
		if f != nil {
			f.Close()
		}
		if !errors.Is(err, tc.want) {
			t.Errorf("%s (temp %v): %v, want %v", tc.name, tc.temp, err, tc.want)
		}
		// A refusal carries JET_errInvalidPath, and says what it found in
		// words, not as a file mode.
		if tc.want == ErrUnsafePath {
			if !errors.Is(err, ese.ErrInvalidPath) || ese.CodeOf(err) != ese.ErrInvalidPath {
				t.Errorf("%s (temp %v): code %v, want -1023", tc.name, tc.temp, ese.CodeOf(err))
			}
			if strings.Contains(err.Error(), "---") {
				t.Errorf("%s (temp %v): %v shows a file mode", tc.name, tc.temp, err)
			}
		}
	}
	if b, _ := os.ReadFile(victim); string(b) != "victim" {
		t.Errorf("victim written")
	}
	if _, err := os.Lstat(filepath.Join(dir, "nowhere")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("dangling link followed")
	}
	// A stale regular file at a temporary name is replaced by a new one.
	f, err := CreateTemp(dir, "file")
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := f.Stat(); st.Size() != 0 {
		t.Errorf("stale file kept its %d bytes", st.Size())
	}
	f.Close()
}

func TestRename(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.WriteFile(a, []byte("new"), 0o644)
	os.WriteFile(b, []byte("old"), 0o644)
	if err := Rename(a, b, false); !errors.Is(err, fs.ErrExist) {
		t.Errorf("onto an existing file: %v", err)
	}
	if got, _ := os.ReadFile(b); string(got) != "old" {
		t.Errorf("replaced without asking")
	}
	if err := Rename(a, b, true, b); !errors.Is(err, ErrUnsafePath) {
		t.Errorf("onto an input: %v", err)
	}
	if err := Rename(a, b, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(b); string(got) != "new" {
		t.Errorf("not replaced when asked")
	}
	if _, err := os.Lstat(a); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("old name left")
	}
	// A rename killed between its link and its unlink is completed.
	os.Link(b, a)
	if err := Rename(a, b, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(a); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("old name left after completing a rename")
	}
	c := filepath.Join(dir, "c")
	if err := Rename(b, c, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(b); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("old name left after a no-replace rename")
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	if err := WriteFile(dir, "k", []byte("one"), false); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(dir, "k", []byte("two"), false); !errors.Is(err, fs.ErrExist) {
		t.Errorf("second write: %v", err)
	}
	if err := WriteFile(dir, "k", []byte("two"), true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "k")); string(b) != "two" {
		t.Errorf("content %q", b)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("%d files, want only k", len(ents))
	}
}

// WriteFile replaces at its temporary name only what a killed run of the
// same write left (the start of the same bytes); another file there is
// left alone and named.
func TestWriteFileStaleTemp(t *testing.T) {
	dir := t.TempDir()
	tp := filepath.Join(dir, TempName("k"))
	os.WriteFile(tp, []byte("someone's"), 0o644)
	err := WriteFile(dir, "k", []byte("the key"), false)
	if !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), tp) {
		t.Errorf("another file at the temporary name: %v", err)
	}
	if b, _ := os.ReadFile(tp); string(b) != "someone's" {
		t.Errorf("it was replaced: %q", b)
	}
	os.WriteFile(tp, []byte("the k"), 0o644)
	if err := WriteFile(dir, "k", []byte("the key"), false); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "k")); string(b) != "the key" {
		t.Errorf("k holds %q", b)
	}
}
