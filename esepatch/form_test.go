package esepatch

import (
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

func TestMarkerWithoutTrailer(t *testing.T) {
	cause := errors.New("last page is all zero")
	err := MarkerWithoutTrailer("PRIV.pat", "PRIV.EDB", cause)
	if !errors.Is(err, ese.ErrBadPatchPage) {
		t.Errorf("%v does not wrap -535", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "zero-length patch file PRIV.pat and no trailer page in PRIV.EDB (last page is all zero)") {
		t.Errorf("message %q", msg)
	}
}
