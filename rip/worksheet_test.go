package rip

import (
	"errors"
	"strings"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/google/go-cmp/cmp"
)

// seedWorksheet is KB Q200941's worksheet filled in for its example: the
// LowLog and HighLog come from "Log Gen: - 36-3f" in ESEUTIL /MH PRIV.PAT.
const seedWorksheet = `# KB Q200941 worksheet
Transaction Logs Path: F:\exchsrvr\mdbdata
Working Path: C:\exchsrvr\mdbdata
Number of databases: 2
Server from which backup was taken: OLDSERVER
Server to which backup is being restored: NEWSERVER
LowLog Number: 36
HighLog Number: 3f
Original database path: c:\exchsrvr\MDBDATA\PRIV.EDB
Database path: d:\exchsrvr\MDBDATA\PRIV.EDB
Original database path: c:\exchsrvr\MDBDATA\PUB.EDB
Database path: e:\exchsrvr\MDBDATA\PUB.EDB
`

func TestWorksheetRecreatesSeedKey(t *testing.T) {
	w, err := ParseWorksheet(strings.NewReader(seedWorksheet))
	if err != nil {
		t.Fatal(err)
	}
	if w.LowLog != 0x36 || w.HighLog != 0x3f || w.NumberOfDatabases != 2 {
		t.Fatalf("worksheet = %+v", w)
	}
	k, err := w.Key()
	if err != nil {
		t.Fatal(err)
	}
	want := seedKey()
	want.CheckpointFilePath = `\\NEWSERVER\C$\exchsrvr\mdbdata`
	want.LogPath = `\\NEWSERVER\F$\exchsrvr\mdbdata`
	want.BackupLogPath = want.LogPath
	if d := cmp.Diff(want, k); d != "" {
		t.Errorf("key from worksheet: %s", d)
	}
	if p := Validate(k, seedEvidence); len(p) != 0 {
		t.Errorf("re-created key has problems: %v", p)
	}
	// The .reg text parses back to the same key.
	k2, err := ParseKey(k.Marshal(Regedit4))
	if err != nil {
		t.Fatal(err)
	}
	k2.Raw = nil
	if d := cmp.Diff(k, k2); d != "" {
		t.Errorf(".reg round trip: %s", d)
	}
	// Worksheet text round trip.
	w2, err := ParseWorksheet(strings.NewReader(string(w.Format())))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(w, w2); d != "" {
		t.Errorf("worksheet round trip: %s", d)
	}
	if !strings.Contains(string(w.Format()), "LowLog Number: 36\nHighLog Number: 3f\n") {
		t.Errorf("worksheet text:\n%s", w.Format())
	}
}

func TestWorksheetSameServerSamePaths(t *testing.T) {
	w := &Worksheet{Service: ServiceDS, TransactionLogsPath: `E:\exchsrvr\dsadata`, WorkingPath: `E:\exchsrvr\dsadata`,
		NumberOfDatabases: 1, BackupServer: "EXCH01", RestoreServer: "EXCH01", LowLog: 0x36, HighLog: 0x3f,
		OriginalDatabasePaths: []string{`E:\EXCHSRVR\DSADATA\DIR.EDB`}}
	k, err := w.Key()
	if err != nil {
		t.Fatal(err)
	}
	if k.Path != `HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\MSExchangeDS\Restore in Progress` {
		t.Errorf("path %q", k.Path)
	}
	if d := cmp.Diff([]string{`\\EXCH01\E$\EXCHSRVR\DSADATA\DIR.EDB`, `\\EXCH01\E$\EXCHSRVR\DSADATA\DIR.EDB`}, k.RstMap); d != "" {
		t.Error(d)
	}
	if p := Validate(k, &Evidence{PatchGenLow: 0x36, PatchGenHigh: 0x3f, PatchFiles: 1}); len(p) != 0 {
		t.Errorf("problems: %v", p)
	}
}

func TestWorksheetErrors(t *testing.T) {
	for name, text := range map[string]string{
		"no colon":      "Working Path C:\\x\n",
		"unknown label": "Favourite colour: blue\n",
		"bad lowlog":    "LowLog Number: 3g\n",
		"bad count":     "Number of databases: two\n",
	} {
		_, err := ParseWorksheet(strings.NewReader(text))
		if !errors.Is(err, ErrWorksheet) {
			t.Errorf("%s: %v", name, err)
		}
		// The engine code a caller reports is JET_errInvalidParameter.
		if !errors.Is(err, ese.ErrInvalidParameter) || ese.CodeOf(err) != ese.ErrInvalidParameter {
			t.Errorf("%s: code %v, want -1003", name, ese.CodeOf(err))
		}
	}
	base := func() *Worksheet {
		w, _ := ParseWorksheet(strings.NewReader(seedWorksheet))
		return w
	}
	for name, mod := range map[string]func(*Worksheet){
		"no servers":      func(w *Worksheet) { w.RestoreServer = "" },
		"count mismatch":  func(w *Worksheet) { w.NumberOfDatabases = 1 },
		"no lowlog":       func(w *Worksheet) { w.LowLog = 0 },
		"high below low":  func(w *Worksheet) { w.HighLog = 0x30 },
		"relative path":   func(w *Worksheet) { w.WorkingPath = "mdbdata" },
		"restored paths":  func(w *Worksheet) { w.DatabasePaths = w.DatabasePaths[:1] },
		"bad db path":     func(w *Worksheet) { w.OriginalDatabasePaths[0] = "PRIV.EDB" },
		"bad logs path":   func(w *Worksheet) { w.TransactionLogsPath = "" },
		"no databases":    func(w *Worksheet) { w.NumberOfDatabases = 0; w.OriginalDatabasePaths = nil; w.DatabasePaths = nil },
		"bad restored db": func(w *Worksheet) { w.DatabasePaths[1] = "pub" },
	} {
		w := base()
		mod(w)
		if _, err := w.Key(); !errors.Is(err, ErrWorksheet) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestParseHexLog(t *testing.T) {
	for in, want := range map[string]ese.Generation{"36": 0x36, "3f": 0x3f, "0x3F": 0x3f, "Edb0003f.log": 0x3f, "edb012fc.log": 0x12fc} {
		got, err := ParseHexLog(in)
		if err != nil || got != want {
			t.Errorf("ParseHexLog(%q) = %x, %v; want %x", in, got, err, want)
		}
	}
}

func TestDecide(t *testing.T) {
	restored := Disk{PatchFiles: 2, PatchPages: 3, BackupLogs: 10}

	// Key present, 00: hard recovery from LowLog 36.
	d := Decide(seedKey(), restored)
	if d.Action != ActionHardRecovery || d.Error != 0 || !strings.Contains(d.Summary, "from log 36") {
		t.Errorf("key 00: %+v", d)
	}
	// Key present, 01: delete instead of obey.
	k := seedKey()
	k.SetRecovered()
	if d := Decide(k, restored); d.Action != ActionDeleteKey {
		t.Errorf("key 01: %+v", d)
	}
	// Key present but files missing.
	if d := Decide(seedKey(), Disk{BackupLogs: 10}); d.Action != ActionHardRecoveryFails || d.Error != ese.ErrPatchFileMissing {
		t.Errorf("no .pat: %+v", d)
	}
	if d := Decide(seedKey(), Disk{PatchFiles: 2, BackupLogs: 9, BackupLogsMissing: 1}); d.Action != ActionHardRecoveryFails || d.Error != ese.ErrMissingRestoreLogFiles {
		t.Errorf("missing log: %+v", d)
	}
	// No key after an online restore on a cluster (KB Q188674 and KB Q238063).
	cl := restored
	cl.Cluster = true
	cl.Service = ServiceDS
	d = Decide(nil, cl)
	if d.Action != ActionMissingKey || d.Error != ese.ErrMissingLogFile {
		t.Fatalf("missing key: %+v", d)
	}
	if !strings.Contains(strings.Join(d.Events, "\n"), "returned error -528") || !strings.Contains(strings.Join(d.Fix, "\n"), "Control Panel") {
		t.Errorf("missing key texts: %+v", d)
	}
	if !cmp.Equal(d.ErrorForms, []string{"-528", "4294966768", "0xFFFFFDF0", "3355443728", "0xC8000210"}) {
		t.Errorf("forms %v", d.ErrorForms)
	}
	is := restored
	is.Service = ServiceIS
	d = Decide(nil, is)
	if d.Action != ActionMissingKey || !strings.Contains(strings.Join(d.Events, "\n"), "Current log file missing") || !strings.Contains(strings.Join(d.Fix, "\n"), "another online restore") {
		t.Errorf("IS missing key: %+v", d)
	}
	// No key, Edb.log present: soft recovery without the patch data.
	onDisk := restored
	onDisk.CurrentLog = true
	if d := Decide(nil, onDisk); d.Action != ActionSoftRecoveryCorrupts || !strings.Contains(d.Summary, "3 database pages would be corrupted") {
		t.Errorf("soft without patch: %+v", d)
	}
	onDisk.PatchPages = 0
	if d := Decide(nil, onDisk); d.Action != ActionNormalStart {
		t.Errorf("empty patch files: %+v", d)
	}
	// Nothing restored.
	if d := Decide(nil, Disk{CurrentLog: true}); d.Action != ActionNormalStart {
		t.Errorf("plain: %+v", d)
	}
	// Full backup already replayed: the patch data is no longer needed.
	if d := Decide(nil, Disk{PatchFiles: 1, PatchPages: 5, BackupLogs: 10, FullBackupReplayed: true}); d.Action != ActionNormalStart {
		t.Errorf("replayed: %+v", d)
	}
}

func TestSafeToDelete(t *testing.T) {
	k := seedKey()
	if ok, _ := SafeToDelete(k, Disk{PatchPages: 4}); ok {
		t.Error("4 page images pending: not safe")
	}
	if ok, why := SafeToDelete(k, Disk{PatchPages: 0}); !ok || !strings.Contains(why, "empty") {
		t.Error("empty patch files: safe")
	}
	if ok, _ := SafeToDelete(k, Disk{PatchPages: 4, FullBackupReplayed: true}); !ok {
		t.Error("replayed: safe")
	}
	k.SetRecovered()
	if ok, _ := SafeToDelete(k, Disk{PatchPages: 4}); !ok {
		t.Error("recovered 01: safe")
	}
	if ok, _ := SafeToDelete(nil, Disk{PatchPages: -1}); ok {
		t.Error("unknown: not safe")
	}
}

func TestSetRecoveredRaw(t *testing.T) {
	k, err := ParseKey(seedKey().Marshal(Regedit5))
	if err != nil {
		t.Fatal(err)
	}
	k.SetRecovered()
	k2, err := ParseKey(k.Marshal(Regedit5))
	if err != nil {
		t.Fatal(err)
	}
	if !k2.Recovered {
		t.Error("recovered flag lost")
	}
	if !strings.Contains(string(toANSI(k.Marshal(Regedit5)[2:])), `"EDB Database recovered"=hex:01`) {
		t.Error("hex:01 not written")
	}
	del := string(k.DeleteFile(Regedit4).Marshal())
	if !strings.Contains(del, `[-HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\MSExchangeIS\Restore in Progress]`) {
		t.Errorf("delete file:\n%s", del)
	}
}

// TestParseHexLogBad: text that is not a hexadecimal log number is an
// error wrapping ErrWorksheet, so a caller can tell it from an I/O error.
func TestParseHexLogBad(t *testing.T) {
	for _, in := range []string{"", "xyz", "Edb0003g.log", "0x", "1ffffffff", "-3f"} {
		_, err := ParseHexLog(in)
		if !errors.Is(err, ErrWorksheet) {
			t.Errorf("ParseHexLog(%q): %v, want an error wrapping ErrWorksheet", in, err)
		}
	}
}
