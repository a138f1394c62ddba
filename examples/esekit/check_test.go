package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/internal/testcorpus"
)

type checkOut struct {
	File        string `json:"file"`
	Type        string `json:"type"`
	Generations []int32
	Gaps        []struct{ Low, High int32 }
	Foreign     []string
	Current     *struct {
		File       string
		Generation int32
	}
	Circular      bool
	DeletableLogs []int32 `json:"deletable_logs"`
	Error         int32
	Databases     []struct {
		File       string
		Type       string
		State      string
		Required   struct{ Low, High int32 }
		Missing    []int32
		Replayable bool
		Error      int32
		AnchorLog  string `json:"anchor_log"`
	}
}

func TestCheckDirtySRUM(t *testing.T) {
	dir := filepath.Dir(testcorpus.Path(t, "museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRUDB.dat"))
	var c checkOut
	code, _ := runJSON(t, &c, "check", "-json", dir)
	if code != exitOK || c.Error != 0 {
		t.Fatalf("status %d error %d", code, c.Error)
	}
	if len(c.Generations) != 5 || c.Generations[0] != 0x4E || c.Generations[4] != 0x52 || len(c.Gaps) != 0 || len(c.Foreign) != 0 {
		t.Errorf("generations %x gaps %v foreign %v", c.Generations, c.Gaps, c.Foreign)
	}
	if len(c.DeletableLogs) != 3 || c.DeletableLogs[0] != 0x4E || c.DeletableLogs[2] != 0x50 {
		t.Errorf("deletable logs %x, want 4e-50 (checkpoint at 0x51)", c.DeletableLogs)
	}
	if c.Current == nil || filepath.Base(c.Current.File) != "SRU.log" || c.Current.Generation != 0x52 || !c.Circular {
		t.Errorf("current %+v circular %v", c.Current, c.Circular)
	}
	if len(c.Databases) != 1 {
		t.Fatalf("%d databases", len(c.Databases))
	}
	d := c.Databases[0]
	if d.State != "DirtyShutdown" || d.Required.Low != 0x51 || d.Required.High != 0x51 || !d.Replayable || d.Error != 0 || len(d.Missing) != 0 || d.AnchorLog != "SRU00051.log" {
		t.Errorf("database verdict %+v", d)
	}
}

func TestCheckAppdataForeign(t *testing.T) {
	dir := filepath.Dir(testcorpus.Path(t, "appdata/edb.log"))
	var c checkOut
	code, _ := runJSON(t, &c, "check", "-json", dir)
	if code != exitOK {
		t.Errorf("status %d", code)
	}
	if len(c.Foreign) != 1 || filepath.Base(c.Foreign[0]) != "edb0000D.log" {
		t.Errorf("foreign %v", c.Foreign)
	}
	if len(c.Generations) != 1 || c.Generations[0] != 1 || c.Current == nil || c.Current.Generation != 1 {
		t.Errorf("generations %v current %+v", c.Generations, c.Current)
	}
}

// TestCheckQmgr: the BITS database needs generation 0x17 and its logs are
// absent: not replayable.
func TestCheckQmgr(t *testing.T) {
	db := testcorpus.Path(t, "goese-qmgr/qmgr.db")
	var c checkOut
	code, _ := runJSON(t, &c, "check", "-json", filepath.Dir(db), db)
	if code != exitBad || len(c.Databases) != 1 {
		t.Fatalf("status %d", code)
	}
	d := c.Databases[0]
	if d.Replayable || d.Error == 0 || d.Required.Low != 0x17 || len(d.Missing) != 1 || d.Missing[0] != 0x17 {
		t.Errorf("verdict %+v", d)
	}
	if c.Error != d.Error {
		t.Errorf("top-level error %d, database %d", c.Error, d.Error)
	}
}

// TestCheckMissingLog: the dirty SRUM set with the required log 0x51
// removed cannot be recovered.
func TestCheckMissingLog(t *testing.T) {
	src := filepath.Dir(testcorpus.Path(t, "museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRUDB.dat"))
	dir := t.TempDir()
	for _, n := range []string{"SRUDB.dat", "SRU.chk", "SRU.log", "SRU0004E.log", "SRU0004F.log", "SRU00050.log"} {
		b, err := os.ReadFile(filepath.Join(src, n))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, n), b, 0o644)
	}
	var c checkOut
	code, _ := runJSON(t, &c, "check", "-json", dir)
	if code != exitBad || len(c.Databases) != 1 {
		t.Fatalf("status %d", code)
	}
	d := c.Databases[0]
	if d.Replayable || d.Error != -528 {
		t.Errorf("verdict %+v, want error -528", d)
	}
	if len(c.Gaps) != 1 || c.Gaps[0].Low != 0x51 || c.Gaps[0].High != 0x51 {
		t.Errorf("gaps %v", c.Gaps)
	}
	code, out, _ := runText("check", dir)
	if code != exitBad || len(out) == 0 {
		t.Errorf("readable: %d", code)
	}
}
