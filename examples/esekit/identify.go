package main

import "github.com/esekit/esekit/ese"

// identity is what identification found about one file, by its bytes.
type identity struct {
	File string `json:"file"`
	Type string `json:"type"`
	// Size is the file size in bytes.
	Size int64 `json:"size"`
	// PageSize is the page size of a database or patch file, or the
	// database page size a log was written for; 0 when not known.
	PageSize int `json:"page_size"`
	// SectorSize is a log's sector size; 0 for other files.
	SectorSize int `json:"sector_size"`
	// Format is the format version: "0x620,20" for databases,
	// "8.4000.60.140" for logs, "FM 3.0.0" for flush maps; "" when none.
	Format string `json:"format"`
	// Generation is a log's generation or a checkpoint's checkpoint
	// generation; 0 otherwise.
	Generation ese.Generation `json:"generation"`
	// FileTypeCode is the u32 at header offset 667 (0 when absent).
	FileTypeCode uint32 `json:"file_type_code"`
	// HeaderOK reports that the header checksum verifies.
	HeaderOK bool `json:"header_ok"`
	// Note adds detail ("zero-filled", "shadow header used"...).
	Note string `json:"note,omitempty"`
	// Error is a read failure.
	Error string `json:"error,omitempty"`
}

// identifyInput classifies in by its bytes, never by its name, with
// ese.Identify.
func identifyInput(in input) identity {
	id, err := ese.Identify(in.r)
	out := identity{
		File: in.name, Type: id.Kind.String(), Size: id.Size, PageSize: id.PageSize,
		SectorSize: id.SectorSize, Format: id.Format, Generation: id.Generation,
		FileTypeCode: uint32(id.FileType), HeaderOK: id.HeaderOK, Note: id.Note,
	}
	if err != nil {
		out.Error = err.Error()
	}
	return out
}
