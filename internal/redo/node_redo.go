package redo

import (
	"fmt"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/bin"
)

// RedoOp holds the fields of a page record's header (LRPAGE_/LRNODE_,
// docs/log-records.md#common-headers) that the redo of a node operation needs.
type RedoOp struct {
	// Pgno is the page the record changes (used in error messages).
	Pgno uint32
	// DBTime is the page dbtime after the operation.
	DBTime uint64
	// DBTimeBefore is the page dbtime the record expects before the
	// operation, or eselog.DBTimeNil.
	DBTimeBefore uint64
	// ILine is the line (node) index, reserved tags excluded.
	ILine int
	// Versioned is the record's 0x01 flag: the node gets NodeVersioned.
	Versioned bool
	// MayContainFutureData is the database's "may contain data from
	// future logs" state: only then is a page already past the record
	// skipped rather than an error (see NeedRedo).
	MayContainFutureData bool
}

// DBTimeMismatchError reports a page whose dbtime is neither the record's
// "before" dbtime nor already at or past its "after" dbtime
// (ErrLGRIReportDbtimeMismatch). Err is ese.ErrDBTimeTooOld (a lost
// flush: the page is older than expected), ese.ErrDBTimeTooNew, or
// ese.ErrDBTimeBeyondMaxRequired (the page is newer than the record while
// the database may not hold data from later logs).
type DBTimeMismatchError struct {
	// Pgno is the page.
	Pgno uint32
	// Before and After are the record's dbtimeBefore and dbtime; OnPage is
	// the page header's DBTimeDirtied (offset 8).
	Before, OnPage, After uint64
	// Err is the engine error for the mismatch.
	Err ese.Error
}

func (e *DBTimeMismatchError) Error() string {
	return fmt.Sprintf("page %d: dbtime %#x on the page, the log record expects %#x before and %#x after [%v]",
		e.Pgno, e.OnPage, e.Before, e.After, e.Err)
}

// Unwrap returns the engine error.
func (e *DBTimeMismatchError) Unwrap() error { return e.Err }

// NeedRedo applies the page dbtime test of docs/recovery.md#redo-gates, gate 4
// (FLGNeedRedoCheckDbtimeBefore): a record is redone only when its dbtime
// is newer than the page's, and then the page must carry exactly the
// record's "before" dbtime (unless that is eselog.DBTimeNil or eselog.DBTimeInvalid, which are
// never checked): a page older than
// expected gives ese.ErrDBTimeTooOld (a lost flush), one between before
// and after ese.ErrDBTimeTooNew. A page already at or past the record is
// skipped only while the database may contain data from later logs
// (mayContainFutureData); otherwise it is the engine's
// ese.ErrDBTimeBeyondMaxRequired.
func NeedRedo(p *Page, pgno uint32, dbtime, before uint64, mayContainFutureData bool) (bool, error) {
	onPage := p.DBTime()
	if dbtime <= onPage {
		if mayContainFutureData {
			return false, nil
		}
		return false, mismatch(pgno, before, onPage, dbtime)
	}
	if before == eselog.DBTimeNil || before == eselog.DBTimeInvalid || onPage == before {
		return true, nil
	}
	return false, mismatch(pgno, before, onPage, dbtime)
}

// mismatch classifies a dbtime mismatch as ErrLGRIReportDbtimeMismatch
// does.
func mismatch(pgno uint32, before, onPage, after uint64) error {
	code := ese.ErrDBTimeBeyondMaxRequired
	switch {
	case onPage < before:
		code = ese.ErrDBTimeTooOld
	case onPage < after:
		code = ese.ErrDBTimeTooNew
	}
	return &DBTimeMismatchError{Pgno: pgno, Before: before, OnPage: onPage, After: after, Err: code}
}

func (op RedoOp) gate(p *Page) (bool, error) {
	return NeedRedo(p, op.Pgno, op.DBTime, op.DBTimeBefore, op.MayContainFutureData)
}

func (op RedoOp) versionFlag() uint8 {
	if op.Versioned {
		return NodeVersioned
	}
	return 0
}

// finish stamps the record's dbtime on a redone page (docs/recovery.md#redo-gates, gate 6). Like
// every change the engine makes through CPAGE::Dirty, it clears the page's
// Scrubbed flag (ResetFScrubbed_); RedoScrub sets it.
func (op RedoOp) finish(p *Page) (bool, error) {
	p.SetDBTime(op.DBTime)
	p.SetFlags(p.Flags() &^ ese.PageScrubbed)
	return true, nil
}

func (op RedoOp) wrap(what string, err error) error {
	return fmt.Errorf("recovery: redo %s on page %d line %d: %w", what, op.Pgno, op.ILine, err)
}

// RedoInsert redoes an Insert (type 29): a node with prefixLen shared key
// bytes (stored as a count; compressed when > 0), the key suffix and the
// data is inserted at op.ILine, versioned when the record is. It reports
// whether the page was changed.
func RedoInsert(p *Page, op RedoOp, prefixLen int, suffix, data []byte) (bool, error) {
	if redo, err := op.gate(p); !redo || err != nil {
		return false, err
	}
	if prefixLen < 0 || prefixLen > nodeKeyLenMask || len(suffix) > nodeKeyLenMask {
		return false, op.wrap("Insert", ese.NewFormatError("Insert record", -1, ese.ErrLogCorrupted, "key prefix %d / suffix %d out of range", prefixLen, len(suffix)))
	}
	if err := p.InsertNode(op.ILine, Node{Flags: op.versionFlag(), PrefixLen: prefixLen, Suffix: suffix, Data: data}); err != nil {
		return false, op.wrap("Insert", err)
	}
	return op.finish(p)
}

// RedoFlagInsert redoes a FlagInsert (type 30): the node's deleted flag is
// cleared and the version flag set when the record is versioned.
func RedoFlagInsert(p *Page, op RedoOp) (bool, error) {
	if redo, err := op.gate(p); !redo || err != nil {
		return false, err
	}
	f, err := p.LineFlags(op.ILine)
	if err != nil {
		return false, op.wrap("FlagInsert", err)
	}
	if err := p.SetLineFlags(op.ILine, f&^NodeDeleted|op.versionFlag()); err != nil {
		return false, op.wrap("FlagInsert", err)
	}
	return op.finish(p)
}

// RedoFlagInsertAndReplaceData redoes a FlagInsertAndReplaceData (type
// 31): the node keeps its key, takes data, and loses its deleted flag.
func RedoFlagInsertAndReplaceData(p *Page, op RedoOp, data []byte) (bool, error) {
	if redo, err := op.gate(p); !redo || err != nil {
		return false, err
	}
	f, err := p.LineFlags(op.ILine)
	if err != nil {
		return false, op.wrap("FlagInsertAndReplaceData", err)
	}
	if err := p.ReplaceNodeData(op.ILine, data, f|op.versionFlag()); err != nil {
		return false, op.wrap("FlagInsertAndReplaceData", err)
	}
	f, _ = p.LineFlags(op.ILine)
	if err := p.SetLineFlags(op.ILine, f&^NodeDeleted); err != nil {
		return false, op.wrap("FlagInsertAndReplaceData", err)
	}
	return op.finish(p)
}

// RedoReplace redoes a Replace (type 33): the node's data becomes data;
// its key and flags stay (plus the version flag when versioned).
func RedoReplace(p *Page, op RedoOp, data []byte) (bool, error) {
	if redo, err := op.gate(p); !redo || err != nil {
		return false, err
	}
	if err := replaceData(p, op, data); err != nil {
		return false, op.wrap("Replace", err)
	}
	return op.finish(p)
}

func replaceData(p *Page, op RedoOp, data []byte) error {
	f, err := p.LineFlags(op.ILine)
	if err != nil {
		return err
	}
	return p.ReplaceNodeData(op.ILine, data, f|op.versionFlag())
}

// RedoReplaceD redoes a ReplaceD (type 34): afterImage computes the new
// data from the node's current data (the record's diff applied, e.g. with
// eselog.ApplyDiff, which also checks the announced length).
func RedoReplaceD(p *Page, op RedoOp, afterImage func(old []byte) ([]byte, error)) (bool, error) {
	if redo, err := op.gate(p); !redo || err != nil {
		return false, err
	}
	return redoReplaceDImage(p, op, afterImage)
}

// redoReplaceD is RedoReplaceD for a decoded ReplaceD record r: a diff
// whose entries all keep their length is applied in place (see
// replaceDInPlace); any other diff, and any diff or node that the in-place
// path does not accept, goes through the general path (after-image built
// by r.AfterImage, node rewritten by ReplaceNodeData), which also gives
// the errors. Both paths leave the same page bytes.
func redoReplaceD(p *Page, op RedoOp, r *eselog.Replace) (bool, error) {
	if redo, err := op.gate(p); !redo || err != nil {
		return false, err
	}
	// The record's own fields first: most diffs that change the size are
	// sent to the general path before the page is looked at.
	if r.CbOldData == r.CbNewData && replaceDInPlace(p, op, r) {
		return op.finish(p)
	}
	return redoReplaceDImage(p, op, r.AfterImage)
}

// replaceDInPlace applies r's diff directly to the node's data on the page
// and reports true when the result is byte for byte what the general path
// (ApplyDiff, then ReplaceNodeData) would write; otherwise it changes
// nothing and reports false. That holds when the node keeps its size and
// its key words survive re-encoding unchanged: ReplaceNodeData writes the
// key-length words back from their 13-bit values (so a stored word with
// other high bits than the large-page flags would change), and derives
// the compressed flag from the prefix count (so a compressed node with a
// prefix count of 0 would lose that word). The node flags then become
// the line's flags plus the record's version flag, as ReplaceNodeData
// stores them; the free-space fields and the tag's offset and size do not
// change for a node of the same size.
func replaceDInPlace(p *Page, op RedoOp, r *eselog.Replace) bool {
	it, err := p.lineTag(op.ILine)
	if err != nil {
		return false
	}
	// lineTag checked the page structure (every tag inside the data area)
	// and the range: the node's bytes are read as TagBytes would, without
	// decoding the flags a second time.
	at := p.hdr + p.tagIb(it)
	b := p.b[at : at+p.tagCb(it) : at+p.tagCb(it)]
	flags := p.tagFlags(it)
	var n Node
	if n.Decode(b, flags) != nil {
		return false
	}
	if flags&NodeCompressed != 0 && n.PrefixLen == 0 {
		return false
	}
	// The key words: [prefix count] and suffix length, in that order. On
	// large pages the first word's top 3 bits are the node flags, which
	// are rewritten below either way.
	words := 1
	if flags&NodeCompressed != 0 {
		words = 2
	}
	for w := 0; w < words; w++ {
		v := bin.U16(b, 2*w)
		if w == 0 && p.large {
			v &^= tagFlagMask
		}
		if v&^nodeKeyLenMask != 0 {
			return false
		}
	}
	if !r.ApplyInPlace(n.Data) { // n.Data aliases the page
		return false
	}
	p.setTagFlags(it, flags|op.versionFlag())
	return true
}

// redoReplaceDImage is the general ReplaceD redo, gate already passed.
func redoReplaceDImage(p *Page, op RedoOp, afterImage func(old []byte) ([]byte, error)) (bool, error) {
	n, err := p.Node(op.ILine)
	if err != nil {
		return false, op.wrap("ReplaceD", err)
	}
	data, err := afterImage(append([]byte{}, n.Data...))
	if err != nil {
		return false, op.wrap("ReplaceD", err)
	}
	if err := replaceData(p, op, data); err != nil {
		return false, op.wrap("ReplaceD", err)
	}
	return op.finish(p)
}

// RedoFlagDelete redoes a FlagDelete (type 32): the node gets the deleted
// flag (and the version flag when versioned).
func RedoFlagDelete(p *Page, op RedoOp) (bool, error) {
	if redo, err := op.gate(p); !redo || err != nil {
		return false, err
	}
	f, err := p.LineFlags(op.ILine)
	if err != nil {
		return false, op.wrap("FlagDelete", err)
	}
	if err := p.SetLineFlags(op.ILine, f|NodeDeleted|op.versionFlag()); err != nil {
		return false, op.wrap("FlagDelete", err)
	}
	return op.finish(p)
}

// RedoDelete redoes a Delete (type 35): the line and its tag are removed.
func RedoDelete(p *Page, op RedoOp) (bool, error) {
	if redo, err := op.gate(p); !redo || err != nil {
		return false, err
	}
	if err := p.DeleteLine(op.ILine); err != nil {
		return false, op.wrap("Delete", err)
	}
	return op.finish(p)
}

// RedoDelta redoes a Delta (type 37): delta is added to the little-endian
// 32-bit integer at offset in the node's data.
func RedoDelta(p *Page, op RedoOp, offset int, delta int32) (bool, error) {
	return redoDelta(p, op, offset, 4, uint64(int64(delta)))
}

// RedoDelta64 redoes a Delta64 (type 93) on a 64-bit counter.
func RedoDelta64(p *Page, op RedoOp, offset int, delta int64) (bool, error) {
	return redoDelta(p, op, offset, 8, uint64(delta))
}

func redoDelta(p *Page, op RedoOp, offset, size int, delta uint64) (bool, error) {
	if redo, err := op.gate(p); !redo || err != nil {
		return false, err
	}
	n, err := p.Node(op.ILine)
	if err != nil {
		return false, op.wrap("Delta", err)
	}
	if offset < 0 || offset+size > len(n.Data) {
		return false, op.wrap("Delta", ese.NewFormatError("Delta record", -1, ese.ErrLogCorrupted,
			"counter at %d (%d bytes) is outside the node's %d data bytes", offset, size, len(n.Data)))
	}
	// n.Data aliases the page: change the counter in place.
	if size == 4 {
		bin.PutU32(n.Data, offset, bin.U32(n.Data, offset)+uint32(delta))
	} else {
		bin.PutU64(n.Data, offset, bin.U64(n.Data, offset)+delta)
	}
	if op.Versioned {
		if err := p.SetLineFlags(op.ILine, n.Flags|NodeVersioned); err != nil {
			return false, op.wrap("Delta", err)
		}
	}
	return op.finish(p)
}

// RedoSetExternalHeader redoes a SetExternalHeader (type 38): tag 0
// becomes data. On pages that are neither roots nor space-tree pages the
// new header is the key prefix, so it must be at least as long as every
// node's prefix count (ErrNDValidateSetExternalHeader).
func RedoSetExternalHeader(p *Page, op RedoOp, data []byte) (bool, error) {
	if redo, err := op.gate(p); !redo || err != nil {
		return false, err
	}
	if p.Flags()&(ese.PageRoot|ese.PageSpaceTree) == 0 {
		for i := 0; i < p.Lines(); i++ {
			n, err := p.Node(i)
			if err != nil {
				return false, op.wrap("SetExternalHeader", err)
			}
			if n.PrefixLen > len(data) {
				return false, op.wrap("SetExternalHeader", ese.NewFormatError("SetExternalHeader record", -1, ese.ErrDatabaseCorrupted,
					"line %d uses %d prefix bytes, the new header has %d", i, n.PrefixLen, len(data)))
			}
		}
	}
	if err := p.SetExternalHeaderBytes(data); err != nil {
		return false, op.wrap("SetExternalHeader", err)
	}
	return op.finish(p)
}

// EmptyPage removes every line of p and marks it Empty (NDEmptyPage): the
// key prefix (external header) of a non-root page is cleared, the lines are
// deleted from the last one down, and the page gets the Empty flag.
func EmptyPage(p *Page) error {
	if err := p.ensure(); err != nil {
		return err
	}
	if p.Flags()&ese.PageRoot == 0 && p.TagCount() > 0 {
		if err := p.SetExternalHeaderBytes(nil); err != nil {
			return err
		}
	}
	for i := p.Lines() - 1; i >= 0; i-- {
		if err := p.DeleteLine(i); err != nil {
			return err
		}
	}
	p.SetFlags(p.Flags() | ese.PageEmpty)
	return nil
}

// RedoEmptyTreeRoot redoes the root part of an EmptyTree record (type 48,
// NDSetEmptyTree): the root's one remaining line (the pointer to the
// emptied level below) is deleted and the root becomes a leaf. The listed
// pages are emptied separately, each under its own dbtime test, with
// EmptyPage.
func RedoEmptyTreeRoot(p *Page, op RedoOp) (bool, error) {
	if redo, err := op.gate(p); !redo || err != nil {
		return false, err
	}
	if p.Lines() != 1 {
		return false, op.wrap("EmptyTree", p.corrupt("root has %d lines, want 1", p.Lines()))
	}
	if err := p.DeleteLine(0); err != nil {
		return false, op.wrap("EmptyTree", err)
	}
	p.SetFlags(p.Flags()&^ese.PageParentOfLeaf | ese.PageLeaf)
	return op.finish(p)
}
