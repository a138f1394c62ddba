package eselog

import (
	"fmt"
	"io"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// logHeaderSize is the size of the log file header area (LGFILEHDR).
const logHeaderSize = 4096

// Log header flag bits (fLGFlags, header offset 639).
const (
	logFlagReserveLog      = 0x01 // this file is a reserve log in use
	logFlagCircularNow     = 0x02 // circular logging is on
	logFlagCircularWasOnce = 0x04 // circular logging was on for earlier files
)

// setHeader holds the log header fields the set scanner needs. It is read
// by peekSetHeader, which checks only what identifies a log file: the
// header checksum and the file type or version.
type setHeader struct {
	Generation      int32
	SectorSize      uint16
	FileSectors     uint16
	Created         ese.LogTime
	PrevCreated     ese.LogTime
	Major, Minor    uint32
	UpdateMajor     uint32
	UpdateMinor     uint32
	Signature       ese.Signature
	Flags           uint8
	CheckpointAt    ese.LogPos
	PrevAccumulated uint64
	Attached        []ese.AttachInfo
}

// format returns the version as the engine prints it, "8.4000.60.140", or
// "7.3704.15" for legacy logs that carry no update-minor.
func (h *setHeader) format() string {
	if h.Major < 8 && h.UpdateMinor == 0 {
		return fmt.Sprintf("%d.%d.%d", h.Major, h.Minor, h.UpdateMajor)
	}
	return fmt.Sprintf("%d.%d.%d.%d", h.Major, h.Minor, h.UpdateMajor, h.UpdateMinor)
}

// peekSetHeader reads the 4096-byte header at the start of r and decides
// whether it is a log file header. It returns an error wrapping
// ese.ErrLogFileCorrupt for anything that is not one (all-zero reserve
// logs, pattern-filled files, other file types, bad checksums).
func peekSetHeader(r io.ReaderAt) (*setHeader, error) {
	b, err := bin.ReadAt(r, 0, logHeaderSize)
	if err != nil {
		return nil, ese.NewFormatError("log file header", 0, ese.ErrLogFileCorrupt, "file is shorter than the 4096-byte header (%d bytes)", len(b))
	}
	return decodeSetHeader(b)
}

func decodeSetHeader(b []byte) (*setHeader, error) {
	if len(b) < logHeaderSize {
		return nil, ese.NewFormatError("log file header", 0, ese.ErrLogFileCorrupt, "header is %d bytes, need %d", len(b), logHeaderSize)
	}
	b = b[:logHeaderSize]
	if bin.IsZero(b) {
		return nil, ese.NewFormatError("log file header", 0, ese.ErrLogFileCorrupt, "header is all zero (a never-used reserve or temporary log)")
	}
	if got, want := bin.U32(b, 0), ese.HeaderChecksum(b); got != want {
		return nil, ese.NewFormatError("log file header", 0, ese.ErrLogFileCorrupt, "header checksum 0x%08X, computed 0x%08X", got, want)
	}
	h := &setHeader{
		Generation:      bin.I32(b, 4),
		SectorSize:      bin.U16(b, 8),
		FileSectors:     bin.U16(b, 12),
		Created:         ese.DecodeLogTime(b[16:]),
		PrevCreated:     ese.DecodeLogTime(b[24:]),
		Major:           bin.U32(b, 32),
		Minor:           bin.U32(b, 36),
		UpdateMajor:     bin.U32(b, 40),
		Signature:       ese.DecodeSignature(b[44:]),
		Flags:           b[639],
		CheckpointAt:    ese.DecodeLogPos(b[640:]),
		UpdateMinor:     bin.U32(b, 648),
		PrevAccumulated: bin.U64(b, 653),
	}
	ft := ese.FileType(bin.U32(b, 667))
	if ft != ese.FileTypeLog && !(ft == 0 && (h.Major == 7 || h.Major == 8)) {
		return nil, ese.NewFormatError("log file header", 667, ese.ErrFileInvalidType, "file type %d is not a log file", uint32(ft))
	}
	if h.Major != 7 && h.Major != 8 {
		return nil, ese.NewFormatError("log file header", 32, ese.ErrBadLogVersion, "log version %d.%d is not supported", h.Major, h.Minor)
	}
	if h.Generation <= 0 {
		return nil, ese.NewFormatError("log file header", 4, ese.ErrLogFileCorrupt, "generation %d is not positive", h.Generation)
	}
	list, _, err := ese.DecodeAttachList(b[671 : 671+ese.AttachListSize])
	if err != nil {
		return nil, err
	}
	h.Attached = list
	return h, nil
}
