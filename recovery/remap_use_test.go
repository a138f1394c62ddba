package recovery

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esepatch"
)

// TestRestoreMapEmptySource: an entry with no source path is refused when
// the map is built, from pairs or from EDB_RstMap lines.
func TestRestoreMapEmptySource(t *testing.T) {
	tgt := t.TempDir()
	for _, from := range []string{"", "   ", `\`, `\\`, "/"} {
		_, err := NewRestoreMap([]string{tgt}, MapEntry{From: `C:\ok.edb`, To: "ok.edb"}, MapEntry{From: from, To: "x.edb"})
		if !errors.Is(err, ese.ErrInvalidParameter) || !strings.Contains(err.Error(), "entry 2") || !strings.Contains(err.Error(), "empty source") {
			t.Errorf("source %q: %v", from, err)
		}
	}
	if _, err := RestoreMapFromRstMap([]string{"", `D:\new\PRIV.EDB`}, []string{tgt}); !errors.Is(err, ese.ErrInvalidParameter) {
		t.Errorf("EDB_RstMap with an empty before line: %v", err)
	}
}

// TestRestoreMapUse: Use marks the entries logged paths resolve through,
// by Lookup's rules (exact, then longest trailing match), each logged
// path once.
func TestRestoreMapUse(t *testing.T) {
	m, err := NewRestoreMap([]string{t.TempDir()},
		MapEntry{From: `C:\Windows\System32\sru\SRUDB.dat`, To: "SRUDB.dat"},
		MapEntry{From: `MDBDATA\PRIV.EDB`, To: "PRIV.EDB"},
		MapEntry{From: `D:\never\x.edb`, To: "x.edb"})
	if err != nil {
		t.Fatal(err)
	}
	use := m.Use([]string{`c:\windows\system32\SRU\srudb.DAT`, `E:\exchsrvr\MDBDATA\PRIV.EDB`, `C:\Windows\System32\sru\SRUDB.dat`, `F:\other.edb`})
	if len(use) != 3 || !use[0].Used || len(use[0].Logged) != 1 || !use[1].Used || use[1].Logged[0] != `E:\exchsrvr\MDBDATA\PRIV.EDB` || use[2].Used {
		t.Errorf("use %+v", use)
	}
	if (*RestoreMap)(nil).Use([]string{"x"}) != nil {
		t.Error("nil map reports entries")
	}
}

// TestPlanReportsRestoreMapUse: planning the generated backup set with a
// restore map reports each entry, used (it renames the path the sample's
// logs attach) or unused, in the plan and as map-entry events; so does
// soft planning of the same logs.
func TestPlanReportsRestoreMapUse(t *testing.T) {
	s := newSampleBackup(t)
	const logged = `C:\Windows\System32\sru\SRUDB.dat`
	m, err := NewRestoreMap([]string{t.TempDir()}, MapEntry{From: logged, To: "SRUDB.dat"}, MapEntry{From: `D:\x.edb`, To: "x.edb"})
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, p *Plan) {
		t.Helper()
		if p.Error != 0 {
			t.Fatalf("%s: %v", name, p.Err())
		}
		if len(p.RestoreMap) != 2 || !p.RestoreMap[0].Used || !strings.EqualFold(p.RestoreMap[0].Logged[0], logged) || p.RestoreMap[1].Used {
			t.Errorf("%s: restore map %+v", name, p.RestoreMap)
		}
		var msgs []string
		for _, e := range p.Events {
			if e.Kind == EventMapEntry {
				msgs = append(msgs, e.Message)
			}
		}
		if len(msgs) != 2 || !strings.Contains(msgs[0], "is used: it renames") || !strings.Contains(msgs[1], `D:\x.edb = x.edb is unused`) {
			t.Errorf("%s: events %q", name, msgs)
		}
	}
	fsys := s.Folder(esepatch.FormMarkerTrailer)
	hp, err := PlanHard(context.Background(), HardInput{Restore: fsys, Databases: []DatabaseFile{{Name: sampleDB, R: bytes.NewReader(s.DB)}}}, &Options{RestoreMap: m})
	if err != nil {
		t.Fatal(err)
	}
	check("hard", hp)
	db := readSample(t, sampleDB)
	sp, err := PlanSoft(context.Background(), SoftInput{Logs: s.Logs, Databases: []DatabaseFile{{Name: sampleDB, R: bytes.NewReader(db)}}}, &Options{RestoreMap: m})
	if err != nil {
		t.Fatal(err)
	}
	check("soft", sp)
	// Without a map nothing is reported.
	if p, _ := PlanHard(context.Background(), HardInput{Restore: fsys, Databases: []DatabaseFile{{Name: sampleDB, R: bytes.NewReader(s.DB)}}}, nil); len(p.RestoreMap) != 0 {
		t.Errorf("map use without a map: %+v", p.RestoreMap)
	}
}
