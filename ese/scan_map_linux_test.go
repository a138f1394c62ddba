package ese

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// A file cut short while its pages are mapped gives an error wrapping
// ErrFileIOBeyondEOF, not a crash: the memory fault is recovered.
func TestScanMappedFileShrinks(t *testing.T) {
	const ps, pages = 8192, 64
	path := filepath.Join(t.TempDir(), "db.edb")
	if err := os.WriteFile(path, make([]byte, (pages+2)*ps), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := &scanContext{r: f, ps: ps, pages: pages, chunkPages: pages, trailer: -1}
	src := sc.newSource((pages + 2) * ps)
	if _, ok := src.(*mapSource); !ok {
		t.Fatalf("source %T, want a mapping", src)
	}
	defer src.close()
	if part, err := sc.scanChunk(src, make([]byte, ps), 0); err != nil || part.Uninitialized != pages {
		t.Fatalf("intact file: %+v, %v", part, err)
	}
	if err := os.Truncate(path, 4*ps); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.scanChunk(src, make([]byte, ps), 0); !errors.Is(err, ErrFileIOBeyondEOF) {
		t.Fatalf("shrunk file: %v", err)
	}
}
