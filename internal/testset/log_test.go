package testset

import (
	"bytes"
	"context"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
)

// TestBuildLogReadsBack opens a generated log with eselog and checks that
// every record is read back at the position the writer gave it, with the
// bytes it was encoded to, that the large records were cut into fragments
// and read whole, and that the walk ends at the Term2 with the shadow of
// the last segment after it.
func TestBuildLogReadsBack(t *testing.T) {
	lg, err := BuildLog(LogSpec{Gen: 7, Segments: 64, Transactions: 120, LargeEvery: 10, Term: true, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if lg.Transactions != 120 || lg.Fragmented < 12 || lg.Segments < 20 || lg.Segments > 60 {
		t.Fatalf("%d transactions, %d fragmented, %d segments", lg.Transactions, lg.Fragmented, lg.Segments)
	}
	if want := 1 + 2*120 + lg.Inserts + 2; len(lg.Positions) != want {
		t.Fatalf("%d records, want %d", len(lg.Positions), want)
	}
	l, err := eselog.Open(bytes.NewReader(lg.File), int64(len(lg.File)))
	if err != nil {
		t.Fatal(err)
	}
	if l.Header.Generation != 7 || l.Header.Legacy() || l.Header.PageSize() != 8192 {
		t.Errorf("header: gen %d legacy %v page %d", l.Header.Generation, l.Header.Legacy(), l.Header.PageSize())
	}
	i, frags := 0, 0
	for r, err := range l.RawRecords(context.Background(), eselog.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if i >= len(lg.Positions) {
			t.Fatalf("extra record %v at %v", r.Type, r.Pos)
		}
		if r.Pos != lg.Positions[i] || r.Type != lg.Types[i] || !bytes.Equal(r.Bytes, lg.Records[i]) {
			t.Fatalf("record %d: %v at %v, want %v at %v (bytes equal %v)", i, r.Type, r.Pos, lg.Types[i], lg.Positions[i], bytes.Equal(r.Bytes, lg.Records[i]))
		}
		if r.Fragments > 0 {
			frags++
		}
		i++
	}
	if i != len(lg.Positions) || frags != lg.Fragmented {
		t.Errorf("read %d records (%d fragmented), wrote %d (%d)", i, frags, len(lg.Positions), lg.Fragmented)
	}
	last := lg.Segments
	if l.States[last] != eselog.SegValid || l.States[last+1] != eselog.SegShadow || l.States[len(l.States)-1] != eselog.SegReserved {
		t.Errorf("segments %d, %d, last: %v %v %v", last, last+1, l.States[last], l.States[last+1], l.States[len(l.States)-1])
	}
	if l.End != (ese.LogPos{Generation: 7, Sector: uint16(last + 1)}) {
		t.Errorf("end %v, want (7,%d,0)", l.End, last+1)
	}
}

// TestBuildLogDeterministic: one spec, one file.
func TestBuildLogDeterministic(t *testing.T) {
	spec := LogSpec{Transactions: 30, LargeEvery: 7, Seed: 9}
	a, err := BuildLog(spec)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := BuildLog(spec)
	if !bytes.Equal(a.File, b.File) {
		t.Error("two builds of one spec differ")
	}
	spec.Seed++
	if c, _ := BuildLog(spec); bytes.Equal(a.File, c.File) {
		t.Error("the seed changes nothing")
	}
	if _, err := BuildLog(LogSpec{Segments: 4, Transactions: 500}); err == nil {
		t.Error("500 transactions fit in 2 segments")
	}
}
