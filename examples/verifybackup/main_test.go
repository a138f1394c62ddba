package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esekit/esekit/internal/testcorpus"
	"github.com/esekit/esekit/internal/testset"
	"github.com/esekit/esekit/rip"
)

// result is the part of the -json report the tests read.
type result struct {
	Files []struct{ File, Kind string }
	Logs  struct {
		Signature   string
		Generations []int32
		Unbroken    bool
		Foreign     []string
	}
	Databases []struct {
		File         string
		State        string
		BackupCopy   bool   `json:"backup_copy"`
		BackupLow    uint32 `json:"backup_low"`
		BackupHigh   uint32 `json:"backup_high"`
		Anchor       int32
		AnchorLog    string  `json:"anchor_log"`
		AnchorOK     bool    `json:"anchor_present"`
		MissingLogs  []int32 `json:"missing_logs"`
		SignatureOK  bool    `json:"log_signature_matches"`
		Patch        string
		PatchMatches bool   `json:"patch_matches"`
		PatchPages   int    `json:"patch_pages"`
		PatchForm    string `json:"patch_form"`
		Incremental  struct {
			Since, Through int32
			Logs           []string
			Error          int32
		}
	}
	Truncate struct{ Logs []string }
	Plan     struct {
		Error      int32
		Replay     []string
		NeedsPatch []string `json:"needs_patch"`
	}
	RIP *struct {
		LowLog   uint32   `json:"lowlog_number"`
		HighLog  uint32   `json:"highlog_number"`
		RstMap   []string `json:"edb_rstmap"`
		Problems []string
	}
	Restore *struct {
		StateAfter   []string `json:"state_after"`
		LogsReplayed []string `json:"logs_replayed"`
		Finished     bool     `json:"hard_recovery_finished"`
		PatchNeeded  bool     `json:"patch_data_needed"`
		RIP          string
		Error        int32
	}
	Problems []string
	OK       bool
}

func runJSON(t *testing.T, args ...string) (int, result) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"-json"}, args...), &out, &errb)
	var r result
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("exit %d, not JSON: %v (stderr %s)", code, err, errb.String())
	}
	return code, r
}

// The Windows Live Mail online backup set: database copy, its patch file
// and the one log of the full backup (generation 1).
func TestWLMBackupSet(t *testing.T) {
	dir := testcorpus.Path(t, "wlm-danyquenneville-backup")
	before := testset.HashDir(t, dir)
	tmp := t.TempDir()
	regFile := filepath.Join(tmp, "restore.reg")
	out := filepath.Join(tmp, "out")
	code, r := runJSON(t, "-rip", regFile, "-out", out, dir)
	if code != 0 || !r.OK || len(r.Problems) != 0 {
		t.Fatalf("exit %d ok %v problems %v", code, r.OK, r.Problems)
	}
	kinds := map[string]string{}
	for _, f := range r.Files {
		kinds[f.File] = f.Kind
	}
	if kinds["WindowsMail.MSMessageStore"] != "database" || kinds["WindowsMail.pat"] != "patch" || kinds["edb00001.log"] != "log" {
		t.Errorf("kinds %v", kinds)
	}
	if len(r.Logs.Generations) != 1 || r.Logs.Generations[0] != 1 || !r.Logs.Unbroken || len(r.Logs.Foreign) != 0 ||
		r.Logs.Signature != "Create time:3/11/2018 9:17:55 Rand:308385 Computer:" {
		t.Errorf("logs %+v", r.Logs)
	}
	if len(r.Databases) != 1 {
		t.Fatalf("%d databases", len(r.Databases))
	}
	d := r.Databases[0]
	if d.State != "DirtyShutdown" || !d.BackupCopy || d.BackupLow != 1 || d.BackupHigh != 1 || d.Anchor != 1 ||
		d.AnchorLog != "edb00001.log" || !d.AnchorOK || len(d.MissingLogs) != 0 || !d.SignatureOK {
		t.Errorf("database %+v", d)
	}
	// The patch file belongs to the copy and is "empty" (two header pages,
	// no page images: the engine of this log format writes none).
	if d.Patch != "WindowsMail.pat" || !d.PatchMatches || d.PatchPages != 0 {
		t.Errorf("patch %q matches %v pages %d", d.Patch, d.PatchMatches, d.PatchPages)
	}
	// The copy's header records no previous full backup: an incremental
	// backup of it has nothing to build on (-560, JET_errMissingFullBackup).
	if d.Incremental.Error != -560 {
		t.Errorf("incremental error %d", d.Incremental.Error)
	}
	if len(r.Truncate.Logs) != 0 {
		t.Errorf("truncatable without a checkpoint: %v", r.Truncate.Logs)
	}
	if r.Plan.Error != 0 || len(r.Plan.Replay) != 1 || len(r.Plan.NeedsPatch) != 1 || r.Plan.NeedsPatch[0] != "edb00001.log" {
		t.Errorf("plan %+v", r.Plan)
	}

	// The Restore in Progress key: LowLog and HighLog from the patch file,
	// one database mapped from the backup server to the restore server.
	k := r.RIP
	// (Failures never print the map: its paths are a user's profile.)
	if k == nil || k.LowLog != 1 || k.HighLog != 1 || len(k.RstMap) != 2 {
		t.Fatalf("key: present %v, %d EDB_RstMap lines", k != nil, func() int {
			if k == nil {
				return 0
			}
			return len(k.RstMap)
		}())
	}
	const db = `\WindowsMail.MSMessageStore`
	if !strings.HasPrefix(k.RstMap[0], `\\BACKUPSERVER\C$\`) || !strings.HasSuffix(k.RstMap[0], db) ||
		!strings.HasPrefix(k.RstMap[1], `\\RESTORESERVER\C$\`) || !strings.HasSuffix(k.RstMap[1], db) ||
		k.RstMap[0][len(`\\BACKUPSERVER`):] != k.RstMap[1][len(`\\RESTORESERVER`):] {
		t.Errorf("EDB_RstMap is not the same path on two servers")
	}
	reg, err := os.ReadFile(regFile)
	if err != nil {
		t.Fatal(err)
	}
	key, err := rip.ParseKey(reg)
	if err != nil || key.LowLog != 1 || key.HighLog != 1 || key.RstMapSize != 1 || key.Recovered {
		t.Fatalf("written key: %v (LowLog, HighLog, size, recovered wrong)", err)
	}
	if !bytes.HasPrefix(reg, []byte{0xFF, 0xFE}) {
		t.Errorf("the .reg is not Regedit 5 (UTF-16LE with BOM)")
	}

	// After the restore: clean, every backup log replayed, the patch data
	// no longer needed, the key written back marked recovered (01).
	rs := r.Restore
	if rs == nil || rs.Error != 0 || len(rs.StateAfter) != 1 || rs.StateAfter[0] != "CleanShutdown" ||
		len(rs.LogsReplayed) != 1 || rs.LogsReplayed[0] != "edb00001.log" || !rs.Finished || rs.PatchNeeded {
		t.Fatalf("restore %+v", rs)
	}
	done, err := os.ReadFile(rs.RIP)
	if err != nil {
		t.Fatal(err)
	}
	if k2, err := rip.ParseKey(done); err != nil || !k2.Recovered || k2.LowLog != 1 {
		t.Errorf("key after restore: %v recovered %v", err, k2 != nil && k2.Recovered)
	}
	if filepath.Dir(rs.RIP) != out {
		t.Errorf("key written outside -out")
	}
	after := testset.HashDir(t, dir)
	for n, h := range before {
		if after[n] != h {
			t.Errorf("%s changed", n)
		}
	}
}

// -restore-path moves the databases to another folder on the restore
// server: the "after" lines of EDB_RstMap name it.
func TestRestorePath(t *testing.T) {
	dir := testcorpus.Path(t, "wlm-danyquenneville-backup")
	reg := filepath.Join(t.TempDir(), "k.reg")
	code, r := runJSON(t, "-rip", reg, "-from", "OLDSERVER", "-to", "NEWSERVER", "-restore-path", `D:\mail`, dir)
	if code != 0 || r.RIP == nil || len(r.RIP.RstMap) != 2 {
		t.Fatalf("exit %d %+v", code, r.Problems)
	}
	if got := r.RIP.RstMap[1]; got != `\\NEWSERVER\D$\mail\WindowsMail.MSMessageStore` {
		t.Errorf("after line %q", got)
	}
	if !strings.HasPrefix(r.RIP.RstMap[0], `\\OLDSERVER\C$\`) {
		t.Errorf("before line is not on OLDSERVER")
	}
}

// A set without its log: the anchor log is missing, hard recovery stops
// with -528 (JET_errMissingLogFile), and nothing is restored.
func TestMissingLog(t *testing.T) {
	src := testcorpus.Path(t, "wlm-danyquenneville-backup")
	dir := t.TempDir()
	for _, n := range []string{"WindowsMail.MSMessageStore", "WindowsMail.pat"} {
		copyFile(t, filepath.Join(src, n), filepath.Join(dir, n))
	}
	code, r := runJSON(t, dir)
	if code != 1 || r.OK {
		t.Fatalf("exit %d ok %v", code, r.OK)
	}
	if len(r.Databases) != 1 || r.Databases[0].AnchorLog != "edb00001.log" || r.Databases[0].AnchorOK || len(r.Databases[0].MissingLogs) != 1 {
		t.Errorf("database %+v", r.Databases)
	}
	if r.Plan.Error == 0 {
		t.Errorf("plan without the backup log: no error")
	}
	if !strings.Contains(strings.Join(r.Problems, "\n"), "anchor log edb00001.log is missing") {
		t.Errorf("problems %v", r.Problems)
	}
}

// A set without its patch file: -538 (JET_errPatchFileMissing).
func TestMissingPatch(t *testing.T) {
	src := testcorpus.Path(t, "wlm-danyquenneville-backup")
	dir := t.TempDir()
	for _, n := range []string{"WindowsMail.MSMessageStore", "edb00001.log"} {
		copyFile(t, filepath.Join(src, n), filepath.Join(dir, n))
	}
	code, r := runJSON(t, dir)
	if code != 1 || r.OK || len(r.Databases) != 1 || r.Databases[0].PatchMatches {
		t.Fatalf("exit %d %+v", code, r.Databases)
	}
	if !strings.Contains(strings.Join(r.Problems, "\n"), "-538") {
		t.Errorf("problems %v", r.Problems)
	}
}

// A live log folder rather than a backup set (the dirty SRUM folder with
// its checkpoint at 0x51): the logs below the checkpoint, which the dirty
// database does not need either, may be truncated once backed up; the
// current log never. It has no patch file, so it is no online backup set
// (-538).
func TestTruncateLiveFolder(t *testing.T) {
	dir := testcorpus.Path(t, "museum-srum-win10-belkasoftctf-insiderthreat-dirty")
	code, r := runJSON(t, dir)
	if code != 1 || r.OK {
		t.Errorf("exit %d ok %v", code, r.OK)
	}
	want := []string{"SRU0004E.log", "SRU0004F.log", "SRU00050.log"}
	if strings.Join(r.Truncate.Logs, " ") != strings.Join(want, " ") {
		t.Errorf("truncatable %v, want %v", r.Truncate.Logs, want)
	}
	if len(r.Databases) != 1 || r.Databases[0].Anchor != 0x51 || r.Databases[0].AnchorLog != "SRU00051.log" ||
		!r.Databases[0].AnchorOK || !r.Databases[0].SignatureOK || r.Databases[0].PatchMatches {
		t.Errorf("database %+v", r.Databases)
	}
	if len(r.Logs.Generations) != 5 || r.Logs.Generations[0] != 0x4e || !r.Logs.Unbroken {
		t.Errorf("logs %+v", r.Logs)
	}
	if !strings.Contains(strings.Join(r.Problems, "\n"), "-538") {
		t.Errorf("problems %v", r.Problems)
	}
}

// The Windows Live Mail store of wlm-kimberli13 is the live database after
// an online backup (its header records the previous full backup, logs
// 0x1): an incremental backup must copy the logs since, 0x2 (edb.log,
// rolled first), as KB Q245211's BackupPrepare would. Its .pat file is the
// leftover of that backup: hard recovery on the live database is -615.
func TestIncrementalAfterFullBackup(t *testing.T) {
	dir := testcorpus.Path(t, "wlm-kimberli13")
	code, r := runJSON(t, dir)
	if code != 1 || len(r.Databases) != 1 {
		t.Fatalf("exit %d, %d databases", code, len(r.Databases))
	}
	d := r.Databases[0]
	inc := d.Incremental
	if inc.Error != 0 || inc.Since != 2 || inc.Through != 2 || len(inc.Logs) != 1 || inc.Logs[0] != "edb.log" {
		t.Errorf("incremental %+v", inc)
	}
	if d.State != "CleanShutdown" || d.BackupCopy || d.PatchMatches || r.Plan.Error != -615 {
		t.Errorf("database %+v, plan error %d", d, r.Plan.Error)
	}
}

func TestUsage(t *testing.T) {
	if code := run(nil, io.Discard, io.Discard); code != 2 {
		t.Errorf("no folder: exit %d", code)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The same set in today's form: the .pat truncated to zero bytes, the
// patch header only in the trailer page the database copy ends with. The
// set is good, the marker is matched by name, and the restore runs; with
// the trailer page gone, the set is refused with the reason.
func TestWLMBackupSetModernForm(t *testing.T) {
	dir := testcorpus.CopySet(t, "wlm-danyquenneville-backup")
	if err := os.Truncate(filepath.Join(dir, "WindowsMail.pat"), 0); err != nil {
		t.Fatal(err)
	}
	code, r := runJSON(t, "-out", filepath.Join(t.TempDir(), "out"), dir)
	if code != 0 || !r.OK || len(r.Databases) != 1 {
		t.Fatalf("exit %d ok %v problems %v", code, r.OK, r.Problems)
	}
	d := r.Databases[0]
	if !d.PatchMatches || d.Patch != "WindowsMail.pat" || d.PatchForm != "marker+trailer" || d.PatchPages != 0 || d.BackupLow != 1 || d.BackupHigh != 1 {
		t.Errorf("database %+v", d)
	}
	if r.Restore == nil || r.Restore.Error != 0 || len(r.Restore.StateAfter) != 1 || r.Restore.StateAfter[0] != "CleanShutdown" {
		t.Errorf("restore %+v", r.Restore)
	}
	db := filepath.Join(dir, "WindowsMail.MSMessageStore")
	b, _ := os.ReadFile(db)
	os.WriteFile(db, b[:len(b)-8192], 0o644)
	code, r = runJSON(t, dir)
	if code != 1 || r.OK || len(r.Databases) != 1 || r.Databases[0].PatchMatches ||
		!strings.Contains(strings.Join(r.Problems, "\n"), "zero-length patch file WindowsMail.pat and no trailer page") {
		t.Errorf("no trailer: exit %d %+v", code, r.Problems)
	}
}

// -out inside the backup folder (or the folder itself, or through a link
// to it) is refused with status 2 before anything is created there.
func TestOutInsideBackup(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x.log"), []byte("not a log"), 0o644)
	outs := []string{dir, filepath.Join(dir, "restored")}
	link := filepath.Join(t.TempDir(), "bk")
	if os.Symlink(dir, link) == nil {
		outs = append(outs, filepath.Join(link, "restored"))
	}
	for _, o := range outs {
		var errb bytes.Buffer
		if code := run([]string{"-out", o, dir}, io.Discard, &errb); code != 2 || !strings.Contains(errb.String(), "-out") {
			t.Errorf("-out %s: status %d, %s", o, code, errb.String())
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("the backup folder holds %d entries, want its 1", len(ents))
	}
}
