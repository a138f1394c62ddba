package redo

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/testcorpus"
	"github.com/esekit/esekit/internal/xpress"
)

// xpress9Vector reads NAME.x9 (the engine's Xpress9 output) and NAME.bin
// (its input) from the vectors of internal/xpress.
func xpress9Vector(t testing.TB, name string) (comp, plain []byte) {
	t.Helper()
	dir := filepath.Join("..", "xpress", "testdata", "xpress9")
	c, err := os.ReadFile(filepath.Join(dir, name+".x9"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := os.ReadFile(filepath.Join(dir, name+".bin"))
	if err != nil {
		t.Fatal(err)
	}
	return c, p
}

// TestRehydrateXpress9PreImage: RehydratePreImage decodes Xpress9
// pre-images, whole pages and dehydrated ones, from real database pages.
func TestRehydrateXpress9PreImage(t *testing.T) {
	for name, ps := range map[string]int{"indexeddb-p4": 32768, "srudb-p13": 4096, "srudb-p2": 4096} {
		c, p := xpress9Vector(t, name)
		got, err := RehydratePreImage(c, eselog.PreimageXpress, ps)
		if err != nil || !bytes.Equal(got, p) {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, ps := range map[string]int{"indexeddb-p4-dehydrated": 32768, "indexeddb-p7-dehydrated": 32768, "srudb-p15-dehydrated": 4096} {
		c, p := xpress9Vector(t, name)
		got, err := RehydratePreImage(c, eselog.PreimageXpress|eselog.PreimageDehydrated, ps)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		want, err := RehydratePreImage(p, eselog.PreimageDehydrated, ps)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %v", name, err)
		}
		pg, _ := NewPage(got)
		if err := pg.Check(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A whole 32 KiB page does not fit a 4 KiB page.
	c, _ := xpress9Vector(t, "indexeddb-p4")
	if _, err := RehydratePreImage(c, eselog.PreimageXpress, 4096); !errors.Is(err, ese.ErrLogCorrupted) {
		t.Errorf("32 KiB image for a 4 KiB page: %v", err)
	}
}

// TestLZ4RealPages round-trips every page of a real database (SRUDB.dat,
// 4 KiB pages) through EncodeLZ4 and RehydratePreImage with the
// compressed-image flag: each comes back byte for byte.
func TestLZ4RealPages(t *testing.T) {
	n, packed := 0, 0
	raw := testcorpus.Read(t, "museum-srum-server2022-apt-1daylater/SRUDB.dat")
	for off := 2 * 4096; off+4096 <= len(raw); off += 4096 {
		pg := raw[off : off+4096]
		c := xpress.EncodeLZ4(pg)
		packed += len(c)
		got, err := RehydratePreImage(c, eselog.PreimageXpress, 4096)
		if err != nil || !bytes.Equal(got, pg) {
			t.Fatalf("page at %#x: %v", off, err)
		}
		n++
	}
	if n != len(raw)/4096-2 || packed*2 > n*4096 {
		t.Errorf("%d pages packed into %d bytes: the matches path is not exercised", n, packed)
	}
}
