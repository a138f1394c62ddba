package eselog

import (
	"testing"

	"github.com/esekit/esekit/internal/bin"
)

// TestCreateDBPathLikeAttachDB: CreateDB.Path and AttachDB.Path decode
// the same path bytes the same way, UTF-16LE with DBUnicodeNames (up to a
// NUL) and the ANSI form without it.
func TestCreateDBPathLikeAttachDB(t *testing.T) {
	const want = `C:\exchsrvr\MDBDATA\PRIV.EDB`
	for _, tc := range []struct {
		flags uint8
		path  []byte
	}{
		{DBUnicodeNames, append(bin.AppendUTF16(nil, want), 0, 0)},
		{0, append([]byte(want), 0)},
	} {
		c := &CreateDB{Flags: tc.flags, PathBytes: tc.path}
		a := &AttachDB{Flags: tc.flags, PathBytes: tc.path}
		if c.Path() != want || a.Path() != want {
			t.Errorf("flags %#x: CreateDB %q, AttachDB %q, want %q", tc.flags, c.Path(), a.Path(), want)
		}
		if c.IsUnicode() != (tc.flags != 0) || c.IsUnicode() != a.IsUnicode() {
			t.Errorf("flags %#x: IsUnicode %v / %v", tc.flags, c.IsUnicode(), a.IsUnicode())
		}
	}
}
