package recovery

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testcorpus"
)

// sampleFiles are the files of the SRUM sample the esekit CLI embeds
// (sampleDir): SRUDB.dat in DirtyShutdown needing generation 0x51,
// SRU.chk at (0x51,9,0), logs 0x4E-0x51 and the current SRU.log (0x52),
// circular logging on, no backup ever taken.
var sampleFiles = []string{"SRU.chk", "SRU.log", "SRU0004E.log", "SRU0004F.log", "SRU00050.log", "SRU00051.log", "SRUDB.dat"}

// loadSampleFS decompresses the sample into a fresh in-memory folder.
func loadSampleFS(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	for _, n := range sampleFiles {
		m[n] = &fstest.MapFile{Data: readSample(t, n), Mode: 0o444}
	}
	return m
}

// editSampleHeader rewrites both header copies of the sample's SRUDB.dat.
func editSampleHeader(t *testing.T, m fstest.MapFS, fn func(h *ese.DBHeader)) {
	t.Helper()
	b := bytes.Clone(m["SRUDB.dat"].Data)
	h, err := ese.DecodeDBHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	ps := h.EffectivePageSize()
	fn(h)
	page := h.Encode(ps)
	copy(b[0:ps], page)
	copy(b[ps:2*ps], page)
	m["SRUDB.dat"] = &fstest.MapFile{Data: b, Mode: 0o444}
}

func inspect(t *testing.T, fsys fs.FS, opts *InspectOptions) *Inspection {
	t.Helper()
	ins, err := Inspect(context.Background(), fsys, opts)
	if err != nil {
		t.Fatal(err)
	}
	return ins
}

func truncGens(ins *Inspection) []ese.Generation {
	var g []ese.Generation
	for _, l := range ins.Truncatable {
		g = append(g, l.Generation)
	}
	return g
}

func TestInspectSample(t *testing.T) {
	ins := inspect(t, loadSampleFS(t), nil)
	if !slices.Equal(ins.Set.Generations, []ese.Generation{0x4E, 0x4F, 0x50, 0x51, 0x52}) || ins.Set.Base != "SRU" || !ins.Set.Circular {
		t.Errorf("set: base %q generations %x circular %v", ins.Set.Base, ins.Set.Generations, ins.Set.Circular)
	}
	if c := ins.Checkpoint; c == nil || c.File != "SRU.chk" || c.Err != nil || c.Checkpoint.Checkpoint != (ese.LogPos{Generation: 0x51, Sector: 9}) {
		t.Fatalf("checkpoint %+v, want SRU.chk at (0x51,9,0)", c)
	}
	if r := ins.Replay; r.Start != 0x51 || r.End != 0x52 || !r.FromCheckpoint || r.Error != 0 || !slices.Equal(r.Files, []string{"SRU00051.log", "SRU.log"}) {
		t.Errorf("replay %+v, want 0x51-0x52 from the checkpoint", r)
	}
	if len(ins.Databases) != 1 {
		t.Fatalf("%d databases, want SRUDB.dat", len(ins.Databases))
	}
	d := ins.Databases[0]
	v := d.Verdict
	if d.File != "SRUDB.dat" || v.State != "DirtyShutdown" || v.Anchor != 0x51 || d.AnchorLog != "SRU00051.log" ||
		v.Required != (eselog.GenRange{Low: 0x51, High: 0x51}) || !v.Replayable || v.Error != 0 || len(v.Missing) != 0 {
		t.Errorf("database %s: anchor log %q, verdict %+v", d.File, d.AnchorLog, v)
	}
	want := []LogFile{{"SRU0004E.log", 0x4E}, {"SRU0004F.log", 0x4F}, {"SRU00050.log", 0x50}}
	if !slices.Equal(ins.Truncatable, want) {
		t.Errorf("truncatable %v, want %v", ins.Truncatable, want)
	}
	if a := ins.Incremental; a == nil || a.Error != ese.ErrMissingFullBackup || len(a.Logs) != 0 || a != d.Incremental {
		t.Errorf("incremental %+v, want -560 (no full backup) from SRUDB.dat", a)
	}
	if ins.Backup != nil || ins.Error != 0 {
		t.Errorf("backup %+v error %d, want none", ins.Backup, ins.Error)
	}
}

// TestInspectIncremental: SRUDB.dat's header records a full backup of
// 0x4C-0x4F, then an incremental one up to 0x50; the folder holds
// 0x4E-0x52.
func TestInspectIncremental(t *testing.T) {
	m := loadSampleFS(t)
	editSampleHeader(t, m, func(h *ese.DBHeader) { h.PrevFullBackup.GenLow, h.PrevFullBackup.GenHigh = 0x4C, 0x4F })
	a := inspect(t, m, nil).Incremental
	if a == nil || a.Error != 0 || a.Since != 0x50 || a.Through != 0x52 || !slices.Equal(a.Logs, []string{"SRU00050.log", "SRU00051.log", "SRU.log"}) {
		t.Errorf("after a full backup of 0x4C-0x4F: %+v, want SRU00050.log, SRU00051.log, SRU.log", a)
	}
	editSampleHeader(t, m, func(h *ese.DBHeader) { h.PrevIncBackup.GenLow, h.PrevIncBackup.GenHigh = 0x50, 0x50 })
	a = inspect(t, m, nil).Incremental
	if a == nil || a.Error != 0 || a.Since != 0x51 || !slices.Equal(a.Logs, []string{"SRU00051.log", "SRU.log"}) {
		t.Errorf("after an incremental up to 0x50: %+v", a)
	}
	// KB Q245211: a required log is gone.
	delete(m, "SRU00051.log")
	ins := inspect(t, m, nil)
	a = ins.Incremental
	if a == nil || a.Error != ese.ErrMissingLogFile || !slices.Equal(a.Missing, []ese.Generation{0x51}) || len(a.Logs) != 0 {
		t.Errorf("with 0x51 gone: %+v, want -528 missing 0x51", a)
	}
	// The same loss makes the database not replayable.
	if v := ins.Databases[0].Verdict; v.Replayable || v.Error != ese.ErrMissingLogFile || ins.Error != ese.ErrMissingLogFile {
		t.Errorf("verdict %+v, folder error %d, want -528", v, ins.Error)
	}
	if !slices.Equal(ins.Set.Gaps, []eselog.GenRange{{Low: 0x51, High: 0x51}}) {
		t.Errorf("gaps %v", ins.Set.Gaps)
	}
}

// TestInspectTruncationRule: the truncatable logs stop below a dirty
// database's older minimum required generation, and need a checkpoint.
func TestInspectTruncationRule(t *testing.T) {
	m := loadSampleFS(t)
	editSampleHeader(t, m, func(h *ese.DBHeader) { h.GenMinRequired = 0x4F })
	if got := truncGens(inspect(t, m, nil)); !slices.Equal(got, []ese.Generation{0x4E}) {
		t.Errorf("database needing 0x4F: truncatable %x, want 4e", got)
	}
	m = loadSampleFS(t)
	ins := inspect(t, m, &InspectOptions{NoCheckpoint: true})
	if ins.Checkpoint != nil || len(ins.Truncatable) != 0 || ins.Replay.Start != 0x4E || ins.Replay.FromCheckpoint {
		t.Errorf("without checkpoint: checkpoint %+v truncatable %v replay from 0x%X", ins.Checkpoint, ins.Truncatable, ins.Replay.Start)
	}
	// A checkpoint of another log stream truncates nothing.
	ck := bytes.Clone(m["SRU.chk"].Data)
	delete(m, "SRU.chk")
	other := editCheckpointSignature(t, ck)
	ins = inspect(t, m, &InspectOptions{Checkpoint: bytes.NewReader(other), CheckpointName: "other.chk"})
	if ins.Checkpoint == nil || ins.Checkpoint.File != "other.chk" || ins.Checkpoint.Err != nil || len(ins.Truncatable) != 0 {
		t.Errorf("foreign checkpoint: %+v, truncatable %v", ins.Checkpoint, ins.Truncatable)
	}
	// The sample's checkpoint given from outside the folder, and the
	// report's names.
	ins = inspect(t, m, &InspectOptions{Checkpoint: bytes.NewReader(ck), CheckpointName: "elsewhere/SRU.chk",
		Name: func(n string) string { return "sample/" + n }})
	if got := truncGens(ins); !slices.Equal(got, []ese.Generation{0x4E, 0x4F, 0x50}) || ins.Checkpoint.File != "elsewhere/SRU.chk" || ins.Databases[0].File != "sample/SRUDB.dat" {
		t.Errorf("explicit checkpoint: truncatable %x, checkpoint %s, database %s", got, ins.Checkpoint.File, ins.Databases[0].File)
	}
}

// editCheckpointSignature returns the checkpoint file ck with another log
// signature random (both copies, checksums fixed).
func editCheckpointSignature(t *testing.T, ck []byte) []byte {
	t.Helper()
	b := bytes.Clone(ck)
	for off := 0; off+4096 <= len(b); off += 4096 {
		b[off+20] ^= 0xFF // LogSignature.Random, low byte
		bin.PutU32(b, off, ese.HeaderChecksum(b[off:off+4096]))
	}
	return b
}

// TestInspectBackupMarker: a zero-length SRUDB.pat makes the folder a
// backup set of today's form; the sample's database is no backup copy, so
// hard recovery stops.
func TestInspectBackupMarker(t *testing.T) {
	m := loadSampleFS(t)
	m["SRUDB.pat"] = &fstest.MapFile{Data: nil, Mode: 0o444}
	b := inspect(t, m, nil).Backup
	if b == nil {
		t.Fatal("no backup set reported for a folder with a .pat file")
	}
	if b.Form != esepatch.FormMarkerTrailer || len(b.PatchFiles) != 1 || b.PatchFiles[0] != (BackupPatchFile{File: "SRUDB.pat", Form: esepatch.FormMarkerTrailer}) {
		t.Errorf("backup set %+v, want one zero-length marker", b)
	}
	if b.Error == 0 || b.Message == "" {
		t.Errorf("hard recovery of a database that is no backup copy: error %d %q, want it to stop", b.Error, b.Message)
	}
	m["junk.pat"] = &fstest.MapFile{Data: []byte("not a patch file"), Mode: 0o444}
	b = inspect(t, m, nil).Backup
	if b.Form != FormMixed || len(b.PatchFiles) != 2 || b.PatchFiles[1].Form != esepatch.FormPatchFile || b.PatchFiles[1].Err == nil {
		t.Errorf("mixed set %+v, want junk.pat reported as an undecodable patch file", b)
	}
}

// TestInspectBackupSet: the sample made an online backup set of logs
// 0x51-0x52 (newSampleBackup), in either form: hard recovery can run and
// matches SRUDB.pat to SRUDB.dat.
func TestInspectBackupSet(t *testing.T) {
	s := newSampleBackup(t)
	for _, form := range []esepatch.Form{esepatch.FormPatchFile, esepatch.FormMarkerTrailer} {
		m := s.Folder(form)
		m[sampleDB] = &fstest.MapFile{Data: s.DB, Mode: 0o444}
		ins := inspect(t, m, nil)
		b := ins.Backup
		if b == nil || b.Form != form || len(b.PatchFiles) != 1 || b.PatchFiles[0].File != samplePat || b.PatchFiles[0].Err != nil {
			t.Fatalf("%s: backup set %+v", form, b)
		}
		if b.Error != 0 || len(b.Databases) != 1 || b.Databases[0].File != sampleDB || b.Databases[0].Patch != samplePat || b.Databases[0].PatchForm != form {
			t.Errorf("%s: hard recovery %d %q, databases %+v", form, b.Error, b.Message, b.Databases)
		}
		if form == esepatch.FormPatchFile && b.PatchFiles[0].Size != int64(2*s.Page) {
			t.Errorf("patch file size %d, want two pages", b.PatchFiles[0].Size)
		}
	}
}

// readOnlyFS hides ReadAt (and, unless seek, Seek) from the files of a
// MapFS, as archive or network file systems do.
type readOnlyFS struct {
	m    fstest.MapFS
	seek bool
}

type readOnlyFile struct{ fs.File }

type seekFile struct {
	fs.File
	s io.Seeker
}

func (s seekFile) Seek(off int64, whence int) (int64, error) { return s.s.Seek(off, whence) }

func (r readOnlyFS) Open(name string) (fs.File, error) {
	f, err := r.m.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return f, nil
	}
	if r.seek {
		return seekFile{File: f, s: f.(io.Seeker)}, nil
	}
	return readOnlyFile{f}, nil
}

func (r readOnlyFS) ReadDir(name string) ([]fs.DirEntry, error) { return r.m.ReadDir(name) }

// TestInspectWithoutReadAt: a file system whose files only read (or read
// and seek) gives the same answers.
func TestInspectWithoutReadAt(t *testing.T) {
	m := loadSampleFS(t)
	for _, seek := range []bool{false, true} {
		ins := inspect(t, readOnlyFS{m: m, seek: seek}, nil)
		if len(ins.Databases) != 1 || !ins.Databases[0].Verdict.Replayable || ins.Checkpoint == nil || ins.Checkpoint.Err != nil ||
			!slices.Equal(truncGens(ins), []ese.Generation{0x4E, 0x4F, 0x50}) {
			t.Errorf("seek=%v: databases %+v checkpoint %+v truncatable %v", seek, ins.Databases, ins.Checkpoint, ins.Truncatable)
		}
	}
}

func TestInspectEmptyFolder(t *testing.T) {
	ins := inspect(t, fstest.MapFS{}, nil)
	if ins.Checkpoint != nil || len(ins.Databases) != 0 || len(ins.Truncatable) != 0 || ins.Incremental != nil || ins.Backup != nil {
		t.Errorf("empty folder: %+v", ins)
	}
	if !ins.Replay.NewStream {
		t.Errorf("empty folder: replay %+v, want a new log stream", ins.Replay)
	}
}

func TestInspectBadArguments(t *testing.T) {
	if _, err := Inspect(context.Background(), nil, nil); err == nil {
		t.Error("nil folder: no error")
	}
	ins := inspect(t, loadSampleFS(t), &InspectOptions{Databases: []DatabaseFile{{Name: "none.edb"}}})
	if d := ins.Databases[0]; d.Header != nil || d.Verdict.Error != ese.ErrInvalidParameter || ins.Error != ese.ErrInvalidParameter {
		t.Errorf("database without a reader: %+v, folder error %d", d, ins.Error)
	}
}

func TestInspectCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Inspect(ctx, loadSampleFS(t), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestTruncatableLogsCheckpointExample: KB Q296787's example checkpoint
// (4815,8924,112) lies in generation 4815 = 0x12CF (the article prints
// it as "12fc", a digit swap: 0x12FC is 4860), so logs up to Edb012CE.log
// may be removed, never the checkpoint's own log nor the current one. The
// set is generated: the sample's first log header renumbered.
func TestTruncatableLogsCheckpointExample(t *testing.T) {
	head := loadSampleFS(t)["SRU0004E.log"].Data
	h, err := eselog.DecodeFileHeader(head[:4096])
	if err != nil {
		t.Fatal(err)
	}
	var files []*eselog.SetFile
	for _, g := range []ese.Generation{0x12CD, 0x12CE, 0x12CF, 0x12D0, 0x12D1} {
		h.Generation = g
		b, err := h.Encode()
		if err != nil {
			t.Fatal(err)
		}
		name := ese.LogFileName("edb", g, ".log", 0)
		if g == 0x12D1 {
			name = "edb.log"
		}
		files = append(files, eselog.NewSetFile(name, int64(len(head)), b))
	}
	set := eselog.BuildSet(files, nil)
	if set.Current == nil || set.Current.Generation != 0x12D1 {
		t.Fatalf("generated set: current %+v, generations %x", set.Current, set.Generations)
	}
	cp, err := ese.ParseLogPos("(4815,8924,112)")
	if err != nil {
		t.Fatal(err)
	}
	if got := TruncatableLogs(set, cp.Generation); !slices.Equal(got, []string{"edb012CD.log", "edb012CE.log"}) {
		t.Errorf("TruncatableLogs = %v, want edb012CD.log, edb012CE.log", got)
	}
	// A checkpoint past the current log: the current generation bounds
	// it, and the current log itself never goes.
	if got := TruncatableLogs(set, 0x7FFFFFFF); !slices.Equal(got, []string{"edb012CD.log", "edb012CE.log", "edb012CF.log", "edb012D0.log"}) {
		t.Errorf("checkpoint past the current log: %v", got)
	}
	if got := TruncatableLogs(set, 0); len(got) != 0 {
		t.Errorf("zero checkpoint: %v", got)
	}
}

// TestInspectCorpusDirtySRUM: the corpus folder the sample was taken from
// gives the same answers read from disk.
func TestInspectCorpusDirtySRUM(t *testing.T) {
	dir := testcorpus.Path(t, dirtySRUM)
	ins := inspect(t, os.DirFS(dir), nil)
	if len(ins.Databases) != 1 || !ins.Databases[0].Verdict.Replayable || !slices.Equal(truncGens(ins), []ese.Generation{0x4E, 0x4F, 0x50}) ||
		ins.Incremental == nil || ins.Incremental.Error != ese.ErrMissingFullBackup {
		t.Errorf("%s: databases %+v truncatable %v incremental %+v", dirtySRUM, ins.Databases, ins.Truncatable, ins.Incremental)
	}
}
