package ese_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testset/testdb"
)

// generatedDB builds a testdb database of ps-byte pages and returns it
// with a function returning the bytes of page pgno.
func generatedDB(t *testing.T, ps int) (*testdb.Database, func(pgno uint32) []byte) {
	t.Helper()
	db, err := testdb.Build(ps)
	if err != nil {
		t.Fatal(err)
	}
	return db, func(pgno uint32) []byte { return db.File[(int(pgno)+1)*ps : (int(pgno)+2)*ps] }
}

// TestGeneratedPages checks every page the create built, at every page
// size: it verifies under its own number (and under no other), its
// header decodes (on pages above 8 KiB with its own number in the
// header), its tags decode and lie inside the page; every other page is
// zero.
func TestGeneratedPages(t *testing.T) {
	for _, ps := range []int{4096, 8192, 16384, 32768} {
		db, page := generatedDB(t, ps)
		for pgno := uint32(1); pgno <= 256; pgno++ {
			p := page(pgno)
			if !slices.Contains(db.Create.Pages, pgno) {
				if !bin.IsZero(p) {
					t.Errorf("%d: page %d not built but not zero", ps, pgno)
				}
				continue
			}
			if c := ese.CheckPage(p, pgno, 256); c.Status != ese.PageGood {
				t.Fatalf("%d: page %d: %+v", ps, pgno, c)
			}
			if c := ese.CheckPage(p, pgno+1, 256); c.Status != ese.PageWrongNumber || c.FoundPgno != pgno {
				t.Errorf("%d: page %d checked as %d: %+v", ps, pgno, pgno+1, c)
			}
			h, err := ese.DecodePageHeader(p)
			if err != nil {
				t.Fatal(err)
			}
			if ese.IsLargePage(ps) != (h.Pgno == pgno) || h.DBTimeDirtied == 0 || h.DBTimeDirtied > db.Create.DBTime {
				t.Errorf("%d: page %d header %+v", ps, pgno, h)
			}
			tags, err := ese.Tags(p)
			if err != nil || len(tags) != h.TagCount() {
				t.Fatalf("%d: page %d: %d tags, header %d, %v", ps, pgno, len(tags), h.TagCount(), err)
			}
			for i, tg := range tags {
				if ese.HeaderSize(ps)+int(tg.Offset)+int(tg.Size) > ps {
					t.Errorf("%d: page %d tag %d %+v runs past the page", ps, pgno, i, tg)
				}
			}
		}
	}
}

// TestCorrectPageSingleBitGenerated flips bit 12345 of the second 8 KiB
// block of a 32 KiB page: the block's checksum locates it, CorrectPage
// restores the page; a flipped byte is not correctable.
func TestCorrectPageSingleBitGenerated(t *testing.T) {
	db, page := generatedDB(t, 32768)
	pgno := db.Create.Catalog
	p := page(pgno)
	orig := slices.Clone(p)
	pos := 8192*8 + 12345
	p[pos/8] ^= 1 << (pos % 8)
	c := ese.ComputePageChecksums(p, pgno)
	if c.OK() {
		t.Fatal("flipped page still verifies")
	}
	if idx, ok := ese.CorrectableBit(c.Stored[1], c.Computed[1], 8192); !ok || idx != 12345 {
		t.Fatalf("syndrome %d, %v; want 12345", idx, ok)
	}
	if got, ok := ese.CorrectPage(p, pgno); !ok || got != pos || string(p) != string(orig) {
		t.Fatalf("CorrectPage = %d, %v; want %d and the page back", got, ok, pos)
	}
	p[5000] ^= 0xFF
	if _, ok := ese.CorrectPage(p, pgno); ok {
		t.Fatal("a flipped byte was corrected")
	}
}

// TestCheckPageLargePgnoFieldGenerated: a 32 KiB page whose checksum
// verifies but whose header names page 9 is in the wrong slot.
func TestCheckPageLargePgnoFieldGenerated(t *testing.T) {
	db, page := generatedDB(t, 32768)
	p := slices.Clone(page(db.Create.Catalog))
	bin.PutU32(p, 64, 9)
	ese.SetPageChecksum(p, db.Create.Catalog)
	if c := ese.CheckPage(p, db.Create.Catalog, 0); c.Status != ese.PageWrongNumber || c.FoundPgno != 9 || !errors.Is(c.Err(), ese.ErrReadPgnoVerifyFailure) {
		t.Errorf("Pgno field 9 in slot %d: %+v", db.Create.Catalog, c)
	}
}
