package esedb

import (
	"bytes"
	"context"
	"testing"
)

// TestAppendValuesReuse: AppendValues keeps what dst holds, and a slice
// reused from row to row carries nothing of the earlier row: Ann's two
// Tags and separated Bio are gone from Bob's values (Tags NULL, Bio the
// default), and every value equals what Values gives.
func TestAppendValuesReuse(t *testing.T) {
	file, err := SampleDatabase(4096)
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(bytes.NewReader(file), int64(len(file)), nil)
	if err != nil {
		t.Fatal(err)
	}
	people, err := db.Table("people")
	if err != nil {
		t.Fatal(err)
	}
	var vals []Value
	marker := Value{Default: true}
	n := 0
	for r, err := range db.Rows(context.Background(), people, nil) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if vals, err = r.AppendValues(append(vals[:0], marker)); err != nil {
			t.Fatal(err)
		}
		if len(vals) != 1+len(people.Columns) || vals[0].Column != nil || !vals[0].Default {
			t.Fatalf("row %d: the prefix was not kept: %d values, first %+v", n, len(vals), vals[0])
		}
		want, err := r.Values()
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range want {
			g := vals[1+i]
			if g.Column != w.Column || g.Null != w.Null || g.Default != w.Default || !bytes.Equal(g.Data, w.Data) || len(g.Multi) != len(w.Multi) || g.Separated != w.Separated || g.Compressed != w.Compressed {
				t.Errorf("row %d column %s: AppendValues %+v, Values %+v", n, w.Column.Name, g, w)
			}
		}
		if n == 2 {
			tags, bio := vals[1+5], vals[1+6]
			if !tags.Null || tags.Multi != nil || !bio.Default || string(bio.Data) != "none" || bio.Separated {
				t.Errorf("Bob: Tags %+v, Bio %+v", tags, bio)
			}
		}
	}
	if n != 3 {
		t.Errorf("%d rows, want 3 live rows", n)
	}
}
