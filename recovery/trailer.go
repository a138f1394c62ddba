package recovery

import (
	"fmt"
	"io"

	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/bin"
)

// updateHeaderFromTrailer does to a backup copy what the engine does
// before replaying into it, in soft recovery (ErrLGRICheckAttachNow,
// dev/ese/src/ese/_log/logredo.cxx, once soft recovery on a backup is
// allowed) and in a restore alike (ErrDBUpdateHeaderFromTrailer,
// dev/ese/src/ese/db.cxx):
//
//   - a header still waiting for its trailer (CurFullBackup.GenLow set,
//     GenHigh 0) needs the trailer page: it is read and checked (missing
//     or corrupt: ese.ErrBadPatchPage, -535), matched with the header
//     (ese.ErrDatabasePatchFileMismatch) and merged into the working
//     header (esepatch.MergeTrailer), which is written last;
//   - then the last page is zeroed if it checks as a trailer page
//     (ErrDBTryToZeroDBTrailer), so that nothing reads it later as a
//     database page with a bad checksum. A last page that is not a
//     trailer is left alone, as is a database that is not a backup copy.
//
// It returns the trailer merged, nil when none was.
func updateHeaderFromTrailer(db *dbRun, src io.ReaderAt) (*esepatch.Trailer, error) {
	if !db.hdr.IsBackupCopy() {
		return nil, nil
	}
	size, err := bin.Size(src)
	if err != nil {
		return nil, fmt.Errorf("recovery: %s: database size: %w", db.name, err)
	}
	tr, terr := esepatch.ReadTrailer(src, size, db.pageSize)
	if db.hdr.TrailerMerged() {
		if terr != nil || tr == nil {
			return nil, nil // not a trailer: nothing to zero
		}
		return nil, zeroTrailer(db, tr)
	}
	if terr != nil {
		return nil, fmt.Errorf("recovery: %s: %w", db.name, terr)
	}
	if err := esepatch.MergeTrailer(db.hdr, tr.Header); err != nil {
		return nil, fmt.Errorf("recovery: %s: %w", db.name, err)
	}
	return tr, zeroTrailer(db, tr)
}

// zeroTrailer zeroes the trailer page in the database's working copy.
func zeroTrailer(db *dbRun, tr *esepatch.Trailer) error {
	if _, err := db.file.WriteAt(make([]byte, tr.PageSize), tr.Offset); err != nil {
		return fmt.Errorf("recovery: %s: zeroing the trailer page: %w", db.name, err)
	}
	return nil
}
