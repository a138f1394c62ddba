// Package testcorpus finds the shared corpus of real ESE files for tests.
// The corpus lives at ../shared/corpus relative to the module root; tests
// skip, with a message saying so, when it is absent.
//
// Two environment variables steer it:
//
//   - ESEKIT_CORPUS names the corpus folder instead. "none", or any value
//     that is not an existing folder, means "no corpus": the run then
//     measures what a fresh clone of the module tests.
//   - ESEKIT_REQUIRE_CORPUS=1 turns every skip for a missing corpus file
//     into a test failure. CI sets it on its corpus run, so that a test
//     whose file moved or was renamed cannot go quiet.
//
// Without the corpus, Path, Read and CopySet still serve the files of the
// sets the module commits under testdata (see committed.go).
package testcorpus

import (
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

var (
	once sync.Once
	dir  string
)

// Dir returns the corpus directory, or "" when it cannot be found. It walks
// up from the working directory to the module root (the folder holding
// go.mod) and looks for ../shared/corpus beside it. ESEKIT_CORPUS overrides;
// "none" or a value that is not a folder means no corpus.
func Dir() string {
	once.Do(func() {
		if d := os.Getenv("ESEKIT_CORPUS"); d != "" {
			if st, err := os.Stat(d); err == nil && st.IsDir() {
				dir = filepath.Clean(d)
			}
			return
		}
		if root := moduleRoot(); root != "" {
			c := filepath.Join(root, "..", "shared", "corpus")
			if st, err := os.Stat(c); err == nil && st.IsDir() {
				dir = filepath.Clean(c)
			}
		}
	})
	return dir
}

// Path returns the path of rel inside the corpus, skipping the test when the
// corpus or the file is missing.
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	d := Dir()
	if d == "" {
		if p := committedPath(tb, rel); p != "" {
			return p
		}
		skip(tb, "corpus not found (expected ../shared/corpus beside the module root); skipping test that needs %s", rel)
	}
	p := filepath.Join(d, filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		skip(tb, "corpus file %s not available: %v", rel, err)
	}
	return p
}

// skip skips the test, or fails it when ESEKIT_REQUIRE_CORPUS=1.
func skip(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if os.Getenv("ESEKIT_REQUIRE_CORPUS") == "1" {
		tb.Fatalf("ESEKIT_REQUIRE_CORPUS=1: "+format, args...)
	}
	tb.Skipf(format, args...)
}

// Read returns the bytes of corpus file rel, skipping the test when absent.
func Read(tb testing.TB, rel string) []byte {
	tb.Helper()
	b, err := os.ReadFile(Path(tb, rel))
	if err != nil {
		tb.Fatalf("read %s: %v", rel, err)
	}
	return b
}

// Files returns every regular file of the corpus as slash paths relative to
// its root (e.g. "appdata/edb.log"), skipping the test when it is absent
// (tests over every file assert figures of the whole corpus).
func Files(tb testing.TB) []string {
	tb.Helper()
	d := Dir()
	if d == "" {
		skip(tb, "corpus not found (expected ../shared/corpus beside the module root)")
	}
	var out []string
	filepath.WalkDir(d, func(p string, e os.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() && filepath.Ext(p) != ".md" {
			rel, _ := filepath.Rel(d, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out
}

// Glob returns the corpus files, as slash paths relative to the corpus root
// ("appdata/edb.log"), in any set folder whose base name matches pattern
// (filepath.Match syntax: "*.chk", "edb*.log"), sorted; MANIFEST-style .md
// files are left out. Without the corpus it matches the files of the sets
// the module commits. It never skips: fuzz targets use it to add seeds,
// and must still run without the corpus.
func Glob(pattern string) []string {
	d := Dir()
	if d == "" {
		var out []string
		for _, rel := range committedFiles() {
			if ok, _ := path.Match(pattern, path.Base(rel)); ok {
				out = append(out, rel)
			}
		}
		return out
	}
	paths, _ := filepath.Glob(filepath.Join(d, "*", pattern))
	var out []string
	for _, p := range paths {
		if filepath.Ext(p) == ".md" {
			continue
		}
		if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
			continue
		}
		rel, err := filepath.Rel(d, p)
		if err == nil {
			out = append(out, filepath.ToSlash(rel))
		}
	}
	return out
}

// Head returns the first n bytes of corpus file rel (all of it when n < 0
// or the file is shorter), or nil when the file is absent (without the
// corpus, when it is not a committed file). Like Glob it never skips; it
// reads no more than n bytes.
func Head(rel string, n int) []byte {
	d := Dir()
	if d == "" {
		return committedHead(rel, n)
	}
	f, err := os.Open(filepath.Join(d, filepath.FromSlash(rel)))
	if err != nil {
		return nil
	}
	defer f.Close()
	if n < 0 {
		b, err := io.ReadAll(f)
		if err != nil {
			return nil
		}
		return b
	}
	b := make([]byte, n)
	k, err := io.ReadFull(f, b)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil
	}
	return b[:k]
}

// CopySet copies the regular files of corpus set folder set (e.g.
// "appdata") into a fresh temporary folder and returns its path, leaving
// out the files named in skip. Tests that change, remove or add files (log
// sets, recovery) work on the copy and never on the corpus. It skips the
// test when the corpus or the set is absent.
func CopySet(tb testing.TB, set string, skip ...string) string {
	tb.Helper()
	src := Path(tb, set)
	dst := tb.TempDir()
	ents, err := os.ReadDir(src)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range ents {
		if !e.Type().IsRegular() || slices.Contains(skip, e.Name()) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dst
}
