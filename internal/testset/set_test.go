package testset

import (
	"slices"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
)

// TestBuildSetScans writes generated folders of both log formats and
// scans them with eselog: generations 1-3 found, one stream, an unbroken
// chain, the current log named edb.log, no problem reported.
func TestBuildSetScans(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		s, err := BuildSet(SetSpec{Legacy: legacy})
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		s.WriteDir(t, dir, "db.edb")
		set, err := eselog.ScanDir(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(set.Generations, []ese.Generation{1, 2, 3}) || set.Signature != Signature(1) || len(set.Problems) != 0 {
			t.Errorf("legacy %v: generations %v signature %v problems %+v", legacy, set.Generations, set.Signature, set.Problems)
		}
		if f := set.Log(3); f == nil || f.File != "edb.log" {
			t.Errorf("legacy %v: current log %+v", legacy, f)
		}
	}
}
