package ese

import (
	"encoding/binary"
	"testing"

	"github.com/esekit/esekit/internal/bin"
)

// benchPage returns a real, in-use, verifying page of the given size from
// the corpus, and its page number.
func benchPage(b *testing.B, ps int) ([]byte, uint32) {
	rel := map[int]string{4096: "dissect-esedb-testdbs/index.edb", 8192: "eseparser-testdbs/decompress_test.edb",
		16384: "goese-qmgr/qmgr.db", 32768: "dissect-esedb-testdbs/large.edb"}[ps]
	db := corpus(b, rel)
	// The fullest verifying page (fewest zero bytes) makes the most honest
	// input.
	best, bestPg, bestFree := []byte(nil), uint32(0), ps+1
	for pg := 1; (pg+2)*ps <= len(db); pg++ {
		page := db[(pg+1)*ps : (pg+2)*ps]
		if bin.IsZero(page) || !ComputePageChecksums(page, uint32(pg)).OK() {
			continue
		}
		if free := int(binary.LittleEndian.Uint16(page[28:])); free < bestFree {
			best, bestPg, bestFree = page, uint32(pg), free
		}
	}
	if best == nil {
		b.Fatalf("no page in %s", rel)
	}
	return append([]byte(nil), best...), bestPg
}

func benchVerify(b *testing.B, ps int) {
	page, pgno := benchPage(b, ps)
	b.SetBytes(int64(ps))
	b.ResetTimer()
	for b.Loop() {
		if !ComputePageChecksums(page, pgno).OK() {
			b.Fatal("page does not verify")
		}
	}
}

// xorSink keeps the XOR pass from being optimised away.
var xorSink uint64

func benchXOR(b *testing.B, ps int) {
	page, _ := benchPage(b, ps)
	b.SetBytes(int64(ps))
	b.ResetTimer()
	for b.Loop() {
		var acc uint64
		for i := 0; i+8 <= len(page); i += 8 {
			acc ^= binary.LittleEndian.Uint64(page[i:])
		}
		xorSink ^= acc
	}
}

// Page verification (all checksum blocks computed and compared) against a
// plain 64-bit XOR over the same bytes, the memory-bandwidth bound.
func BenchmarkVerifyPage4K(b *testing.B)  { benchVerify(b, 4096) }
func BenchmarkVerifyPage8K(b *testing.B)  { benchVerify(b, 8192) }
func BenchmarkVerifyPage16K(b *testing.B) { benchVerify(b, 16384) }
func BenchmarkVerifyPage32K(b *testing.B) { benchVerify(b, 32768) }
func BenchmarkXOR4K(b *testing.B)         { benchXOR(b, 4096) }
func BenchmarkXOR32K(b *testing.B)        { benchXOR(b, 32768) }

// Whole-file scan, all cores.
func BenchmarkScanLargeEdb(b *testing.B) {
	db := corpus(b, "dissect-esedb-testdbs/large.edb")
	b.SetBytes(int64(len(db)))
	for b.Loop() {
		res := scanBytesB(b, db)
		if !res.OK() {
			b.Fatal("scan failed")
		}
	}
}

// One 8 KiB block: the word-parallel checksum against the row-by-row form.
func BenchmarkXEChecksumWords8K(b *testing.B) {
	page, pgno := benchPage(b, 32768)
	b.SetBytes(8192)
	for b.Loop() {
		xorSink ^= xeChecksumWords(page[8192:16384], pgno, false)
	}
}

func BenchmarkXEChecksumRows8K(b *testing.B) {
	page, pgno := benchPage(b, 32768)
	b.SetBytes(8192)
	for b.Loop() {
		xorSink ^= xeChecksumRows(page[8192:16384], pgno, false)
	}
}
