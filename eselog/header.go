package eselog

import (
	"errors"
	"fmt"
	"io"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// HeaderSize is the size of a log file header (LGFILEHDR): the first 4096
// bytes of every log file, in both body formats.
const HeaderSize = 4096

// Offsets of the log header's variable areas.
const (
	attachListOffset = 671  // rgbAttach, ese.AttachListSize bytes
	paddingOffset    = 2719 // rgbPadding up to HeaderSize
	paddingSize      = HeaderSize - paddingOffset
)

// Log header flag bits (FileHeader.LogFlags, offset 639).
const (
	LogFlagReservedLog            = 0x01 // this file is a reserve log in use (fLGReservedLog)
	LogFlagCircularLogging        = 0x02 // circular logging is on (fLGCircularLoggingCurrent)
	LogFlagCircularLoggingHistory = 0x04 // circular logging was on for earlier files (fLGCircularLoggingHistory)
)

// Version numbers the header gate knows about.
const (
	// VersionMajorSegment is the major version of the modern segment format.
	VersionMajorSegment = 8
	// VersionMinorSegment is the frozen minor version of modern logs.
	VersionMinorSegment = 4000
	// VersionMajorLegacy and VersionMinorLegacy identify the legacy
	// LRCHECKSUM format (7.3704.x), which the engine still reads.
	VersionMajorLegacy = 7
	VersionMinorLegacy = 3704
	// MaxVersionUpdateMajor is the highest update-major version the
	// reference engine (ESE source at 7030fe7, JET_efvOptionallyUniqueIndices
	// = log 8.130.280) accepts; newer logs get ese.ErrBadLogVersion.
	MaxVersionUpdateMajor = 130
	// versionUpdateNewLVChunk is 7.3704.14: older legacy logs are refused
	// for databases with pages larger than 8 KiB (long-value chunk change).
	versionUpdateNewLVChunk = 14
)

// SegmentSize is the size of a modern (major 8) log segment, which is also
// the sector size such logs must declare.
const SegmentSize = 4096

// FileHeader is LGFILEHDR, the 4096-byte header of a log file
// (docs/logs.md#log-file-header). Fields are in on-disk order; offsets are from
// the start of the file. All integers are little-endian.
type FileHeader struct {
	// Checksum is the stored header checksum (+0, u32): 0x89ABCDEF XOR every
	// u32 at offsets 4, 8, ... 4092 (ese.HeaderChecksum).
	Checksum uint32
	// Generation is this file's log generation (+4, i32).
	Generation ese.Generation
	// SectorSize is the sector size in bytes (+8, u16): 4096 (the segment
	// size) in modern logs, the disk sector size (512 or 4096) in legacy
	// logs.
	SectorSize uint16
	// HeaderSectors is the header size in sectors (+10, u16); normally
	// 4096/SectorSize. The engine recomputes it rather than trusting it.
	HeaderSectors uint16
	// FileSectors is the file size in sectors (+12, u16).
	FileSectors uint16
	// DbPageSize is the database page size in bytes (+14, u16); 0 means
	// 4096 (see PageSize).
	DbPageSize uint16
	// CreateTime is when this generation was created (+16).
	CreateTime ese.LogTime
	// PrevGenCreateTime is the previous generation's CreateTime (+24); zero
	// in generation 1.
	PrevGenCreateTime ese.LogTime
	// VersionMajor is the major format version (+32, u32): 8 for the
	// segment format, 7 for the legacy LRCHECKSUM format.
	VersionMajor uint32
	// VersionMinor is the deprecated minor version (+36, u32): 4000 in
	// modern logs, 3704 in legacy ones.
	VersionMinor uint32
	// VersionUpdateMajor is the update-major version (+40, u32).
	VersionUpdateMajor uint32
	// LogSignature identifies the log stream (+44, 28 bytes); the same in
	// every generation of one stream.
	LogSignature ese.Signature
	// DbmsParam holds the writer's run-time settings (+72, 567 bytes).
	DbmsParam ese.DBMSParam
	// LogFlags (+639, u8): LogFlagReservedLog, LogFlagCircularLogging,
	// LogFlagCircularLoggingHistory.
	LogFlags uint8
	// CheckpointAtCreation is the checkpoint when this file was created
	// (+640, 8 bytes).
	CheckpointAtCreation ese.LogPos
	// VersionUpdateMinor is the update-minor version (+648, u32); 0 in
	// legacy logs.
	VersionUpdateMinor uint32
	// DiskSectorSizeMismatch (+652, u8): 0 unknown or legacy, 1 the disk
	// sector size matches, 2/3/4/5 the real disk sector is
	// 512/1024/2048/4096 bytes, 255 other.
	DiskSectorSizeMismatch uint8
	// PrevLogAccumulatedChecksum is the XOR of the 64-bit checksums of every
	// valid segment of the previous generation (+653, u64); 0 when unknown.
	PrevLogAccumulatedChecksum uint64
	// EfvEngineCurrentDiagnostic is the engine format version of the binary
	// that wrote the file (+661, u32).
	EfvEngineCurrentDiagnostic uint32
	// Reserved (+665, 2 bytes).
	Reserved [2]byte
	// FileType is the file type (+667, u32): ese.FileTypeLog, or 0 in logs
	// older than 7.3704.5.
	FileType ese.FileType
	// Attached lists the databases attached when this generation began
	// (ATTACHINFO list at +671, in a 2048-byte area ending with a 0 byte).
	Attached []ese.AttachInfo
	// AttachRest holds the bytes of the 2048-byte attach area after the
	// list's terminating 0 byte, as found (normally all zero), so that the
	// header re-encodes byte for byte. Encode places them right after the
	// encoded list, cut to fit the area; missing bytes are zero. Decoding
	// leaves it nil when those bytes are all zero.
	AttachRest []byte
	// Padding holds bytes 2719..4095 (1377 bytes), normally zero.
	Padding [paddingSize]byte
}

// Legacy reports whether the file uses the legacy LRCHECKSUM body format
// (major version 7 or lower).
func (h *FileHeader) Legacy() bool { return h.VersionMajor <= VersionMajorLegacy }

// PageSize returns the database page size, mapping the stored 0 to 4096.
func (h *FileHeader) PageSize() int {
	if h.DbPageSize == 0 {
		return 4096
	}
	return int(h.DbPageSize)
}

// FileSize returns the file size the header declares: FileSectors ×
// SectorSize bytes.
func (h *FileHeader) FileSize() int64 { return int64(h.FileSectors) * int64(h.SectorSize) }

// DataSectors returns the first data sector, the header's size in sectors as
// the engine computes it (4096/SectorSize; 1 for modern logs, 8 for legacy
// logs with 512-byte sectors). It returns 0 when SectorSize is 0.
func (h *FileHeader) DataSectors() int {
	if h.SectorSize == 0 {
		return 0
	}
	return HeaderSize / int(h.SectorSize)
}

// FirstPos returns the first position a record of this generation can have:
// (Generation, 4096/SectorSize, 0).
func (h *FileHeader) FirstPos() ese.LogPos {
	return ese.LogPos{Generation: h.Generation, Sector: uint16(h.DataSectors())}
}

// CircularLogging reports whether circular logging was on when the file was
// written (LogFlagCircularLogging). When it is on, logs are recycled and
// roll-forward from a backup is impossible.
func (h *FileHeader) CircularLogging() bool { return h.LogFlags&LogFlagCircularLogging != 0 }

// CircularLoggingHistory reports whether circular logging was on for
// earlier generations (LogFlagCircularLoggingHistory).
func (h *FileHeader) CircularLoggingHistory() bool {
	return h.LogFlags&LogFlagCircularLoggingHistory != 0
}

// ReservedLog reports whether the file is a reserve log put in use
// (LogFlagReservedLog).
func (h *FileHeader) ReservedLog() bool { return h.LogFlags&LogFlagReservedLog != 0 }

// Version returns the format version as the engine's tools print it:
// "8.4000.60.140" (major.minor.updateMajor.updateMinor) for modern logs and
// "7.3704.15" for legacy ones, which have no update-minor (a legacy header
// with a non-zero update-minor prints all four parts).
func (h *FileHeader) Version() string {
	if h.VersionMajor < VersionMajorSegment && h.VersionUpdateMinor == 0 {
		return fmt.Sprintf("%d.%d.%d", h.VersionMajor, h.VersionMinor, h.VersionUpdateMajor)
	}
	return fmt.Sprintf("%d.%d.%d.%d", h.VersionMajor, h.VersionMinor, h.VersionUpdateMajor, h.VersionUpdateMinor)
}

// DecodeFileHeader decodes and validates a log file header. b must hold at
// least the 4096 header bytes. It applies the engine's checks in the
// engine's order (ErrLGIReadFileHeader, LOG_STREAM::ErrLGReadFileHdr):
//
//   - fixed-offset heuristics for very old formats: ese.ErrDatabase500Format
//     (-1212), ese.ErrDatabase400Format (-1211), ese.ErrDatabase200Format
//     (-1210);
//   - the header checksum: ese.ErrLogFileCorrupt (-501);
//   - the file type (3, or 0 in old logs): ese.ErrFileInvalidType (-1812);
//   - the version gate (8.4000 up to MaxVersionUpdateMajor, or 7.3704.x,
//     7.3704 before .14 only for pages up to 8 KiB): ese.ErrBadLogVersion
//     (-514);
//   - a modern log must declare 4096-byte sectors, a legacy log 512..4096
//     bytes dividing 4096: ese.ErrLogFileCorrupt;
//   - the attach list must be well formed: ese.ErrLogFileCorrupt.
//
// Errors are *ese.FormatError values wrapping those codes.
func DecodeFileHeader(b []byte) (*FileHeader, error) {
	if len(b) < HeaderSize {
		return nil, ese.NewFormatError("log header", int64(len(b)), ese.ErrLogFileCorrupt, "header needs %d bytes, have %d", HeaderSize, len(b))
	}
	b = b[:HeaderSize]
	// Old-format heuristics take precedence over the checksum (the engine
	// overwrites the checksum error with them).
	switch {
	case bin.I32(b, 24) == 4 && (bin.I32(b, 28) == 909 || bin.I32(b, 28) == 995) && bin.I32(b, 32) == 0:
		return nil, ese.NewFormatError("log header", 24, ese.ErrDatabase500Format, "log written by ESE 500 (JET 500 format)")
	case bin.I32(b, 20) == 443 && bin.I32(b, 24) == 0 && bin.I32(b, 28) == 0:
		return nil, ese.NewFormatError("log header", 20, ese.ErrDatabase400Format, "log written by JET 400")
	case bin.I32(b, 44) == 0 && bin.I32(b, 48) == 0x00CA0001:
		return nil, ese.NewFormatError("log header", 44, ese.ErrDatabase200Format, "log written by JET 200")
	}
	stored, computed := bin.U32(b, 0), ese.HeaderChecksum(b)
	if stored != computed {
		return nil, ese.NewFormatError("log header", 0, ese.ErrLogFileCorrupt, "header checksum 0x%08X, computed 0x%08X", stored, computed)
	}
	h := &FileHeader{
		Checksum:                   stored,
		Generation:                 ese.Generation(bin.I32(b, 4)),
		SectorSize:                 bin.U16(b, 8),
		HeaderSectors:              bin.U16(b, 10),
		FileSectors:                bin.U16(b, 12),
		DbPageSize:                 bin.U16(b, 14),
		CreateTime:                 ese.DecodeLogTime(b[16:]),
		PrevGenCreateTime:          ese.DecodeLogTime(b[24:]),
		VersionMajor:               bin.U32(b, 32),
		VersionMinor:               bin.U32(b, 36),
		VersionUpdateMajor:         bin.U32(b, 40),
		LogSignature:               ese.DecodeSignature(b[44:]),
		DbmsParam:                  ese.DecodeDBMSParam(b[72:]),
		LogFlags:                   b[639],
		CheckpointAtCreation:       ese.DecodeLogPos(b[640:]),
		VersionUpdateMinor:         bin.U32(b, 648),
		DiskSectorSizeMismatch:     b[652],
		PrevLogAccumulatedChecksum: bin.U64(b, 653),
		EfvEngineCurrentDiagnostic: bin.U32(b, 661),
		FileType:                   ese.FileType(bin.U32(b, 667)),
	}
	copy(h.Reserved[:], b[665:667])
	copy(h.Padding[:], b[paddingOffset:])
	if h.FileType != ese.FileTypeUnknown && h.FileType != ese.FileTypeLog {
		return nil, ese.NewFormatError("log header", 667, ese.ErrFileInvalidType, "file type is %v, not a log", h.FileType)
	}
	if err := h.checkVersion(); err != nil {
		return nil, err
	}
	if err := h.checkGeometry(); err != nil {
		return nil, err
	}
	area := b[attachListOffset : attachListOffset+ese.AttachListSize]
	list, used, err := ese.DecodeAttachList(area)
	if err != nil {
		var fe *ese.FormatError
		if errors.As(err, &fe) && fe.Offset >= 0 {
			fe.Offset += attachListOffset
			fe.What = "log header " + fe.What
		}
		return nil, err
	}
	h.Attached = list
	if !bin.IsZero(area[used:]) {
		h.AttachRest = append([]byte(nil), area[used:]...)
	}
	return h, nil
}

// checkVersion applies ErrLGICheckVersionCompatibility.
func (h *FileHeader) checkVersion() error {
	switch {
	case h.VersionMajor == VersionMajorSegment && h.VersionMinor == VersionMinorSegment:
		if h.VersionUpdateMajor > MaxVersionUpdateMajor {
			return ese.NewFormatError("log header", 40, ese.ErrBadLogVersion, "log version %s is newer than the newest known (8.4000.%d)", h.Version(), MaxVersionUpdateMajor)
		}
		return nil
	case h.VersionMajor == VersionMajorLegacy && h.VersionMinor == VersionMinorLegacy:
		if h.VersionUpdateMajor < versionUpdateNewLVChunk && ese.IsLargePage(h.PageSize()) {
			return ese.NewFormatError("log header", 40, ese.ErrBadLogVersion, "log version %s predates the long-value chunk change needed for %d-byte pages", h.Version(), h.PageSize())
		}
		return nil
	}
	return ese.NewFormatError("log header", 32, ese.ErrBadLogVersion, "unsupported log version %s", h.Version())
}

// checkGeometry validates the sector size for the body format.
func (h *FileHeader) checkGeometry() error {
	if !h.Legacy() {
		if h.SectorSize != SegmentSize {
			return ese.NewFormatError("log header", 8, ese.ErrLogFileCorrupt, "modern log declares %d-byte sectors, not %d", h.SectorSize, SegmentSize)
		}
		return nil
	}
	s := int(h.SectorSize)
	if s < 512 || s > HeaderSize || s&(s-1) != 0 {
		return ese.NewFormatError("log header", 8, ese.ErrLogFileCorrupt, "legacy log declares %d-byte sectors", h.SectorSize)
	}
	return nil
}

// ReadFileHeader reads and decodes the header at the start of r. A file
// shorter than the header gives an error wrapping ese.ErrLogFileCorrupt.
func ReadFileHeader(r io.ReaderAt) (*FileHeader, error) {
	b, err := bin.ReadAt(r, 0, HeaderSize)
	if err == bin.ErrShort {
		return nil, ese.NewFormatError("log header", int64(len(b)), ese.ErrLogFileCorrupt, "file ends after %d bytes, inside the %d-byte header", len(b), HeaderSize)
	}
	if err != nil {
		return nil, err
	}
	return DecodeFileHeader(b)
}

// Encode returns the 4096-byte header with a freshly computed checksum
// (Checksum is ignored). For a header decoded from a valid file it gives
// back the file's bytes exactly. It fails when the attach list does not fit
// in its area or holds an entry with DBID 0.
func (h *FileHeader) Encode() ([]byte, error) {
	b := make([]byte, HeaderSize)
	bin.PutI32(b, 4, int32(h.Generation))
	bin.PutU16(b, 8, h.SectorSize)
	bin.PutU16(b, 10, h.HeaderSectors)
	bin.PutU16(b, 12, h.FileSectors)
	bin.PutU16(b, 14, h.DbPageSize)
	h.CreateTime.Put(b[16:])
	h.PrevGenCreateTime.Put(b[24:])
	bin.PutU32(b, 32, h.VersionMajor)
	bin.PutU32(b, 36, h.VersionMinor)
	bin.PutU32(b, 40, h.VersionUpdateMajor)
	h.LogSignature.Put(b[44:])
	h.DbmsParam.Put(b[72:])
	b[639] = h.LogFlags
	h.CheckpointAtCreation.Put(b[640:])
	bin.PutU32(b, 648, h.VersionUpdateMinor)
	b[652] = h.DiskSectorSizeMismatch
	bin.PutU64(b, 653, h.PrevLogAccumulatedChecksum)
	bin.PutU32(b, 661, h.EfvEngineCurrentDiagnostic)
	copy(b[665:667], h.Reserved[:])
	bin.PutU32(b, 667, uint32(h.FileType))
	area := b[attachListOffset : attachListOffset+ese.AttachListSize]
	n, err := ese.EncodeAttachList(area, h.Attached)
	if err != nil {
		return nil, fmt.Errorf("eselog: log header: %w", err)
	}
	copy(area[n:], h.AttachRest)
	copy(b[paddingOffset:], h.Padding[:])
	bin.PutU32(b, 0, ese.HeaderChecksum(b))
	return b, nil
}
