package recovery

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/testset"
)

// synthRollForwardSet writes a generated folder like the Windows 7 mail
// store's: legacy logs of generations 1 (edb00001.log) and 2 (edb.log),
// their checkpoint, and db.edb, a clean database of the stream consistent
// in generation 2.
func synthRollForwardSet(t *testing.T) string {
	t.Helper()
	s, err := testset.BuildSet(testset.SetSpec{First: 1, Last: 2, Legacy: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s.WriteDir(t, dir, "db.edb")
	return dir
}

// TestRollForwardScenariosSynth runs roll-forward scenarios of
// TestRollForwardScenarios over the generated folder. Unlike the mail
// store's, it holds a checkpoint, which the procedure moves aside too.
func TestRollForwardScenariosSynth(t *testing.T) {
	const chkAside = "move-aside:edb.chk>esekit-aside/edb.chk"
	for _, sc := range []struct {
		name     string
		edit     func(t *testing.T, dir string)
		possible bool
		code     ese.Error
		actions  []string
	}{
		{name: "anchor is the current log", possible: true, actions: []string{"move-aside:edb00001.log>esekit-aside/edb00001.log", chkAside}},
		{name: "anchor log missing", edit: func(t *testing.T, d string) { os.Remove(filepath.Join(d, "edb.log")) }, code: ese.ErrMissingLogFile},
		{name: "current log renamed: highest becomes edb.log", edit: func(t *testing.T, d string) {
			os.Rename(filepath.Join(d, "edb.log"), filepath.Join(d, "edb00002.log"))
		}, possible: true, actions: []string{"move-aside:edb00001.log>esekit-aside/edb00001.log", "rename:edb00002.log>edb.log", chkAside}},
		{name: "misnamed log moved aside", edit: func(t *testing.T, d string) {
			b, _ := os.ReadFile(filepath.Join(d, "edb00001.log"))
			os.WriteFile(filepath.Join(d, "edb00007.log"), b, 0o644)
		}, possible: true, actions: []string{"move-aside:edb00001.log>esekit-aside/edb00001.log", "move-aside:edb00007.log>esekit-aside/edb00007.log", chkAside}},
		{name: "anchor log of another stream", edit: func(t *testing.T, d string) {
			os.Remove(filepath.Join(d, "edb.log"))
			other, err := testset.BuildLegacyLog(testset.LogSpec{Gen: 2, Signature: testset.Signature(9), Transactions: 3, Term: true})
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(d, "edb00002.log"), other.File, 0o644)
		}, code: ese.ErrBadLogSignature},
	} {
		t.Run(sc.name, func(t *testing.T) {
			dir := synthRollForwardSet(t)
			if sc.edit != nil {
				sc.edit(t, dir)
			}
			checkRollForward(t, dir, "db.edb", sc.possible, sc.code, sc.actions)
		})
	}
}

// synthMailStoreSet is synthRollForwardSet without its checkpoint, as the
// mail store's folder is.
func synthMailStoreSet(t *testing.T) string {
	t.Helper()
	dir := synthRollForwardSet(t)
	if err := os.Remove(filepath.Join(dir, "edb.chk")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestApplyResumesAndRefusesSynth is TestApplyResumesAndRefuses over the
// generated folder.
func TestApplyResumesAndRefusesSynth(t *testing.T) {
	checkApplyResumesAndRefuses(t, synthMailStoreSet, "db.edb")
}

// TestProcedureJSONSynth is TestProcedureJSON over the generated folder.
func TestProcedureJSONSynth(t *testing.T) {
	checkProcedureJSON(t, synthMailStoreSet(t), "db.edb")
}

// TestPointInTimeSynth is TestPointInTime over a generated folder of
// modern logs 1-3 with its checkpoint, a temporary log and a reserve log.
func TestPointInTimeSynth(t *testing.T) {
	s, err := testset.BuildSet(testset.SetSpec{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s.WriteDir(t, dir, "db.edb")
	for _, n := range []string{"edbtmp.log", "edbres00001.jrs"} {
		os.WriteFile(filepath.Join(dir, n), make([]byte, len(s.Files["edb.log"])), 0o644)
	}
	checkPointInTime(t, dir, "db.edb", []string{"edb.chk", "edb.log", "edb00001.log", "edb00002.log", "edbres00001.jrs", "edbtmp.log"})
}
