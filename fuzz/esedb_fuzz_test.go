package fuzz

import (
	"bytes"
	"context"
	"testing"

	"github.com/esekit/esekit/esedb"
)

// esedbSample opens esedb.SampleDatabase with 4 KiB pages.
func esedbSample(t testing.TB) ([]byte, *esedb.DB) {
	b, err := esedb.SampleDatabase(4096)
	if err != nil {
		t.Fatal(err)
	}
	db, err := esedb.Open(bytes.NewReader(b), int64(len(b)), &esedb.Options{NoVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	return b, db
}

// FuzzEsedbCatalog writes arbitrary bytes over the first KiB of the
// catalog page (page 4) of the sample database, whose header and first
// catalog rows lie there (the tag array at the page's end is kept, and a
// small input keeps the fuzzer's minimisation short), opens it and reads
// every row of every table it then lists. It must never panic or hang,
// and every error must wrap an ese.Error. Seed: the sample's bytes.
func FuzzEsedbCatalog(f *testing.F) {
	file, _ := esedbSample(f)
	const ps, n = 4096, 1024
	f.Add(append([]byte{}, file[5*ps:5*ps+n]...))
	f.Fuzz(func(t *testing.T, head []byte) {
		if len(head) > n {
			return
		}
		in := append([]byte{}, file...)
		copy(in[5*ps:], head)
		db, err := esedb.Open(bytes.NewReader(in), int64(len(in)), &esedb.Options{NoVerify: true, PageBudget: 256})
		wantEseError(t, "Open", err)
		if err != nil {
			return
		}
		for _, tb := range db.Tables {
			for r, err := range db.Rows(context.Background(), tb, &esedb.RowOptions{Deleted: true}) {
				if err != nil {
					break
				}
				_, err := r.Values()
				wantEseError(t, "Values", err)
			}
		}
	})
}

// FuzzEsedbRecord decodes arbitrary bytes as a record of the sample's
// table "people" (fixed, variable, tagged, multi-valued, separated and
// compressed columns) and reads every value. It must never panic, never
// allocate by a length it read, and every error must wrap an ese.Error.
// Seeds: the sample's records.
func FuzzEsedbRecord(f *testing.F) {
	_, db := esedbSample(f)
	tb := db.Tables[0]
	for r, err := range db.Rows(context.Background(), tb, &esedb.RowOptions{Deleted: true}) {
		if err == nil {
			f.Add(append([]byte{}, r.Data...))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := db.DecodeRecord(context.Background(), tb, data)
		wantEseError(t, "DecodeRecord", err)
		if err != nil {
			return
		}
		vals, err := r.Values()
		wantEseError(t, "Values", err)
		for _, v := range vals {
			_ = v.String()
		}
	})
}
