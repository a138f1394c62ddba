// Package rip models the "Restore in Progress" registry key that controls
// hard recovery after an online restore of an Exchange database
// (KB Q200941; docs/rip.md), reads and writes it as a registry export (.reg) file, finds
// every malformation the article warns about, re-creates the key from the
// article's worksheet, and says what the engine will do at startup given the
// key (or its absence) and the files on disk.
//
// The key lives at
//
//	HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\<service>\Restore in Progress
//
// where <service> is MSExchangeDS (directory) or MSExchangeIS (information
// store). Its values, with the types the article gives (docs/rip.md#key-values):
//
//	BackupLogPath           REG_SZ        UNC path of the current log folder
//	CheckpointFilePath      REG_SZ        UNC path of the current working path
//	EDB Database recovered  REG_BINARY    00 after restore, 01 once replayed
//	EDB_RstMap              REG_MULTI_SZ  before/after UNC database paths
//	EDB_RstMap Size         REG_DWORD     number of databases (1 or 2)
//	HighLog Number          REG_DWORD     highest log restored from tape
//	LogPath                 REG_SZ        UNC path of the current log folder
//	LowLog Number           REG_DWORD     the patch file's low generation
//
// A .reg file is either "Windows Registry Editor Version 5.00" (UTF-16LE
// text) or "REGEDIT4" (ANSI text, read and written as Windows-1252). String
// data written as UTF-16LE inside a REGEDIT4 file, as some regedit builds
// did, is recognised (ParseRegFile states the rule). Whatever in a
// value cannot be decoded faithfully gives the value one Problem, which
// Validate reports once (CodeUndecodable).
//
// The package depends only on the standard library and ese (for error
// codes); evidence from patch files and log folders is passed in as plain
// numbers so callers can fill it from esepatch and eselog.
package rip
