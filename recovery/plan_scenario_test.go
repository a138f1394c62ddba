package recovery

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testcorpus"
	"github.com/esekit/esekit/rip"
)

// editFileHeader patches a log header (4096 bytes) and fixes its checksum.
func editFileHeader(t *testing.T, file string, fn func(h []byte)) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fn(b[:4096])
	bin.PutU32(b, 0, ese.HeaderChecksum(b[:4096]))
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// editShadowed patches both copies of a shadowed header (database pages
// of size ps, or checkpoint copies of 4096) and fixes their checksums.
func editShadowed(t *testing.T, file string, ps int, fn func(h []byte)) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, off := range []int{0, ps} {
		h := b[off : off+ps]
		fn(h)
		bin.PutU32(h, 0, ese.HeaderChecksum(h))
	}
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func rename(from, to string) func(*testing.T, string) {
	return func(t *testing.T, d string) {
		if err := os.Rename(filepath.Join(d, from), filepath.Join(d, to)); err != nil {
			t.Fatal(err)
		}
	}
}

func corruptBytes(name string, off, n int) func(*testing.T, string) {
	return func(t *testing.T, d string) {
		b, _ := os.ReadFile(filepath.Join(d, name))
		for i := off; i < off+n; i++ {
			b[i] ^= 0xA5
		}
		os.WriteFile(filepath.Join(d, name), b, 0o644)
	}
}

func both(fs ...func(*testing.T, string)) func(*testing.T, string) {
	return func(t *testing.T, d string) {
		for _, f := range fs {
			f(t, d)
		}
	}
}

// setAttachedPath rewrites the first attach entry of a log header.
func setAttached(t *testing.T, file string, fn func(a *ese.AttachInfo)) {
	editFileHeader(t, file, func(h []byte) {
		list, _, err := ese.DecodeAttachList(h[671 : 671+ese.AttachListSize])
		if err != nil || len(list) == 0 {
			t.Fatalf("no attach list in %s: %v", file, err)
		}
		fn(&list[0])
		area := make([]byte, ese.AttachListSize)
		if _, err := ese.EncodeAttachList(area, list); err != nil {
			t.Fatal(err)
		}
		copy(h[671:], area)
	})
}

type planScenario struct {
	name   string
	set    string
	skip   []string
	edit   func(*testing.T, string)
	db     string // database file in the folder; "" = the set's default
	ckpt   string // checkpoint file in the folder; "-" = none
	hard   bool
	low    ese.Generation
	high   ese.Generation
	rmap   func(dir string) *RestoreMap
	code   ese.Error
	action string      // action of the first database, when set
	start  *ese.LogPos // when set
	logs   []PlanLog   // when set
	check  func(*testing.T, *Plan)
}

var (
	srumStart = &ese.LogPos{Generation: 0x51, Sector: 1} // SRU.chk (0x51,9,0) has no attach list
	srumLow   = &ese.LogPos{Generation: 0x4e, Sector: 1}
)

func TestPlanScenarios(t *testing.T) {
	const wlmB = "wlm-danyquenneville-backup"
	const wlmK = "wlm-kimberli13"
	sru := func(d string) string { return filepath.Join(d, "SRU.log") }
	_ = sru
	for _, sc := range []planScenario{
		// Soft recovery: where replay starts and ends.
		{name: "soft: dirty SRUM from its checkpoint", code: 0, action: ActionReplay, start: srumStart,
			logs: []PlanLog{{File: "SRU00051.log", Generation: 0x51}, {File: "SRU.log", Generation: 0x52}}},
		{name: "soft: no checkpoint starts at the lowest log", ckpt: "-", code: 0, action: ActionReplay, start: srumLow},
		{name: "soft: unreadable checkpoint is ignored", edit: corruptBytes("SRU.chk", 100, 8000), code: 0, start: srumLow,
			check: func(t *testing.T, p *Plan) {
				if !hasEvent(p, EventCheckpointIgnored) {
					t.Error("no checkpoint-ignored event")
				}
			}},
		{name: "soft: checkpoint of another stream", edit: func(t *testing.T, d string) {
			editShadowed(t, filepath.Join(d, "SRU.chk"), 4096, func(h []byte) { h[20] ^= 1 })
		}, code: ese.ErrBadCheckpointSignature},
		{name: "soft: checkpoint log missing", skip: []string{"SRU00051.log"}, code: ese.ErrMissingLogFile},
		{name: "soft: checkpoint past the anchor", edit: func(t *testing.T, d string) {
			editShadowed(t, filepath.Join(d, "SRU.chk"), 4096, func(h []byte) { bin.PutI32(h, 16, 0x52) })
		}, code: ese.ErrRequiredLogFilesMissing},
		{name: "soft: lowest numbered log holds another generation", ckpt: "-", edit: func(t *testing.T, d string) {
			b, _ := os.ReadFile(filepath.Join(d, "SRU0004F.log"))
			os.WriteFile(filepath.Join(d, "SRU0004D.log"), b, 0o644)
		}, code: ese.ErrMissingPreviousLogFile},
		{name: "soft: gap with the current log present", ckpt: "-", skip: []string{"SRU00050.log"}, code: ese.ErrInvalidLogSequence},
		{name: "soft: gap without a current log", ckpt: "-", skip: []string{"SRU00050.log", "SRU.log"}, code: ese.ErrMissingLogFile},
		{name: "soft: current log missing, temp log present", skip: []string{"SRU.log"}, code: 0, action: ActionReplay,
			logs: []PlanLog{{File: "SRU00051.log", Generation: 0x51}}},
		{name: "soft: current and temp log missing", skip: []string{"SRU.log", "SRUtmp.log"}, code: ese.ErrMissingLogFile},
		{name: "soft: logs end before the required one", ckpt: "-", skip: []string{"SRU.log", "SRU00051.log"}, code: ese.ErrRequiredLogFilesMissing},
		{name: "soft: foreign log of a needed generation", ckpt: "-", edit: func(t *testing.T, d string) {
			editFileHeader(t, filepath.Join(d, "SRU00050.log"), func(h []byte) { h[44] ^= 1 })
		}, code: ese.ErrBadLogSignature},
		{name: "soft: foreign current log", edit: func(t *testing.T, d string) {
			editFileHeader(t, filepath.Join(d, "SRU.log"), func(h []byte) { h[44] ^= 1 })
		}, code: ese.ErrBadCheckpointSignature},
		{name: "soft: renamed log", ckpt: "-", edit: rename("SRU00051.log", "SRU00061.log"), code: ese.ErrInvalidLogSequence},
		{name: "soft: previous-time chain broken", edit: func(t *testing.T, d string) {
			editFileHeader(t, filepath.Join(d, "SRU.log"), func(h []byte) { h[24] ^= 1 })
		}, code: ese.ErrInvalidLogSequence},
		{name: "soft: accumulated checksum chain broken", edit: func(t *testing.T, d string) {
			editFileHeader(t, filepath.Join(d, "SRU.log"), func(h []byte) { h[653] ^= 1 })
		}, code: ese.ErrLogSequenceChecksumMismatch},
		{name: "soft: log of the wrong size", ckpt: "-", edit: func(t *testing.T, d string) {
			os.Truncate(filepath.Join(d, "SRU0004F.log"), 32768)
		}, code: ese.ErrLogFileSizeMismatch},
		{name: "soft: corrupt log header", ckpt: "-", edit: corruptBytes("SRU0004F.log", 100, 1), code: ese.ErrLogFileCorrupt},
		{name: "soft: corrupt log body", edit: corruptBytes("SRU00051.log", 4096+200, 60), code: ese.ErrLogFileCorrupt},
		{name: "soft: committed data beyond the logs", edit: func(t *testing.T, d string) {
			editShadowed(t, filepath.Join(d, "SRUDB.dat"), 4096, func(h []byte) { bin.PutI32(h, 416, 0x53) })
		}, code: ese.ErrCommittedLogFilesMissing},
		{name: "soft: required log is a different log (time mismatch)", edit: func(t *testing.T, d string) {
			editShadowed(t, filepath.Join(d, "SRUDB.dat"), 4096, func(h []byte) { h[672] = 1; h[677] = 120 })
		}, code: ese.ErrRequiredLogFilesMissing},
		{name: "soft: database of another log stream", edit: func(t *testing.T, d string) {
			editShadowed(t, filepath.Join(d, "SRUDB.dat"), 4096, func(h []byte) { h[108] ^= 1 })
		}, code: ese.ErrBadLogSignature},
		{name: "soft: signature change truncates replay", edit: func(t *testing.T, d string) {
			editShadowed(t, filepath.Join(d, "SRUDB.dat"), 4096, func(h []byte) { h[24] ^= 1 })
		}, code: 0, action: ActionTruncate, check: func(t *testing.T, p *Plan) {
			// The AttachDB record at the database's AttachPos (0x51,A,268)
			// carries the old signature.
			pd := p.Databases[0]
			if pd.ReplayTo != 0x51 || pd.TruncateAt == nil || *pd.TruncateAt != (ese.LogPos{Generation: 0x51, Sector: 10, Offset: 616}) || !hasEvent(p, EventTruncated) {
				t.Errorf("truncation: %+v at %v", pd, pd.TruncateAt)
			}
		}},
		{name: "soft: attach-list entry of an earlier life is deferred", edit: func(t *testing.T, d string) {
			setAttached(t, filepath.Join(d, "SRU00051.log"), func(a *ese.AttachInfo) { a.DbSignature.Random ^= 1 })
		}, code: 0, action: ActionReplay},
		{name: "soft: consistent time differs from the AttachDB record", edit: func(t *testing.T, d string) {
			editShadowed(t, filepath.Join(d, "SRUDB.dat"), 4096, func(h []byte) { bin.PutU16(h, 58, 5); bin.PutI32(h, 60, 0x50) })
		}, code: ese.ErrConsistentTimeMismatch},
		{name: "soft: restore map renames the database", rmap: func(d string) *RestoreMap {
			m, _ := NewRestoreMap([]string{d}, MapEntry{From: `C:\Windows\System32\sru\SRUDB.dat`, To: "SRUDB.dat"})
			return m
		}, code: 0, action: ActionReplay, check: func(t *testing.T, p *Plan) {
			if !hasEvent(p, EventRemap) || !strings.EqualFold(winBase(p.Databases[0].LoggedPath), "SRUDB.dat") {
				t.Errorf("remap: %+v", p.Databases[0])
			}
		}},
		{name: "soft: restore map over a folder without the database", rmap: func(d string) *RestoreMap {
			m, _ := NewRestoreMap([]string{filepath.Join(d, "elsewhere")})
			return m
		}, code: 0, action: ActionReplay},
		{name: "soft: path change truncates replay", rmap: func(d string) *RestoreMap {
			m, _ := NewRestoreMap([]string{d}, MapEntry{From: `C:\Windows\System32\sru\SRUDB.dat`, To: "Other.dat"})
			return m
		}, code: 0, action: ActionTruncate},
		{name: "soft: database not in the restore map is skipped", rmap: func(d string) *RestoreMap {
			m, _ := NewRestoreMap([]string{d}, MapEntry{From: `D:\elsewhere\x.edb`, To: "x.edb"})
			return m
		}, code: 0, action: ActionSkip},
		{name: "soft: hostile logged path is refused", edit: func(t *testing.T, d string) {
			setAttached(t, filepath.Join(d, "SRU00051.log"), func(a *ese.AttachInfo) { a.SetPath(`..\..\..\etc\SRUDB.dat`) })
		}, rmap: func(d string) *RestoreMap { m, _ := NewRestoreMap([]string{d}); return m }, code: ese.ErrAttachedDatabaseMismatch},
		{name: "soft: clean database needs nothing", set: "museum-srum-server2022-apt-1daylater", code: 0, action: ActionNone,
			// SRU.log ends with a Term at (5,6,0), where SRU.chk points:
			// the engine's fast path, no recovery at all.
			start: &ese.LogPos{Generation: 5, Sector: 6}, logs: []PlanLog{}},
		{name: "soft: logs absent (goese-qmgr)", set: "goese-qmgr", db: "qmgr.db", ckpt: "-", code: ese.ErrDatabaseDirtyShutdown},
		{name: "soft: logs absent, checkpoint present (RavenDB)", set: "ravendb-ssdug", db: "Data", ckpt: "RVN.chk", code: ese.ErrDatabaseDirtyShutdown},
		{name: "soft: database never finished being created", set: "museum-ntds-win2012r2", db: "temp.edb", ckpt: "-", code: ese.ErrDatabaseCorrupted},
		{name: "soft: foreign lowest log without checkpoint (appdata)", set: "appdata", db: "IndexedDB.edb", ckpt: "-", code: ese.ErrBadLogSignature},
		{name: "soft: appdata with its checkpoint", set: "appdata", db: "IndexedDB.edb", ckpt: "edb.chk", code: 0, action: ActionNone,
			// Term2 at (1,0x22,0) equals the checkpoint: no recovery runs.
			logs: []PlanLog{}, start: &ese.LogPos{Generation: 1, Sector: 0x22}, check: func(t *testing.T, p *Plan) {
				if !strings.Contains(p.Message, "no recovery runs") {
					t.Errorf("message %q", p.Message)
				}
			}},
		{name: "soft: backup copy refused", set: wlmB, edit: rename("edb00001.log", "edb.log"), ckpt: "-", code: ese.ErrSoftRecoveryOnBackupDatabase},
		{name: "soft: legacy logs of a clean store", set: wlmK, ckpt: "-", code: 0, action: ActionNone,
			logs: []PlanLog{{File: "edb00001.log", Generation: 1}, {File: "edb.log", Generation: 2}}},

		// Hard recovery.
		{name: "hard: WLM backup with its patch file", set: wlmB, hard: true, code: 0, action: ActionReplay,
			logs: []PlanLog{{File: "edb00001.log", Generation: 1, FromBackup: true, NeedsPatch: true}}},
		{name: "hard: patch file missing", set: wlmB, hard: true, skip: []string{"WindowsMail.pat"}, code: ese.ErrPatchFileMissing},
		{name: "hard: patch file of another database", set: wlmB, hard: true, edit: func(t *testing.T, d string) {
			os.WriteFile(filepath.Join(d, "WindowsMail.pat"), testcorpus.Read(t, "wlm-kimberli13/WindowsMail.pat"), 0o644)
		}, code: ese.ErrDatabasePatchFileMismatch},
		{name: "hard: backup log missing", set: wlmB, hard: true, skip: []string{"edb00001.log"}, code: ese.ErrMissingRestoreLogFiles},
		{name: "hard: backup log of another stream", set: wlmB, hard: true, edit: func(t *testing.T, d string) {
			os.WriteFile(filepath.Join(d, "edb00001.log"), testcorpus.Read(t, "wlm-kimberli13/edb00001.log"), 0o644)
		}, code: ese.ErrBadLogSignature},
		{name: "hard: HighLog beyond the logs restored", set: wlmB, hard: true, low: 1, high: 2, code: ese.ErrMissingRestoreLogFiles},
		{name: "hard: database that is not a backup copy", set: wlmB, hard: true, edit: func(t *testing.T, d string) {
			editShadowed(t, filepath.Join(d, "WindowsMail.MSMessageStore"), 8192, func(h []byte) { bin.PutU32(h, 184+16, 0) })
		}, code: ese.ErrRestoreOfNonBackupDatabase},
		{name: "hard: corrupt log in the backup set", set: wlmB, hard: true, edit: corruptBytes("edb00001.log", 4096+16, 40), code: ese.ErrLogCorruptDuringHardRestore},
		{name: "hard: HighLog below the backup's last log", set: wlmB, hard: true, edit: func(t *testing.T, d string) {
			editShadowed(t, filepath.Join(d, "WindowsMail.MSMessageStore"), 8192, func(h []byte) { bin.PutU32(h, 184+20, 5) })
		}, code: ese.ErrEndingRestoreLogTooLow},
		{name: "hard: patch mark differs", set: wlmB, hard: true, edit: func(t *testing.T, d string) {
			editShadowed(t, filepath.Join(d, "WindowsMail.MSMessageStore"), 8192, func(h []byte) { h[184] ^= 1 })
		}, code: ese.ErrDatabasePatchFileMismatch},
	} {
		t.Run(sc.name, func(t *testing.T) {
			set := sc.set
			if set == "" {
				set = dirtySRUM
			}
			dir := testcorpus.CopySet(t, set, sc.skip...)
			if sc.edit != nil {
				sc.edit(t, dir)
			}
			db := sc.db
			if db == "" {
				switch set {
				case dirtySRUM, "museum-srum-server2022-apt-1daylater":
					db = "SRUDB.dat"
				case wlmB, wlmK:
					db = "WindowsMail.MSMessageStore"
				}
			}
			opts := &Options{}
			if sc.rmap != nil {
				opts.RestoreMap = sc.rmap(dir)
			}
			var p *Plan
			var err error
			if sc.hard {
				f, ferr := os.Open(filepath.Join(dir, db))
				if ferr != nil {
					t.Fatal(ferr)
				}
				defer f.Close()
				p, err = PlanHard(context.Background(), HardInput{LowLog: sc.low, HighLog: sc.high, Restore: os.DirFS(dir), Databases: []DatabaseFile{{Name: db, R: f}}}, opts)
			} else {
				var ck CheckpointSource
				switch sc.ckpt {
				case "-":
				case "":
					ck.Find = true
				default:
					ck.Name = sc.ckpt
				}
				p, err = PlanSoftDir(context.Background(), dir, []string{filepath.Join(dir, db)}, ck, opts)
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Error != sc.code {
				t.Fatalf("error %d, want %d: %s", p.Error, sc.code, p.Message)
			}
			if p.Error != 0 && p.Message == "" {
				t.Error("error without message")
			}
			if sc.action != "" && (len(p.Databases) == 0 || p.Databases[0].Action != sc.action) {
				t.Errorf("databases %+v, want action %s", p.Databases, sc.action)
			}
			if sc.start != nil && p.Start != *sc.start {
				t.Errorf("start %s, want %s", p.Start, *sc.start)
			}
			if sc.logs != nil && !sameLogs(p.Logs, sc.logs) {
				t.Errorf("logs %+v, want %+v", p.Logs, sc.logs)
			}
			if sc.check != nil {
				sc.check(t, p)
			}
		})
	}
}

func hasEvent(p *Plan, k EventKind) bool {
	for _, e := range p.Events {
		if e.Kind == k {
			return true
		}
	}
	return false
}

func TestPlanEventsToSlog(t *testing.T) {
	dir := testcorpus.Path(t, dirtySRUM)
	var buf bytes.Buffer
	lg := slog.New(slog.NewJSONHandler(&buf, nil))
	var n int
	p, err := PlanSoftDir(context.Background(), dir, []string{filepath.Join(dir, "SRUDB.dat")}, CheckpointSource{Find: true}, &Options{Logger: lg, OnEvent: func(Event) { n++ }})
	if err != nil || p.Error != 0 {
		t.Fatal(err, p.Message)
	}
	out := buf.String()
	for _, want := range []string{`"kind":"plan-log"`, `recovery will replay log file SRU00051.log`, `"kind":"start"`} {
		if !strings.Contains(out, want) {
			t.Errorf("slog output lacks %s", want)
		}
	}
	if n != len(p.Events) || n == 0 {
		t.Errorf("%d callbacks, %d events", n, len(p.Events))
	}
}

func TestBackupAnswers(t *testing.T) {
	dir := testcorpus.Path(t, dirtySRUM)
	set, err := eselog.ScanDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(filepath.Join(dir, "SRUDB.dat"))
	defer f.Close()
	c, err := ese.ReadDBHeader(f)
	if err != nil {
		t.Fatal(err)
	}
	h := *c.Header
	if a := IncrementalBackup(set, &h); a.Error != ese.ErrMissingFullBackup {
		t.Errorf("no full backup: %+v", a)
	}
	h.PrevFullBackup.GenLow, h.PrevFullBackup.GenHigh = 0x4c, 0x4f
	a := IncrementalBackup(set, &h)
	if a.Error != 0 || a.Since != 0x50 || a.Through != 0x52 || !slices.Equal(a.Logs, []string{"SRU00050.log", "SRU00051.log", "SRU.log"}) {
		t.Errorf("incremental: %+v", a)
	}
	h.PrevIncBackup.GenHigh = 0x50
	if a := IncrementalBackup(set, &h); a.Since != 0x51 || len(a.Logs) != 2 {
		t.Errorf("after an incremental: %+v", a)
	}
	// KB Q245211: a required log is gone.
	d2 := testcorpus.CopySet(t, dirtySRUM, "SRU00051.log")
	set2, _ := eselog.ScanDir(d2, nil)
	if a := IncrementalBackup(set2, &h); a.Error != ese.ErrMissingLogFile || !slices.Equal(a.Missing, []ese.Generation{0x51}) {
		t.Errorf("missing log: %+v", a)
	}
	// Truncation: below the checkpoint (0x51) and the database's minimum
	// required generation (0x51).
	if got := TruncatableLogs(set, 0x51, c.Header); !slices.Equal(got, []string{"SRU0004E.log", "SRU0004F.log", "SRU00050.log"}) {
		t.Errorf("truncatable %v", got)
	}
	h2 := *c.Header
	h2.GenMinRequired = 0x4f
	if got := TruncatableLogs(set, 0x51, &h2); !slices.Equal(got, []string{"SRU0004E.log"}) {
		t.Errorf("truncatable with an older requirement %v", got)
	}
	if got := TruncatableLogs(set, 0); len(got) != 0 {
		t.Errorf("zero checkpoint: %v", got)
	}
}

func TestPlanRefusesBadInput(t *testing.T) {
	if _, err := PlanSoft(context.Background(), SoftInput{}, nil); err == nil {
		t.Error("nil input accepted")
	}
	if _, err := PlanHard(context.Background(), HardInput{}, nil); err == nil {
		t.Error("no restore folder accepted")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x.edb"), make([]byte, 8192), 0o644)
	if _, err := PlanSoftDir(context.Background(), dir, []string{filepath.Join(dir, "x.edb")}, CheckpointSource{}, nil); !errors.Is(err, ese.ErrDatabaseCorrupted) {
		t.Errorf("zero database: %v", err)
	}
}

func TestPlanHardKey(t *testing.T) {
	dir := testcorpus.Path(t, "wlm-danyquenneville-backup")
	f, err := os.Open(filepath.Join(dir, "WindowsMail.MSMessageStore"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in := &HardInput{Restore: os.DirFS(dir), Databases: []DatabaseFile{{Name: filepath.Join(dir, "WindowsMail.MSMessageStore"), R: f}}}
	k := &rip.Key{LowLog: 1, HighLog: 1, RstMap: []string{`C:\Users\x\AppData\Local\Microsoft\Windows Live Mail\Backup\new\WindowsMail.MSMessageStore`, `WindowsMail.MSMessageStore`}, RstMapSize: 1}
	p, err := PlanHardKey(context.Background(), k, *in, []string{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Error != 0 || p.Mode != ModeHard || len(p.Logs) != 1 || !p.Logs[0].NeedsPatch {
		t.Errorf("key plan: %d %s %+v", p.Error, p.Message, p.Logs)
	}
	if p.PatchRange == nil || *p.PatchRange != (eselog.GenRange{Low: 1, High: 1}) || p.PatchFiles != 1 {
		t.Errorf("patch range %v files %d", p.PatchRange, p.PatchFiles)
	}
	// LowLog above the logs restored.
	k2 := *k
	k2.LowLog, k2.HighLog = 2, 3
	if p, _ := PlanHardKey(context.Background(), &k2, *in, []string{dir}, nil); p.Error != ese.ErrMissingRestoreLogFiles {
		t.Errorf("LowLog 2: %d %s", p.Error, p.Message)
	}
	// A hostile EDB_RstMap is refused before planning.
	k3 := *k
	k3.RstMap = []string{`C:\x.edb`, `..\..\x.edb`}
	if _, err := PlanHardKey(context.Background(), &k3, *in, []string{dir}, nil); !errors.Is(err, ErrUnsafePath) {
		t.Errorf("hostile map: %v", err)
	}
	// "EDB Database recovered" = 01: the key is deleted, not obeyed.
	k4 := *k
	k4.Recovered = true
	if p, _ := PlanHardKey(context.Background(), &k4, *in, []string{dir}, nil); p.Mode != ModeSoft || len(p.Logs) != 0 {
		t.Errorf("recovered key: %+v", p)
	}
}

func TestPlanEndsAndFolders(t *testing.T) {
	dir := testcorpus.Path(t, dirtySRUM)
	p, err := PlanSoftDir(context.Background(), dir, []string{filepath.Join(dir, "SRUDB.dat")}, CheckpointSource{Find: true}, nil)
	if err != nil || p.Error != 0 {
		t.Fatal(err, p.Message)
	}
	f, _ := os.Open(filepath.Join(dir, "SRU.log"))
	defer f.Close()
	st, _ := f.Stat()
	l, err := eselog.Open(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	// SRU.log holds no record yet: the engine's end is its first data
	// segment, (0x52,1,0).
	if p.End != l.End || p.End != (ese.LogPos{Generation: 0x52, Sector: 1}) {
		t.Errorf("end %s, SRU.log ends at %s", p.End, l.End)
	}
	t.Run("wlm-danyquenneville-backup", func(t *testing.T) {
		// The WLM backup's legacy log ends at (0x1,3,0).
		wdir := testcorpus.Path(t, "wlm-danyquenneville-backup")
		wf, _ := os.Open(filepath.Join(wdir, "WindowsMail.MSMessageStore"))
		defer wf.Close()
		hp, err := PlanHard(context.Background(), HardInput{Restore: os.DirFS(wdir), Databases: []DatabaseFile{{Name: "WindowsMail.MSMessageStore", R: wf}}}, nil)
		if err != nil || hp.End != (ese.LogPos{Generation: 1, Sector: 3}) || hp.Start != (ese.LogPos{Generation: 1, Sector: 1}) {
			t.Errorf("hard start %s end %s (%v)", hp.Start, hp.End, err)
		}
	})
	// Logs gathered from two folders (KB Q296787, roll-forward step 5).
	a := testcorpus.CopySet(t, dirtySRUM, "SRU0004E.log", "SRU0004F.log", "SRU00050.log")
	b := testcorpus.CopySet(t, dirtySRUM, "SRU.log", "SRU00051.log", "SRUDB.dat", "SRU.chk")
	db, _ := os.Open(filepath.Join(a, "SRUDB.dat"))
	defer db.Close()
	var shadowed bool
	p, err = PlanSoft(context.Background(), SoftInput{Logs: os.DirFS(a), MoreLogs: []fs.FS{os.DirFS(b)}, Databases: []DatabaseFile{{Name: filepath.Join(a, "SRUDB.dat"), R: db}}}, &Options{OnEvent: func(e Event) {
		if e.Kind == EventLogProblem && strings.Contains(e.Message, "more than one log folder") {
			shadowed = true
		}
	}})
	if err != nil || p.Error != 0 || len(p.Logs) != 5 || p.Logs[0].Generation != 0x4e {
		t.Fatalf("two folders: %v %d %s %+v", err, p.Error, p.Message, p.Logs)
	}
	if !shadowed {
		t.Error("no event for the names both folders hold (SRUtmp.log, reserve logs)")
	}
}

// Hard recovery continues into logs already on disk after the backup set
// (no patch data for them); a gap there is -565.
func TestPlanHardTargetLogs(t *testing.T) {
	rdir := testcorpus.Path(t, "wlm-danyquenneville-backup")
	back := testcorpus.Read(t, "wlm-danyquenneville-backup/edb00001.log")
	// A generation 2 of the backup's stream, made from a real legacy log
	// of the same format by giving it the stream's signature and chain.
	mk := func(gen ese.Generation) []byte {
		b := testcorpus.Read(t, "wlm-kimberli13/edb00001.log")
		editHeaderBytes(b, func(h []byte) {
			bin.PutI32(h, 4, int32(gen))
			copy(h[44:72], back[44:72]) // log signature
			copy(h[24:32], back[16:24]) // previous generation's creation time
		})
		return b
	}
	plan := func(target fs.FS) *Plan {
		f, _ := os.Open(filepath.Join(rdir, "WindowsMail.MSMessageStore"))
		defer f.Close()
		p, err := PlanHard(context.Background(), HardInput{Restore: os.DirFS(rdir), Target: target, Databases: []DatabaseFile{{Name: "WindowsMail.MSMessageStore", R: f}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	tgt := t.TempDir()
	os.WriteFile(filepath.Join(tgt, "edb.log"), mk(2), 0o644)
	// The body's LRCHECKSUM chain belongs to generation 1 of another
	// stream, so the engine finds the log corrupt: after the backup set
	// that is -574.
	if p := plan(os.DirFS(tgt)); p.Error != ese.ErrLogCorruptDuringHardRecovery {
		t.Errorf("synthesized log body: %d %s", p.Error, p.Message)
	}
	// Headers alone (a file system without random access skips body
	// checks): the log on disk continues the backup set, without patch data.
	p := plan(headersOnly{os.DirFS(tgt)})
	if p.Error != 0 || !sameLogs(p.Logs, []PlanLog{{File: "edb00001.log", Generation: 1, FromBackup: true, NeedsPatch: true}, {File: "edb.log", Generation: 2}}) {
		t.Errorf("with a log on disk: %d %s %+v", p.Error, p.Message, p.Logs)
	}
	if len(p.Databases) != 1 || p.Databases[0].ReplayTo != 2 {
		t.Errorf("databases %+v", p.Databases)
	}
	tgt2 := t.TempDir()
	os.WriteFile(filepath.Join(tgt2, "edb.log"), mk(3), 0o644)
	if p := plan(headersOnly{os.DirFS(tgt2)}); p.Error != ese.ErrMissingCurrentLogFiles {
		t.Errorf("gap after the backup set: %d %s", p.Error, p.Message)
	}
}

// headersOnly gives files whose bodies cannot be read: only the log
// headers (the first 4 KiB) are there, so the planner cannot check the
// bodies and decides from the headers alone.
type headersOnly struct{ fsys fs.FS }

func (h headersOnly) Open(name string) (fs.File, error) {
	f, err := h.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	ra, ok := f.(io.ReaderAt)
	if !ok {
		return f, nil
	}
	return headerFile{f, ra}, nil
}

func (h headersOnly) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(h.fsys, name) }

type headerFile struct {
	fs.File
	ra io.ReaderAt
}

func (f headerFile) ReadAt(b []byte, off int64) (int, error) {
	if off+int64(len(b)) > 4096 {
		return 0, errors.New("body not readable")
	}
	return f.ra.ReadAt(b, off)
}
