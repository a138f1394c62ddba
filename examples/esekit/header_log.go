package main

import (
	"fmt"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
)

// logHeaderJSON is every field of a log file header (docs/logs.md#log-file-header).
type logHeaderJSON struct {
	File                      string         `json:"file"`
	Type                      string         `json:"type"`
	Generation                ese.Generation `json:"generation"`
	Format                    string         `json:"format"`
	SectorSize                int            `json:"sector_size"`
	FileSectors               int            `json:"file_sectors"`
	HeaderSectors             int            `json:"header_sectors"`
	PageSize                  int            `json:"page_size"`
	LogSignature              sigJSON        `json:"log_signature"`
	Created                   string         `json:"created"`
	PreviousGenerationCreated string         `json:"previous_generation_created"`
	Checkpoint                posJSON        `json:"checkpoint"`
	CircularLogging           bool           `json:"circular_logging"`
	CircularLoggingBefore     bool           `json:"circular_logging_before"`
	ReserveLogInUse           bool           `json:"reserve_log_in_use"`
	LogFlags                  uint8          `json:"log_flags"`
	Attached                  []attachJSON   `json:"attached"`
	Checksum                  string         `json:"checksum"`
	PrevLogChecksum           string         `json:"previous_log_accumulated_checksum"`
	DiskSectorSizeMismatch    uint8          `json:"disk_sector_size_mismatch"`
	EngineFormatVersion       uint32         `json:"engine_format_version"`
	FileTypeCode              uint32         `json:"file_type_code"`
	FileSizeMatches           bool           `json:"file_size_matches"`
	DbmsParam                 dbmsJSON       `json:"dbms_param"`
}

func logHeaderObject(in input) any {
	h, err := eselog.ReadFileHeader(in.r)
	if err != nil {
		return errorObject(in.name, typeLog, err)
	}
	return logHeaderJSON{
		File: in.name, Type: typeLog,
		Generation: h.Generation, Format: h.Version(), SectorSize: int(h.SectorSize),
		FileSectors: int(h.FileSectors), HeaderSectors: int(h.HeaderSectors), PageSize: h.PageSize(),
		LogSignature: sig(h.LogSignature), Created: logTime(h.CreateTime),
		PreviousGenerationCreated: logTime(h.PrevGenCreateTime),
		Checkpoint:                pos(h.CheckpointAtCreation),
		CircularLogging:           h.CircularLogging(),
		CircularLoggingBefore:     h.CircularLoggingHistory(),
		ReserveLogInUse:           h.ReservedLog(),
		LogFlags:                  h.LogFlags,
		Attached:                  attachList(h.Attached),
		Checksum:                  fmt.Sprintf("0x%08X", h.Checksum),
		PrevLogChecksum:           fmt.Sprintf("0x%016X", h.PrevLogAccumulatedChecksum),
		DiskSectorSizeMismatch:    h.DiskSectorSizeMismatch,
		EngineFormatVersion:       h.EfvEngineCurrentDiagnostic,
		FileTypeCode:              uint32(h.FileType),
		FileSizeMatches:           h.FileSize() == in.size,
		DbmsParam:                 dbms(h.DbmsParam),
	}
}
