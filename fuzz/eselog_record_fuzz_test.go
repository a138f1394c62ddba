package fuzz

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/testcorpus"
)

// recordSeeds returns whole records cut from the corpus logs: the plain
// (unfragmented) records of the first segments of each modern log, and the
// start of the record stream of each legacy log. It returns only synthetic
// records when the corpus is absent.
func recordSeeds() [][]byte {
	seeds := [][]byte{
		{byte(eselog.RecNOP)},
		{byte(eselog.RecCommit), 1, 0, 0},
		{byte(eselog.RecNOP2), 3, 0, 0, 0, 0, 0, 0},
		{byte(eselog.RecExtendDB), 5, 0, 0, 0, 1, 0x40, 0, 0, 0},
		{byte(eselog.RecMacroInfo2), 13, 0, 0, 0, 2, 2, 0, 0, 0, 123, 0, 0, 0, 140, 0, 0, 0},
		{byte(eselog.RecDetachDB), 1, 0, 1, 2, 0, 0x10, 'a', 0},
	}
	for _, rel := range testcorpus.Glob("*.log") {
		b := testcorpus.Head(rel, 12*4096) // the header and the first 11 sectors or segments
		if len(b) < 8192 {
			continue
		}
		if binary.LittleEndian.Uint32(b[32:]) == 7 { // legacy: one stream
			for off, n := 4096, 0; n < 40 && off < len(b); n++ {
				sz, err := eselog.RecordSize(b[off:])
				if err != nil || off+sz > len(b) {
					break
				}
				seeds = append(seeds, b[off:off+sz])
				off += sz
			}
			continue
		}
		for isec := 1; isec < 12 && (isec+1)*4096 <= len(b); isec++ {
			s := b[isec*4096 : (isec+1)*4096]
			for off := 40; off < len(s) && s[off] != 0; {
				sz, err := eselog.RecordSize(s[off:])
				if err != nil || off+sz > len(s) {
					break
				}
				seeds = append(seeds, s[off:off+sz])
				off += sz
			}
		}
	}
	return seeds
}

// recordSeedsPerType keeps, for each record type, its first, shortest and
// longest record. The corpus logs hold thousands of records of a few dozen
// types; every seed costs the engine a round trip to a worker before
// fuzzing starts, and thousands of them took most of a 10-second run.
func recordSeedsPerType(seeds [][]byte) [][]byte {
	type pick struct{ first, short, long []byte }
	picks := map[byte]*pick{}
	var order []byte
	for _, s := range seeds {
		p := picks[s[0]]
		if p == nil {
			p = &pick{s, s, s}
			picks[s[0]] = p
			order = append(order, s[0])
		}
		if len(s) < len(p.short) {
			p.short = s
		}
		if len(s) > len(p.long) {
			p.long = s
		}
	}
	var out [][]byte
	seen := map[string]bool{}
	for _, typ := range order {
		p := picks[typ]
		for _, s := range [][]byte{p.first, p.short, p.long} {
			if !seen[string(s)] {
				seen[string(s)] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// FuzzEselogRecord checks RecordSize, DecodeRecord, Decoder.Decode,
// AppendEncode and CloneRecord on arbitrary bytes: no panic, the Decoder
// gives what DecodeRecord gives (the same record or the same error), and
// every record that decodes re-encodes to exactly its bytes and clones to
// an equal record.
func FuzzEselogRecord(f *testing.F) {
	for _, s := range recordSeedsPerType(recordSeeds()) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var d eselog.Decoder
		want, wantErr := eselog.DecodeRecord(b, ese.LogPos{Generation: 1})
		got, gotErr := d.Decode(b, ese.LogPos{Generation: 1})
		if (wantErr == nil) != (gotErr == nil) || wantErr != nil && wantErr.Error() != gotErr.Error() || !reflect.DeepEqual(got, want) {
			t.Fatalf("Decoder gave %v, %v; DecodeRecord %v, %v", got, gotErr, want, wantErr)
		}
		n, err := eselog.RecordSize(b)
		if err != nil {
			var fe *ese.FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("RecordSize error of an unexpected kind: %v", err)
			}
			wantEseError(t, "RecordSize", err)
			if _, err2 := eselog.DecodeRecord(b, ese.LogPos{}); err2 == nil {
				t.Fatal("DecodeRecord accepts what RecordSize refuses")
			}
			return
		}
		if n < 1 || n < eselog.FixedSize(eselog.RecordType(b[0])) {
			t.Fatalf("size %d below the fixed size", n)
		}
		if n > len(b) {
			if _, err := eselog.DecodeRecord(b, ese.LogPos{}); !errors.Is(err, eselog.ErrShortRecord) {
				t.Fatalf("DecodeRecord of a truncated record: %v", err)
			}
			return
		}
		pos := ese.LogPos{Offset: 40, Sector: 1, Generation: 1}
		r, err := eselog.DecodeRecord(b[:n], pos)
		if err != nil {
			t.Fatalf("DecodeRecord of a whole %d-byte record: %v", n, err)
		}
		if r.Type() != eselog.RecordType(b[0]) || r.Pos() != pos {
			t.Fatalf("type %v pos %v", r.Type(), r.Pos())
		}
		if enc := r.AppendEncode(nil); !bytes.Equal(enc, b[:n]) {
			t.Fatalf("%s re-encodes differently", r.Type())
		}
		if c, err := eselog.CloneRecord(r); err != nil || !reflect.DeepEqual(c, r) {
			t.Fatalf("CloneRecord of a %s: %v", r.Type(), err)
		}
		if d := eselog.Describe(r); len(d) == 0 {
			t.Fatal("empty description")
		}
		if rep, ok := r.(*eselog.Replace); ok && rep.IsDiff() {
			old := make([]byte, rep.CbOldData)
			_, _ = rep.AfterImage(old)
		}
	})
}

// FuzzEselogDiff checks the ReplaceD diff decoder: no panic, results never
// larger than announced, and a diff that parses re-encodes exactly.
func FuzzEselogDiff(f *testing.F) {
	f.Add([]byte{0x14, 0x00, 0x20, 8, 1, 2, 3, 4, 5, 6, 7, 8}, true, uint16(40), uint16(40))
	f.Add([]byte{0x02, 0x00, 3, 1, 'x', 'y', 'z'}, false, uint16(16), uint16(18))
	f.Add([]byte{0x00, 0xC0, 3, 0, 'e', 'n', 'd'}, false, uint16(4), uint16(7))
	f.Fuzz(func(t *testing.T, diff []byte, v2 bool, cbOld, cbNew uint16) {
		old := make([]byte, cbOld)
		for i := range old {
			old[i] = byte(i)
		}
		out, err := eselog.ApplyDiff(old, diff, v2, int(cbNew))
		if err == nil && len(out) != int(cbNew) {
			t.Fatalf("after-image %d bytes, announced %d", len(out), cbNew)
		}
		if err != nil && !errors.Is(err, ese.ErrLogFileCorrupt) && !errors.Is(err, ese.ErrLogCorrupted) {
			t.Fatalf("unexpected error kind: %v", err)
		}
		if out, err := eselog.ApplyDiff(old, diff, v2, eselog.AnyLength); err == nil && len(out) > eselog.MaxAfterImage {
			t.Fatalf("after-image of %d bytes with AnyLength", len(out))
		}
		es, err := eselog.ParseDiff(diff, v2)
		if err != nil {
			return
		}
		enc, err := eselog.AppendDiff(nil, es, v2)
		if err != nil || !bytes.Equal(enc, diff) {
			t.Fatalf("diff re-encodes differently: %v", err)
		}
	})
}
