package recovery

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esepatch"
)

// The dirty SRUM sample (examples/esekit/testdata/sample): SRUDB.dat
// (3,211,264 bytes, DirtyShutdown, needs generation 0x51), SRU.chk (8,192
// bytes, checkpoint (0x51,9,0) without an attach list) and five 65,536-byte
// logs, SRU0004E.log-SRU00051.log and the current SRU.log (0x52). With the
// checkpoint soft recovery replays 0x51-0x52 from (0x51,1,0); without it,
// 0x4E-0x52. Either way the database comes out CleanShutdown at
// (0x52,1,31) after 273 records, 156 of them page records already on disk.

const (
	sampleLogBytes = 8192 + 5*65536 // the checkpoint and the logs
	sampleDBBytes  = 3211264
)

// sampleFolder writes the sample set to a new folder.
func sampleFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range sampleFiles {
		if err := os.WriteFile(filepath.Join(dir, n), readSample(t, n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// sampleMap is the sample set in memory, under prefix ("" for the top).
func sampleMap(t *testing.T, prefix string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	for _, n := range sampleFiles {
		m[prefix+n] = &fstest.MapFile{Data: readSample(t, n), Mode: 0o644}
	}
	return m
}

// sampleZip is the sample set as an archive/zip folder: its members give
// no random access.
func sampleZip(t *testing.T) *zip.Reader {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range sampleFiles {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(readSample(t, n))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	f, err := zr.Open("SRU.log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, ok := f.(io.ReaderAt); ok {
		t.Fatal("a zip member gives random access: the test needs one that does not")
	}
	return zr
}

// checkSamplePlan checks the plan of the sample with its checkpoint.
func checkSamplePlan(t *testing.T, p *Plan) {
	t.Helper()
	if p.Error != 0 || p.Start != (ese.LogPos{Generation: 0x51, Sector: 1}) || p.End != (ese.LogPos{Generation: 0x52, Sector: 1}) ||
		!sameLogs(p.Logs, []PlanLog{{File: "SRU00051.log", Generation: 0x51}, {File: "SRU.log", Generation: 0x52}}) ||
		len(p.Databases) != 1 || p.Databases[0].Action != ActionReplay || p.Databases[0].ReplayFrom != 0x51 || p.Databases[0].ReplayTo != 0x52 {
		t.Fatalf("plan: %v start %v end %v logs %+v databases %+v", p.Err(), p.Start, p.End, p.Logs, p.Databases)
	}
	if p.Inputs.Checkpoint == nil || p.Inputs.Checkpoint.Checkpoint != (ese.LogPos{Generation: 0x51, Sector: 9}) {
		t.Errorf("the plan does not keep the checkpoint: %+v", p.Inputs.Checkpoint)
	}
}

// recoverSamplePlan recovers p into out and returns the recovered
// database's bytes, checking the result.
func recoverSamplePlan(t *testing.T, p *Plan, out string) []byte {
	t.Helper()
	res, err := Recover(context.Background(), p, &RecoverOptions{OutDir: out})
	if err != nil {
		t.Fatalf("recover: %v", err)
	}
	d := res.Databases
	if len(d) != 1 || d[0].StateBefore != "DirtyShutdown" || d[0].StateAfter != "CleanShutdown" || d[0].Consistent != "(0x52,1,31)" ||
		d[0].LogsReplayed != 2 || d[0].RecordsSkipped != 156 || res.Records != 273 ||
		strings.Join(res.LogsReplayed, " ") != "SRU00051.log SRU.log" {
		t.Fatalf("result %+v, %d records, logs %v", d, res.Records, res.LogsReplayed)
	}
	b, err := os.ReadFile(filepath.Join(out, sampleDB))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRecoverAfterPlanSoftDir: the plan keeps its inputs, so Recover
// after PlanSoftDir needs only the output folder, which it creates
// (parents too). The checkpoint is found in the log folder by name
// (CheckpointSource.Find), or named, or left out.
func TestRecoverAfterPlanSoftDir(t *testing.T) {
	dir := sampleFolder(t)
	db := filepath.Join(dir, sampleDB)
	ctx := context.Background()
	p, err := PlanSoftDir(ctx, dir, []string{db}, CheckpointSource{Find: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkSamplePlan(t, p)
	out := filepath.Join(t.TempDir(), "new", "out")
	recoverSamplePlan(t, p, out)
	if st, err := os.Stat(out); err != nil || !st.IsDir() || st.Mode().Perm()&0o700 != 0o700 {
		t.Errorf("output folder: %v %v", st, err)
	}

	// The checkpoint named explicitly gives the same plan.
	p2, err := PlanSoftDir(ctx, dir, []string{db}, CheckpointSource{Name: "SRU.chk"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkSamplePlan(t, p2)
	// Without a checkpoint replay starts at the lowest log.
	p3, err := PlanSoftDir(ctx, dir, []string{db}, CheckpointSource{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p3.Start != (ese.LogPos{Generation: 0x4E, Sector: 1}) || len(p3.Logs) != 5 || p3.Inputs.Checkpoint != nil {
		t.Errorf("without a checkpoint: start %v, %d logs, checkpoint %+v", p3.Start, len(p3.Logs), p3.Inputs.Checkpoint)
	}
	// A checkpoint source that says two things, or FS without a name, is
	// refused.
	for _, ck := range []CheckpointSource{{Find: true, Name: "SRU.chk"}, {FS: os.DirFS(dir)}} {
		if _, err := PlanSoftDir(ctx, dir, []string{db}, ck, nil); err == nil {
			t.Errorf("%+v accepted", ck)
		}
	}
	// A missing named checkpoint is an error, not a silent none.
	if _, err := PlanSoftDir(ctx, dir, []string{db}, CheckpointSource{Name: "EDB.chk"}, nil); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing checkpoint: %v", err)
	}
}

// TestRecoverOutDirNotAFolder: an output path that is a file is refused
// before anything is written.
func TestRecoverOutDirNotAFolder(t *testing.T) {
	dir := sampleFolder(t)
	p, err := PlanSoftDir(context.Background(), dir, []string{filepath.Join(dir, sampleDB)}, CheckpointSource{Find: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, []byte("x"), 0o644)
	if _, err := Recover(context.Background(), p, &RecoverOptions{OutDir: file}); err == nil || !strings.Contains(err.Error(), "output folder") {
		t.Errorf("a file as the output folder: %v", err)
	}
	if b, _ := os.ReadFile(file); string(b) != "x" {
		t.Errorf("the file was changed: %q", b)
	}
}

// TestPlanFromFSForms: the same sample planned and recovered from a folder
// on disk, from memory (fstest.MapFS, whose files give random access),
// from a folder inside an fs.FS (fs.Sub) and from a zip archive (whose
// members do not, and are held in memory) gives the same plan and the
// same recovered bytes.
func TestPlanFromFSForms(t *testing.T) {
	ctx := context.Background()
	dir := sampleFolder(t)
	p, err := PlanSoftDir(ctx, dir, []string{filepath.Join(dir, sampleDB)}, CheckpointSource{Find: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := recoverSamplePlan(t, p, t.TempDir())

	nested, err := fs.Sub(sampleMap(t, "evidence/srum/"), "evidence/srum")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		fsys fs.FS
		max  int64
	}{
		// MapFS files are io.ReaderAt: nothing is held, even with no budget.
		{"mapfs", sampleMap(t, ""), -1},
		{"sub", nested, -1},
		// Zip members are held: exactly the checkpoint, the logs and the
		// database fit.
		{"zip", sampleZip(t), sampleLogBytes + sampleDBBytes},
		{"zip-default", sampleZip(t), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := PlanSoft(ctx, SoftInput{Logs: tc.fsys, Databases: []DatabaseFile{{Name: sampleDB, FS: tc.fsys}},
				Checkpoint: CheckpointSource{Find: true}}, &Options{MaxBufferBytes: tc.max})
			if err != nil {
				t.Fatal(err)
			}
			checkSamplePlan(t, p)
			if got := recoverSamplePlan(t, p, t.TempDir()); !bytes.Equal(got, want) {
				t.Error("recovered bytes differ from the recovery of the folder on disk")
			}
		})
	}
}

// TestPlanRefusesWithoutRandomAccess: input files without random access
// beyond Options.MaxBufferBytes (all such files together) are refused when
// the plan is made, with a *NoRandomAccessError wrapping
// ese.ErrInvalidParameter that names the file.
func TestPlanRefusesWithoutRandomAccess(t *testing.T) {
	ctx := context.Background()
	zr := sampleZip(t)
	for _, tc := range []struct {
		max  int64
		file string
		size int64
		left int64
	}{
		// One byte short: the logs fit, the database does not.
		{sampleLogBytes + sampleDBBytes - 1, sampleDB, sampleDBBytes, sampleDBBytes - 1},
		// No budget: the first file read at random offsets (SRU.chk, in
		// name order) is refused.
		{-1, "SRU.chk", 8192, 0},
	} {
		_, err := PlanSoft(ctx, SoftInput{Logs: zr, Databases: []DatabaseFile{{Name: sampleDB, FS: zr}}, Checkpoint: CheckpointSource{Find: true}},
			&Options{MaxBufferBytes: tc.max})
		var nra *NoRandomAccessError
		if !errors.As(err, &nra) || !errors.Is(err, ese.ErrInvalidParameter) || nra.File != tc.file || nra.Size != tc.size || nra.Left != tc.left {
			t.Errorf("budget %d: %v (%+v)", tc.max, err, nra)
		}
	}
	// Hard recovery refuses the same way.
	_, err := PlanHard(ctx, HardInput{Restore: hideReaderAt{sampleMap(t, "")}}, &Options{MaxBufferBytes: -1})
	if !errors.Is(err, ese.ErrInvalidParameter) {
		t.Errorf("hard: %v", err)
	}
}

// TestPlanHoldsHiddenReaderAt: a MapFS whose files hide io.ReaderAt
// behaves as a zip: held in memory within the budget, and the held
// folder still lists and opens every file.
func TestPlanHoldsHiddenReaderAt(t *testing.T) {
	ctx := context.Background()
	h := hideReaderAt{sampleMap(t, "")}
	p, err := PlanSoft(ctx, SoftInput{Logs: h, Databases: []DatabaseFile{{Name: sampleDB, FS: h}}, Checkpoint: CheckpointSource{Name: "SRU.chk"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkSamplePlan(t, p)
	ents, err := fs.ReadDir(p.Inputs.Logs, ".")
	if err != nil || len(ents) != len(sampleFiles) {
		t.Fatalf("held folder lists %d files: %v", len(ents), err)
	}
	f, err := p.Inputs.Logs.Open("SRU.log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	if _, ok := f.(io.ReaderAt); !ok || st.Size() != 65536 || st.Name() != "SRU.log" {
		t.Errorf("held SRU.log: random access %v, stat %v %d", ok, st.Name(), st.Size())
	}
	if _, ok := p.Inputs.Databases[0].R.(io.ReaderAt); !ok || p.Inputs.Databases[0].Size != sampleDBBytes {
		t.Errorf("held database %+v", p.Inputs.Databases[0])
	}
	recoverSamplePlan(t, p, t.TempDir())
}

// TestPlanCancelled: planning stops with the context's error.
func TestPlanCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m := sampleMap(t, "")
	if _, err := PlanSoft(ctx, SoftInput{Logs: m}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("soft: %v", err)
	}
	if _, err := PlanHard(ctx, HardInput{Restore: m}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("hard: %v", err)
	}
}

// TestRecoverFolderSeparateDatabases: RecoverFolder finds the databases in
// the log folder and in the folders FolderInput.Databases names.
func TestRecoverFolderSeparateDatabases(t *testing.T) {
	logs := sampleFolder(t)
	dbs := t.TempDir()
	if err := os.Rename(filepath.Join(logs, sampleDB), filepath.Join(dbs, sampleDB)); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	res, err := RecoverFolder(context.Background(), FolderInput{Logs: logs, Databases: []string{dbs}}, &RecoverOptions{OutDir: out})
	if err != nil || len(res.Databases) != 1 || res.Databases[0].File != filepath.Join(dbs, sampleDB) || res.Databases[0].StateAfter != "CleanShutdown" {
		t.Fatalf("%v %+v", err, res)
	}
	// Without the database folder the logs leave a database attached that
	// is not given: the engine's -1216.
	res, err = RecoverFolder(context.Background(), FolderInput{Logs: logs}, &RecoverOptions{OutDir: t.TempDir()})
	if !errors.Is(err, ese.ErrAttachedDatabaseMismatch) || len(res.Databases) != 0 {
		t.Errorf("%v %+v", err, res.Databases)
	}
}

// hideReaderAt gives files that hide io.ReaderAt and io.Seeker, as a zip
// member does.
type hideReaderAt struct{ fsys fs.FS }

func (h hideReaderAt) Open(name string) (fs.File, error) {
	f, err := h.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	if name == "." {
		return f, nil
	}
	return struct{ fs.File }{f}, nil
}

// TestRestoreWithoutRandomAccess: hard recovery of the generated backup
// set (sampleBackup) from a folder whose files give no random access (the
// .pat file, the logs and the database copy all held in memory) restores
// the same bytes as from memory with random access, in both patch forms.
func TestRestoreWithoutRandomAccess(t *testing.T) {
	s := newSampleBackup(t)
	for _, form := range []esepatch.Form{esepatch.FormPatchFile, esepatch.FormMarkerTrailer} {
		want, _ := s.restore(t, s.Folder(form), s.DB)
		m := s.Folder(form)
		m[sampleDB] = &fstest.MapFile{Data: s.DB, Mode: 0o644}
		h := hideReaderAt{m}
		p, err := PlanHard(context.Background(), HardInput{Restore: h, Databases: []DatabaseFile{{Name: sampleDB, FS: h}}}, nil)
		if err != nil || p.Error != 0 || len(p.Databases) != 1 || p.Databases[0].PatchForm != form {
			t.Fatalf("%s: %v %v %+v", form, err, p.Err(), p.Databases)
		}
		out := t.TempDir()
		res, err := Restore(context.Background(), p, &RestoreOptions{RecoverOptions: RecoverOptions{OutDir: out}})
		if err != nil || res.Databases[0].StateAfter != "CleanShutdown" || res.Databases[0].LogsReplayed != 2 {
			t.Fatalf("%s: %v %+v", form, err, res)
		}
		got, err := os.ReadFile(filepath.Join(out, sampleDB))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: restored bytes differ from the restore with random access (%v)", form, err)
		}
	}
}
