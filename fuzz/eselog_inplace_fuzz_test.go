package fuzz

import (
	"bytes"
	"testing"

	"github.com/esekit/esekit/eselog"
)

// FuzzEselogReplaceInPlace checks Replace.ApplyInPlace against AfterImage
// on hostile diffs: when it accepts a diff, the data it leaves is exactly
// the after-image AfterImage computes from the old data; when it refuses,
// it has changed nothing.
func FuzzEselogReplaceInPlace(f *testing.F) {
	f.Add([]byte{0x14, 0x00, 0x20, 8, 1, 2, 3, 4, 5, 6, 7, 8}, true, uint16(40), uint16(40), uint16(40))
	f.Add([]byte{0x02, 0x20, 3, 'x', 'y', 'z', 0x09, 0x00, 2, 2, 'a', 'b'}, false, uint16(16), uint16(16), uint16(16))
	f.Add([]byte{0x04, 0x00, 0x40, 0, 0x04, 0x00, 0x20, 1, 'q'}, true, uint16(4), uint16(4), uint16(5))
	f.Add([]byte{0x00, 0xC0, 3, 0, 'e', 'n', 'd'}, false, uint16(4), uint16(7), uint16(4))
	f.Fuzz(func(t *testing.T, diff []byte, v2 bool, cbData, cbOld, cbNew uint16) {
		if cbData > 4096 {
			cbData %= 4096
		}
		old := make([]byte, cbData)
		for i := range old {
			old[i] = byte(i*7 + 1)
		}
		r := &eselog.Replace{NodeHeader: eselog.NodeHeader{PageHeader: eselog.PageHeader{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecReplaceD}}},
			Diff2: v2, CbOldData: cbOld, CbNewData: cbNew, Payload: diff}
		want, err := r.AfterImage(old)
		data := bytes.Clone(old)
		if !r.ApplyInPlace(data) {
			if !bytes.Equal(data, old) {
				t.Fatal("a refused diff changed the data")
			}
			return
		}
		if err != nil {
			t.Fatalf("applied in place a diff AfterImage rejects: %v", err)
		}
		if !bytes.Equal(data, want) {
			t.Fatal("in-place result differs from the after-image")
		}
	})
}
