package ese

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/esekit/esekit/internal/bin"
)

// sliceWriter is an io.WriterAt over a byte slice.
type sliceWriter []byte

func (w sliceWriter) WriteAt(p []byte, off int64) (int, error) { return copy(w[off:], p), nil }

func scanBytes(t *testing.T, b []byte, o *ScanOptions) *ScanResult {
	t.Helper()
	res, err := ScanDatabase(context.Background(), bytes.NewReader(b), o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// The corpus database's own counts (docs/pages.md#blocks-per-page-size):
// 94 page slots, 47 all zero, 47 in use and all good.
func TestScanWorkedExample(t *testing.T) {
	b := corpus(t, "appdata/IndexedDB.edb")
	var calls int
	var last [2]int64
	res := scanBytes(t, b, &ScanOptions{Workers: 3, ChunkBytes: 5 * 32768, Progress: func(done, total int64) {
		calls++
		last = [2]int64{done, total}
	}})
	if res.Pages != 94 || res.Uninitialized != 47 || res.Good != 47 || !res.OK() || res.PageSize != 32768 {
		t.Errorf("result %+v", res)
	}
	if calls != 19 || last != [2]int64{94, 94} {
		t.Errorf("progress: %d calls, last %v", calls, last)
	}
}

// Every page of every corpus database verifies.
func TestScanCorpus(t *testing.T) {
	for _, f := range corpusDatabases {
		t.Run(f.path, func(t *testing.T) {
			b := corpus(t, f.path)
			res := scanBytes(t, b, nil)
			if !res.OK() || res.PageSize != f.pageSize || res.TrailingBytes != 0 {
				t.Errorf("%s: %+v", f.path, res)
			}
			if want := int64(len(b)/f.pageSize - 2); res.Pages != want {
				t.Errorf("%s: %d pages, want %d", f.path, res.Pages, want)
			}
			accounted := res.Good + res.Uninitialized + res.NotChecksummed
			if res.TrailerPage != 0 {
				accounted++
			}
			if accounted != res.Pages {
				t.Errorf("%s: %d of %d pages accounted for", f.path, accounted, res.Pages)
			}
			switch f.path {
			case "museum-ntds-win2012r2/temp.edb":
				// The instance's temporary database (DBID 0): no checksums.
				if res.NotChecksummed != 234 || res.Uninitialized != 22 {
					t.Errorf("temp.edb: %+v", res)
				}
			case "wlm-danyquenneville-backup/WindowsMail.MSMessageStore":
				// A streaming-backup copy ends with its trailer page.
				if res.TrailerPage != 257 || res.Good+res.Uninitialized != 256 {
					t.Errorf("backup copy: %+v", res)
				}
			default:
				if res.NotChecksummed != 0 || res.TrailerPage != 0 || res.Good == 0 {
					t.Errorf("%s: %+v", f.path, res)
				}
			}
		})
	}
}

func TestScanCorruption(t *testing.T) {
	for _, tc := range []struct {
		path string
		ps   int
	}{{"appdata/IndexedDB.edb", 32768}, {"dissect-esedb-testdbs/basic.edb", 4096}, {"eseparser-testdbs/decompress_test.edb", 8192}, {"goese-qmgr/qmgr.db", 16384},
		{"museum-srum-server2022-apt-1daylater/SRUDB.dat", 4096}} {
		t.Run(tc.path, func(t *testing.T) {
			orig := corpus(t, tc.path)
			ps := tc.ps
			// Two in-use pages.
			var used []int
			for pg := 1; pg < len(orig)/ps-2 && len(used) < 2; pg++ {
				if !bin.IsZero(orig[(pg+1)*ps : (pg+2)*ps]) {
					used = append(used, pg)
				}
			}
			p, q := used[0], used[1]
			at := func(pg int) int { return (pg + 1) * ps }

			// One flipped bit: located, and corrected when asked.
			b := bytes.Clone(orig)
			bit := ps*8 - 1000*8 + 3 // inside the last block, clear of headers
			b[at(q)+bit/8] ^= 1 << (bit % 8)
			res := scanBytes(t, b, nil)
			if len(res.Correctable) != 1 || res.Correctable[0] != (PageBit{uint32(q), bit}) || len(res.BadChecksums) != 0 || res.OK() {
				t.Errorf("%s bit flip: %+v", tc.path, res)
			}
			fixed := bytes.Clone(b)
			res = scanBytes(t, b, &ScanOptions{FixTo: sliceWriter(fixed)})
			if res.Fixed != 1 || !bytes.Equal(fixed, orig) {
				t.Errorf("%s: fix wrote %d pages, equal %v", tc.path, res.Fixed, bytes.Equal(fixed, orig))
			}

			// A flipped byte: a bad checksum with its page number.
			b = bytes.Clone(orig)
			b[at(q)+ps/2+5] ^= 0xFF
			res = scanBytes(t, b, nil)
			if len(res.BadChecksums) != 1 || res.BadChecksums[0] != uint32(q) || len(res.Correctable) != 0 {
				t.Errorf("%s byte flip: %+v", tc.path, res)
			}

			// Page p copied over slot q: a wrong page number.
			b = bytes.Clone(orig)
			copy(b[at(q):at(q)+ps], orig[at(p):at(p)+ps])
			res = scanBytes(t, b, &ScanOptions{Workers: 1})
			if len(res.WrongPageNumbers) != 1 || res.WrongPageNumbers[0] != (WrongPage{uint32(q), uint32(p)}) {
				t.Errorf("%s misplaced page: %+v", tc.path, res)
			}
			if chk := CheckPage(b[at(q):at(q)+ps], uint32(q), 0); !errors.Is(chk.Err(), ErrReadPgnoVerifyFailure) {
				t.Errorf("CheckPage: %+v", chk)
			}
		})
	}
}

// Legacy (pre-ECC) small pages: checksum and page number in bytes 0..7.
func TestCheckPageLegacy(t *testing.T) {
	page := make([]byte, 4096)
	bin.PutU32(page, 36, uint32(PageLeaf))
	bin.PutU64(page, 8, 0x1234)
	page[2000] = 0x55
	SetPageChecksum(page, 9)
	if bin.U32(page, 4) != 9 || !CheckPage(page, 9, 0).Checksums.Legacy || CheckPage(page, 9, 0).Status != PageGood {
		t.Fatalf("legacy page: %+v", CheckPage(page, 9, 0))
	}
	if c := CheckPage(page, 10, 100); c.Status != PageWrongNumber || c.FoundPgno != 9 {
		t.Errorf("legacy wrong number: %+v", c)
	}
	page[3000] ^= 4
	if c := CheckPage(page, 9, 0); c.Status != PageBadChecksum || !errors.Is(c.Err(), ErrReadVerifyFailure) {
		t.Errorf("legacy bad: %+v", c)
	}
	if c := CheckPage(make([]byte, 8192), 3, 0); c.Status != PageUninitialized || !errors.Is(c.Err(), ErrPageNotInitialized) {
		t.Errorf("zero page: %+v", c)
	}
}

// A large page whose checksum verifies but whose Pgno field names another
// page is a wrong page number (the engine's -1118).
func TestCheckPageLargePgnoField(t *testing.T) {
	db := corpus(t, "appdata/IndexedDB.edb")
	page := bytes.Clone(db[5*32768 : 6*32768]) // page 4
	bin.PutU32(page, 64, 9)
	SetPageChecksum(page, 4)
	if c := CheckPage(page, 4, 0); c.Status != PageWrongNumber || c.FoundPgno != 9 || !errors.Is(c.Err(), ErrReadPgnoVerifyFailure) {
		t.Errorf("Pgno field 9 in slot 4: %+v", c)
	}
}

func TestScanErrors(t *testing.T) {
	b := corpus(t, "dissect-esedb-testdbs/basic.edb")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ScanDatabase(ctx, bytes.NewReader(b), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := ScanDatabase(context.Background(), bytes.NewReader(b[:6000]), nil); !errors.Is(err, ErrDatabaseCorrupted) {
		t.Errorf("truncated: %v", err)
	}
	garbage := bytes.Repeat([]byte{0xA5, 0x17, 0x42}, 100000)
	if _, err := ScanDatabase(context.Background(), bytes.NewReader(garbage), nil); !errors.Is(err, ErrDatabaseCorrupted) {
		t.Errorf("garbage: %v", err)
	}
	// Garbage scanned with a forced page size: every page bad, no panic.
	res, err := ScanDatabase(context.Background(), bytes.NewReader(garbage[:10*4096+100]), &ScanOptions{PageSize: 4096})
	if err != nil || len(res.BadChecksums) != 8 || res.TrailingBytes != 100 {
		t.Errorf("forced page size: %+v %v", res, err)
	}
	// A page size the caller gets wrong is its mistake, not the file's.
	if _, err := ScanDatabase(context.Background(), bytes.NewReader(b), &ScanOptions{PageSize: 3000}); !errors.Is(err, ErrInvalidParameter) {
		t.Errorf("ScanOptions.PageSize 3000: %v", err)
	}
	// A partial last page is reported, not an error.
	res = scanBytes(t, b[:len(b)-100], nil)
	if res.TrailingBytes != 3996 || !res.OK() {
		t.Errorf("partial page: %+v", res)
	}
}

func scanBytesB(b *testing.B, db []byte) *ScanResult {
	res, err := ScanDatabase(context.Background(), bytes.NewReader(db), nil)
	if err != nil {
		b.Fatal(err)
	}
	return res
}

// plainReaderAt hides every method but ReadAt (no Size, no Stat).
type plainReaderAt struct{ r io.ReaderAt }

func (p plainReaderAt) ReadAt(b []byte, off int64) (int, error) { return p.r.ReadAt(b, off) }

// failingReaderAt fails reads at or past failAt.
type failingReaderAt struct {
	r      *bytes.Reader
	failAt int64
}

var errDisk = errors.New("disk on fire")

func (f failingReaderAt) ReadAt(b []byte, off int64) (int, error) {
	if off+int64(len(b)) > f.failAt {
		return 0, errDisk
	}
	return f.r.ReadAt(b, off)
}
func (f failingReaderAt) Size() int64 { return f.r.Size() }

func TestReadersWithoutSizeAndFailingReads(t *testing.T) {
	for _, c := range []struct {
		rel         string
		ps          int
		pages, good int64
	}{
		{"appdata/IndexedDB.edb", 32768, 94, 47},
		// 160 page slots, 85 of them zero: the two header pages and 73
		// good pages are not.
		{"museum-srum-server2022-apt-1daylater/SRUDB.dat", 4096, 158, 73},
	} {
		t.Run(c.rel, func(t *testing.T) {
			b := corpus(t, c.rel)
			// Size found by probing.
			res, err := ScanDatabase(context.Background(), plainReaderAt{bytes.NewReader(b)}, nil)
			if err != nil || res.Pages != c.pages || res.Good != c.good {
				t.Fatalf("plain ReaderAt: %+v %v", res, err)
			}
			id, err := Identify(plainReaderAt{bytes.NewReader(b)})
			if err != nil || id.Kind != KindDatabase || id.Size != int64(len(b)) {
				t.Fatalf("plain ReaderAt identify: %+v %v", id, err)
			}
			// A read error is returned, wrapped.
			_, err = ScanDatabase(context.Background(), failingReaderAt{bytes.NewReader(b), int64(40 * c.ps)}, &ScanOptions{Workers: 2, ChunkBytes: c.ps})
			if !errors.Is(err, errDisk) {
				t.Fatalf("failing read: %v", err)
			}
			if _, err := ReadDBHeader(failingReaderAt{bytes.NewReader(b), 1000}); !errors.Is(err, errDisk) {
				t.Fatalf("failing header read: %v", err)
			}
		})
	}
}
