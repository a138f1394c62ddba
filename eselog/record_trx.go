package eselog

import "github.com/esekit/esekit/internal/bin"

// Mark is a record that is its type byte alone: NOP (0), End (4),
// RecoveryUndo (17) and ShutDownMark (23).
type Mark struct{ RecordBase }

// AppendEncode appends the record's byte to dst.
func (r *Mark) AppendEncode(dst []byte) []byte { return append(dst, byte(r.Lrtyp)) }

// Begin (5) begins transaction levels: u16 procid@1, byte@3 with
// levelBeginFrom in its low nibble and the number of levels to begin in its
// high nibble.
type Begin struct {
	RecordBase
	// Procid is the session (+1).
	Procid uint16
	// LevelBeginFrom is the level the session was at (+3, bits 0-3).
	LevelBeginFrom uint8
	// LevelsToBegin is how many levels are begun (+3, bits 4-7).
	LevelsToBegin uint8
}

// ProcID returns the session id.
func (r *Begin) ProcID() uint16 { return r.Procid }

// nibbles is a byte holding lo in its low four bits and hi in its high
// four bits.
func (c *codec) nibbles(off int, lo, hi *uint8) {
	if c.enc {
		c.window(off, 1)[0] = *lo&0xF | *hi<<4
	} else {
		*lo, *hi = c.b[off]&0xF, c.b[off]>>4
	}
}

// Begin0 is Begin0 (8) and BeginDT (53): a Begin from level 0 plus u32
// trxBegin0@4, the transaction's begin timestamp.
type Begin0 struct {
	Begin
	// TrxBegin0 is the transaction's begin timestamp (+4).
	TrxBegin0 uint32
}

// Commit (6) commits to a level: u16 procid@1, u8 levelCommitTo@3.
type Commit struct {
	RecordBase
	// Procid is the session (+1).
	Procid uint16
	// LevelCommitTo is the level committed to (+3).
	LevelCommitTo uint8
}

// ProcID returns the session id.
func (r *Commit) ProcID() uint16 { return r.Procid }

// Commit0 (9) commits a level-0 transaction: Commit + u32 trxCommit0@4.
type Commit0 struct {
	Commit
	// TrxCommit0 is the commit timestamp (+4).
	TrxCommit0 uint32
}

// Rollback (7) rolls back levels: u16 procid@1, u8 levelRollback@3.
type Rollback struct {
	RecordBase
	// Procid is the session (+1).
	Procid uint16
	// LevelRollback is the number of levels rolled back (+3).
	LevelRollback uint8
}

// ProcID returns the session id.
func (r *Rollback) ProcID() uint16 { return r.Procid }

// Refresh (10): u16 procid@1, u32 trxBegin0@3.
type Refresh struct {
	RecordBase
	// Procid is the session (+1).
	Procid uint16
	// TrxBegin0 is the refreshed begin timestamp (+3).
	TrxBegin0 uint32
}

// ProcID returns the session id.
func (r *Refresh) ProcID() uint16 { return r.Procid }

// Macro is MacroBegin (11), MacroCommit (12) and MacroAbort (13): u16
// procid@1, i64 dbtime@3, the dbtime shared by the macro's records.
type Macro struct {
	RecordBase
	// Procid is the session (+1).
	Procid uint16
	// DBTime keys the macro (+3).
	DBTime uint64
}

// ProcID returns the session id.
func (r *Macro) ProcID() uint16 { return r.Procid }

// PrepCommit (54) is a distributed prepare-to-commit: u16 procid@1, u32
// cbData@3, data@7. Redo refuses it.
type PrepCommit struct {
	RecordBase
	// Procid is the session (+1).
	Procid uint16
	// Data is the prepare data (cbData@3 bytes).
	Data []byte
}

// ProcID returns the session id.
func (r *PrepCommit) ProcID() uint16 { return r.Procid }

// ForceWriteLog (57) forces a log flush: u16 procid@1.
type ForceWriteLog struct {
	RecordBase
	// Procid is the session (+1).
	Procid uint16
}

// ProcID returns the session id.
func (r *ForceWriteLog) ProcID() uint16 { return r.Procid }

// JetOp (21) is a debug record naming an API operation: u16 procid@1, u8
// op@3.
type JetOp struct {
	RecordBase
	// Procid is the session (+1).
	Procid uint16
	// Op is the API operation (+3).
	Op uint8
}

// ProcID returns the session id.
func (r *JetOp) ProcID() uint16 { return r.Procid }

// Trace is Trace (22) and ForceLogRollover (61): u16 procid@1, u16 cb@3,
// then cb bytes of ANSI text. Redo skips both.
type Trace struct {
	RecordBase
	// Procid is the session (+1).
	Procid uint16
	// Text is the message (cb@3 bytes, @5), often NUL-terminated.
	Text []byte
}

// ProcID returns the session id.
func (r *Trace) ProcID() uint16 { return r.Procid }

// String returns the text up to its first NUL.
func (r *Trace) String() string { return bin.CString(r.Text) }
