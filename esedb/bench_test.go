package esedb_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/esekit/esekit/esedb"
	"github.com/esekit/esekit/internal/testcorpus"
)

// benchReadAll opens the corpus database rel from memory and reads every
// value of every row of every table, b.N times.
func benchReadAll(b *testing.B, rel string) {
	raw := testcorpus.Read(b, rel)
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		db, err := esedb.Open(bytes.NewReader(raw), int64(len(raw)), nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, t := range db.Tables {
			for r, err := range db.Rows(context.Background(), t, nil) {
				if err != nil {
					b.Fatal(err)
				}
				vals, err := r.Values()
				if err != nil {
					b.Fatal(err)
				}
				for _, v := range vals {
					_ = v.Any()
				}
			}
		}
	}
}

// BenchmarkReadAllSRUM: every value of the 7,287 rows of a 4 KiB-page SRUM
// database (checksums verified).
func BenchmarkReadAllSRUM(b *testing.B) {
	benchReadAll(b, "museum-srum-win10-belkasoftctf-insiderthreat-clean/SRUDB.dat")
}

// BenchmarkReadAllLarge: the 16 rows × 64,994 columns of large.edb (32 KiB
// pages).
func BenchmarkReadAllLarge(b *testing.B) {
	benchReadAll(b, "dissect-esedb-testdbs/large.edb")
}
