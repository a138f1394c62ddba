package esedb

import (
	"bytes"
	"context"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/testcorpus"
)

// TestRecordRoundTripCorpus: every record of every table (the catalog
// included) of the corpus databases that hold no personal data, and of
// the sample database, parses and re-encodes to the same bytes (fixed and
// variable parts, the tagged array with its derived, header and NULL
// bits, on 4, 8 and 32 KiB pages).
func TestRecordRoundTripCorpus(t *testing.T) {
	check := func(name string, b []byte) int {
		db, err := Open(bytes.NewReader(b), int64(len(b)), &Options{NoVerify: true})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		n := 0
		for _, tb := range append([]*Table{db.catalog}, db.Tables...) {
			for r, err := range db.Rows(context.Background(), tb, &RowOptions{Deleted: true}) {
				if err != nil {
					t.Fatalf("%s %s: %v", name, tb.Name, err)
				}
				if got := r.lay.encode(ese.IsLargePage(db.PageSize)); !bytes.Equal(got, r.Data) {
					t.Fatalf("%s %s page %d line %d: re-encoded record differs", name, tb.Name, r.Pgno, r.Line)
				}
				n++
			}
		}
		return n
	}
	for _, ps := range []int{4096, 32768} {
		b, _ := SampleDatabase(ps)
		check("sample", b)
	}
	total := 0
	for _, rel := range []string{
		"dissect-esedb-testdbs/basic.edb", "dissect-esedb-testdbs/binary.edb", "dissect-esedb-testdbs/text.edb",
		"dissect-esedb-testdbs/multi.edb", "dissect-esedb-testdbs/default.edb", "dissect-esedb-testdbs/index.edb",
		"eseparser-testdbs/decompress_test.edb", "eseparser-testdbs/test.v3.edb", "eseparser-testdbs/data-test.v2.edb",
	} {
		total += check(rel, testcorpus.Read(t, rel))
	}
	if total < 500 {
		t.Errorf("%d records", total)
	}
}
