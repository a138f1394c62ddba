package recovery

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/testcorpus"
)

const dirtySRUM = "museum-srum-win10-belkasoftctf-insiderthreat-dirty"

func TestPlanSoftDirtySRUM(t *testing.T) {
	dir := testcorpus.Path(t, dirtySRUM)
	var kinds []EventKind
	p, err := PlanSoftDir(context.Background(), dir, []string{filepath.Join(dir, "SRUDB.dat")}, CheckpointSource{Name: "SRU.chk"}, &Options{OnEvent: func(e Event) { kinds = append(kinds, e.Kind) }})
	if err != nil {
		t.Fatal(err)
	}
	if p.Error != 0 || p.Mode != ModeSoft {
		t.Fatalf("plan error %d: %s", p.Error, p.Message)
	}
	// The real SRU.chk: checkpoint (0x51,9,0) without attach list, so the
	// engine starts at the beginning of generation 0x51.
	if p.Start != (ese.LogPos{Generation: 0x51, Sector: 1}) || p.End.Generation != 0x52 {
		t.Errorf("start %s end %s", p.Start, p.End)
	}
	want := []PlanLog{{File: "SRU00051.log", Generation: 0x51}, {File: "SRU.log", Generation: 0x52}}
	if !sameLogs(p.Logs, want) {
		t.Errorf("logs %+v", p.Logs)
	}
	if len(p.Databases) != 1 || p.Databases[0].Action != ActionReplay || p.Databases[0].ReplayFrom != 0x51 || p.Databases[0].ReplayTo != 0x52 {
		t.Errorf("databases %+v", p.Databases)
	}
	if !slices.Contains(kinds, EventPlanLog) || !slices.Contains(kinds, EventStart) {
		t.Errorf("events %v", kinds)
	}
	// Without the checkpoint the engine starts at the lowest log, 0x4E.
	p, _ = PlanSoftDir(context.Background(), dir, []string{filepath.Join(dir, "SRUDB.dat")}, CheckpointSource{}, nil)
	if p.Error != 0 || p.Start != (ese.LogPos{Generation: 0x4e, Sector: 1}) || len(p.Logs) != 5 {
		t.Errorf("no checkpoint: start %s logs %d error %d", p.Start, len(p.Logs), p.Error)
	}
	// The database's own replay starts at its minimum required generation.
	if d := p.Databases[0]; d.ReplayFrom != 0x51 || d.ReplayTo != 0x52 {
		t.Errorf("no checkpoint: database range 0x%X-0x%X", d.ReplayFrom, d.ReplayTo)
	}
}

func TestPlanHardWLMBackup(t *testing.T) {
	dir := testcorpus.Path(t, "wlm-danyquenneville-backup")
	db := filepath.Join(dir, "WindowsMail.MSMessageStore")
	f, err := os.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := PlanHard(context.Background(), HardInput{Restore: os.DirFS(dir), Databases: []DatabaseFile{{Name: "WindowsMail.MSMessageStore", R: f}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Error != 0 || p.Mode != ModeHard {
		t.Fatalf("hard plan error %d: %s", p.Error, p.Message)
	}
	if !sameLogs(p.Logs, []PlanLog{{File: "edb00001.log", Generation: 1, FromBackup: true, NeedsPatch: true}}) {
		t.Errorf("logs %+v", p.Logs)
	}
	if len(p.Databases) != 1 || p.Databases[0].Patch != "WindowsMail.pat" || p.Databases[0].Action != ActionReplay {
		t.Errorf("databases %+v", p.Databases)
	}
	// The same set in soft recovery: edb.log is missing (-528); with it,
	// a backup copy is refused (-544).
	p, _ = PlanSoftDir(context.Background(), dir, []string{db}, CheckpointSource{}, nil)
	if p.Error != ese.ErrMissingLogFile {
		t.Errorf("soft plan of a backup set: %d %s", p.Error, p.Message)
	}
}

func TestRemapRefusesEscapes(t *testing.T) {
	tgt := t.TempDir()
	m, err := NewRestoreMap([]string{tgt})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{`..\..\etc\passwd`, `C:\data\..\..\x.edb`, `\\.\PhysicalDrive0`, `\\?\C:\x.edb`, "x\x00.edb",
		`C:\data\CON`, `C:\data\nul.edb`, `C:\data\x.edb:stream`, `\\server\share\x.edb`, `C:\`, ``, `..`, `C:\data\x.edb.`} {
		if p, err := m.Resolve(bad); err == nil {
			t.Errorf("%q resolved to %s", bad, p)
		} else if !errors.Is(err, ErrUnsafePath) {
			t.Errorf("%q: %v does not wrap ErrUnsafePath", bad, err)
		}
	}
	p, err := m.Resolve(`C:\Windows\System32\sru\SRUDB.dat`)
	if err != nil || p != filepath.Join(tgt, "SRUDB.dat") {
		t.Errorf("plain path: %s %v", p, err)
	}
	// Hostile restore maps are refused when built.
	for _, to := range []string{`..\x.edb`, "a/../../x.edb", "x\x00", `\\.\pipe\x`, `sub\CON`} {
		if _, err := NewRestoreMap([]string{tgt}, MapEntry{From: `C:\x.edb`, To: to}); !errors.Is(err, ErrUnsafePath) {
			t.Errorf("map to %q accepted (%v)", to, err)
		}
	}
	// Case-insensitive matching, longest trailing match, UNC map pairs.
	m, err = RestoreMapFromRstMap([]string{`\\OLDSERVER\c$\exchsrvr\MDBDATA\PRIV.EDB`, `\\NEWSERVER\d$\exchsrvr\MDBDATA\PRIV.EDB`,
		`\\OLDSERVER\c$\exchsrvr\MDBDATA\PUB.EDB`, `sub/pub.edb`}, []string{tgt})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := m.Resolve(`\\oldserver\C$\EXCHSRVR\mdbdata\priv.edb`); err != nil || p != filepath.Join(tgt, "PRIV.EDB") {
		t.Errorf("priv: %s %v", p, err)
	}
	if p, err := m.Resolve(`E:\exchsrvr\MDBDATA\PUB.EDB`); err != nil || p != filepath.Join(tgt, "sub", "pub.edb") {
		t.Errorf("pub by trailing match: %s %v", p, err)
	}
	if _, err := m.Resolve(`E:\other\dir.edb`); !errors.Is(err, ErrNotMapped) {
		t.Errorf("unmapped: %v", err)
	}
	if _, err := RestoreMapFromRstMap([]string{"a"}, []string{tgt}); err == nil || !strings.Contains(err.Error(), "pairs") {
		t.Errorf("odd RstMap: %v", err)
	}
}

// sameLogs compares plan logs by file, generation and backup flags.
func sameLogs(a, b []PlanLog) bool {
	return slices.EqualFunc(a, b, func(x, y PlanLog) bool {
		return x.File == y.File && x.Generation == y.Generation && x.FromBackup == y.FromBackup && x.NeedsPatch == y.NeedsPatch
	})
}

func TestPlanAttachments(t *testing.T) {
	dir := testcorpus.Path(t, dirtySRUM)
	p, err := PlanSoftDir(context.Background(), dir, []string{filepath.Join(dir, "SRUDB.dat")}, CheckpointSource{Find: true}, nil)
	if err != nil || p.Error != 0 {
		t.Fatal(err, p.Message)
	}
	if len(p.Logs) == 0 || len(p.Logs[0].Attaches) == 0 || !strings.EqualFold(winBase(p.Logs[0].Attaches[0]), "SRUDB.dat") {
		t.Errorf("SRU00051.log attaches %q", p.Logs[0].Attaches)
	}
	if !strings.EqualFold(winBase(p.Databases[0].LoggedPath), "SRUDB.dat") {
		t.Errorf("logged path %q", p.Databases[0].LoggedPath)
	}
	// Planned without its database: the logs attach one the plan does
	// not cover, which the engine would miss at the end (-1216).
	p, err = PlanSoftDir(context.Background(), dir, nil, CheckpointSource{Find: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range p.Events {
		if e.Kind == EventSkipped && e.Code == ese.ErrAttachedDatabaseMismatch {
			found = true
		}
	}
	if !found {
		t.Errorf("no event for the unplanned database: %+v", p.Events)
	}
}
