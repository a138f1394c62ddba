package recovery

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/rip"
)

// TestPlanHardKeySample is TestPlanHardKey over the generated backup set
// (logs 0x51-0x52, classic .pat): the key's range and map drive the
// plan; a LowLog above the logs restored is -1420, a hostile map is
// refused, a key marked recovered gives soft recovery. Restore then
// writes the key back marked recovered in the output folder, under a
// name that must stay in it.
func TestPlanHardKeySample(t *testing.T) {
	s := newSampleBackup(t)
	dir := t.TempDir()
	if err := s.WriteDir(dir, esepatch.FormPatchFile); err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(dir, sampleDB)
	in := HardInput{Restore: os.DirFS(dir), Databases: []DatabaseFile{{Name: dbPath, R: bytes.NewReader(s.DB)}}}
	k := &rip.Key{LowLog: 0x51, HighLog: 0x52, RstMap: []string{`C:\Windows\System32\sru\SRUDB.dat`, sampleDB}, RstMapSize: 1}
	p, err := PlanHardKey(context.Background(), k, in, []string{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Error != 0 || p.Mode != ModeHard || len(p.Logs) != 2 || !p.Logs[0].NeedsPatch {
		t.Fatalf("key plan: %d %s %+v", p.Error, p.Message, p.Logs)
	}
	if p.PatchRange == nil || *p.PatchRange != (eselog.GenRange{Low: 0x51, High: 0x52}) || p.PatchFiles != 1 {
		t.Errorf("patch range %v files %d", p.PatchRange, p.PatchFiles)
	}
	k2 := *k
	k2.LowLog, k2.HighLog = 0x53, 0x54
	if p, _ := PlanHardKey(context.Background(), &k2, in, []string{dir}, nil); p.Error != ese.ErrMissingRestoreLogFiles {
		t.Errorf("LowLog 0x53: %d %s", p.Error, p.Message)
	}
	k3 := *k
	k3.RstMap = []string{`C:\x.edb`, `..\..\x.edb`}
	if _, err := PlanHardKey(context.Background(), &k3, in, []string{dir}, nil); !errors.Is(err, ErrUnsafePath) {
		t.Errorf("hostile map: %v", err)
	}
	k4 := *k
	k4.Recovered = true
	if p, _ := PlanHardKey(context.Background(), &k4, in, []string{dir}, nil); p.Mode != ModeSoft || len(p.Logs) != 0 {
		t.Errorf("recovered key: %+v", p)
	}

	out := t.TempDir()
	opts := &RestoreOptions{RecoverOptions: RecoverOptions{OutDir: out}, RIP: k}
	res, err := Restore(context.Background(), p, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Databases) != 1 || res.Databases[0].StateAfter != "CleanShutdown" || res.RIP != filepath.Join(out, "restore-in-progress.reg") {
		t.Fatalf("restore: %+v, key at %q", res.Databases, res.RIP)
	}
	b, err := os.ReadFile(res.RIP)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rip.ParseKey(b); err != nil || !got.Recovered || got.LowLog != 0x51 || got.HighLog != 0x52 || k.Recovered {
		t.Errorf("key written: %v %+v (the caller's key changed: %v)", err, got, k.Recovered)
	}
	opts.OutDir, opts.RIPName = t.TempDir(), "../escape.reg"
	if _, err := Restore(context.Background(), p, opts); err == nil {
		t.Error("a key name outside the output folder was written")
	}
}
