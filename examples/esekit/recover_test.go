package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esekit/esekit/internal/testcorpus"
)

type recoverOut struct {
	Mode      string
	Databases []struct {
		File                   string
		Output                 string
		StateBefore            string `json:"state_before"`
		StateAfter             string `json:"state_after"`
		LogsReplayed           int    `json:"logs_replayed"`
		RecordsRedone          int64  `json:"records_redone"`
		RecordsSkipped         int64  `json:"records_skipped"`
		TransactionsRolledBack int    `json:"transactions_rolled_back"`
		Error                  int32
	}
	LogsReplayed []string `json:"logs_replayed"`
	Error        int32
}

// TestRecoverDirtySRUM: the dirty SRUM set recovers to CleanShutdown in
// the output folder; the inputs are untouched and the output's pages all
// verify.
func TestRecoverDirtySRUM(t *testing.T) {
	src := testcorpus.Path(t, "museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRUDB.dat")
	before, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	var r recoverOut
	code, errs := runJSON(t, &r, "recover", "-json", "-out", out, filepath.Dir(src))
	if code != exitOK || r.Error != 0 || r.Mode != "soft" {
		t.Fatalf("status %d error %d: %s", code, r.Error, errs)
	}
	if len(r.Databases) != 1 {
		t.Fatalf("%d databases", len(r.Databases))
	}
	d := r.Databases[0]
	if d.StateBefore != "DirtyShutdown" || d.StateAfter != "CleanShutdown" || d.LogsReplayed != 2 || d.Error != 0 ||
		d.RecordsRedone+d.RecordsSkipped == 0 || filepath.Dir(d.Output) != out {
		t.Errorf("database %+v", d)
	}
	if len(r.LogsReplayed) != 2 || r.LogsReplayed[0] != "SRU00051.log" || r.LogsReplayed[1] != "SRU.log" {
		t.Errorf("logs replayed %v", r.LogsReplayed)
	}
	after, _ := os.ReadFile(src)
	if !bytes.Equal(before, after) {
		t.Fatal("recover wrote its input")
	}
	// The readable report gives the consistent position in the engine's
	// hex form: the shutdown mark after SRU.log's data.
	if code, txt, _ := runText("recover", "-overwrite", "-out", out, filepath.Dir(src)); code != exitOK ||
		!strings.Contains(txt, "consistent at (0x52,1,31)") || !strings.Contains(txt, "DirtyShutdown -> CleanShutdown") {
		t.Errorf("readable recover: exit %d\n%s", code, txt)
	}
	var h []map[string]any
	if code, _ := runJSON(t, &h, "header", "-json", d.Output); code != exitOK || h[0]["state"] != "CleanShutdown" {
		t.Errorf("output header: %d %v", code, h[0]["state"])
	}
	var v []map[string]any
	if code, _ := runJSON(t, &v, "verify", "-json", d.Output); code != exitOK || v[0]["ok"] != true {
		t.Errorf("output verify: %d %v", code, v[0])
	}
}

// TestRestoreWLM: the Windows Live Mail backup set restores to a clean
// database with its patch file.
func TestRestoreWLM(t *testing.T) {
	dir := filepath.Dir(testcorpus.Path(t, "wlm-danyquenneville-backup/WindowsMail.pat"))
	out := t.TempDir()
	var r recoverOut
	code, errs := runJSON(t, &r, "restore", "-json", "-out", out, dir)
	if code != exitOK || r.Error != 0 || r.Mode != "hard" || len(r.Databases) != 1 {
		t.Fatalf("status %d %+v: %s", code, r, errs)
	}
	d := r.Databases[0]
	if d.StateBefore != "DirtyShutdown" || d.StateAfter != "CleanShutdown" || d.LogsReplayed != 1 {
		t.Errorf("database %+v", d)
	}
	var v []map[string]any
	if code, _ := runJSON(t, &v, "verify", "-json", d.Output); code != exitOK || v[0]["ok"] != true {
		t.Errorf("output verify: %d %v", code, v[0])
	}
}

func TestRecoverUsage(t *testing.T) {
	dir := filepath.Dir(testcorpus.Path(t, "goese-qmgr/qmgr.db"))
	if code, _, _ := runText("recover", dir); code != exitUsage {
		t.Errorf("without -out: %d", code)
	}
	if code, _, _ := runText("recover", "-out", dir, dir); code != exitUsage {
		t.Errorf("-out equal to the input: %d", code)
	}
	// qmgr.db's logs are absent: the plan's error, nothing written.
	out := t.TempDir()
	var r recoverOut
	code, _ := runJSON(t, &r, "recover", "-json", "-out", out, dir)
	if code != exitBad || r.Error == 0 {
		t.Errorf("qmgr: %d %+v", code, r)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Errorf("files written for a failed plan: %v", ents)
	}
}

// The output folder is created when missing, and not when the arguments
// are wrong.
func TestRecoverCreatesOut(t *testing.T) {
	dir := testcorpus.Path(t, "museum-srum-win10-belkasoftctf-insiderthreat-dirty")
	bad := filepath.Join(t.TempDir(), "never")
	if code, _, _ := runText("recover", "-out", bad, filepath.Join(dir, "no-such-folder")); code != exitUsage {
		t.Errorf("bad input: exit %d", code)
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("output folder created for a refused run: %v", err)
	}
	out := filepath.Join(t.TempDir(), "new", "out")
	if code, _, stderr := runText("recover", "-out", out, dir); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "SRUDB.dat")); err != nil {
		t.Fatal(err)
	}
}

// With -create, a log folder holding only appdata/edb.log (no database, no
// checkpoint) gives IndexedDB.edb from its CreateDB; without it nothing is
// written.
func TestRecoverCreate(t *testing.T) {
	in := t.TempDir()
	b := testcorpus.Read(t, "appdata/edb.log")
	if err := os.WriteFile(filepath.Join(in, "edb.log"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if code, _, stderr := runText("recover", "-out", out, in); code != exitOK {
		t.Fatalf("without -create: exit %d: %s", code, stderr)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Fatalf("without -create %d files were written", len(ents))
	}
	var r recoverOut
	if code, errs := runJSON(t, &r, "recover", "-json", "-create", "-out", out, in); code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if len(r.Databases) != 1 || r.Databases[0].StateAfter != "CleanShutdown" || filepath.Base(r.Databases[0].Output) != "IndexedDB.edb" {
		t.Fatalf("databases %+v", r.Databases)
	}
	var h []map[string]any
	if code, _ := runJSON(t, &h, "header", "-json", r.Databases[0].Output); code != exitOK || h[0]["dbtime"] != float64(909) || h[0]["last_object_id"] != float64(27) {
		t.Errorf("created header: dbtime %v objid %v", h[0]["dbtime"], h[0]["last_object_id"])
	}
}

// -max-size bounds what the logs may grow a database to: edb.log builds
// IndexedDB.edb up to 3 MiB (96 pages of 32 KiB), so -max-size 1 stops the
// create with the engine's -1206 (JET_errDatabaseCorrupted) and writes
// nothing, and -max-size 4 lets it through.
func TestRecoverMaxSize(t *testing.T) {
	in := t.TempDir()
	if err := os.WriteFile(filepath.Join(in, "edb.log"), testcorpus.Read(t, "appdata/edb.log"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	var r recoverOut
	if code, _ := runJSON(t, &r, "recover", "-json", "-create", "-max-size", "1", "-out", out, in); code == exitOK || r.Error != -1206 {
		t.Fatalf("-max-size 1: exit %d, error %d", code, r.Error)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Fatalf("-max-size 1 left %d files", len(ents))
	}
	if code, errs := runJSON(t, &r, "recover", "-json", "-create", "-max-size", "4", "-out", out, in); code != exitOK || r.Error != 0 {
		t.Fatalf("-max-size 4: exit %d: %s", code, errs)
	}
	if code, _, _ := runText("recover", "-max-size", "-1", "-out", out, in); code != exitUsage {
		t.Errorf("-max-size -1: exit %d", code)
	}
}

// -out inside an input folder (srum/sub), or the input folder itself
// named through a symbolic link, is refused as a usage error before
// anything is created in the evidence folder; -out beside it is fine.
func TestRecoverOutInsideInput(t *testing.T) {
	set := sampleFolder(t)
	link := filepath.Join(t.TempDir(), "srumlink")
	haveLink := os.Symlink(set, link) == nil
	outs := []string{filepath.Join(set, "sub"), filepath.Join(set, "sub", "deeper"), set}
	if haveLink {
		outs = append(outs, link, filepath.Join(link, "sub"))
	}
	before, _ := os.ReadDir(set)
	for _, o := range outs {
		code, _, errs := runText("recover", "-out", o, set)
		if code != exitUsage || !strings.Contains(errs, "-out must not be an input folder") {
			t.Errorf("-out %s: status %d, %s", o, code, errs)
		}
	}
	if after, _ := os.ReadDir(set); len(after) != len(before) {
		t.Errorf("the evidence folder went from %d to %d entries", len(before), len(after))
	}
	if code, _, errs := runText("recover", "-out", filepath.Join(filepath.Dir(set), "out"), set); code != exitOK {
		t.Errorf("-out beside the input: status %d, %s", code, errs)
	}
}
