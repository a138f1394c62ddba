package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esekit/esekit/internal/sampleset"
	"github.com/esekit/esekit/internal/testcorpus"
)

const srumDirtySet = "museum-srum-win10-belkasoftctf-insiderthreat-dirty"

type switchRecoverOut struct {
	recoverOut
	Message string
	Events  []struct {
		Kind  string
		Error int32
	}
}

// TestRecoverSwitches: the dirty SRUM set without its current log is
// refused (-528, exit 1); with -a it is recovered from SRU00051.log; with
// -without-undo the output stays dirty and the run ends with -579 as an
// event (exit 0).
func TestRecoverSwitches(t *testing.T) {
	dir := testcorpus.CopySet(t, srumDirtySet, "SRU.log", "SRUtmp.log")
	var r switchRecoverOut
	code, _ := runJSON(t, &r, "recover", "-json", "-out", t.TempDir(), dir)
	if code != exitBad || r.Error != -528 || !strings.Contains(r.Message, "SRU.log") {
		t.Errorf("without -a: status %d error %d %s", code, r.Error, r.Message)
	}
	for _, flag := range []string{"-a", "-allow-missing-current-log"} {
		r = switchRecoverOut{}
		code, errs := runJSON(t, &r, "recover", "-json", flag, "-out", t.TempDir(), dir)
		if code != exitOK || r.Error != 0 || len(r.LogsReplayed) != 1 || r.LogsReplayed[0] != "SRU00051.log" || r.Databases[0].StateAfter != "CleanShutdown" {
			t.Errorf("%s: status %d error %d logs %v: %s", flag, code, r.Error, r.LogsReplayed, errs)
		}
	}
	r = switchRecoverOut{}
	code, errs := runJSON(t, &r, "recover", "-json", "-without-undo", "-out", t.TempDir(), dir)
	found := false
	for _, e := range r.Events {
		found = found || e.Kind == "end" && e.Error == -579
	}
	if code != exitOK || r.Error != 0 || r.Databases[0].StateAfter != "DirtyShutdown" || !found {
		t.Errorf("-without-undo: status %d error %d %+v: %s", code, r.Error, r.Databases, errs)
	}
}

// TestPlanGapRemedy: with SRU00050.log and the checkpoint removed the plan
// (and check) stops with -515, names the missing log and says that moving
// the logs below the gap aside is enough.
func TestPlanGapRemedy(t *testing.T) {
	dir := testcorpus.CopySet(t, srumDirtySet, "SRU00050.log", "SRU.chk")
	var p struct {
		Error       int32
		Message     string
		Remedy      string
		MissingLogs string `json:"missing_logs"`
	}
	code, _ := runJSON(t, &p, "plan", "-json", dir)
	if code != exitBad || p.Error != -515 || p.MissingLogs != "SRU00050.log" || !strings.Contains(p.Message, "SRU00050.log") ||
		!strings.Contains(p.Remedy, "moving SRU0004E.log through SRU0004F.log (the logs below the gap) aside is enough") {
		t.Errorf("status %d: %+v", code, p)
	}
	code, out, _ := runText("plan", dir)
	if code != exitBad || !strings.Contains(out, "remedy: ") {
		t.Errorf("readable plan: %d %s", code, out)
	}
	var c struct {
		Databases []struct {
			Error  int32
			Remedy string
		}
	}
	code, _ = runJSON(t, &c, "check", "-json", dir)
	if code != exitBad || len(c.Databases) != 1 || c.Databases[0].Error != -515 || !strings.Contains(c.Databases[0].Remedy, "aside is enough") {
		t.Errorf("check: %d %+v", code, c.Databases)
	}
}

// TestSwitchesRefusedInHardRecovery: restore and plan -hard refuse -a and
// -without-undo as usage errors; help lists the switches.
func TestSwitchesRefusedInHardRecovery(t *testing.T) {
	dir := testcorpus.Path(t, "wlm-danyquenneville-backup")
	for _, args := range [][]string{
		{"restore", "-a", "-out", t.TempDir(), dir},
		{"restore", "-without-undo", "-out", t.TempDir(), dir},
		{"plan", "-hard", "-allow-missing-current-log", dir},
	} {
		if code, _, errs := runText(args...); code != exitUsage || !strings.Contains(errs, "soft recovery only") {
			t.Errorf("%v: status %d %s", args, code, errs)
		}
	}
	for _, verb := range []string{"plan", "recover", "restore"} {
		_, _, errs := runText(verb, "-h")
		for _, f := range []string{"-allow-missing-current-log", "-a\t", "-ignore-missing-db", "-without-undo", "-allow-backup"} {
			if !strings.Contains(errs, "  "+f) {
				t.Errorf("%s -h does not list %s", verb, f)
			}
		}
	}
	_, out, _ := runText("help")
	for _, f := range []string{"esekit plan [-json] [-a] [-allow-backup] [-allow-missing-current-log] ", " [-ignore-missing-db] ", " [-without-undo] DIR|DB..."} {
		if !strings.Contains(out, f) {
			t.Errorf("help lacks %s", f)
		}
	}
}

// TestPlanMissingDatabase: the sample's logs leave SRUDB.dat attached;
// planned without it, plan says what recover does (-1216, exit 1) and
// prints the database-skipped event; with -ignore-missing-db it replays
// (exit 0), still printing the skipped database.
func TestPlanMissingDatabase(t *testing.T) {
	dir := t.TempDir()
	if err := sampleset.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, sampleset.Database)); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runText("plan", dir)
	if code != exitBad || !strings.Contains(out, "verdict: the engine would stop with -1216 (JET_errAttachedDatabaseMismatch)") ||
		!strings.Contains(out, "  skipped: the logs attach database") || !strings.Contains(out, "SRUDB.dat") {
		t.Errorf("plan: status %d\n%s%s", code, out, errs)
	}
	// recover fails the same way, and removes the -out folder it created.
	outDir := filepath.Join(t.TempDir(), "out")
	code, _, _ = runText("recover", "-out", outDir, dir)
	if _, err := os.Lstat(outDir); code != exitBad || !os.IsNotExist(err) {
		t.Errorf("recover: status %d, -out left: %v", code, err)
	}
	// So does a restore that fails (the folder is not a backup set).
	code, _, errs = runText("restore", "-out", outDir, dir)
	if _, err := os.Lstat(outDir); code != exitBad || !os.IsNotExist(err) {
		t.Errorf("restore: status %d %s, -out left: %v", code, errs, err)
	}
	code, out, errs = runText("plan", "-ignore-missing-db", dir)
	if code != exitOK || !strings.Contains(out, "  skipped: the logs attach database") || !strings.Contains(out, "verdict: soft recovery replays") {
		t.Errorf("plan -ignore-missing-db: status %d\n%s%s", code, out, errs)
	}
}
