package esedb_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/esekit/esekit/esedb"
)

// TestCorpusIndexSeek seeks on each of the 19 indexes of index.edb (one
// per column type, named "Ix" and the column) with the values of its one
// row: every seek finds that row; the two Unicode text indexes, whose keys
// are the locale's sort keys, are answered by a scan and say so; a seek
// for another value finds nothing.
func TestCorpusIndexSeek(t *testing.T) {
	db := openCorpus(t, "dissect-esedb-testdbs/index.edb")
	tb, rows := readAll(t, db, "index", nil)
	if len(tb.Indexes) != 19 || len(rows) != 1 {
		t.Fatalf("%d indexes, %d rows", len(tb.Indexes), len(rows))
	}
	row := rows[0]
	for _, ix := range tb.Indexes {
		c := tb.ColumnByID(ix.Columns[0].ID)
		if len(ix.Columns) != 1 || !strings.HasPrefix(ix.Name, "Ix") {
			t.Errorf("index %s: %d columns", ix.Name, len(ix.Columns))
			continue
		}
		v, err := row.Value(c)
		if err != nil {
			t.Fatal(err)
		}
		// The value through its text form, as `dump -where` passes it.
		text := v.String()
		if c.Type == esedb.TypeDateTime {
			tm, _ := v.Time()
			text = tm.Format(time.RFC3339Nano)
		}
		val, err := esedb.ParseValue(c, text)
		if err != nil {
			t.Errorf("%s: ParseValue(%.40q): %v", ix.Name, text, err)
			continue
		}
		seq, indexed, err := db.Seek(context.Background(), tb, ix.Name, [][]byte{val}, nil)
		if err != nil {
			t.Errorf("%s: %v", ix.Name, err)
			continue
		}
		n := 0
		for r, err := range seq {
			if err != nil {
				t.Fatal(err)
			}
			if id, _ := r.Get("Id"); id.Any() != int32(1) {
				t.Errorf("%s: found row %v", ix.Name, id)
			}
			n++
		}
		unicode := c.Type.IsText() && c.Codepage == 1200
		if n != 1 || indexed == unicode {
			t.Errorf("%s (%s): %d rows, indexed %v", ix.Name, c.Type, n, indexed)
		}
		// A key that is not there.
		other := append([]byte{}, val...)
		other[len(other)-1] ^= 0x01
		seq, _, _ = db.Seek(context.Background(), tb, ix.Name, [][]byte{other}, nil)
		for r := range seq {
			t.Errorf("%s: a changed value found row %v", ix.Name, r.Line)
		}
	}
}

// TestOLEDateRoundTrip: ToOLEDate and OLEDate are inverse, before and
// after the 1899 epoch.
func TestOLEDateRoundTrip(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(1661, 4, 18, 12, 30, 0, 0, time.UTC), time.Date(1899, 12, 29, 6, 0, 0, 0, time.UTC),
		time.Date(1999, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2517, 9, 24, 5, 30, 0, 0, time.UTC),
	} {
		d := esedb.ToOLEDate(tm)
		if got := esedb.OLEDate(d); !got.Equal(tm) {
			t.Errorf("%v -> %v -> %v", tm, d, got)
		}
	}
	if d := esedb.ToOLEDate(time.Date(1899, 12, 29, 6, 0, 0, 0, time.UTC)); d != -1.25 {
		t.Errorf("1899-12-29 06:00 = %v, want -1.25", d)
	}
}
