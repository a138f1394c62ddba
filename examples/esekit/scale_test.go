package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/internal/scalegen"
)

// The CI version of the 10,000-log scale run: check on a generated folder
// of 200 chained logs reports generations 1-200, the current log edb.log
// at 200, a replay of every log and no error.
func TestCheckGeneratedFolder(t *testing.T) {
	dir := t.TempDir()
	if err := scalegen.LogFolder(dir, scalegen.LogSpec{Logs: 200}); err != nil {
		t.Fatal(err)
	}
	var c struct {
		checkOut
		Problems []any
		Replay   struct {
			Start, End int32
			Files      []string
			Error      int32
		}
	}
	code, _ := runJSON(t, &c, "check", "-json", dir)
	if code != exitOK || c.Error != 0 || len(c.Generations) != 200 || c.Generations[199] != 200 || len(c.Gaps) != 0 ||
		len(c.Problems) != 0 || c.Current == nil || c.Current.File != "edb.log" || c.Current.Generation != 200 {
		t.Fatalf("exit %d: error %d, %d generations, gaps %v, problems %v, current %+v", code, c.Error, len(c.Generations), c.Gaps, c.Problems, c.Current)
	}
	if r := c.Replay; r.Start != 1 || r.End != 200 || len(r.Files) != 200 || r.Error != 0 {
		t.Errorf("replay %d-%d, %d files, error %d", r.Start, r.End, len(r.Files), r.Error)
	}
}

// The CI version of the whole-file verify scale run: a generated database
// of 500 pages of 8 KiB verifies with every page good, and verify opens
// its input unmapped even above the mapping threshold.
func TestVerifyGeneratedDatabase(t *testing.T) {
	p := filepath.Join(t.TempDir(), "gen.edb")
	if err := scalegen.Database(p, scalegen.DBSpec{Pages: 500}); err != nil {
		t.Fatal(err)
	}
	old := mmapMin
	mmapMin = 0
	defer func() { mmapMin = old }()
	in, c, err := openFile(p, false)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, ok := in.r.(*os.File); !ok {
		t.Errorf("unmapped input is a %T", in.r)
	}
	var v []map[string]any
	code, _ := runJSON(t, &v, "verify", "-json", p)
	if code != exitOK || v[0]["ok"] != true || v[0]["pages"] != float64(500) || v[0]["good"] != float64(500) || v[0]["page_size"] != float64(8192) {
		t.Errorf("exit %d: %v", code, v[0])
	}
}
