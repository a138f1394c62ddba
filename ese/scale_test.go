package ese_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/scalegen"
)

// damagedDatabase writes a generated database of 300 pages of ps bytes
// and damages four pages: page 5 all zero, page 17 one flipped bit (byte
// 1000, bit 3), page 40 overwritten, page 60 holding page 61. It returns
// the path and the bytes.
func damagedDatabase(t *testing.T, ps int) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "db.edb")
	if err := scalegen.Database(path, scalegen.DBSpec{PageSize: ps, Pages: 300}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := func(n int) []byte { return b[(n+1)*ps : (n+2)*ps] }
	clear(page(5))
	page(17)[1000] ^= 1 << 3
	copy(page(40)[100:], "overwritten with text that no checksum covers")
	copy(page(60), page(61))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, b
}

// TestScanGeneratedDatabase is the CI version of the whole-file verify
// scale run: a generated database verifies page for page with the same
// result from an *os.File (mapped one chunk at a time on Linux) and from
// memory, for small pages whose chunks start off a memory-page boundary
// (2 KiB), 8 KiB pages and large pages, with several workers and chunks;
// the correctable bit is fixed through FixTo and a second scan finds the
// page good.
func TestScanGeneratedDatabase(t *testing.T) {
	for _, ps := range []int{2048, 8192, 32768} {
		t.Run(fmt.Sprint(ps), func(t *testing.T) {
			path, b := damagedDatabase(t, ps)
			want := &ese.ScanResult{PageSize: ps, Pages: 300, Good: 296, Uninitialized: 1,
				BadChecksums: []uint32{40}, WrongPageNumbers: []ese.WrongPage{{Page: 60, Found: 61}},
				Correctable: []ese.PageBit{{Page: 17, Bit: 1000*8 + 3}}}
			opts := &ese.ScanOptions{Workers: 3, ChunkBytes: 7 * ps}
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			for name, r := range map[string]io.ReaderAt{"file": f, "memory": bytes.NewReader(b)} {
				got, err := ese.ScanDatabase(context.Background(), r, opts)
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("%s: %+v, %v; want %+v", name, got, err, want)
				}
			}
			fix := *opts
			fix.FixTo = f
			if got, err := ese.ScanDatabase(context.Background(), f, &fix); err != nil || got.Fixed != 1 {
				t.Fatalf("fixing: %+v, %v", got, err)
			}
			want.Good, want.Correctable = 297, []ese.PageBit{}
			got, err := ese.ScanDatabase(context.Background(), f, opts)
			if err != nil || got.Good != 297 || len(got.Correctable) != 0 || got.BadChecksums[0] != 40 {
				t.Errorf("after the fix: %+v, %v", got, err)
			}
		})
	}
}

// BenchmarkVerify1GiB is the scale run of a whole-file verify: a
// generated database of 1 GiB (131,072 pages of 8 KiB, every page
// verifying) read from the page cache through an *os.File, all cores.
// Read is the reference: the same file read sequentially with 1 MiB
// reads on one goroutine. maxRSS-MiB is the process's peak resident size,
// generation included.
func BenchmarkVerify1GiB(b *testing.B) {
	path := filepath.Join(b.TempDir(), "db1g.edb")
	const pages = 1 << 17
	if err := scalegen.Database(path, scalegen.DBSpec{PageSize: 8192, Pages: pages}); err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.Run("Verify", func(b *testing.B) {
		b.SetBytes((pages + 2) * 8192)
		for range b.N {
			res, err := ese.ScanDatabase(context.Background(), f, nil)
			if err != nil || res.Good != pages || !res.OK() {
				b.Fatalf("%+v, %v", res, err)
			}
		}
		scalegen.ReportMaxRSS(b)
	})
	b.Run("Read", func(b *testing.B) {
		b.SetBytes((pages + 2) * 8192)
		buf := make([]byte, 1<<20)
		for range b.N {
			for off := int64(0); ; off += int64(len(buf)) {
				if _, err := f.ReadAt(buf, off); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
