package eselog

import (
	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// decodeSetHeader decides whether the first bytes of a file make it a log:
// DecodeFileHeader's checks, plus a positive generation. All-zero headers
// (never-used reserve and temporary logs) get their own message.
func decodeSetHeader(b []byte) (*FileHeader, error) {
	if len(b) >= HeaderSize && bin.IsZero(b[:HeaderSize]) {
		return nil, ese.NewFormatError("log header", 0, ese.ErrLogFileCorrupt, "header is all zero (a never-used reserve or temporary log)")
	}
	h, err := DecodeFileHeader(b)
	if err != nil {
		return nil, err
	}
	if h.Generation <= 0 {
		return nil, ese.NewFormatError("log header", 4, ese.ErrLogFileCorrupt, "generation %d (0x%X) is not positive", h.Generation, h.Generation)
	}
	return h, nil
}

// accumulatedChecked reports whether the engine checks h's
// PrevLogAccumulatedChecksum during redo: modern logs with the unified
// update-minor scheme at 13 or later (docs/logs.md#accumulated-checksum), and a stored
// value that is not zero.
func accumulatedChecked(h *FileHeader) bool {
	return h != nil && !h.Legacy() && h.VersionUpdateMinor >= 13 && h.PrevLogAccumulatedChecksum != 0
}
