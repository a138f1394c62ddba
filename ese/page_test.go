package ese

import (
	"errors"
	"math"
	"testing"

	"github.com/esekit/esekit/internal/bin"
)

func TestPageHeaderWorkedExample(t *testing.T) {
	db := corpus(t, "appdata/IndexedDB.edb")
	const ps = 32768
	page := db[2*ps : 3*ps] // page 1
	h, err := DecodePageHeader(page)
	if err != nil {
		t.Fatal(err)
	}
	// The corpus file's own value (docs/pages.md#small-page-header).
	if h.Checksum != 0xFC4B03B4001A281F {
		t.Errorf("Checksum = %#x", h.Checksum)
	}
	if h.BlockChecksums != [3]uint64{1, 1, 0x001BFFE400000011} {
		t.Errorf("BlockChecksums = %#x", h.BlockChecksums)
	}
	if h.Flags != 0xA803 || h.Flags.String() != "Root|Leaf|NewRecordFormat|NewChecksumFormat|FlushType1" {
		t.Errorf("Flags = %#x %v", uint32(h.Flags), h.Flags)
	}
	if h.TagState != 1 || h.TagCount() != 1 || h.ReservedTags() != 1 {
		t.Errorf("TagState = %#x", h.TagState)
	}
	if h.FreeBytes != 32668 || h.FirstFreeByte != 16 || h.Pgno != 1 {
		t.Errorf("FreeBytes %d FirstFreeByte %d Pgno %d", h.FreeBytes, h.FirstFreeByte, h.Pgno)
	}
	if HeaderSize(ps) != 80 || HeaderSize(8192) != 40 || HeaderSize(4096) != 40 {
		t.Error("HeaderSize")
	}
	// Put gives back the same bytes.
	cp := make([]byte, ps)
	copy(cp[80:], page[80:])
	h.Put(cp)
	if string(cp) != string(page) {
		t.Error("Put(DecodePageHeader(page)) differs")
	}
	// Page 4 has 173 tags.
	p4 := db[5*ps : 6*ps]
	tags, err := Tags(p4)
	if err != nil || len(tags) != 173 {
		t.Fatalf("page 4: %d tags, %v", len(tags), err)
	}
}

// Every in-use page of every corpus database: tags decode, lie inside the
// data area, and re-encode byte for byte; header round trips; on pages
// that are not fragmented the free-space arithmetic of docs/pages.md#tags holds.
func TestPagesCorpusTags(t *testing.T) {
	for _, f := range corpusDatabases {
		t.Run(f.path, func(t *testing.T) {
			db := corpus(t, f.path)
			ps := f.pageSize
			checked := 0
			for off := 2 * ps; off+ps <= len(db); off += ps {
				page := db[off : off+ps]
				pgno := off/ps - 1
				if bin.IsZero(page) || !ComputePageChecksums(page, uint32(pgno)).OK() {
					continue // unused, temp-database or trailer page
				}
				h, err := DecodePageHeader(page)
				if err != nil {
					t.Fatalf("%s page %d: %v", f.path, pgno, err)
				}
				if IsLargePage(ps) && int(h.Pgno) != pgno {
					t.Errorf("%s page %d: Pgno %d", f.path, pgno, h.Pgno)
				}
				tags, err := Tags(page)
				if err != nil {
					t.Errorf("%s page %d: %v", f.path, pgno, err)
					continue
				}
				// Clear the fields (not the stale high bits) and the large-page
				// node flags, then write every tag back.
				cp := append([]byte(nil), page...)
				for i, tg := range tags {
					pos := tagPos(ps, i)
					if IsLargePage(ps) {
						bin.PutU32(cp, pos, bin.U32(cp, pos)&0x80008000)
						if tg.Size >= 2 {
							at := HeaderSize(ps) + int(tg.Offset)
							bin.PutU16(cp, at, bin.U16(cp, at)&0x1FFF)
						}
					} else {
						bin.PutU32(cp, pos, bin.U32(cp, pos)&0x0000E000)
					}
				}
				var sum int
				for i, tg := range tags {
					if err := PutTag(cp, i, tg); err != nil {
						t.Fatalf("%s page %d tag %d: %v", f.path, pgno, i, err)
					}
					sum += int(tg.Size)
					if _, err := TagData(page, tg); err != nil {
						t.Fatal(err)
					}
				}
				if string(cp) != string(page) {
					t.Errorf("%s page %d: re-encoded tags differ", f.path, pgno)
				}
				if int(h.FirstFreeByte) == sum {
					want := ps - HeaderSize(ps) - TagSize*len(tags) - sum
					if int(h.FreeBytes) != want {
						t.Errorf("%s page %d: FreeBytes %d, want %d", f.path, pgno, h.FreeBytes, want)
					}
				}
				checked++
			}
			if checked == 0 && f.state != DBStateJustCreated { // temp.edb has no page checksums
				t.Errorf("%s: no pages checked", f.path)
			}
		})
	}
}

func TestTagsBad(t *testing.T) {
	page := make([]byte, 4096)
	bin.PutU16(page, PageTagStateOffset, 1)
	bin.PutU16(page, 4096-4, 100) // cb
	bin.PutU16(page, 4096-2, 4096-40-4-50)
	if _, err := Tags(page); !errors.Is(err, ErrDatabaseCorrupted) {
		t.Errorf("tag past data area: %v", err)
	}
	bin.PutU16(page, PageTagStateOffset, 0xFFF)
	if _, err := Tags(page); !errors.Is(err, ErrDatabaseCorrupted) {
		t.Errorf("tag count too large: %v", err)
	}
	if _, err := DecodePageHeader(page[:100]); !errors.Is(err, ErrDatabaseCorrupted) {
		t.Errorf("short page: %v", err)
	}
	// Large page: flags live in the node.
	lp := make([]byte, 16384)
	bin.PutU16(lp, PageTagStateOffset, 2)
	if err := PutTag(lp, 0, Tag{Size: 0, Offset: 0}); err != nil {
		t.Fatal(err)
	}
	bin.PutU16(lp, 80, 0x0123)
	if err := PutTag(lp, 1, Tag{Size: 10, Offset: 0, Flags: NodeDeleted | NodeVersioned}); err != nil {
		t.Fatal(err)
	}
	if bin.U16(lp, 80) != 0x6123 {
		t.Errorf("node word = %#x", bin.U16(lp, 80))
	}
	tags, err := Tags(lp)
	if err != nil || len(tags) != 2 || tags[1] != (Tag{Size: 10, Flags: 3}) {
		t.Fatalf("tags = %v, %v", tags, err)
	}
	nd, _ := NodeData(lp, tags[1])
	if bin.U16(nd, 0) != 0x0123 {
		t.Errorf("NodeData word = %#x", bin.U16(nd, 0))
	}
	if err := PutTag(lp, 0, Tag{Size: 1, Flags: 1}); err == nil {
		t.Error("1-byte node with flags accepted on large page")
	}
}

// PutTag takes any int index: indexes whose slot would not fit after the
// header are errors, never a panic (i+1 used to overflow for the largest
// int and the slot offset wrapped to the end of the page).
func TestPutTagIndexBounds(t *testing.T) {
	page := make([]byte, 4096)
	last := (4096 - SmallPageHeaderSize) / TagSize // first index that does not fit
	for _, i := range []int{-1, last, last + 1, math.MaxInt, math.MinInt} {
		if err := PutTag(page, i, Tag{}); !errors.Is(err, ErrDatabaseCorrupted) {
			t.Errorf("PutTag(%d): %v", i, err)
		}
	}
	if err := PutTag(page, last-1, Tag{}); err != nil {
		t.Errorf("PutTag(%d), the last slot: %v", last-1, err)
	}
}
