package testcorpus

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// SampleSet is the corpus set the module commits: the SRUM folder of
// Windows 10 collected while the service ran (AndrewRathbun's
// DFIRArtifactMuseum, the Belkasoft CTF "insider threat" image): a
// DirtyShutdown SRUDB.dat that needs generation 0x51, its checkpoint and
// logs 0x4E-0x52 (SRU.log is the current one). The CLI embeds those,
// gzip-compressed, under examples/esekit/testdata/sample; the rest of the
// folder (flush map, reserve logs, SRUtmp.log) is under this package's
// testdata/sample-rest. The bytes are those of the corpus files.
const SampleSet = "museum-srum-win10-belkasoftctf-insiderthreat-dirty"

// sampleDirs are the committed sample's folders, relative to the module
// root.
var sampleDirs = []string{"examples/esekit/testdata/sample", "internal/testcorpus/testdata/sample-rest"}

// sampleMaxFile bounds one decompressed sample file (the database is
// 3 MiB).
const sampleMaxFile = 16 << 20

// extracted maps a test to the folder its sample copy was written to, so
// that every Path call of one test names files of one folder.
var extracted sync.Map // testing.TB -> string

// samplePath returns the path of rel ("<SampleSet>" or
// "<SampleSet>/<file>") in a copy of the committed sample written into the
// test's temporary folder, or "" when rel is not in the sample or the
// sample cannot be read.
func samplePath(tb testing.TB, rel string) string {
	tb.Helper()
	set, file, _ := strings.Cut(filepath.ToSlash(rel), "/")
	if set != SampleSet || strings.Contains(file, "/") || file == "." || file == ".." {
		return ""
	}
	d := sampleCopy(tb)
	if d == "" {
		return ""
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

// sampleCopy decompresses the committed sample into a folder of the test's
// own (once per test) and returns it, or "" when the module root or the
// sample is not found.
func sampleCopy(tb testing.TB) string {
	tb.Helper()
	if d, ok := extracted.Load(tb); ok {
		return d.(string)
	}
	root := moduleRoot()
	if root == "" {
		return ""
	}
	dst := filepath.Join(tb.TempDir(), SampleSet)
	if err := os.Mkdir(dst, 0o755); err != nil {
		tb.Fatal(err)
	}
	for _, sd := range sampleDirs {
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
			if err := gunzipFile(filepath.Join(src, e.Name()), filepath.Join(dst, name)); err != nil {
				tb.Fatalf("sample %s: %v", e.Name(), err)
			}
		}
	}
	extracted.Store(tb, dst)
	tb.Cleanup(func() { extracted.Delete(tb) })
	return dst
}

// gunzipFile writes the decompressed bytes of gzip file src to the new
// file dst.
func gunzipFile(src, dst string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(io.LimitReader(zr, sampleMaxFile+1))
	if err != nil {
		return err
	}
	if len(b) > sampleMaxFile {
		return fmt.Errorf("larger than %d bytes", sampleMaxFile)
	}
	return os.WriteFile(dst, b, 0o444) // read-only, as the corpus is
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
