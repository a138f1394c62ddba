package ese

import (
	"encoding/binary"
	"github.com/esekit/esekit/internal/testcorpus"
	"math/rand/v2"
	"testing"
)

func corpus(t testing.TB, rel string) []byte { return testcorpus.Read(t, rel) }

// A worked example on the corpus files' own values (docs/pages.md#checksums):
// the 32 KiB database header, the
// checkpoint and the log header checksums, and page 1's four blocks.
func TestChecksumsWorkedExample(t *testing.T) {
	db := corpus(t, "appdata/IndexedDB.edb")
	if got := HeaderChecksum(db[:32768]); got != 0xD9D7F49F {
		t.Errorf("db header checksum = %#x, want 0xD9D7F49F", got)
	}
	if got := binary.LittleEndian.Uint32(db); got != 0xD9D7F49F {
		t.Errorf("stored db header checksum = %#x", got)
	}
	chk := corpus(t, "appdata/edb.chk")
	if got := HeaderChecksum(chk[:4096]); got != 0xEC707CF5 {
		t.Errorf("checkpoint checksum = %#x, want 0xEC707CF5", got)
	}
	log := corpus(t, "appdata/edb.log")
	if got := HeaderChecksum(log[:4096]); got != 0x7CA0C95A {
		t.Errorf("log header checksum = %#x, want 0x7CA0C95A", got)
	}
	// Segment 1 of edb.log, checksummed with pgno = 1.
	seg := log[4096:8192]
	if got := XEChecksum(seg, 1, true); got != 0x00840084E4F9287F {
		t.Errorf("segment 1 checksum = %#x, want 0x00840084E4F9287F", got)
	}
	// Page 1 of the database sits at (1+1)*32768.
	page := db[2*32768 : 3*32768]
	c := ComputePageChecksums(page, 1)
	if !c.OK() || c.Blocks != 4 {
		t.Fatalf("page 1 checksums: %+v", c)
	}
	if c.Stored[0]&0xFFFFFFFF != 0x001A281F || c.Stored[0]>>32 != 0xFC4B03B4 {
		t.Errorf("page 1 block 0 = %#x", c.Stored[0])
	}
	if c.Stored[1] != 1 || c.Stored[2] != 1 || c.Stored[3] != 0x001BFFE400000011 {
		t.Errorf("page 1 blocks 1..3 = %#x %#x %#x", c.Stored[1], c.Stored[2], c.Stored[3])
	}
	// Recomputing gives the same bytes.
	cp := append([]byte(nil), page...)
	SetPageChecksum(cp, 1)
	if string(cp) != string(page) {
		t.Error("SetPageChecksum changed a valid page")
	}
}

func TestCorrectPageSingleBit(t *testing.T) {
	db := corpus(t, "appdata/IndexedDB.edb")
	page := append([]byte(nil), db[2*32768:3*32768]...)
	orig := append([]byte(nil), page...)
	// docs/pages.md#single-bit-correction: bit 12345 of block 1 of page 1.
	pos := 8192*8 + 12345
	page[pos/8] ^= 1 << (pos % 8)
	c := ComputePageChecksums(page, 1)
	if c.OK() {
		t.Fatal("flipped page still verifies")
	}
	idx, ok := CorrectableBit(c.Stored[1], c.Computed[1], 8192)
	if !ok || idx != 12345 {
		t.Fatalf("syndrome = %d, %v; want 12345", idx, ok)
	}
	got, ok := CorrectPage(page, 1)
	if !ok || got != pos {
		t.Fatalf("CorrectPage = %d, %v; want %d", got, ok, pos)
	}
	if string(page) != string(orig) {
		t.Fatal("corrected page differs from the original")
	}
	// Two flipped bytes are not correctable.
	page[5000] ^= 0xFF
	if _, ok := CorrectPage(page, 1); ok {
		t.Fatal("a flipped byte was 'corrected'")
	}
}

// The word-parallel XEChecksum agrees with the row-by-row definition on
// random blocks of every size, on sparse blocks and on real pages.
func TestXEChecksumFastMatchesRows(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	for _, size := range []int{64, 128, 1024, 2048, 4096, 8192, 16384} {
		for trial := 0; trial < 50; trial++ {
			b := make([]byte, size)
			switch trial % 3 {
			case 0:
				for i := range b {
					b[i] = byte(r.Uint32())
				}
			case 1:
				b[r.IntN(size)] = byte(1 << r.IntN(8))
			default:
				for k := 0; k < 5; k++ {
					b[r.IntN(size)] = byte(r.Uint32())
				}
			}
			pgno := r.Uint32()
			for _, first := range []bool{false, true} {
				if got, want := xeChecksumWords(b, pgno, first), xeChecksumRows(b, pgno, first); got != want {
					t.Fatalf("size %d trial %d first %v: %#x, want %#x", size, trial, first, got, want)
				}
			}
		}
	}
	// Odd lengths take the row path.
	b := make([]byte, 100)
	b[50] = 3
	if XEChecksum(b, 1, false) != xeChecksumRows(b, 1, false) {
		t.Error("odd length")
	}
}
