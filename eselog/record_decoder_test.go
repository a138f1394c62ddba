package eselog

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"github.com/esekit/esekit/ese"
)

// TestDecoderAgreesWithDecodeRecord decodes every record of real logs
// (modern, legacy and a jtx log) with one Decoder and with DecodeRecord:
// the values must be equal, the reused types must be the Decoder's own
// values and allocate nothing, and Keep must give an equal record that
// survives both the next Decode and the input being overwritten (a copy
// made by CloneRecord), or the record itself for the types not reused.
func TestDecoderAgreesWithDecodeRecord(t *testing.T) {
	reused := map[RecordType]bool{RecBegin: true, RecBegin0: true, RecBeginDT: true, RecCommit: true, RecCommit0: true,
		RecInsert: true, RecFlagDelete: true, RecReplace: true, RecReplaceD: true, RecDelta: true, RecDelta64: true}
	seen := map[RecordType]int{}
	for _, path := range []string{"appdata/edb.log", "appdata/edb0000D.log", "appdata-uss-jtx/USS00041.jtx", "wlm-kimberli13/edb.log"} {
		l, _ := openCorpus(t, path)
		var d Decoder
		var scratch []byte
		for r, err := range l.RawRecords(context.Background(), Filter{}) {
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			want, err := DecodeRecord(r.Bytes, r.Pos)
			if err != nil {
				t.Fatal(err)
			}
			scratch = append(scratch[:0], r.Bytes...)
			got, err := d.Decode(scratch, r.Pos)
			if err != nil {
				t.Fatalf("%s %v: %v", path, r.Pos, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s %v: Decoder gave %+v, DecodeRecord %+v", path, r.Pos, got, want)
			}
			if !reused[r.Type] {
				if kept, err := d.Keep(got); err != nil || kept != got {
					t.Fatalf("%s %v: Keep of a %v record copied it (%v)", path, r.Pos, r.Type, err)
				}
				continue
			}
			seen[r.Type]++
			if again, _ := d.Decode(scratch, r.Pos); again != got {
				t.Fatalf("%s %v: a %v record is not the Decoder's reused value", path, r.Pos, r.Type)
			}
			if a := testing.AllocsPerRun(5, func() { d.Decode(scratch, r.Pos) }); a != 0 {
				t.Fatalf("%s %v: %v allocations decoding a %v record", path, r.Pos, a, r.Type)
			}
			clone, err := d.Keep(got)
			if err != nil {
				t.Fatal(err)
			}
			if clone == got {
				t.Fatalf("%s %v: Keep of a reused %v record returned the Decoder's value", path, r.Pos, r.Type)
			}
			for i := range scratch {
				scratch[i] = ^scratch[i]
			}
			d.Decode(r.Bytes, r.Pos) // the reused value now holds the next decode
			if !reflect.DeepEqual(clone, want) {
				t.Fatalf("%s %v: the clone of a %v record changed with its input", path, r.Pos, r.Type)
			}
			if !bytes.Equal(clone.AppendEncode(nil), r.Bytes) {
				t.Fatalf("%s %v: the clone re-encodes differently", path, r.Pos)
			}
		}
	}
	for _, typ := range []RecordType{RecBegin0, RecCommit0, RecInsert, RecFlagDelete, RecReplace, RecReplaceD, RecDelta} {
		if seen[typ] == 0 {
			t.Errorf("no %v record met: the test does not cover it", typ)
		}
	}
	t.Logf("reused types met: %v", seen)
}

// TestDecoderErrors: the Decoder refuses what DecodeRecord refuses, with
// the same error, for short and over-long buffers of a reused type.
func TestDecoderErrors(t *testing.T) {
	var d Decoder
	commit0 := (&Commit0{Commit: Commit{RecordBase: RecordBase{Lrtyp: RecCommit0}, Procid: 7}, TrxCommit0: 9}).AppendEncode(nil)
	for _, b := range [][]byte{nil, commit0[:5], append(bytes.Clone(commit0), 0), {byte(RecReplaceD), 1, 2}} {
		_, want := DecodeRecord(b, ese.LogPos{Generation: 1})
		_, got := d.Decode(b, ese.LogPos{Generation: 1})
		if want == nil || got == nil || got.Error() != want.Error() {
			t.Errorf("% x: Decoder error %v, DecodeRecord %v", b, got, want)
		}
	}
}

// TestHandDecodeAgreesWithLayout decodes synthetic records of every type
// the Decoder reuses both with the hand-written decode methods and through
// the type's layout (the fields method that also encodes it): the values
// must be equal, so the two cannot drift apart.
func TestHandDecodeAgreesWithLayout(t *testing.T) {
	rng := newRand()
	layoutDecoders := map[RecordType]func([]byte, RecordBase) Record{
		RecBegin: decodeLayout[Begin], RecBegin0: decodeLayout[Begin0], RecBeginDT: decodeLayout[Begin0],
		RecCommit: decodeLayout[Commit], RecCommit0: decodeLayout[Commit0],
		RecInsert: decodeLayout[Insert], RecFlagDelete: decodeLayout[FlagDelete],
		RecReplace: decodeLayout[Replace], RecReplaceD: decodeLayout[Replace],
		RecDelta: decodeLayout[Delta], RecDelta64: decodeLayout[Delta],
	}
	for ty, viaLayout := range layoutDecoders {
		if !reused(ty) {
			t.Fatalf("%s is not a type the Decoder reuses", ty)
		}
		var d Decoder
		for range 200 {
			b := synth(rng, ty)
			base := RecordBase{Lrtyp: ty, At: ese.LogPos{Offset: 8, Sector: 2, Generation: 5}}
			want := viaLayout(b, base)
			got, err := d.Decode(b, base.At)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: hand-written decode %+v, layout %+v", ty, got, want)
			}
		}
	}
}
