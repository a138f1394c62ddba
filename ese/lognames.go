package ese

import (
	"fmt"
	"strconv"
	"strings"
)

// Log-set file extensions (docs/files.md#log-file-names). The engine writes lower case;
// ParseLogName accepts any case.
const (
	ExtLog            = ".log" // logs, legacy naming (JET_bitESE98FileNames)
	ExtJtx            = ".jtx" // logs, newer naming
	ExtCheckpoint     = ".chk" // checkpoint beside .log logs
	ExtJcp            = ".jcp" // checkpoint beside .jtx logs
	ExtReserveLog     = ".jrs" // reserve logs, always
	ExtPatch          = ".pat" // backup patch file
	ExtFlushMap       = ".jfm" // flush map
	ExtSecondaryLog   = ".jsl" // shadow/secondary log
	DefaultBaseName   = "edb"  // JET_paramBaseName default
	legacyDigits      = 5
	extendedDigits    = 8
	maxLegacyGen      = 0xFFFFF    // highest generation a 5-digit name holds
	maxGeneration     = 0x7FFFFFFF // lGenerationInvalid; names never reach it
	reserveInfix      = "res"
	tempInfix         = "tmp"
	reserveNameDigits = 5
)

// LogNameKind says which file of a log set a name denotes.
type LogNameKind int

// Log-set file name kinds.
const (
	LogNameUnknown       LogNameKind = iota
	LogNameNumbered                  // <base><5 or 8 hex digits>.log|.jtx: an archived generation
	LogNameCurrent                   // <base>.log|.jtx: the current generation
	LogNameTemp                      // <base>tmp.log|.jtx: the next log being prepared
	LogNameReserve                   // <base>res<5 digits>.jrs: a reserve log (ordinal, not a generation)
	LogNameLegacyReserve             // res1.log, res2.log: pre-base-name reserve logs
	LogNameCheckpoint                // <base>.chk|.jcp
)

var logNameKindNames = [...]string{"Unknown", "Numbered", "Current", "Temp", "Reserve", "LegacyReserve", "Checkpoint"}

func (k LogNameKind) String() string {
	if k >= 0 && int(k) < len(logNameKindNames) {
		return logNameKindNames[k]
	}
	return fmt.Sprintf("LogNameKind(%d)", int(k))
}

// LogName is a parsed log-set file name.
type LogName struct {
	// Kind is what the name denotes.
	Kind LogNameKind
	// Base is the 3-character base name as written (e.g. "edb", "SRU").
	// Empty for LogNameLegacyReserve.
	Base string
	// Ext is the extension, lower case, with its dot (".log", ".jtx",
	// ".jrs", ".chk", ".jcp").
	Ext string
	// Generation is the log generation of a LogNameNumbered name.
	Generation Generation
	// Digits is the number of hex digits of a LogNameNumbered name (5 or
	// 8) or of a reserve log's ordinal (5).
	Digits int
	// Ordinal is a reserve log's number (1, 2, ...).
	Ordinal int
}

// String returns the file name n stands for (upper-case hex digits, as the
// engine writes them).
func (n LogName) String() string {
	switch n.Kind {
	case LogNameNumbered:
		return n.Base + GenerationDigits(n.Generation, n.Digits) + n.Ext
	case LogNameCurrent, LogNameCheckpoint:
		return n.Base + n.Ext
	case LogNameTemp:
		return n.Base + tempInfix + n.Ext
	case LogNameReserve:
		return ReserveLogName(n.Base, n.Ordinal)
	case LogNameLegacyReserve:
		return fmt.Sprintf("res%d%s", n.Ordinal, n.Ext)
	}
	return ""
}

// GenerationDigits formats gen as upper-case hex with digits digits: 5
// (legacy), 8 (extended) or 0 for the engine's automatic choice (5 while
// gen ≤ 0xFFFFF, else 8). A generation too large for 5 digits always
// gets 8.
func GenerationDigits(gen Generation, digits int) string {
	if digits != legacyDigits && digits != extendedDigits || gen > maxLegacyGen {
		if digits == 0 && gen <= maxLegacyGen {
			digits = legacyDigits
		} else {
			digits = extendedDigits
		}
	}
	return fmt.Sprintf("%0*X", digits, uint32(gen))
}

// LogFileName returns the name of log generation gen: base + hex digits +
// ext, e.g. LogFileName("edb", 13, ".log", 5) = "edb0000D.log" and
// LogFileName("E00", 13, ".log", 8) = "E000000000D.log". digits is 5, 8 or
// 0 (automatic, as GenerationDigits). An empty ext means ".log".
func LogFileName(base string, gen Generation, ext string, digits int) string {
	if ext == "" {
		ext = ExtLog
	}
	return base + GenerationDigits(gen, digits) + ext
}

// CurrentLogName returns the current log's name, base + ext ("edb.log").
func CurrentLogName(base, ext string) string {
	if ext == "" {
		ext = ExtLog
	}
	return base + ext
}

// TempLogName returns the name of the log being prepared, base + "tmp" +
// ext ("edbtmp.log").
func TempLogName(base, ext string) string {
	if ext == "" {
		ext = ExtLog
	}
	return base + tempInfix + ext
}

// ReserveLogName returns reserve log number n (1, 2, ...): base + "res" +
// the ordinal in 5 upper-case hex digits, formatted like a generation, +
// ".jrs": "edbres00001.jrs".
func ReserveLogName(base string, n int) string {
	return fmt.Sprintf("%s%s%05X%s", base, reserveInfix, n, ExtReserveLog)
}

// CheckpointName returns the checkpoint file name for logs with extension
// logExt: base + ".chk" beside ".log" logs, base + ".jcp" beside ".jtx".
func CheckpointName(base, logExt string) string {
	return base + CheckpointExt(logExt)
}

// CheckpointExt returns the checkpoint extension that goes with logExt.
func CheckpointExt(logExt string) string {
	if strings.EqualFold(logExt, ExtJtx) {
		return ExtJcp
	}
	return ExtCheckpoint
}

// AnchorLogName applies KB Q296787's anchor-log rule (docs/recovery.md#anchor-log):
// the first log a restored
// database needs is the generation of its "Last Consistent" position,
// named base + generation in hex + ext. For Last Consistent (4815,7337,400)
// — generation 4815 decimal = 0x12CF — with base "Edb" and 5 digits it
// returns "Edb012CF.log".
func AnchorLogName(lastConsistent LogPos, base, ext string, digits int) string {
	return LogFileName(base, lastConsistent.Generation, ext, digits)
}

// nameError builds the error for a name ParseLogName cannot read.
func nameError(name, format string, args ...any) error {
	return NewFormatError("log file name "+strconv.Quote(name), -1, ErrInvalidPath, format, args...)
}

// ParseLogName reads a log-set file name (a directory part, "/" or "\",
// is ignored) and says what it is: a numbered log (base + exactly 5 or 8
// hex digits of either case + .log/.jtx), the current log (base + ext), the
// temp log (base + "tmp" + ext), a reserve log (base + "res" + 5 digits +
// .jrs), a legacy reserve log (res1.log), or a checkpoint (base + .chk or
// .jcp). The base name is the engine's: exactly 3 characters. Other names
// get a FormatError wrapping ErrInvalidPath.
func ParseLogName(name string) (LogName, error) {
	file := name
	if i := strings.LastIndexAny(file, `/\`); i >= 0 {
		file = file[i+1:]
	}
	dot := strings.LastIndexByte(file, '.')
	if dot < 0 {
		return LogName{}, nameError(name, "no extension")
	}
	stem, ext := file[:dot], strings.ToLower(file[dot:])
	switch ext {
	case ExtLog, ExtJtx:
		if len(stem) == 4 && strings.EqualFold(stem[:3], reserveInfix) && stem[3] >= '1' && stem[3] <= '9' && ext == ExtLog {
			return LogName{Kind: LogNameLegacyReserve, Ext: ext, Ordinal: int(stem[3] - '0')}, nil
		}
		if len(stem) < 3 {
			return LogName{}, nameError(name, "base name shorter than 3 characters")
		}
		base, rest := stem[:3], stem[3:]
		switch {
		case rest == "":
			return LogName{Kind: LogNameCurrent, Base: base, Ext: ext}, nil
		case strings.EqualFold(rest, tempInfix):
			return LogName{Kind: LogNameTemp, Base: base, Ext: ext}, nil
		case len(rest) == legacyDigits || len(rest) == extendedDigits:
			g, err := strconv.ParseUint(rest, 16, 32)
			if err != nil {
				return LogName{}, nameError(name, "%q is not a hex generation", rest)
			}
			if g == 0 || g >= maxGeneration {
				return LogName{}, nameError(name, "generation %#x out of range", g)
			}
			return LogName{Kind: LogNameNumbered, Base: base, Ext: ext, Generation: Generation(g), Digits: len(rest)}, nil
		}
		return LogName{}, nameError(name, "%q after the base name is not 5 or 8 hex digits", rest)
	case ExtReserveLog:
		if len(stem) != 3+len(reserveInfix)+reserveNameDigits || !strings.EqualFold(stem[3:6], reserveInfix) {
			return LogName{}, nameError(name, "not <base>res<5 digits>.jrs")
		}
		n, err := strconv.ParseUint(stem[6:], 16, 32)
		if err != nil || n == 0 {
			return LogName{}, nameError(name, "bad reserve log number %q", stem[6:])
		}
		return LogName{Kind: LogNameReserve, Base: stem[:3], Ext: ext, Ordinal: int(n), Digits: reserveNameDigits}, nil
	case ExtCheckpoint, ExtJcp:
		if len(stem) != 3 {
			return LogName{}, nameError(name, "checkpoint base name is not 3 characters")
		}
		return LogName{Kind: LogNameCheckpoint, Base: stem, Ext: ext}, nil
	}
	return LogName{}, nameError(name, "extension %q is not a log-set extension", ext)
}
