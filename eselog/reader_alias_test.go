package eselog

import (
	"bytes"
	"context"
	"io"
	"reflect"
	"testing"
)

// TestNextRawNoCopy reads real logs (modern with fragmented records,
// legacy) with NextRaw: an unfragmented record's Bytes are the file's
// bytes at its Offset, read without allocating per record (the reader
// hands out a slice of the segment or sectors it holds; only reassembled
// records live in a buffer of their own).
func TestNextRawNoCopy(t *testing.T) {
	for _, c := range []struct {
		path             string
		records, frags   int
		checkFileOffsets bool
	}{
		{"appdata/edb.log", 1812, 13, true},
		{"appdata-uss-jtx/USS00041.jtx", 64287, 0, true},
		{"wlm-kimberli13/edb.log", 404, 0, false},
	} {
		l, data := openCorpus(t, c.path)
		n, frags := 0, 0
		read := func() {
			n, frags = 0, 0
			rd := l.NewReader(context.Background(), Filter{})
			for {
				r, err := rd.NextRaw()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatalf("%s: %v", c.path, err)
				}
				n++
				if r.Fragments > 0 {
					frags++
				} else if c.checkFileOffsets && !bytes.Equal(r.Bytes, data[r.Offset:r.Offset+int64(len(r.Bytes))]) {
					t.Fatalf("%s %v: record bytes are not the file's at %d", c.path, r.Pos, r.Offset)
				}
			}
		}
		allocs := testing.AllocsPerRun(1, read)
		if n != c.records || (c.frags > 0 && frags != c.frags) {
			t.Errorf("%s: %d records, %d fragmented; want %d, %d", c.path, n, frags, c.records, c.frags)
		}
		// A few allocations per reader (the reader, its cursor and buffer,
		// the reassembly buffer growing), none per record.
		if allocs > float64(n/20+16) {
			t.Errorf("%s: %.0f allocations reading %d records", c.path, allocs, n)
		}
		t.Logf("%s: %d records, %.0f allocations", c.path, n, allocs)
	}
}

// TestDecodeRecordKeepsNoInput decodes every record of real logs from a
// scratch buffer, overwrites the buffer, and compares the record with one
// decoded from an untouched copy: DecodeRecord's result must not share
// memory with its input, which is what lets NextRaw hand out the reader's
// own buffer (valid until the next call) to callers that decode it.
func TestDecodeRecordKeepsNoInput(t *testing.T) {
	for _, path := range []string{"appdata/edb.log", "appdata/edb0000D.log", "appdata-uss-jtx/USS00041.jtx", "wlm-kimberli13/edb.log"} {
		l, _ := openCorpus(t, path)
		n := 0
		var scratch []byte
		for r, err := range l.RawRecords(context.Background(), Filter{}) {
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			scratch = append(scratch[:0], r.Bytes...)
			got, err := DecodeRecord(scratch, r.Pos)
			if err != nil {
				t.Fatalf("%s %v: %v", path, r.Pos, err)
			}
			for i := range scratch {
				scratch[i] = ^scratch[i]
			}
			want, err := DecodeRecord(bytes.Clone(r.Bytes), r.Pos)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s %v: the %v record changed when its input was overwritten", path, r.Pos, r.Type)
			}
			n++
		}
		if n < 400 {
			t.Errorf("%s: only %d records", path, n)
		}
	}
}

// TestDecodeReplaceOneAllocation decodes the real ReplaceD records of a
// log: a short diff is copied into the record's own allocation (one
// allocation per record, payload capacity equal to its length), a long
// one keeps the general form; both decode to the same values as
// decodeLayout[Replace] over a copy of the record.
func TestDecodeReplaceOneAllocation(t *testing.T) {
	l, _ := openCorpus(t, "appdata/edb.log")
	short, long := 0, 0
	for r, err := range l.RawRecords(context.Background(), Filter{Types: []RecordType{RecReplace, RecReplaceD}}) {
		if err != nil {
			t.Fatal(err)
		}
		rec, err := DecodeRecord(r.Bytes, r.Pos)
		if err != nil {
			t.Fatal(err)
		}
		got := rec.(*Replace)
		want := decodeLayout[Replace](bytes.Clone(r.Bytes), RecordBase{Lrtyp: r.Type, At: r.Pos}).(*Replace)
		if !reflect.DeepEqual(got, want) || cap(got.Payload) != len(got.Payload) {
			t.Fatalf("%v: decoded %+v, want %+v (payload cap %d)", r.Pos, got, want, cap(got.Payload))
		}
		if !bytes.Equal(got.AppendEncode(nil), r.Bytes) {
			t.Fatalf("%v: re-encoding differs", r.Pos)
		}
		b := bytes.Clone(r.Bytes)
		allocs := testing.AllocsPerRun(10, func() { DecodeRecord(b, r.Pos) })
		if len(got.Payload) <= replaceInline {
			short++
			if allocs != 1 {
				t.Fatalf("%v: %v allocations for a %d-byte payload", r.Pos, allocs, len(got.Payload))
			}
		} else {
			long++
		}
	}
	if short < 10 || long < 1 {
		t.Errorf("%d short and %d long Replace/ReplaceD records", short, long)
	}
	t.Logf("%d short, %d long Replace/ReplaceD records", short, long)
}
