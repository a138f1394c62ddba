package main

import (
	"bytes"
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
	code, r := runJSON(t, dir, "-out", t.TempDir())
	if code != 0 || !r.EvidenceUntouched || r.Recovery == nil || r.Recovery.Mode != "hard" || len(r.Recovery.Databases) != 1 {
		t.Fatalf("exit %d %+v", code, r.Recovery)
	}
	if d := r.Recovery.Databases[0]; d.StateAfter != "CleanShutdown" {
		t.Errorf("recovered %+v", d)
	}
	var p *patchSummary
	for _, f := range r.Files {
		if f.Patch != nil {
			p = f.Patch
		}
	}
	if p == nil || p.BackupLogs != "51-52" || p.Mark != "(0x51,8,0)" || p.Images != 0 {
		t.Errorf("patch %+v", p)
	}
	var txt, errb bytes.Buffer
	if code := run([]string{dir}, &txt, &errb); code != 0 || txt.Len() == 0 {
		t.Fatalf("readable: exit %d %s", code, errb.String())
	}
}
