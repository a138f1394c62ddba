package bin

import (
	"bytes"
	"io"
	"testing"
	"unicode/utf16"
)

func TestStrings(t *testing.T) {
	// "Aé€" in UTF-16LE, a NUL, then more text.
	u := []byte{'A', 0, 0xE9, 0, 0xAC, 0x20, 0, 0, 'B', 0, 7}
	if got := UTF16String(u); got != "Aé€" {
		t.Errorf("UTF16String = %q", got)
	}
	if got := UTF16(u); got != "Aé€\x00B" {
		t.Errorf("UTF16 = %q", got)
	}
	if got := UTF16([]byte{0x00, 0xD8}); got != "\uFFFD" {
		t.Errorf("UTF16 of an unpaired surrogate = %q", got)
	}
	if got := AppendUTF16([]byte{1}, "Aé€"); !bytes.Equal(got, append([]byte{1}, u[:6]...)) {
		t.Errorf("AppendUTF16 = %x", got)
	}
	l := []byte{'P', 0xE9, 0, 'x'}
	if got := CString(l); got != "Pé" {
		t.Errorf("CString = %q", got)
	}
	if got := Latin1(l); got != "Pé\x00x" {
		t.Errorf("Latin1 = %q", got)
	}
	if got := AppendLatin1([]byte{9}, "Pé€\x00x"); !bytes.Equal(got, []byte{9, 'P', 0xE9, '?', 0, 'x'}) {
		t.Errorf("AppendLatin1 = %x", got)
	}
}

// UTF16 and Latin1 agree with the standard library's decoders on every
// unit pair, surrogates included.
func TestUTF16MatchesStdlib(t *testing.T) {
	units := []uint16{0, 'a', 0xE9, 0x20AC, 0xD83D, 0xDE00, 0xDC00, 0xD800, 0xD800, 0xDBFF, 0xDFFF, 0xFFFF}
	for _, a := range units {
		for _, b := range units {
			for _, c := range units {
				u := []uint16{a, b, c}
				var raw []byte
				for _, x := range u {
					raw = append(raw, byte(x), byte(x>>8))
				}
				want := string(utf16.Decode(u))
				if got := UTF16(raw); got != want {
					t.Fatalf("UTF16(%04x) = %q, want %q", u, got, want)
				}
				if got := UTF16(append(raw, 0x41)); got != want {
					t.Fatalf("UTF16 with an odd byte = %q, want %q", got, want)
				}
			}
		}
	}
	all := make([]byte, 256)
	r := make([]rune, 256)
	for i := range all {
		all[i], r[i] = byte(i), rune(i)
	}
	if Latin1(all) != string(r) {
		t.Error("Latin1 differs from the rune conversion")
	}
}

type negSized struct{ bytes.Reader }

func (negSized) Size() int64 { return -1 }

func TestSizeNegative(t *testing.T) {
	if n, err := Size(&negSized{}); err == nil {
		t.Errorf("negative size accepted: %d", n)
	}
	if n, err := Size(bytes.NewReader(make([]byte, 77))); err != nil || n != 77 {
		t.Errorf("Size = %d, %v", n, err)
	}
}

type lenReader struct{ n int }

func (l lenReader) Len() int                              { return l.n }
func (l lenReader) ReadAt(p []byte, _ int64) (int, error) { return 0, io.EOF }

// Size asks a Len() int reader (golang.org/x/exp/mmap.ReaderAt) for its
// length instead of probing it.
func TestSizeLen(t *testing.T) {
	if n, err := Size(lenReader{12345}); err != nil || n != 12345 {
		t.Fatalf("Size = %d, %v", n, err)
	}
}
