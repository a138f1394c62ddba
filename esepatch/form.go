package esepatch

import (
	"errors"
	"fmt"

	"github.com/esekit/esekit/ese"
)

// Form says how an online (streaming) backup set carries the patch header
// of a database copy.
type Form string

const (
	// FormPatchFile: the .pat file holds the patch header (two header
	// pages) and any page images, as engines before today's wrote it. The
	// database copy may carry the same header as its trailer page too.
	FormPatchFile Form = "patch-file"
	// FormMarkerTrailer: the .pat file is empty, a marker today's engines
	// create so that restore finds the database by the file's name (the
	// "thunk patch file" of dev/ese/src/ese/backup.cxx; the restore map is
	// built from the *.pat names, dev/ese/src/ese/_log/rstmap.cxx), and
	// the patch header is the trailer page appended to the database copy
	// (BKIMakeDbTrailer). Restore reads only the trailer
	// (ErrLGCheckDBFiles, dev/ese/src/ese/_log/logutil.cxx).
	FormMarkerTrailer Form = "marker+trailer"
)

// FormOf says which form a .pat file of size bytes has: a zero-length
// file is the marker, anything else must hold the patch header (Open
// reads it).
func FormOf(size int64) Form {
	if size == 0 {
		return FormMarkerTrailer
	}
	return FormPatchFile
}

// Describe says in words what the form means for one database copy.
func (f Form) Describe() string {
	switch f {
	case FormPatchFile:
		return "patch header (and page images) in the .pat file"
	case FormMarkerTrailer:
		return "zero-length .pat marker; patch header in the database copy's trailer page"
	}
	return string(f)
}

// MarkerWithoutTrailer is the error for a database copy whose .pat file
// pat is the zero-length marker while the copy db has no readable trailer
// page (its header still waits for one: StateOf is TrailerPending). The
// engine stops there with ese.ErrBadPatchPage (-535, "trailer page missing
// or corrupt", ErrDBReadAndCheckDBTrailer in dev/ese/src/ese/db.cxx).
// cause, when not nil, is why the trailer did not read (ReadTrailer's
// error: a last page of zeros or a file that ends early, "no trailer
// page"; a bad checksum, "a corrupt trailer page"); the error wraps it,
// and ese.ErrBadPatchPage once.
func MarkerWithoutTrailer(pat, db string, cause error) error {
	what := "no trailer page"
	var bad *corruptTrailerError
	if errors.As(cause, &bad) {
		what = "a corrupt trailer page"
	}
	msg := fmt.Sprintf("zero-length patch file %s and %s in %s", pat, what, db)
	switch {
	case cause == nil:
		return ese.NewFormatError("backup set", -1, ese.ErrBadPatchPage, "%s", msg)
	case errors.Is(cause, ese.ErrBadPatchPage):
		return fmt.Errorf("%s: %w", msg, cause)
	}
	return fmt.Errorf("%s: %w [%w]", msg, cause, ese.ErrBadPatchPage)
}
