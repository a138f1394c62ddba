package eselog_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"reflect"
	"slices"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/testset"
)

// synthLog is the generated log the reader twins use: generation 3, 48
// segments, 150 transactions, every 9th with a record longer than a
// segment, closed by ShutDownMark and Term2.
func synthLog(t *testing.T) *testset.Log {
	t.Helper()
	lg, err := testset.BuildLog(testset.LogSpec{Gen: 3, Segments: 48, Transactions: 150, LargeEvery: 9, Term: true, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	return lg
}

func openSynth(t *testing.T, b []byte) *eselog.Log {
	t.Helper()
	l, err := eselog.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestWalkSynth walks the generated log: every record counted, the large
// ones as fragmented, the segments before the end valid, the last one's
// shadow after it, the rest zero up to the reserved last segment, the log
// closed by its Term2, every byte accounted for.
func TestWalkSynth(t *testing.T) {
	lg := synthLog(t)
	l := openSynth(t, lg.File)
	s := eselog.Walk(t, l)
	last := lg.Positions[len(lg.Positions)-1]
	if s.Records != len(lg.Positions) || s.Fragmented != lg.Fragmented || s.Valid != lg.Segments || s.Shadow != 1 ||
		s.Zero != 48-1-lg.Segments-2 || s.Legacy || s.Generation != 3 {
		t.Errorf("stats %+v; wrote %d records (%d fragmented) in %d segments", s, len(lg.Positions), lg.Fragmented, lg.Segments)
	}
	if !s.ClosedNormally || s.LastTerm != last || s.LastRecord != last || s.End != (ese.LogPos{Generation: 3, Sector: uint16(lg.Segments + 1)}) {
		t.Errorf("closed %v, term %v, last %v, end %v; want term and last %v", s.ClosedNormally, s.LastTerm, s.LastRecord, s.End, last)
	}
	var rec int64
	for _, r := range lg.Records {
		rec += int64(len(r))
	}
	if s.RecordBytes != rec || s.UsedBytes != int64(lg.Segments)*eselog.SegmentSize || s.Unaccounted != 0 || s.DroppedBytes != 0 ||
		s.NOPRuns != lg.Fills+1 || s.FragmentHeaderBytes < int64(lg.Fragmented)*(7+3) {
		t.Errorf("bytes: %+v (record bytes written %d)", s, rec)
	}
	if s.Histogram["Insert"] != lg.Inserts || s.Histogram["Begin0"] != lg.Transactions || s.Histogram["Commit0"] != lg.Transactions {
		t.Errorf("histogram %v; wrote %d inserts in %d transactions", s.Histogram, lg.Inserts, lg.Transactions)
	}
}

// TestRecordsSynth decodes every record of the generated log: each one
// re-encodes to the bytes written, the Filter passes only the types asked
// for, the Decoder agrees with DecodeRecord, and decoded records keep no
// reference to the reader's buffer.
func TestRecordsSynth(t *testing.T) {
	lg := synthLog(t)
	l := openSynth(t, lg.File)
	i := 0
	var d eselog.Decoder
	for rec, err := range l.Records(context.Background(), eselog.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if rec.Pos() != lg.Positions[i] || rec.Type() != lg.Types[i] {
			t.Fatalf("record %d: %v at %v, want %v at %v", i, rec.Type(), rec.Pos(), lg.Types[i], lg.Positions[i])
		}
		enc, ok := rec.(interface{ AppendEncode([]byte) []byte })
		if !ok || !bytes.Equal(enc.AppendEncode(nil), lg.Records[i]) {
			t.Fatalf("record %d (%v) does not re-encode to its bytes", i, rec.Type())
		}
		scratch := bytes.Clone(lg.Records[i])
		got, err := d.Decode(scratch, rec.Pos())
		if err != nil {
			t.Fatal(err)
		}
		kept, err := d.Keep(got)
		if err != nil {
			t.Fatal(err)
		}
		for k := range scratch {
			scratch[k] = ^scratch[k]
		}
		if !reflect.DeepEqual(kept, rec) {
			t.Fatalf("record %d: Decoder+Keep gave %+v, Records %+v", i, kept, rec)
		}
		i++
	}
	if i != len(lg.Positions) {
		t.Errorf("%d records, wrote %d", i, len(lg.Positions))
	}
	n := 0
	for rec, err := range l.Records(context.Background(), eselog.Filter{Types: []eselog.RecordType{eselog.RecInsert}}) {
		if err != nil {
			t.Fatal(err)
		}
		if rec.Type() != eselog.RecInsert {
			t.Fatalf("filter let %v through", rec.Type())
		}
		ins := rec.(*eselog.Insert)
		if ins.Dbid != 1 || ins.PageNumber < 100 || ins.PageNumber >= 200 || ins.After != ins.Before+1 {
			t.Fatalf("insert %v: db %d page %d dbtime %#x after %#x", rec.Pos(), ins.Dbid, ins.PageNumber, ins.Before, ins.After)
		}
		n++
	}
	if n != lg.Inserts {
		t.Errorf("%d inserts read, %d written", n, lg.Inserts)
	}
}

// TestNewReaderAtSynth starts readers at every record's position and at
// every segment start: the first record read is the one written there,
// and a reader from a segment start reads exactly the tail of the whole
// sequence that begins in or after that segment (a record whose
// fragments began earlier is skipped).
func TestNewReaderAtSynth(t *testing.T) {
	lg := synthLog(t)
	l := openSynth(t, lg.File)
	for i, p := range lg.Positions {
		rd := l.NewReaderAt(context.Background(), eselog.Filter{}, p)
		r, err := rd.NextRaw()
		if err != nil {
			t.Fatalf("%v: %v", p, err)
		}
		if r.Pos != p || r.Type != lg.Types[i] {
			t.Fatalf("from %v: %v at %v, want %v", p, r.Type, r.Pos, lg.Types[i])
		}
	}
	for sec := 1; sec <= lg.Segments; sec++ {
		from := ese.LogPos{Generation: 3, Sector: uint16(sec)}
		// The records whose bytes start in or after segment sec; the
		// first of them takes the position of a zero fill before it.
		first := slices.IndexFunc(lg.Offsets, func(off int64) bool { return off >= int64(sec)*eselog.SegmentSize })
		rd := l.NewReaderAt(context.Background(), eselog.Filter{}, from)
		n := 0
		for {
			r, err := rd.NextRaw()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("from segment %d: %v", sec, err)
			}
			if r.Type != lg.Types[first+n] || (n > 0 && r.Pos != lg.Positions[first+n]) || r.Offset != lg.Offsets[first+n] {
				t.Fatalf("from segment %d, record %d: %v at %v (offset %d), want %v at %v (%d)", sec, n, r.Type, r.Pos, r.Offset,
					lg.Types[first+n], lg.Positions[first+n], lg.Offsets[first+n])
			}
			n++
		}
		if first+n != len(lg.Positions) {
			t.Errorf("from segment %d: %d records, want %d", sec, n, len(lg.Positions)-first)
		}
	}
}

// TestModernCorruptionSynth damages copies of the generated log the ways
// the engine's reader handles: a flipped bit is corrected by the
// segment's ECC, a torn last segment is replaced by its shadow, damage
// in the middle is -501 (and with AllowCorruptTail the log ends before
// it), a file of the wrong size is -541.
func TestModernCorruptionSynth(t *testing.T) {
	lg := synthLog(t)
	damaged := func(f func(b []byte)) []byte {
		b := bytes.Clone(lg.File)
		f(b)
		return b
	}
	l := openSynth(t, damaged(func(b []byte) { b[5*4096+1000] ^= 0x10 }))
	if l.States[5] != eselog.SegCorrected {
		t.Errorf("segment 5 is %v", l.States[5])
	}
	if s := eselog.Walk(t, l); s.Records != len(lg.Positions) || s.Corrected != 1 {
		t.Errorf("after a bit flip: %d records, %d corrected", s.Records, s.Corrected)
	}

	last := lg.Segments
	l = openSynth(t, damaged(func(b []byte) {
		for i := last*4096 + 100; i < last*4096+200; i++ {
			b[i] ^= 0xFF
		}
	}))
	if l.States[last] != eselog.SegRepaired || !l.TornWrite {
		t.Errorf("torn segment %d: state %v torn %v", last, l.States[last], l.TornWrite)
	}
	if s := eselog.Walk(t, l); s.Records != len(lg.Positions) || s.Unaccounted != 0 {
		t.Errorf("repaired log: %d records, %d unaccounted", s.Records, s.Unaccounted)
	}

	bad := damaged(func(b []byte) {
		for i := 10*4096 + 2000; i < 10*4096+2100; i++ {
			b[i] ^= 0xFF
		}
	})
	if _, err := eselog.Open(bytes.NewReader(bad), int64(len(bad))); !errors.Is(err, ese.ErrLogFileCorrupt) {
		t.Errorf("damaged segment 10: %v", err)
	}
	l, err := eselog.OpenOptions(bytes.NewReader(bad), int64(len(bad)), eselog.Options{AllowCorruptTail: true})
	if err != nil || l.TailErr == nil || l.End != (ese.LogPos{Generation: 3, Sector: 10}) {
		t.Fatalf("AllowCorruptTail: %v, end %v", err, l.End)
	}
	// The records before the damage, then -501.
	n, end := 0, error(nil)
	for _, err := range l.RawRecords(context.Background(), eselog.Filter{}) {
		if end = err; err != nil {
			break
		}
		n++
	}
	if !errors.Is(end, ese.ErrLogFileCorrupt) {
		t.Errorf("records end with %v", end)
	}
	if want := slices.IndexFunc(lg.Positions, func(p ese.LogPos) bool { return p.Sector >= 10 }); n == 0 || n > want {
		t.Errorf("%d records before the damage, at most %d begin before segment 10", n, want)
	}
	if _, err := eselog.Open(bytes.NewReader(lg.File[:100000]), 100000); !errors.Is(err, ese.ErrLogFileSizeMismatch) {
		t.Errorf("truncated: %v", err)
	}
}

// TestReaderRechecksSegmentsSynth changes segment 7 of the generated log
// after Open.
func TestReaderRechecksSegmentsSynth(t *testing.T) {
	lg := synthLog(t)
	data := bytes.Clone(lg.File)
	eselog.CheckRechecksSegments(t, openSynth(t, data), data, 7, len(lg.Positions))
}

// TestReaderCancelSynth: a cancelled context ends the reader.
func TestReaderCancelSynth(t *testing.T) {
	eselog.CheckReaderCancel(t, openSynth(t, synthLog(t).File))
}
