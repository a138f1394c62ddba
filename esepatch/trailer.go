package esepatch

import (
	"errors"
	"fmt"
	"io"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// TrailerState says where a database copy stands with its backup trailer
// (docs/patch.md#modern-form; docs/patch.md#trailer-rules-at-restore).
type TrailerState string

const (
	// TrailerNotBackup: the header's CurFullBackup.GenLow is 0, so this is
	// not a backup copy; hard recovery on it is ese.ErrRestoreOfNonBackupDatabase (-615).
	TrailerNotBackup TrailerState = "not-backup"
	// TrailerPending: a streaming backup copy whose header still waits for
	// the trailer's log range (CurFullBackup.GenHigh is 0): the last page
	// of the file is the PATCHHDR trailer.
	TrailerPending TrailerState = "pending"
	// TrailerMerged: CurFullBackup.GenHigh is set, the trailer was already
	// copied into the header (and its page zeroed).
	TrailerMerged TrailerState = "merged"
	// TrailerSnapshot: a VSS snapshot backup (CurSnapshotBackup.Mark set);
	// snapshot backups have no trailer.
	TrailerSnapshot TrailerState = "snapshot"
)

// StateOf says where the database header db stands with its trailer.
func StateOf(db *ese.DBHeader) TrailerState {
	switch {
	case db.IsSnapshotBackup() && !db.IsBackupCopy():
		return TrailerSnapshot
	case !db.IsBackupCopy():
		return TrailerNotBackup
	case db.TrailerMerged():
		return TrailerMerged
	}
	return TrailerPending
}

// Trailer is the backup trailer page of a database copy.
type Trailer struct {
	// Offset is the file offset of the trailer page (the last page).
	Offset int64 `json:"offset"`
	// PageSize is its size (the database's page size).
	PageSize int `json:"page_size"`
	// Header is the decoded PATCHHDR.
	Header *Header `json:"header"`
	// Raw is the page as read.
	Raw []byte `json:"-"`
}

// ReadTrailer reads the last page of a database file of size bytes and
// pageSize-byte pages as the backup trailer, verifying its checksum (a
// mismatch, or a page of zeros, is ese.ErrBadPatchPage -535, the engine's
// "trailer page missing or corrupt"; so is a file that ends early). The
// header is returned with a checksum error so callers can look at it. A
// page size other than 2, 4, 8, 16 or 32 KiB wraps ese.ErrInvalidParameter.
func ReadTrailer(r io.ReaderAt, size int64, pageSize int) (*Trailer, error) {
	if !ese.ValidPageSize(pageSize) {
		return nil, badPageSize(pageSize)
	}
	if size < 3*int64(pageSize) || size%int64(pageSize) != 0 {
		return nil, ese.NewFormatError("backup trailer", size, ese.ErrBadPatchPage,
			"database file of %d bytes is not two header pages, data pages and a %d-byte trailer page", size, pageSize)
	}
	off := size - int64(pageSize)
	raw, err := bin.ReadAt(r, off, pageSize)
	if err != nil {
		return nil, readError("backup trailer page", off, err)
	}
	t := &Trailer{Offset: off, PageSize: pageSize, Raw: raw}
	if bin.IsZero(raw) {
		return t, ese.NewFormatError("backup trailer", off, ese.ErrBadPatchPage,
			"last page is all zero: no trailer page (incomplete backup, or already merged)")
	}
	t.Header, err = DecodeHeader(raw)
	var fe *ese.FormatError
	if errors.As(err, &fe) {
		// DecodeHeader places its error in the page; say where the page
		// is in the file, and that the trailer is corrupt.
		at := off
		if fe.Offset > 0 {
			at += fe.Offset
		}
		return t, &corruptTrailerError{&ese.FormatError{What: "backup trailer", Offset: at, Msg: "corrupt trailer page: " + fe.Msg, Err: fe.Err}}
	}
	return t, err
}

// corruptTrailerError is ReadTrailer's error for a last page that is
// there but does not check as a trailer page.
type corruptTrailerError struct{ *ese.FormatError }

func (e *corruptTrailerError) Unwrap() error { return e.FormatError }

// ReadBackupDatabase reads the header of a database copy and, when the
// header says its trailer is pending, the trailer, and checks that they
// match (Match). It returns the header, the trailer (nil when not
// pending) and the state. Errors: see ese.ReadDBHeader, ReadTrailer,
// Match; a database that is not a backup copy is not an error here (its
// state says so).
func ReadBackupDatabase(r io.ReaderAt) (*ese.DBHeader, *Trailer, TrailerState, error) {
	hc, err := ese.ReadDBHeader(r)
	if err != nil {
		return nil, nil, "", err
	}
	db := hc.Header
	st := StateOf(db)
	if st != TrailerPending {
		return db, nil, st, nil
	}
	size, err := bin.Size(r)
	if err != nil {
		return db, nil, st, fmt.Errorf("esepatch: database size: %w", err)
	}
	t, err := ReadTrailer(r, size, hc.PageSize)
	if err != nil {
		return db, t, st, err
	}
	return db, t, st, Match(db, t.Header)
}

// MergeTrailer does to the header what the engine does before hard
// recovery (ErrDBIUpdateHeaderFromTrailer), after Match succeeds: it sets
// CurFullBackup.GenHigh from the trailer; lowers GenMinRequired to the
// trailer's when that is lower (and not 0); raises GenMaxRequired and
// GenMaxCommitted, with their times, to the trailer's, the trailer's
// GenHigh standing in for values it left 0; then sets GenMinConsistent to
// GenMinRequired and clears GenPreRedoMinConsistent and
// GenPreRedoMinRequired. The caller writes the header back (both copies)
// and zeroes the trailer page.
func MergeTrailer(db *ese.DBHeader, t *Header) error {
	if err := Match(db, t); err != nil {
		return err
	}
	db.CurFullBackup.GenHigh = t.Backup.GenHigh
	high := t.Backup.GenHigh
	minReq := t.GenMinRequired
	maxReq := t.GenMaxRequired
	maxCom := t.GenMaxCommitted
	if maxReq <= 0 {
		maxReq = high
	}
	if maxCom <= 0 {
		maxCom = high
	}
	if minReq > 0 && minReq < db.GenMinRequired {
		db.GenMinRequired = minReq
	}
	if maxReq >= db.GenMaxRequired {
		db.GenMaxRequiredTime = t.GenMaxRequiredTime
		db.GenMaxRequired = maxReq
	}
	if maxCom >= db.GenMaxCommitted {
		db.GenMaxCreateTime = t.GenMaxCommittedTime
		db.GenMaxCommitted = maxCom
	}
	db.GenMinConsistent = db.GenMinRequired
	db.GenPreRedoMinConsistent = 0
	db.GenPreRedoMinRequired = 0
	return nil
}
