package ese

import (
	"errors"
	"fmt"
	"io"

	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/logfill"
	"github.com/esekit/esekit/internal/patchsize"
)

// Kind is what Identify found a file to be.
type Kind int

// File kinds. String gives the names the esekit CLI prints.
const (
	KindUnknown      Kind = iota // "unknown"
	KindDatabase                 // "database": DBFILEHDR, magic 0x89ABCDEF
	KindTempDatabase             // "temp_database": database header with FileType 5
	KindLog                      // "log": transaction log file
	KindCheckpoint               // "checkpoint": .chk / .jcp
	KindPatch                    // "patch": .pat file holding a PATCHHDR page
	KindFlushMap                 // "flush_map": .jfm
	KindReserveLog               // "reserve_log": unused pre-allocated log (zero- or pattern-filled)
)

var kindNames = [...]string{"unknown", "database", "temp_database", "log", "checkpoint", "patch", "flush_map", "reserve_log"}

// String returns the CLI name of k: "database", "temp_database", "log",
// "checkpoint", "patch", "flush_map", "reserve_log" or "unknown".
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// ParseKind maps a CLI name back to its Kind.
func ParseKind(s string) (Kind, bool) {
	for i, n := range kindNames {
		if n == s {
			return Kind(i), true
		}
	}
	return KindUnknown, false
}

// Identity describes a file as identified from its bytes (never its name).
type Identity struct {
	// Kind is the file kind.
	Kind Kind
	// Size is the file size in bytes.
	Size int64
	// PageSize is the page size: of a database (detected from the verified
	// header copy), of a patch file's PATCHHDR page, or, for a log, the
	// database page size its header records. 0 when not known.
	PageSize int
	// SectorSize is a log's sector size (4096 in v8 logs, the disk's in v7
	// logs); 0 for other kinds.
	SectorSize int
	// Format is the format version: "0x620,20" or "0x620,110.240" for
	// databases, "8.4000.60.140" or "7.3704.15" for logs, "FM 3.0.0" for
	// flush maps; "" when the kind has none.
	Format string
	// FileType is the u32 at offset 667 of the header (0 when the file
	// has no header or predates the field).
	FileType FileType
	// Generation is a log's generation (header offset 4) or a
	// checkpoint's checkpoint generation (offset 16); 0 otherwise.
	Generation Generation
	// HeaderOK reports that the header checksum verifies (for a
	// database: the primary copy; for a checkpoint: either copy).
	HeaderOK bool
	// Note adds detail, e.g. "zero-filled", "0xDA log-extend pattern",
	// "shadow header used", "header checksum bad".
	Note string
}

// identifyHead is how much of a file Identify reads up front: both
// header copies of a 32 KiB-page database.
const identifyHead = 2 * MaxPageSize

// reserveScanMax bounds how much of a large file Identify reads to decide
// that it is entirely zero- or pattern-filled; past it, only the last
// reserveScanTail bytes are read as well.
const (
	reserveScanMax  = 64 << 20
	reserveScanTail = 1 << 20
)

// Identify reads the start of r (and, for possible reserve logs, its
// content) and says what kind of ESE file it is, from the bytes alone:
//
//   - database / temp database: magic 0x89ABCDEF at offset 4; page size
//     and header copy as ReadDBHeader finds them (FileType 5 is temp);
//   - flush map: FileType 7 (HeaderOK: the header checksum over 8 KiB);
//   - log: header checksum over 4 KiB and FileType 3 (or 0 with a log
//     version 6..8 at offset 32 and file size = sectors × sector size);
//   - checkpoint: header checksum over either 4 KiB copy and FileType 4
//     (or 0 in an 8 KiB file);
//   - patch: a PATCHHDR page (docs/patch.md#patch-header): header checksum over the
//     page, bytes 4..39 zero, a database signature at 64, zero after 148;
//   - reserve log: entirely zero, or entirely the legacy 512-byte 0xDA
//     log-extend pattern (docs/logs.md#legacy-end-of-data).
//
// Anything else is KindUnknown (not an error). Errors are only read
// failures.
func Identify(r io.ReaderAt) (Identity, error) {
	size, err := bin.Size(r)
	if err != nil {
		return Identity{}, fmt.Errorf("ese: identify: %w", err)
	}
	id := Identity{Size: size}
	// A log (the most common file of a folder) is known from its first
	// 4 KiB; read the rest of the head only for the other kinds.
	var first [4096]byte
	if n, _ := r.ReadAt(first[:], 0); n == len(first) && bin.U32(first[:], 4) != DBMagic &&
		FileType(bin.U32(first[:], 667)) == FileTypeLog && bin.U32(first[:], 0) == HeaderChecksum(first[:]) {
		id.FileType = FileTypeLog
		logIdentity(first[:], &id)
		return id, nil
	}
	head, err := bin.ReadAt(r, 0, int(min(size, identifyHead)))
	if err != nil && !errors.Is(err, bin.ErrShort) {
		return id, fmt.Errorf("ese: identify: %w", err)
	}
	if len(head) == 0 {
		id.Note = "empty file"
		return id, nil
	}
	if len(head) >= 671 {
		id.FileType = FileType(bin.U32(head, 667))
	}
	if len(head) >= DBHeaderSize && bin.U32(head, 4) == DBMagic {
		identifyDatabase(r, head, &id)
		return id, nil
	}
	if identifyHeader(head, &id) {
		return id, nil
	}
	kind, note, err := fillPattern(r, size, head)
	if err != nil {
		return id, err
	}
	if kind != KindUnknown {
		id.Kind, id.Note, id.FileType = kind, note, 0
	}
	return id, nil
}

// identifyDatabase fills id for a file with the database magic.
func identifyDatabase(r io.ReaderAt, head []byte, id *Identity) {
	id.Kind = KindDatabase
	c, err := ReadDBHeader(r)
	if c == nil {
		// Magic but no verifying copy: still a database, a damaged one.
		id.Note = "header checksum bad (both copies)"
		if ps := int(bin.U32(head, dbHeaderPageSizeOffset)); ValidPageSize(ps) {
			id.PageSize = ps
		}
		return
	}
	h := c.Header
	id.PageSize = c.PageSize
	id.Format = h.Format()
	id.FileType = h.FileType
	id.HeaderOK = c.HeaderChecksumOK
	if h.FileType == FileTypeTempDatabase {
		id.Kind = KindTempDatabase
	}
	switch {
	case err != nil:
		id.Note = err.Error()
	case c.UsedShadow:
		id.Note = "primary header bad, shadow header used"
	case !c.ShadowOK:
		id.Note = "shadow header bad"
	}
}

// identifyHeader recognises the kinds with a checksummed header that is
// not a database header: flush map, log, checkpoint, patch.
func identifyHeader(head []byte, id *Identity) bool {
	ok := func(off, n int) bool {
		return len(head) >= off+n && bin.U32(head, off) == HeaderChecksum(head[off:off+n])
	}
	ok4, okShadow := ok(0, 4096), ok(4096, 4096)
	switch id.FileType {
	case FileTypeFlushMap:
		// FileType 7 names a flush map as the magic names a database: a
		// map whose header checksum fails is still a map, a damaged one.
		id.Kind, id.HeaderOK = KindFlushMap, ok(0, FlushMapPageSize)
		id.Format = fmt.Sprintf("FM %d.%d.%d", bin.U32(head, 4), bin.U32(head, 8), bin.U32(head, 12))
		if !id.HeaderOK {
			id.Note = "header checksum bad"
		}
		return true
	case FileTypeLog:
		if ok4 {
			logIdentity(head, id)
			return true
		}
	case FileTypeCheckpoint:
		if ok4 || okShadow {
			checkpointIdentity(head, id, ok4)
			return true
		}
	case FileTypeUnknown:
		if ps, isPatch := patchPageSize(head, id.Size); isPatch {
			id.Kind, id.PageSize, id.HeaderOK = KindPatch, ps, true
			return true
		}
		// Files older than the FileType field.
		if ok4 && legacyLogHeader(head, id.Size) {
			logIdentity(head, id)
			return true
		}
		if (ok4 || okShadow) && id.Size == 8192 {
			checkpointIdentity(head, id, ok4)
			return true
		}
	}
	return false
}

// legacyLogHeader applies the log tests that do not need FileType: a log
// major version of 6, 7 or 8 and a file size equal to sectors × sector
// size.
func legacyLogHeader(head []byte, size int64) bool {
	if len(head) < 44 {
		return false
	}
	v := bin.U32(head, 32)
	return v >= 6 && v <= 8 && int64(bin.U16(head, 8))*int64(bin.U16(head, 12)) == size
}

func logIdentity(head []byte, id *Identity) {
	id.Kind, id.HeaderOK = KindLog, true
	id.Generation = Generation(bin.I32(head, 4))
	id.SectorSize = int(bin.U16(head, 8))
	id.PageSize = int(bin.U16(head, 14))
	if id.PageSize == 0 {
		id.PageSize = DefaultPageSize
	}
	major, minor, upd, updMinor := bin.U32(head, 32), bin.U32(head, 36), bin.U32(head, 40), bin.U32(head, 648)
	if major >= 8 || updMinor != 0 {
		id.Format = fmt.Sprintf("%d.%d.%d.%d", major, minor, upd, updMinor)
	} else {
		id.Format = fmt.Sprintf("%d.%d.%d", major, minor, upd)
	}
	if want := int64(id.SectorSize) * int64(bin.U16(head, 12)); want != id.Size {
		id.Note = fmt.Sprintf("file size %d differs from the header's %d", id.Size, want)
	}
}

func checkpointIdentity(head []byte, id *Identity, primaryOK bool) {
	id.Kind, id.HeaderOK = KindCheckpoint, true
	copyOff := 0
	if !primaryOK {
		copyOff = 4096
		id.Note = "primary copy bad, shadow copy used"
	}
	id.Generation = Generation(bin.I32(head, copyOff+16))
}

// patchPageSize recognises a patch file (two PATCHHDR header pages, then
// page images) and returns its page size, by the rule esepatch uses
// (patchsize.Detect): the header checksum covers the whole page and the
// page is zero after the 148-byte PATCHHDR, so several sizes verify; the
// second copy decides. The page's PGHDR-shaped start (bytes 4..39) must be
// zero and the database signature at 64 set, and the chosen page must be
// zero after byte 148, as the engine writes it.
func patchPageSize(head []byte, size int64) (int, bool) {
	const patchHdrSize = 148
	if len(head) < MinPageSize || !bin.IsZero(head[4:40]) || DecodeSignature(head[64:]).IsZero() {
		return 0, false
	}
	ps, ok := patchsize.Detect(head, size, func(p []byte) bool { return bin.U32(p, 0) == HeaderChecksum(p) })
	if !ok || !bin.IsZero(head[patchHdrSize:ps]) {
		return 0, false
	}
	return ps, true
}

// fillPattern reports whether the file is entirely zero or entirely the
// log-extend pattern (a never-used reserve or temporary log). Files above
// reserveScanMax are judged on their first reserveScanMax and last
// reserveScanTail bytes.
func fillPattern(r io.ReaderAt, size int64, head []byte) (Kind, string, error) {
	if size < 4096 || size%512 != 0 {
		return KindUnknown, "", nil
	}
	zero := bin.IsZero(head)
	pattern := !zero && logfill.Matches(head, 0)
	if !zero && !pattern {
		return KindUnknown, "", nil
	}
	match := func(b []byte, off int64) bool {
		if zero {
			return bin.IsZero(b)
		}
		return logfill.Matches(b, off)
	}
	buf := make([]byte, min(1<<20, size))
	check := func(from, to int64) (bool, error) {
		for off := from; off < to; {
			n := int(min(int64(len(buf)), to-off))
			b, err := bin.ReadAt(r, off, n)
			if err != nil {
				return false, fmt.Errorf("ese: identify: %w", err)
			}
			if !match(b, off) {
				return false, nil
			}
			off += int64(n)
		}
		return true, nil
	}
	end := min(size, reserveScanMax)
	good, err := check(int64(len(head)), end)
	if err == nil && good && size > end {
		good, err = check(max(end, size-reserveScanTail), size)
	}
	if err != nil || !good {
		return KindUnknown, "", err
	}
	if zero {
		return KindReserveLog, "zero-filled", nil
	}
	return KindReserveLog, "0xDA log-extend pattern", nil
}
