package esepatch

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testcorpus"
	"github.com/google/go-cmp/cmp"
)

// dbPage makes a database page of size bytes for pgno with some content,
// in the ECC format (newFormat) or the legacy one, sealed.
func dbPage(size int, pgno uint32, newFormat bool, fill byte) []byte {
	p := make([]byte, size)
	bin.PutU64(p, 8, 0x1234+uint64(pgno)) // DBTimeDirtied
	bin.PutU32(p, 24, 5)                  // ObjidFDP
	flags := uint32(ese.PageLeaf)
	if newFormat {
		flags |= uint32(ese.PageNewChecksumFormat)
	}
	bin.PutU32(p, 36, flags)
	for i := ese.HeaderSize(size); i < size-64; i += 7 {
		p[i] = fill + byte(i)
	}
	SealImage(p, pgno)
	return p
}

func TestImagePgno(t *testing.T) {
	for _, c := range []struct {
		name string
		size int
		new  bool
	}{{"4K ECC", 4096, true}, {"4K legacy", 4096, false}, {"8K ECC", 8192, true}, {"8K legacy", 8192, false}, {"16K", 16384, true}, {"32K", 32768, true}, {"2K legacy", 2048, false}} {
		for _, pgno := range []uint32{1, 2, 77, 0x12345} {
			p := dbPage(c.size, pgno, c.new, 3)
			got, ok := ImagePgno(p)
			if got != pgno || !ok {
				t.Errorf("%s page %d: ImagePgno = %d, %v", c.name, pgno, got, ok)
			}
			p[c.size/2] ^= 0x10 // a flipped bit: the image no longer verifies
			if _, ok := ImagePgno(p); ok {
				t.Errorf("%s page %d: damaged page verifies", c.name, pgno)
			}
		}
	}
	if _, ok := ImagePgno(make([]byte, 8192)); ok {
		t.Error("zero page names a page")
	}
}

func TestImagePgnoCorpusPages(t *testing.T) {
	// Real ECC pages of the backup database copy name themselves correctly:
	// page n sits at file offset (n+1)*8192.
	b := testcorpus.Read(t, "wlm-danyquenneville-backup/WindowsMail.MSMessageStore")
	checked := 0
	for pgno := uint32(1); int(pgno+2)*8192 <= len(b)-8192; pgno++ {
		p := b[int(pgno+1)*8192 : int(pgno+2)*8192]
		if bin.IsZero(p) {
			continue
		}
		got, ok := ImagePgno(p)
		if !ok || got != pgno {
			t.Errorf("page %d: ImagePgno = %d, %v", pgno, got, ok)
		}
		checked++
	}
	if checked < 10 {
		t.Errorf("only %d non-empty pages checked", checked)
	}
}

func TestSyntheticPatchFileRoundTrip(t *testing.T) {
	for _, ps := range []int{4096, 8192, 16384, 32768} {
		h := seedHeader()
		images := [][]byte{dbPage(ps, 12, true, 1), dbPage(ps, 7, true, 2), dbPage(ps, 12, true, 9)}
		if ps <= 8192 {
			images = append(images, dbPage(ps, 300, false, 4)) // a legacy-format page
		}
		b, err := Encode(h, ps, images)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) != (2+len(images))*ps {
			t.Fatalf("size %d", len(b))
		}
		f, err := Decode(b)
		if err != nil {
			t.Fatalf("page size %d: %v", ps, err)
		}
		if f.PageSize != ps || f.Empty() || f.CorruptPagesIfSkipped() != len(images) || !f.ShadowOK {
			t.Errorf("page size %d: %+v", ps, f)
		}
		if d := cmp.Diff(h.Backup, f.Header.Backup); d != "" {
			t.Error(d)
		}
		wantPgnos := []uint32{12, 7}
		if ps <= 8192 {
			wantPgnos = append(wantPgnos, 300)
		}
		if d := cmp.Diff(wantPgnos, f.Pgnos()); d != "" {
			t.Errorf("pgnos: %s", d)
		}
		// Lookup: the last snapshot of page 12 wins.
		p, err := f.Page(12)
		if err != nil || !bytes.Equal(p, images[2]) {
			t.Errorf("Page(12): %v", err)
		}
		if p, err := f.Page(7); err != nil || !bytes.Equal(p, images[1]) {
			t.Errorf("Page(7): %v", err)
		}
		if _, err := f.Page(8); !errors.Is(err, ese.ErrMissingPatchPage) {
			t.Errorf("Page(8): %v, want -534", err)
		}
		if f.Has(8) || !f.Has(7) {
			t.Error("Has")
		}
		// Re-encode from what was read: byte-exact.
		var again [][]byte
		for i := range f.Images {
			im, err := f.ReadImage(i)
			if err != nil {
				t.Fatal(err)
			}
			again = append(again, im)
		}
		out, _ := Encode(f.Header, f.PageSize, again)
		if !bytes.Equal(out, b) {
			t.Errorf("page size %d: re-encode differs", ps)
		}
	}
}

func TestPatchFileDamage(t *testing.T) {
	h := seedHeader()
	b, _ := Encode(h, 4096, [][]byte{dbPage(4096, 5, true, 1)})
	// A damaged image: listed, not verified, Page says -535.
	bad := append([]byte{}, b...)
	bad[2*4096+1000] ^= 4
	f, err := Decode(bad)
	if err != nil {
		t.Fatal(err)
	}
	if f.Images[0].ChecksumOK {
		t.Error("damaged image verifies")
	}
	if _, err := f.Page(f.Images[0].Pgno); !errors.Is(err, ese.ErrBadPatchPage) {
		t.Errorf("damaged image: %v", err)
	}
	// A truncated image.
	if _, err := Decode(b[:len(b)-100]); !errors.Is(err, ese.ErrBadPatchPage) {
		t.Errorf("truncated: %v", err)
	}
	// Too short for two header pages.
	if _, err := Decode(b[:4096]); !errors.Is(err, ese.ErrBadPatchPage) {
		t.Errorf("one page: %v", err)
	}
	if _, err := Decode(nil); !errors.Is(err, ese.ErrBadPatchPage) {
		t.Errorf("empty: %v", err)
	}
	// Known page size.
	f, err = OpenPageSize(bytes.NewReader(b), 4096)
	if err != nil || len(f.Images) != 1 || f.Images[0].Pgno != 5 {
		t.Errorf("OpenPageSize: %v", err)
	}
	if _, err := OpenPageSize(bytes.NewReader(b), 8192); err == nil {
		t.Error("wrong page size accepted")
	}
	if _, err := Encode(h, 4096, [][]byte{make([]byte, 100)}); !errors.Is(err, ese.ErrInvalidParameter) {
		t.Errorf("short image: %v", err)
	}
	if _, err := Encode(h, 1000, nil); !errors.Is(err, ese.ErrInvalidParameter) {
		t.Errorf("bad page size: %v", err)
	}
	if _, err := OpenPageSize(bytes.NewReader(b), 1000); !errors.Is(err, ese.ErrInvalidParameter) {
		t.Errorf("OpenPageSize(1000): %v", err)
	}
	if _, err := ReadTrailer(bytes.NewReader(b), int64(len(b)), 3); !errors.Is(err, ese.ErrInvalidParameter) {
		t.Errorf("ReadTrailer page size 3: %v", err)
	}
	if _, err := f.ReadImage(5); !errors.Is(err, ese.ErrInvalidParameter) {
		t.Errorf("ReadImage out of range: %v", err)
	}
	// The file shrinks after Open: reading the image is a FormatError
	// wrapping -535, not a bare "short buffer".
	shrunk := &shrinkingReader{b: b}
	f, err = Open(shrunk)
	if err != nil {
		t.Fatal(err)
	}
	shrunk.b = b[:len(b)-100]
	var fe *ese.FormatError
	if _, err := f.ReadImage(0); !errors.As(err, &fe) || !errors.Is(err, ese.ErrBadPatchPage) || fe.Offset != 8192 {
		t.Errorf("truncated image: %v", err)
	}
}

// shrinkingReader serves b, which a test may cut after Open, and reports
// the size it had at Open.
type shrinkingReader struct{ b []byte }

func (r *shrinkingReader) ReadAt(p []byte, off int64) (int, error) {
	return bytes.NewReader(r.b).ReadAt(p, off)
}

func TestOpenFile(t *testing.T) {
	b, _ := Encode(seedHeader(), 8192, [][]byte{dbPage(8192, 42, true, 1)})
	p := filepath.Join(t.TempDir(), "PRIV.pat")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	fh, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	f, err := Open(fh)
	if err != nil {
		t.Fatal(err)
	}
	if f.PageSize != 8192 || len(f.Images) != 1 || f.Images[0].Pgno != 42 || f.Images[0].Offset != 16384 {
		t.Errorf("%+v", f.Images)
	}
	s := f.Summary()
	if s.PatchPages != 1 || s.Empty || s.Backup.LogGen != "36-3f" || s.Backup.Mark != "(58,1409,199)" || s.Backup.MarkTime != "8/19/1999 19:47:2" || s.Backup.MarkTimeRFC3339 != "1999-08-19T19:47:02.000Z" {
		t.Errorf("summary %+v", s)
	}
}

func TestDetectPageSize(t *testing.T) {
	for _, ps := range []int{2048, 4096, 8192, 16384, 32768} {
		b, _ := Encode(seedHeader(), ps, nil)
		if got, ok := DetectPageSize(b, int64(len(b))); !ok || got != ps {
			t.Errorf("page size %d detected as %d, %v", ps, got, ok)
		}
		// Damaged shadow: still found from the first copy and the size.
		bad := append([]byte{}, b...)
		bad[ps+100] ^= 1
		if got, ok := DetectPageSize(bad, int64(len(bad))); !ok || got != ps {
			t.Errorf("page size %d with a damaged shadow detected as %d, %v", ps, got, ok)
		}
	}
}

func TestConcurrentLookups(t *testing.T) {
	var images [][]byte
	for i := uint32(1); i <= 20; i++ {
		images = append(images, dbPage(4096, i*3, true, byte(i)))
	}
	b, _ := Encode(seedHeader(), 4096, images)
	f, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	for g := 0; g < 4; g++ {
		go func() {
			var err error
			for pgno := uint32(0); pgno < 70; pgno++ {
				p, e := f.Page(pgno)
				switch {
				case pgno%3 == 0 && pgno >= 3 && pgno <= 60:
					if e != nil || !bytes.Equal(p, images[pgno/3-1]) {
						err = fmt.Errorf("page %d: %v, bytes equal %v", pgno, e, bytes.Equal(p, images[pgno/3-1]))
					}
				case !errors.Is(e, ese.ErrMissingPatchPage):
					err = fmt.Errorf("page %d: %v, want -534", pgno, e)
				}
			}
			done <- err
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	// Images changed by hand: Reindex.
	f.Images = f.Images[:1]
	f.Reindex()
	if f.Has(6) || !f.Has(3) {
		t.Error("Reindex")
	}
}

func BenchmarkDecodePatchFile(b *testing.B) {
	var images [][]byte
	for i := uint32(1); i <= 64; i++ {
		images = append(images, dbPage(8192, i, true, byte(i)))
	}
	data, _ := Encode(seedHeader(), 8192, images)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}

// Found by FuzzEsepatchFile (seed 9b0de8adc832d34d): a page captured twice
// whose later image is damaged. The damaged image's number is only a guess,
// so Page returns the last verified image, never a damaged one over it; a
// page with only damaged images is still -535.
func TestPageDuplicateImages(t *testing.T) {
	good, newer := dbPage(4096, 5, true, 1), dbPage(4096, 5, true, 2)
	// A legacy-format page keeps its number in bytes 4..7, so the damaged
	// copy still names page 5.
	damaged := dbPage(4096, 5, false, 3)
	damaged[1000] ^= 4
	if pgno, ok := ImagePgno(damaged); pgno != 5 || ok {
		t.Fatalf("damaged image names page %d (verified %v)", pgno, ok)
	}
	for _, tc := range []struct {
		name   string
		images [][]byte
		want   []byte // nil: -535
	}{
		{"good then damaged", [][]byte{good, damaged}, good},
		{"damaged then good", [][]byte{damaged, good}, good},
		{"good then newer", [][]byte{good, newer}, newer},
		{"newer, damaged, good", [][]byte{newer, damaged, good}, good},
		{"damaged only", [][]byte{damaged, damaged}, nil},
	} {
		b, err := Encode(seedHeader(), 4096, tc.images)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.Page(5)
		switch {
		case tc.want == nil && !errors.Is(err, ese.ErrBadPatchPage):
			t.Errorf("%s: %v, want -535", tc.name, err)
		case tc.want != nil && (err != nil || !bytes.Equal(got, tc.want)):
			t.Errorf("%s: wrong image (err %v)", tc.name, err)
		}
	}
}

// ese.Identify and Open find the same page size (both use
// internal/patchsize). Identify used to take the smallest size at which
// the first copy verified, so a patch file with page images was reported
// with 2 KiB pages whatever its page size.
func TestIdentifyAgreesWithOpen(t *testing.T) {
	for _, ps := range []int{2048, 4096, 8192, 16384, 32768} {
		for _, n := range []int{0, 1, 3} {
			var images [][]byte
			for i := range n {
				images = append(images, dbPage(ps, uint32(10+i), true, byte(i)))
			}
			b, err := Encode(seedHeader(), ps, images)
			if err != nil {
				t.Fatal(err)
			}
			id, err := ese.Identify(bytes.NewReader(b))
			if err != nil || id.Kind != ese.KindPatch || id.PageSize != ps {
				t.Errorf("%d-byte pages, %d images: Identify %v page size %d (%v)", ps, n, id.Kind, id.PageSize, err)
			}
			f, err := Decode(b)
			if err != nil || f.PageSize != ps || len(f.Images) != n {
				t.Errorf("%d-byte pages, %d images: Open page size %v (%v)", ps, n, f, err)
			}
		}
	}
}
