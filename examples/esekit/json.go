package main

import (
	"errors"
	"time"

	"github.com/esekit/esekit/ese"
)

// This file holds the JSON shapes shared by every verb. Their field names
// are a stable interface (issues 2-6): other programs parse them.

// File types as the JSON "type" field spells them.
const (
	typeDatabase     = "database"
	typeTempDatabase = "temp_database"
	typeLog          = "log"
	typeCheckpoint   = "checkpoint"
	typePatch        = "patch"
	typeFlushMap     = "flush_map"
	typeReserveLog   = "reserve_log"
	typeUnknown      = "unknown"
)

// timeLayout is RFC 3339 in UTC with milliseconds.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// posJSON is a log position.
type posJSON struct {
	Generation ese.Generation `json:"generation"`
	Sector     uint16         `json:"sector"`
	Offset     uint16         `json:"offset"`
}

func pos(p ese.LogPos) posJSON {
	return posJSON{Generation: p.Generation, Sector: p.Sector, Offset: p.Offset}
}

// sigJSON is a signature. Created is "" when the signature's time is null.
type sigJSON struct {
	Random   uint32 `json:"random"`
	Created  string `json:"created"`
	Computer string `json:"computer"`
	// raw is the signature as read, for the engine's print form; it is not
	// part of the JSON.
	raw *ese.Signature
}

func sig(s ese.Signature) sigJSON {
	return sigJSON{Random: s.Random, Created: logTime(s.Created), Computer: s.ComputerName(), raw: &s}
}

// String is the engine's print form of the signature, as eseutil shows it:
// "Create time:12/29/2000 21:6:38 Rand:24842 Computer:". A sigJSON that
// came back from JSON (no raw bytes) is rebuilt from its fields.
func (s sigJSON) String() string {
	if s.raw != nil {
		return s.raw.String()
	}
	return sigFromFields(s.Random, s.Created, s.Computer).String()
}

// sigFromFields rebuilds a signature from its JSON fields: the random
// number, the RFC 3339 creation time ("" or "-" for none) and the computer
// name.
func sigFromFields(random uint32, created, computer string) ese.Signature {
	s := ese.Signature{Random: random}
	if created != "-" {
		s.Created.UnmarshalText([]byte(created)) // an unreadable time stays null
	}
	if computer != "-" {
		copy(s.Computer[:len(s.Computer)-1], computer)
	}
	return s
}

// logTime formats a log time as its text form: RFC 3339 UTC with
// milliseconds, "" when null.
func logTime(t ese.LogTime) string {
	b, _ := t.MarshalText()
	return string(b)
}

// goTime formats a time.Time like logTime.
func goTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(ese.TextLayout)
}

// backupJSON is a backup info block (BKINFO).
type backupJSON struct {
	Mark     posJSON        `json:"mark"`
	MarkTime string         `json:"mark_time"`
	GenLow   ese.Generation `json:"gen_low"`
	GenHigh  ese.Generation `json:"gen_high"`
}

func backup(b ese.BackupInfo) backupJSON {
	return backupJSON{Mark: pos(b.Mark), MarkTime: logTime(b.MarkTime), GenLow: b.GenLow, GenHigh: b.GenHigh}
}

// dbmsJSON is the run-time parameter block of logs and checkpoints.
type dbmsJSON struct {
	SystemPath      string `json:"system_path"`
	LogFilePath     string `json:"log_file_path"`
	Flags           uint8  `json:"flags"`
	CircularLogging bool   `json:"circular_logging"`
	MaxSessions     uint32 `json:"max_sessions"`
	MaxOpenTables   uint32 `json:"max_open_tables"`
	MaxVerPages     uint32 `json:"max_ver_pages"`
	MaxCursors      uint32 `json:"max_cursors"`
	LogBuffers      uint32 `json:"log_buffers"`
	LogFileSectors  uint32 `json:"log_file_sectors"`
	CacheSizeMax    uint32 `json:"cache_size_max"`
}

func dbms(p ese.DBMSParam) dbmsJSON {
	return dbmsJSON{
		SystemPath: p.SystemPathString(), LogFilePath: p.LogFilePathString(),
		Flags: p.Flags, CircularLogging: p.CircularLogging(),
		MaxSessions: p.MaxSessions, MaxOpenTables: p.MaxOpenTables, MaxVerPages: p.MaxVerPages,
		MaxCursors: p.MaxCursors, LogBuffers: p.LogBuffers, LogFileSectors: p.LogFileSectors,
		CacheSizeMax: p.CacheSizeMax,
	}
}

// attachJSON is one entry of an attach list (log headers, checkpoints).
type attachJSON struct {
	DBID           uint8   `json:"dbid"`
	Path           string  `json:"path"`
	DbSignature    sigJSON `json:"db_signature"`
	Flags          uint8   `json:"flags"`
	UnicodeNames   bool    `json:"unicode_names"`
	DBTime         uint64  `json:"dbtime"`
	LastObjectID   uint32  `json:"last_object_id"`
	MaxDbSizePages int32   `json:"max_db_size_pages"`
	Attach         posJSON `json:"attach"`
	Consistent     posJSON `json:"consistent"`
}

func attachList(list []ese.AttachInfo) []attachJSON {
	out := make([]attachJSON, 0, len(list))
	for _, a := range list {
		out = append(out, attachJSON{
			DBID: a.DBID, Path: a.Path(), DbSignature: sig(a.DbSignature), Flags: a.Flags,
			UnicodeNames: a.Flags&ese.AttachUnicodeNames != 0, DBTime: a.DBTime,
			LastObjectID: a.LastObjectID, MaxDbSizePages: a.MaxDbSizePages,
			Attach: pos(a.AttachPos), Consistent: pos(a.ConsistentPos),
		})
	}
	return out
}

// fileError is what a verb reports for a file it could not read: the
// message and, when the failure maps to an engine error, its code.
type fileError struct {
	File      string `json:"file"`
	Type      string `json:"type"`
	Error     string `json:"error"`
	ErrorCode int32  `json:"error_code,omitempty"`
	// status is the exit status the failure calls for (statusOf).
	status int
}

// errorObject builds the object reported for a file that failed, with the
// engine code of the failure (never 0: see ese.CodeOf).
func errorObject(file, typ string, err error) fileError {
	return fileError{File: file, Type: typ, Error: cliText(err.Error()), ErrorCode: int32(ese.CodeOf(err)), status: statusOf(err)}
}

// engineCode returns the JET error code err wraps, if any.
func engineCode(err error) (int32, bool) {
	var je ese.Error
	if errors.As(err, &je) {
		return int32(je), true
	}
	return 0, false
}
