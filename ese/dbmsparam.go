package ese

import "github.com/esekit/esekit/internal/bin"

// DBMSParamSize is the on-disk size of DBMSParam.
const DBMSParamSize = 567

// DBMSParamCircularLogging is the DBMSParam.Flags bit for circular logging.
const DBMSParamCircularLogging = 0x01

// DBMSParam is the engine's DBMS_PARAM: run-time settings recorded in log and
// checkpoint headers (informational; only LogFileSectors is reapplied by
// recovery). The u32 fields sit at odd offsets.
type DBMSParam struct {
	// SystemPath is the ANSI system path (JET_paramSystemPath),
	// NUL-terminated (+0, 261 bytes). The engine converts it lossily
	// (non-ASCII characters become '?'); it is for display only.
	SystemPath [261]byte
	// LogFilePath is the ANSI log folder (JET_paramLogFilePath),
	// NUL-terminated (+261, 261 bytes), converted like SystemPath.
	LogFilePath [261]byte
	// Flags (+522, u8): bit DBMSParamCircularLogging (0x01) is circular
	// logging.
	Flags uint8
	// MaxSessions is JET_paramMaxSessions, a count of sessions (+523, u32).
	MaxSessions uint32
	// MaxOpenTables is JET_paramMaxOpenTables, a count of open tables
	// (+527, u32).
	MaxOpenTables uint32
	// MaxVerPages is JET_paramMaxVerPages, the version store size in
	// version-store pages (+531, u32).
	MaxVerPages uint32
	// MaxCursors is JET_paramMaxCursors, a count of cursors (+535, u32).
	MaxCursors uint32
	// LogBuffers is JET_paramLogBuffers, the log buffer size in sectors
	// (+539, u32).
	LogBuffers uint32
	// LogFileSectors is the log file size in sectors (+543, u32): the one
	// field recovery re-applies.
	LogFileSectors uint32
	// CacheSizeMax is JET_paramCacheSizeMax, the database cache size in
	// pages (+547, u32).
	CacheSizeMax uint32
	// Reserved (+551, 16 bytes), zero when written by the engine.
	Reserved [16]byte
}

// DecodeDBMSParam decodes b[0:567].
func DecodeDBMSParam(b []byte) DBMSParam {
	var p DBMSParam
	copy(p.SystemPath[:], b[0:261])
	copy(p.LogFilePath[:], b[261:522])
	p.Flags = b[522]
	p.MaxSessions = bin.U32(b, 523)
	p.MaxOpenTables = bin.U32(b, 527)
	p.MaxVerPages = bin.U32(b, 531)
	p.MaxCursors = bin.U32(b, 535)
	p.LogBuffers = bin.U32(b, 539)
	p.LogFileSectors = bin.U32(b, 543)
	p.CacheSizeMax = bin.U32(b, 547)
	copy(p.Reserved[:], b[551:567])
	return p
}

// Put stores p in b[0:567].
func (p DBMSParam) Put(b []byte) {
	copy(b[0:261], p.SystemPath[:])
	copy(b[261:522], p.LogFilePath[:])
	b[522] = p.Flags
	bin.PutU32(b, 523, p.MaxSessions)
	bin.PutU32(b, 527, p.MaxOpenTables)
	bin.PutU32(b, 531, p.MaxVerPages)
	bin.PutU32(b, 535, p.MaxCursors)
	bin.PutU32(b, 539, p.LogBuffers)
	bin.PutU32(b, 543, p.LogFileSectors)
	bin.PutU32(b, 547, p.CacheSizeMax)
	copy(b[551:567], p.Reserved[:])
}

// SystemPathString returns SystemPath up to its NUL.
func (p DBMSParam) SystemPathString() string { return bin.CString(p.SystemPath[:]) }

// LogFilePathString returns LogFilePath up to its NUL.
func (p DBMSParam) LogFilePathString() string { return bin.CString(p.LogFilePath[:]) }

// CircularLogging reports whether the circular-logging flag is set.
func (p DBMSParam) CircularLogging() bool { return p.Flags&DBMSParamCircularLogging != 0 }
