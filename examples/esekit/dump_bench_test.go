package main

import (
	"io"
	"testing"

	"github.com/esekit/esekit/internal/testcorpus"
)

// benchDump runs `esekit dump -json` on the corpus database rel, output
// discarded, b.N times.
func benchDump(b *testing.B, rel string) {
	path := testcorpus.Path(b, rel)
	for b.Loop() {
		if st := run([]string{"dump", "-json", path}, io.Discard, io.Discard); st != exitOK {
			b.Fatalf("exit status %d", st)
		}
	}
}

// BenchmarkDumpJSONSRUM: the 7,785 rows of a 4 KiB-page SRUM database.
func BenchmarkDumpJSONSRUM(b *testing.B) {
	benchDump(b, "museum-srum-win10-belkasoftctf-insiderthreat-clean/SRUDB.dat")
}

// BenchmarkDumpJSONLarge: the 130,166 rows of large.edb (16 of them of
// 64,994 columns).
func BenchmarkDumpJSONLarge(b *testing.B) {
	benchDump(b, "dissect-esedb-testdbs/large.edb")
}
