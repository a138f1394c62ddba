package logfill

import "testing"

func TestMatches(t *testing.T) {
	if Block[0] != 0xDA || Block[1] != 0xDA || Block[16] != 0xEA || Block[32] != 0xFA || Block[48] != 0x0A || Block[511] != 0xDA {
		t.Errorf("block bytes %x %x %x %x %x", Block[0], Block[16], Block[32], Block[48], Block[511])
	}
	three := append(append(Block[:], Block[:]...), Block[:]...)
	for _, tc := range []struct {
		b    []byte
		off  int64
		want bool
	}{
		{three, 0, true},
		{three[16:1000], 16, true},
		{three[16:1000], 0, false},
		{three[100:], 512 + 100, true},
		{nil, 7, true},
		{[]byte{0xDA}, 1, true},
		{[]byte{0xDA}, 16, false},
	} {
		if got := Matches(tc.b, tc.off); got != tc.want {
			t.Errorf("Matches(%d bytes at %d) = %v, want %v", len(tc.b), tc.off, got, tc.want)
		}
	}
}
