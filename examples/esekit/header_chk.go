package main

import (
	"fmt"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esechk"
)

// checkpointJSON is every field of a checkpoint file (docs/checkpoint.md#checkpoint-layout).
type checkpointJSON struct {
	File                     string       `json:"file"`
	Type                     string       `json:"type"`
	Checkpoint               posJSON      `json:"checkpoint"`
	LastFullBackupCheckpoint posJSON      `json:"last_full_backup_checkpoint"`
	LogSignature             sigJSON      `json:"log_signature"`
	Attached                 []attachJSON `json:"attached"`
	AttachInfoPresent        bool         `json:"attach_info_present"`
	DbConsistency            posJSON      `json:"db_consistency"`
	// DeletableBelow is the generation below which numbered logs may be
	// deleted once backed up (KB Q296787, backup step 6): the checkpoint generation.
	DeletableBelow   ese.Generation `json:"deletable_below"`
	Checksum         string         `json:"checksum"`
	HeaderChecksumOK bool           `json:"header_checksum_ok"`
	ShadowOK         bool           `json:"shadow_ok"`
	UsedShadow       bool           `json:"used_shadow"`
	Version          uint8          `json:"version"`
	FileTypeCode     uint32         `json:"file_type_code"`
	FullBackup       posJSON        `json:"full_backup"`
	FullBackupTime   string         `json:"full_backup_time"`
	IncBackup        posJSON        `json:"incremental_backup"`
	IncBackupTime    string         `json:"incremental_backup_time"`
	DbmsParam        dbmsJSON       `json:"dbms_param"`
}

func checkpointObject(in input) any {
	c, st, err := esechk.ReadCopies(in.r)
	if err != nil {
		return errorObject(in.name, typeCheckpoint, err)
	}
	return checkpointJSON{
		File: in.name, Type: typeCheckpoint,
		Checkpoint:               pos(c.Checkpoint),
		LastFullBackupCheckpoint: pos(c.LastFullBackupCheckpoint),
		LogSignature:             sig(c.LogSignature),
		Attached:                 attachList(c.Attached),
		AttachInfoPresent:        c.AttachInfoPresent(),
		DbConsistency:            pos(c.DbConsistencyPos),
		DeletableBelow:           max(c.Checkpoint.Generation, 0),
		Checksum:                 fmt.Sprintf("0x%08X", c.Checksum),
		HeaderChecksumOK:         st.PrimaryOK,
		ShadowOK:                 st.OK(),
		UsedShadow:               st.Used != 0,
		Version:                  c.Version,
		FileTypeCode:             uint32(c.FileType),
		FullBackup:               pos(c.FullBackupPos),
		FullBackupTime:           logTime(c.FullBackupTime),
		IncBackup:                pos(c.IncBackupPos),
		IncBackupTime:            logTime(c.IncBackupTime),
		DbmsParam:                dbms(c.DbmsParam),
	}
}
