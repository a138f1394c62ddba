package eselog

func init() {
	d := &decoders
	mark := func(b []byte, base RecordBase) Record { return &Mark{base} }
	for _, t := range []RecordType{RecNOP, RecEnd, RecRecoveryUndo, RecShutDownMark} {
		d[t] = mark
	}
	d[RecInit], d[RecInit2] = decodeLayout[Init], decodeLayout[Init]
	for _, t := range []RecordType{RecTerm, RecRecoveryQuit, RecTerm2, RecRecoveryQuit2, RecRecoveryQuitKeepAttachments} {
		d[t] = decodeLayout[Term]
	}
	d[RecMS] = decodeLayout[MS]
	d[RecBegin] = decodeFresh[Begin]
	d[RecBegin0], d[RecBeginDT] = decodeFresh[Begin0], decodeFresh[Begin0]
	d[RecCommit] = decodeFresh[Commit]
	d[RecCommit0] = decodeFresh[Commit0]
	d[RecRollback] = decodeLayout[Rollback]
	d[RecRefresh] = decodeLayout[Refresh]
	d[RecMacroBegin], d[RecMacroCommit], d[RecMacroAbort] = decodeLayout[Macro], decodeLayout[Macro], decodeLayout[Macro]
	d[RecCreateDB] = decodeLayout[CreateDB]
	d[RecAttachDB] = decodeLayout[AttachDB]
	d[RecDetachDB] = decodeLayout[DetachDB]
	for _, t := range []RecordType{RecFullBackup, RecIncBackup, RecExtRestore, RecExtRestore2} {
		d[t] = decodeLayout[TextRecord]
	}
	d[RecJetOp] = decodeLayout[JetOp]
	d[RecTrace], d[RecForceLogRollover] = decodeLayout[Trace], decodeLayout[Trace]
	d[RecCreateMultipleExtentFDP] = decodeLayout[CreateMultipleExtentFDP]
	d[RecCreateSingleExtentFDP] = decodeLayout[CreateSingleExtentFDP]
	d[RecConvertFDP], d[RecConvertFDP2] = decodeLayout[ConvertFDP], decodeLayout[ConvertFDP]
	d[RecSplit], d[RecSplit2] = decodeLayout[Split], decodeLayout[Split]
	d[RecMerge], d[RecMerge2] = decodeLayout[Merge], decodeLayout[Merge]
	d[RecInsert] = decodeFresh[Insert]
	d[RecFlagInsert] = decodeLayout[FlagInsert]
	d[RecFlagInsertAndReplaceData] = decodeLayout[FlagInsertAndReplaceData]
	d[RecFlagDelete] = decodeFresh[FlagDelete]
	d[RecDelete] = decodeFresh[Delete]
	d[RecReplace], d[RecReplaceD] = decodeFresh[Replace], decodeFresh[Replace]
	d[RecUndoInfo] = decodeLayout[UndoInfo]
	d[RecDelta], d[RecDelta64] = decodeFresh[Delta], decodeFresh[Delta]
	d[RecSetExternalHeader] = decodeLayout[SetExternalHeader]
	d[RecUndo] = decodeLayout[Undo]
	d[RecChecksum] = decodeLayout[Checksum]
	d[RecBackup] = decodeLayout[Backup]
	d[RecBackup2] = decodeLayout[Backup2]
	d[RecEmptyTree] = decodeLayout[EmptyTree]
	d[RecRecoveryUndo2] = decodeLayout[RecoveryUndo2]
	d[RecPrepCommit] = decodeLayout[PrepCommit]
	d[RecForceWriteLog] = decodeLayout[ForceWriteLog]
	d[RecScrub] = decodeLayout[Scrub]
	d[RecPageMove] = decodeLayout[PageMove]
	d[RecPagePatchRequest] = decodeLayout[PagePatchRequest]
	d[RecMacroInfo] = decodeLayout[MacroInfo]
	d[RecExtendDB] = decodeIgnorable[ExtendDB]
	d[RecCommitCtx] = decodeIgnorable[CommitCtx]
	d[RecScanCheck] = decodeIgnorable[ScanCheck]
	d[RecNOP2] = decodeLayout[NOP2]
	d[RecReAttach] = decodeIgnorable[ReAttach]
	d[RecMacroInfo2] = decodeIgnorable[MacroInfo2]
	d[RecFreeFDP] = decodeIgnorable[FreeFDP]
	for t := RecordType(0); t < RecTypeMax; t++ {
		if t.IsIgnorable() && d[t] == nil {
			d[t] = decodeIgnored
		}
	}
	d[RecFragmentBegin] = decodeLayout[FragmentBegin]
	d[RecFragment] = decodeLayout[Fragment]
	d[RecShrinkDB], d[RecShrinkDB2], d[RecShrinkDB3] = decodeLayout[ShrinkDB], decodeLayout[ShrinkDB], decodeLayout[ShrinkDB]
	d[RecCreateDBFinish] = decodeLayout[CreateDBFinish]
	d[RecTrimDB] = decodeLayout[TrimDB]
	d[RecSetDbVersion] = decodeLayout[SetDbVersion]
	d[RecNewPage] = decodeLayout[NewPage]
	d[RecRootPageMove] = decodeLayout[RootPageMove]
	d[RecSignalAttachDb] = decodeLayout[SignalAttachDb]
	d[RecScanCheck2] = decodeLayout[ScanCheck2]
	d[RecExtentFreed], d[RecExtentFreed2] = decodeLayout[ExtentFreed], decodeLayout[ExtentFreed]
}
