// Package esechk reads and writes ESE checkpoint files (edb.chk, SRU.chk,
// edb.jcp): the file that records where soft recovery must start replaying
// the transaction logs.
//
// A checkpoint file is two identical 4096-byte copies of one CHECKPOINT
// header (docs/checkpoint.md#checkpoint-layout). Each copy carries a 32-bit header checksum. Read
// applies the engine's shadow rules: the first good copy wins, a bad or
// differing second copy is reported but tolerated, and two bad copies are
// ese.ErrCheckpointCorrupt (-533).
//
// The checkpoint position also answers the housekeeping question: which
// numbered logs may be deleted once backed up (KB Q296787). That answer,
// which also weighs the databases and the current log, is
// recovery.TruncatableLogs; recovery.Inspect gives it for a whole folder.
// CheckpointInfo hands the checkpoint to eselog's log-set checks.
package esechk

import (
	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// Size is the size of one checkpoint copy; the file holds two.
const Size = 4096

// FileSize is the size of a complete checkpoint file (both copies).
const FileSize = 2 * Size

// Offsets of the fields of CHECKPOINT_FIXED inside one copy.
const (
	offChecksum         = 0
	offLastFullBackup   = 4
	offCheckpoint       = 12
	offLogSignature     = 20
	offDbmsParam        = 48
	offFullBackupPos    = 615
	offFullBackupTime   = 623
	offIncBackupPos     = 631
	offIncBackupTime    = 639
	offVersion          = 647
	offDbConsistencyPos = 648
	offReserved1        = 656
	offFileType         = 667
	offReserved2        = 671
	offAttachList       = 679
	offPadding          = offAttachList + ese.AttachListSize // 2727
)

// PaddingSize is the size of the area after the attach list, up to Size.
const PaddingSize = Size - offPadding // 1369

// VersionAttachInfoPresent is the Version bit saying the attach list is
// current (fCheckpointAttachInfoPresent). The engine clears it, and writes
// an empty list, on clean termination.
const VersionAttachInfoPresent = 0x01

// Checkpoint is one copy of a checkpoint header (CHECKPOINT_FIXED followed
// by the attach list), 4096 bytes. Offsets are from the start of the copy.
type Checkpoint struct {
	// Checksum is the header checksum as stored at +0 (docs/pages.md#header-checksum,
	// over bytes 0..4095). Encode recomputes it.
	Checksum uint32
	// LastFullBackupCheckpoint is the checkpoint at the time of the last
	// full online backup (+4); all zero when no online backup ever ran.
	LastFullBackupCheckpoint ese.LogPos
	// Checkpoint is where redo starts (+12): soft recovery replays from
	// this position, and its generation is the oldest log still needed.
	Checkpoint ese.LogPos
	// LogSignature is the signature of the log stream this checkpoint
	// belongs to (+20); a log with another signature is
	// ese.ErrBadCheckpointSignature (-532).
	LogSignature ese.Signature
	// DbmsParam holds the run-time settings (+48, 567 bytes): system and
	// log paths, circular logging, limits.
	DbmsParam ese.DBMSParam
	// FullBackupPos is the log position of a full backup in progress (+615).
	FullBackupPos ese.LogPos
	// FullBackupTime is the time of FullBackupPos (+623).
	FullBackupTime ese.LogTime
	// IncBackupPos is the log position of an incremental backup in
	// progress (+631).
	IncBackupPos ese.LogPos
	// IncBackupTime is the time of IncBackupPos (+639).
	IncBackupTime ese.LogTime
	// Version is the flag byte at +647; bit VersionAttachInfoPresent says
	// the attach list is current.
	Version uint8
	// DbConsistencyPos is the database consistency position (+648); when
	// zero the engine uses Checkpoint instead (see ConsistencyPos).
	DbConsistencyPos ese.LogPos
	// Reserved1 is 11 reserved bytes at +656, kept as read.
	Reserved1 [11]byte
	// FileType is the file type at +667: ese.FileTypeCheckpoint (4), or 0
	// in files written before 7.3704.5.
	FileType ese.FileType
	// Reserved2 is 8 reserved bytes at +671, kept as read.
	Reserved2 [8]byte
	// Attached is the decoded ATTACHINFO list at +679: the databases
	// attached at the checkpoint (docs/checkpoint.md#checkpoint-rules). The engine trusts it
	// only when Version has VersionAttachInfoPresent.
	Attached []ese.AttachInfo
	// AttachArea is the raw 2048-byte attach-list area at +679 as read.
	// The engine leaves stale entries after the terminating zero byte
	// (a clean shutdown only zeroes the first byte); Encode starts from
	// these bytes and writes Attached over them, so a decoded header
	// re-encodes byte for byte.
	AttachArea [ese.AttachListSize]byte
	// AttachListInvalid is set (it is not stored on disk) when the raw
	// attach area did not decode while VersionAttachInfoPresent was clear,
	// so the list was ignored as the engine ignores it. Encode then leaves
	// AttachArea untouched unless Attached is non-empty.
	AttachListInvalid bool
	// Padding is the 1369 bytes from +2727 to the end of the copy, zero
	// when written by the engine, kept as read.
	Padding [PaddingSize]byte
}

// AttachInfoPresent reports whether Version says the attach list is
// current.
func (c *Checkpoint) AttachInfoPresent() bool { return c.Version&VersionAttachInfoPresent != 0 }

// ConsistencyPos returns DbConsistencyPos, or Checkpoint when it is zero, as
// the engine reads it.
func (c *Checkpoint) ConsistencyPos() ese.LogPos {
	if c.DbConsistencyPos.IsZero() {
		return c.Checkpoint
	}
	return c.DbConsistencyPos
}

// Decode decodes one 4096-byte copy from b (which must hold at least Size
// bytes). It verifies the header checksum (mismatch: ese.ErrCheckpointCorrupt)
// and the file type (neither 4 nor 0: ese.ErrFileInvalidType). A malformed
// attach list is ese.ErrCheckpointCorrupt when Version says the list is
// present, and is otherwise recorded in AttachListInvalid and ignored.
func Decode(b []byte) (*Checkpoint, error) {
	if len(b) < Size {
		return nil, ese.NewFormatError("checkpoint", int64(len(b)), ese.ErrCheckpointCorrupt,
			"need %d bytes, have %d", Size, len(b))
	}
	b = b[:Size]
	stored := bin.U32(b, offChecksum)
	if sum := ese.HeaderChecksum(b); sum != stored {
		return nil, ese.NewFormatError("checkpoint", offChecksum, ese.ErrCheckpointCorrupt,
			"header checksum 0x%08X, computed 0x%08X", stored, sum)
	}
	c := decodeFields(b)
	if c.FileType != ese.FileTypeCheckpoint && c.FileType != ese.FileTypeUnknown {
		return nil, ese.NewFormatError("checkpoint", offFileType, ese.ErrFileInvalidType,
			"file type %d (%s) is not a checkpoint", uint32(c.FileType), c.FileType)
	}
	list, _, err := ese.DecodeAttachList(c.AttachArea[:])
	if err != nil {
		if c.AttachInfoPresent() {
			return nil, ese.NewFormatError("checkpoint attach list", offAttachList, ese.ErrCheckpointCorrupt,
				"%v", err)
		}
		c.AttachListInvalid = true
		list = nil
	}
	c.Attached = list
	return c, nil
}

// decodeFields fills every fixed field of b (Size bytes) without checks.
func decodeFields(b []byte) *Checkpoint {
	c := &Checkpoint{
		Checksum:                 bin.U32(b, offChecksum),
		LastFullBackupCheckpoint: ese.DecodeLogPos(b[offLastFullBackup:]),
		Checkpoint:               ese.DecodeLogPos(b[offCheckpoint:]),
		LogSignature:             ese.DecodeSignature(b[offLogSignature:]),
		DbmsParam:                ese.DecodeDBMSParam(b[offDbmsParam:]),
		FullBackupPos:            ese.DecodeLogPos(b[offFullBackupPos:]),
		FullBackupTime:           ese.DecodeLogTime(b[offFullBackupTime:]),
		IncBackupPos:             ese.DecodeLogPos(b[offIncBackupPos:]),
		IncBackupTime:            ese.DecodeLogTime(b[offIncBackupTime:]),
		Version:                  b[offVersion],
		DbConsistencyPos:         ese.DecodeLogPos(b[offDbConsistencyPos:]),
		FileType:                 ese.FileType(bin.U32(b, offFileType)),
	}
	copy(c.Reserved1[:], b[offReserved1:offFileType])
	copy(c.Reserved2[:], b[offReserved2:offAttachList])
	copy(c.AttachArea[:], b[offAttachList:offPadding])
	copy(c.Padding[:], b[offPadding:Size])
	return c
}

// Encode returns one 4096-byte copy of c with a freshly computed checksum
// (c.Checksum is not changed). Encoding a header returned by Decode gives
// back the bytes it was decoded from. It fails only when Attached does not
// fit in the 2048-byte attach area.
func (c *Checkpoint) Encode() ([]byte, error) {
	b := make([]byte, Size)
	c.LastFullBackupCheckpoint.Put(b[offLastFullBackup:])
	c.Checkpoint.Put(b[offCheckpoint:])
	c.LogSignature.Put(b[offLogSignature:])
	c.DbmsParam.Put(b[offDbmsParam:])
	c.FullBackupPos.Put(b[offFullBackupPos:])
	c.FullBackupTime.Put(b[offFullBackupTime:])
	c.IncBackupPos.Put(b[offIncBackupPos:])
	c.IncBackupTime.Put(b[offIncBackupTime:])
	b[offVersion] = c.Version
	c.DbConsistencyPos.Put(b[offDbConsistencyPos:])
	copy(b[offReserved1:], c.Reserved1[:])
	bin.PutU32(b, offFileType, uint32(c.FileType))
	copy(b[offReserved2:], c.Reserved2[:])
	area := b[offAttachList:offPadding]
	copy(area, c.AttachArea[:])
	if !c.AttachListInvalid || len(c.Attached) > 0 {
		if _, err := ese.EncodeAttachList(area, c.Attached); err != nil {
			return nil, err
		}
	}
	copy(b[offPadding:], c.Padding[:])
	bin.PutU32(b, offChecksum, ese.HeaderChecksum(b))
	return b, nil
}

// EncodeFile returns a complete checkpoint file: the encoded copy twice
// (8192 bytes), as the engine writes it.
func (c *Checkpoint) EncodeFile() ([]byte, error) {
	b, err := c.Encode()
	if err != nil {
		return nil, err
	}
	return append(b, b...), nil
}
