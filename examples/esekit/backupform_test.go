package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esekit/esekit/internal/testcorpus"
)

// TestHeaderPatchMarker: a zero-length .pat is reported as today's
// marker (exit 0); a zero-length file of another name stays unknown
// (exit 1).
func TestHeaderPatchMarker(t *testing.T) {
	dir := t.TempDir()
	pat, other := filepath.Join(dir, "PRIV.pat"), filepath.Join(dir, "x.bin")
	os.WriteFile(pat, nil, 0o644)
	os.WriteFile(other, nil, 0o644)
	var out []map[string]any
	code, _ := runJSON(t, &out, "header", "-json", pat)
	if code != exitOK || out[0]["type"] != typePatch || out[0]["form"] != "marker+trailer" || out[0]["size"] != 0.0 {
		t.Errorf("status %d %v", code, out)
	}
	if code, _ := runJSON(t, &out, "header", "-json", other); code != exitBad || out[0]["type"] != "unknown" {
		t.Errorf("status %d %v", code, out)
	}
}

// TestCheckMarkerWithoutDatabase: a folder whose only .pat is a marker
// and that holds no database copy: check reports the set's form and that
// hard recovery would stop with -535.
func TestCheckMarkerWithoutDatabase(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "PRIV.pat"), nil, 0o644)
	var c checkJSON
	runJSON(t, &c, "check", "-json", dir)
	b := c.Backup
	if b == nil || b.Form != "marker+trailer" || len(b.PatchFiles) != 1 || b.PatchFiles[0].Size != 0 ||
		b.Error != -535 || !strings.Contains(b.Message, "zero-length patch file PRIV.pat and no trailer page") {
		t.Fatalf("backup %+v", b)
	}
	if _, text, _ := runText("check", dir); !strings.Contains(text, "online backup set, form marker+trailer") {
		t.Errorf("text output:\n%s", text)
	}
}

// TestRestoreWLMModernForm: the Windows Live Mail backup set in today's
// form (its .pat truncated to zero bytes; the database copy already ends
// with the trailer page) is reported as such by header, check and plan,
// and restores to the same bytes as the set as it was. Without the
// trailer page, restore stops with -535.
func TestRestoreWLMModernForm(t *testing.T) {
	classic := testcorpus.Path(t, "wlm-danyquenneville-backup")
	modern := testcorpus.CopySet(t, "wlm-danyquenneville-backup")
	if err := os.Truncate(filepath.Join(modern, "WindowsMail.pat"), 0); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(modern, "WindowsMail.MSMessageStore")
	var hdr []struct {
		Type          string
		BackupTrailer *backupTrailerJSON `json:"backup_trailer"`
	}
	if code, _ := runJSON(t, &hdr, "header", "-json", db); code != exitOK || hdr[0].BackupTrailer == nil ||
		*hdr[0].BackupTrailer != (backupTrailerJSON{State: "pending", Page: 257, LogGen: "1-1", OK: true, Note: hdr[0].BackupTrailer.Note}) {
		t.Errorf("database header: %d %+v", code, hdr)
	}
	var c checkJSON
	runJSON(t, &c, "check", "-json", modern)
	if b := c.Backup; b == nil || b.Form != "marker+trailer" || b.Error != 0 || len(b.Databases) != 1 || b.Databases[0].PatchForm != "marker+trailer" {
		t.Errorf("check backup %+v", c.Backup)
	}
	runJSON(t, &c, "check", "-json", classic)
	if b := c.Backup; b == nil || b.Form != "patch-file" || b.PatchFiles[0].PatchPages != 0 || b.Error != 0 {
		t.Errorf("classic check backup %+v", c.Backup)
	}
	var p planJSON
	if code, _ := runJSON(t, &p, "plan", "-hard", "-json", modern); code != exitOK || len(p.Databases) != 1 ||
		p.Databases[0].PatchForm != "marker+trailer" || p.Databases[0].Patch != "WindowsMail.pat" {
		t.Errorf("plan %d %+v", code, p.Databases)
	}
	restore := func(dir string) (int, []byte, recoverOut) {
		out := t.TempDir()
		var r recoverOut
		code, _ := runJSON(t, &r, "restore", "-json", "-out", out, dir)
		b, _ := os.ReadFile(filepath.Join(out, "WindowsMail.MSMessageStore"))
		return code, b, r
	}
	_, want, _ := restore(classic)
	code, got, r := restore(modern)
	if code != exitOK || len(want) == 0 || !bytes.Equal(got, want) || r.Databases[0].StateAfter != "CleanShutdown" {
		t.Errorf("modern form: status %d, %d bytes (classic %d), same %v, %+v", code, len(got), len(want), bytes.Equal(got, want), r)
	}
	// Drop the trailer page: the marker alone is refused with -535.
	b, _ := os.ReadFile(db)
	os.WriteFile(db, b[:len(b)-8192], 0o644)
	if code, _, r := restore(modern); code != exitBad || r.Error != -535 {
		t.Errorf("no trailer: status %d %+v", code, r)
	}
}

// TestPlanRestoreMapLines: plan with -map reports every entry, used or
// unused, as a line and in the JSON (the embedded sample's logs attach
// C:\Windows\System32\sru\SRUDB.dat).
func TestPlanRestoreMapLines(t *testing.T) {
	m, names, err := loadSample()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), m[n].Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{"plan", "-map", `C:\Windows\System32\sru\SRUDB.dat=SRUDB.dat`, "-map", `D:\x.edb=x.edb`, dir}
	code, text, _ := runText(args...)
	if code != exitOK || !strings.Contains(text, `restore map entry C:\Windows\System32\sru\SRUDB.dat = SRUDB.dat is used`) ||
		!strings.Contains(text, `restore map entry D:\x.edb = x.edb is unused`) {
		t.Errorf("status %d:\n%s", code, text)
	}
	var p planJSON
	runJSON(t, &p, append([]string{"plan", "-json"}, args[1:]...)...)
	if len(p.RestoreMap) != 2 || !p.RestoreMap[0].Used || p.RestoreMap[1].Used || p.RestoreMap[1].From != `D:\x.edb` {
		t.Errorf("restore_map %+v", p.RestoreMap)
	}
}
