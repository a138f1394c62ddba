// Package esekit is a pure-Go library for the on-disk formats of Microsoft's
// Extensible Storage Engine (ESE, "JET Blue": Exchange, Active Directory,
// Windows Search, SRUM, WebCache, Windows Update) and for recovery:
// replaying transaction logs into databases the way the engine's own soft
// and hard recovery does, on any OS, with no Windows DLL and no cgo.
//
// This root package holds no code; it is the map of the library.
//
// # Packages
//
//   - [github.com/esekit/esekit/ese]: what every format shares. Log
//     positions, log times, signatures, backup info, the JET error codes
//     (with every printed form: -528, 4294966768, 0xFFFFFDF0, 0xC8000210),
//     the database header and its shadow copy, page headers, tags and
//     checksums (legacy XOR and XOR+ECC with single-bit correction), the
//     attach list, a parallel page scan, identification of any ESE file by
//     its bytes, and log file names.
//   - [github.com/esekit/esekit/eselog]: transaction logs. The file
//     header, the modern segment format (8.4000) and the legacy LRCHECKSUM
//     format (7.3704), every record type as a typed value, and log-set
//     checks (generations, signatures, chaining, the current log, what a
//     database needs).
//   - [github.com/esekit/esekit/esechk]: checkpoint files (.chk, .jcp),
//     handed to the log-set checks by Checkpoint.CheckpointInfo.
//   - [github.com/esekit/esekit/esepatch]: patch files (.pat) and the
//     backup trailer page.
//   - [github.com/esekit/esekit/rip]: the Restore in Progress registry key:
//     model, .reg files, validation, re-creation.
//   - [github.com/esekit/esekit/recovery]: planning and replaying soft and
//     hard recovery, with path remapping that cannot escape its targets;
//     recovery.Inspect answers a backup agent's questions about a log
//     folder in one call (replayable? which logs may be truncated? what
//     must an incremental backup copy?).
//   - examples/esekit: the command-line face of the library; examples/verifybackup
//     (a backup agent's checks of an online backup set) and examples/forensic
//     (read-only triage with offline recovery) show the API end to end.
//   - fuzz: native fuzz targets over every decoder.
//
// # How they compose
//
// Every decoder takes bytes or an [io.ReaderAt] and returns plain structs
// whose fields are documented with their on-disk offsets; every structure
// has an encoder that gives back identical bytes. Errors wrap the engine's
// codes, so a caller can write
//
//	if errors.Is(err, ese.ErrMissingLogFile) { ... }
//
// and print the code the way the engine's event log would
// (ese.ErrMissingLogFile.HardRecovery() is 0xC8000210).
//
// A short session is the package's Example (example_test.go, run by go
// test on the sample set of the esekit command): it looks at a dirty
// database with ese.ReadDBHeader (both header copies, their checksums, the
// state and the logs required), scans its log folder with eselog.ScanDir
// (generations, gaps, signatures, the current log), asks
// recovery.PlanSoftDir whether the logs can bring it clean (the plan's Err
// is the engine's verdict, such as ese.ErrMissingLogFile), and has
// recovery.Recover do it into copies in a new folder, leaving the inputs
// untouched.
//
// The plan keeps its inputs (logs, checkpoint, databases): Recover needs
// only where and how to write.
//
// Checkpoints come from esechk.Read, patch files from esepatch.Open, and the
// Restore in Progress key from rip.ParseRegFile; recovery.PlanHard takes
// them for a restore from an online backup.
//
// See the README for the command-line tool and the package examples for
// runnable programs.
package esekit
