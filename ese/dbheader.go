package ese

import (
	"fmt"

	"github.com/esekit/esekit/internal/bin"
)

// Database header constants (HEADERS.md §4).
const (
	// DBHeaderSize is the size of the DBFILEHDR structure; the rest of the
	// header page is zero when the engine writes it.
	DBHeaderSize = 748
	// DBMagic is the magic number at offset 4 of a database header
	// (ulDAEMagic); it is also the seed of the header checksum.
	DBMagic = 0x89ABCDEF
	// DBFormatVersion is the format version of every database an ESE97 or
	// later engine can attach (0x620).
	DBFormatVersion = 0x620
	// DefaultPageSize is the page size a PageSize field of 0 stands for.
	DefaultPageSize = 4096
	// dbHeaderPageSizeOffset is the offset of PageSize, the field readers
	// use to auto-detect the page size.
	dbHeaderPageSizeOffset = 236
)

// DbFlags bits (HEADERS.md §2.3), as a mask over the four DbFlags bytes read
// as a little-endian u32.
const (
	DbFlagShadowingDisabled  = 0x01       // byte 0: shadow header copy disabled
	DbFlagUpgradeDb          = 0x02       // byte 0: "upgrade DB" pending
	DbFlagSLVExists          = 0x04       // byte 0: obsolete
	DbFlagAttachedByESENT    = 0x01 << 24 // byte 3: ever attached by an ESENT (Windows) build
	DbFlagAttachedByESE      = 0x02 << 24 // byte 3: ever attached by an ESE (Exchange) build
	DbFlagAttachedByPrivate  = 0x04 << 24 // byte 3: ever attached by a private build
	DbFlagExternalExtentCach = 0x08 << 24 // byte 3: external extent-cache build option
)

// DBHeader is the database file header, DBFILEHDR (HEADERS.md §4.2): the
// first 748 bytes of page 0 of a database file and of its shadow copy at
// page-size offset. Offsets are bytes from the start of the page. All
// fields are kept as stored, so Put gives back the decoded bytes.
type DBHeader struct {
	// Checksum (0x000, u32) is the header checksum (§8.1) over the whole
	// header page.
	Checksum uint32
	// Magic (0x004, u32) is DBMagic, 0x89ABCDEF.
	Magic uint32
	// FormatVersion (0x008, u32) is the database format version, 0x620.
	FormatVersion uint32
	// Attrib (0x00C, i32) is 0 for a database (1 was the obsolete
	// streaming file).
	Attrib int32
	// DbTimeDirtied (0x010, u64) is the database's current (last) DBTIME.
	DbTimeDirtied uint64
	// DbSignature (0x018, 28 bytes) is the identity of this database.
	DbSignature Signature
	// State (0x034, u32) is the database state (§2.2).
	State DBState
	// ConsistentPos (0x038, LGPOS) is the log position at which the
	// database was last made consistent ("Last Consistent"); zero while
	// dirty.
	ConsistentPos LogPos
	// ConsistentTime (0x040, LOGTIME) is the time of ConsistentPos.
	ConsistentTime LogTime
	// AttachTime (0x048, LOGTIME) is the time of the last attach.
	AttachTime LogTime
	// AttachPos (0x050, LGPOS) is the log position of the last attach
	// (its Attach or CreateDB record).
	AttachPos LogPos
	// DetachTime (0x058, LOGTIME) is the time of the last detach.
	DetachTime LogTime
	// DetachPos (0x060, LGPOS) is the log position of the last detach.
	DetachPos LogPos
	// DbID (0x068, u32) is the DBID of the current attachment (1..6; 0 for
	// the instance's temporary database).
	DbID uint32
	// LogSignature (0x06C, 28 bytes) is the signature of the log stream
	// the database belongs to.
	LogSignature Signature
	// PrevFullBackup (0x088, BKINFO) is the last successful full backup.
	PrevFullBackup BackupInfo
	// PrevIncBackup (0x0A0, BKINFO) is the last successful incremental
	// backup (cleared when a full backup succeeds).
	PrevIncBackup BackupInfo
	// CurFullBackup (0x0B8, BKINFO) is the backup being taken or restored;
	// GenLow != 0 marks a streaming-backup copy.
	CurFullBackup BackupInfo
	// DbFlags (0x0D0, 4 bytes) are the database flag bytes (§2.3); see the
	// DbFlag* masks and Flags.
	DbFlags [4]byte
	// LastObjectID (0x0D4, u32) is the highest object id allocated.
	LastObjectID uint32
	// OSMajorVersion (0x0D8, u32) is the major Windows version that last
	// built the indexes (sort-order tracking).
	OSMajorVersion uint32
	// OSMinorVersion (0x0DC, u32) is its minor version.
	OSMinorVersion uint32
	// OSBuildNumber (0x0E0, u32) is its build number.
	OSBuildNumber uint32
	// OSServicePack (0x0E4, i32) is its service-pack number.
	OSServicePack int32
	// FormatUpdateMajor (0x0E8, u32) is the format update (§3.1), e.g. 20
	// in "0x620,20".
	FormatUpdateMajor uint32
	// PageSize (0x0EC, u32) is the page size in bytes; 0 means 4096. Use
	// EffectivePageSize.
	PageSize uint32
	// RepairCount (0x0F0, u32) counts the repairs that attached the file.
	RepairCount uint32
	// RepairTime (0x0F4, LOGTIME) is the time of the last repair.
	RepairTime LogTime
	// ReservedSLVSignature (0x0FC, 28 bytes) held the obsolete streaming
	// file's signature; zero.
	ReservedSLVSignature [28]byte
	// ScrubDbTime (0x118, u64) is the DBTIME of the last zeroing pass.
	ScrubDbTime uint64
	// ScrubTime (0x120, LOGTIME) is the time of the last zeroing pass.
	ScrubTime LogTime
	// GenMinRequired (0x128, i32) is the lowest log generation replay
	// needs; 0 when consistent.
	GenMinRequired int32
	// GenMaxRequired (0x12C, i32) is the highest generation replay needs
	// (the waypoint); 0 when consistent.
	GenMaxRequired int32
	// Upgrade55FormatPages (0x130, i32) is upgrade bookkeeping.
	Upgrade55FormatPages int32
	// UpgradeFreePages (0x134, i32) is upgrade bookkeeping.
	UpgradeFreePages int32
	// UpgradeSpaceMapPages (0x138, i32) is upgrade bookkeeping.
	UpgradeSpaceMapPages int32
	// CurSnapshotBackup (0x13C, BKINFO) is the current snapshot (VSS)
	// backup; a non-zero Mark means the file came from one.
	CurSnapshotBackup BackupInfo
	// CreateFormatVersion (0x154, u32) is the format version the file was
	// created with.
	CreateFormatVersion uint32
	// CreateFormatUpdate (0x158, u32) is the format update it was created
	// with.
	CreateFormatUpdate uint32
	// GenMaxCreateTime (0x15C, LOGTIME) is the creation time of log
	// generation GenMaxRequired.
	GenMaxCreateTime LogTime
	// PrevFullBackupType (0x164, u32) is the type of PrevFullBackup.
	PrevFullBackupType BackupType
	// PrevIncBackupType (0x168, u32) is the type of PrevIncBackup.
	PrevIncBackupType BackupType
	// RepairCountOld (0x16C, u32) is RepairCount before the last defrag.
	RepairCountOld uint32
	// ECCFixSuccessCount (0x170, u32) counts single-bit errors corrected.
	ECCFixSuccessCount uint32
	// ECCFixSuccessTime (0x174, LOGTIME) is the last such correction.
	ECCFixSuccessTime LogTime
	// ECCFixSuccessCountOld (0x17C, u32) is the count before the last
	// defrag.
	ECCFixSuccessCountOld uint32
	// ECCFixFailCount (0x180, u32) counts corrections that left the page
	// bad.
	ECCFixFailCount uint32
	// ECCFixFailTime (0x184, LOGTIME) is the last failed correction.
	ECCFixFailTime LogTime
	// ECCFixFailCountOld (0x18C, u32) is the count before the last defrag.
	ECCFixFailCountOld uint32
	// BadChecksumCount (0x190, u32) counts uncorrectable checksum errors.
	BadChecksumCount uint32
	// BadChecksumTime (0x194, LOGTIME) is the last one.
	BadChecksumTime LogTime
	// BadChecksumCountOld (0x19C, u32) is the count before the last defrag.
	BadChecksumCountOld uint32
	// GenMaxCommitted (0x1A0, i32) is the last log generation holding
	// committed data for this database.
	GenMaxCommitted int32
	// PrevCopyBackup (0x1A4, BKINFO) is the last copy backup.
	PrevCopyBackup BackupInfo
	// PrevDiffBackup (0x1BC, BKINFO) is the last differential backup
	// (cleared when a full backup succeeds).
	PrevDiffBackup BackupInfo
	// PrevCopyBackupType (0x1D4, u32) is the type of PrevCopyBackup.
	PrevCopyBackupType BackupType
	// PrevDiffBackupType (0x1D8, u32) is the type of PrevDiffBackup.
	PrevDiffBackupType BackupType
	// IncReseedCount (0x1DC, u32) counts incremental reseeds.
	IncReseedCount uint32
	// IncReseedTime (0x1E0, LOGTIME) is the last incremental reseed.
	IncReseedTime LogTime
	// IncReseedCountOld (0x1E8, u32) is the count before the last defrag.
	IncReseedCountOld uint32
	// PagePatchCount (0x1EC, u32) counts patched pages.
	PagePatchCount uint32
	// PagePatchTime (0x1F0, LOGTIME) is the last page patch.
	PagePatchTime LogTime
	// PagePatchCountOld (0x1F8, u32) is the count before the last defrag.
	PagePatchCountOld uint32
	// SortVersion (0x1FC, u64, unaligned) is deprecated; new engines write
	// all ones.
	SortVersion uint64
	// DbscanPrevTime (0x204, LOGTIME) is the end of the last finished
	// background checksum pass.
	DbscanPrevTime LogTime
	// DbscanStartTime (0x20C, LOGTIME) is the start of the current pass.
	DbscanStartTime LogTime
	// DbscanHighestContinuousPgno (0x214, u32) is the pass's progress.
	DbscanHighestContinuousPgno uint32
	// GenRecovering (0x218, i32) is the generation being redone.
	GenRecovering int32
	// ExtendCount (0x21C, u32) counts file extensions.
	ExtendCount uint32
	// LastExtendTime (0x220, LOGTIME) is the last extension.
	LastExtendTime LogTime
	// ShrinkCount (0x228, u32) counts file shrinks.
	ShrinkCount uint32
	// LastShrinkTime (0x22C, LOGTIME) is the last shrink.
	LastShrinkTime LogTime
	// LastReAttachTime (0x234, LOGTIME) is the last re-attach.
	LastReAttachTime LogTime
	// LastReAttachPos (0x23C, LGPOS) is the log position of the last
	// re-attach.
	LastReAttachPos LogPos
	// TrimCount (0x244, u32) counts trims.
	TrimCount uint32
	// DbHdrFlushSignature (0x248, 28 bytes) is regenerated at every header
	// write and matched against the flush map.
	DbHdrFlushSignature Signature
	// FlushMapHdrFlushSignature (0x264, 28 bytes) is the flush map's
	// header-flush signature.
	FlushMapHdrFlushSignature Signature
	// GenMinConsistent (0x280, i32) is the lowest generation needed to
	// become consistent (0 on older databases).
	GenMinConsistent int32
	// FormatUpdateMinor (0x284, u32) is the format update minor, e.g. 240
	// in "0x620,110.240".
	FormatUpdateMinor uint32
	// EfvMaxBinAttachDiagnostic (0x288, u32) is the highest engine format
	// version of any binary that attached the file.
	EfvMaxBinAttachDiagnostic uint32
	// DbscanHighestPgno (0x28C, u32) is the highest page the background
	// scan reached.
	DbscanHighestPgno uint32
	// LastResizePos (0x290, LGPOS) is the log position of the last extend
	// or shrink; equal to ConsistentPos after a clean detach.
	LastResizePos LogPos
	// Reserved1 (0x298, 3 bytes) is padding; zero.
	Reserved1 [3]byte
	// FileType (0x29B, u32) is FileTypeDatabase or FileTypeTempDatabase;
	// 0 on files written before 2001.
	FileType FileType
	// Reserved2 (0x29F, u8) is zero.
	Reserved2 uint8
	// GenMaxRequiredTime (0x2A0, LOGTIME) is the creation time of log
	// generation GenMaxRequired.
	GenMaxRequiredTime LogTime
	// GenPreRedoMinConsistent (0x2A8, i32) overrides GenMinConsistent at
	// the start of redo; else 0.
	GenPreRedoMinConsistent int32
	// GenPreRedoMinRequired (0x2AC, i32) overrides GenMinRequired at the
	// start of redo; else 0.
	GenPreRedoMinRequired int32
	// RBSHdrFlushSignature (0x2B0, 28 bytes) pairs the file with a revert
	// snapshot.
	RBSHdrFlushSignature Signature
	// RevertCount (0x2CC, u32) counts reverts from a revert snapshot.
	RevertCount uint32
	// RevertFromTime (0x2D0, LOGTIME) is the time reverted from.
	RevertFromTime LogTime
	// RevertToTime (0x2D8, LOGTIME) is the time reverted to.
	RevertToTime LogTime
	// RevertPageCount (0x2E0, u32) counts reverted pages.
	RevertPageCount uint32
	// CommitBeforeRevertPos (0x2E4, LGPOS) is the last commit before the
	// revert.
	CommitBeforeRevertPos LogPos

	// Tail holds bytes 748 and up of the header page when any of them is
	// non-zero (fields of formats newer than this package); nil when the
	// tail is zero, as the engine writes it. Put and Encode write it back.
	Tail []byte
}

// dbFields lists every fixed field of the header once, as (offset,
// pointer) pairs, so decoding and encoding cannot drift apart.
func (h *DBHeader) fields() []field {
	return []field{
		u32f(0x000, &h.Checksum), u32f(0x004, &h.Magic), u32f(0x008, &h.FormatVersion),
		i32f(0x00C, &h.Attrib), u64f(0x010, &h.DbTimeDirtied), sigf(0x018, &h.DbSignature),
		u32f(0x034, (*uint32)(&h.State)), posf(0x038, &h.ConsistentPos), timef(0x040, &h.ConsistentTime),
		timef(0x048, &h.AttachTime), posf(0x050, &h.AttachPos), timef(0x058, &h.DetachTime),
		posf(0x060, &h.DetachPos), u32f(0x068, &h.DbID), sigf(0x06C, &h.LogSignature),
		bkf(0x088, &h.PrevFullBackup), bkf(0x0A0, &h.PrevIncBackup), bkf(0x0B8, &h.CurFullBackup),
		bytesf(0x0D0, h.DbFlags[:]), u32f(0x0D4, &h.LastObjectID), u32f(0x0D8, &h.OSMajorVersion),
		u32f(0x0DC, &h.OSMinorVersion), u32f(0x0E0, &h.OSBuildNumber), i32f(0x0E4, &h.OSServicePack),
		u32f(0x0E8, &h.FormatUpdateMajor), u32f(0x0EC, &h.PageSize), u32f(0x0F0, &h.RepairCount),
		timef(0x0F4, &h.RepairTime), bytesf(0x0FC, h.ReservedSLVSignature[:]), u64f(0x118, &h.ScrubDbTime),
		timef(0x120, &h.ScrubTime), i32f(0x128, &h.GenMinRequired), i32f(0x12C, &h.GenMaxRequired),
		i32f(0x130, &h.Upgrade55FormatPages), i32f(0x134, &h.UpgradeFreePages), i32f(0x138, &h.UpgradeSpaceMapPages),
		bkf(0x13C, &h.CurSnapshotBackup), u32f(0x154, &h.CreateFormatVersion), u32f(0x158, &h.CreateFormatUpdate),
		timef(0x15C, &h.GenMaxCreateTime), u32f(0x164, (*uint32)(&h.PrevFullBackupType)),
		u32f(0x168, (*uint32)(&h.PrevIncBackupType)), u32f(0x16C, &h.RepairCountOld),
		u32f(0x170, &h.ECCFixSuccessCount), timef(0x174, &h.ECCFixSuccessTime), u32f(0x17C, &h.ECCFixSuccessCountOld),
		u32f(0x180, &h.ECCFixFailCount), timef(0x184, &h.ECCFixFailTime), u32f(0x18C, &h.ECCFixFailCountOld),
		u32f(0x190, &h.BadChecksumCount), timef(0x194, &h.BadChecksumTime), u32f(0x19C, &h.BadChecksumCountOld),
		i32f(0x1A0, &h.GenMaxCommitted), bkf(0x1A4, &h.PrevCopyBackup), bkf(0x1BC, &h.PrevDiffBackup),
		u32f(0x1D4, (*uint32)(&h.PrevCopyBackupType)), u32f(0x1D8, (*uint32)(&h.PrevDiffBackupType)),
		u32f(0x1DC, &h.IncReseedCount), timef(0x1E0, &h.IncReseedTime), u32f(0x1E8, &h.IncReseedCountOld),
		u32f(0x1EC, &h.PagePatchCount), timef(0x1F0, &h.PagePatchTime), u32f(0x1F8, &h.PagePatchCountOld),
		u64f(0x1FC, &h.SortVersion), timef(0x204, &h.DbscanPrevTime), timef(0x20C, &h.DbscanStartTime),
		u32f(0x214, &h.DbscanHighestContinuousPgno), i32f(0x218, &h.GenRecovering), u32f(0x21C, &h.ExtendCount),
		timef(0x220, &h.LastExtendTime), u32f(0x228, &h.ShrinkCount), timef(0x22C, &h.LastShrinkTime),
		timef(0x234, &h.LastReAttachTime), posf(0x23C, &h.LastReAttachPos), u32f(0x244, &h.TrimCount),
		sigf(0x248, &h.DbHdrFlushSignature), sigf(0x264, &h.FlushMapHdrFlushSignature),
		i32f(0x280, &h.GenMinConsistent), u32f(0x284, &h.FormatUpdateMinor),
		u32f(0x288, &h.EfvMaxBinAttachDiagnostic), u32f(0x28C, &h.DbscanHighestPgno),
		posf(0x290, &h.LastResizePos), bytesf(0x298, h.Reserved1[:]), u32f(0x29B, (*uint32)(&h.FileType)),
		u8f(0x29F, &h.Reserved2), timef(0x2A0, &h.GenMaxRequiredTime), i32f(0x2A8, &h.GenPreRedoMinConsistent),
		i32f(0x2AC, &h.GenPreRedoMinRequired), sigf(0x2B0, &h.RBSHdrFlushSignature), u32f(0x2CC, &h.RevertCount),
		timef(0x2D0, &h.RevertFromTime), timef(0x2D8, &h.RevertToTime), u32f(0x2E0, &h.RevertPageCount),
		posf(0x2E4, &h.CommitBeforeRevertPos),
	}
}

// DecodeDBHeader decodes a database header from b, which holds at least
// the 748-byte structure and normally the whole header page. It checks
// only the length; the checksum, magic and page size are for the caller
// (ReadDBHeader checks them). Non-zero bytes after the structure are kept
// in Tail.
func DecodeDBHeader(b []byte) (*DBHeader, error) {
	if len(b) < DBHeaderSize {
		return nil, NewFormatError("database header", int64(len(b)), ErrDatabaseCorrupted,
			"%d bytes, need %d", len(b), DBHeaderSize)
	}
	h := new(DBHeader)
	for _, f := range h.fields() {
		f.get(b[f.off:])
	}
	if tail := b[DBHeaderSize:]; !bin.IsZero(tail) {
		h.Tail = append([]byte(nil), tail...)
	}
	return h, nil
}

// Put stores h in b, which must hold at least DBHeaderSize bytes: the
// fixed fields as they are (Checksum included, not recomputed), then Tail
// (as much as fits) after them. Bytes of b past the structure and Tail are
// left unchanged.
func (h *DBHeader) Put(b []byte) {
	for _, f := range h.fields() {
		f.put(b[f.off:])
	}
	if len(b) > DBHeaderSize {
		copy(b[DBHeaderSize:], h.Tail)
	}
}

// Encode returns a header page of pageSize bytes (0: EffectivePageSize()):
// the fields, Tail, zeros, and a freshly computed header checksum at offset
// 0 (h.Checksum is not used or changed). For a decoded header whose
// checksum was good this gives back the page byte for byte.
func (h *DBHeader) Encode(pageSize int) []byte {
	if pageSize <= 0 {
		pageSize = h.EffectivePageSize()
	}
	pageSize = max(pageSize, DBHeaderSize+4) &^ 7 // HeaderChecksum needs a multiple of 8
	b := make([]byte, pageSize)
	h.Put(b)
	bin.PutU32(b, 0, HeaderChecksum(b))
	return b
}

// EffectivePageSize returns PageSize, with 0 read as 4096.
func (h *DBHeader) EffectivePageSize() int {
	if h.PageSize == 0 {
		return DefaultPageSize
	}
	return int(h.PageSize)
}

// Format returns the format version the way eseutil prints it and the
// corpus MANIFEST lists it: "0x620,20" (version in hex, update major in
// decimal), with ".minor" added when FormatUpdateMinor is not zero:
// "0x620,110.240".
func (h *DBHeader) Format() string {
	if h.FormatUpdateMinor != 0 {
		return fmt.Sprintf("0x%X,%d.%d", h.FormatVersion, h.FormatUpdateMajor, h.FormatUpdateMinor)
	}
	return fmt.Sprintf("0x%X,%d", h.FormatVersion, h.FormatUpdateMajor)
}

// FormatUpdate returns "major.minor" of the format update, e.g. "20.0" or
// "110.240".
func (h *DBHeader) FormatUpdate() string {
	return fmt.Sprintf("%d.%d", h.FormatUpdateMajor, h.FormatUpdateMinor)
}

// Flags returns the four DbFlags bytes as a little-endian u32, to test
// with the DbFlag* masks.
func (h *DBHeader) Flags() uint32 { return bin.U32(h.DbFlags[:], 0) }

// Consistent reports whether the database is in CleanShutdown state and
// so can be attached without logs.
func (h *DBHeader) Consistent() bool { return h.State == DBStateCleanShutdown }

// IsBackupCopy reports whether the file is a streaming (online) backup
// copy: CurFullBackup.GenLow is set. Hard recovery requires this, and
// soft recovery refuses it (JET_errSoftRecoveryOnBackupDatabase).
func (h *DBHeader) IsBackupCopy() bool { return h.CurFullBackup.GenLow != 0 }

// TrailerMerged reports whether a backup copy's trailer page has already
// been merged into the header (CurFullBackup.GenHigh set).
func (h *DBHeader) TrailerMerged() bool { return h.CurFullBackup.GenHigh != 0 }

// IsSnapshotBackup reports whether the file came from a snapshot (VSS)
// backup: CurSnapshotBackup.Mark is set.
func (h *DBHeader) IsSnapshotBackup() bool { return !h.CurSnapshotBackup.Mark.IsZero() }

// IsTemp reports whether this is a temporary database, whose pages the
// engine does not checksum: FileType is FileTypeTempDatabase, or (older
// engines, which wrote FileTypeDatabase there) DbID is 0, the DBID of an
// instance's temporary database.
func (h *DBHeader) IsTemp() bool {
	return h.FileType == FileTypeTempDatabase || h.DbID == 0
}

// IsLargePages reports whether the database uses 16 or 32 KiB pages.
func (h *DBHeader) IsLargePages() bool { return IsLargePage(h.EffectivePageSize()) }

// field is one fixed header field: its offset and how to move it between
// bytes and the struct.
type field struct {
	off      int
	get, put func(b []byte)
}

func u8f(off int, p *uint8) field {
	return field{off, func(b []byte) { *p = b[0] }, func(b []byte) { b[0] = *p }}
}
func u32f(off int, p *uint32) field {
	return field{off, func(b []byte) { *p = bin.U32(b, 0) }, func(b []byte) { bin.PutU32(b, 0, *p) }}
}
func i32f(off int, p *int32) field {
	return field{off, func(b []byte) { *p = bin.I32(b, 0) }, func(b []byte) { bin.PutI32(b, 0, *p) }}
}
func u64f(off int, p *uint64) field {
	return field{off, func(b []byte) { *p = bin.U64(b, 0) }, func(b []byte) { bin.PutU64(b, 0, *p) }}
}
func sigf(off int, p *Signature) field {
	return field{off, func(b []byte) { *p = DecodeSignature(b) }, func(b []byte) { p.Put(b) }}
}
func posf(off int, p *LogPos) field {
	return field{off, func(b []byte) { *p = DecodeLogPos(b) }, func(b []byte) { p.Put(b) }}
}
func timef(off int, p *LogTime) field {
	return field{off, func(b []byte) { *p = DecodeLogTime(b) }, func(b []byte) { p.Put(b) }}
}
func bkf(off int, p *BackupInfo) field {
	return field{off, func(b []byte) { *p = DecodeBackupInfo(b) }, func(b []byte) { p.Put(b) }}
}
func bytesf(off int, p []byte) field {
	return field{off, func(b []byte) { copy(p, b) }, func(b []byte) { copy(b, p) }}
}
