package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esekit/esekit/internal/testcorpus"
)

// kbArgs re-creates KB Q200941's key: OLDSERVER backed up, NEWSERVER
// restored to, Log Gen 36-3f.
var kbArgs = []string{"-logs", `F:\exchsrvr\mdbdata`, "-working", `C:\exchsrvr\mdbdata`,
	"-from", "OLDSERVER", "-to", "NEWSERVER", "-lowlog", "36", "-highlog", "3f",
	"-original", `C:\exchsrvr\MDBDATA\PRIV.EDB`, "-original", `C:\exchsrvr\MDBDATA\PUB.EDB`}

func TestRipRecreateParseValidate(t *testing.T) {
	dir := t.TempDir()
	reg := filepath.Join(dir, "rip.reg")
	var rec struct {
		File string
		Type string
		Key  struct {
			LowLog     uint32   `json:"lowlog_number"`
			HighLog    uint32   `json:"highlog_number"`
			RstMap     []string `json:"edb_rstmap"`
			RstMapSize uint32   `json:"edb_rstmap_size"`
			LogPath    string   `json:"logpath"`
		}
	}
	code, errs := runJSON(t, &rec, append([]string{"rip", "recreate", "-json", "-o", reg}, kbArgs...)...)
	if code != exitOK {
		t.Fatalf("recreate: status %d: %s", code, errs)
	}
	if rec.Key.LowLog != 0x36 || rec.Key.HighLog != 0x3F || rec.Key.RstMapSize != 2 || len(rec.Key.RstMap) != 4 ||
		rec.Key.RstMap[0] != `\\OLDSERVER\C$\exchsrvr\MDBDATA\PRIV.EDB` || rec.Key.RstMap[1] != `\\NEWSERVER\C$\exchsrvr\MDBDATA\PRIV.EDB` ||
		rec.Key.LogPath != `\\NEWSERVER\F$\exchsrvr\mdbdata` {
		t.Errorf("recreated key %+v", rec.Key)
	}
	var parsed []map[string]any
	code, _ = runJSON(t, &parsed, "rip", "parse", "-json", reg)
	if code != exitOK || parsed[0]["type"] != "rip_key" || parsed[0]["lowlog_number"] != 54.0 || parsed[0]["highlog_number"] != 63.0 {
		t.Errorf("parse: %d %v", code, parsed)
	}
	var v struct {
		Problems []struct{ Code, Value, Message string }
	}
	code, _ = runJSON(t, &v, "rip", "validate", "-json", reg)
	if code != exitOK || len(v.Problems) != 0 {
		t.Errorf("validate clean key: %d %v", code, v.Problems)
	}

	// A malformed key: before and after differ only in case, and the
	// patch file's low generation is not LowLog.
	reg4 := filepath.Join(dir, "rip4.reg")
	if code, _, errs := runText(append([]string{"rip", "recreate", "-regedit4", "-o", reg4}, kbArgs...)...); code != exitOK {
		t.Fatalf("recreate -regedit4: %d %s", code, errs)
	}
	b, err := os.ReadFile(reg4)
	if err != nil || !strings.HasPrefix(string(b), "REGEDIT4") {
		t.Fatalf("REGEDIT4 file: %v %q", err, b[:min(len(b), 20)])
	}
	// NEWSERVER becomes OLDSERVER in the plain strings (LogPath...): the
	// restore paths then name the backup server.
	bad := strings.ReplaceAll(string(b), "NEWSERVER", "OLDSERVER")
	badReg := filepath.Join(dir, "bad.reg")
	os.WriteFile(badReg, []byte(bad), 0o644)
	code, _ = runJSON(t, &v, "rip", "validate", "-json", "-pat", testcorpus.Path(t, "wlm-kimberli13/WindowsMail.pat"), badReg)
	if code != exitBad || len(v.Problems) == 0 {
		t.Fatalf("validate bad key: %d %v", code, v.Problems)
	}
	codes := map[string]bool{}
	for _, p := range v.Problems {
		codes[p.Code] = true
		if p.Message == "" {
			t.Errorf("problem without message: %+v", p)
		}
	}
	if !codes["lowlog-mismatch"] {
		t.Errorf("no lowlog-mismatch among %v", codes)
	}
	code, out, _ := runText("rip", "validate", "-pat", testcorpus.Path(t, "wlm-kimberli13/WindowsMail.pat"), badReg)
	if code != exitBad || len(strings.Split(strings.TrimSpace(out), "\n")) != len(v.Problems) {
		t.Errorf("readable validate: %d, %q", code, out)
	}
	if code, _, _ := runText("rip", "frobnicate"); code != exitUsage {
		t.Errorf("unknown sub-verb: %d", code)
	}
}

// rip recreate -o writes one new file: a folder path (rr/, rr/., an
// existing folder) is a usage error that writes nothing, and a file
// someone placed at the temporary name .NAME.esekit-recovering is left
// alone and named, where it used to be deleted without a word. A file a
// killed run of the same recreate left there is replaced.
func TestRipRecreateOutput(t *testing.T) {
	dir := t.TempDir()
	rr := filepath.Join(dir, "rr")
	os.Mkdir(rr, 0o755)
	for _, o := range []string{rr + "/", rr, filepath.Join(rr, "."), filepath.Join(dir, "new") + "/"} {
		code, out, errs := runText(append([]string{"rip", "recreate", "-o", o}, kbArgs...)...)
		if code != exitUsage || strings.Contains(out, "wrote") {
			t.Errorf("-o %s: status %d, %q %q", o, code, out, errs)
		}
	}
	if ents, _ := os.ReadDir(rr); len(ents) != 0 {
		t.Errorf("-o folder wrote %d files in it", len(ents))
	}
	if _, err := os.Lstat(filepath.Join(dir, "new")); err == nil {
		t.Errorf("-o new/ created something")
	}

	mine := filepath.Join(dir, ".k.reg.esekit-recovering")
	os.WriteFile(mine, []byte("the user's notes"), 0o644)
	code, _, errs := runText(append([]string{"rip", "recreate", "-o", filepath.Join(dir, "k.reg")}, kbArgs...)...)
	if code != exitBad || !strings.Contains(errs, mine) {
		t.Errorf("a user's file at the temporary name: status %d, %q", code, errs)
	}
	if b, _ := os.ReadFile(mine); string(b) != "the user's notes" {
		t.Errorf("the user's file was replaced: %q", b)
	}
	// What a killed run left (the start of the same bytes) is replaced.
	code, reg, _ := runText(append([]string{"rip", "recreate"}, kbArgs...)...)
	if code != exitOK {
		t.Fatal(code)
	}
	os.WriteFile(mine, []byte(reg[:len(reg)/2]), 0o644)
	if code, _, errs := runText(append([]string{"rip", "recreate", "-o", filepath.Join(dir, "k.reg")}, kbArgs...)...); code != exitOK {
		t.Errorf("after a killed run: status %d, %s", code, errs)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "k.reg")); string(b) != reg {
		t.Errorf("k.reg holds %d bytes, want the %d of the key", len(b), len(reg))
	}
	if _, err := os.Lstat(mine); err == nil {
		t.Errorf("the temporary file is left")
	}
}
