// Package sampleset gives tests and examples the sample set that the
// esekit command embeds (examples/esekit/testdata/sample): a SRUM folder
// of Windows 10 collected while the service ran. SRUDB.dat (4 KiB pages)
// is in DirtyShutdown state and needs generation 0x51; SRU.chk is its
// checkpoint; SRU0004E.log to SRU00051.log and SRU.log (generation 0x52,
// the current log) are its logs. The files are stored gzip-compressed.
//
// The folder is found by walking up from the working directory to the
// module root, so it serves any package's tests and examples (go test runs
// them in the package's folder).
package sampleset

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esepatch"
)

// Dir is the sample folder, relative to the module root.
const Dir = "examples/esekit/testdata/sample"

// Names of the sample's database and checkpoint.
const (
	Database   = "SRUDB.dat"
	Checkpoint = "SRU.chk"
)

// maxFile bounds the size of one decompressed file.
const maxFile = 16 << 20

// dir returns the sample folder: Dir under the nearest folder at or above
// the working directory that holds it.
func dir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; {
		p := filepath.Join(d, filepath.FromSlash(Dir))
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p, nil
		}
		up := filepath.Dir(d)
		if up == d {
			return "", fmt.Errorf("sampleset: no %s at or above %s", Dir, wd)
		}
		d = up
	}
}

// Names returns the file names of the sample (without .gz), sorted.
func Names() ([]string, error) {
	d, err := dir()
	if err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(d)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".gz"); ok && e.Type().IsRegular() {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

// Read returns the uncompressed bytes of one file of the sample, named
// without .gz ("SRUDB.dat").
func Read(name string) ([]byte, error) {
	d, err := dir()
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(d, name+".gz"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("sampleset: %s: %w", name, err)
	}
	b, err := io.ReadAll(io.LimitReader(zr, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("sampleset: %s: %w", name, err)
	}
	if len(b) > maxFile {
		return nil, fmt.Errorf("sampleset: %s is larger than %d bytes", name, maxFile)
	}
	return b, nil
}

// FS returns the named files of the sample (all of them when none is
// named) as an in-memory folder.
func FS(names ...string) (fstest.MapFS, error) {
	if len(names) == 0 {
		var err error
		if names, err = Names(); err != nil {
			return nil, err
		}
	}
	m := fstest.MapFS{}
	for _, n := range names {
		b, err := Read(n)
		if err != nil {
			return nil, err
		}
		m[n] = &fstest.MapFile{Data: b, Mode: 0o644}
	}
	return m, nil
}

// WriteDir writes the uncompressed sample into the existing folder out,
// creating every file new.
func WriteDir(out string) error {
	m, err := FS()
	if err != nil {
		return err
	}
	for n, f := range m {
		w, err := os.OpenFile(filepath.Join(out, n), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err
		}
		_, err = w.Write(f.Data)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// TempDir writes the uncompressed sample into a new temporary folder and
// returns its path; the caller removes it.
func TempDir() (string, error) {
	d, err := os.MkdirTemp("", "esekit-sample-")
	if err != nil {
		return "", err
	}
	if err := WriteDir(d); err != nil {
		os.RemoveAll(d)
		return "", err
	}
	return d, nil
}

// Backup is an online backup set built from the sample. SRUDB.dat becomes
// the streaming backup copy of a full backup of logs 0x51-0x52: its header
// gets CurFullBackup = {mark (0x51,8,0), GenLow 0x51, GenHigh 0} (trailer
// pending) and the trailer page, encoded by esepatch from Patch, is
// appended. The restore folder holds SRU00051.log, SRU.log (generation
// 0x52) and SRUDB.pat.
type Backup struct {
	// Logs holds the backup's logs.
	Logs fstest.MapFS
	// DB is the database copy with its trailer page.
	DB []byte
	// Patch is the patch header: in the trailer page, and in the .pat of
	// the classic form.
	Patch esepatch.Header
	// Page is the page size.
	Page int
}

// Names in the backup set.
const (
	BackupDatabase = Database
	BackupPatch    = "SRUDB.pat"
)

// NewBackup builds the backup set.
func NewBackup() (*Backup, error) {
	db, err := Read(Database)
	if err != nil {
		return nil, err
	}
	c, err := ese.ReadDBHeader(bytes.NewReader(db))
	if err != nil {
		return nil, err
	}
	h, ps := c.Header, c.PageSize
	if len(db) < 2*ps {
		return nil, errors.New("sampleset: database shorter than its header pages")
	}
	mark := ese.BackupInfo{Mark: ese.LogPos{Generation: 0x51, Sector: 8}, MarkTime: h.ConsistentTime, GenLow: 0x51}
	h.CurFullBackup = mark
	page := h.Encode(ps)
	copy(db[0:ps], page)
	copy(db[ps:2*ps], page)
	b := &Backup{Page: ps, Patch: esepatch.Header{
		Backup:      ese.BackupInfo{Mark: mark.Mark, MarkTime: mark.MarkTime, GenLow: 0x51, GenHigh: 0x52},
		DBSignature: h.DbSignature, LogSignature: h.LogSignature,
		GenMinRequired: 0x51, GenMaxRequired: 0x51, GenMaxCommitted: 0x51,
	}}
	b.DB = append(db, b.Patch.Encode(ps)...)
	if b.Logs, err = FS("SRU00051.log", "SRU.log"); err != nil {
		return nil, err
	}
	return b, nil
}

// Folder returns the restore folder in the given form: the .pat holds the
// patch header in its two header pages (esepatch.FormPatchFile) or
// nothing (esepatch.FormMarkerTrailer). The database copy is not in it.
func (b *Backup) Folder(form esepatch.Form) fstest.MapFS {
	fsys := fstest.MapFS{}
	for n, f := range b.Logs {
		fsys[n] = f
	}
	var pat []byte
	if form == esepatch.FormPatchFile {
		page := b.Patch.Encode(b.Page)
		pat = append(append(pat, page...), page...)
	}
	fsys[BackupPatch] = &fstest.MapFile{Data: pat, Mode: 0o644}
	return fsys
}

// WriteDir writes the whole set in the given form into the existing
// folder dir: the database copy, the .pat and the logs.
func (b *Backup) WriteDir(dir string, form esepatch.Form) error {
	files := b.Folder(form)
	files[BackupDatabase] = &fstest.MapFile{Data: b.DB}
	for n, f := range files {
		if err := os.WriteFile(filepath.Join(dir, n), f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
