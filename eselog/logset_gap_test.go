package eselog

import (
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/sampleset"
)

// TestGapCodeMatchesReplay: the sample's logs 0x4E-0x51 and SRU.log (0x52)
// with SRU00050.log removed have a gap whose problem code is the one the
// replay walk stops with, -515 (the engine opens SRU.log in place of
// SRU00050.log); with SRU.log removed too, both are -528.
func TestGapCodeMatchesReplay(t *testing.T) {
	for _, tc := range []struct {
		drop []string
		want ese.Error
	}{
		{[]string{"SRU00050.log"}, ese.ErrInvalidLogSequence},
		{[]string{"SRU00050.log", "SRU.log"}, ese.ErrMissingLogFile},
	} {
		names, err := sampleset.Names()
		if err != nil {
			t.Fatal(err)
		}
		var keep []string
		for _, n := range names {
			if n != tc.drop[0] && (len(tc.drop) < 2 || n != tc.drop[1]) && n != sampleset.Checkpoint {
				keep = append(keep, n)
			}
		}
		fsys, err := sampleset.FS(keep...)
		if err != nil {
			t.Fatal(err)
		}
		s, err := ScanFS(fsys, ".", nil)
		if err != nil {
			t.Fatal(err)
		}
		var gap *Problem
		for i := range s.Problems {
			if s.Problems[i].Kind == ProblemGap {
				gap = &s.Problems[i]
			}
		}
		r := s.Replay(nil)
		if gap == nil || gap.Code != tc.want || r.Error != tc.want {
			t.Errorf("without %v: gap %+v, replay %d %s", tc.drop, gap, r.Error, r.Message)
		}
	}
}
