package eselog

import (
	"fmt"
	"strings"
)

// FileRole is what a file's NAME says it is in a log folder (HEADERS.md
// §10). The bytes may say otherwise; the set scanner reports both.
type FileRole string

// File roles by name.
const (
	RoleCurrent  FileRole = "current"  // <base>.log or <base>.jtx
	RoleArchived FileRole = "archived" // <base> + 5 or 8 hex digits + extension
	RoleTemp     FileRole = "temp"     // <base>tmp.log / <base>tmp.jtx
	RoleReserve  FileRole = "reserve"  // <base>res00001.jrs ...; res1.log, res2.log
	RoleOther    FileRole = "other"    // any other name
)

// logName is a parsed log-folder file name.
type logName struct {
	Base string // the 3-character base name as written, e.g. "SRU"
	Ext  string // ".log", ".jtx" or ".jrs", lower case
	Role FileRole
	Gen  int32 // generation from an archived name
	// Digits is the number of hex digits of an archived name (5 or 8).
	Digits int
}

// parseLogName parses name (no directory part) as a log-folder name,
// case-insensitively as Windows compares names. The base name is exactly
// three characters (JET_paramBaseName). A name that fits no pattern gets
// RoleOther.
func parseLogName(name string) logName {
	low := strings.ToLower(name)
	if low == "res1.log" || low == "res2.log" {
		return logName{Ext: ".log", Role: RoleReserve}
	}
	dot := strings.LastIndexByte(low, '.')
	if dot < 3 || len(name) != len(low) {
		return logName{Role: RoleOther}
	}
	ext := low[dot:]
	base, mid := name[:3], low[3:dot]
	switch ext {
	case ".log", ".jtx":
		switch {
		case mid == "":
			return logName{Base: base, Ext: ext, Role: RoleCurrent}
		case mid == "tmp":
			return logName{Base: base, Ext: ext, Role: RoleTemp}
		case len(mid) == 5 || len(mid) == 8:
			if g, ok := parseHexGen(mid); ok {
				return logName{Base: base, Ext: ext, Role: RoleArchived, Gen: g, Digits: len(mid)}
			}
		}
	case ".jrs":
		if len(mid) == 8 && strings.HasPrefix(mid, "res") {
			if _, ok := parseHexGen(mid[3:]); ok {
				return logName{Base: base, Ext: ext, Role: RoleReserve}
			}
		}
	}
	return logName{Role: RoleOther}
}

func parseHexGen(s string) (int32, bool) {
	var v uint64
	for _, c := range s {
		var d uint64
		switch {
		case c >= '0' && c <= '9':
			d = uint64(c - '0')
		case c >= 'a' && c <= 'f':
			d = uint64(c-'a') + 10
		default:
			return 0, false
		}
		v = v<<4 | d
	}
	if v == 0 || v > 0x7FFFFFFF {
		return 0, false
	}
	return int32(v), true
}

// archivedName returns the name the engine gives generation gen in a set
// with this base and extension: five uppercase hex digits while gen fits
// (the Windows default, 8.3 soft compatibility) unless digits is 8.
func archivedName(base, ext string, gen int32, digits int) string {
	if digits != 8 && gen <= 0xFFFFF {
		return fmt.Sprintf("%s%05X%s", base, gen, ext)
	}
	return fmt.Sprintf("%s%08X%s", base, gen, ext)
}
