package eselog

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/esekit/esekit/ese"
)

func TestApplyDiffHandBuilt(t *testing.T) {
	old := []byte("ABCDEFGHIJKLMNOP") // 16 bytes
	big := bytes.Repeat([]byte{'x'}, 300)
	for _, tc := range []struct {
		name string
		v1   []byte // DIFFHDR encoding
		v2   []byte // DIFFHDR2 encoding of the same change
		want string
	}{
		{"replace different length 1B",
			[]byte{0x02, 0x00, 3, 1, 'x', 'y', 'z'},
			[]byte{0x02, 0x00, 0x00, 3, 1, 'x', 'y', 'z'},
			"ABxyzDEFGHIJKLMNOP"},
		{"replace same length 1B",
			[]byte{0x04, 0x20, 2, 'x', 'y'},
			[]byte{0x04, 0x00, 0x20, 2, 'x', 'y'},
			"ABCDxyGHIJKLMNOP"},
		{"insert 1B",
			[]byte{0x00, 0x40, 2, '1', '2'},
			[]byte{0x00, 0x00, 0x40, 2, '1', '2'},
			"12ABCDEFGHIJKLMNOP"},
		{"delete (new length 0)",
			[]byte{0x0E, 0x00, 0, 2},
			[]byte{0x0E, 0x00, 0x00, 0, 2},
			"ABCDEFGHIJKLMN"},
		{"replace different length 2B",
			[]byte{0x01, 0x80, 2, 0, 3, 0, 'q', 'r'},
			[]byte{0x01, 0x00, 0x80, 2, 0, 3, 0, 'q', 'r'},
			"AqrEFGHIJKLMNOP"},
		{"replace same length 2B",
			[]byte{0x0F, 0xA0, 1, 0, '!'},
			[]byte{0x0F, 0x00, 0xA0, 1, 0, '!'},
			"ABCDEFGHIJKLMNO!"},
		{"insert 2B at the end",
			[]byte{0x10, 0xC0, 3, 0, 'e', 'n', 'd'},
			[]byte{0x10, 0x00, 0xC0, 3, 0, 'e', 'n', 'd'},
			"ABCDEFGHIJKLMNOPend"},
		{"insert and replace flags together: insert wins",
			[]byte{0x01, 0x60, 1, '+'},
			[]byte{0x01, 0x00, 0x60, 1, '+'},
			"A+BCDEFGHIJKLMNOP"},
		{"several entries",
			[]byte{0x00, 0x20, 1, 'a', 0x05, 0x00, 0, 3, 0x0A, 0x40, 1, '_'},
			[]byte{0x00, 0x00, 0x20, 1, 'a', 0x05, 0x00, 0x00, 0, 3, 0x0A, 0x00, 0x40, 1, '_'},
			"aBCDEIJ_KLMNOP"},
		{"empty diff", []byte{}, []byte{}, string(old)},
	} {
		for _, v2 := range []bool{false, true} {
			d := tc.v1
			if v2 {
				d = tc.v2
			}
			got, err := ApplyDiff(old, d, v2, len(tc.want))
			if err != nil || string(got) != tc.want {
				t.Errorf("%s (DIFFHDR2 %v): %q %v, want %q", tc.name, v2, got, err, tc.want)
			}
			es, err := ParseDiff(d, v2)
			if err != nil {
				t.Fatalf("%s: ParseDiff: %v", tc.name, err)
			}
			if enc, err := AppendDiff(nil, es, v2); err != nil || !bytes.Equal(enc, d) {
				t.Errorf("%s (DIFFHDR2 %v): AppendDiff %x %v, want %x", tc.name, v2, enc, err, d)
			}
			// A cbNew that disagrees with the result is LogCorrupted.
			if _, err := ApplyDiff(old, d, v2, len(tc.want)+1); !errors.Is(err, ese.ErrLogCorrupted) {
				t.Errorf("%s: wrong cbNew gives %v", tc.name, err)
			}
			if len(tc.want) > 0 {
				if _, err := ApplyDiff(old, d, v2, len(tc.want)-1); !errors.Is(err, ese.ErrLogCorrupted) {
					t.Errorf("%s: short cbNew gives %v", tc.name, err)
				}
			}
		}
	}
	// All three flags: insert wins, two-byte length.
	if got, err := ApplyDiff(old, []byte{0x02, 0xE0, 1, 0, '#'}, false, 17); err != nil || string(got) != "AB#CDEFGHIJKLMNOP" {
		t.Errorf("0xE0 flags: %q %v", got, err)
	}
	// A DIFFHDR offset using the high offset bits (0x1234) next to the
	// flag bits.
	long := bytes.Repeat([]byte{'.'}, 6000)
	got, err := ApplyDiff(long, []byte{0x34, 0x32, 2, 'h', 'i'}, false, 6000)
	if err != nil || string(got[0x1234:0x1236]) != "hi" || got[0x1233] != '.' || got[0x1236] != '.' {
		t.Errorf("DIFFHDR high offset: %v", err)
	}
	if es, _ := ParseDiff([]byte{0x34, 0x32, 2, 'h', 'i'}, false); len(es) != 1 || es[0].Offset != 0x1234 || es[0].Flags != DiffSameLength {
		t.Errorf("DIFFHDR high offset parses as %+v", es)
	}
	// DIFFHDR2 offsets reach 0xFFFF.
	got, err = ApplyDiff(long, []byte{0x00, 0x17, 0x00, 1, 1, 'z'}, true, 6000)
	if err != nil || got[0x1700] != 'z' || got[0x1701] != '.' || len(got) != 6000 {
		t.Errorf("DIFFHDR2 offset 6000-byte image: %v", err)
	}
	// Two-byte lengths are chosen automatically for long data.
	es := []DiffEntry{{Offset: 2, OldLen: 3, New: big}}
	d, err := AppendDiff(nil, es, true)
	if err != nil || d[2] != DiffTwoByte || len(d) != 3+2+2+300 {
		t.Fatalf("AppendDiff long: %x.. %v", d[:8], err)
	}
	got, err = ApplyDiff(old, d, true, 16-3+300)
	if err != nil || !bytes.Equal(got, append(append([]byte("AB"), big...), old[5:]...)) {
		t.Errorf("long replace: %v", err)
	}
	if got := fmt.Sprint(es[0], DiffEntry{Offset: 4, Flags: DiffInsert, New: []byte{1}}, DiffEntry{Offset: 9, OldLen: 3}); got != "rep=@2 new300 old3 ins=@4 new1 del=@9 old3" {
		t.Errorf("String: %q", got)
	}
	// DIFFHDR cannot hold offsets past 13 bits.
	if _, err := AppendDiff(nil, []DiffEntry{{Offset: 0x2000}}, false); !errors.Is(err, ese.ErrInvalidParameter) {
		t.Errorf("DIFFHDR offset 0x2000: %v", err)
	}
	if _, err := AppendDiff(nil, []DiffEntry{{Offset: 0x10000}}, true); !errors.Is(err, ese.ErrInvalidParameter) {
		t.Errorf("DIFFHDR2 offset 0x10000: %v", err)
	}
	if _, err := AppendDiff(nil, []DiffEntry{{OldLen: 0x10000}}, true); !errors.Is(err, ese.ErrInvalidParameter) {
		t.Errorf("old length 0x10000: %v", err)
	}
}

func TestApplyDiffCorrupt(t *testing.T) {
	old := []byte("0123456789")
	for _, tc := range []struct {
		name string
		d    []byte
		v2   bool
	}{
		{"truncated DIFFHDR", []byte{0x01}, false},
		{"truncated DIFFHDR2", []byte{0x01, 0x00}, true},
		{"missing new length", []byte{0x01, 0x00}, false},
		{"missing old length", []byte{0x01, 0x00, 1}, false},
		{"missing two-byte length", []byte{0x01, 0x80, 1}, false},
		{"new bytes past the diff", []byte{0x01, 0x40, 5, 'a'}, false},
		{"offset past the old image", []byte{0x0B, 0x40, 1, 'a'}, false},
		{"offset going back", []byte{0x05, 0x20, 1, 'a', 0x02, 0x40, 1, 'b'}, false},
		{"old length past the old image", []byte{0x08, 0x00, 0, 3}, false},
		{"same length past the old image", []byte{0x08, 0x00, 0x20, 3, 'a', 'b', 'c'}, true},
	} {
		_, err := ApplyDiff(old, tc.d, tc.v2, 10)
		if !errors.Is(err, ese.ErrLogFileCorrupt) {
			t.Errorf("%s: %v, want ErrLogFileCorrupt", tc.name, err)
		}
	}
	// The result never grows past cbNew, whatever the diff says.
	huge := []byte{0x00, 0xC0, 0xFF, 0xFF}
	huge = append(huge, make([]byte, 0xFFFF)...)
	if _, err := ApplyDiff(old, huge, false, 20); !errors.Is(err, ese.ErrLogCorrupted) {
		t.Errorf("oversized insert: %v", err)
	}
	if _, err := ApplyDiff(old, nil, false, -2); err == nil {
		t.Error("negative cbNew accepted")
	}
	// AnyLength skips the length check, as a retail engine does, but still
	// bounds the result.
	if got, err := ApplyDiff(old, []byte{0x0A, 0x40, 2, 'a', 'b'}, false, AnyLength); err != nil || string(got) != "0123456789ab" {
		t.Errorf("AnyLength: %q %v", got, err)
	}
	if _, err := ApplyDiff(bytes.Repeat([]byte{1}, MaxAfterImage), []byte{0x00, 0x40, 1, 'a'}, false, AnyLength); !errors.Is(err, ese.ErrLogCorrupted) {
		t.Errorf("AnyLength past MaxAfterImage: %v", err)
	}
}

func TestReplaceAfterImage(t *testing.T) {
	// Replace: the payload is the after-image, whatever the old data.
	r := &Replace{NodeHeader: NodeHeader{PageHeader: PageHeader{RecordBase: RecordBase{Lrtyp: RecReplace}}},
		CbNewData: 3, Payload: []byte("new")}
	if got, err := r.AfterImage([]byte("old data")); err != nil || string(got) != "new" {
		t.Errorf("Replace: %q %v", got, err)
	}
	r.Lrtyp, r.Diff2, r.Payload, r.CbOldData, r.CbNewData = RecReplaceD, true, []byte{0x01, 0x00, 0x20, 2, 'x', 'y'}, 5, 5
	if got, err := r.AfterImage([]byte("abcde")); err != nil || string(got) != "axyde" {
		t.Errorf("ReplaceD: %q %v", got, err)
	}
	// Encoding keeps the DIFFHDR2 bit in cb.
	b := r.AppendEncode(nil)
	if len(b) != 56 || b[44] != 6 || b[45] != 0x80 {
		t.Errorf("ReplaceD encoding: len %d cb %02x%02x", len(b), b[45], b[44])
	}
}
