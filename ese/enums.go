package ese

import (
	"fmt"
	"strings"
)

// FileType is the u32 at offset 667 of database, log and checkpoint headers
// (JET_filetype).
type FileType uint32

// File types.
const (
	FileTypeUnknown        FileType = 0 // also what pre-2001 files hold at 667
	FileTypeDatabase       FileType = 1
	FileTypeStreamingFile  FileType = 2
	FileTypeLog            FileType = 3
	FileTypeCheckpoint     FileType = 4
	FileTypeTempDatabase   FileType = 5
	FileTypeFTL            FileType = 6
	FileTypeFlushMap       FileType = 7
	FileTypeCachedFile     FileType = 8
	FileTypeCachingFile    FileType = 9
	FileTypeSnapshot       FileType = 10
	FileTypeRBSRevertCheck FileType = 11
)

var fileTypeNames = [...]string{"Unknown", "Database", "StreamingFile", "Log", "Checkpoint",
	"TempDatabase", "FTL", "FlushMap", "CachedFile", "CachingFile", "Snapshot", "RBSRevertCheckpoint"}

func (t FileType) String() string {
	if int(t) < len(fileTypeNames) {
		return fileTypeNames[t]
	}
	return fmt.Sprintf("FileType(%d)", uint32(t))
}

// DBState is the database state at header offset 52 (JET_dbstate).
type DBState uint32

// Database states.
const (
	DBStateJustCreated                 DBState = 1
	DBStateDirtyShutdown               DBState = 2
	DBStateCleanShutdown               DBState = 3
	DBStateBeingConverted              DBState = 4
	DBStateForceDetach                 DBState = 5
	DBStateIncrementalReseedInProgress DBState = 6
	DBStateDirtyAndPatchedShutdown     DBState = 7
	DBStateRevertInProgress            DBState = 8
)

var dbStateNames = [...]string{"", "JustCreated", "DirtyShutdown", "CleanShutdown", "BeingConverted",
	"ForceDetach", "IncrementalReseedInProgress", "DirtyAndPatchedShutdown", "RevertInProgress"}

func (s DBState) String() string {
	if s >= 1 && int(s) < len(dbStateNames) {
		return dbStateNames[s]
	}
	return fmt.Sprintf("DBState(%d)", uint32(s))
}

// MarshalText returns the state's name, as String does: "DirtyShutdown",
// or "DBState(9)" for a value the engine does not define.
func (s DBState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads what MarshalText writes (names are case-insensitive)
// or a bare number. Other text is an error wrapping ErrInvalidParameter.
func (s *DBState) UnmarshalText(b []byte) error {
	t := string(b)
	for i, n := range dbStateNames {
		if n != "" && strings.EqualFold(n, t) {
			*s = DBState(i)
			return nil
		}
	}
	var v uint32
	if _, err := fmt.Sscanf(t, "DBState(%d)", &v); err == nil && fmt.Sprintf("DBState(%d)", v) == t {
		*s = DBState(v)
		return nil
	}
	if _, err := fmt.Sscanf(t, "%d", &v); err == nil && fmt.Sprint(v) == t {
		*s = DBState(v)
		return nil
	}
	return fmt.Errorf("ese: bad database state %q: %w", t, ErrInvalidParameter)
}

// BackupType is a BKINFO type (DBFILEHDR::BKINFOTYPE).
type BackupType uint32

// Backup types.
const (
	BackupNormal     BackupType = 0 // streaming backup
	BackupOSSnapshot BackupType = 1 // VSS snapshot
	BackupSnapshot   BackupType = 2 // engine-internal snapshot
	BackupSurrogate  BackupType = 3
)

func (t BackupType) String() string {
	switch t {
	case BackupNormal:
		return "Normal"
	case BackupOSSnapshot:
		return "OSSnapshot"
	case BackupSnapshot:
		return "Snapshot"
	case BackupSurrogate:
		return "Surrogate"
	}
	return fmt.Sprintf("BackupType(%d)", uint32(t))
}

// PageFlags is the u32 page-flags field at page offset 36.
type PageFlags uint32

// Page flags.
const (
	PageRoot              PageFlags = 0x00001
	PageLeaf              PageFlags = 0x00002
	PageParentOfLeaf      PageFlags = 0x00004
	PageEmpty             PageFlags = 0x00008
	PageRepair            PageFlags = 0x00010
	PageSpaceTree         PageFlags = 0x00020
	PageIndex             PageFlags = 0x00040
	PageLongValue         PageFlags = 0x00080
	PageSLVAvail          PageFlags = 0x00100 // obsolete
	PageSLVOwnerMap       PageFlags = 0x00200 // obsolete
	PageNonUniqueKeys     PageFlags = 0x00400
	PageNewRecordFormat   PageFlags = 0x00800
	PageNewChecksumFormat PageFlags = 0x02000
	PageScrubbed          PageFlags = 0x04000
	PageFlushTypeMask     PageFlags = 0x18000
	PagePreInit           PageFlags = 0x20000
	PageFDPDelete         PageFlags = 0x40000
)

var pageFlagNames = []struct {
	f PageFlags
	n string
}{
	{PageRoot, "Root"}, {PageLeaf, "Leaf"}, {PageParentOfLeaf, "ParentOfLeaf"}, {PageEmpty, "Empty"},
	{PageRepair, "Repair"}, {PageSpaceTree, "SpaceTree"}, {PageIndex, "Index"}, {PageLongValue, "LongValue"},
	{PageSLVAvail, "SLVAvail"}, {PageSLVOwnerMap, "SLVOwnerMap"}, {PageNonUniqueKeys, "NonUniqueKeys"},
	{PageNewRecordFormat, "NewRecordFormat"}, {PageNewChecksumFormat, "NewChecksumFormat"},
	{PageScrubbed, "Scrubbed"}, {PagePreInit, "PreInit"}, {PageFDPDelete, "FDPDelete"},
}

// FlushType returns the 2-bit lost-flush field (flags&0x18000)>>15:
// 0 unknown, 1 "Rock", 2 "Paper", 3 "Scissors".
func (f PageFlags) FlushType() int { return int(f&PageFlushTypeMask) >> 15 }

// String lists the set flags joined by "|", with FlushType=N when non-zero
// and any unknown bits in hex.
func (f PageFlags) String() string {
	var parts []string
	rest := f &^ PageFlushTypeMask
	for _, e := range pageFlagNames {
		if rest&e.f != 0 {
			parts = append(parts, e.n)
			rest &^= e.f
		}
	}
	if ft := f.FlushType(); ft != 0 {
		parts = append(parts, fmt.Sprintf("FlushType%d", ft))
	}
	if rest != 0 {
		parts = append(parts, fmt.Sprintf("0x%X", uint32(rest)))
	}
	if len(parts) == 0 {
		return "Primary"
	}
	return strings.Join(parts, "|")
}
