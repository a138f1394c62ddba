package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esekit/esekit/internal/testcorpus"
)

func runJSON(t *testing.T, args ...string) (int, report) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"-json"}, args...), &out, &errb)
	var r report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("exit %d, not JSON: %v (stderr %s)", code, err, errb.String())
	}
	return code, r
}

func fileSHA(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// The dirty SRUM set as collected: the triage reads every header and log,
// finds SRUDB.dat dirty, recovers it into the output folder, and the
// evidence hashes are the same before and after.
func TestDirtySRUM(t *testing.T) {
	dir := testcorpus.Path(t, "museum-srum-win10-belkasoftctf-insiderthreat-dirty")
	out := filepath.Join(t.TempDir(), "recovered")
	code, r := runJSON(t, "-out", out, dir)
	if code != 0 || !r.EvidenceUntouched || len(r.Changed) != 0 {
		t.Fatalf("exit %d untouched %v changed %v", code, r.EvidenceUntouched, r.Changed)
	}
	files := map[string]fileEntry{}
	for _, f := range r.Files {
		files[f.File] = f
	}
	if len(r.Files) != 11 {
		t.Errorf("%d files", len(r.Files))
	}
	// The hashes are the files' own (and MANIFEST.md's first 16 digits).
	db := files["SRUDB.dat"]
	if !strings.HasPrefix(db.SHA256, "f96ebb82bb40c358") || db.SHA256 != fileSHA(t, filepath.Join(dir, "SRUDB.dat")) {
		t.Errorf("SRUDB.dat sha256 %s", db.SHA256)
	}
	if d := db.Database; d == nil || d.State != "DirtyShutdown" || !d.Dirty || d.GenMinRequired != 0x51 || d.GenMaxRequired != 0x51 ||
		d.Consistent != "(0x51,8,0)" || d.Attach != "(0x51,A,268)" || !d.HeaderOK ||
		d.LogSignature != "Create time:8/1/2020 21:48:10 Rand:2749186782 Computer:" {
		t.Errorf("database %+v", db.Database)
	}
	if c := files["SRU.chk"].Checkpoint; c == nil || c.Checkpoint != "(0x51,9,0)" {
		t.Errorf("checkpoint %+v", c)
	}
	// Generation 0x51: where its data ends and what it holds, by type.
	l := files["SRU00051.log"].Log
	if l == nil || l.Generation != 0x51 || l.End != "(0x51,C,0)" || l.LastRecord != "(0x51,A,2F7)" || l.Records != 273 ||
		l.ValidSectors != 11 || l.Unaccounted != 0 || l.ClosedNormally {
		t.Fatalf("SRU00051.log %+v", l)
	}
	if l.Histogram["Insert"] != 148 || l.Histogram["Commit"] != 48 || l.Histogram["Begin"] != 44 || l.Histogram["AttachDB"] != 2 {
		t.Errorf("SRU00051.log histogram %v", l.Histogram)
	}
	if len(l.Attached) != 1 || l.Attached[0] != "SRUDB.dat" {
		t.Errorf("attached %v", l.Attached)
	}
	if l := files["SRU0004E.log"].Log; l == nil || l.Records != 379 || l.Histogram["Split2"] != 16 || l.End != "(0x4E,F,0)" {
		t.Errorf("SRU0004E.log %+v", l)
	}
	if l := files["SRU.log"].Log; l == nil || l.Generation != 0x52 || l.Records != 0 || l.End != "(0x52,1,0)" {
		t.Errorf("SRU.log %+v", l)
	}
	if f := files["SRUtmp.log"]; f.Kind != "reserve_log" || f.Log != nil {
		t.Errorf("SRUtmp.log %+v", f)
	}
	if len(r.Dirty) != 1 || r.Dirty[0] != "SRUDB.dat" {
		t.Errorf("dirty %v", r.Dirty)
	}

	rc := r.Recovery
	if rc == nil || rc.Mode != "soft" || rc.Error != 0 || len(rc.LogsReplayed) != 2 || rc.LogsReplayed[0] != "SRU00051.log" ||
		len(rc.Databases) != 1 {
		t.Fatalf("recovery %+v", rc)
	}
	d := rc.Databases[0]
	if d.StateBefore != "DirtyShutdown" || d.StateAfter != "CleanShutdown" || d.Consistent != "(0x52,1,31)" ||
		filepath.Dir(d.Output) != out {
		t.Errorf("recovered %+v", d)
	}
	if h := rc.Outputs["SRUDB.dat"]; h == "" || h != fileSHA(t, d.Output) || h == db.SHA256 {
		t.Errorf("output sha256 %q", h)
	}
	// Only the output folder was written.
	if ents, _ := os.ReadDir(out); len(ents) != 1 || ents[0].Name() != "SRUDB.dat" {
		t.Errorf("output folder holds %v", ents)
	}
}

// Without -out the triage only reads.
func TestTriageOnly(t *testing.T) {
	dir := testcorpus.Path(t, "museum-srum-win10-belkasoftctf-insiderthreat-dirty")
	code, r := runJSON(t, dir)
	if code != 0 || r.Recovery != nil || !r.EvidenceUntouched || len(r.Dirty) != 1 {
		t.Errorf("exit %d %+v", code, r.Recovery)
	}
}

// The Windows Live Mail online backup: a backup copy with its patch file
// is brought clean by hard recovery; the readable report never prints the
// paths logged inside records or headers (this one is a user's profile).
func TestWLMBackup(t *testing.T) {
	dir := testcorpus.Path(t, "wlm-danyquenneville-backup")
	txt := checkHardTriage(t, dir, "1-1", "(0x1,2,C3E)")
	if strings.Contains(txt, `Users\`) || strings.Contains(txt, `:\`) {
		t.Errorf("the report prints a logged Windows path")
	}
	if !strings.Contains(txt, "148 records, 0 bytes unaccounted: Insert 56 Commit 37 Begin 36") {
		t.Errorf("edb00001.log histogram line missing")
	}
}

// checkHardTriage runs the triage of the online backup set in dir with
// -out: hard recovery brings its one database clean, the evidence is
// untouched, the patch file names the backup's logs and mark and holds
// no page images. It returns the readable report of the same folder.
func checkHardTriage(t *testing.T, dir, logs, mark string) string {
	t.Helper()
	code, r := runJSON(t, dir, "-out", t.TempDir()) // flags after the folder work too
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
	if p == nil || p.BackupLogs != logs || p.Mark != mark || p.Images != 0 {
		t.Errorf("patch %+v, want logs %s mark %s", p, logs, mark)
	}
	var txt, errb bytes.Buffer
	if code := run([]string{dir}, &txt, &errb); code != 0 || txt.Len() == 0 {
		t.Fatalf("readable: exit %d %s", code, errb.String())
	}
	return txt.String()
}

// -out inside the evidence folder is refused before anything is read.
func TestOutInsideEvidence(t *testing.T) {
	dir := t.TempDir()
	for _, o := range []string{dir, filepath.Join(dir, "out"), filepath.Join(dir, "a", "..", "b")} {
		if code := run([]string{"-out", o, dir}, io.Discard, io.Discard); code != 2 {
			t.Errorf("-out %s: exit %d", o, code)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("evidence folder written: %v", ents)
	}
	if !inside(dir, dir) || inside(filepath.Dir(dir), dir) || inside(dir+"x", dir) {
		t.Errorf("inside")
	}
	// Through a symbolic link to the evidence folder: the same folder.
	link := filepath.Join(t.TempDir(), "evlink")
	if err := os.Symlink(dir, link); err == nil {
		if code := run([]string{"-out", filepath.Join(link, "out"), dir}, io.Discard, io.Discard); code != 2 {
			t.Errorf("-out through a link into the evidence: exit %d", code)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Errorf("evidence folder written through the link: %v", ents)
		}
	}
}

// A file written, removed or added between the two hash passes is
// reported; identical hashes are not.
func TestChanged(t *testing.T) {
	before := map[string]string{"a": "1", "b": "2", "c": "3"}
	after := map[string]string{"a": "1", "b": "9", "d": "4"}
	if got := strings.Join(changed(before, after), " "); got != "b c d" {
		t.Errorf("changed %q", got)
	}
	if got := changed(before, before); len(got) != 0 {
		t.Errorf("unchanged %v", got)
	}
}
