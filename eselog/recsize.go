package eselog

import (
	"errors"
	"fmt"
	"math"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// ErrShortRecord reports that a buffer ends before the fields that give a
// record's size (RecordSize) or before the record itself (DecodeRecord). A
// reader that sees it can fetch more bytes and retry.
var ErrShortRecord = errors.New("eselog: buffer ends inside a log record")

// shortRecordCode is what a short-buffer error wraps: ErrShortRecord, so a
// reader knows to fetch more bytes, and ese.ErrLogFileCorrupt, because for
// a decoder the record is truncated (every decoder error wraps an
// ese.Error).
var shortRecordCode = fmt.Errorf("%w; %w", ese.ErrLogFileCorrupt, ErrShortRecord)

// shortRecord builds the *ese.FormatError for a buffer of have bytes that
// ends inside a record.
func shortRecord(have int, format string, args ...any) error {
	return &ese.FormatError{What: "log record", Offset: int64(have), Msg: fmt.Sprintf(format, args...), Err: shortRecordCode}
}

// fixedSizes is the engine's mplrtypn: the size of each type's fixed
// structure (CbLGFixedSizeOfRec). 0 marks types with no structure.
var fixedSizes = [RecTypeMax]uint16{
	RecNOP: 1, RecInit: 1 + ese.DBMSParamSize, RecTerm: 18, RecMS: 9, RecEnd: 1,
	RecBegin: 4, RecCommit: 4, RecRollback: 4, RecBegin0: 8, RecCommit0: 8, RecRefresh: 7,
	RecMacroBegin: 11, RecMacroCommit: 11, RecMacroAbort: 11,
	RecCreateDB: 43, RecAttachDB: 75, RecDetachDB: 7,
	RecRecoveryUndo: 1, RecRecoveryQuit: 18, RecFullBackup: 3, RecIncBackup: 3,
	RecJetOp: 4, RecTrace: 5, RecShutDownMark: 1,
	RecCreateMultipleExtentFDP: 56, RecCreateSingleExtentFDP: 48, RecConvertFDP: 60,
	RecSplit: 102, RecMerge: 88,
	RecInsert: 50, RecFlagInsert: 48, RecFlagInsertAndReplaceData: 52, RecFlagDelete: 44,
	RecReplace: 50, RecReplaceD: 50, RecDelete: 44, RecUndoInfo: 56, RecDelta: 54,
	RecSetExternalHeader: 46, RecUndo: 51,
	RecChecksum: 22, RecExtRestore: 3, RecBackup: 5, RecEmptyTree: 46,
	RecInit2: 1 + ese.DBMSParamSize + 8, RecTerm2: 26, RecRecoveryUndo2: 9, RecRecoveryQuit2: 26,
	RecBeginDT: 8, RecPrepCommit: 7, RecPrepRollback: 3, RecForceWriteLog: 3,
	RecConvertFDP2: 68, RecExtRestore2: 3, RecBackup2: 35, RecForceLogRollover: 5,
	RecSplit2: 110, RecMerge2: 96, RecScrub: 54, RecPageMove: 96, RecPagePatchRequest: 46,
	RecMacroInfo: 5, RecExtendDB: 5, RecCommitCtx: 5, RecScanCheck: 5, RecNOP2: 5,
	RecReAttach: 5, RecMacroInfo2: 5, RecFreeFDP: 5, RecIgnored9: 5,
	RecFragmentBegin: 7, RecFragment: 3,
	RecShrinkDB: 10, RecCreateDBFinish: 4, RecRecoveryQuitKeepAttachments: 26, RecTrimDB: 10,
	RecIgnored10: 5, RecIgnored11: 5, RecIgnored12: 5, RecIgnored13: 5, RecIgnored14: 5,
	RecIgnored15: 5, RecIgnored16: 5, RecIgnored17: 5, RecIgnored18: 5, RecIgnored19: 5,
	RecSetDbVersion: 14, RecDelta64: 58, RecShrinkDB2: 10, RecNewPage: 20, RecRootPageMove: 16,
	RecSignalAttachDb: 2, RecScanCheck2: 27, RecShrinkDB3: 18, RecExtentFreed: 11, RecExtentFreed2: 19,
}

// variableSize marks the types whose total size is computed from fields of
// the fixed part (the engine's mplrtyplrd has 0 for them and CbLGSizeOfRec
// has a case). Types with a fixed size and no case have exactly FixedSize
// bytes; PrepRollback and the obsolete types have neither and are invalid.
var variableSize = [RecTypeMax]bool{
	RecCreateDB: true, RecAttachDB: true, RecDetachDB: true,
	RecFullBackup: true, RecIncBackup: true, RecTrace: true,
	RecSplit: true, RecMerge: true,
	RecInsert: true, RecFlagInsert: true, RecFlagInsertAndReplaceData: true,
	RecReplace: true, RecReplaceD: true, RecUndoInfo: true, RecDelta: true,
	RecSetExternalHeader: true, RecUndo: true,
	RecExtRestore: true, RecBackup: true, RecEmptyTree: true, RecPrepCommit: true,
	RecExtRestore2: true, RecBackup2: true, RecForceLogRollover: true,
	RecSplit2: true, RecMerge2: true, RecScrub: true, RecPageMove: true,
	RecMacroInfo: true, RecExtendDB: true, RecCommitCtx: true, RecScanCheck: true, RecNOP2: true,
	RecReAttach: true, RecMacroInfo2: true, RecFreeFDP: true, RecIgnored9: true,
	RecFragmentBegin: true, RecFragment: true,
	RecIgnored10: true, RecIgnored11: true, RecIgnored12: true, RecIgnored13: true, RecIgnored14: true,
	RecIgnored15: true, RecIgnored16: true, RecIgnored17: true, RecIgnored18: true, RecIgnored19: true,
	RecDelta64: true,
}

// FixedSize returns the size of the fixed part of a record of type t (the
// engine's CbLGFixedSizeOfRec): the whole size for fixed-size types, the
// header that carries the length fields for variable ones. It returns 0 for
// types the engine has no structure for (the obsolete SLV types,
// ForceDetachDB, UpgradeDB, DbList, and anything ≥ RecTypeMax).
// PrepRollback has a 3-byte structure but no size (RecordSize rejects it).
func FixedSize(t RecordType) int {
	if t >= RecTypeMax {
		return 0
	}
	return int(fixedSizes[t])
}

// Valid reports whether the engine can size a record of type t, that is
// whether CbLGSizeOfRec returns non-zero for it.
func (t RecordType) Valid() bool {
	return t < RecTypeMax && fixedSizes[t] != 0 && t != RecPrepRollback
}

// RecordSize returns the total size in bytes of the record that starts at
// b[0], exactly as the engine's CbLGSizeOfRec computes it. b may extend past
// the record. When b is too short to hold the fields the size is computed
// from, the error (a *ese.FormatError) wraps ErrShortRecord and
// ese.ErrLogFileCorrupt. A type the engine cannot size
// (obsolete types, PrepRollback, DbList, values ≥ RecTypeMax) gives a
// *ese.FormatError wrapping ese.ErrLogFileCorrupt.
//
// The size is not checked against len(b) or any limit: the caller must
// bound it (a record never exceeds what its segments or sectors hold).
func RecordSize(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, shortRecord(0, "empty buffer")
	}
	t := RecordType(b[0])
	if !t.Valid() {
		return 0, ese.NewFormatError("log record", 0, ese.ErrLogFileCorrupt,
			"record type %d (%s) has no size", uint8(t), t)
	}
	fixed := int(fixedSizes[t])
	if !variableSize[t] {
		return fixed, nil
	}
	if len(b) < fixed {
		return 0, shortRecord(len(b), "%s record needs %d bytes to be sized, have %d", t, fixed, len(b))
	}
	n := uint64(fixed) + variablePart(t, b)
	if n > math.MaxInt32 {
		return 0, ese.NewFormatError("log record", 0, ese.ErrLogFileCorrupt,
			"%s record claims %d bytes", t, n)
	}
	return int(n), nil
}

// variablePart returns the bytes after the fixed part of the record of
// variable-size type t at b; len(b) ≥ FixedSize(t).
func variablePart(t RecordType, b []byte) uint64 {
	u16 := func(off int) uint64 { return uint64(bin.U16(b, off)) }
	u32 := func(off int) uint64 { return uint64(bin.U32(b, off)) }
	switch t {
	case RecCreateDB:
		n := u16(offCreateDBCbPath)
		if b[offCreateDBFlags]&CreateDBVersionInfo != 0 {
			n += createDBVersionSize
		}
		return n
	case RecAttachDB:
		return u16(offAttachDBCbPath)
	case RecDetachDB:
		return u16(offDetachDBCbPath)
	case RecFullBackup, RecIncBackup, RecExtRestore, RecExtRestore2:
		return u16(offTextCb)
	case RecBackup:
		return u16(offBackupCbPath)
	case RecBackup2:
		return u16(offBackup2CbPath)
	case RecTrace, RecForceLogRollover:
		return u16(offTraceCb)
	case RecSplit:
		return u16(offSplitCbKeyParent) + u16(offSplitCbPrefixOld) + u16(offSplitCbPrefixNew)
	case RecSplit2:
		return u16(offSplitCbKeyParent) + u16(offSplitCbPrefixOld) + u16(offSplitCbPrefixNew) + u32(offSplit2CbPreimage)
	case RecMerge:
		return u16(offMergeCbKeySep)
	case RecMerge2:
		return u16(offMergeCbKeySep) + u32(offMerge2CbPreimage)
	case RecPageMove:
		return u32(offPageMoveCbHeader) + u32(offPageMoveCbTrailer)
	case RecEmptyTree:
		return u16(offEmptyTreeCb)
	case RecDelta, RecDelta64, RecUndo, RecFlagInsert, RecFlagInsertAndReplaceData:
		return u16(offCbKey) + u16(offCbData)
	case RecInsert:
		return u16(offInsertCbPrefix) + u16(offInsertCbSuffix) + u16(offInsertCbData)
	case RecReplace, RecReplaceD:
		return u16(offReplaceCb) & replaceCbMask
	case RecUndoInfo:
		return u16(offCbKey) + u16(offCbData) + u16(offUndoInfoCbData)
	case RecSetExternalHeader:
		return u16(offSetExtHdrCb)
	case RecScrub:
		return u16(offScrubCbData)
	case RecPrepCommit:
		return u32(offPrepCommitCbData)
	case RecFragmentBegin:
		return u16(offFragmentBeginCb)
	case RecFragment:
		return u16(offFragmentCb)
	}
	// The ignorable family.
	return u32(offIgnorableCb)
}

// CreateDBVersionInfo is the CreateDB flags bit (+42) saying a 4-byte
// version block precedes the path.
const CreateDBVersionInfo = 0x04

// replaceCbMask keeps the payload length bits of Replace/ReplaceD's cb
// field; bit 15 selects DIFFHDR2 diffs.
const replaceCbMask = 0x7FFF
