package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/testcorpus"
	"github.com/esekit/esekit/rip"
)

// wlmKey is a Restore in Progress key for the Windows Live Mail backup
// set: LowLog = HighLog = 1, the store mapped to its own name.
func wlmKey() []byte {
	k := &rip.Key{Path: rip.KeyPath(rip.ServiceIS), Service: rip.ServiceIS, LowLog: 1, HighLog: 1,
		RstMap: []string{`C:\x\WindowsMail.MSMessageStore`, "WindowsMail.MSMessageStore"}, RstMapSize: 1,
		LogPath: `C:\logs`, BackupLogPath: `C:\logs`, CheckpointFilePath: `C:\logs`}
	return k.Marshal(rip.Regedit4)
}

// TestRestoreRipInOut is issue 12's second hole through the CLI: -out
// must not be the folder of -rip, whose key restore writes back under its
// own name; it is refused as a usage error before anything is read or
// written, and the key keeps its bytes.
func TestRestoreRipInOut(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	key := filepath.Join(out, "wlm-key.reg")
	os.WriteFile(key, wlmKey(), 0o644)
	code, _, errs := runText("restore", "-out", out, "-rip", key, in)
	if code != exitUsage || !strings.Contains(errs, "-rip") {
		t.Errorf("-out is the folder of -rip: status %d, %q; want %d", code, errs, exitUsage)
	}
	if b, _ := os.ReadFile(key); !bytes.Equal(b, wlmKey()) {
		t.Errorf("the input key changed")
	}
}

// TestRestoreRipInOutWLM is the same on the real backup set, which
// restore used to recover with exit status 0 while replacing the input
// key (without -overwrite) by the recovered one.
func TestRestoreRipInOutWLM(t *testing.T) {
	dir := filepath.Dir(testcorpus.Path(t, "wlm-danyquenneville-backup/WindowsMail.pat"))
	out := t.TempDir()
	key := filepath.Join(out, "wlm-key.reg")
	os.WriteFile(key, wlmKey(), 0o644)
	code, _, errs := runText("restore", "-out", out, "-rip", key, dir)
	if code != exitUsage {
		t.Errorf("status %d (%s), want %d", code, errs, exitUsage)
	}
	if b, _ := os.ReadFile(key); !bytes.Equal(b, wlmKey()) {
		t.Errorf("the input key was replaced:\n%s", b)
	}
	// Elsewhere the key is written back, marked recovered; a second run
	// into the same folder does not replace it without -overwrite.
	keys, out2 := t.TempDir(), t.TempDir()
	key = filepath.Join(keys, "wlm-key.reg")
	os.WriteFile(key, wlmKey(), 0o644)
	if code, _, errs := runText("restore", "-out", out2, "-rip", key, dir); code != exitOK {
		t.Fatalf("status %d: %s", code, errs)
	}
	written := filepath.Join(out2, "wlm-key.reg")
	if b, _ := os.ReadFile(written); !bytes.Contains(b, []byte(`"EDB Database recovered"=hex:01`)) {
		t.Errorf("written key:\n%s", b)
	}
	os.WriteFile(written, []byte("kept"), 0o644)
	os.Remove(filepath.Join(out2, "WindowsMail.MSMessageStore"))
	if code, _, _ := runText("restore", "-out", out2, "-rip", key, dir); code == exitOK {
		t.Errorf("second run over an existing key without -overwrite: status 0")
	}
	if b, _ := os.ReadFile(written); string(b) != "kept" {
		t.Errorf("existing key replaced without -overwrite")
	}
}

// TestRipRecreateNewFile: rip recreate -o writes a new file: an existing
// file is not replaced, and a symbolic link is not followed.
func TestRipRecreateNewFile(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "old.reg")
	os.WriteFile(existing, []byte("old"), 0o644)
	if code, _, _ := runText(append([]string{"rip", "recreate", "-o", existing}, kbArgs...)...); code != exitBad {
		t.Errorf("-o an existing file: status %d, want %d", code, exitBad)
	}
	if b, _ := os.ReadFile(existing); string(b) != "old" {
		t.Errorf("existing file replaced: %q", b[:min(len(b), 20)])
	}
	victim := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(victim, []byte("victim"), 0o644)
	link := filepath.Join(dir, "link.reg")
	if err := os.Symlink(victim, link); err != nil {
		t.Skip(err)
	}
	if code, _, _ := runText(append([]string{"rip", "recreate", "-o", link}, kbArgs...)...); code != exitBad {
		t.Errorf("-o a symbolic link: status %d, want %d", code, exitBad)
	}
	if b, _ := os.ReadFile(victim); string(b) != "victim" {
		t.Errorf("the link's target was written")
	}
	fresh := filepath.Join(dir, "new.reg")
	if code, _, errs := runText(append([]string{"rip", "recreate", "-o", fresh}, kbArgs...)...); code != exitOK {
		t.Errorf("-o a new file: status %d: %s", code, errs)
	}
}

// TestRestoreHostilePatchPgno is issue 12's third hole through the CLI:
// the backup set's patch file replaced by one holding a single image, a
// copy of database page 1 sealed as page 0x400000, used to make restore
// write a 32 GiB (sparse) database and exit 0. Nothing in the inputs
// justifies that page: restore now exits 1 with JET_errBadPatchPage
// (-535) and writes nothing; -max-size is how a user allows more.
func TestRestoreHostilePatchPgno(t *testing.T) {
	const ps = 8192
	dir := testcorpus.CopySet(t, "wlm-danyquenneville-backup")
	db, err := os.ReadFile(filepath.Join(dir, "WindowsMail.MSMessageStore"))
	if err != nil {
		t.Fatal(err)
	}
	pat, err := esepatch.Decode(testcorpus.Read(t, "wlm-danyquenneville-backup/WindowsMail.pat"))
	if err != nil {
		t.Fatal(err)
	}
	img := append([]byte{}, db[2*ps:3*ps]...)
	esepatch.SealImage(img, 0x400000)
	b, err := esepatch.Encode(pat.Header, ps, [][]byte{img})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "WindowsMail.pat"), b, 0o644)
	out := t.TempDir()
	var r recoverOut
	code, errs := runJSON(t, &r, "restore", "-json", "-out", out, dir)
	if code != exitBad || r.Error != -535 {
		t.Errorf("status %d, error %d (%s); want %d and -535", code, r.Error, errs, exitBad)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Errorf("%d files written", len(ents))
	}
}
