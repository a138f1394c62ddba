package bin

import (
	"bytes"
	"testing"
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
