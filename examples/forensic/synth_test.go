package main

import (
	"testing"

	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/testset"
)

// TestSampleBackup runs the report over testset's backup set (the SRUM
// sample made a streaming backup copy of logs 0x51-0x52, classic .pat):
// hard recovery in the report's own folder brings the copy clean, the
// evidence is untouched, the patch file names the backup's logs and mark
// and holds no page images; the readable report runs too.
func TestSampleBackup(t *testing.T) {
	dir := t.TempDir()
	if err := testset.SampleBackup(t).WriteDir(dir, esepatch.FormPatchFile); err != nil {
		t.Fatal(err)
	}
	checkHardTriage(t, dir, "51-52", "(0x51,8,0)")
}
