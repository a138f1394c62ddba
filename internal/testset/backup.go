package testset

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testcorpus"
)

// Backup is an online backup set built from the SRUM sample the module
// commits (testcorpus.SampleSet; no corpus needed). SRUDB.dat (4 KiB
// pages, DirtyShutdown, needs generation 0x51) becomes a streaming backup
// copy of a full backup of logs 0x51-0x52: its header gets CurFullBackup =
// {mark (0x51,8,0), GenLow 0x51, GenHigh 0} (trailer pending) and the
// trailer page, encoded by esepatch from Patch, is appended. The restore
// folder holds SRU00051.log, SRU.log (generation 0x52) and SRUDB.pat, in
// one of the two forms (Folder).
type Backup struct {
	// Logs holds the backup's logs by name.
	Logs fstest.MapFS
	// DB is the database copy with its trailer page.
	DB []byte
	// Patch is the patch header of the trailer page (and of a classic
	// .pat file).
	Patch esepatch.Header
	// PageSize is the database's page size.
	PageSize int
}

// The names of the backup's database and patch file.
const BackupDB, BackupPat = "SRUDB.dat", "SRUDB.pat"

// SampleBackup builds the backup set.
func SampleBackup(tb testing.TB) *Backup {
	tb.Helper()
	db := testcorpus.Read(tb, testcorpus.SampleSet+"/"+BackupDB)
	c, err := ese.ReadDBHeader(bytes.NewReader(db))
	if err != nil {
		tb.Fatal(err)
	}
	h, ps := c.Header, c.PageSize
	mark := ese.BackupInfo{Mark: ese.LogPos{Generation: 0x51, Sector: 8}, MarkTime: h.ConsistentTime, GenLow: 0x51}
	h.CurFullBackup = mark
	for _, off := range []int{0, ps} {
		h.Put(db[off : off+ps])
		bin.PutU32(db[off:], 0, ese.HeaderChecksum(db[off:off+ps]))
	}
	s := &Backup{PageSize: ps, Patch: esepatch.Header{
		Backup:      ese.BackupInfo{Mark: mark.Mark, MarkTime: mark.MarkTime, GenLow: 0x51, GenHigh: 0x52},
		DBSignature: h.DbSignature, LogSignature: h.LogSignature,
		GenMinRequired: 0x51, GenMaxRequired: 0x51, GenMaxCommitted: 0x51,
	}}
	s.DB = append(db, s.Patch.Encode(ps)...)
	s.Logs = fstest.MapFS{}
	for _, n := range []string{"SRU00051.log", "SRU.log"} {
		s.Logs[n] = &fstest.MapFile{Data: testcorpus.Read(tb, testcorpus.SampleSet+"/"+n), Mode: 0o644}
	}
	return s
}

// Folder returns the restore folder (the logs and the .pat, not the
// database) in the given form: the .pat holds the patch header in its two
// header pages (esepatch.FormPatchFile) or nothing
// (esepatch.FormMarkerTrailer).
func (s *Backup) Folder(form esepatch.Form) fstest.MapFS {
	fsys := fstest.MapFS{}
	for n, f := range s.Logs {
		fsys[n] = f
	}
	var pat []byte
	if form == esepatch.FormPatchFile {
		page := s.Patch.Encode(s.PageSize)
		pat = append(append(pat, page...), page...)
	}
	fsys[BackupPat] = &fstest.MapFile{Data: pat, Mode: 0o644}
	return fsys
}

// WriteDir writes the whole set in the given form into dir: the database
// copy, the .pat and the logs.
func (s *Backup) WriteDir(tb testing.TB, dir string, form esepatch.Form) {
	tb.Helper()
	files := s.Folder(form)
	files[BackupDB] = &fstest.MapFile{Data: s.DB}
	for n, f := range files {
		if err := os.WriteFile(filepath.Join(dir, n), f.Data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}
