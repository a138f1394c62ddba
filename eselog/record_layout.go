package eselog

import "github.com/esekit/esekit/internal/bin"

// The layout of every record type, in one place: each fields method names
// each field's offset once, and both decoding and encoding run it (see
// codec). The offsets of the records the Decoder reuses are named
// constants (offProcid, offInsertCbPrefix...) that its hand-written decode
// methods share, and so are those of the length fields, which RecordSize
// reads. Fields come first, then the variable parts in the order they
// follow the fixed part.

// Offsets of the length fields that size the variable parts of the
// records below; RecordSize reads them too (those of the records the
// Decoder reuses are in record_decoder.go).
const (
	offIgnorableCb       = 1  // the ignorable family: u32 cb
	offTextCb            = 1  // FullBackup, IncBackup, ExtRestore, ExtRestore2
	offFragmentCb        = 1  // Fragment
	offTraceCb           = 3  // Trace, ForceLogRollover
	offBackupCbPath      = 3  // Backup
	offPrepCommitCbData  = 3  // PrepCommit (u32)
	offDetachDBCbPath    = 4  // DetachDB
	offFragmentBeginCb   = 5  // FragmentBegin
	offBackup2CbPath     = 33 // Backup2
	offCreateDBCbPath    = 40 // CreateDB
	offCreateDBFlags     = 42 // CreateDB: CreateDBVersionInfo adds the version block
	offAttachDBCbPath    = 72 // AttachDB
	offCbKey             = 44 // FlagInsert*, UndoInfo, Delta, Undo: key or bookmark key
	offCbData            = 46 // FlagInsert*: data; UndoInfo, Delta, Undo: bookmark data
	offSetExtHdrCb       = 44 // SetExternalHeader
	offEmptyTreeCb       = 44 // EmptyTree
	offScrubCbData       = 52 // Scrub
	offUndoInfoCbData    = 54 // UndoInfo: the before-image
	offMergeCbKeySep     = 86 // Merge
	offMerge2CbPreimage  = 92 // Merge2 (u32)
	offPageMoveCbHeader  = 88 // PageMove (u32)
	offPageMoveCbTrailer = 92 // PageMove (u32)
	offSplitCbPrefixOld  = 96 // Split
	offSplitCbPrefixNew  = 98
	offSplitCbKeyParent  = 100
	offSplit2CbPreimage  = 106 // Split2 (u32)

	// createDBVersionSize is the size of CreateDB's version block (u16
	// version, u16 update major).
	createDBVersionSize = 4
)

// fields states LRPAGE_'s layout.
func (h *PageHeader) fields(c codec) codec {
	c.u16(offProcid, &h.Procid)
	c.u8(offDBID, &h.Dbid)
	c.u32(offPgno, &h.PageNumber)
	c.u64(offDBTime, &h.After)
	c.u64(offDBTimeBefore, &h.Before)
	c.u32(offTrxBegin0, &h.TrxBegin0)
	c.u8(offLevel, &h.Level)
	c.u16(offILine, &h.Line)
	c.u8(offNodeFlags, (*uint8)(&h.Flags))
	return c
}

// fields states LRNODE_'s layout; it is also the whole layout of
// FlagDelete and Delete.
func (h *NodeHeader) fields(c codec) codec {
	c = h.PageHeader.fields(c)
	c.u32(offRCEID, &h.RCEID)
	c.u32(offPgnoFDP, &h.PgnoFDP)
	c.u32(offObjidFDP, &h.ObjidFDP)
	return c
}

func (r *Begin) fields(c codec) codec {
	c.u16(offProcid, &r.Procid)
	c.nibbles(offTrxLevel, &r.LevelBeginFrom, &r.LevelsToBegin)
	return c
}

func (r *Begin0) fields(c codec) codec {
	c = r.Begin.fields(c)
	c.u32(offTrxTime, &r.TrxBegin0)
	return c
}

func (r *Commit) fields(c codec) codec {
	c.u16(offProcid, &r.Procid)
	c.u8(offTrxLevel, &r.LevelCommitTo)
	return c
}

func (r *Commit0) fields(c codec) codec {
	c = r.Commit.fields(c)
	c.u32(offTrxTime, &r.TrxCommit0)
	return c
}

func (r *Rollback) fields(c codec) codec { return c.seq(1, &r.Procid, &r.LevelRollback) }

func (r *Refresh) fields(c codec) codec { return c.seq(1, &r.Procid, &r.TrxBegin0) }

func (r *Macro) fields(c codec) codec { return c.seq(1, &r.Procid, &r.DBTime) }

func (r *PrepCommit) fields(c codec) codec {
	c = c.seq(1, &r.Procid)
	c.var32(offPrepCommitCbData, &r.Data)
	return c
}

func (r *ForceWriteLog) fields(c codec) codec { return c.seq(1, &r.Procid) }

func (r *JetOp) fields(c codec) codec { return c.seq(1, &r.Procid, &r.Op) }

func (r *Trace) fields(c codec) codec {
	c = c.seq(1, &r.Procid)
	c.var16(offTraceCb, &r.Text)
	return c
}

func (r *Init) fields(c codec) codec {
	c = c.seq(1, &r.Params)
	if r.Lrtyp == RecInit2 {
		c = c.seq(c.end, &r.Time)
	}
	return c
}

func (r *Term) fields(c codec) codec {
	c = c.seq(1, &r.Lgpos, &r.RedoFrom, &r.Hard)
	if r.hasTime() {
		c = c.seq(c.end, &r.Time)
	}
	return c
}

func (r *RecoveryUndo2) fields(c codec) codec { return c.seq(1, &r.Time) }

func (r *MS) fields(c codec) codec {
	return c.seq(1, &r.IbForwardLink, &r.Checksum, &r.IsecForwardLink)
}

func (r *Checksum) fields(c codec) codec {
	return c.seq(1, &r.CbBackwards, &r.CbForwards, &r.CbNext, &r.Checksum, &r.ShortChecksum, &r.UseShortChecksum)
}

func (r *CreateDB) fields(c codec) codec {
	c = c.seq(1, &r.Procid, &r.Dbid, &r.Grbit, &r.CpgMax, &r.SignDb) // up to cbPath @40
	c = c.seq(offCreateDBFlags, &r.Flags)
	if r.HasVersion() && c.at(c.end+createDBVersionSize) { // the version block follows Flags
		c = c.seq(c.end, &r.Version, &r.UpdateMajor)
	}
	c.var16(offCreateDBCbPath, &r.PathBytes)
	return c
}

func (r *AttachDB) fields(c codec) codec {
	c = c.seq(1, &r.Procid, &r.Dbid, &r.CpgMax, &r.Consistent, &r.SignDb, &r.SignLog) // up to cbPath @72
	c = c.seq(74, &r.Flags)
	c.var16(offAttachDBCbPath, &r.PathBytes)
	return c
}

func (r *DetachDB) fields(c codec) codec {
	c = c.seq(1, &r.Procid, &r.Dbid) // up to cbPath @4
	c = c.seq(6, &r.Flags)
	c.var16(offDetachDBCbPath, &r.PathBytes)
	return c
}

func (r *CreateDBFinish) fields(c codec) codec { return c.seq(1, &r.Procid, &r.Dbid) }

func (r *SetDbVersion) fields(c codec) codec {
	return c.seq(1, &r.Dbid, &r.Major, &r.UpdateMajor, &r.UpdateMinor)
}

func (r *SignalAttachDb) fields(c codec) codec { return c.seq(1, &r.Dbid) }

func (r *TextRecord) fields(c codec) codec {
	c.var16(offTextCb, &r.Data)
	return c
}

func (r *Backup) fields(c codec) codec {
	c = c.seq(1, &r.BackupType, &r.Reserved)
	c.var16(offBackupCbPath, &r.PathBytes)
	return c
}

func (r *Backup2) fields(c codec) codec {
	c = c.seq(1, &r.Phase, &r.BackupType, &r.Scope, &r.Dbid, &r.Info, &r.Reserved)
	c.var16(offBackup2CbPath, &r.PathBytes)
	return c
}

func (r *Insert) fields(c codec) codec {
	c = r.NodeHeader.fields(c)
	c.var16(offInsertCbPrefix, &r.KeyPrefix)
	c.var16(offInsertCbSuffix, &r.KeySuffix)
	c.var16(offInsertCbData, &r.Data)
	return c
}

func (r *FlagInsert) fields(c codec) codec {
	c = r.NodeHeader.fields(c)
	c.var16(offCbKey, &r.Key)
	c.var16(offCbData, &r.Data)
	return c
}

func (r *FlagInsertAndReplaceData) fields(c codec) codec {
	c = r.NodeHeader.fields(c)
	c = c.seq(48, &r.RCEIDReplace)
	c.var16(offCbKey, &r.Key)
	c.var16(offCbData, &r.Data)
	return c
}

func (r *Replace) fields(c codec) codec {
	c = r.NodeHeader.fields(c)
	c.u16(offReplaceCbOld, &r.CbOldData)
	c.u16(offReplaceCbNew, &r.CbNewData)
	c.replacePayload(offReplaceCb, &r.Diff2, &r.Payload)
	return c
}

func (r *UndoInfo) fields(c codec) codec {
	c = r.NodeHeader.fields(c)
	c = c.seq(48, &r.Oper, &r.CbMaxSize, &r.CbDelta)
	c.var16(offCbKey, &r.BookmarkKey)
	c.var16(offCbData, &r.BookmarkData)
	c.var16(offUndoInfoCbData, &r.Data)
	return c
}

func (r *Delta) fields(c codec) codec {
	c = r.NodeHeader.fields(c)
	if r.Is64() {
		c = c.seq(offDeltaValue, &r.Delta)
		c.u16(offDelta64Offset, &r.Offset)
	} else {
		d := int32(r.Delta) // encoding keeps the low 32 bits
		c = c.seq(offDeltaValue, &d)
		if !c.enc {
			r.Delta = int64(d)
		}
		c.u16(offDeltaOffset, &r.Offset)
	}
	c.var16(offCbKey, &r.BookmarkKey)
	c.var16(offCbData, &r.BookmarkData)
	return c
}

func (r *SetExternalHeader) fields(c codec) codec {
	c = r.NodeHeader.fields(c)
	c.var16(offSetExtHdrCb, &r.Data)
	return c
}

func (r *Undo) fields(c codec) codec {
	c = r.NodeHeader.fields(c)
	c = c.seq(48, &r.Oper, &r.UndoLevel)
	c.var16(offCbKey, &r.BookmarkKey)
	c.var16(offCbData, &r.BookmarkData)
	return c
}

func (r *Scrub) fields(c codec) codec {
	c = r.NodeHeader.fields(c)
	c = c.seq(44, &r.ScrubFlags, &r.ScrubOpers)
	c.var16(offScrubCbData, &r.Data)
	return c
}

func (e *EmptyPage) fields(c codec) codec { return c.seq(0, &e.Before, &e.Pgno, &e.Flags) }

func (r *EmptyTree) fields(c codec) codec {
	c = r.NodeHeader.fields(c)
	cb := uint16(entries(&c, 16, 0xFFFF, &r.Pages, &r.Tail, (*EmptyPage).fields))
	if c.enc {
		c.u16(offEmptyTreeCb, &cb) // the list's length
	}
	return c
}

func (r *CreateMultipleExtentFDP) fields(c codec) codec {
	c = r.PageHeader.fields(c)
	return c.seq(32, &r.ObjidFDP, &r.PgnoOE, &r.PgnoAE, &r.PgnoFDPParent, &r.CpgPrimary, &r.PageFlags)
}

func (r *CreateSingleExtentFDP) fields(c codec) codec {
	c = r.PageHeader.fields(c)
	return c.seq(32, &r.ObjidFDP, &r.PgnoFDPParent, &r.CpgPrimary, &r.PageFlags)
}

func (r *ConvertFDP) fields(c codec) codec {
	c = r.PageHeader.fields(c)
	c = c.seq(32, &r.ObjidFDP, &r.PgnoOE, &r.PgnoAE, &r.PgnoFDPParent, &r.PgnoSecondaryFirst,
		&r.CpgPrimary, &r.CpgSecondary)
	if r.Lrtyp == RecConvertFDP2 {
		c = c.seq(c.end, &r.AvailBitmap, &r.CpageFlags)
	}
	return c
}

func (r *Split) fields(c codec) codec {
	c = r.PageHeader.fields(c)
	c = c.seq(32, &r.PgnoNew, &r.PgnoRight, &r.DBTimeRightBefore, &r.PgnoParent, &r.DBTimeParentBefore,
		&r.PgnoFDP, &r.ObjidFDP, &r.SplitType, &r.SplitOper, &r.ILineOper, &r.ILineSplit, &r.CLines,
		&r.NewPageFlags, &r.SplitPageFlags, &r.CbUncFreeSrc, &r.CbUncFreeDest, &r.ILinePrefixSplit,
		&r.ILinePrefixNew) // up to the length fields @96
	split2 := r.Lrtyp == RecSplit2
	if split2 {
		c.u32(102, &r.PreimageFlags)
	}
	c.var16(offSplitCbKeyParent, &r.KeyParent)
	c.var16(offSplitCbPrefixOld, &r.PrefixSplitOld)
	c.var16(offSplitCbPrefixNew, &r.PrefixSplitNew)
	if split2 {
		c.var32(offSplit2CbPreimage, &r.PageBeforeImage)
	}
	return c
}

func (r *Merge) fields(c codec) codec {
	c = r.PageHeader.fields(c)
	c = c.seq(32, &r.PgnoRight, &r.DBTimeRightBefore, &r.PgnoLeft, &r.DBTimeLeftBefore, &r.PgnoParent,
		&r.DBTimeParentBefore, &r.PgnoFDP, &r.ObjidFDP, &r.CbSizeTotal, &r.CbSizeMaxTotal, &r.CbUncFreeDest,
		&r.ILineMerge, &r.MergeFlags, &r.MergeType) // up to cbKeyParentSep @86
	merge2 := r.Lrtyp == RecMerge2
	if merge2 {
		c.u32(88, &r.PreimageFlags)
	}
	c.var16(offMergeCbKeySep, &r.KeyParentSep)
	if merge2 {
		c.var32(offMerge2CbPreimage, &r.PageBeforeImage)
	}
	return c
}

func (r *PageMove) fields(c codec) codec {
	c = r.PageHeader.fields(c)
	c = c.seq(32, &r.PgnoDest, &r.PgnoLeft, &r.PgnoRight, &r.PgnoParent, &r.DBTimeLeftBefore,
		&r.DBTimeRightBefore, &r.DBTimeParentBefore, &r.PgnoFDP, &r.ObjidFDP, &r.ILineParent,
		&r.MoveFlags) // up to the length fields @88
	c.var32(offPageMoveCbHeader, &r.PageHeaderBytes)
	c.var32(offPageMoveCbTrailer, &r.PageTrailerBytes)
	return c
}

func (r *RootPageMove) fields(c codec) codec { return c.seq(1, &r.After, &r.Dbid, &r.Objid, &r.Procid) }

func (r *NewPage) fields(c codec) codec {
	return c.seq(1, &r.Procid, &r.Dbid, &r.PageNumber, &r.Objid, &r.After)
}

func (r *PagePatchRequest) fields(c codec) codec {
	return c.seq(1, &r.Dbid, &r.PageNumber, &r.DBTime, r.Reserved[:])
}

func (r *ScanCheck2) fields(c codec) codec {
	return c.seq(1, &r.Dbid, &r.PageNumber, &r.FlagsAndSource, &r.DBTimePage, &r.DBTimeCurrent, &r.Checksum)
}

func (r *MacroInfo) fields(c codec) codec {
	entries(&c, 4, maxIgnorable, &r.Pgnos, &r.Extra, pgnoEntry)
	return c
}

func (r *MacroInfo2) fields(c codec) codec {
	if c.known(&r.Dbid, &r.Count) {
		entries(&c, 4, maxIgnorable, &r.Pgnos, &r.Extra, pgnoEntry)
	}
	return c
}

func (r *ExtendDB) fields(c codec) codec {
	if c.known(&r.Dbid, &r.PgnoLast) {
		c.rest(&r.Extra)
	}
	return c
}

func (r *CommitCtx) fields(c codec) codec {
	if c.known(&r.Procid) {
		c.rest(&r.Rest)
	}
	return c
}

func (r *ScanCheck) fields(c codec) codec {
	if c.known(&r.Dbid, &r.PageNumber, &r.DBTimePage, &r.DBTimeCurrent, &r.DBTimeBefore, &r.DBTimeAfter,
		&r.Checksum) {
		c.rest(&r.Extra)
	}
	return c
}

func (r *NOP2) fields(c codec) codec {
	c.u32(offIgnorableCb, &r.Len) // encoding: appendLayout replaces it with the padding's size
	if c.enc && r.Pad == nil {
		c.window(5, int(r.Len)) // Len zero bytes
		return c
	}
	c.rest(&r.Pad)
	if !c.enc && bin.IsZero(r.Pad) {
		r.Pad = nil
	}
	return c
}

func (r *ReAttach) fields(c codec) codec {
	if c.known(&r.Dbid, &r.Attach, &r.Consistent, &r.SignDb) {
		c.rest(&r.Extra)
	}
	return c
}

func (r *FreeFDP) fields(c codec) codec {
	if c.known(&r.Dbid, &r.PgnoFDP, &r.TrxCommitted, &r.FDPType) {
		c.rest(&r.Extra)
	}
	return c
}

func (r *FragmentBegin) fields(c codec) codec {
	c = c.seq(1, &r.TotalSize)
	c.var16(offFragmentBeginCb, &r.Piece)
	return c
}

func (r *Fragment) fields(c codec) codec {
	c.var16(offFragmentCb, &r.Piece)
	return c
}

func (r *ShrinkDB) fields(c codec) codec {
	c = c.seq(1, &r.Dbid, &r.PgnoLast, &r.CpgShrunk)
	if r.Lrtyp == RecShrinkDB3 {
		c = c.seq(c.end, &r.DBTime)
	}
	return c
}

func (r *TrimDB) fields(c codec) codec { return c.seq(1, &r.Dbid, &r.PgnoStart, &r.Cpg) }

func (r *ExtentFreed) fields(c codec) codec {
	c = c.seq(1, &r.Dbid, &r.PgnoFirst, &r.Cpg, &r.Flags)
	if r.Lrtyp == RecExtentFreed2 {
		c = c.seq(c.end, &r.DBTime)
	}
	return c
}

func (r *Ignored) fields(c codec) codec {
	c.rest(&r.Data)
	return c
}

// pgnoEntry is the layout of one page number of a MacroInfo list.
func pgnoEntry(v *uint32, c codec) codec {
	c.u32(0, v)
	return c
}

// maxIgnorable is the most payload an ignorable record's u32 cb can give
// that the encoders keep (no record comes near it).
const maxIgnorable = 1<<31 - 1

// The record types' AppendEncode methods: each appends the record's
// byte-exact encoding through the type's layout, the one its decoding
// reads.

// AppendEncode appends the record's bytes to dst.
func (r *Begin) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *Begin0) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *Commit) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *Commit0) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *Rollback) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *Refresh) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *Macro) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *PrepCommit) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *ForceWriteLog) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *JetOp) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *Trace) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *Init) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *Term) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *RecoveryUndo2) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *MS) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *Checksum) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *CreateDB) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *AttachDB) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *DetachDB) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *CreateDBFinish) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *SetDbVersion) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *SignalAttachDb) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *TextRecord) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *Backup) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *Backup2) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *Insert) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *FlagInsert) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *FlagInsertAndReplaceData) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *FlagDelete) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *Delete) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst. A payload longer than
// 0x7FFF bytes is cut to that length.
func (r *Replace) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *UndoInfo) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst. For Delta (32-bit) only
// the low 32 bits of Delta are stored.
func (r *Delta) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *SetExternalHeader) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *Undo) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *Scrub) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst. Entries that would take
// the list past 0xFFFF bytes are dropped.
func (r *EmptyTree) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *CreateMultipleExtentFDP) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *CreateSingleExtentFDP) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *ConvertFDP) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst. The pre-image is only
// written for Split2.
func (r *Split) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst. The pre-image is only
// written for Merge2.
func (r *Merge) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *PageMove) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *RootPageMove) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *NewPage) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *PagePatchRequest) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *ScanCheck2) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *MacroInfo) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *MacroInfo2) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *ExtendDB) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *CommitCtx) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *ScanCheck) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *NOP2) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *ReAttach) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *FreeFDP) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *FragmentBegin) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *Fragment) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *ShrinkDB) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *TrimDB) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *ExtentFreed) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }

// AppendEncode appends the record's bytes to dst.
func (r *Ignored) AppendEncode(dst []byte) []byte { return appendLayout(dst, r) }
