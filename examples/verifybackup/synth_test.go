package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/testset"
	"github.com/esekit/esekit/rip"
)

// sampleBackupDir writes testset's backup set (the SRUM sample made a
// streaming backup copy of logs 0x51-0x52) in the given form into a new
// folder.
func sampleBackupDir(t *testing.T, form esepatch.Form) string {
	t.Helper()
	dir := t.TempDir()
	if err := testset.SampleBackup(t).WriteDir(dir, form); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestSampleBackupSet checks the generated backup set in both forms, as
// TestWLMBackupSet checks the Windows Live Mail one: the files identified,
// the two logs of one unbroken stream, the copy a full backup of
// 0x51-0x52 anchored at SRU00051.log with its patch matched (form named,
// no page images), the plan replaying both logs, the Restore in Progress
// key with LowLog 0x51 and HighLog 0x52, the restore bringing the
// database clean and marking the key recovered, and the set unchanged.
func TestSampleBackupSet(t *testing.T) {
	for _, tc := range []struct {
		form esepatch.Form
		name string
	}{{esepatch.FormPatchFile, "patch-file"}, {esepatch.FormMarkerTrailer, "marker+trailer"}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := sampleBackupDir(t, tc.form)
			before := testset.HashDir(t, dir)
			out := filepath.Join(t.TempDir(), "out")
			regFile := filepath.Join(t.TempDir(), "restore.reg")
			code, r := runJSON(t, "-rip", regFile, "-out", out, dir)
			if code != 0 || !r.OK || len(r.Problems) != 0 {
				t.Fatalf("exit %d ok %v problems %v", code, r.OK, r.Problems)
			}
			kinds := map[string]string{}
			for _, f := range r.Files {
				kinds[f.File] = f.Kind
			}
			// A zero-length marker has no kind of its own.
			patKind := map[esepatch.Form]string{esepatch.FormPatchFile: "patch", esepatch.FormMarkerTrailer: "unknown"}[tc.form]
			if kinds["SRUDB.dat"] != "database" || kinds["SRUDB.pat"] != patKind || kinds["SRU00051.log"] != "log" || kinds["SRU.log"] != "log" {
				t.Errorf("kinds %v", kinds)
			}
			if len(r.Logs.Generations) != 2 || r.Logs.Generations[0] != 0x51 || r.Logs.Generations[1] != 0x52 || !r.Logs.Unbroken ||
				len(r.Logs.Foreign) != 0 || r.Logs.Signature != "Create time:8/1/2020 21:48:10 Rand:2749186782 Computer:" {
				t.Errorf("logs %+v", r.Logs)
			}
			if len(r.Databases) != 1 {
				t.Fatalf("%d databases", len(r.Databases))
			}
			d := r.Databases[0]
			if d.State != "DirtyShutdown" || !d.BackupCopy || d.BackupLow != 0x51 || d.BackupHigh != 0x52 || d.Anchor != 0x51 ||
				d.AnchorLog != "SRU00051.log" || !d.AnchorOK || len(d.MissingLogs) != 0 || !d.SignatureOK {
				t.Errorf("database %+v", d)
			}
			if d.Patch != "SRUDB.pat" || !d.PatchMatches || d.PatchPages != 0 || d.PatchForm != tc.name {
				t.Errorf("patch %q matches %v pages %d form %q", d.Patch, d.PatchMatches, d.PatchPages, d.PatchForm)
			}
			if r.Plan.Error != 0 || len(r.Plan.Replay) != 2 {
				t.Errorf("plan %+v", r.Plan)
			}
			if k := r.RIP; k == nil || k.LowLog != 0x51 || k.HighLog != 0x52 || len(k.RstMap) != 2 ||
				!strings.HasSuffix(k.RstMap[0], `\SRUDB.dat`) || !strings.HasPrefix(k.RstMap[1], `\\RESTORESERVER\`) {
				t.Fatalf("key %+v", k)
			}
			reg, err := os.ReadFile(regFile)
			if err != nil {
				t.Fatal(err)
			}
			if key, err := rip.ParseKey(reg); err != nil || key.LowLog != 0x51 || key.HighLog != 0x52 || key.RstMapSize != 1 || key.Recovered {
				t.Fatalf("written key: %v %+v", err, key)
			}
			rs := r.Restore
			if rs == nil || rs.Error != 0 || len(rs.StateAfter) != 1 || rs.StateAfter[0] != "CleanShutdown" ||
				len(rs.LogsReplayed) != 2 || rs.LogsReplayed[0] != "SRU00051.log" || !rs.Finished || rs.PatchNeeded {
				t.Fatalf("restore %+v", rs)
			}
			done, err := os.ReadFile(rs.RIP)
			if err != nil {
				t.Fatal(err)
			}
			if k2, err := rip.ParseKey(done); err != nil || !k2.Recovered || k2.LowLog != 0x51 || filepath.Dir(rs.RIP) != out {
				t.Errorf("key after restore: %v", err)
			}
			after := testset.HashDir(t, dir)
			for n, h := range before {
				if after[n] != h {
					t.Errorf("%s changed", n)
				}
			}
		})
	}
}

// TestSampleBackupMissingFiles takes files out of the generated set: the
// anchor log (-528 in the plan, named in the problems), the patch file
// (-538), the trailer page of the modern form (the marker alone is
// refused with the reason).
func TestSampleBackupMissingFiles(t *testing.T) {
	dir := sampleBackupDir(t, esepatch.FormPatchFile)
	os.Remove(filepath.Join(dir, "SRU00051.log"))
	code, r := runJSON(t, dir)
	if code != 1 || r.OK || len(r.Databases) != 1 || r.Databases[0].AnchorOK || r.Plan.Error == 0 ||
		!strings.Contains(strings.Join(r.Problems, "\n"), "anchor log SRU00051.log is missing") {
		t.Errorf("no anchor log: exit %d %+v %v", code, r.Databases, r.Problems)
	}

	dir = sampleBackupDir(t, esepatch.FormPatchFile)
	os.Remove(filepath.Join(dir, "SRUDB.pat"))
	code, r = runJSON(t, dir)
	if code != 1 || r.OK || len(r.Databases) != 1 || r.Databases[0].PatchMatches || !strings.Contains(strings.Join(r.Problems, "\n"), "-538") {
		t.Errorf("no patch file: exit %d %v", code, r.Problems)
	}

	dir = sampleBackupDir(t, esepatch.FormMarkerTrailer)
	db := filepath.Join(dir, "SRUDB.dat")
	b, _ := os.ReadFile(db)
	os.WriteFile(db, b[:len(b)-4096], 0o644)
	code, r = runJSON(t, dir)
	if code != 1 || r.OK || !strings.Contains(strings.Join(r.Problems, "\n"), "zero-length patch file SRUDB.pat and no trailer page") {
		t.Errorf("no trailer: exit %d %v", code, r.Problems)
	}
}
