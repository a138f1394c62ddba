package eselog

// DBTime values with a special meaning (DBTIME is a signed 64-bit counter
// on disk; this package keeps it as the raw uint64).
const (
	// DBTimeNil (dbtimeNil, all ones) marks a dbtime that is not
	// meaningful, e.g. the dbtimeBefore of a new page or of UndoInfo.
	DBTimeNil uint64 = 0xFFFF_FFFF_FFFF_FFFF
	// DBTimeInvalid is dbtimeInvalid.
	DBTimeInvalid uint64 = 0xFFFF_FFFF_FFFF_FFFE
	// DBTimeShrunk is dbtimeShrunk: a page released by a shrink.
	DBTimeShrunk uint64 = 0xFFFF_FFFF_FFFF_FFFD
)

// Sizes of the shared record headers.
const (
	// PageHeaderSize is the size of LRPAGE_.
	PageHeaderSize = 32
	// NodeHeaderSize is the size of LRNODE_.
	NodeHeaderSize = 44
)

// NodeFlags is the flags byte of LRPAGE_ (+31).
type NodeFlags uint8

// NodeFlags bits.
const (
	NodeVersioned  NodeFlags = 0x01 // the operation is versioned (undo possible)
	NodeDeleted    NodeFlags = 0x02 // node deleted (no longer logged)
	NodeUnique     NodeFlags = 0x04 // the B-tree has unique keys
	NodeSpace      NodeFlags = 0x08 // a space-tree operation
	NodeConcCI     NodeFlags = 0x10 // caused by a concurrent create-index
	NodeSystemTask NodeFlags = 0x20 // done by a background system task
)

// DatabaseRecord is implemented by every record that names a database:
// page records, file-level records, attach/detach/create...
type DatabaseRecord interface {
	Record
	// DBID returns the database's attachment slot (0 = temp database).
	DBID() uint8
}

// SessionRecord is implemented by records that carry the logging
// session's id (procid).
type SessionRecord interface {
	Record
	// ProcID returns the session id (0xFFFF = none).
	ProcID() uint16
}

// PageRecord is implemented by records built on LRPAGE_: they change one
// page (or, for structural records, a main page named here plus others)
// and carry the page's dbtime after the change and the one expected before.
type PageRecord interface {
	DatabaseRecord
	// Pgno returns the page the record changes (the FDP for the
	// Create*FDP/ConvertFDP records, the source page for PageMove).
	Pgno() uint32
	// DBTime returns the page's dbtime after the operation.
	DBTime() uint64
	// DBTimeBefore returns the dbtime the page must have before the
	// operation, or DBTimeNil when not meaningful.
	DBTimeBefore() uint64
}

// PageHeader is LRPAGE_, the 32-byte header of every page-touching record.
type PageHeader struct {
	RecordBase
	// Procid is the logging session (+1).
	Procid uint16
	// Dbid is the database's attachment slot (+3).
	Dbid uint8
	// PageNumber is the page changed (+4).
	PageNumber uint32
	// After is the page's dbtime after the operation (le_dbtime, +8).
	After uint64
	// Before is the page's dbtime expected before the operation
	// (le_dbtimeBefore, +16); DBTimeNil when not meaningful.
	Before uint64
	// TrxBegin0 is the transaction's begin timestamp (+24).
	TrxBegin0 uint32
	// Level is the transaction level at logging time (+28).
	Level uint8
	// Line is the node's line index on the page, 0-based (iline, +29).
	Line uint16
	// Flags are the operation's flags (+31).
	Flags NodeFlags
}

// Offsets of the LRPAGE_ and LRNODE_ fields. The headers' layouts and the
// Decoder's hand-written decoding (decodeHot) both use them.
const (
	offProcid       = 1
	offDBID         = 3
	offPgno         = 4
	offDBTime       = 8
	offDBTimeBefore = 16
	offTrxBegin0    = 24
	offLevel        = 28
	offILine        = 29
	offNodeFlags    = 31
	offRCEID        = 32
	offPgnoFDP      = 36
	offObjidFDP     = 40
)

// Page returns the header itself, so that code holding any record built on
// LRPAGE_ can reach the header through interface{ Page() *PageHeader }.
func (h *PageHeader) Page() *PageHeader { return h }

// ProcID returns the session id.
func (h *PageHeader) ProcID() uint16 { return h.Procid }

// DBID returns the database's attachment slot.
func (h *PageHeader) DBID() uint8 { return h.Dbid }

// Pgno returns the page number.
func (h *PageHeader) Pgno() uint32 { return h.PageNumber }

// DBTime returns the dbtime after the operation.
func (h *PageHeader) DBTime() uint64 { return h.After }

// DBTimeBefore returns the dbtime expected before the operation.
func (h *PageHeader) DBTimeBefore() uint64 { return h.Before }

// ILine returns the node's line index.
func (h *PageHeader) ILine() int { return int(h.Line) }

// IsVersioned reports whether the operation is versioned.
func (h *PageHeader) IsVersioned() bool { return h.Flags&NodeVersioned != 0 }

// IsUnique reports whether the B-tree has unique keys.
func (h *PageHeader) IsUnique() bool { return h.Flags&NodeUnique != 0 }

// IsSpace reports whether the operation is on a space tree.
func (h *PageHeader) IsSpace() bool { return h.Flags&NodeSpace != 0 }

// NodeHeader is LRNODE_: LRPAGE_ plus the version-store id and the B-tree
// the node belongs to (44 bytes).
type NodeHeader struct {
	PageHeader
	// RCEID is the version-store entry id used for undo (+32).
	RCEID uint32
	// PgnoFDP is the root page of the node's B-tree (+36).
	PgnoFDP uint32
	// ObjidFDP is the B-tree's object id (+40).
	ObjidFDP uint32
}

// Node returns the header itself, so that code holding any record built on
// LRNODE_ can reach it through NodeRecord.
func (h *NodeHeader) Node() *NodeHeader { return h }

// NodeRecord is implemented by the records built on LRNODE_ (Insert,
// FlagInsert, FlagInsertAndReplaceData, FlagDelete, Delete, Replace,
// UndoInfo, Delta, SetExternalHeader, Undo, Scrub, EmptyTree).
type NodeRecord interface {
	PageRecord
	// Node returns the record's LRNODE_ header.
	Node() *NodeHeader
}
