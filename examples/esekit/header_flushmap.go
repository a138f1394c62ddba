package main

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// flushMapJSON is every field of a flush map header (FMFILEHDR,
// dev/ese/src/inc/flushmap.hxx), the size of the map, and how it stands
// against the database beside it.
type flushMapJSON struct {
	File string `json:"file"`
	Type string `json:"type"`
	// Version is "major.update_major.update_minor", "3.0.0".
	Version            string `json:"version"`
	VersionMajor       uint32 `json:"version_major"`
	VersionUpdateMajor uint32 `json:"version_update_major"`
	VersionUpdateMinor uint32 `json:"version_update_minor"`
	// Flags is the u32 at offset 0x24; Clean is bit 0x1 (closed cleanly),
	// NewChecksumFormat bit 0x2000.
	Flags             string `json:"flags"`
	Clean             bool   `json:"clean"`
	NewChecksumFormat bool   `json:"new_checksum_format"`
	CreateTime        string `json:"create_time"`
	AttachTime        string `json:"attach_time"`
	DetachTime        string `json:"detach_time"`
	// GenMinRequired is the lowest log generation needed to rebuild the
	// map after a crash (0 after a clean detach); GenMinRequiredTarget
	// the one a full map flush under way will set.
	GenMinRequired         ese.Generation `json:"gen_min_required"`
	GenMinRequiredTarget   ese.Generation `json:"gen_min_required_target"`
	FlushLastStartedTime   string         `json:"flush_last_started_time"`
	FlushLastCompletedTime string         `json:"flush_last_completed_time"`
	DbHdrFlushSignature    sigJSON        `json:"db_header_flush_signature"`
	FlushMapFlushSig       sigJSON        `json:"flush_map_header_flush_signature"`
	// The padding fields are the bytes in hex, "" when all zero (as the
	// engine writes them); Tail is the header page after the 671-byte
	// structure, the same way.
	FlagsPadding     string `json:"flags_alignment_padding"`
	FileTypePadding  string `json:"file_type_alignment_padding"`
	FileTypeCode     uint32 `json:"file_type_code"`
	Tail             string `json:"tail"`
	Checksum         string `json:"checksum"`
	HeaderChecksumOK bool   `json:"header_checksum_ok"`
	// DataPages is the number of 8 KiB map pages after the header page.
	DataPages int64 `json:"data_pages"`
	// Database is the database the map belongs to by the engine's naming
	// rule (same folder and base name), null when none is found there.
	Database  *flushMapDBJSON `json:"database"`
	Error     string          `json:"error,omitempty"`
	ErrorCode int32           `json:"error_code,omitempty"`
}

// flushMapDBJSON is the check of a flush map against its database header.
type flushMapDBJSON struct {
	File string `json:"file"`
	// Current is the engine's signature rule: the map belongs to the
	// database's last header write.
	Current bool `json:"current"`
	// MatchedBy names the signature that matched:
	// "db_header_flush_signature" (the map's header was written last),
	// "flush_map_header_flush_signature" (the database's was), or "".
	MatchedBy string `json:"matched_by"`
	// Usable is the engine's whole attach check, with logging on: current,
	// and clean or rebuildable from the logs. When it is false the engine
	// deletes the map at attach and starts a new one; Check says why.
	Usable bool   `json:"usable"`
	Check  string `json:"check"`
}

// flushMapObject reads the header of a flush map.
func flushMapObject(in input) any {
	h, err := ese.ReadFlushMapHeader(in.r)
	if h == nil {
		return errorObject(in.name, typeFlushMap, err)
	}
	page := in.readHead(ese.FlushMapPageSize)
	o := flushMapJSON{
		File: in.name, Type: typeFlushMap,
		Version: h.Version(), VersionMajor: h.VersionMajor,
		VersionUpdateMajor: h.VersionUpdateMajor, VersionUpdateMinor: h.VersionUpdateMinor,
		Flags: fmt.Sprintf("0x%08X", h.Flags), Clean: h.Clean(), NewChecksumFormat: h.NewChecksumFormat(),
		CreateTime: logTime(h.CreateTime), AttachTime: logTime(h.AttachTime), DetachTime: logTime(h.DetachTime),
		GenMinRequired: h.GenMinRequired, GenMinRequiredTarget: h.GenMinRequiredTarget,
		FlushLastStartedTime:   logTime(h.FlushLastStartedTime),
		FlushLastCompletedTime: logTime(h.FlushLastCompletedTime),
		DbHdrFlushSignature:    sig(h.DbHdrFlushSignature), FlushMapFlushSig: sig(h.FlushMapHdrFlushSignature),
		FlagsPadding: nonZeroHex(h.FlagsPadding[:]), FileTypePadding: nonZeroHex(h.FileTypePadding[:]),
		FileTypeCode: uint32(h.FileType), Tail: nonZeroHex(h.Tail),
		Checksum:         fmt.Sprintf("0x%08X", h.Checksum),
		HeaderChecksumOK: len(page) == ese.FlushMapPageSize && h.Checksum == ese.HeaderChecksum(page),
		DataPages:        max(in.size/ese.FlushMapPageSize-1, 0),
		Database:         flushMapDatabase(in.name, h),
	}
	if err != nil {
		o.Error = err.Error()
		if code, ok := engineCode(err); ok {
			o.ErrorCode = code
		}
	}
	return o
}

// nonZeroHex is b in hex, or "" when b is all zero.
func nonZeroHex(b []byte) string {
	if bin.IsZero(b) {
		return ""
	}
	return hex.EncodeToString(b)
}

// flushMapDatabase finds the database whose flush map fmPath is (a file in
// the same folder with the same base name, as ese.FlushMapPath names maps,
// identified as a database by its bytes) and checks the map against its
// header. nil when there is none.
func flushMapDatabase(fmPath string, h *ese.FlushMapHeader) *flushMapDBJSON {
	dir, name := filepath.Split(fmPath)
	ents, _ := os.ReadDir(filepath.Clean(dir + "."))
	for _, e := range ents {
		if e.Name() == name || !strings.EqualFold(ese.FlushMapPath(e.Name()), name) {
			continue
		}
		path := dir + e.Name()
		db := readDatabaseHeader(path)
		if db == nil {
			continue
		}
		o := &flushMapDBJSON{File: path, Current: h.Current(db)}
		switch {
		case !db.DbHdrFlushSignature.IsZero() && db.DbHdrFlushSignature == h.DbHdrFlushSignature:
			o.MatchedBy = "db_header_flush_signature"
		case !db.FlushMapHdrFlushSignature.IsZero() && db.FlushMapHdrFlushSignature == h.FlushMapHdrFlushSignature:
			o.MatchedBy = "flush_map_header_flush_signature"
		}
		if err := h.Check(db, true); err != nil {
			o.Check = err.Error()
		} else {
			o.Usable = true
		}
		return o
	}
	return nil
}

// readDatabaseHeader returns the header of the database file at path, or
// nil when the file is not a database with a readable header.
func readDatabaseHeader(path string) *ese.DBHeader {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return nil
	}
	c, _ := ese.ReadDBHeader(f)
	if c == nil {
		return nil
	}
	return c.Header
}
