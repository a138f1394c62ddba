package eselog

import "github.com/esekit/esekit/ese"

// The ignorable family (67-75, 82-91) shares LRIGNORED: u8 type, u32 cb@1,
// cb bytes of payload @5. The records below decode the payload of the
// known members. When a payload is shorter than its known layout the record
// decodes as *Ignored instead; bytes past the known layout are kept in
// Extra so that every record re-encodes exactly.

// A known member's layout starts with codec.known, and decodeIgnorable
// keeps a shorter one as *Ignored. appendLayout sets cb.

// MacroInfo (67) lists the pages the preceding macro touched: cb/4 u32
// pgnos @5. Redo ignores it.
type MacroInfo struct {
	RecordBase
	// Pgnos are the pages.
	Pgnos []uint32
	// Extra holds cb%4 trailing bytes (never written by the engine).
	Extra []byte
}

// MacroInfo2 (73) lists the pages the preceding macro touched in one
// database: cb@1, dbid@5, u32 count@6, pgnos@10. Redo ignores it.
type MacroInfo2 struct {
	RecordBase
	// Dbid is the database (+5).
	Dbid uint8
	// Count is the stored page count (+6); normally len(Pgnos).
	Count uint32
	// Pgnos are the pages (@10, as many whole u32s as cb holds).
	Pgnos []uint32
	// Extra holds trailing bytes that do not make a whole pgno.
	Extra []byte
}

// DBID returns the attachment slot.
func (r *MacroInfo2) DBID() uint8 { return r.Dbid }

// ExtendDB (68) grows a database file: cb@1 (5), dbid@5, pgnoLast@6.
type ExtendDB struct {
	RecordBase
	// Dbid is the database (+5).
	Dbid uint8
	// PgnoLast is the last page the file must hold (+6).
	PgnoLast uint32
	// Extra holds payload bytes past the known 5.
	Extra []byte
}

// DBID returns the attachment slot.
func (r *ExtendDB) DBID() uint8 { return r.Dbid }

// CommitCtx (69) carries a client commit context: cb@1, u16 procid@5, then
// the rest of the payload. From log format 8.4000.4.8 / 8.4000.5.2 the rest
// starts with a flags byte (0x1 callback needed, 0x2 customer data, 0x4
// pre-commit callback) followed by the context; older logs have the context
// alone. The record cannot tell which: see ContextWithFlags.
type CommitCtx struct {
	RecordBase
	// Procid is the session (+5).
	Procid uint16
	// Rest is the payload after procid (@7): [flags byte] context.
	Rest []byte
}

// ProcID returns the session id.
func (r *CommitCtx) ProcID() uint16 { return r.Procid }

// ContextWithFlags splits Rest for the layout of logs whose version has the
// flags byte (see CommitCtxHasFlags). ok is false when Rest is empty.
func (r *CommitCtx) ContextWithFlags() (flags uint8, ctx []byte, ok bool) {
	if len(r.Rest) == 0 {
		return 0, nil, false
	}
	return r.Rest[0], r.Rest[1:], true
}

// CommitCtxHasFlags reports whether CommitCtx records of a log carry the
// flags byte, from the log header's updateMajor and updateMinor, as the
// engine decides (FLGVersionNewCommitCtx): 8.4000.4.8 and later in the 4.x
// line, 8.4000.5.2 and later in the 5.x line, every later update major.
func CommitCtxHasFlags(updateMajor, updateMinor uint32) bool {
	switch {
	case updateMajor > 5:
		return true
	case updateMajor == 5:
		return updateMinor >= 2
	case updateMajor == 4:
		return updateMinor >= 8
	}
	return false
}

// ScanCheck (70) is the legacy database-scan check: cb@1 (39), dbid@5,
// pgno@6, dbtimePage@10, dbtimeCurrent@18, dbtimeBefore@26,
// dbtimeAfter@34, u16 checksum@42. The engine fills only dbid, pgno,
// dbtimeBefore, dbtimeAfter and the checksum.
type ScanCheck struct {
	RecordBase
	// Dbid is the database (+5).
	Dbid uint8
	// PageNumber is the page (+6).
	PageNumber uint32
	// DBTimePage (+10), unused by the engine.
	DBTimePage uint64
	// DBTimeCurrent (+18), unused by the engine.
	DBTimeCurrent uint64
	// DBTimeBefore is the page's dbtime (+26).
	DBTimeBefore uint64
	// DBTimeAfter is the database's dbtime (+34).
	DBTimeAfter uint64
	// Checksum is the compressed logical page checksum (+42).
	Checksum uint16
	// Extra holds payload bytes past the known 39.
	Extra []byte
}

// DBID returns the attachment slot.
func (r *ScanCheck) DBID() uint8 { return r.Dbid }

// Pgno returns the page.
func (r *ScanCheck) Pgno() uint32 { return r.PageNumber }

// NOP2 (71) is padding: cb@1, then cb bytes (zero when written by the
// engine). Redo skips it.
type NOP2 struct {
	RecordBase
	// Len is cb (+1), the number of padding bytes.
	Len uint32
	// Pad holds the padding bytes when they are not all zero, and is nil
	// when they are (as the engine writes them). When Pad is non-nil it
	// wins over Len on encoding.
	Pad []byte
}

// ReAttach (72) records a re-attach: cb@1 (45), dbid@5, lgposAttach@6,
// lgposConsistent@14, signDb@22.
type ReAttach struct {
	RecordBase
	// Dbid is the database (+5).
	Dbid uint8
	// Attach is the attach position (+6).
	Attach ese.LogPos
	// Consistent is the consistent position (+14).
	Consistent ese.LogPos
	// SignDb is the database signature (+22).
	SignDb ese.Signature
	// Extra holds payload bytes past the known 45.
	Extra []byte
}

// DBID returns the attachment slot.
func (r *ReAttach) DBID() uint8 { return r.Dbid }

// FreeFDP (74) says a B-tree was freed: cb@1 (10), dbid@5, pgnoFDP@6,
// trxCommitted@10, u8 FDP type@14 (0 unknown, 1 table, 2 index).
type FreeFDP struct {
	RecordBase
	// Dbid is the database (+5).
	Dbid uint8
	// PgnoFDP is the freed tree's root (+6).
	PgnoFDP uint32
	// TrxCommitted is the commit timestamp of the delete (+10).
	TrxCommitted uint32
	// FDPType (+14).
	FDPType uint8
	// Extra holds payload bytes past the known 10.
	Extra []byte
}

// DBID returns the attachment slot.
func (r *FreeFDP) DBID() uint8 { return r.Dbid }

func decodeIgnored(b []byte, base RecordBase) Record { return decodeLayout[Ignored](b, base) }

// FragmentBegin (76) starts a fragmented record: u32 total size of the
// whole record@1, u16 piece size@5, piece@7. Readers reassemble
// fragments; DecodeRecord decodes one only when handed the piece alone.
type FragmentBegin struct {
	RecordBase
	// TotalSize is the size of the whole record (+1).
	TotalSize uint32
	// Piece is the first piece (cb@5 bytes, @7).
	Piece []byte
}

// Fragment (77) continues a fragmented record: u16 piece size@1, piece@3.
type Fragment struct {
	RecordBase
	// Piece is the piece (cb@1 bytes, @3).
	Piece []byte
}

// ShrinkDB is ShrinkDB (78), ShrinkDB2 (94) and ShrinkDB3 (99): truncate
// a database file. dbid@1, pgnoLast@2, u32 cpgShrunk@6 and, for ShrinkDB3,
// dbtime@10.
type ShrinkDB struct {
	RecordBase
	// Dbid is the database (+1).
	Dbid uint8
	// PgnoLast is the last page kept (+2).
	PgnoLast uint32
	// CpgShrunk is the number of pages removed (+6).
	CpgShrunk uint32
	// DBTime is the dbtime stamped on pages reset to "shrunk" (+10,
	// ShrinkDB3 only).
	DBTime uint64
}

// DBID returns the attachment slot.
func (r *ShrinkDB) DBID() uint8 { return r.Dbid }

// TrimDB (81) sparse-zeroes a page range: dbid@1, pgnoStart@2, u32 cpg@6.
type TrimDB struct {
	RecordBase
	// Dbid is the database (+1).
	Dbid uint8
	// PgnoStart is the first page (+2).
	PgnoStart uint32
	// Cpg is the number of pages (+6).
	Cpg uint32
}

// DBID returns the attachment slot.
func (r *TrimDB) DBID() uint8 { return r.Dbid }

// ExtentFreed is ExtentFreed (100) and ExtentFreed2 (101): dbid@1,
// pgnoFirst@2, i32 cpg@6, u8 flags@10 (0x1 table root page, 0x2 empty page
// of a deleted FDP) and, for ExtentFreed2, dbtime@11.
type ExtentFreed struct {
	RecordBase
	// Dbid is the database (+1).
	Dbid uint8
	// PgnoFirst is the extent's first page (+2).
	PgnoFirst uint32
	// Cpg is the extent's size in pages (+6).
	Cpg int32
	// Flags (+10).
	Flags uint8
	// DBTime (+11, ExtentFreed2 only).
	DBTime uint64
}

// DBID returns the attachment slot.
func (r *ExtentFreed) DBID() uint8 { return r.Dbid }
