package esepatch

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/esekit/esekit/ese"
)

func TestFormOf(t *testing.T) {
	for _, tc := range []struct {
		size int64
		want Form
	}{{0, FormMarkerTrailer}, {2 * 8192, FormPatchFile}, {1, FormPatchFile}} {
		if got := FormOf(tc.size); got != tc.want {
			t.Errorf("FormOf(%d) = %q, want %q", tc.size, got, tc.want)
		}
	}
}

// TestMarkerWithoutTrailer: a 3-page file of 4 KiB pages whose last page
// is zero has no trailer page; with a good trailer page with one byte
// flipped it has a corrupt one, reported at the trailer's offset in the
// file (8192), not inside the page. Either way the marker error names
// the case and wraps -535 once.
func TestMarkerWithoutTrailer(t *testing.T) {
	const ps = 4096
	file := make([]byte, 3*ps)
	_, cause := ReadTrailer(bytes.NewReader(file), int64(len(file)), ps)
	err := MarkerWithoutTrailer("PRIV.pat", "PRIV.EDB", cause)
	if !errors.Is(err, ese.ErrBadPatchPage) {
		t.Errorf("%v does not wrap -535", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "zero-length patch file PRIV.pat and no trailer page in PRIV.EDB: backup trailer at offset 8192 (0x2000): last page is all zero") ||
		strings.Count(msg, "(-535)") != 1 {
		t.Errorf("message %q", msg)
	}

	h := Header{Backup: ese.BackupInfo{GenLow: 5, GenHigh: 9}, GenMinRequired: 5, GenMaxRequired: 7, GenMaxCommitted: 7}
	copy(file[2*ps:], h.Encode(ps))
	if tr, err := ReadTrailer(bytes.NewReader(file), int64(len(file)), ps); err != nil || tr.Header.Backup.GenHigh != 9 {
		t.Fatalf("good trailer: %v", err)
	}
	file[2*ps+100] ^= 1
	_, cause = ReadTrailer(bytes.NewReader(file), int64(len(file)), ps)
	var fe *ese.FormatError
	if !errors.As(cause, &fe) || fe.Offset != 2*ps || !errors.Is(cause, ese.ErrBadPatchPage) {
		t.Fatalf("corrupt trailer: %v", cause)
	}
	msg = MarkerWithoutTrailer("PRIV.pat", "PRIV.EDB", cause).Error()
	if !strings.Contains(msg, "zero-length patch file PRIV.pat and a corrupt trailer page in PRIV.EDB: backup trailer at offset 8192 (0x2000): corrupt trailer page: checksum") ||
		strings.Count(msg, "(-535)") != 1 {
		t.Errorf("message %q", msg)
	}
	// A cause that does not wrap -535 (a read error) gets it added.
	err = MarkerWithoutTrailer("PRIV.pat", "PRIV.EDB", errors.New("read failed"))
	if !errors.Is(err, ese.ErrBadPatchPage) || strings.Count(err.Error(), "(-535)") != 1 {
		t.Errorf("read error: %v", err)
	}
	if err := MarkerWithoutTrailer("PRIV.pat", "PRIV.EDB", nil); strings.Count(err.Error(), "(-535)") != 1 || !errors.Is(err, ese.ErrBadPatchPage) {
		t.Errorf("no cause: %v", err)
	}
}
