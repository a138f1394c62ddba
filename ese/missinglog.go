package ese

import (
	"errors"
	"fmt"
)

// ErrMissingLog is matched by errors.Is for every error this module
// returns because a log file is missing: a gap between the logs present,
// the log a checkpoint points into, the first log to replay, the current
// log, or a log of a backup set. Such an error also matches the engine
// code the engine stops with (JET_errMissingLogFile -528 for a gap with no
// current log, JET_errInvalidLogSequence -515 when the engine opens the
// current log in place of the missing generation, JET_errMissingPreviousLogFile
// -509, JET_errMissingRestoreLogFiles -557...), and its text names the
// missing files. See MissingLogError.
var ErrMissingLog = errors.New("a log file is missing")

// MissingLogError reports log files missing from a set: the generations
// Low..High (both 0 when only a name is known, as for the current log)
// and how the files are named.
type MissingLogError struct {
	// Code is the engine error the engine stops with.
	Code Error
	// Low and High are the missing generations, inclusive.
	Low, High Generation
	// Files names the missing files: "E000000A.log", or
	// "E000000A.log through E000000C.log" for a range.
	Files string
	// Msg is the whole message.
	Msg string
}

func (e *MissingLogError) Error() string {
	if e.Msg != "" {
		return e.Msg
	}
	return fmt.Sprintf("%s missing [%v]", e.Files, e.Code)
}

// Unwrap returns the engine code and ErrMissingLog, so that errors.Is
// matches either.
func (e *MissingLogError) Unwrap() []error { return []error{e.Code, ErrMissingLog} }

// LogRangeNames names the log files of generations low..high with this base
// name and extension: "E000000A.log" for one generation, "E000000A.log
// through E000000C.log" for more. digits is 8 for eight-digit names,
// anything else for the default.
func LogRangeNames(base, ext string, low, high Generation, digits int) string {
	if digits != 8 {
		digits = 0
	}
	first := LogFileName(base, low, ext, digits)
	if high <= low {
		return first
	}
	return first + " through " + LogFileName(base, high, ext, digits)
}
