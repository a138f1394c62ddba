package recovery

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/testcorpus"
)

func actionFiles(p *Procedure) []string {
	var out []string
	for _, a := range p.Actions {
		out = append(out, a.Op+":"+a.File+">"+a.To)
	}
	return out
}

func countFiles(t *testing.T, dir string) int {
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}

func TestRollForwardScenarios(t *testing.T) {
	const wlm = "wlm-kimberli13"
	db := "WindowsMail.MSMessageStore"
	cp := func(from, to string) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			b, err := os.ReadFile(filepath.Join(dir, from))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, to), b, 0o644)
		}
	}
	for _, sc := range []struct {
		name     string
		set      string
		skip     []string
		edit     func(*testing.T, string)
		possible bool
		code     ese.Error
		actions  []string
	}{
		{name: "anchor is the current log", set: wlm, possible: true,
			actions: []string{"move-aside:edb00001.log>esekit-aside/edb00001.log"}},
		{name: "anchor log missing", set: wlm, skip: []string{"edb.log"}, code: ese.ErrMissingLogFile},
		{name: "current log renamed: highest becomes edb.log", set: wlm, edit: func(t *testing.T, d string) {
			os.Rename(filepath.Join(d, "edb.log"), filepath.Join(d, "edb00002.log"))
		}, possible: true, actions: []string{"move-aside:edb00001.log>esekit-aside/edb00001.log", "rename:edb00002.log>edb.log"}},
		{name: "foreign log moved aside", set: wlm, edit: func(t *testing.T, d string) {
			os.WriteFile(filepath.Join(d, "edb0000D.log"), testcorpus.Read(t, "appdata/edb0000D.log"), 0o644)
		}, possible: true, actions: []string{"move-aside:edb00001.log>esekit-aside/edb00001.log", "move-aside:edb0000D.log>esekit-aside/edb0000D.log"}},
		{name: "current log duplicates the highest numbered", set: wlm, edit: cp("edb.log", "edb00002.log"), possible: true,
			actions: []string{"move-aside:edb00001.log>esekit-aside/edb00001.log", "move-aside:edb.log>esekit-aside/edb.log", "rename:edb00002.log>edb.log"}},
		{name: "misnamed log moved aside", set: wlm, edit: cp("edb00001.log", "edb00007.log"), possible: true,
			actions: []string{"move-aside:edb00001.log>esekit-aside/edb00001.log", "move-aside:edb00007.log>esekit-aside/edb00007.log"}},
		{name: "logs above the current log are a ceiling", set: wlm, edit: func(t *testing.T, d string) {
			b, _ := os.ReadFile(filepath.Join(d, "edb00001.log"))
			editHeaderBytes(b, func(h []byte) { h[4] = 3 })
			os.WriteFile(filepath.Join(d, "edb00003.log"), b, 0o644)
		}, possible: true, actions: []string{"move-aside:edb00001.log>esekit-aside/edb00001.log", "move-aside:edb00003.log>esekit-aside/edb00003.log"}},
		{name: "circular logging: roll forward impossible", set: dirtySRUM, possible: false, code: 0},
		{name: "anchor log of another stream", set: wlm, skip: []string{"edb.log"}, edit: func(t *testing.T, d string) {
			b := testcorpus.Read(t, "appdata/edb0000D.log")
			editHeaderBytes(b, func(h []byte) { h[4] = 2; h[5], h[6], h[7] = 0, 0, 0 })
			os.WriteFile(filepath.Join(d, "edb00002.log"), b, 0o644)
		}, code: ese.ErrBadLogSignature},
	} {
		t.Run(sc.name, func(t *testing.T) {
			dir := testcorpus.CopySet(t, sc.set, sc.skip...)
			if sc.edit != nil {
				sc.edit(t, dir)
			}
			dbName := db
			if sc.set == dirtySRUM {
				dbName = "SRUDB.dat"
			}
			checkRollForward(t, dir, dbName, sc.possible, sc.code, sc.actions)
		})
	}
}

// checkRollForward plans the roll-forward of database dbName in dir and
// checks the verdict (possible, error code) and the actions (when not
// nil); a possible procedure is applied: nothing is deleted and the
// folder ends with an edb.log, an impossible one refuses to apply.
func checkRollForward(t *testing.T, dir, dbName string, possible bool, code ese.Error, actions []string) {
	t.Helper()
	p, err := PlanRollForward(dir, []string{filepath.Join(dir, dbName)})
	if err != nil {
		t.Fatal(err)
	}
	if p.Possible != possible || p.Error != code {
		t.Fatalf("possible %v error %d: %s", p.Possible, p.Error, p.Message)
	}
	if actions != nil && !slices.Equal(actionFiles(p), actions) {
		t.Errorf("actions %q, want %q", actionFiles(p), actions)
	}
	if !p.Possible {
		if _, err := p.Apply(nil); err == nil {
			t.Error("an impossible procedure applied")
		}
		return
	}
	before := countFiles(t, dir)
	if _, err := p.Apply(nil); err != nil {
		t.Fatal(err)
	}
	if after := countFiles(t, dir); after != before {
		t.Errorf("%d files before, %d after: something was deleted", before, after)
	}
	// After the procedure the folder is a replayable series named
	// as KB Q296787's roll-forward step 10 wants: the highest log is edb.log.
	if _, err := os.Stat(filepath.Join(dir, "edb.log")); err != nil {
		t.Errorf("no edb.log after the procedure")
	}
}

func editHeaderBytes(b []byte, fn func([]byte)) {
	fn(b[:4096])
	sum := ese.HeaderChecksum(b[:4096])
	b[0], b[1], b[2], b[3] = byte(sum), byte(sum>>8), byte(sum>>16), byte(sum>>24)
}

func TestApplyResumesAndRefuses(t *testing.T) {
	checkApplyResumesAndRefuses(t, func(t *testing.T) string { return testcorpus.CopySet(t, "wlm-kimberli13") }, "WindowsMail.MSMessageStore")
}

// checkApplyResumesAndRefuses applies the roll-forward of database db in
// folders newSet makes (logs edb00001.log and edb.log): interrupted and
// resumed, run twice, refused after a file changed or with an action
// that leaves the folder.
func checkApplyResumesAndRefuses(t *testing.T, newSet func(*testing.T) string, db string) {
	t.Helper()
	dir := newSet(t)
	os.Rename(filepath.Join(dir, "edb.log"), filepath.Join(dir, "edb00002.log"))
	p, err := PlanRollForward(dir, []string{filepath.Join(dir, db)})
	if err != nil || !p.Possible || len(p.Actions) != 2 {
		t.Fatalf("%v %+v", err, p)
	}
	// Half-applied: the first step was done by hand (or by a run that was
	// interrupted).
	os.MkdirAll(filepath.Join(dir, AsideDir), 0o755)
	if err := os.Rename(filepath.Join(dir, "edb00001.log"), filepath.Join(dir, AsideDir, "edb00001.log")); err != nil {
		t.Fatal(err)
	}
	res, err := p.Apply(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Already) != 1 || len(res.Done) != 1 || res.Done[0].Op != OpRename {
		t.Errorf("resume: already %d done %d", len(res.Already), len(res.Done))
	}
	// Running it again finds everything done and changes nothing.
	res, err = p.Apply(nil)
	if err != nil || len(res.Already) != 2 || len(res.Done) != 0 {
		t.Errorf("second run: %v %+v", err, res)
	}

	// A file changed after planning: the list is refused, nothing moves.
	dir = newSet(t)
	p, _ = PlanRollForward(dir, []string{filepath.Join(dir, db)})
	f, _ := os.OpenFile(filepath.Join(dir, "edb00001.log"), os.O_WRONLY, 0)
	f.WriteAt([]byte{1}, 100)
	f.Close()
	if _, err := p.Apply(nil); !errors.Is(err, ErrPrecondition) {
		t.Errorf("changed file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "edb00001.log")); err != nil {
		t.Error("a refused list moved a file")
	}
	// A hostile action list is refused before anything runs.
	p.Actions = []Action{{Op: OpMoveAside, File: "edb.log", To: "../escape.log"}}
	if _, err := p.Apply(nil); !errors.Is(err, ErrUnsafePath) {
		t.Errorf("escaping action: %v", err)
	}
}

// TestApplyCompletesInterruptedRename: steps rename without replacing
// (outfile.Rename links the new name, then removes the old one); a run
// killed between the two leaves both names on the file, and the next run
// completes the step instead of refusing the list.
func TestApplyCompletesInterruptedRename(t *testing.T) {
	dir := testcorpus.CopySet(t, "wlm-kimberli13")
	os.Rename(filepath.Join(dir, "edb.log"), filepath.Join(dir, "edb00002.log"))
	p, err := PlanRollForward(dir, []string{filepath.Join(dir, "WindowsMail.MSMessageStore")})
	if err != nil || !p.Possible || len(p.Actions) != 2 {
		t.Fatalf("%v %+v", err, p)
	}
	os.MkdirAll(filepath.Join(dir, AsideDir), 0o755)
	if err := os.Link(filepath.Join(dir, "edb00001.log"), filepath.Join(dir, AsideDir, "edb00001.log")); err != nil {
		t.Skip(err)
	}
	res, err := p.Apply(nil)
	if err != nil || len(res.Done) != 2 {
		t.Fatalf("%v %+v", err, res)
	}
	if _, err := os.Lstat(filepath.Join(dir, "edb00001.log")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the old name is left (%v)", err)
	}
}

// TestApplyRefusesLinkedFolder: a step's folder (the aside folder) that
// is a symbolic link out of the folder is refused and nothing moves
// through it.
func TestApplyRefusesLinkedFolder(t *testing.T) {
	dir := testcorpus.CopySet(t, "wlm-kimberli13")
	os.Rename(filepath.Join(dir, "edb.log"), filepath.Join(dir, "edb00002.log"))
	p, err := PlanRollForward(dir, []string{filepath.Join(dir, "WindowsMail.MSMessageStore")})
	if err != nil || !p.Possible {
		t.Fatalf("%v %+v", err, p)
	}
	elsewhere := t.TempDir()
	if err := os.Symlink(elsewhere, filepath.Join(dir, AsideDir)); err != nil {
		t.Skip(err)
	}
	if _, err := p.Apply(nil); !errors.Is(err, ErrUnsafePath) {
		t.Errorf("aside folder linked out: %v, want ErrUnsafePath", err)
	}
	if ents, _ := os.ReadDir(elsewhere); len(ents) != 0 {
		t.Errorf("%d files moved out of the folder", len(ents))
	}
}

func TestPointInTime(t *testing.T) {
	checkPointInTime(t, testcorpus.CopySet(t, "appdata"), "IndexedDB.edb",
		[]string{"edb.chk", "edb.log", "edb0000D.log", "edbres00001.jrs", "edbres00002.jrs", "edbtmp.log"})
}

// checkPointInTime plans the point-in-time procedure of folder dir: every
// file but the database db (want, sorted) is moved aside, nothing deleted.
func checkPointInTime(t *testing.T, dir, db string, want []string) {
	t.Helper()
	p, err := PlanPointInTime(dir)
	if err != nil {
		t.Fatal(err)
	}
	var moved []string
	for _, a := range p.Actions {
		moved = append(moved, a.File)
	}
	slices.Sort(moved)
	if !slices.Equal(moved, want) {
		t.Errorf("moved %q, want %q", moved, want)
	}
	before := countFiles(t, dir)
	if _, err := p.Apply(nil); err != nil {
		t.Fatal(err)
	}
	if countFiles(t, dir) != before {
		t.Error("files deleted")
	}
	if _, err := os.Stat(filepath.Join(dir, db)); err != nil {
		t.Error("database moved")
	}
}

func BenchmarkPlanSoftDirtySRUM(b *testing.B) {
	dir := testcorpus.Path(b, dirtySRUM)
	dbs := []string{filepath.Join(dir, "SRUDB.dat")}
	for b.Loop() {
		if p, err := PlanSoftDir(context.Background(), dir, dbs, CheckpointSource{Find: true}, nil); err != nil || p.Error != 0 {
			b.Fatal(err, p.Message)
		}
	}
}

// A procedure survives a trip through JSON (a CLI prints it, a person
// reviews it, the CLI applies it later).
func TestProcedureJSON(t *testing.T) {
	dir := testcorpus.CopySet(t, "wlm-kimberli13")
	checkProcedureJSON(t, dir, "WindowsMail.MSMessageStore")
}

// checkProcedureJSON plans the roll-forward of database db in dir (one
// action), sends it through JSON and applies the copy.
func checkProcedureJSON(t *testing.T, dir, db string) {
	t.Helper()
	p, err := PlanRollForward(dir, []string{filepath.Join(dir, db)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var q Procedure
	if err := json.Unmarshal(b, &q); err != nil {
		t.Fatal(err)
	}
	if q.Actions[0].Want.Head == "" || q.Actions[0].Want != p.Actions[0].Want {
		t.Fatalf("fingerprint lost: %+v", q.Actions[0].Want)
	}
	res, err := q.Apply(nil)
	if err != nil || len(res.Done) != 1 {
		t.Errorf("apply from JSON: %v %+v", err, res)
	}
}
