package main

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/sampleset"
	"github.com/esekit/esekit/internal/testcorpus"
	"github.com/esekit/esekit/internal/testset"
)

// TestTruncatedAndGarbage runs every file verb over truncated copies of
// real and generated files of every kind and over garbage: each file gets an object with its name and
// a type, failures are reported (exit status 1), and nothing panics.
func TestTruncatedAndGarbage(t *testing.T) {
	dir := t.TempDir()
	var files []string
	// A checkpoint, a modern log and a database of the committed SRUM
	// set, a generated legacy log and a generated .pat.
	const srum = "museum-srum-win10-belkasoftctf-insiderthreat-dirty/"
	inputs := map[string][]byte{}
	for _, rel := range []string{srum + "SRU.chk", srum + "SRU00051.log", srum + "SRUDB.dat"} {
		inputs[rel] = testcorpus.Read(t, rel)
	}
	legacy, err := testset.BuildLegacyLog(testset.LogSpec{Transactions: 40, Term: true})
	if err != nil {
		t.Fatal(err)
	}
	inputs["legacy/edb.log"] = legacy.File
	inputs["backup/SRUDB.pat"] = testset.SampleBackup(t).Folder(esepatch.FormPatchFile)[sampleset.BackupPatch].Data
	for _, rel := range slices.Sorted(maps.Keys(inputs)) {
		b := inputs[rel]
		for _, n := range []int{0, 1, 100, 700, 4095, 4096, 5000, 8191, 40000} {
			n = min(n, len(b))
			p := filepath.Join(dir, fmt.Sprintf("%s.%d", filepath.Base(rel), n))
			if err := os.WriteFile(p, b[:n], 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, p)
		}
	}
	g := make([]byte, 70000)
	for i := range g {
		g[i] = byte(i*7 + i/13)
	}
	p := filepath.Join(dir, "garbage")
	os.WriteFile(p, g, 0o644)
	files = append(files, p)

	for _, verb := range []string{"identify", "header", "verify", "logs"} {
		var got []map[string]any
		code, _ := runJSON(t, &got, append([]string{verb, "-json"}, files...)...)
		if len(got) != len(files) {
			t.Errorf("%s: %d objects for %d files", verb, len(got), len(files))
		}
		for _, o := range got {
			if o["file"] == nil || o["type"] == nil {
				t.Errorf("%s: object without file/type: %v", verb, o)
			}
		}
		if verb != "identify" && code != exitBad {
			t.Errorf("%s: status %d, want 1 for damaged files", verb, code)
		}
	}
	var c map[string]any
	if code, _ := runJSON(t, &c, "check", "-json", dir); code != exitBad {
		t.Errorf("check: status %d", code)
	}
	if code, _, _ := runText("plan", dir); code == exitOK {
		t.Errorf("plan over damaged files succeeded")
	}
}
