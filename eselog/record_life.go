package eselog

import (
	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// Init is Init (1) and Init2 (49): the instance started. DBMS_PARAM@1 (567
// bytes) and, for Init2, the LOGTIME@568 it started at.
type Init struct {
	RecordBase
	// Params are the instance's run-time parameters (+1).
	Params ese.DBMSParam
	// Time is when the instance started (+568, Init2 only).
	Time ese.LogTime
}

// Term is Term (2), RecoveryQuit (18), Term2 (50), RecoveryQuit2 (52) and
// RecoveryQuitKeepAttachments (80): lgpos@1, lgposRedoFrom@9, u8 fHard@17
// and, except for the old forms 2 and 18, LOGTIME@18.
type Term struct {
	RecordBase
	// Lgpos is, for Term, the position of the Init this run began with;
	// for the RecoveryQuit forms, the RecoveryUndo (+1).
	Lgpos ese.LogPos
	// RedoFrom is where the recovery started (+9).
	RedoFrom ese.LogPos
	// Hard is the hard-restore flag (+17).
	Hard uint8
	// Time is the time stamp (+18; not in Term and RecoveryQuit).
	Time ese.LogTime
}

func (r *Term) hasTime() bool { return r.Lrtyp != RecTerm && r.Lrtyp != RecRecoveryQuit }

// RecoveryUndo2 (51): recovery switched from redo to undo; LOGTIME@1.
type RecoveryUndo2 struct {
	RecordBase
	// Time is the time stamp (+1).
	Time ese.LogTime
}

// MS (3) is the obsolete multi-sector flush marker: u16 ibForwardLink@1,
// u32 checksum@3, u16 isecForwardLink@7.
type MS struct {
	RecordBase
	// IbForwardLink is the offset of the next MS record (+1).
	IbForwardLink uint16
	// Checksum (+3).
	Checksum uint32
	// IsecForwardLink is the sector of the next MS record (+7).
	IsecForwardLink uint16
}

// Checksum (42) is the legacy format's LRCHECKSUM (docs/logs.md#legacy-layout).
type Checksum struct {
	RecordBase
	// CbBackwards is the distance from the start of the record's sector
	// to the record, or 0 (+1).
	CbBackwards uint32
	// CbForwards is the number of bytes covered after the record (+5).
	CbForwards uint32
	// CbNext is the distance from the record's end to the next LRCHECKSUM,
	// 0 for the last (+9).
	CbNext uint32
	// Checksum is the range checksum (+13).
	Checksum uint32
	// ShortChecksum is the checksum of the record's sector alone, or 0
	// (+17).
	ShortChecksum uint32
	// UseShortChecksum is 0x9A when ShortChecksum is in use, 0xD1 when not
	// (+21).
	UseShortChecksum uint8
}

// Checksum.UseShortChecksum values.
const (
	ShortChecksumOn  = 0x9A
	ShortChecksumOff = 0xD1
)

// Path flags of CreateDB (+42) and AttachDB (+74).
const (
	// DBUnicodeNames marks a UTF-16LE path (CreateDB, AttachDB).
	DBUnicodeNames = 0x08
	// DBSparseFile marks a sparse-enabled database file (CreateDB, AttachDB).
	DBSparseFile = 0x10
	// DetachUnicodeNames marks a UTF-16LE path in DetachDB (+6).
	DetachUnicodeNames = 0x10
)

// decodePath returns a logged path: UTF-16LE when unicode, otherwise ANSI
// (each byte one code point), up to the first NUL.
func decodePath(b []byte, unicode bool) string {
	if unicode {
		return bin.UTF16String(b)
	}
	return bin.CString(b)
}

// CreateDB (14) creates a database: u16 procid@1, dbid@3, u32 grbit@4,
// u32 cpgDatabaseSizeMax@8, signDb@12, u16 cbPath@40, u8 flags@42, then
// (flag 0x04) u16 version and u16 update major, then cbPath bytes of path.
type CreateDB struct {
	RecordBase
	// Procid is the session (+1).
	Procid uint16
	// Dbid is the attachment slot (+3).
	Dbid uint8
	// Grbit are the JetCreateDatabase options (+4).
	Grbit uint32
	// CpgMax is the maximum database size in pages, 0 = unlimited (+8).
	CpgMax uint32
	// SignDb is the new database's signature (+12).
	SignDb ese.Signature
	// Flags (+42): CreateDBVersionInfo, DBUnicodeNames, DBSparseFile.
	Flags uint8
	// Version and UpdateMajor are the creating engine's database format
	// (@43 and @45) when Flags has CreateDBVersionInfo.
	Version, UpdateMajor uint16
	// PathBytes is the path as logged (cbPath@40 bytes, after the version
	// block), NUL included.
	PathBytes []byte
}

// ProcID returns the session id.
func (r *CreateDB) ProcID() uint16 { return r.Procid }

// DBID returns the attachment slot.
func (r *CreateDB) DBID() uint8 { return r.Dbid }

// IsUnicode reports whether the path is UTF-16LE.
func (r *CreateDB) IsUnicode() bool { return r.Flags&DBUnicodeNames != 0 }

// HasVersion reports whether the record carries the version block.
func (r *CreateDB) HasVersion() bool { return r.Flags&CreateDBVersionInfo != 0 }

// Path returns the database path.
func (r *CreateDB) Path() string { return decodePath(r.PathBytes, r.IsUnicode()) }

// AttachDB (15) attaches a database: u16 procid@1, dbid@3, u32
// cpgDatabaseSizeMax@4, lgposConsistent@8, signDb@16, signLog@44, u16
// cbPath@72, u8 flags@74, path@75.
type AttachDB struct {
	RecordBase
	// Procid is the session (+1).
	Procid uint16
	// Dbid is the attachment slot (+3).
	Dbid uint8
	// CpgMax is the maximum database size in pages (+4).
	CpgMax uint32
	// Consistent is the database header's lgposConsistent at attach (+8).
	Consistent ese.LogPos
	// SignDb is the database's signature (+16).
	SignDb ese.Signature
	// SignLog is the log signature in the database header at attach time
	// (+44).
	SignLog ese.Signature
	// Flags (+74): DBUnicodeNames, DBSparseFile.
	Flags uint8
	// PathBytes is the path as logged (cbPath@72 bytes, @75), NUL included.
	PathBytes []byte
}

// ProcID returns the session id.
func (r *AttachDB) ProcID() uint16 { return r.Procid }

// DBID returns the attachment slot.
func (r *AttachDB) DBID() uint8 { return r.Dbid }

// IsUnicode reports whether the path is UTF-16LE.
func (r *AttachDB) IsUnicode() bool { return r.Flags&DBUnicodeNames != 0 }

// Path returns the database path.
func (r *AttachDB) Path() string { return decodePath(r.PathBytes, r.IsUnicode()) }

// DetachDB (16) detaches a database: u16 procid@1, dbid@3, u16 cbPath@4,
// u8 flags@6 (0x10 Unicode), path@7.
type DetachDB struct {
	RecordBase
	// Procid is the session (+1).
	Procid uint16
	// Dbid is the attachment slot (+3).
	Dbid uint8
	// Flags (+6): DetachUnicodeNames.
	Flags uint8
	// PathBytes is the path as logged (cbPath@4 bytes, @7), NUL included.
	PathBytes []byte
}

// ProcID returns the session id.
func (r *DetachDB) ProcID() uint16 { return r.Procid }

// DBID returns the attachment slot.
func (r *DetachDB) DBID() uint8 { return r.Dbid }

// IsUnicode reports whether the path is UTF-16LE.
func (r *DetachDB) IsUnicode() bool { return r.Flags&DetachUnicodeNames != 0 }

// Path returns the database path.
func (r *DetachDB) Path() string { return decodePath(r.PathBytes, r.IsUnicode()) }

// CreateDBFinish (79): the database's creation is complete; u16 procid@1,
// dbid@3.
type CreateDBFinish struct {
	RecordBase
	// Procid is the session (+1).
	Procid uint16
	// Dbid is the attachment slot (+3).
	Dbid uint8
}

// ProcID returns the session id.
func (r *CreateDBFinish) ProcID() uint16 { return r.Procid }

// DBID returns the attachment slot.
func (r *CreateDBFinish) DBID() uint8 { return r.Dbid }

// SetDbVersion (92) raises the database header's version: dbid@1, u32
// major@2, u32 update major@6, u32 update minor@10.
type SetDbVersion struct {
	RecordBase
	// Dbid is the attachment slot (+1).
	Dbid uint8
	// Major is the database format major version (+2).
	Major uint32
	// UpdateMajor (+6).
	UpdateMajor uint32
	// UpdateMinor (+10).
	UpdateMinor uint32
}

// DBID returns the attachment slot.
func (r *SetDbVersion) DBID() uint8 { return r.Dbid }

// SignalAttachDb (97): dbid@1; recovery only calls back the client.
type SignalAttachDb struct {
	RecordBase
	// Dbid is the attachment slot (+1).
	Dbid uint8
}

// DBID returns the attachment slot.
func (r *SignalAttachDb) DBID() uint8 { return r.Dbid }

// TextRecord is FullBackup (19), IncBackup (20), ExtRestore (45) and
// ExtRestore2 (59): u16 cb@1, then cb bytes (an ANSI path for 19/20, ANSI
// instance name and log path for 45, the same in UTF-16LE for 59).
type TextRecord struct {
	RecordBase
	// Data are the cb@1 bytes @3.
	Data []byte
}

// String returns the text up to its first NUL (UTF-16LE for ExtRestore2).
func (r *TextRecord) String() string { return decodePath(r.Data, r.Lrtyp == RecExtRestore2) }

// Backup (46) is the old backup marker: u8 type@1, u8 reserved@2, u16
// cbPath@3, path@5.
type Backup struct {
	RecordBase
	// BackupType (+1): 0 full, 1 incremental, 2 snapshot start, 3 snapshot
	// stop, 4 truncate logs, 5 OS snapshot, 6 OS snapshot incremental.
	BackupType uint8
	// Reserved (+2).
	Reserved uint8
	// PathBytes is the ANSI path (cbPath@3 bytes, @5).
	PathBytes []byte
}

// Backup2 (60) marks a backup phase: u8 phase@1, u32 backup type@2, u8
// scope@6, dbid@7, BKINFO@8, u8 reserved@32, u16 cbPath@33, path@35.
type Backup2 struct {
	RecordBase
	// Phase (+1): 1 begin, 2 prepare logs, 3 truncate, 4 update, 5 abort,
	// 6 stop.
	Phase uint8
	// BackupType is the header backup-info slot (+2).
	BackupType uint32
	// Scope (+6): 1 full, 2 incremental, 5 copy, 6 differential.
	Scope uint8
	// Dbid is the database (+7).
	Dbid uint8
	// Info is the phase's backup details (+8).
	Info ese.BackupInfo
	// Reserved (+32).
	Reserved uint8
	// PathBytes is the path (cbPath@33 bytes, @35).
	PathBytes []byte
}

// DBID returns the attachment slot.
func (r *Backup2) DBID() uint8 { return r.Dbid }
