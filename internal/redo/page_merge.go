package redo

import (
	"encoding/binary"
	"fmt"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
)

// MergeLevel holds one Merge/Merge2 record: one level of a merge path,
// root level first as logged. Only the last (leaf) level's merge type,
// siblings and line counts are used for moving nodes; the other levels
// adjust their page pointers (docs/log-records.md#split-and-merge). Each field carries the
// eselog.Merge field of the same name (Flags and Type are MergeFlags and
// MergeType, ILine the record's iline, KeyParentSep its payload),
// documented there with its offset in the record.
type MergeLevel struct {
	Pgno               uint32
	DBTimeBefore       uint64
	PgnoRight          uint32
	DBTimeRightBefore  uint64
	PgnoLeft           uint32
	DBTimeLeftBefore   uint64
	DBTimeParentBefore uint64
	ILine              int
	Flags              int
	Type               int
	ILineMerge         int
	CbSizeTotal        int
	CbSizeMaxTotal     int
	CbUncFreeDest      int
	KeyParentSep       []byte
	HasPreImage        bool
	// PreImage and PreImageFlags are the merged page's logged pre-image
	// (Merge2) and its PreImage* flags; HasPreImage is set with it.
	PreImage      []byte
	PreImageFlags uint32
}

type mergePath struct {
	lv     MergeLevel
	page   *Page
	update bool
	before uint64
	// scratch marks a page loaded from the record's pre-image: redone in
	// memory only, never written.
	scratch bool
}

// RedoMerge redoes a merge macro (ErrLGRIRedoMerge, BTIPerformMerge): at
// the leaf, the page's live nodes move to its right or left sibling (full
// and partial merges; flag-deleted nodes are dropped, as no version can
// still need them after a crash), siblings are relinked and an emptied
// page is marked Empty; at the levels above, the page pointer to the
// merged page is deleted or re-keyed. Every page is changed only when its
// own dbtime test asks for it and ends at dbtime.
//
// The engine logs only these five merge types in a Merge record (ErrLGMerge
// asserts the type is neither none nor page move). The other two values of
// its MERGETYPE enum never reach a Merge record: a tree emptied by a merge
// (mergetypeEmptyTree, 4: a leaf root's last page) is logged by
// ErrBTIMergeEmptyTree as an EmptyTree record (48), and a page move
// (mergetypePageMove, 7) as a PageMove record (65); both are redone through
// their own records (redoEmptyTree, RedoPageMove). A leaf level carrying
// type 4, 7 or any other value is therefore ese.ErrLogCorrupted, and no
// page is changed: the engine's redo has no branch for it
// (ErrLGIRedoMergeStructures picks no destination page, and
// BTIPerformOneMerge would move nodes nowhere).
func RedoMerge(s PageAccess, levels []MergeLevel, dbtime uint64, mayContainFutureData bool) (RedoResult, error) {
	var res RedoResult
	if len(levels) == 0 {
		return res, nil
	}
	leaf := levels[len(levels)-1]
	switch leaf.Type {
	case eselog.MergeTypeEmptyPage, eselog.MergeTypeFullRight, eselog.MergeTypePartialRight, eselog.MergeTypeFullLeft, eselog.MergeTypePartialLeft:
	case eselog.MergeTypeEmptyTree:
		return res, ese.NewFormatError("Merge record", -1, ese.ErrLogCorrupted,
			"merge of page %d has type %d (empty tree), which the engine logs as an EmptyTree record, never as a Merge", leaf.Pgno, leaf.Type)
	case eselog.MergeTypePageMove:
		return res, ese.NewFormatError("Merge record", -1, ese.ErrLogCorrupted,
			"merge of page %d has type %d (page move), which the engine logs as a PageMove record, never as a Merge", leaf.Pgno, leaf.Type)
	default:
		return res, ese.NewFormatError("Merge record", -1, ese.ErrLogCorrupted, "merge of page %d has type %d, not a merge type", leaf.Pgno, leaf.Type)
	}
	paths := make([]*mergePath, len(levels))
	for i, lv := range levels {
		paths[i] = &mergePath{lv: lv, before: lv.DBTimeBefore}
	}
	for i := 0; i+1 < len(paths); i++ {
		paths[i].before = paths[i+1].lv.DBTimeParentBefore
	}
	for _, mp := range paths {
		p, err := s.Get(mp.lv.Pgno)
		if err != nil {
			return res, err
		}
		mp.page = p
		if mp.update, err = NeedRedo(p, mp.lv.Pgno, dbtime, mp.before, mayContainFutureData); err != nil {
			return res, err
		}
	}
	var left, right *Page
	var updLeft, updRight bool
	if leaf.PgnoLeft != 0 {
		p, err := s.Get(leaf.PgnoLeft)
		if err != nil {
			return res, err
		}
		left = p
		if updLeft, err = NeedRedo(p, leaf.PgnoLeft, dbtime, leaf.DBTimeLeftBefore, mayContainFutureData); err != nil {
			return res, err
		}
	}
	if leaf.PgnoRight != 0 {
		p, err := s.Get(leaf.PgnoRight)
		if err != nil {
			return res, err
		}
		right = p
		if updRight, err = NeedRedo(p, leaf.PgnoRight, dbtime, leaf.DBTimeRightBefore, mayContainFutureData); err != nil {
			return res, err
		}
	}
	src := paths[len(paths)-1]
	rightMerge := leaf.Type != eselog.MergeTypeFullLeft && leaf.Type != eselog.MergeTypePartialLeft
	var dest *Page
	var updDest bool
	switch leaf.Type {
	case eselog.MergeTypeFullRight, eselog.MergeTypePartialRight:
		dest, updDest = right, updRight
	case eselog.MergeTypeFullLeft, eselog.MergeTypePartialLeft:
		dest, updDest = left, updLeft
	}
	if leaf.Type != eselog.MergeTypeEmptyPage && dest == nil {
		return res, ese.NewFormatError("Merge record", -1, ese.ErrLogCorrupted, "merge type %d without the sibling it merges into", leaf.Type)
	}
	if updDest && !src.update && len(leaf.PreImage) > 0 {
		// The merged page is already newer: its logged pre-image stands
		// in for it (ErrLGRIRedoInitializeMerge, ErrReplacePageImage).
		pp, err := preImagePage(src.page, leaf.PreImage, leaf.PreImageFlags, leaf.DBTimeBefore)
		if err != nil {
			return res, fmt.Errorf("recovery: merge of page %d: %w", leaf.Pgno, err)
		}
		src.page, src.update, src.scratch = pp, true, true
	}
	if updDest && !src.update {
		if leaf.HasPreImage {
			return res, fmt.Errorf("%w: merge of page %d needs its logged pre-image", ErrRedoNotImplemented, leaf.Pgno)
		}
		return res, fmt.Errorf("recovery: merge of page %d: sibling needs lines of a page that is already newer: %w", leaf.Pgno, ese.ErrDatabaseBufferDependenciesCorrupted)
	}
	// Lines of the merged page, with prefix counts on the destination.
	var lines []lineInfo
	if src.update {
		prefix, err := src.page.KeyPrefix()
		if err != nil {
			return res, err
		}
		if lines, err = linesOf(src.page, prefix); err != nil {
			return res, err
		}
		if updDest {
			dp, err := dest.KeyPrefix()
			if err != nil {
				return res, err
			}
			for i := range lines {
				if c := commonPrefix(lines[i].key, dp); c > cbPrefixOverhead {
					lines[i].cbPrefix = c
				}
			}
		}
	}
	for i, mp := range paths {
		if i == len(paths)-1 {
			if leaf.Type != eselog.MergeTypeEmptyPage && updDest {
				if err := mergeMoveNodes(dest, lines, leaf, rightMerge); err != nil {
					return res, err
				}
			}
			if src.update {
				for il := src.page.Lines() - 1; il >= 0; il-- {
					if (leaf.Type == eselog.MergeTypePartialRight && il >= leaf.ILineMerge) || (leaf.Type == eselog.MergeTypePartialLeft && il <= leaf.ILineMerge) {
						if err := src.page.DeleteLine(il); err != nil {
							return res, err
						}
					}
				}
			}
			if leaf.Type != eselog.MergeTypePartialRight && leaf.Type != eselog.MergeTypePartialLeft {
				if left != nil && updLeft {
					left.SetSiblings(left.PrevPage(), leaf.PgnoRight)
				}
				if right != nil && updRight {
					right.SetSiblings(leaf.PgnoLeft, right.NextPage())
				}
			}
		} else if mp.update {
			if err := mergeParentLevel(mp, paths[i+1].lv.Pgno, leaf); err != nil {
				return res, err
			}
		}
		if mp.lv.Flags&eselog.MergeEmptyPage != 0 && mp.update {
			if err := EmptyPage(mp.page); err != nil {
				return res, err
			}
		}
	}
	mark := func(pgno uint32, p *Page, upd bool) error { return res.mark(s, pgno, p, upd, dbtime) }
	for _, mp := range paths {
		if err := mark(mp.lv.Pgno, mp.page, mp.update && !mp.scratch); err != nil {
			return res, err
		}
	}
	if err := mark(leaf.PgnoLeft, left, updLeft); err != nil {
		return res, err
	}
	if err := mark(leaf.PgnoRight, right, updRight); err != nil {
		return res, err
	}
	return res, nil
}

// mergeMoveNodes inserts the merged page's live lines into the
// destination, last line first, at the start of a right sibling or the
// end of a left one (BTIMergeMoveNodes), then sets the destination's
// uncommitted free space as logged.
func mergeMoveNodes(dest *Page, lines []lineInfo, lv MergeLevel, rightMerge bool) error {
	lo, hi, at := 0, lv.ILineMerge+1, dest.Lines()
	if rightMerge {
		lo, hi, at = lv.ILineMerge, len(lines), 0
	}
	if lo < 0 || hi > len(lines) {
		return ese.NewFormatError("Merge record", -1, ese.ErrLogCorrupted, "merge line %d outside the %d lines of the page", lv.ILineMerge, len(lines))
	}
	if err := dest.setUncommittedFree(0); err != nil {
		return err
	}
	for i := hi - 1; i >= lo; i-- {
		if lines[i].flags&NodeDeleted != 0 {
			continue
		}
		if err := insertWithPrefix(dest, at, lines[i], lines[i].cbPrefix); err != nil {
			return err
		}
	}
	return dest.setUncommittedFree(lv.CbUncFreeDest)
}

// mergeParentLevel adjusts a page above the merged one (the branch of
// BTIPerformOneMerge for internal levels).
func mergeParentLevel(mp *mergePath, pgnoChild uint32, leaf MergeLevel) error {
	p, lv := mp.page, mp.lv
	del, keyChange := lv.Flags&eselog.MergeDeleteNode != 0, lv.Flags&eselog.MergeKeyChange != 0
	switch {
	case leaf.Type == eselog.MergeTypeFullLeft && del && keyChange:
		// The pointer at ILine (to the merged page) now points at the left
		// sibling, and the left sibling's old pointer goes.
		if err := checkPointer(p, lv.ILine, pgnoChild); err != nil {
			return err
		}
		if err := replaceLineData(p, lv.ILine, binary.LittleEndian.AppendUint32(nil, leaf.PgnoLeft)); err != nil {
			return err
		}
		return p.DeleteLine(lv.ILine - 1)
	case del:
		n, err := p.Node(lv.ILine)
		if err != nil {
			return err
		}
		nullKey := len(n.Suffix) == 0 && n.PrefixLen == 0
		if err := p.DeleteLine(lv.ILine); err != nil {
			return err
		}
		if nullKey {
			// The last pointer of a level carries no key: the new last one
			// loses its key.
			return changePointerKey(p, lv.ILine-1, nil)
		}
		return nil
	case keyChange:
		il := lv.ILine
		if leaf.Type == eselog.MergeTypePartialLeft {
			il--
		}
		return changePointerKey(p, il, leaf.KeyParentSep)
	}
	return nil
}

func checkPointer(p *Page, iline int, pgno uint32) error {
	n, err := p.Node(iline)
	if err != nil {
		return err
	}
	if len(n.Data) != 4 || binary.LittleEndian.Uint32(n.Data) != pgno {
		return p.corrupt("line %d does not point at page %d", iline, pgno)
	}
	return nil
}

// changePointerKey re-keys a page pointer: the line is deleted and
// reinserted with the new key, compressed against the page prefix when
// that saves bytes (BTIChangeKeyOfPagePointer).
func changePointerKey(p *Page, iline int, key []byte) error {
	n, err := p.Node(iline)
	if err != nil {
		return err
	}
	data := append([]byte{}, n.Data...)
	if err := p.DeleteLine(iline); err != nil {
		return err
	}
	prefix, err := p.KeyPrefix()
	if err != nil {
		return err
	}
	cb := commonPrefix(prefix, key)
	if cb <= cbPrefixOverhead {
		cb = 0
	}
	return insertWithPrefix(p, iline, lineInfo{key: key, data: data}, cb)
}
