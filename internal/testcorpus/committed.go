package testcorpus

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// SampleSet is the corpus set the CLI embeds as its sample: the SRUM folder
// of a Windows 10 machine collected while the service ran, a DirtyShutdown
// SRUDB.dat that needs generation 0x51, its checkpoint and logs 0x4E-0x52.
const SampleSet = "museum-srum-win10-belkasoftctf-insiderthreat-dirty"

// committedSet is a corpus set whose files the module commits,
// gzip-compressed, in folders relative to the module root
// (testdata/README.md names their source).
type committedSet struct {
	dirs []string
	// whole is set when every file of the corpus folder is committed; only
	// then does Path serve the folder itself.
	whole bool
}

var committed = map[string]committedSet{
	SampleSet:                              {dirs: []string{"examples/esekit/testdata/sample", "internal/testcorpus/testdata/" + SampleSet}, whole: true},
	"museum-srum-server2022-apt-1daylater": {dirs: []string{"internal/testcorpus/testdata/museum-srum-server2022-apt-1daylater"}, whole: true},
	"museum-ntds-win2012r2":                {dirs: []string{"internal/testcorpus/testdata/museum-ntds-win2012r2"}},
	"dissect-esedb-testdbs":                {dirs: []string{"internal/testcorpus/testdata/dissect-esedb-testdbs"}, whole: true},
}

// committedMaxFile bounds one decompressed file (the largest database is
// 24 MiB).
const committedMaxFile = 32 << 20

// bigFile is the compressed size above which a committed file is only
// decompressed when a test asks for it (or its folder).
const bigFile = 1 << 20

// extracted maps a test and a set to the folder the set was written to,
// so that every Path call of one test names files of one folder.
var extracted sync.Map // extractKey -> string

type extractKey struct {
	tb  testing.TB
	set string
}

// committedPath returns the path of rel ("<set>" or "<set>/<file>") in a
// copy of a committed set written into the test's temporary folder, or ""
// when rel is not committed. Tests look for a file's neighbours beside
// it, so the first file asked for brings the set's other files along,
// except those over bigFile compressed bytes, which come when asked for
// by name or with the folder.
func committedPath(tb testing.TB, rel string) string {
	tb.Helper()
	set, file, _ := strings.Cut(filepath.ToSlash(rel), "/")
	cs, ok := committed[set]
	if !ok || strings.Contains(file, "/") || file == "." || file == ".." || (file == "" && !cs.whole) {
		return ""
	}
	root := moduleRoot()
	if root == "" {
		return ""
	}
	d := committedDir(tb, set)
	for _, sd := range cs.dirs {
		src := filepath.Join(root, filepath.FromSlash(sd))
		ents, err := os.ReadDir(src)
		if err != nil {
			return ""
		}
		for _, e := range ents {
			name, ok := strings.CutSuffix(e.Name(), ".gz")
			if !ok || !e.Type().IsRegular() {
				continue
			}
			if info, err := e.Info(); file != "" && name != file && (err != nil || info.Size() > bigFile) {
				continue
			}
			dst := filepath.Join(d, name)
			if _, err := os.Stat(dst); err == nil {
				continue
			}
			if err := gunzipFile(filepath.Join(src, e.Name()), dst); err != nil {
				tb.Fatalf("committed %s/%s: %v", sd, e.Name(), err)
			}
		}
	}
	if file == "" {
		return d
	}
	p := filepath.Join(d, file)
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// committedDir returns the test's folder for set, made once per test.
func committedDir(tb testing.TB, set string) string {
	tb.Helper()
	key := extractKey{tb, set}
	if d, ok := extracted.Load(key); ok {
		return d.(string)
	}
	d := filepath.Join(tb.TempDir(), set)
	if err := os.Mkdir(d, 0o755); err != nil {
		tb.Fatal(err)
	}
	extracted.Store(key, d)
	tb.Cleanup(func() { extracted.Delete(key) })
	return d
}

// committedFiles returns the committed files as corpus paths
// ("<set>/<file>"), sorted.
func committedFiles() []string {
	root := moduleRoot()
	if root == "" {
		return nil
	}
	var out []string
	for set, cs := range committed {
		for _, sd := range cs.dirs {
			ents, _ := os.ReadDir(filepath.Join(root, filepath.FromSlash(sd)))
			for _, e := range ents {
				if name, ok := strings.CutSuffix(e.Name(), ".gz"); ok && e.Type().IsRegular() {
					out = append(out, set+"/"+name)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// committedHead returns the first n bytes (all when n < 0) of committed
// file rel, or nil.
func committedHead(rel string, n int) []byte {
	set, file, _ := strings.Cut(rel, "/")
	cs, ok := committed[set]
	root := moduleRoot()
	if !ok || root == "" || file == "" || strings.ContainsAny(file, `/\`) {
		return nil
	}
	for _, sd := range cs.dirs {
		b, err := gunzip(filepath.Join(root, filepath.FromSlash(sd), file+".gz"), n)
		if err == nil {
			return b
		}
	}
	return nil
}

// gunzip returns the first n decompressed bytes (all when n < 0, at most
// committedMaxFile) of gzip file src.
func gunzip(src string, n int) ([]byte, error) {
	f, err := os.Open(src)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	if n < 0 || n > committedMaxFile {
		n = committedMaxFile + 1
	}
	b, err := io.ReadAll(io.LimitReader(zr, int64(n)))
	if err != nil {
		return nil, err
	}
	if len(b) > committedMaxFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", src, committedMaxFile)
	}
	return b, nil
}

// gunzipFile writes the decompressed bytes of gzip file src to the new
// file dst, read-only as the corpus files are.
func gunzipFile(src, dst string) error {
	b, err := gunzip(src, -1)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o444)
}

// moduleRoot returns the folder holding go.mod above the working
// directory, or "".
func moduleRoot() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		up := filepath.Dir(d)
		if up == d {
			return ""
		}
		d = up
	}
}
