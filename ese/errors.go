package ese

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Error is a JET error code (JET_err*), a negative int32. It implements
// error; wrap it (fmt.Errorf("...: %w", ese.ErrMissingLogFile)) so callers
// can test with errors.Is and print the engine's numbers.
//
// The same code has several printed forms (KB Q200941; docs/errors.md): -530 is 4294966766 or
// 0xFFFFFDEE in an ordinary startup and 3355443730 or 0xC8000212 during hard
// recovery (restore). See Unsigned, HardRecovery and ParseError.
type Error int32

// Errors the engine raises while reading files and recovering. The names
// drop the JET_err prefix.
const (
	ErrInternalError                        Error = -107
	ErrDatabaseBufferDependenciesCorrupted  Error = -255
	ErrLogFileCorrupt                       Error = -501
	ErrMissingPreviousLogFile               Error = -509
	ErrLogGenerationMismatch                Error = -513
	ErrBadLogVersion                        Error = -514
	ErrInvalidLogSequence                   Error = -515
	ErrLoggingDisabled                      Error = -516
	ErrLogSequenceEnd                       Error = -519
	ErrMissingLogFile                       Error = -528
	ErrBadLogSignature                      Error = -530
	ErrBadDbSignature                       Error = -531
	ErrBadCheckpointSignature               Error = -532
	ErrCheckpointCorrupt                    Error = -533
	ErrMissingPatchPage                     Error = -534
	ErrBadPatchPage                         Error = -535
	ErrRedoAbruptEnded                      Error = -536
	ErrPatchFileMissing                     Error = -538
	ErrDatabaseLogSetMismatch               Error = -539
	ErrDatabaseStreamingFileMismatch        Error = -540
	ErrLogFileSizeMismatch                  Error = -541
	ErrCheckpointFileNotFound               Error = -542
	ErrRequiredLogFilesMissing              Error = -543
	ErrSoftRecoveryOnBackupDatabase         Error = -544
	ErrLogSectorSizeMismatch                Error = -546
	ErrLogSequenceEndDatabasesConsistent    Error = -548
	ErrDatabaseDirtyShutdown                Error = -550
	ErrConsistentTimeMismatch               Error = -551
	ErrDatabasePatchFileMismatch            Error = -552
	ErrEndingRestoreLogTooLow               Error = -553
	ErrStartingRestoreLogTooHigh            Error = -554
	ErrGivenLogFileHasBadSignature          Error = -555
	ErrGivenLogFileIsNotContiguous          Error = -556
	ErrMissingRestoreLogFiles               Error = -557
	ErrMissingFullBackup                    Error = -560
	ErrBadBackupDatabaseSize                Error = -561
	ErrMissingCurrentLogFiles               Error = -565
	ErrDBTimeTooOld                         Error = -566
	ErrDBTimeTooNew                         Error = -567
	ErrLogTornWriteDuringHardRestore        Error = -570
	ErrLogTornWriteDuringHardRecovery       Error = -571
	ErrLogCorruptDuringHardRestore          Error = -573
	ErrLogCorruptDuringHardRecovery         Error = -574
	ErrCommittedLogFilesMissing             Error = -582
	ErrSectorSizeNotSupported               Error = -583
	ErrCommittedLogFileCorrupt              Error = -586
	ErrLogSequenceChecksumMismatch          Error = -590
	ErrLogReadVerifyFailure                 Error = -612
	ErrRestoreOfNonBackupDatabase           Error = -615
	ErrDBTimeBeyondMaxRequired              Error = -625
	ErrLogOperationInconsistentWithDatabase Error = -626
	ErrInvalidParameter                     Error = -1003
	ErrOutOfMemory                          Error = -1011
	ErrReadVerifyFailure                    Error = -1018
	ErrPageNotInitialized                   Error = -1019
	ErrOutOfFileHandles                     Error = -1020
	ErrDiskReadVerificationFailure          Error = -1021
	ErrDiskIO                               Error = -1022
	ErrInvalidPath                          Error = -1023
	ErrFileAccessDenied                     Error = -1032
	ErrReadPgnoVerifyFailure                Error = -1118
	ErrReadLostFlushVerifyFailure           Error = -1119
	ErrFileSystemCorruption                 Error = -1121
	ErrRecoveryVerifyFailure                Error = -1123
	ErrDatabaseCorrupted                    Error = -1206
	ErrInvalidDatabaseVersion               Error = -1209
	ErrDatabase200Format                    Error = -1210
	ErrDatabase400Format                    Error = -1211
	ErrDatabase500Format                    Error = -1212
	ErrPageSizeMismatch                     Error = -1213
	ErrAttachedDatabaseMismatch             Error = -1216
	ErrInvalidCreateDbVersion               Error = -1225
	ErrDatabaseIncompleteIncrementalReseed  Error = -1226
	ErrDiskFull                             Error = -1808
	ErrFileNotFound                         Error = -1811
	ErrFileInvalidType                      Error = -1812
	ErrFileAlreadyExists                    Error = -1814
	ErrLogCorrupted                         Error = -1852
	ErrFlushMapVersionUnsupported           Error = -1918
	ErrFlushMapDatabaseMismatch             Error = -1919
	ErrFlushMapUnrecoverable                Error = -1920
	ErrDatabaseIncompleteRevert             Error = -1935
	ErrFileIOBeyondEOF                      Error = -4001
)

// What soft recovery without its undo phase returns (JET_bitRecoveryWithoutUndo).
const (
	ErrRecoveredWithoutUndo                    Error = -579
	ErrRecoveredWithoutUndoDatabasesConsistent Error = -584
)

// ErrDatabaseInconsistent is the older name of ErrDatabaseDirtyShutdown.
const ErrDatabaseInconsistent = ErrDatabaseDirtyShutdown

type errInfo struct {
	name, meaning string
}

var errTable = map[Error]errInfo{
	-107:  {"JET_errInternalError", "an internal error with no more specific code"},
	-255:  {"JET_errDatabaseBufferDependenciesCorrupted", "a split or merge needs a page image the log does not carry"},
	-501:  {"JET_errLogFileCorrupt", "log file header or segment checksum or structure is bad"},
	-509:  {"JET_errMissingPreviousLogFile", "the log file the checkpoint needs is missing"},
	-513:  {"JET_errLogGenerationMismatch", "the generation in the file name differs from the one in the header"},
	-514:  {"JET_errBadLogVersion", "log format version not supported"},
	-515:  {"JET_errInvalidLogSequence", "a log does not chain to the one before it (generation or previous-generation time)"},
	-516:  {"JET_errLoggingDisabled", "logging is not active"},
	-519:  {"JET_errLogSequenceEnd", "the log generation limit was reached"},
	-528:  {"JET_errMissingLogFile", "the current log file (edb.log) or a needed log file is missing"},
	-530:  {"JET_errBadLogSignature", "a log file belongs to another log stream (signature mismatch)"},
	-531:  {"JET_errBadDbSignature", "database signature mismatch (obsolete)"},
	-532:  {"JET_errBadCheckpointSignature", "the checkpoint belongs to another log stream"},
	-533:  {"JET_errCheckpointCorrupt", "both copies of the checkpoint are bad"},
	-534:  {"JET_errMissingPatchPage", "a patch page is missing (obsolete)"},
	-535:  {"JET_errBadPatchPage", "a patch or trailer page is not valid (bad checksum, or a page the database cannot have)"},
	-536:  {"JET_errRedoAbruptEnded", "reading the log failed in the middle of redo"},
	-538:  {"JET_errPatchFileMissing", "no patch (.pat) file for a database in the restore set"},
	-539:  {"JET_errDatabaseLogSetMismatch", "the database does not belong to these log files"},
	-540:  {"JET_errDatabaseStreamingFileMismatch", "streaming file mismatch (obsolete)"},
	-541:  {"JET_errLogFileSizeMismatch", "log file size differs from its sector count times sector size"},
	-542:  {"JET_errCheckpointFileNotFound", "the checkpoint file was not found"},
	-543:  {"JET_errRequiredLogFilesMissing", "log files in the database's required range are missing"},
	-544:  {"JET_errSoftRecoveryOnBackupDatabase", "soft recovery on a backup database: restore it instead"},
	-546:  {"JET_errLogSectorSizeMismatch", "log sector size differs from the volume's"},
	-548:  {"JET_errLogSequenceEndDatabasesConsistent", "generation limit reached; databases are consistent"},
	-550:  {"JET_errDatabaseDirtyShutdown", "the database was not shut down cleanly: recovery is needed"},
	-551:  {"JET_errConsistentTimeMismatch", "the database's last consistent time does not match the log's record of it"},
	-552:  {"JET_errDatabasePatchFileMismatch", "the patch file or trailer does not match the database"},
	-553:  {"JET_errEndingRestoreLogTooLow", "the restore log range ends too low"},
	-554:  {"JET_errStartingRestoreLogTooHigh", "the restore log range starts too high"},
	-555:  {"JET_errGivenLogFileHasBadSignature", "a restore log file has the wrong signature"},
	-556:  {"JET_errGivenLogFileIsNotContiguous", "the restore log files are not contiguous"},
	-557:  {"JET_errMissingRestoreLogFiles", "log files of the restore set are missing"},
	-560:  {"JET_errMissingFullBackup", "incremental backup without a full backup"},
	-561:  {"JET_errBadBackupDatabaseSize", "backup database size is not a multiple of 4 KiB (obsolete)"},
	-565:  {"JET_errMissingCurrentLogFiles", "log files after the backup set are missing"},
	-566:  {"JET_errDbTimeTooOld", "a page is older than the log record expects (lost flush)"},
	-567:  {"JET_errDbTimeTooNew", "a page is newer than the log record expects"},
	-570:  {"JET_errLogTornWriteDuringHardRestore", "torn write in a log of the backup set"},
	-571:  {"JET_errLogTornWriteDuringHardRecovery", "torn write in a log after the backup set"},
	-573:  {"JET_errLogCorruptDuringHardRestore", "corrupt log in the backup set"},
	-574:  {"JET_errLogCorruptDuringHardRecovery", "corrupt log after the backup set"},
	-579:  {"JET_errRecoveredWithoutUndo", "soft recovery replayed every operation but skipped the undo phase (the databases stay dirty)"},
	-582:  {"JET_errCommittedLogFilesMissing", "log files up to the last committed generation are missing"},
	-583:  {"JET_errSectorSizeNotSupported", "sector size not supported"},
	-584:  {"JET_errRecoveredWithoutUndoDatabasesConsistent", "soft recovery replayed every operation and was to skip the undo phase, but no undo was needed"},
	-586:  {"JET_errCommittedLogFileCorrupt", "a log file holding committed data is corrupt"},
	-590:  {"JET_errLogSequenceChecksumMismatch", "the previous log's accumulated segment checksum does not match"},
	-612:  {"JET_errLogReadVerifyFailure", "log checksum error"},
	-615:  {"JET_errRestoreOfNonBackupDatabase", "hard recovery on a database that is not a backup copy"},
	-625:  {"JET_errDbTimeBeyondMaxRequired", "a page is newer than any log in the required range"},
	-626:  {"JET_errLogOperationInconsistentWithDatabase", "a log record does not fit the page it applies to"},
	-1003: {"JET_errInvalidParameter", "invalid API parameter"},
	-1011: {"JET_errOutOfMemory", "out of memory"},
	-1018: {"JET_errReadVerifyFailure", "page or header checksum error"},
	-1019: {"JET_errPageNotInitialized", "the page is not initialized (all zero)"},
	-1020: {"JET_errOutOfFileHandles", "the process has no more file handles"},
	-1021: {"JET_errDiskReadVerificationFailure", "the operating system reported a CRC error"},
	-1022: {"JET_errDiskIO", "the operating system reported an I/O error"},
	-1023: {"JET_errInvalidPath", "invalid file path or name"},
	-1032: {"JET_errFileAccessDenied", "access to the file was denied"},
	-1118: {"JET_errReadPgnoVerifyFailure", "the page carries the wrong page number"},
	-1119: {"JET_errReadLostFlushVerifyFailure", "lost flush detected"},
	-1121: {"JET_errFileSystemCorruption", "the file system reported corruption"},
	-1123: {"JET_errRecoveryVerifyFailure", "recovery found a shrunk or reverted page"},
	-1206: {"JET_errDatabaseCorrupted", "not a database, or the database is corrupt"},
	-1209: {"JET_errInvalidDatabaseVersion", "database format version not supported"},
	-1210: {"JET_errDatabase200Format", "JET 2.00 database (obsolete)"},
	-1211: {"JET_errDatabase400Format", "JET 4.00 database (obsolete)"},
	-1212: {"JET_errDatabase500Format", "ESE 5.00 database (obsolete)"},
	-1213: {"JET_errPageSizeMismatch", "page size differs from the one expected"},
	-1216: {"JET_errAttachedDatabaseMismatch", "the attach information does not match the database header"},
	-1225: {"JET_errInvalidCreateDbVersion", "cannot replay a database creation of this version"},
	-1226: {"JET_errDatabaseIncompleteIncrementalReseed", "an incremental reseed of the database did not finish"},
	-1808: {"JET_errDiskFull", "no space left on the disk"},
	-1811: {"JET_errFileNotFound", "file not found"},
	-1812: {"JET_errFileInvalidType", "wrong file type at header offset 667"},
	-1814: {"JET_errFileAlreadyExists", "the file already exists"},
	-1852: {"JET_errLogCorrupted", "the log files could not be interpreted"},
	-1918: {"JET_errFlushMapVersionUnsupported", "the flush map's version is not one this engine reads"},
	-1919: {"JET_errFlushMapDatabaseMismatch", "the flush map does not belong to the database's last header write"},
	-1920: {"JET_errFlushMapUnrecoverable", "the flush map was not closed cleanly and cannot be rebuilt from the logs"},
	-1935: {"JET_errDatabaseIncompleteRevert", "a revert of the database to a snapshot did not finish"},
	-4001: {"JET_errFileIOBeyondEOF", "read beyond the end of the file"},
}

// KnownErrors returns every nonzero code this package has a name for, in
// no order.
func KnownErrors() []Error {
	out := make([]Error, 0, len(errTable))
	for e := range errTable {
		out = append(out, e)
	}
	return out
}

// Name returns the engine's name, e.g. "JET_errMissingLogFile",
// "JET_errSuccess" for 0, or "JET_err(-N)" for a code this package does not
// know.
func (e Error) Name() string {
	if i, ok := errTable[e]; ok {
		return i.name
	}
	if e == 0 {
		return successName
	}
	return fmt.Sprintf("JET_err(%d)", int32(e))
}

// Meaning returns a one-line description, or "" for an unknown code.
func (e Error) Meaning() string { return errTable[e].meaning }

// Known reports whether the package has a name for e (0, JET_errSuccess,
// included).
func (e Error) Known() bool { _, ok := errTable[e]; return ok || e == 0 }

// Error returns "JET_errMissingLogFile (-528): <meaning>".
func (e Error) Error() string {
	if m := e.Meaning(); m != "" {
		return fmt.Sprintf("%s (%d): %s", e.Name(), int32(e), m)
	}
	return fmt.Sprintf("%s (%d)", e.Name(), int32(e))
}

// Code returns the signed code, e.g. -528.
func (e Error) Code() int32 { return int32(e) }

// Unsigned returns the code as the engine prints it at an ordinary startup:
// the two's-complement u32, 4294966768 (0xFFFFFDF0) for -528.
func (e Error) Unsigned() uint32 { return uint32(int32(e)) }

// HardRecovery returns the form printed during hard recovery of a restored
// database: 0xC8000000 plus the magnitude, 0xC8000210 (3355443728) for -528.
// Only codes between -1 and -4095 have this form; others return 0.
func (e Error) HardRecovery() uint32 {
	if e >= 0 || e < -0xFFF {
		return 0
	}
	return hardBase | uint32(-int32(e))
}

const hardBase = 0xC8000000

// successName is the engine's name for code 0 (JET_errSuccess).
const successName = "JET_errSuccess"

// Forms returns every printed form of e: signed decimal, unsigned decimal,
// unsigned hexadecimal, hard-recovery decimal and hard-recovery hexadecimal.
func (e Error) Forms() []string {
	f := []string{
		strconv.Itoa(int(e)),
		strconv.FormatUint(uint64(e.Unsigned()), 10),
		fmt.Sprintf("0x%08X", e.Unsigned()),
	}
	if h := e.HardRecovery(); h != 0 {
		f = append(f, strconv.FormatUint(uint64(h), 10), fmt.Sprintf("0x%08X", h))
	}
	return f
}

// ParseError reads any printed form of a code: "-530", "4294966766",
// "0xFFFFFDEE", "3355443730", "0xC8000212", an engine name such as
// "JET_errBadLogSignature" or its short form "BadLogSignature"
// (case-insensitive). A number that is none of these forms, or an unknown
// name, is an error wrapping ErrInvalidParameter.
func ParseError(s string) (Error, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("ese: empty error code: %w", ErrInvalidParameter)
	}
	if c := t[0]; c == '-' || c == '+' || (c >= '0' && c <= '9') {
		var v int64
		var err error
		if strings.HasPrefix(strings.ToLower(t), "0x") {
			var u uint64
			u, err = strconv.ParseUint(t[2:], 16, 32)
			v = int64(u)
		} else {
			v, err = strconv.ParseInt(t, 10, 64)
		}
		if err != nil {
			return 0, fmt.Errorf("ese: bad error code %q: %w", s, ErrInvalidParameter)
		}
		return errorFromNumber(v, s)
	}
	low := strings.ToLower(t)
	low = strings.TrimPrefix(low, "jet_err")
	if low == "success" {
		return 0, nil
	}
	for e, i := range errTable {
		if strings.ToLower(strings.TrimPrefix(i.name, "JET_err")) == low {
			return e, nil
		}
	}
	return 0, fmt.Errorf("ese: unknown error name %q: %w", s, ErrInvalidParameter)
}

func errorFromNumber(v int64, s string) (Error, error) {
	switch {
	case v == 0:
		return 0, nil
	case v < 0 && v >= -0x80000000:
		return Error(v), nil
	case v >= 0xFFFFF000 && v <= 0xFFFFFFFF: // ordinary startup form
		return Error(int32(uint32(v))), nil
	case v > hardBase && v <= hardBase|0xFFF: // hard recovery form
		return Error(-(v - hardBase)), nil
	case v > 0 && v <= 0xFFF: // a magnitude given without its sign
		return Error(-v), nil
	}
	return 0, fmt.Errorf("ese: %q is not a JET error code in any known form: %w", s, ErrInvalidParameter)
}

// MarshalText returns the name and the signed code,
// "JET_errBadLogSignature (-530)"; "JET_errSuccess (0)" for 0.
func (e Error) MarshalText() ([]byte, error) {
	return fmt.Appendf(nil, "%s (%d)", e.Name(), int32(e)), nil
}

// UnmarshalText reads what MarshalText writes, "JET_err(-9999) (-9999)"
// included, or any form ParseError accepts.
func (e *Error) UnmarshalText(b []byte) error {
	s := string(b)
	if i := strings.LastIndex(s, " ("); i > 0 && strings.HasSuffix(s, ")") {
		v, err := strconv.ParseInt(s[i+2:len(s)-1], 10, 32)
		if err == nil && Error(v).Name() == s[:i] {
			*e = Error(v)
			return nil
		}
	}
	v, err := ParseError(s)
	if err != nil {
		return err
	}
	*e = v
	return nil
}

// errorJSON is the JSON form of an Error.
type errorJSON struct {
	Code int32  `json:"code"`
	Name string `json:"name"`
}

// MarshalJSON writes e as an object of its signed code and its name:
// {"code":-530,"name":"JET_errBadLogSignature"}; 0 is
// {"code":0,"name":"JET_errSuccess"}.
func (e Error) MarshalJSON() ([]byte, error) {
	return json.Marshal(errorJSON{Code: int32(e), Name: e.Name()})
}

// UnmarshalJSON reads what MarshalJSON writes (the code decides; the name
// is not checked), a bare signed code such as -530, or a string in any
// form UnmarshalText accepts.
func (e *Error) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '{':
		var j errorJSON
		if err := json.Unmarshal(b, &j); err != nil {
			return err
		}
		*e = Error(j.Code)
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		return e.UnmarshalText([]byte(s))
	}
	var c int32
	if err := json.Unmarshal(b, &c); err != nil {
		return err
	}
	*e = Error(c)
	return nil
}
