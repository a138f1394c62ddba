package ese

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/esekit/esekit/internal/bin"
)

// DBHeaderCopies is what ReadDBHeader found in the two header copies of a
// database file (docs/database.md#shadowed-header): the primary at offset 0 and the shadow
// at offset PageSize.
type DBHeaderCopies struct {
	// PageSize is the detected header (page) size: the smallest of 2, 4, 8,
	// 16 and 32 KiB for which a copy verifies.
	PageSize int
	// Header is the copy in use: the primary when it verifies, else the
	// shadow (then UsedShadow is true).
	Header *DBHeader
	// Primary and Shadow are both copies decoded at PageSize, whether or
	// not they verify (nil when the file is too short to hold one).
	Primary, Shadow *DBHeader
	// HeaderChecksumOK reports that the primary copy verifies: its
	// checksum matches and its PageSize field equals the detected size.
	HeaderChecksumOK bool
	// ShadowOK reports that the shadow copy verifies and agrees with the
	// primary: the engine calls a shadow that verifies but differs from a
	// good primary bad, and rewrites it.
	ShadowOK bool
	// UsedShadow reports that the primary copy was bad and Header is the
	// shadow.
	UsedShadow bool
	// PrimaryBytes and ShadowBytes are the raw copies (each PageSize long,
	// or shorter when the file ends first).
	PrimaryBytes, ShadowBytes []byte
}

// headerCopyGood reports whether b is a whole header copy of size c whose
// checksum matches and, when pageSizeOff >= 0, whose page-size field (0 ⇒
// 4096) equals c.
func headerCopyGood(b []byte, c, pageSizeOff int) bool {
	if len(b) != c || c < 8 {
		return false
	}
	if bin.U32(b, 0) != HeaderChecksum(b) {
		return false
	}
	if pageSizeOff < 0 {
		return true
	}
	ps := int(bin.U32(b, pageSizeOff))
	if ps == 0 {
		ps = DefaultPageSize
	}
	return ps == c
}

// ReadDBHeader reads both header copies of a database with the engine's
// rules (docs/database.md#shadowed-header): for each candidate size C = 2, 4, 8, 16, 32 KiB
// it reads [0,C) and [C,2C); a copy is good when its header checksum
// matches and its PageSize field equals C. The first C with a good copy
// wins; the primary is used when good, else the shadow.
//
// Errors: a file with no good copy gets a FormatError wrapping
// ErrDatabaseCorrupted (the engine's JET_errReadVerifyFailure, -1018, which
// it remaps to -1206 for databases); a good copy with the wrong magic gets
// ErrDatabaseCorrupted; an old format gets ErrDatabase500Format (0x500) or
// ErrInvalidDatabaseVersion; a header whose FileType is not a database
// gets ErrFileInvalidType. Read errors other than a short file are
// returned wrapped.
func ReadDBHeader(r io.ReaderAt) (*DBHeaderCopies, error) {
	want := int64(2 * MaxPageSize)
	if size, err := bin.Size(r); err == nil && size < want {
		want = size
	}
	buf := make([]byte, want)
	n, err := r.ReadAt(buf, 0)
	if err != nil && err != io.EOF && n < len(buf) {
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("ese: reading database header: %w", err)
		}
	}
	buf = buf[:n]
	if n < DBHeaderSize {
		return nil, NewFormatError("database header", int64(n), ErrDatabaseCorrupted,
			"file has %d bytes, too short for a database header", n)
	}
	for c := MinPageSize; c <= MaxPageSize; c *= 2 {
		a := buf[:min(c, n)]
		s := buf[min(c, n):min(2*c, n)]
		aGood := headerCopyGood(a, c, dbHeaderPageSizeOffset)
		sGood := headerCopyGood(s, c, dbHeaderPageSizeOffset)
		if !aGood && !sGood {
			continue
		}
		res := &DBHeaderCopies{
			PageSize:         c,
			HeaderChecksumOK: aGood,
			PrimaryBytes:     a,
			ShadowBytes:      s,
		}
		res.Primary, _ = DecodeDBHeader(a)
		res.Shadow, _ = DecodeDBHeader(s)
		switch {
		case aGood:
			res.Header = res.Primary
			res.ShadowOK = sGood && bytes.Equal(a, s)
		default:
			res.Header = res.Shadow
			res.ShadowOK = true
			res.UsedShadow = true
		}
		off := int64(0)
		if res.UsedShadow {
			off = int64(c)
		}
		return res, res.Header.check(off)
	}
	return nil, NewFormatError("database header", 0, ErrDatabaseCorrupted,
		"no header copy verifies at any page size (checksum or page size wrong: %v)", ErrReadVerifyFailure)
}

// check applies the engine's attach-time tests of a verified header: magic,
// format version, file type and attribute.
func (h *DBHeader) check(off int64) error {
	switch {
	case h.Magic != DBMagic:
		return NewFormatError("database header", off+4, ErrDatabaseCorrupted, "magic %#x, want %#x", h.Magic, uint32(DBMagic))
	case h.FormatVersion == 0x500:
		return NewFormatError("database header", off+8, ErrDatabase500Format, "ESE 5.00 database (format 0x500)")
	case h.FormatVersion == 0x400:
		return NewFormatError("database header", off+8, ErrDatabase400Format, "JET 4.00 database (format 0x400)")
	case h.FormatVersion < DBFormatVersion:
		return NewFormatError("database header", off+8, ErrInvalidDatabaseVersion, "format version %#x is older than 0x620", h.FormatVersion)
	case h.FileType != FileTypeUnknown && h.FileType != FileTypeDatabase && h.FileType != FileTypeTempDatabase:
		return NewFormatError("database header", off+667, ErrFileInvalidType, "file type %v is not a database", h.FileType)
	case h.Attrib != 0:
		return NewFormatError("database header", off+12, ErrFileInvalidType, "attribute %d is not a database", h.Attrib)
	}
	return nil
}

// CheckPageSize returns a FormatError wrapping ErrPageSizeMismatch when
// the detected page size is not want (the engine's -1213 when a database's
// page size differs from the instance's).
func (c *DBHeaderCopies) CheckPageSize(want int) error {
	if c.PageSize != want {
		return NewFormatError("database header", dbHeaderPageSizeOffset, ErrPageSizeMismatch,
			"page size %d, expected %d", c.PageSize, want)
	}
	return nil
}
