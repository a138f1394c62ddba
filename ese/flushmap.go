package ese

import (
	"errors"
	"fmt"
	"io"

	"github.com/esekit/esekit/internal/bin"
)

// Flush map (.jfm) constants, from FMFILEHDR and CFlushMap in
// dev/ese/src/inc/flushmap.hxx and ulFMVersion*Max in
// dev/ese/src/inc/daedef.hxx.
const (
	// FlushMapPageSize is the size of every flush-map page, the header
	// page included (s_cbFlushMapPageOnDisk), whatever the database's page
	// size. Page n of the map's data (fmpgno n) is at (n+1)·8192.
	FlushMapPageSize = 8192
	// FlushMapHeaderSize is the size of FMFILEHDR; the rest of the header
	// page is zero when the engine writes it.
	FlushMapHeaderSize = 671
	// FlushMapVersionMajor, FlushMapVersionUpdateMajor and
	// FlushMapVersionUpdateMinor are the version the engine writes (3.0.0).
	// It reads a map whose major version is exactly 3 and whose update
	// major is at most 0; anything else is ErrFlushMapVersionUnsupported.
	FlushMapVersionMajor       = 3
	FlushMapVersionUpdateMajor = 0
	FlushMapVersionUpdateMinor = 0
)

// Flush map header flags (FMFILEHDR::fFlags).
const (
	// FlushMapFlagClean (fClean) is set when the map was closed cleanly:
	// the engine sets it at detach and clears it at attach.
	FlushMapFlagClean = 0x00000001
	// FlushMapFlagNewChecksumFormat (fPageNewChecksumFormat) is the page
	// flag of the XOR+ECC checksum; the header page itself always carries
	// the 32-bit header checksum.
	FlushMapFlagNewChecksumFormat = 0x00002000
)

// FlushMapHeader is the flush map file header, FMFILEHDR
// (dev/ese/src/inc/flushmap.hxx): the first 671 bytes of the 8 KiB header
// page of a .jfm file. A flush map holds, for every database page, the
// flush type (lost-flush detection) the page was last written with; the
// engine keeps it beside the database, named after it with the extension
// .jfm. Offsets are bytes from the start of the page. All fields are kept
// as stored, so Put gives back the decoded bytes.
type FlushMapHeader struct {
	// Checksum (0x000, u32) is the header checksum (HeaderChecksum) over
	// the whole 8 KiB header page.
	Checksum uint32
	// VersionMajor (0x004, u32), VersionUpdateMajor (0x008, u32) and
	// VersionUpdateMinor (0x00C, u32) are the map's format version, 3.0.0.
	VersionMajor       uint32
	VersionUpdateMajor uint32
	VersionUpdateMinor uint32
	// FlagsPadding (0x010, 20 bytes) is alignment padding so Flags lands
	// where a database page keeps its flags; zero.
	FlagsPadding [20]byte
	// Flags (0x024, u32) holds the FlushMapFlag* bits.
	Flags uint32
	// CreateTime (0x028, LOGTIME) is when the map was created.
	CreateTime LogTime
	// AttachTime (0x030, LOGTIME) is when the map was last attached
	// (equal to CreateTime in a new map).
	AttachTime LogTime
	// DetachTime (0x038, LOGTIME) is when the map was last detached.
	DetachTime LogTime
	// GenMinRequired (0x040, i32) is the lowest log generation needed to
	// rebuild the map after a crash; 0 after a clean detach.
	GenMinRequired Generation
	// GenMinRequiredTarget (0x044, i32) is the GenMinRequired a full map
	// flush under way will set when it completes; 0 when none is.
	GenMinRequiredTarget Generation
	// FlushLastStartedTime (0x048, LOGTIME) is when the last full map
	// flush started.
	FlushLastStartedTime LogTime
	// FlushLastCompletedTime (0x050, LOGTIME) is when the last full map
	// flush completed.
	FlushLastCompletedTime LogTime
	// DbHdrFlushSignature (0x058, 28 bytes) is the database header's
	// DbHdrFlushSignature when this map header was last written.
	DbHdrFlushSignature Signature
	// FlushMapHdrFlushSignature (0x074, 28 bytes) is drawn at random at
	// every write of this header; the database header copies it when it
	// is written after the map's header.
	FlushMapHdrFlushSignature Signature
	// FileTypePadding (0x090, 523 bytes) is alignment padding so FileType
	// lands at 667 like in every other ESE header; zero.
	FileTypePadding [523]byte
	// FileType (0x29B, u32, unaligned) is FileTypeFlushMap (7).
	FileType FileType
	// Tail holds the header page's bytes after the structure (offset 671
	// to 8191) when any is non-zero; nil otherwise.
	Tail []byte
}

// flushMapHeaderLayout lists every FMFILEHDR field with its offset, for
// DecodeFlushMapHeader and Put alike.
var flushMapHeaderLayout = [...]struct {
	off int
	ptr func(h *FlushMapHeader) any
}{
	{0x000, func(h *FlushMapHeader) any { return &h.Checksum }},
	{0x004, func(h *FlushMapHeader) any { return &h.VersionMajor }},
	{0x008, func(h *FlushMapHeader) any { return &h.VersionUpdateMajor }},
	{0x00C, func(h *FlushMapHeader) any { return &h.VersionUpdateMinor }},
	{0x010, func(h *FlushMapHeader) any { return &h.FlagsPadding }},
	{0x024, func(h *FlushMapHeader) any { return &h.Flags }},
	{0x028, func(h *FlushMapHeader) any { return &h.CreateTime }},
	{0x030, func(h *FlushMapHeader) any { return &h.AttachTime }},
	{0x038, func(h *FlushMapHeader) any { return &h.DetachTime }},
	{0x040, func(h *FlushMapHeader) any { return &h.GenMinRequired }},
	{0x044, func(h *FlushMapHeader) any { return &h.GenMinRequiredTarget }},
	{0x048, func(h *FlushMapHeader) any { return &h.FlushLastStartedTime }},
	{0x050, func(h *FlushMapHeader) any { return &h.FlushLastCompletedTime }},
	{0x058, func(h *FlushMapHeader) any { return &h.DbHdrFlushSignature }},
	{0x074, func(h *FlushMapHeader) any { return &h.FlushMapHdrFlushSignature }},
	{0x090, func(h *FlushMapHeader) any { return &h.FileTypePadding }},
	{0x29B, func(h *FlushMapHeader) any { return (*uint32)(&h.FileType) }},
}

// DecodeFlushMapHeader decodes a flush map header from b, which holds at
// least the 671-byte structure and normally the whole 8 KiB header page.
// It checks only the length; ReadFlushMapHeader applies the engine's
// checks. Non-zero bytes after the structure are kept in Tail.
func DecodeFlushMapHeader(b []byte) (*FlushMapHeader, error) {
	if len(b) < FlushMapHeaderSize {
		return nil, NewFormatError("flush map header", int64(len(b)), ErrFileIOBeyondEOF,
			"%d bytes, need %d", len(b), FlushMapHeaderSize)
	}
	h := new(FlushMapHeader)
	for _, f := range flushMapHeaderLayout {
		getField(f.ptr(h), b[f.off:])
	}
	tail := b[FlushMapHeaderSize:min(len(b), FlushMapPageSize)]
	if !bin.IsZero(tail) {
		h.Tail = append([]byte(nil), tail...)
	}
	return h, nil
}

// Put stores h in b, which must hold at least FlushMapHeaderSize bytes:
// the fields as they are (Checksum included, not recomputed), then Tail (as
// much as fits). Bytes of b past the structure and Tail are left unchanged.
func (h *FlushMapHeader) Put(b []byte) {
	for _, f := range flushMapHeaderLayout {
		putField(f.ptr(h), b[f.off:])
	}
	if len(b) > FlushMapHeaderSize {
		copy(b[FlushMapHeaderSize:], h.Tail)
	}
}

// Encode returns the 8 KiB header page: the fields, Tail, zeros, and a
// freshly computed header checksum at offset 0 (h.Checksum is not used or
// changed). For a decoded header whose checksum was good this gives back
// the page byte for byte.
func (h *FlushMapHeader) Encode() []byte {
	b := make([]byte, FlushMapPageSize)
	h.Put(b)
	bin.PutU32(b, 0, HeaderChecksum(b))
	return b
}

// Version returns the format version as "3.0.0".
func (h *FlushMapHeader) Version() string {
	return fmt.Sprintf("%d.%d.%d", h.VersionMajor, h.VersionUpdateMajor, h.VersionUpdateMinor)
}

// Clean reports whether the map was closed cleanly (FlushMapFlagClean).
func (h *FlushMapHeader) Clean() bool { return h.Flags&FlushMapFlagClean != 0 }

// NewChecksumFormat reports FlushMapFlagNewChecksumFormat.
func (h *FlushMapHeader) NewChecksumFormat() bool { return h.Flags&FlushMapFlagNewChecksumFormat != 0 }

// VersionSupported reports whether the engine reads this version: major
// exactly FlushMapVersionMajor, update major at most
// FlushMapVersionUpdateMajor.
func (h *FlushMapHeader) VersionSupported() bool {
	return h.VersionMajor == FlushMapVersionMajor && h.VersionUpdateMajor <= FlushMapVersionUpdateMajor
}

// Current reports whether the map belongs to the database whose header is
// db, by the engine's rule (CFlushMap::FCheckForDbFmConsistency_ in
// dev/ese/src/ese/flushmap.cxx): at least one of the two header-flush
// signatures is set in the database header and equal in both headers. The
// database signature matches when the map's header was written after the
// database header's last write; the map signature matches when the
// database header was written after the map's. A database header written
// without its map (the engine then clears FlushMapHdrFlushSignature) makes
// every older map stale.
func (h *FlushMapHeader) Current(db *DBHeader) bool {
	return (!db.DbHdrFlushSignature.IsZero() && db.DbHdrFlushSignature == h.DbHdrFlushSignature) ||
		(!db.FlushMapHdrFlushSignature.IsZero() && db.FlushMapHdrFlushSignature == h.FlushMapHdrFlushSignature)
}

// Check applies the engine's attach-time checks of a map against its
// database (CFlushMap::ErrValidateFmHdr_): not Current gives
// ErrFlushMapDatabaseMismatch; a map that was not closed cleanly is usable
// only when it can be rebuilt from the logs (logging is on, and both the
// database's and the map's GenMinRequired are set with the database's not
// above the map's), else ErrFlushMapUnrecoverable. The engine deletes a map
// that fails and creates a new one; it never uses its contents.
func (h *FlushMapHeader) Check(db *DBHeader, logging bool) error {
	if !h.Current(db) {
		return NewFormatError("flush map header", 0x058, ErrFlushMapDatabaseMismatch,
			"neither header-flush signature matches the database header (database %d/%d, map %d/%d)",
			db.DbHdrFlushSignature.Random, db.FlushMapHdrFlushSignature.Random,
			h.DbHdrFlushSignature.Random, h.FlushMapHdrFlushSignature.Random)
	}
	if h.Clean() {
		return nil
	}
	if !logging || db.GenMinRequired <= 0 || h.GenMinRequired <= 0 || db.GenMinRequired > h.GenMinRequired {
		return NewFormatError("flush map header", 0x040, ErrFlushMapUnrecoverable,
			"map not closed cleanly and not rebuildable (logging %v, database GenMinRequired %d, map GenMinRequired %d)",
			logging, db.GenMinRequired, h.GenMinRequired)
	}
	return nil
}

// ReadFlushMapHeader reads and decodes the header page of a flush map and
// applies the engine's checks that need no database
// (CFlushMap::ErrValidateFmHdr_, ErrChecksumFmPage_): the page must be
// 8 KiB (ErrFileIOBeyondEOF), not all zero (ErrPageNotInitialized), its
// header checksum must verify (ErrReadVerifyFailure), its FileType must be
// 7 (ErrFileInvalidType) and its version one the engine reads
// (ErrFlushMapVersionUnsupported). When the page could be read the header
// is returned with any error, so a damaged header can still be shown.
func ReadFlushMapHeader(r io.ReaderAt) (*FlushMapHeader, error) {
	b, err := bin.ReadAt(r, 0, FlushMapPageSize)
	if err != nil && !errors.Is(err, bin.ErrShort) {
		return nil, fmt.Errorf("ese: flush map header: %w", err)
	}
	if len(b) < FlushMapPageSize {
		h, _ := DecodeFlushMapHeader(b)
		return h, NewFormatError("flush map header", int64(len(b)), ErrFileIOBeyondEOF,
			"file of %d bytes is shorter than the %d-byte header page", len(b), FlushMapPageSize)
	}
	h, _ := DecodeFlushMapHeader(b)
	return h, checkFlushMapPage(b, h)
}

// checkFlushMapPage applies the database-independent checks to a decoded
// 8 KiB header page.
func checkFlushMapPage(b []byte, h *FlushMapHeader) error {
	switch {
	case bin.IsZero(b):
		return NewFormatError("flush map header", 0, ErrPageNotInitialized, "header page is all zero")
	case h.Checksum != HeaderChecksum(b):
		return NewFormatError("flush map header", 0, ErrReadVerifyFailure,
			"header checksum 0x%08X, computed 0x%08X", h.Checksum, HeaderChecksum(b))
	case h.FileType != FileTypeFlushMap:
		return NewFormatError("flush map header", 0x29B, ErrFileInvalidType,
			"file type %d, want %d (flush map)", uint32(h.FileType), uint32(FileTypeFlushMap))
	case !h.VersionSupported():
		return NewFormatError("flush map header", 4, ErrFlushMapVersionUnsupported,
			"version %s, the engine reads %d.%d.x", h.Version(), FlushMapVersionMajor, FlushMapVersionUpdateMajor)
	}
	return nil
}

// FlushMapPath returns the path of the flush map the engine keeps for the
// database at dbPath: the same folder and base name with the extension
// .jfm (CFlushMap::ErrGetFmPathFromDbPath).
func FlushMapPath(dbPath string) string {
	for i := len(dbPath) - 1; i >= 0; i-- {
		switch dbPath[i] {
		case '.':
			return dbPath[:i] + ExtFlushMap
		case '/', '\\':
			return dbPath + ExtFlushMap
		}
	}
	return dbPath + ExtFlushMap
}
