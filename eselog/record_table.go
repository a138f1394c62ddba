package eselog

func init() {
	d := &decoders
	mark := func(b []byte, base RecordBase) Record { return &Mark{base} }
	for _, t := range []RecordType{RecNOP, RecEnd, RecRecoveryUndo, RecShutDownMark} {
		d[t] = mark
	}
	d[RecInit], d[RecInit2] = decodeInit, decodeInit
	for _, t := range []RecordType{RecTerm, RecRecoveryQuit, RecTerm2, RecRecoveryQuit2, RecRecoveryQuitKeepAttachments} {
		d[t] = decodeTerm
	}
	d[RecMS] = decodeMS
	d[RecBegin] = decodeFresh[Begin]
	d[RecBegin0], d[RecBeginDT] = decodeFresh[Begin0], decodeFresh[Begin0]
	d[RecCommit] = decodeFresh[Commit]
	d[RecCommit0] = decodeFresh[Commit0]
	d[RecRollback] = decodeRollback
	d[RecRefresh] = decodeRefresh
	d[RecMacroBegin], d[RecMacroCommit], d[RecMacroAbort] = decodeMacro, decodeMacro, decodeMacro
	d[RecCreateDB] = decodeCreateDB
	d[RecAttachDB] = decodeAttachDB
	d[RecDetachDB] = decodeDetachDB
	d[RecFullBackup], d[RecIncBackup] = decodeTextRecord, decodeTextRecord
	d[RecExtRestore], d[RecExtRestore2] = decodeTextRecord, decodeTextRecord
	d[RecJetOp] = decodeJetOp
	d[RecTrace], d[RecForceLogRollover] = decodeTrace, decodeTrace
	d[RecCreateMultipleExtentFDP] = decodeCreateMEFDP
	d[RecCreateSingleExtentFDP] = decodeCreateSEFDP
	d[RecConvertFDP], d[RecConvertFDP2] = decodeConvertFDP, decodeConvertFDP
	d[RecSplit], d[RecSplit2] = decodeSplit, decodeSplit
	d[RecMerge], d[RecMerge2] = decodeMerge, decodeMerge
	d[RecInsert] = decodeFresh[Insert]
	d[RecFlagInsert] = decodeFlagInsert
	d[RecFlagInsertAndReplaceData] = decodeFlagInsertAndReplaceData
	d[RecFlagDelete] = func(b []byte, base RecordBase) Record { return &FlagDelete{decodeNodeHeader(b, base)} }
	d[RecDelete] = func(b []byte, base RecordBase) Record { return &Delete{decodeNodeHeader(b, base)} }
	d[RecReplace], d[RecReplaceD] = decodeFresh[Replace], decodeFresh[Replace]
	d[RecUndoInfo] = decodeUndoInfo
	d[RecDelta], d[RecDelta64] = decodeFresh[Delta], decodeFresh[Delta]
	d[RecSetExternalHeader] = decodeSetExternalHeader
	d[RecUndo] = decodeUndo
	d[RecChecksum] = decodeChecksum
	d[RecBackup] = decodeBackup
	d[RecBackup2] = decodeBackup2
	d[RecEmptyTree] = decodeEmptyTree
	d[RecRecoveryUndo2] = decodeRecoveryUndo2
	d[RecPrepCommit] = decodePrepCommit
	d[RecForceWriteLog] = decodeForceWriteLog
	d[RecScrub] = decodeScrub
	d[RecPageMove] = decodePageMove
	d[RecPagePatchRequest] = decodePagePatchRequest
	d[RecMacroInfo] = decodeMacroInfo
	d[RecExtendDB] = decodeExtendDB
	d[RecCommitCtx] = decodeCommitCtx
	d[RecScanCheck] = decodeScanCheck
	d[RecNOP2] = decodeNOP2
	d[RecReAttach] = decodeReAttach
	d[RecMacroInfo2] = decodeMacroInfo2
	d[RecFreeFDP] = decodeFreeFDP
	for t := RecordType(0); t < RecTypeMax; t++ {
		if t.IsIgnorable() && d[t] == nil {
			d[t] = decodeIgnored
		}
	}
	d[RecFragmentBegin] = decodeFragmentBegin
	d[RecFragment] = decodeFragment
	d[RecShrinkDB], d[RecShrinkDB2], d[RecShrinkDB3] = decodeShrinkDB, decodeShrinkDB, decodeShrinkDB
	d[RecCreateDBFinish] = decodeCreateDBFinish
	d[RecTrimDB] = decodeTrimDB
	d[RecSetDbVersion] = decodeSetDbVersion
	d[RecNewPage] = decodeNewPage
	d[RecRootPageMove] = decodeRootPageMove
	d[RecSignalAttachDb] = decodeSignalAttachDb
	d[RecScanCheck2] = decodeScanCheck2
	d[RecExtentFreed], d[RecExtentFreed2] = decodeExtentFreed, decodeExtentFreed
}

// decodeFresh decodes b into a new T, for the types whose decode method
// the Decoder also uses to fill its reused values.
func decodeFresh[T any, P interface {
	*T
	Record
	decode(b []byte, base RecordBase)
}](b []byte, base RecordBase) Record {
	r := P(new(T))
	r.decode(b, base)
	return r
}
