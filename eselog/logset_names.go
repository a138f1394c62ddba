package eselog

import (
	"github.com/esekit/esekit/ese"
)

// FileRole is what a file's NAME says it is in a log folder
// (docs/files.md#log-file-names). The bytes may say otherwise; the set scanner reports both.
type FileRole string

// File roles by name.
const (
	RoleCurrent  FileRole = "current"  // <base>.log or <base>.jtx
	RoleArchived FileRole = "archived" // <base> + 5 or 8 hex digits + extension
	RoleTemp     FileRole = "temp"     // <base>tmp.log / <base>tmp.jtx
	RoleReserve  FileRole = "reserve"  // <base>res00001.jrs ...; res1.log, res2.log
	RoleOther    FileRole = "other"    // any other name (checkpoints included)
)

// logName is a parsed log-folder file name.
type logName struct {
	Base string // the 3-character base name as written, e.g. "SRU"
	Ext  string // ".log", ".jtx" or ".jrs", lower case
	Role FileRole
	Gen  ese.Generation // generation from an archived name
	// Digits is the number of hex digits of an archived name (5 or 8).
	Digits int
}

// parseLogName parses name (no directory part) with ese.ParseLogName,
// case-insensitively as Windows compares names. A name that fits no log
// pattern gets RoleOther.
func parseLogName(name string) logName {
	n, err := ese.ParseLogName(name)
	if err != nil {
		return logName{Role: RoleOther}
	}
	ln := logName{Base: n.Base, Ext: n.Ext, Gen: n.Generation, Digits: n.Digits}
	switch n.Kind {
	case ese.LogNameCurrent:
		ln.Role = RoleCurrent
	case ese.LogNameNumbered:
		ln.Role = RoleArchived
	case ese.LogNameTemp:
		ln.Role = RoleTemp
	case ese.LogNameReserve, ese.LogNameLegacyReserve:
		ln.Role = RoleReserve
	default:
		return logName{Role: RoleOther}
	}
	return ln
}

// archivedName returns the name the engine gives generation gen in a set
// with this base and extension: five uppercase hex digits while gen fits
// (the Windows default, 8.3 soft compatibility) unless digits is 8.
func archivedName(base, ext string, gen ese.Generation, digits int) string {
	if digits != 8 {
		digits = 0
	}
	return ese.LogFileName(base, gen, ext, digits)
}

// nameDigits is 8 when the set's archived logs carry eight-digit names,
// else 5 (the default).
func (s *Set) nameDigits() int {
	for _, f := range s.byNameGen {
		if ln := parseLogName(f.File); ln.Role == RoleArchived {
			return ln.Digits
		}
	}
	return 5
}

// gapEnd returns the last generation of the gap that starts at g: one
// below the next log present (an archived name above g, or the current
// log), or g when none is.
func (s *Set) gapEnd(g ese.Generation, cur *SetFile) ese.Generation {
	next := ese.Generation(0)
	for n := range s.byNameGen {
		if n > g && (next == 0 || n < next) {
			next = n
		}
	}
	if cur != nil && cur.HasHeader() && cur.Generation > g && (next == 0 || cur.Generation < next) {
		next = cur.Generation
	}
	if next == 0 {
		return g
	}
	return next - 1
}

// RangeNames names the archived logs of generations low..high as this
// set names its logs: "edb0000A.log", or "edb0000A.log through
// edb0000C.log" (base "edb" and extension ".log" when the set has no log).
func (s *Set) RangeNames(low, high ese.Generation) string {
	base, ext := s.Base, s.Ext
	if base == "" {
		base, ext = "edb", ese.ExtLog
	}
	return ese.LogRangeNames(base, ext, low, high, s.nameDigits())
}
