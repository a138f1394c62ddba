package main

import (
	"fmt"

	"github.com/esekit/esekit/ese"
)

// dbHeaderJSON is every field of a database header (docs/database.md#database-header) plus
// the state of both header copies.
type dbHeaderJSON struct {
	File string `json:"file"`
	Type string `json:"type"`

	PageSize         int            `json:"page_size"`
	Format           string         `json:"format"`
	FormatUpdate     string         `json:"format_update"`
	State            string         `json:"state"`
	StateCode        uint32         `json:"state_code"`
	DBTime           uint64         `json:"dbtime"`
	DbSignature      sigJSON        `json:"db_signature"`
	LogSignature     sigJSON        `json:"log_signature"`
	Consistent       posJSON        `json:"consistent"`
	ConsistentTime   string         `json:"consistent_time"`
	Attach           posJSON        `json:"attach"`
	AttachTime       string         `json:"attach_time"`
	Detach           posJSON        `json:"detach"`
	DetachTime       string         `json:"detach_time"`
	GenMinRequired   ese.Generation `json:"gen_min_required"`
	GenMaxRequired   ese.Generation `json:"gen_max_required"`
	GenMaxCommitted  ese.Generation `json:"gen_max_committed"`
	GenMaxCreateTime string         `json:"gen_max_create_time"`
	RepairCount      uint32         `json:"repair_count"`
	RepairTime       string         `json:"repair_time"`
	HeaderChecksumOK bool           `json:"header_checksum_ok"`
	ShadowOK         bool           `json:"shadow_ok"`
	UsedShadow       bool           `json:"used_shadow"`
	Checksum         string         `json:"checksum"`
	Magic            string         `json:"magic"`
	FormatVersion    string         `json:"format_version"`
	FormatUpdateMaj  uint32         `json:"format_update_major"`
	FormatUpdateMin  uint32         `json:"format_update_minor"`
	CreateFormat     string         `json:"create_format"`
	Attrib           int32          `json:"attrib"`
	DBID             uint32         `json:"dbid"`
	DbFlags          string         `json:"db_flags"`
	LastObjectID     uint32         `json:"last_object_id"`
	OSVersion        string         `json:"os_version"`
	FileType         string         `json:"file_type"`
	FileTypeCode     uint32         `json:"file_type_code"`
	BackupCopy       bool           `json:"backup_copy"`
	PrevFullBackup   backupJSON     `json:"previous_full_backup"`
	PrevFullType     string         `json:"previous_full_backup_type"`
	PrevIncBackup    backupJSON     `json:"previous_incremental_backup"`
	PrevIncType      string         `json:"previous_incremental_backup_type"`
	PrevCopyBackup   backupJSON     `json:"previous_copy_backup"`
	PrevCopyType     string         `json:"previous_copy_backup_type"`
	PrevDiffBackup   backupJSON     `json:"previous_differential_backup"`
	PrevDiffType     string         `json:"previous_differential_backup_type"`
	CurFullBackup    backupJSON     `json:"current_full_backup"`
	CurSnapshot      backupJSON     `json:"current_snapshot_backup"`

	ScrubDBTime          uint64         `json:"scrub_dbtime"`
	ScrubTime            string         `json:"scrub_time"`
	Upgrade55Format      int32          `json:"upgrade_55_format_pages"`
	UpgradeFree          int32          `json:"upgrade_free_pages"`
	UpgradeSpaceMap      int32          `json:"upgrade_space_map_pages"`
	RepairCountOld       uint32         `json:"repair_count_old"`
	ECCFixSuccessCount   uint32         `json:"ecc_fix_success_count"`
	ECCFixSuccessTime    string         `json:"ecc_fix_success_time"`
	ECCFixSuccessOld     uint32         `json:"ecc_fix_success_count_old"`
	ECCFixFailCount      uint32         `json:"ecc_fix_fail_count"`
	ECCFixFailTime       string         `json:"ecc_fix_fail_time"`
	ECCFixFailOld        uint32         `json:"ecc_fix_fail_count_old"`
	BadChecksumCount     uint32         `json:"bad_checksum_count"`
	BadChecksumTime      string         `json:"bad_checksum_time"`
	BadChecksumOld       uint32         `json:"bad_checksum_count_old"`
	IncReseedCount       uint32         `json:"incremental_reseed_count"`
	IncReseedTime        string         `json:"incremental_reseed_time"`
	IncReseedOld         uint32         `json:"incremental_reseed_count_old"`
	PagePatchCount       uint32         `json:"page_patch_count"`
	PagePatchTime        string         `json:"page_patch_time"`
	PagePatchOld         uint32         `json:"page_patch_count_old"`
	SortVersion          string         `json:"sort_version"`
	DbscanPrevTime       string         `json:"dbscan_previous_time"`
	DbscanStartTime      string         `json:"dbscan_start_time"`
	DbscanHighestContig  uint32         `json:"dbscan_highest_continuous_pgno"`
	DbscanHighestPgno    uint32         `json:"dbscan_highest_pgno"`
	GenRecovering        ese.Generation `json:"gen_recovering"`
	ExtendCount          uint32         `json:"extend_count"`
	LastExtendTime       string         `json:"last_extend_time"`
	ShrinkCount          uint32         `json:"shrink_count"`
	LastShrinkTime       string         `json:"last_shrink_time"`
	LastReAttachTime     string         `json:"last_reattach_time"`
	LastReAttach         posJSON        `json:"last_reattach"`
	TrimCount            uint32         `json:"trim_count"`
	DbHdrFlushSignature  sigJSON        `json:"db_header_flush_signature"`
	FlushMapFlushSig     sigJSON        `json:"flush_map_header_flush_signature"`
	GenMinConsistent     ese.Generation `json:"gen_min_consistent"`
	EfvMaxBinAttach      uint32         `json:"efv_max_bin_attach"`
	LastResize           posJSON        `json:"last_resize"`
	GenMaxRequiredTime   string         `json:"gen_max_required_time"`
	GenPreRedoMinConsist ese.Generation `json:"gen_pre_redo_min_consistent"`
	GenPreRedoMinReq     ese.Generation `json:"gen_pre_redo_min_required"`
	RBSHdrFlushSignature sigJSON        `json:"rbs_header_flush_signature"`
	RevertCount          uint32         `json:"revert_count"`
	RevertFromTime       string         `json:"revert_from_time"`
	RevertToTime         string         `json:"revert_to_time"`
	RevertPageCount      uint32         `json:"revert_page_count"`
	CommitBeforeRevert   posJSON        `json:"commit_before_revert"`
	// BackupTrailer, for a copy from an online backup, says where its
	// trailer page stands (the patch header of today's backup sets).
	BackupTrailer *backupTrailerJSON `json:"backup_trailer,omitempty"`
	Error         string             `json:"error,omitempty"`
	ErrorCode     int32              `json:"error_code,omitempty"`
}

// dbHeaderObject reads and renders a database header.
func dbHeaderObject(in input, typ string) any {
	c, err := ese.ReadDBHeader(in.r)
	if c == nil || c.Header == nil {
		if err == nil {
			err = fmt.Errorf("no database header")
		}
		return errorObject(in.name, typ, err)
	}
	h := c.Header
	o := dbHeaderJSON{
		File: in.name, Type: typ,
		PageSize: c.PageSize, Format: h.Format(), FormatUpdate: h.FormatUpdate(),
		State: h.State.String(), StateCode: uint32(h.State), DBTime: h.DBTimeDirtied,
		DbSignature: sig(h.DbSignature), LogSignature: sig(h.LogSignature),
		Consistent: pos(h.ConsistentPos), ConsistentTime: logTime(h.ConsistentTime),
		Attach: pos(h.AttachPos), AttachTime: logTime(h.AttachTime),
		Detach: pos(h.DetachPos), DetachTime: logTime(h.DetachTime),
		GenMinRequired: h.GenMinRequired, GenMaxRequired: h.GenMaxRequired,
		GenMaxCommitted: h.GenMaxCommitted, GenMaxCreateTime: logTime(h.GenMaxCreateTime),
		RepairCount: h.RepairCount, RepairTime: logTime(h.RepairTime),
		HeaderChecksumOK: c.HeaderChecksumOK, ShadowOK: c.ShadowOK, UsedShadow: c.UsedShadow,
		Checksum: fmt.Sprintf("0x%08X", h.Checksum), Magic: fmt.Sprintf("0x%08X", h.Magic),
		FormatVersion: fmt.Sprintf("0x%X", h.FormatVersion), FormatUpdateMaj: h.FormatUpdateMajor,
		FormatUpdateMin: h.FormatUpdateMinor,
		CreateFormat:    fmt.Sprintf("0x%X,%d", h.CreateFormatVersion, h.CreateFormatUpdate),
		Attrib:          h.Attrib, DBID: h.DBID, DbFlags: fmt.Sprintf("0x%08X", h.Flags()),
		LastObjectID: h.LastObjectID,
		OSVersion: fmt.Sprintf("%d.%d build %d SP %d", h.OSMajorVersion, h.OSMinorVersion,
			h.OSBuildNumber, h.OSServicePack),
		FileType: h.FileType.String(), FileTypeCode: uint32(h.FileType), BackupCopy: h.IsBackupCopy(),
		PrevFullBackup: backup(h.PrevFullBackup), PrevFullType: h.PrevFullBackupType.String(),
		PrevIncBackup: backup(h.PrevIncBackup), PrevIncType: h.PrevIncBackupType.String(),
		PrevCopyBackup: backup(h.PrevCopyBackup), PrevCopyType: h.PrevCopyBackupType.String(),
		PrevDiffBackup: backup(h.PrevDiffBackup), PrevDiffType: h.PrevDiffBackupType.String(),
		CurFullBackup: backup(h.CurFullBackup), CurSnapshot: backup(h.CurSnapshotBackup),

		ScrubDBTime: h.ScrubDBTime, ScrubTime: logTime(h.ScrubTime),
		Upgrade55Format: h.Upgrade55FormatPages, UpgradeFree: h.UpgradeFreePages,
		UpgradeSpaceMap: h.UpgradeSpaceMapPages, RepairCountOld: h.RepairCountOld,
		ECCFixSuccessCount: h.ECCFixSuccessCount, ECCFixSuccessTime: logTime(h.ECCFixSuccessTime),
		ECCFixSuccessOld: h.ECCFixSuccessCountOld, ECCFixFailCount: h.ECCFixFailCount,
		ECCFixFailTime: logTime(h.ECCFixFailTime), ECCFixFailOld: h.ECCFixFailCountOld,
		BadChecksumCount: h.BadChecksumCount, BadChecksumTime: logTime(h.BadChecksumTime),
		BadChecksumOld: h.BadChecksumCountOld, IncReseedCount: h.IncReseedCount,
		IncReseedTime: logTime(h.IncReseedTime), IncReseedOld: h.IncReseedCountOld,
		PagePatchCount: h.PagePatchCount, PagePatchTime: logTime(h.PagePatchTime),
		PagePatchOld: h.PagePatchCountOld, SortVersion: fmt.Sprintf("0x%016X", h.SortVersion),
		DbscanPrevTime: logTime(h.DbscanPrevTime), DbscanStartTime: logTime(h.DbscanStartTime),
		DbscanHighestContig: h.DbscanHighestContinuousPgno, DbscanHighestPgno: h.DbscanHighestPgno,
		GenRecovering: h.GenRecovering, ExtendCount: h.ExtendCount,
		LastExtendTime: logTime(h.LastExtendTime), ShrinkCount: h.ShrinkCount,
		LastShrinkTime: logTime(h.LastShrinkTime), LastReAttachTime: logTime(h.LastReAttachTime),
		LastReAttach: pos(h.LastReAttachPos), TrimCount: h.TrimCount,
		DbHdrFlushSignature: sig(h.DbHdrFlushSignature), FlushMapFlushSig: sig(h.FlushMapHdrFlushSignature),
		GenMinConsistent: h.GenMinConsistent, EfvMaxBinAttach: h.EfvMaxBinAttachDiagnostic,
		LastResize: pos(h.LastResizePos), GenMaxRequiredTime: logTime(h.GenMaxRequiredTime),
		GenPreRedoMinConsist: h.GenPreRedoMinConsistent, GenPreRedoMinReq: h.GenPreRedoMinRequired,
		RBSHdrFlushSignature: sig(h.RBSHdrFlushSignature), RevertCount: h.RevertCount,
		RevertFromTime: logTime(h.RevertFromTime), RevertToTime: logTime(h.RevertToTime),
		RevertPageCount: h.RevertPageCount, CommitBeforeRevert: pos(h.CommitBeforeRevertPos),
	}
	if h.IsBackupCopy() || h.IsSnapshotBackup() {
		o.BackupTrailer = backupTrailerObject(in.r)
	}
	if err != nil {
		o.Error = err.Error()
		if code, ok := engineCode(err); ok {
			o.ErrorCode = code
		}
	}
	return o
}
