package redo

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
)

// iLineInvalid marks an absent prefix line (ilineInvalid).
const iLineInvalid = -1

// cbPrefixOverhead is the size of a node's prefix count: a shared prefix
// shorter than or equal to it is not worth compressing.
const cbPrefixOverhead = 2

// SplitLevel holds one Split/Split2 record: one level of a split path
// (docs/log-records.md#split-and-merge). A level with PgnoNew 0 is an ancestor that only
// receives the separator key of the level below. Each field carries the
// eselog.Split field of the same name (Type and Oper are SplitType and
// SplitOper, Objid is ObjidFDP, KeyParent and the prefixes its payload),
// documented there with its offset in the record.
type SplitLevel struct {
	Pgno               uint32
	DBTimeBefore       uint64
	PgnoNew            uint32
	PgnoRight          uint32
	DBTimeRightBefore  uint64
	PgnoParent         uint32
	DBTimeParentBefore uint64
	Objid              uint32
	Type, Oper         int
	ILineOper          int
	ILineSplit         int
	CLines             int
	NewPageFlags       ese.PageFlags
	SplitPageFlags     ese.PageFlags
	CbUncFreeSrc       int
	CbUncFreeDest      int
	ILinePrefixSplit   int
	ILinePrefixNew     int
	KeyParent          []byte
	PrefixSplitOld     []byte
	PrefixSplitNew     []byte
	HasPreImage        bool
	// PreImage and PreImageFlags are the split page's logged pre-image
	// (Split2) and its PreImage* flags; HasPreImage is set with it.
	PreImage      []byte
	PreImageFlags uint32
}

// SplitOperation is the node operation logged in the split's macro (an
// Insert, Replace or FlagInsertAndReplaceData with the macro's dbtime).
type SplitOperation struct {
	// Key is the whole key of an inserted node (prefix then suffix bytes
	// of the Insert record); unused for replaces, which keep the page's key.
	Key []byte
	// Data is the node's new data.
	Data []byte
	// Versioned is the operation record's versioned flag.
	Versioned bool
}

// PageAccess is what RedoSplit needs from a page store.
type PageAccess interface {
	Get(pgno uint32) (*Page, error)
	GetNew(pgno uint32) (*Page, error)
	MarkDirty(pgno uint32, p *Page) error
}

type lineInfo struct {
	key, data []byte
	flags     uint8
	cbPrefix  int
}

type splitPath struct {
	lv           SplitLevel
	page         *Page // the level's page (split page or ancestor)
	update       bool  // page needs redo (write-latched in the engine)
	before       uint64
	newPage      *Page
	updateNew    bool
	right        *Page
	updateRight  bool
	lines        []lineInfo
	hasLineInfos bool
	// scratch marks a page loaded from the record's pre-image: redone in
	// memory only, never written.
	scratch bool
}

func commonPrefix(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// fullKeys returns the whole key, data and flags of every line of p,
// taking the prefix bytes from prefix.
func linesOf(p *Page, prefix []byte) ([]lineInfo, error) {
	out := make([]lineInfo, p.Lines())
	for i := range out {
		n, err := p.Node(i)
		if err != nil {
			return nil, err
		}
		if n.PrefixLen > len(prefix) {
			return nil, p.corrupt("line %d uses %d prefix bytes, the prefix has %d", i, n.PrefixLen, len(prefix))
		}
		key := append(append([]byte{}, prefix[:n.PrefixLen]...), n.Suffix...)
		out[i] = lineInfo{key: key, data: append([]byte{}, n.Data...), flags: n.Flags}
	}
	return out, nil
}

// insertWithPrefix inserts a node whose first cbPrefix key bytes are the
// page's prefix (NDInsert with cbPrefix).
func insertWithPrefix(p *Page, iline int, li lineInfo, cbPrefix int) error {
	if cbPrefix > len(li.key) {
		return p.corrupt("prefix count %d longer than the %d-byte key", cbPrefix, len(li.key))
	}
	return p.InsertNode(iline, Node{Flags: li.flags &^ NodeCompressed, PrefixLen: cbPrefix, Suffix: li.key[cbPrefix:], Data: li.data})
}

// setPrefix sets a page's key prefix (NDSetPrefix): the external header of
// a non-root page becomes key; a root keeps its 16-byte space header or
// split buffer and is left alone for an empty key.
func setPrefix(p *Page, key []byte) error {
	if p.Flags()&ese.PageRoot != 0 {
		if len(key) == 0 {
			return nil
		}
		h, err := p.ExternalHeader()
		if err != nil {
			return err
		}
		if len(h) > 16 {
			h = h[:16]
		}
		return p.SetExternalHeaderBytes(append(h, key...))
	}
	return p.SetExternalHeaderBytes(key)
}

// RedoSplit redoes a split macro: the Split/Split2 records of every level
// (root first, as logged) and the node operation that caused the split
// (ErrLGRIRedoSplit, BTIPerformSplit). Each page is changed only when its
// own dbtime test asks for it; every changed page ends at dbtime. When the
// new page must be rebuilt from lines of a split page that is already
// newer, the level's logged pre-image (SplitLevel.PreImage, rehydrated)
// stands in for the split page, in memory only; without one the error
// wraps ese.ErrDatabaseBufferDependenciesCorrupted (an Xpress-compressed
// pre-image gives ErrRedoNotImplemented).
func RedoSplit(s PageAccess, levels []SplitLevel, op SplitOperation, dbtime uint64, mayContainFutureData bool) (RedoResult, error) {
	var res RedoResult
	if len(levels) == 0 {
		return res, nil
	}
	paths := make([]*splitPath, len(levels))
	for i, lv := range levels {
		paths[i] = &splitPath{lv: lv, before: lv.DBTimeBefore}
	}
	for i := 0; i+1 < len(paths); i++ {
		paths[i].before = paths[i+1].lv.DBTimeParentBefore
	}
	leaf := len(paths) - 1
	for i, sp := range paths {
		lv := sp.lv
		p, err := s.Get(lv.Pgno)
		if err != nil {
			return res, err
		}
		sp.page = p
		if sp.update, err = NeedRedo(p, lv.Pgno, dbtime, sp.before, mayContainFutureData); err != nil {
			return res, err
		}
		if lv.PgnoNew == 0 {
			continue
		}
		if lv.CLines < 0 || lv.ILineSplit < 0 || lv.ILineSplit > lv.CLines || lv.ILineOper < 0 || lv.ILineOper > lv.CLines {
			return res, ese.NewFormatError("Split record", -1, ese.ErrLogCorrupted, "lines: oper %d split %d of %d", lv.ILineOper, lv.ILineSplit, lv.CLines)
		}
		np, err := s.GetNew(lv.PgnoNew)
		if err != nil {
			return res, err
		}
		sp.newPage = np
		sp.updateNew = NeedNewPage(np, dbtime, mayContainFutureData)
		if sp.updateNew && !sp.update && PreImageRequired(lv) && len(lv.PreImage) > 0 {
			// The split page is already newer: its logged pre-image
			// stands in for it (ErrReplacePageImage).
			pp, err := preImagePage(p, lv.PreImage, lv.PreImageFlags, lv.DBTimeBefore)
			if err != nil {
				return res, fmt.Errorf("recovery: split of page %d: %w", lv.Pgno, err)
			}
			sp.page, sp.update, sp.scratch = pp, true, true
		}
		if sp.updateNew && !sp.update && PreImageRequired(lv) {
			if lv.HasPreImage {
				return res, fmt.Errorf("%w: split of page %d needs its logged pre-image", ErrRedoNotImplemented, lv.Pgno)
			}
			return res, fmt.Errorf("recovery: split of page %d: new page %d needs lines of a page that is already newer: %w", lv.Pgno, lv.PgnoNew, ese.ErrDatabaseBufferDependenciesCorrupted)
		}
		if sp.updateNew {
			np.FormatPreInit(lv.PgnoNew, lv.Objid, dbtime-1)
			np.ConsumePreInit(lv.NewPageFlags)
		}
		if lv.PgnoRight != 0 {
			rp, err := s.Get(lv.PgnoRight)
			if err != nil {
				return res, err
			}
			sp.right = rp
			if sp.updateRight, err = NeedRedo(rp, lv.PgnoRight, dbtime, lv.DBTimeRightBefore, mayContainFutureData); err != nil {
				return res, err
			}
		}
		// The operation at this level: the logged node operation at the
		// leaf, the separator of the level below elsewhere.
		var opLine lineInfo
		oper := lv.Oper
		if i == leaf {
			opLine = lineInfo{key: op.Key, data: op.Data}
		} else {
			child := paths[i+1].lv
			opLine = lineInfo{key: child.KeyParent, data: binary.LittleEndian.AppendUint32(nil, child.Pgno)}
		}
		if sp.update || sp.updateNew {
			if err := sp.buildLineInfo(opLine, oper); err != nil {
				return res, err
			}
		}
	}
	// Perform the split from the root down (BTIPerformSplit).
	for i, sp := range paths {
		lv := sp.lv
		if lv.PgnoNew == 0 {
			if i+1 < len(paths) {
				if err := insertSeparator(sp, paths[i+1].lv); err != nil {
					return res, err
				}
			}
			continue
		}
		var opLine *lineInfo
		if lv.Oper != eselog.SplitOperNone && sp.hasLineInfos && lv.ILineOper < len(sp.lines) {
			opLine = &sp.lines[lv.ILineOper]
		}
		versioned := i == leaf && op.Versioned
		if err := sp.moveNodes(opLine, versioned); err != nil {
			return res, err
		}
		switch {
		case lv.Type == eselog.SplitVertical:
			if sp.update {
				f := lv.SplitPageFlags | sp.page.Flags()&ese.PageFDPDelete
				sp.page.SetFlags(f)
				if err := sp.page.InsertNode(sp.page.Lines(), Node{Data: binary.LittleEndian.AppendUint32(nil, lv.PgnoNew)}); err != nil {
					return res, err
				}
			}
			if i+1 < len(paths) && paths[i+1].lv.PgnoNew != 0 {
				if err := insertPgnoNew(sp, paths[i+1].lv.PgnoNew); err != nil {
					return res, err
				}
			}
		case lv.NewPageFlags&ese.PageLeaf != 0:
			if sp.updateNew {
				sp.newPage.SetSiblings(lv.Pgno, sp.newPage.NextPage())
			}
			if sp.update {
				sp.page.SetSiblings(sp.page.PrevPage(), lv.PgnoNew)
			}
			if lv.PgnoRight != 0 {
				if sp.updateRight {
					sp.right.SetSiblings(lv.PgnoNew, sp.right.NextPage())
				}
				if sp.updateNew {
					sp.newPage.SetSiblings(sp.newPage.PrevPage(), lv.PgnoRight)
				}
			}
		default:
			if i+1 < len(paths) {
				if err := insertPgnoNew(sp, paths[i+1].lv.PgnoNew); err != nil {
					return res, err
				}
			}
		}
	}
	// Stamp and collect every page that was redone (LGIRedoSplitUpdateDbtime).
	mark := func(pgno uint32, p *Page, upd bool) error { return res.mark(s, pgno, p, upd, dbtime) }
	for _, sp := range paths {
		if err := mark(sp.lv.Pgno, sp.page, sp.update && !sp.scratch); err != nil {
			return res, err
		}
		if err := mark(sp.lv.PgnoNew, sp.newPage, sp.updateNew); err != nil {
			return res, err
		}
		if err := mark(sp.lv.PgnoRight, sp.right, sp.updateRight); err != nil {
			return res, err
		}
	}
	return res, nil
}

// PreImageRequired follows FBTISplitPageBeforeImageRequired: lines move
// from the split page to the new page (anything but an append split, or a
// right split that moves only the inserted node).
func PreImageRequired(lv SplitLevel) bool {
	switch lv.Type {
	case eselog.SplitAppend:
		return false
	case eselog.SplitRight:
		return !(lv.Oper == eselog.SplitOperInsert && lv.ILineSplit == lv.ILineOper && lv.ILineSplit == lv.CLines-1)
	}
	return true
}

// buildLineInfo reconstructs the lines of the split page after the
// operation, with their prefix counts on their future pages
// (ErrLGIRedoSplitLineinfo).
func (sp *splitPath) buildLineInfo(opLine lineInfo, oper int) error {
	lv := sp.lv
	sp.lines = make([]lineInfo, lv.CLines)
	sp.hasLineInfos = true
	if !sp.update {
		if lv.ILineOper < len(sp.lines) {
			sp.lines[lv.ILineOper] = opLine
			if lv.ILinePrefixNew != iLineInvalid {
				sp.lines[lv.ILineOper].cbPrefix = len(opLine.key)
			}
		}
		return nil
	}
	prefix := lv.PrefixSplitOld
	if len(prefix) == 0 {
		var err error
		if prefix, err = sp.page.KeyPrefix(); err != nil {
			return err
		}
	}
	have, err := linesOf(sp.page, prefix)
	if err != nil {
		return err
	}
	from := 0
	for to := 0; to < lv.CLines; to++ {
		if to == lv.ILineOper && oper == eselog.SplitOperInsert {
			sp.lines[to] = opLine
			continue
		}
		if from >= len(have) {
			return sp.page.corrupt("split of %d lines, the page has %d", lv.CLines, len(have))
		}
		li := have[from]
		if to == lv.ILineOper && oper != eselog.SplitOperNone {
			li.data = opLine.data
		}
		sp.lines[to] = li
		from++
	}
	if lv.ILinePrefixSplit != iLineInvalid {
		for i := 0; i < lv.ILineSplit; i++ {
			if c := commonPrefix(lv.PrefixSplitNew, sp.lines[i].key); c > cbPrefixOverhead {
				sp.lines[i].cbPrefix = c
			}
		}
	}
	if sp.updateNew && lv.ILinePrefixNew != iLineInvalid {
		ip := lv.ILineSplit + lv.ILinePrefixNew
		if ip < 0 || ip >= len(sp.lines) {
			return ese.NewFormatError("Split record", -1, ese.ErrLogCorrupted, "new-page prefix line %d out of range", ip)
		}
		pk := sp.lines[ip].key
		for i := lv.ILineSplit; i < lv.CLines; i++ {
			if c := commonPrefix(pk, sp.lines[i].key); c > cbPrefixOverhead {
				sp.lines[i].cbPrefix = c
			}
		}
	}
	return nil
}

// moveNodes moves the lines from ILineSplit on to the new page and applies
// the operation where it lands (BTISplitMoveNodes).
func (sp *splitPath) moveNodes(opLine *lineInfo, versioned bool) error {
	lv := sp.lv
	src, dst := sp.page, sp.newPage
	insertOne := 0
	if lv.Oper == eselog.SplitOperInsert {
		insertOne = 1
	}
	leafNew := lv.NewPageFlags&ese.PageLeaf != 0
	verFlag := func(p *Page, iline int) error {
		if !versioned || !leafNew {
			return nil
		}
		f, err := p.LineFlags(iline)
		if err != nil {
			return err
		}
		return p.SetLineFlags(iline, f|NodeVersioned)
	}
	line := func(i int) lineInfo {
		if i < len(sp.lines) {
			return sp.lines[i]
		}
		return lineInfo{}
	}
	dstLine := 0
	bulkCopy := func(start, n int) error {
		if !sp.updateNew {
			return nil
		}
		for i := start; i < start+n; i++ {
			li := line(i)
			if err := insertWithPrefix(dst, dstLine, li, li.cbPrefix); err != nil {
				return err
			}
			dstLine++
		}
		return nil
	}
	bulkDelete := func(from, n int) error {
		if !sp.update {
			return nil
		}
		for i := from + n - 1; i >= from; i-- {
			if err := src.DeleteLine(i); err != nil {
				return err
			}
		}
		return nil
	}
	if sp.updateNew && lv.ILinePrefixNew != iLineInvalid {
		if err := setPrefix(dst, line(lv.ILinePrefixNew+lv.ILineSplit).key); err != nil {
			return err
		}
	}
	if lv.Oper != eselog.SplitOperNone && lv.ILineOper >= lv.ILineSplit {
		if err := bulkCopy(lv.ILineSplit, lv.ILineOper-lv.ILineSplit); err != nil {
			return err
		}
		if sp.updateNew && opLine != nil {
			li := *opLine
			switch lv.Oper {
			case eselog.SplitOperInsert:
				li.flags = 0
			case eselog.SplitOperFlagInsertAndReplaceData:
				li.flags &^= NodeDeleted
			}
			if err := insertWithPrefix(dst, dstLine, li, li.cbPrefix); err != nil {
				return err
			}
			if err := verFlag(dst, dstLine); err != nil {
				return err
			}
		}
		dstLine++
		if err := bulkCopy(lv.ILineOper+1, lv.CLines-lv.ILineOper-1); err != nil {
			return err
		}
		if err := bulkDelete(lv.ILineSplit, lv.CLines-lv.ILineSplit-insertOne); err != nil {
			return err
		}
		if lv.Type != eselog.SplitAppend {
			if err := sp.setPrefixInSrc(); err != nil {
				return err
			}
		}
	} else {
		if err := bulkCopy(lv.ILineSplit, lv.CLines-lv.ILineSplit); err != nil {
			return err
		}
		if err := bulkDelete(lv.ILineSplit-insertOne, lv.CLines-lv.ILineSplit); err != nil {
			return err
		}
		if err := sp.setPrefixInSrc(); err != nil {
			return err
		}
		if sp.update && lv.Oper != eselog.SplitOperNone && opLine != nil {
			li := *opLine
			if lv.Oper != eselog.SplitOperInsert {
				if err := src.DeleteLine(lv.ILineOper); err != nil {
					return err
				}
			}
			li.flags = 0
			if err := insertWithPrefix(src, lv.ILineOper, li, li.cbPrefix); err != nil {
				return err
			}
			if err := verFlag(src, lv.ILineOper); err != nil {
				return err
			}
		}
	}
	if leafNew {
		if sp.updateNew {
			if err := dst.setUncommittedFree(lv.CbUncFreeDest); err != nil {
				return err
			}
		}
		if sp.update {
			if err := src.setUncommittedFree(lv.CbUncFreeSrc); err != nil {
				return err
			}
		}
	}
	return nil
}

// setPrefixInSrc gives the lines left on the split page their new prefix
// counts and the page its new prefix (BTISplitSetPrefixInSrcPage).
func (sp *splitPath) setPrefixInSrc() error {
	if !sp.update {
		return nil
	}
	lv, p := sp.lv, sp.page
	oldPrefix := lv.PrefixSplitOld
	if len(oldPrefix) == 0 {
		var err error
		if oldPrefix, err = p.KeyPrefix(); err != nil {
			return err
		}
	}
	cur, err := linesOf(p, oldPrefix)
	if err != nil {
		return err
	}
	if len(lv.PrefixSplitOld) > 0 {
		if err := setPrefix(p, nil); err != nil {
			return err
		}
	}
	infoOf := func(iline int) lineInfo {
		i := iline
		if lv.Oper == eselog.SplitOperInsert && iline >= lv.ILineOper {
			i++
		}
		if i < len(sp.lines) {
			return sp.lines[i]
		}
		return lineInfo{}
	}
	// Grow first, then shrink, as the engine does (growing frees space).
	for pass := 0; pass < 2; pass++ {
		for i := range cur {
			n, err := p.Node(i)
			if err != nil {
				return err
			}
			want := infoOf(i).cbPrefix
			if (pass == 0 && want > n.PrefixLen) || (pass == 1 && want < n.PrefixLen) {
				li := cur[i]
				if want > len(li.key) {
					return p.corrupt("prefix count %d longer than the key of line %d", want, i)
				}
				flags := n.Flags &^ NodeCompressed
				parts, f := nodeParts(want, li.key[want:], li.data, flags)
				it, err := p.lineTag(i)
				if err != nil {
					return err
				}
				if err := p.replaceTag(it, parts, f); err != nil {
					return err
				}
			}
		}
	}
	return setPrefix(p, lv.PrefixSplitNew)
}

func (p *Page) setUncommittedFree(n int) error {
	if n < 0 || n > p.FreeBytes() {
		return p.corrupt("uncommitted free bytes %d outside 0..%d", n, p.FreeBytes())
	}
	p.b[pgUncFree] = byte(n)
	p.b[pgUncFree+1] = byte(n >> 8)
	return nil
}

// insertSeparator inserts the separator of the split below into an
// ancestor that does not split itself, and points the next line at the
// new page (BTIInsertPgnoNewAndSetPgnoSplit).
func insertSeparator(sp *splitPath, child SplitLevel) error {
	if !sp.update {
		return nil
	}
	p := sp.page
	prefix, err := p.KeyPrefix()
	if err != nil {
		return err
	}
	lines, err := linesOf(p, prefix)
	if err != nil {
		return err
	}
	// Seek: the first line whose key is greater than the separator; the
	// last line of an internal page has an empty key that stands above
	// every key. That line must be the one pointing at the split page.
	pos := 0
	for pos < len(lines) && len(lines[pos].key) > 0 && bytes.Compare(lines[pos].key, child.KeyParent) <= 0 {
		pos++
	}
	if pos >= len(lines) || len(lines[pos].data) < 4 || binary.LittleEndian.Uint32(lines[pos].data) != child.Pgno {
		return p.corrupt("no line of parent page %d points at split page %d where separator belongs (line %d)", child.PgnoParent, child.Pgno, pos)
	}
	cb := commonPrefix(prefix, child.KeyParent)
	if cb <= cbPrefixOverhead {
		cb = 0
	}
	sep := lineInfo{key: child.KeyParent, data: binary.LittleEndian.AppendUint32(nil, child.Pgno)}
	if err := insertWithPrefix(p, pos, sep, cb); err != nil {
		return err
	}
	if pos+1 >= p.Lines() {
		return p.corrupt("no line after the separator at %d", pos)
	}
	return replaceLineData(p, pos+1, binary.LittleEndian.AppendUint32(nil, child.PgnoNew))
}

// insertPgnoNew points the line after the operation at the new page of
// the level below (BTIInsertPgnoNew).
func insertPgnoNew(sp *splitPath, pgnoNew uint32) error {
	lv := sp.lv
	var p *Page
	var iline int
	var upd bool
	if lv.ILineOper+1 >= lv.ILineSplit {
		p, iline, upd = sp.newPage, lv.ILineOper+1-lv.ILineSplit, sp.updateNew
	} else {
		p, iline, upd = sp.page, lv.ILineOper+1, sp.update
	}
	if !upd {
		return nil
	}
	return replaceLineData(p, iline, binary.LittleEndian.AppendUint32(nil, pgnoNew))
}

// replaceLineData replaces a node's data keeping its key and flags
// (NDReplace).
func replaceLineData(p *Page, iline int, data []byte) error {
	f, err := p.LineFlags(iline)
	if err != nil {
		return err
	}
	return p.ReplaceNodeData(iline, data, f)
}
