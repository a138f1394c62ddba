package ese

import (
	"fmt"

	"github.com/esekit/esekit/internal/bin"
)

// Database header constants (docs/database.md).
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

// DbFlags bits (docs/database.md#header-flags), as a mask over the four DbFlags bytes read
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

// DBHeader is the database file header, DBFILEHDR (docs/database.md#database-header): the
// first 748 bytes of page 0 of a database file and of its shadow copy at
// page-size offset. Offsets are bytes from the start of the page. All
// fields are kept as stored, so Put gives back the decoded bytes.
type DBHeader struct {
	// Checksum (0x000, u32) is the header checksum (docs/pages.md#header-checksum) over the whole
	// header page.
	Checksum uint32
	// Magic (0x004, u32) is DBMagic, 0x89ABCDEF.
	Magic uint32
	// FormatVersion (0x008, u32) is the database format version, 0x620.
	FormatVersion uint32
	// Attrib (0x00C, i32) is 0 for a database (1 was the obsolete
	// streaming file).
	Attrib int32
	// DBTimeDirtied (0x010, u64) is the database's current (last) DBTIME.
	DBTimeDirtied uint64
	// DbSignature (0x018, 28 bytes) is the identity of this database.
	DbSignature Signature
	// State (0x034, u32) is the database state (docs/database.md#database-states).
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
	// DBID (0x068, u32) is the DBID of the current attachment (1..6; 0 for
	// the instance's temporary database).
	DBID uint32
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
	// DbFlags (0x0D0, 4 bytes) are the database flag bytes (docs/database.md#header-flags); see the
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
	// FormatUpdateMajor (0x0E8, u32) is the format update (docs/database.md#format-versions), e.g. 20
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
	// ScrubDBTime (0x118, u64) is the DBTIME of the last zeroing pass.
	ScrubDBTime uint64
	// ScrubTime (0x120, LOGTIME) is the time of the last zeroing pass.
	ScrubTime LogTime
	// GenMinRequired (0x128, i32) is the lowest log generation replay
	// needs; 0 when consistent.
	GenMinRequired Generation
	// GenMaxRequired (0x12C, i32) is the highest generation replay needs
	// (the waypoint); 0 when consistent.
	GenMaxRequired Generation
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
	GenMaxCommitted Generation
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
	GenRecovering Generation
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
	GenMinConsistent Generation
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
	GenPreRedoMinConsistent Generation
	// GenPreRedoMinRequired (0x2AC, i32) overrides GenMinRequired at the
	// start of redo; else 0.
	GenPreRedoMinRequired Generation
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

// dbHeaderLayout lists every fixed field of the header once, as its offset
// and a pointer into the struct, so that decoding and encoding cannot drift
// apart. The table is built once; using it allocates nothing.
var dbHeaderLayout = [...]struct {
	off int
	ptr func(h *DBHeader) any
}{
	{0x000, func(h *DBHeader) any { return &h.Checksum }},
	{0x004, func(h *DBHeader) any { return &h.Magic }},
	{0x008, func(h *DBHeader) any { return &h.FormatVersion }},
	{0x00C, func(h *DBHeader) any { return &h.Attrib }},
	{0x010, func(h *DBHeader) any { return &h.DBTimeDirtied }},
	{0x018, func(h *DBHeader) any { return &h.DbSignature }},
	{0x034, func(h *DBHeader) any { return (*uint32)(&h.State) }},
	{0x038, func(h *DBHeader) any { return &h.ConsistentPos }},
	{0x040, func(h *DBHeader) any { return &h.ConsistentTime }},
	{0x048, func(h *DBHeader) any { return &h.AttachTime }},
	{0x050, func(h *DBHeader) any { return &h.AttachPos }},
	{0x058, func(h *DBHeader) any { return &h.DetachTime }},
	{0x060, func(h *DBHeader) any { return &h.DetachPos }},
	{0x068, func(h *DBHeader) any { return &h.DBID }},
	{0x06C, func(h *DBHeader) any { return &h.LogSignature }},
	{0x088, func(h *DBHeader) any { return &h.PrevFullBackup }},
	{0x0A0, func(h *DBHeader) any { return &h.PrevIncBackup }},
	{0x0B8, func(h *DBHeader) any { return &h.CurFullBackup }},
	{0x0D0, func(h *DBHeader) any { return &h.DbFlags }},
	{0x0D4, func(h *DBHeader) any { return &h.LastObjectID }},
	{0x0D8, func(h *DBHeader) any { return &h.OSMajorVersion }},
	{0x0DC, func(h *DBHeader) any { return &h.OSMinorVersion }},
	{0x0E0, func(h *DBHeader) any { return &h.OSBuildNumber }},
	{0x0E4, func(h *DBHeader) any { return &h.OSServicePack }},
	{0x0E8, func(h *DBHeader) any { return &h.FormatUpdateMajor }},
	{0x0EC, func(h *DBHeader) any { return &h.PageSize }},
	{0x0F0, func(h *DBHeader) any { return &h.RepairCount }},
	{0x0F4, func(h *DBHeader) any { return &h.RepairTime }},
	{0x0FC, func(h *DBHeader) any { return &h.ReservedSLVSignature }},
	{0x118, func(h *DBHeader) any { return &h.ScrubDBTime }},
	{0x120, func(h *DBHeader) any { return &h.ScrubTime }},
	{0x128, func(h *DBHeader) any { return &h.GenMinRequired }},
	{0x12C, func(h *DBHeader) any { return &h.GenMaxRequired }},
	{0x130, func(h *DBHeader) any { return &h.Upgrade55FormatPages }},
	{0x134, func(h *DBHeader) any { return &h.UpgradeFreePages }},
	{0x138, func(h *DBHeader) any { return &h.UpgradeSpaceMapPages }},
	{0x13C, func(h *DBHeader) any { return &h.CurSnapshotBackup }},
	{0x154, func(h *DBHeader) any { return &h.CreateFormatVersion }},
	{0x158, func(h *DBHeader) any { return &h.CreateFormatUpdate }},
	{0x15C, func(h *DBHeader) any { return &h.GenMaxCreateTime }},
	{0x164, func(h *DBHeader) any { return (*uint32)(&h.PrevFullBackupType) }},
	{0x168, func(h *DBHeader) any { return (*uint32)(&h.PrevIncBackupType) }},
	{0x16C, func(h *DBHeader) any { return &h.RepairCountOld }},
	{0x170, func(h *DBHeader) any { return &h.ECCFixSuccessCount }},
	{0x174, func(h *DBHeader) any { return &h.ECCFixSuccessTime }},
	{0x17C, func(h *DBHeader) any { return &h.ECCFixSuccessCountOld }},
	{0x180, func(h *DBHeader) any { return &h.ECCFixFailCount }},
	{0x184, func(h *DBHeader) any { return &h.ECCFixFailTime }},
	{0x18C, func(h *DBHeader) any { return &h.ECCFixFailCountOld }},
	{0x190, func(h *DBHeader) any { return &h.BadChecksumCount }},
	{0x194, func(h *DBHeader) any { return &h.BadChecksumTime }},
	{0x19C, func(h *DBHeader) any { return &h.BadChecksumCountOld }},
	{0x1A0, func(h *DBHeader) any { return &h.GenMaxCommitted }},
	{0x1A4, func(h *DBHeader) any { return &h.PrevCopyBackup }},
	{0x1BC, func(h *DBHeader) any { return &h.PrevDiffBackup }},
	{0x1D4, func(h *DBHeader) any { return (*uint32)(&h.PrevCopyBackupType) }},
	{0x1D8, func(h *DBHeader) any { return (*uint32)(&h.PrevDiffBackupType) }},
	{0x1DC, func(h *DBHeader) any { return &h.IncReseedCount }},
	{0x1E0, func(h *DBHeader) any { return &h.IncReseedTime }},
	{0x1E8, func(h *DBHeader) any { return &h.IncReseedCountOld }},
	{0x1EC, func(h *DBHeader) any { return &h.PagePatchCount }},
	{0x1F0, func(h *DBHeader) any { return &h.PagePatchTime }},
	{0x1F8, func(h *DBHeader) any { return &h.PagePatchCountOld }},
	{0x1FC, func(h *DBHeader) any { return &h.SortVersion }},
	{0x204, func(h *DBHeader) any { return &h.DbscanPrevTime }},
	{0x20C, func(h *DBHeader) any { return &h.DbscanStartTime }},
	{0x214, func(h *DBHeader) any { return &h.DbscanHighestContinuousPgno }},
	{0x218, func(h *DBHeader) any { return &h.GenRecovering }},
	{0x21C, func(h *DBHeader) any { return &h.ExtendCount }},
	{0x220, func(h *DBHeader) any { return &h.LastExtendTime }},
	{0x228, func(h *DBHeader) any { return &h.ShrinkCount }},
	{0x22C, func(h *DBHeader) any { return &h.LastShrinkTime }},
	{0x234, func(h *DBHeader) any { return &h.LastReAttachTime }},
	{0x23C, func(h *DBHeader) any { return &h.LastReAttachPos }},
	{0x244, func(h *DBHeader) any { return &h.TrimCount }},
	{0x248, func(h *DBHeader) any { return &h.DbHdrFlushSignature }},
	{0x264, func(h *DBHeader) any { return &h.FlushMapHdrFlushSignature }},
	{0x280, func(h *DBHeader) any { return &h.GenMinConsistent }},
	{0x284, func(h *DBHeader) any { return &h.FormatUpdateMinor }},
	{0x288, func(h *DBHeader) any { return &h.EfvMaxBinAttachDiagnostic }},
	{0x28C, func(h *DBHeader) any { return &h.DbscanHighestPgno }},
	{0x290, func(h *DBHeader) any { return &h.LastResizePos }},
	{0x298, func(h *DBHeader) any { return &h.Reserved1 }},
	{0x29B, func(h *DBHeader) any { return (*uint32)(&h.FileType) }},
	{0x29F, func(h *DBHeader) any { return &h.Reserved2 }},
	{0x2A0, func(h *DBHeader) any { return &h.GenMaxRequiredTime }},
	{0x2A8, func(h *DBHeader) any { return &h.GenPreRedoMinConsistent }},
	{0x2AC, func(h *DBHeader) any { return &h.GenPreRedoMinRequired }},
	{0x2B0, func(h *DBHeader) any { return &h.RBSHdrFlushSignature }},
	{0x2CC, func(h *DBHeader) any { return &h.RevertCount }},
	{0x2D0, func(h *DBHeader) any { return &h.RevertFromTime }},
	{0x2D8, func(h *DBHeader) any { return &h.RevertToTime }},
	{0x2E0, func(h *DBHeader) any { return &h.RevertPageCount }},
	{0x2E4, func(h *DBHeader) any { return &h.CommitBeforeRevertPos }},
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
	for _, f := range dbHeaderLayout {
		getField(f.ptr(h), b[f.off:])
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
	for _, f := range dbHeaderLayout {
		putField(f.ptr(h), b[f.off:])
	}
	if len(b) > DBHeaderSize {
		copy(b[DBHeaderSize:], h.Tail)
	}
}

// Encode returns a header page of pageSize bytes (0: EffectivePageSize()):
// the fields, Tail, zeros, and a freshly computed header checksum at offset
// 0 (h.Checksum is not used or changed). For a decoded header whose
// checksum was good this gives back the page byte for byte. The size is
// kept between 752 bytes and MaxPageSize and rounded down to a multiple of
// 8, so a PageSize field taken from a damaged file cannot make Encode
// allocate more than 32 KiB.
func (h *DBHeader) Encode(pageSize int) []byte {
	if pageSize <= 0 {
		pageSize = h.EffectivePageSize()
	}
	pageSize = min(max(pageSize, DBHeaderSize+4), MaxPageSize) &^ 7 // HeaderChecksum needs a multiple of 8
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
// engines, which wrote FileTypeDatabase there) DBID is 0, the DBID of an
// instance's temporary database.
func (h *DBHeader) IsTemp() bool {
	return h.FileType == FileTypeTempDatabase || h.DBID == 0
}

// IsLargePages reports whether the database uses 16 or 32 KiB pages.
func (h *DBHeader) IsLargePages() bool { return IsLargePage(h.EffectivePageSize()) }

// getField decodes the field p points at from b (database and flush-map
// header layouts).
func getField(p any, b []byte) {
	switch v := p.(type) {
	case *uint8:
		*v = b[0]
	case *uint32:
		*v = bin.U32(b, 0)
	case *int32:
		*v = bin.I32(b, 0)
	case *Generation:
		*v = Generation(bin.I32(b, 0))
	case *uint64:
		*v = bin.U64(b, 0)
	case *Signature:
		*v = DecodeSignature(b)
	case *LogPos:
		*v = DecodeLogPos(b)
	case *LogTime:
		*v = DecodeLogTime(b)
	case *BackupInfo:
		*v = DecodeBackupInfo(b)
	case *[3]byte:
		copy(v[:], b)
	case *[4]byte:
		copy(v[:], b)
	case *[28]byte:
		copy(v[:], b)
	case *[20]byte:
		copy(v[:], b)
	case *[523]byte:
		copy(v[:], b)
	default:
		panic(fmt.Sprintf("ese: header field of type %T", p))
	}
}

// putField encodes the field p points at into b.
func putField(p any, b []byte) {
	switch v := p.(type) {
	case *uint8:
		b[0] = *v
	case *uint32:
		bin.PutU32(b, 0, *v)
	case *int32:
		bin.PutI32(b, 0, *v)
	case *Generation:
		bin.PutI32(b, 0, int32(*v))
	case *uint64:
		bin.PutU64(b, 0, *v)
	case *Signature:
		v.Put(b)
	case *LogPos:
		v.Put(b)
	case *LogTime:
		v.Put(b)
	case *BackupInfo:
		v.Put(b)
	case *[3]byte:
		copy(b, v[:])
	case *[4]byte:
		copy(b, v[:])
	case *[28]byte:
		copy(b, v[:])
	case *[20]byte:
		copy(b, v[:])
	case *[523]byte:
		copy(b, v[:])
	default:
		panic(fmt.Sprintf("ese: header field of type %T", p))
	}
}
