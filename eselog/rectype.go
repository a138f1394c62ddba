package eselog

import (
	"fmt"
	"strconv"

	"github.com/esekit/esekit/ese"
)

// RecordType is a log record's type: the lrtyp byte at offset 0 of every
// record. Values 0-101 are defined by the engine (lrtypMax is 102); larger
// values never appear in a valid log.
type RecordType uint8

// The record types, named as docs/log-records.md#record-types names them. Types marked
// obsolete have no size in the engine's size table: a log that holds one
// is corrupt.
const (
	RecNOP                         RecordType = 0   // one-byte filler; a 0x00 run pads a segment
	RecInit                        RecordType = 1   // instance start (old form of Init2)
	RecTerm                        RecordType = 2   // clean termination (old form of Term2)
	RecMS                          RecordType = 3   // pre-6.1504 multi-sector flush marker
	RecEnd                         RecordType = 4   // end-of-generation fill (never expected)
	RecBegin                       RecordType = 5   // begin transaction levels
	RecCommit                      RecordType = 6   // commit to a level
	RecRollback                    RecordType = 7   // roll back levels
	RecBegin0                      RecordType = 8   // begin a level-0 transaction
	RecCommit0                     RecordType = 9   // commit a level-0 transaction
	RecRefresh                     RecordType = 10  // refresh a transaction's trxBegin0
	RecMacroBegin                  RecordType = 11  // open a structural macro
	RecMacroCommit                 RecordType = 12  // commit a structural macro
	RecMacroAbort                  RecordType = 13  // abort a structural macro
	RecCreateDB                    RecordType = 14  // create a database
	RecAttachDB                    RecordType = 15  // attach a database
	RecDetachDB                    RecordType = 16  // detach a database
	RecRecoveryUndo                RecordType = 17  // recovery switched to undo (old form)
	RecRecoveryQuit                RecordType = 18  // end of recovery (old form)
	RecFullBackup                  RecordType = 19  // full backup marker
	RecIncBackup                   RecordType = 20  // incremental backup marker
	RecJetOp                       RecordType = 21  // debug: API operation
	RecTrace                       RecordType = 22  // debug: trace text
	RecShutDownMark                RecordType = 23  // consistency point
	RecCreateMultipleExtentFDP     RecordType = 24  // new B-tree with its own space trees
	RecCreateSingleExtentFDP       RecordType = 25  // new B-tree with a single-extent bitmap
	RecConvertFDP                  RecordType = 26  // obsolete single→multi extent conversion
	RecSplit                       RecordType = 27  // obsolete B-tree split
	RecMerge                       RecordType = 28  // obsolete B-tree merge
	RecInsert                      RecordType = 29  // insert a node
	RecFlagInsert                  RecordType = 30  // un-delete a node
	RecFlagInsertAndReplaceData    RecordType = 31  // un-delete a node and replace its data
	RecFlagDelete                  RecordType = 32  // flag a node deleted
	RecReplace                     RecordType = 33  // replace node data with an after-image
	RecReplaceD                    RecordType = 34  // replace node data with a diff
	RecDelete                      RecordType = 35  // physically remove a node
	RecUndoInfo                    RecordType = 36  // deferred before-image
	RecDelta                       RecordType = 37  // add an int32 to a counter in node data
	RecSetExternalHeader           RecordType = 38  // replace a page's external header
	RecUndo                        RecordType = 39  // physical undo of a versioned operation
	RecSLVPageAppend               RecordType = 40  // obsolete (streaming file); invalid
	RecSLVSpace                    RecordType = 41  // obsolete (streaming file); invalid
	RecChecksum                    RecordType = 42  // LRCHECKSUM, legacy 7.x logs only
	RecSLVPageMove                 RecordType = 43  // obsolete (streaming file); invalid
	RecForceDetachDB               RecordType = 44  // obsolete; invalid
	RecExtRestore                  RecordType = 45  // external restore marker (ANSI)
	RecBackup                      RecordType = 46  // old backup marker
	RecUpgradeDB                   RecordType = 47  // obsolete; invalid
	RecEmptyTree                   RecordType = 48  // empty a B-tree
	RecInit2                       RecordType = 49  // instance start with a time stamp
	RecTerm2                       RecordType = 50  // clean termination with a time stamp
	RecRecoveryUndo2               RecordType = 51  // recovery switched to undo, with a time stamp
	RecRecoveryQuit2               RecordType = 52  // end of recovery, with a time stamp
	RecBeginDT                     RecordType = 53  // distributed transaction begin
	RecPrepCommit                  RecordType = 54  // distributed prepare-to-commit
	RecPrepRollback                RecordType = 55  // distributed prepare-to-rollback; invalid (no size)
	RecDbList                      RecordType = 56  // unused; invalid
	RecForceWriteLog               RecordType = 57  // forced log flush
	RecConvertFDP2                 RecordType = 58  // single→multi extent conversion
	RecExtRestore2                 RecordType = 59  // external restore marker (Unicode)
	RecBackup2                     RecordType = 60  // backup phase marker
	RecForceLogRollover            RecordType = 61  // forced log rollover
	RecSplit2                      RecordType = 62  // B-tree split step (macro)
	RecMerge2                      RecordType = 63  // B-tree merge step (macro)
	RecScrub                       RecordType = 64  // zero deleted/unused data on a page
	RecPageMove                    RecordType = 65  // move a page to another pgno
	RecPagePatchRequest            RecordType = 66  // request a page patch
	RecMacroInfo                   RecordType = 67  // pgnos touched by a macro (ignorable)
	RecExtendDB                    RecordType = 68  // grow the database file (ignorable family)
	RecCommitCtx                   RecordType = 69  // commit context (ignorable family)
	RecScanCheck                   RecordType = 70  // legacy database-scan check (ignorable family)
	RecNOP2                        RecordType = 71  // zero padding record (ignorable family)
	RecReAttach                    RecordType = 72  // re-attach (ignorable family)
	RecMacroInfo2                  RecordType = 73  // dbid + pgnos touched by a macro (ignorable)
	RecFreeFDP                     RecordType = 74  // B-tree freed (ignorable family)
	RecIgnored9                    RecordType = 75  // reserved ignorable slot
	RecFragmentBegin               RecordType = 76  // first piece of a fragmented record
	RecFragment                    RecordType = 77  // following piece of a fragmented record
	RecShrinkDB                    RecordType = 78  // truncate the database file
	RecCreateDBFinish              RecordType = 79  // database creation finished
	RecRecoveryQuitKeepAttachments RecordType = 80  // end of recovery, databases stay attached
	RecTrimDB                      RecordType = 81  // sparse-zero a page range
	RecIgnored10                   RecordType = 82  // reserved ignorable slot
	RecIgnored11                   RecordType = 83  // reserved ignorable slot
	RecIgnored12                   RecordType = 84  // reserved ignorable slot
	RecIgnored13                   RecordType = 85  // reserved ignorable slot
	RecIgnored14                   RecordType = 86  // reserved ignorable slot
	RecIgnored15                   RecordType = 87  // reserved ignorable slot
	RecIgnored16                   RecordType = 88  // reserved ignorable slot
	RecIgnored17                   RecordType = 89  // reserved ignorable slot
	RecIgnored18                   RecordType = 90  // reserved ignorable slot
	RecIgnored19                   RecordType = 91  // reserved ignorable slot
	RecSetDbVersion                RecordType = 92  // raise the database version
	RecDelta64                     RecordType = 93  // add an int64 to a counter in node data
	RecShrinkDB2                   RecordType = 94  // truncate the database file
	RecNewPage                     RecordType = 95  // format a blank page
	RecRootPageMove                RecordType = 96  // move a root page (macro)
	RecSignalAttachDb              RecordType = 97  // attach callback signal
	RecScanCheck2                  RecordType = 98  // database-scan check
	RecShrinkDB3                   RecordType = 99  // truncate the file, with a dbtime
	RecExtentFreed                 RecordType = 100 // extent freed (bookkeeping)
	RecExtentFreed2                RecordType = 101 // extent freed, with a dbtime

	// RecTypeMax is lrtypMax: one more than the largest defined type.
	RecTypeMax RecordType = 102
)

var recTypeNames = [RecTypeMax]string{
	"NOP", "Init", "Term", "MS", "End",
	"Begin", "Commit", "Rollback", "Begin0", "Commit0", "Refresh",
	"MacroBegin", "MacroCommit", "MacroAbort",
	"CreateDB", "AttachDB", "DetachDB",
	"RecoveryUndo", "RecoveryQuit", "FullBackup", "IncBackup",
	"JetOp", "Trace", "ShutDownMark",
	"CreateMultipleExtentFDP", "CreateSingleExtentFDP", "ConvertFDP",
	"Split", "Merge",
	"Insert", "FlagInsert", "FlagInsertAndReplaceData", "FlagDelete",
	"Replace", "ReplaceD", "Delete", "UndoInfo", "Delta",
	"SetExternalHeader", "Undo",
	"SLVPageAppend", "SLVSpace", "Checksum", "SLVPageMove", "ForceDetachDB",
	"ExtRestore", "Backup", "UpgradeDB", "EmptyTree",
	"Init2", "Term2", "RecoveryUndo2", "RecoveryQuit2",
	"BeginDT", "PrepCommit", "PrepRollback", "DbList", "ForceWriteLog",
	"ConvertFDP2", "ExtRestore2", "Backup2", "ForceLogRollover",
	"Split2", "Merge2", "Scrub", "PageMove", "PagePatchRequest",
	"MacroInfo", "ExtendDB", "CommitCtx", "ScanCheck", "NOP2", "ReAttach",
	"MacroInfo2", "FreeFDP", "Ignored9",
	"FragmentBegin", "Fragment",
	"ShrinkDB", "CreateDBFinish", "RecoveryQuitKeepAttachments", "TrimDB",
	"Ignored10", "Ignored11", "Ignored12", "Ignored13", "Ignored14",
	"Ignored15", "Ignored16", "Ignored17", "Ignored18", "Ignored19",
	"SetDbVersion", "Delta64", "ShrinkDB2", "NewPage", "RootPageMove",
	"SignalAttachDb", "ScanCheck2", "ShrinkDB3", "ExtentFreed", "ExtentFreed2",
}

// String returns the type's name as docs/log-records.md#record-types spells it ("Insert",
// "ReplaceD", "NOP2"...), or "Unknown(N)" for values past the table.
func (t RecordType) String() string {
	if t < RecTypeMax {
		return recTypeNames[t]
	}
	return "Unknown(" + strconv.Itoa(int(t)) + ")"
}

// ParseRecordType returns the type whose String is name.
func ParseRecordType(name string) (RecordType, bool) {
	for i, n := range recTypeNames {
		if n == name {
			return RecordType(i), true
		}
	}
	return 0, false
}

// Known reports whether t is below lrtypMax.
func (t RecordType) Known() bool { return t < RecTypeMax }

// IsIgnorable reports whether t belongs to the engine's ignorable family
// (67-75 and 82-91): records laid out as LRIGNORED (u8 type, u32 cb, cb
// bytes) that an engine which does not know them skips.
func (t RecordType) IsIgnorable() bool {
	return (t >= RecMacroInfo && t <= RecIgnored9) || (t >= RecIgnored10 && t <= RecIgnored19)
}

// IsPadding reports whether t only fills space: NOP and NOP2.
func (t RecordType) IsPadding() bool { return t == RecNOP || t == RecNOP2 }

// IsFragment reports whether t is one of the physical fragment containers
// (FragmentBegin, Fragment) of the modern format.
func (t RecordType) IsFragment() bool { return t == RecFragmentBegin || t == RecFragment }

// MarshalText returns the type's name, so that JSON shows "Insert"
// rather than 29.
func (t RecordType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText accepts a name as String returns it, including
// "Unknown(N)".
func (t *RecordType) UnmarshalText(b []byte) error {
	s := string(b)
	if v, ok := ParseRecordType(s); ok {
		*t = v
		return nil
	}
	if len(s) > 9 && s[:8] == "Unknown(" && s[len(s)-1] == ')' {
		if n, err := strconv.Atoi(s[8 : len(s)-1]); err == nil && n >= int(RecTypeMax) && n <= 255 {
			*t = RecordType(n)
			return nil
		}
	}
	return fmt.Errorf("eselog: unknown record type name %q: %w", s, ese.ErrInvalidParameter)
}
