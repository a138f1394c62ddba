package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/esekit/esekit/internal/testcorpus"
)

type planOut struct {
	Mode  string
	Start struct{ Generation, Sector, Offset int }
	End   struct{ Generation, Sector, Offset int }
	Logs  []struct {
		File       string
		Generation int32
		FromBackup bool `json:"from_backup"`
		NeedsPatch bool `json:"needs_patch"`
	}
	Databases []struct {
		File       string
		ReplayFrom int32 `json:"replay_from"`
		ReplayTo   int32 `json:"replay_to"`
		Action     string
		Patch      string
	}
	Error   int32
	Message string
}

// TestPlanDirtySRUM: the dirty SRUM set plans as replayable from the
// checkpoint's generation 0x51 through the current log 0x52. The
// checkpoint is (0x51,9,0) but its attach list is not marked present
// (Version 0), so the engine moves the start back to the beginning of that
// log, (0x51,1,0) (docs/checkpoint.md#checkpoint-rules, LGFakeCheckpointToLogFile).
func TestPlanDirtySRUM(t *testing.T) {
	dir := filepath.Dir(testcorpus.Path(t, "museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRUDB.dat"))
	var p planOut
	code, errs := runJSON(t, &p, "plan", "-json", dir)
	if code != exitOK || p.Error != 0 || p.Mode != "soft" {
		t.Fatalf("status %d error %d mode %q: %s %s", code, p.Error, p.Mode, p.Message, errs)
	}
	if p.Start.Generation != 0x51 || p.Start.Sector != 1 || p.Start.Offset != 0 || p.End.Generation != 0x52 {
		t.Errorf("start %+v end %+v", p.Start, p.End)
	}
	if len(p.Logs) != 2 || p.Logs[0].Generation != 0x51 || p.Logs[0].File != "SRU00051.log" || p.Logs[1].Generation != 0x52 || p.Logs[1].File != "SRU.log" {
		t.Errorf("logs %+v", p.Logs)
	}
	if len(p.Databases) != 1 || p.Databases[0].Action != "replay" || p.Databases[0].ReplayFrom != 0x51 || p.Databases[0].ReplayTo != 0x52 {
		t.Errorf("databases %+v", p.Databases)
	}
	code, out, _ := runText("plan", dir)
	if code != exitOK || !strings.Contains(out, "SRU00051.log") || !strings.Contains(out, "soft recovery plan") {
		t.Errorf("readable: %d %q", code, out)
	}
}

// TestPlanQmgr: the BITS database's logs are absent: an engine error.
func TestPlanQmgr(t *testing.T) {
	dir := filepath.Dir(testcorpus.Path(t, "goese-qmgr/qmgr.db"))
	var p planOut
	code, _ := runJSON(t, &p, "plan", "-json", dir)
	if code != exitBad || p.Error == 0 || len(p.Databases) != 1 || p.Databases[0].Action != "fail" {
		t.Errorf("status %d plan %+v", code, p)
	}
}

// TestPlanHardWLM: the Windows Live Mail backup set plans as a hard
// recovery of generation 1 with its patch file.
func TestPlanHardWLM(t *testing.T) {
	dir := filepath.Dir(testcorpus.Path(t, "wlm-danyquenneville-backup/WindowsMail.pat"))
	var p planOut
	code, _ := runJSON(t, &p, "plan", "-hard", "-json", dir)
	if code != exitOK || p.Mode != "hard" || p.Error != 0 {
		t.Fatalf("status %d plan %+v", code, p)
	}
	if len(p.Logs) != 1 || p.Logs[0].Generation != 1 || !p.Logs[0].FromBackup || !p.Logs[0].NeedsPatch {
		t.Errorf("logs %+v", p.Logs)
	}
	if len(p.Databases) != 1 || p.Databases[0].Patch != "WindowsMail.pat" || p.Databases[0].Action != "replay" {
		t.Errorf("databases %+v", p.Databases)
	}
}

// TestPlanUnsafeMap: a restore map that points outside the target folders
// is refused before planning.
func TestPlanUnsafeMap(t *testing.T) {
	dir := filepath.Dir(testcorpus.Path(t, "museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRUDB.dat"))
	code, _, errs := runText("plan", "-map", `C:\Windows\system32\SRU\SRUDB.dat=..\..\etc\passwd`, dir)
	if code != exitBad || !strings.Contains(errs, "unsafe") {
		t.Errorf("status %d stderr %q", code, errs)
	}
	// A malformed flag value is a usage error.
	if code, _, _ := runText("plan", "-map", "no-equals-sign", dir); code != exitUsage {
		t.Errorf("bad -map: status %d", code)
	}
}
