package recovery

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/bin"
)

// patFile is one .pat file of a restore folder.
type patFile struct {
	name string
	// f is the decoded patch file; nil for the zero-length marker
	// (esepatch.FormMarkerTrailer).
	f *esepatch.File
}

func (p *patFile) form() esepatch.Form {
	if p.f == nil {
		return esepatch.FormMarkerTrailer
	}
	return esepatch.FormPatchFile
}

// readPatFiles reads the .pat files among names in dir of fsys. A
// zero-length file is kept as today's engines' marker; a file that does
// not decode is reported and left out, as before. Only the header pages
// and the page numbers of the images are read (esepatch.Open); the files
// are closed again, so the returned Files serve for their headers only.
func readPatFiles(fsys fs.FS, dir string, names []string, em *emitter) []patFile {
	var pats []patFile
	for _, n := range names {
		pf, size, err := openPatHeader(fsys, path.Join(dir, n))
		switch {
		case err == nil && esepatch.FormOf(size) == esepatch.FormMarkerTrailer:
			em.emit(Event{Kind: EventPatch, Files: []string{n}, Message: fmt.Sprintf(
				"patch file %s is zero-length: the marker today's engines create; the patch header is read from the database copy's trailer page", n)})
			pats = append(pats, patFile{name: n})
		case err == nil:
			pats = append(pats, patFile{name: n, f: pf})
		case size >= 0:
			em.emit(Event{Kind: EventPatch, Files: []string{n}, Code: ese.ErrBadPatchPage, Message: fmt.Sprintf("patch file %s does not decode: %v", n, err)})
		}
	}
	return pats
}

// openPatHeader opens the patch file name of fsys and reads its header
// (nil for a zero-length file). size is the file's size, -1 when the file
// cannot be opened or read at all.
func openPatHeader(fsys fs.FS, name string) (*esepatch.File, int64, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, -1, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, -1, err
	}
	if st.Size() == 0 {
		return nil, 0, nil
	}
	if ra, ok := f.(io.ReaderAt); ok {
		pf, err := esepatch.Open(ra)
		return pf, st.Size(), err
	}
	b, err := io.ReadAll(io.LimitReader(f, 1<<30))
	if err != nil {
		return nil, -1, err
	}
	pf, err := esepatch.Decode(b)
	return pf, int64(len(b)), err
}

// backupCopy is what hard recovery checks one restored database against:
// its .pat file, its trailer page, and the patch header the checks use.
type backupCopy struct {
	// pat is the database's .pat file: the one named after it (the
	// engine builds its restore map from the *.pat names), else a patch
	// file with its database signature; nil when there is none.
	pat *patFile
	// trailer is the copy's trailer page, read when its header waits for
	// one (esepatch.TrailerPending); trailerErr is why it did not read.
	trailer    *esepatch.Trailer
	trailerErr error
	// hdr is the patch header the checks use: the trailer's (as today's
	// engines check, ErrLGCheckDBFiles), else the .pat file's; nil when
	// there is neither (a header whose trailer is already merged carries
	// the backup range itself).
	hdr *esepatch.Header
}

// findBackupCopy matches database d to its .pat file and reads its
// trailer.
func findBackupCopy(d dbInfo, pats []patFile) backupCopy {
	var c backupCopy
	want := strings.TrimSuffix(filepath.Base(d.name), filepath.Ext(d.name)) + ".pat"
	for i := range pats {
		if strings.EqualFold(pats[i].name, want) {
			c.pat = &pats[i]
		}
	}
	if c.pat == nil {
		for i := range pats {
			if pats[i].f != nil && pats[i].f.Header.DBSignature.Equal(d.hdr.DbSignature) {
				c.pat = &pats[i]
			}
		}
	}
	if c.pat != nil && c.pat.f != nil {
		c.hdr = c.pat.f.Header
	}
	if esepatch.StateOf(d.hdr) == esepatch.TrailerPending && d.r != nil {
		size, err := bin.Size(d.r)
		if err == nil {
			c.trailer, err = esepatch.ReadTrailer(d.r, size, d.pageSize)
		}
		if err != nil {
			c.trailer, c.trailerErr = nil, err
		} else {
			c.hdr = c.trailer.Header
		}
	}
	return c
}

// backupRange is the full backup's log range as the engine finds it for
// the copy (ErrLGCheckDBFiles): the header's when the trailer is already
// merged, else the patch header's. ok is false when neither is known.
func (c *backupCopy) backupRange(d dbInfo) (ese.BackupInfo, bool) {
	switch {
	case d.hdr.IsBackupCopy() && d.hdr.TrailerMerged():
		return d.hdr.CurFullBackup, true
	case c.hdr != nil:
		return c.hdr.Backup, true
	}
	return ese.BackupInfo{}, false
}

// check applies the engine's checks of a backup copy to its patch data:
// a pending copy needs a good trailer page (ese.ErrBadPatchPage, -535;
// for the marker form the error says the .pat is zero-length), and the
// .pat header and the trailer must both match the database header
// (esepatch.Match: signatures, backup mark, high generation set; -552 or
// -615).
func (c *backupCopy) check(d dbInfo) error {
	switch {
	case c.trailerErr != nil && c.pat.f == nil:
		return esepatch.MarkerWithoutTrailer(c.pat.name, d.name, c.trailerErr)
	case c.trailerErr != nil:
		return fmt.Errorf("%s: backup trailer page: %w", d.name, c.trailerErr)
	}
	if c.pat.f != nil {
		if err := esepatch.Match(d.hdr, c.pat.f.Header); err != nil {
			return fmt.Errorf("%s does not belong to %s: %w", c.pat.name, d.name, err)
		}
	}
	if c.trailer != nil {
		if err := esepatch.Match(d.hdr, c.trailer.Header); err != nil {
			return fmt.Errorf("the trailer page of %s does not belong to it: %w", d.name, err)
		}
	}
	return nil
}

// noBackupRange is why a restore folder whose .pat files are all
// zero-length markers gives no backup range: a database copy that is not
// a backup copy (ese.ErrRestoreOfNonBackupDatabase), or no trailer page to
// read it from (esepatch.MarkerWithoutTrailer, ese.ErrBadPatchPage).
func noBackupRange(dbs []dbInfo, copies []backupCopy, pats []patFile) error {
	for _, d := range dbs {
		if !d.hdr.IsBackupCopy() {
			return fmt.Errorf("%s is not a copy from an online backup (no current full backup in its header): hard recovery refuses it: %w", d.name, ese.ErrRestoreOfNonBackupDatabase)
		}
	}
	for i, d := range dbs {
		if c := copies[i]; c.pat != nil {
			return esepatch.MarkerWithoutTrailer(c.pat.name, d.name, c.trailerErr)
		}
	}
	names := make([]string, len(pats))
	for i, pt := range pats {
		names[i] = pt.name
	}
	return esepatch.MarkerWithoutTrailer(strings.Join(names, ", "), "any database copy given", nil)
}
