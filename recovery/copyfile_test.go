package recovery

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/internal/testcorpus"
)

// TestCopyDatabase copies the committed Server 2022 SRUDB.dat (85 of its
// 160 pages are zero) through the kernel copy of an owned file and through the generic
// copy that leaves zero ranges as holes: both give the same bytes. A
// source shorter than the size given is an error.
func TestCopyDatabase(t *testing.T) {
	orig := testcorpus.Read(t, "museum-srum-server2022-apt-1daylater/SRUDB.dat")
	dir := t.TempDir()
	src := filepath.Join(dir, "src.edb")
	if err := os.WriteFile(src, orig, 0o444); err != nil {
		t.Fatal(err)
	}
	sf, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer sf.Close()
	for i, c := range []struct {
		r     io.ReaderAt
		owned bool
	}{{sf, true}, {sf, false}, {bytes.NewReader(orig), false}} {
		p := filepath.Join(dir, fmt.Sprint("out", i))
		df, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		err = copyDatabase(df, c.r, int64(len(orig)), c.owned)
		df.Close()
		if err != nil {
			t.Fatalf("copy %d: %v", i, err)
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, orig) {
			t.Errorf("copy %d (owned %v): %d bytes differ from the source", i, c.owned, len(got))
		}
	}
	df, err := os.Create(filepath.Join(dir, "short"))
	if err != nil {
		t.Fatal(err)
	}
	defer df.Close()
	if err := copyDatabase(df, bytes.NewReader(orig[:1000]), int64(len(orig)), false); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("short source: %v, want ErrUnexpectedEOF", err)
	}
}
