package redo

import (
	"fmt"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
)

// RedoOptions tunes RedoRecord.
type RedoOptions struct {
	// MayContainFutureData is the engine's "database may contain data from
	// future logs" state (docs/recovery.md#redo-gates, gates 4-5), true while the
	// generation replayed is at most the header's lGenMaxRequired. When
	// set, pages already at or past a record are skipped (new pages
	// included); when clear, such a page is an error wrapping
	// ese.ErrDBTimeBeyondMaxRequired and new pages are always rebuilt.
	MayContainFutureData bool
}

// RedoResult says what RedoRecord did.
type RedoResult struct {
	// Pages are the pages changed, in the order they were changed.
	Pages []uint32
	// Skipped are the pages the record touches that were already newer.
	Skipped []uint32
}

// ErrRedoNotImplemented is wrapped by RedoRecord's error for a
// page-touching record type this package cannot redo yet.
var ErrRedoNotImplemented = fmt.Errorf("recovery: redo of this record type is not implemented")

func redoOpOf(h *eselog.NodeHeader, opt RedoOptions) RedoOp {
	return RedoOp{Pgno: h.Pgno(), DBTime: h.DBTime(), DBTimeBefore: h.DBTimeBefore(), ILine: h.ILine(),
		Versioned: h.IsVersioned(), MayContainFutureData: opt.MayContainFutureData}
}

// IsPageRedoRecord reports whether RedoRecord accepts r's type (for Split,
// Merge and PageMove only while no page needs them).
func IsPageRedoRecord(r eselog.Record) bool {
	switch r := r.(type) {
	case *eselog.Insert, *eselog.FlagInsert, *eselog.FlagInsertAndReplaceData, *eselog.Replace,
		*eselog.FlagDelete, *eselog.Delete, *eselog.Delta, *eselog.SetExternalHeader,
		*eselog.NewPage, *eselog.CreateSingleExtentFDP, *eselog.CreateMultipleExtentFDP, *eselog.ExtendDB,
		*eselog.UndoInfo, *eselog.EmptyTree, *eselog.Split, *eselog.Merge, *eselog.PageMove, *eselog.Scrub:
		return true
	case *eselog.ConvertFDP:
		return r.Type() == eselog.RecConvertFDP2
	}
	return false
}

// RedoRecord redoes one page-touching log record against the pages of s:
// the node operations (Insert, FlagInsert, FlagInsertAndReplaceData,
// Replace, ReplaceD, FlagDelete, Delete, Delta, Delta64,
// SetExternalHeader, Scrub), NewPage, CreateSingleExtentFDP,
// CreateMultipleExtentFDP, ConvertFDP2, EmptyTree and ExtendDB; UndoInfo
// is accepted and changes nothing; PageMove is redone with RedoPageMove.
// Split and Merge belong in macros (RedoMacro); given alone they are only
// checked against every page they name and skipped when all are already
// newer (otherwise ErrRedoNotImplemented). Records inside a macro must go
// through RedoMacro. It applies only the page dbtime
// gates; the session, macro and database gates of docs/recovery.md#redo-gates are
// the caller's. Changed pages are marked dirty in s. Other page-touching
// types give an error wrapping ErrRedoNotImplemented; records that touch no
// page give an empty result.
func RedoRecord(s *PageStore, r eselog.Record, opt RedoOptions) (RedoResult, error) {
	var res RedoResult
	err := RedoRecordInto(s, r, opt, &res)
	return res, err
}

// RedoRecordInto is RedoRecord appending to res's slices, so that replay
// reuses them from record to record.
func RedoRecordInto(s *PageStore, r eselog.Record, opt RedoOptions, res *RedoResult) error {
	node := func(h *eselog.NodeHeader, apply func(p *Page, op RedoOp) (bool, error)) error {
		p, err := s.Get(h.Pgno())
		if err != nil {
			return err
		}
		if p.Uninitialized() {
			// The page-read gate (docs/recovery.md#redo-gates, gate 5).
			return fmt.Errorf("recovery: page %d was never written: %w", h.Pgno(), ese.ErrPageNotInitialized)
		}
		ok, err := apply(p, redoOpOf(h, opt))
		if err != nil {
			return err
		}
		if !ok {
			res.Skipped = append(res.Skipped, h.Pgno())
			return nil
		}
		res.Pages = append(res.Pages, h.Pgno())
		return s.MarkDirty(h.Pgno(), p)
	}
	newPage := func(pgno uint32, dbtime uint64, build func(p *Page) error) error {
		p, err := s.GetNew(pgno)
		if err != nil {
			return err
		}
		if !NeedNewPage(p, dbtime, opt.MayContainFutureData) {
			res.Skipped = append(res.Skipped, pgno)
			return nil
		}
		if err := build(p); err != nil {
			return err
		}
		res.Pages = append(res.Pages, pgno)
		return s.MarkDirty(pgno, p)
	}
	var err error
	switch r := r.(type) {
	case *eselog.Insert:
		err = node(&r.NodeHeader, func(p *Page, op RedoOp) (bool, error) {
			return RedoInsert(p, op, len(r.KeyPrefix), r.KeySuffix, r.Data)
		})
	case *eselog.FlagInsert:
		err = node(&r.NodeHeader, RedoFlagInsert)
	case *eselog.FlagInsertAndReplaceData:
		err = node(&r.NodeHeader, func(p *Page, op RedoOp) (bool, error) {
			return RedoFlagInsertAndReplaceData(p, op, r.Data)
		})
	case *eselog.Replace:
		err = node(&r.NodeHeader, func(p *Page, op RedoOp) (bool, error) {
			if r.IsDiff() {
				return redoReplaceD(p, op, r)
			}
			if len(r.Payload) != int(r.CbNewData) {
				return false, ese.NewFormatError("Replace record", -1, ese.ErrLogCorrupted, "payload of %d bytes, cbNewData %d", len(r.Payload), r.CbNewData)
			}
			return RedoReplace(p, op, r.Payload)
		})
	case *eselog.FlagDelete:
		err = node(&r.NodeHeader, RedoFlagDelete)
	case *eselog.Delete:
		err = node(&r.NodeHeader, RedoDelete)
	case *eselog.Delta:
		err = node(&r.NodeHeader, func(p *Page, op RedoOp) (bool, error) {
			if r.Is64() {
				return RedoDelta64(p, op, int(r.Offset), r.Delta)
			}
			return RedoDelta(p, op, int(r.Offset), int32(r.Delta))
		})
	case *eselog.SetExternalHeader:
		err = node(&r.NodeHeader, func(p *Page, op RedoOp) (bool, error) {
			return RedoSetExternalHeader(p, op, r.Data)
		})
	case *eselog.Scrub:
		err = node(&r.NodeHeader, func(p *Page, op RedoOp) (bool, error) {
			// cbData may hold padding after the cScrubOper operations.
			if int(r.ScrubOpers) > len(r.Data) {
				return false, ese.NewFormatError("Scrub record", -1, ese.ErrLogCorrupted, "%d scrub operations in %d bytes", r.ScrubOpers, len(r.Data))
			}
			return RedoScrub(p, op, r.ScrubFlags&eselog.ScrubUnusedPage != 0, r.Data[:r.ScrubOpers])
		})
	case *eselog.NewPage:
		err = newPage(r.PageNumber, r.After, func(p *Page) error {
			RedoNewPage(p, r.PageNumber, r.Objid, r.After)
			return nil
		})
	case *eselog.CreateSingleExtentFDP:
		fp := FDPParams{PgnoFDP: r.Pgno(), Objid: r.ObjidFDP, DBTime: r.DBTime(), PgnoParent: r.PgnoFDPParent,
			CpgPrimary: uint32(r.CpgPrimary), Unique: r.IsUnique(), PageFlags: ese.PageFlags(r.PageFlags)}
		err = newPage(fp.PgnoFDP, fp.DBTime, func(p *Page) error { return RedoCreateSingleExtentFDP(p, fp) })
	case *eselog.CreateMultipleExtentFDP:
		fp := FDPParams{PgnoFDP: r.Pgno(), Objid: r.ObjidFDP, DBTime: r.DBTime(), PgnoParent: r.PgnoFDPParent,
			CpgPrimary: uint32(r.CpgPrimary), Unique: r.IsUnique(), PageFlags: ese.PageFlags(r.PageFlags),
			PgnoOE: r.PgnoOE, PgnoAE: r.PgnoAE}
		err = newPage(fp.PgnoFDP, fp.DBTime, func(p *Page) error { return RedoCreateMultipleExtentFDPRoot(p, fp) })
		if err == nil {
			err = newPage(fp.PgnoOE, fp.DBTime, func(p *Page) error { return RedoCreateSpaceTreeRoot(p, fp, false) })
		}
		if err == nil {
			err = newPage(fp.PgnoAE, fp.DBTime, func(p *Page) error { return RedoCreateSpaceTreeRoot(p, fp, true) })
		}
	case *eselog.ConvertFDP:
		err = redoConvert(s, r, opt, res)
	case *eselog.ExtendDB:
		err = s.Extend(r.PgnoLast)
	case *eselog.EmptyTree:
		err = redoEmptyTree(s, r, opt, res)
	case *eselog.PageMove:
		*res, err = RedoPageMove(s, PageMoveParams{PgnoSource: r.Pgno(), PgnoDest: r.PgnoDest, PgnoLeft: r.PgnoLeft,
			PgnoRight: r.PgnoRight, PgnoParent: r.PgnoParent, DBTimeSourceBefore: r.DBTimeBefore(),
			DBTimeLeftBefore: r.DBTimeLeftBefore, DBTimeRightBefore: r.DBTimeRightBefore,
			DBTimeParentBefore: r.DBTimeParentBefore, Objid: r.ObjidFDP, ILineParent: int(r.ILineParent),
			MoveFlags: r.MoveFlags, Header: r.PageHeaderBytes, Trailer: r.PageTrailerBytes}, r.DBTime(), opt.MayContainFutureData)
	case *eselog.Split, *eselog.Merge:
		err = gateStructural(s, r, opt, res)
	case *eselog.RootPageMove:
		err = rootMoveCorrupt("RootPageMove outside a macro (its PageMove, SetExternalHeader and Replace records are redone together by RedoMacro)")
	case *eselog.UndoInfo:
		// Redo never changes a page for UndoInfo: it only feeds the
		// version store used by undo (docs/log-records.md#undoinfo).
	case eselog.PageRecord:
		err = fmt.Errorf("%w: %v at %v", ErrRedoNotImplemented, r.Type(), r.Pos())
	}
	if err != nil {
		return fmt.Errorf("recovery: redo %v at %v: %w", r.Type(), r.Pos(), err)
	}
	return nil
}

// redoConvert gates and applies a ConvertFDP2 record: the root under the
// dbtimeBefore test, the two space-tree roots under the new-page test.
func redoConvert(s *PageStore, r *eselog.ConvertFDP, opt RedoOptions, res *RedoResult) error {
	if r.Type() != eselog.RecConvertFDP2 {
		return fmt.Errorf("%w: the old ConvertFDP form carries no availability bitmap", ErrRedoNotImplemented)
	}
	cp := ConvertParams{PgnoFDP: r.Pgno(), Objid: r.ObjidFDP, DBTime: r.DBTime(), PgnoParent: r.PgnoFDPParent,
		PgnoOE: r.PgnoOE, PgnoAE: r.PgnoAE, PgnoSecondaryFirst: r.PgnoSecondaryFirst,
		CpgSecondary: uint32(r.CpgSecondary), CpgPrimary: uint32(r.CpgPrimary), AvailBitmap: r.AvailBitmap,
		Unique: r.IsUnique(), PageFlags: ese.PageFlags(r.CpageFlags)}
	root, err := s.Get(cp.PgnoFDP)
	if err != nil {
		return err
	}
	redoRoot, err := NeedRedo(root, cp.PgnoFDP, cp.DBTime, r.DBTimeBefore(), opt.MayContainFutureData)
	if err != nil {
		return err
	}
	pages := []*Page{nil, nil, nil}
	pgnos := []uint32{cp.PgnoFDP, cp.PgnoOE, cp.PgnoAE}
	if redoRoot {
		pages[0] = root
	}
	for i := 1; i < 3; i++ {
		p, err := s.GetNew(pgnos[i])
		if err != nil {
			return err
		}
		if NeedNewPage(p, cp.DBTime, opt.MayContainFutureData) {
			pages[i] = p
		}
	}
	if err := RedoConvertFDP(pages[0], pages[1], pages[2], cp); err != nil {
		return err
	}
	for i, p := range pages {
		if p == nil {
			res.Skipped = append(res.Skipped, pgnos[i])
			continue
		}
		res.Pages = append(res.Pages, pgnos[i])
		if err := s.MarkDirty(pgnos[i], p); err != nil {
			return err
		}
	}
	return nil
}

// redoEmptyTree empties each listed page under its own dbtime test, then
// turns the root into an empty leaf.
func redoEmptyTree(s *PageStore, r *eselog.EmptyTree, opt RedoOptions, res *RedoResult) error {
	for _, ep := range r.Pages {
		p, err := s.Get(ep.Pgno)
		if err != nil {
			return err
		}
		redo, err := NeedRedo(p, ep.Pgno, r.DBTime(), ep.Before, opt.MayContainFutureData)
		if err != nil {
			return err
		}
		if !redo {
			res.Skipped = append(res.Skipped, ep.Pgno)
			continue
		}
		if err := EmptyPage(p); err != nil {
			return err
		}
		stampRedone(p, r.DBTime())
		res.Pages = append(res.Pages, ep.Pgno)
		if err := s.MarkDirty(ep.Pgno, p); err != nil {
			return err
		}
	}
	p, err := s.Get(r.Pgno())
	if err != nil {
		return err
	}
	ok, err := RedoEmptyTreeRoot(p, redoOpOf(&r.NodeHeader, opt))
	if err != nil {
		return err
	}
	if !ok {
		res.Skipped = append(res.Skipped, r.Pgno())
		return nil
	}
	res.Pages = append(res.Pages, r.Pgno())
	return s.MarkDirty(r.Pgno(), p)
}

// gateStructural applies the dbtime tests of a Split, Merge or PageMove
// record to each page it names. When every page is already at or past the
// record (the normal case for a database that holds data from later logs)
// the record is skipped; when any page needs the change, the error wraps
// ErrRedoNotImplemented, since the B-tree split/merge algorithms are not
// ported yet.
func gateStructural(s *PageStore, r eselog.Record, opt RedoOptions, res *RedoResult) error {
	type chk struct {
		pgno   uint32
		before uint64
		isNew  bool
	}
	var pages []chk
	var after uint64
	switch r := r.(type) {
	case *eselog.Split:
		after = r.DBTime()
		pages = append(pages, chk{r.Pgno(), r.DBTimeBefore(), false})
		if r.PgnoNew != 0 {
			pages = append(pages, chk{r.PgnoNew, 0, true})
		}
		if r.PgnoRight != 0 {
			pages = append(pages, chk{r.PgnoRight, r.DBTimeRightBefore, false})
		}
		if r.PgnoParent != 0 {
			pages = append(pages, chk{r.PgnoParent, r.DBTimeParentBefore, false})
		}
	case *eselog.Merge:
		after = r.DBTime()
		pages = append(pages, chk{r.Pgno(), r.DBTimeBefore(), false})
		for _, c := range []chk{{r.PgnoRight, r.DBTimeRightBefore, false}, {r.PgnoLeft, r.DBTimeLeftBefore, false}, {r.PgnoParent, r.DBTimeParentBefore, false}} {
			if c.pgno != 0 {
				pages = append(pages, c)
			}
		}
	case *eselog.PageMove:
		after = r.DBTime()
		pages = append(pages, chk{r.Pgno(), r.DBTimeBefore(), false}, chk{r.PgnoDest, 0, true})
		for _, c := range []chk{{r.PgnoRight, r.DBTimeRightBefore, false}, {r.PgnoLeft, r.DBTimeLeftBefore, false}, {r.PgnoParent, r.DBTimeParentBefore, false}} {
			if c.pgno != 0 {
				pages = append(pages, c)
			}
		}
	}
	var need []uint32
	for _, c := range pages {
		if c.isNew {
			p, err := s.GetNew(c.pgno)
			if err != nil {
				return err
			}
			if NeedNewPage(p, after, opt.MayContainFutureData) {
				need = append(need, c.pgno)
			}
			continue
		}
		p, err := s.Get(c.pgno)
		if err != nil {
			return err
		}
		redo, err := NeedRedo(p, c.pgno, after, c.before, opt.MayContainFutureData)
		if err != nil {
			return err
		}
		if redo {
			need = append(need, c.pgno)
		}
	}
	if len(need) > 0 {
		return fmt.Errorf("%w: %v would change pages %v", ErrRedoNotImplemented, r.Type(), need)
	}
	for _, c := range pages {
		res.Skipped = append(res.Skipped, c.pgno)
	}
	return nil
}

// RedoMacro redoes the records of one macro (the records of a session
// between MacroBegin and MacroCommit that share the macro's dbtime, in
// log order). A root page move macro (its RootPageMove record first) is
// redone with RedoRootPageMove. A split macro — its Split/Split2 records, root level first,
// and the Insert, Replace or FlagInsertAndReplaceData that caused it — is
// redone with RedoSplit, a merge macro (its Merge/Merge2 records) with
// RedoMerge, any other record of the macro with RedoRecord. PageMove
// records that must change a page give an error wrapping
// ErrRedoNotImplemented.
func RedoMacro(s *PageStore, recs []eselog.Record, opt RedoOptions) (RedoResult, error) {
	var all RedoResult
	if len(recs) > 0 {
		if _, ok := recs[0].(*eselog.RootPageMove); ok {
			res, err := RedoRootPageMove(s, recs, opt.MayContainFutureData)
			if err != nil {
				return res, fmt.Errorf("recovery: redo root page move macro at %v: %w", recs[0].Pos(), err)
			}
			return res, nil
		}
	}
	var levels []SplitLevel
	var op SplitOperation
	var dbtime uint64
	var haveOp bool
	var rest []eselog.Record
	var merges []MergeLevel
	var mergeDBTime uint64
	for _, r := range recs {
		if sr, ok := r.(*eselog.Split); ok {
			levels = append(levels, splitLevelOf(sr))
			dbtime = sr.DBTime()
			continue
		}
		if mr, ok := r.(*eselog.Merge); ok {
			merges = append(merges, mergeLevelOf(mr))
			mergeDBTime = mr.DBTime()
			continue
		}
		rest = append(rest, r)
	}
	if len(merges) > 0 {
		res, err := RedoMerge(s, merges, mergeDBTime, opt.MayContainFutureData)
		all.Pages = append(all.Pages, res.Pages...)
		all.Skipped = append(all.Skipped, res.Skipped...)
		if err != nil {
			return all, fmt.Errorf("recovery: redo merge macro (dbtime %#x): %w", mergeDBTime, err)
		}
	}
	if len(levels) > 0 {
		var others []eselog.Record
		for _, r := range rest {
			pr, ok := r.(eselog.PageRecord)
			if haveOp || !ok || pr.DBTime() != dbtime {
				others = append(others, r)
				continue
			}
			switch r := r.(type) {
			case *eselog.Insert:
				op, haveOp = SplitOperation{Key: r.Key(), Data: r.Data, Versioned: r.IsVersioned()}, true
			case *eselog.FlagInsertAndReplaceData:
				op, haveOp = SplitOperation{Key: r.Key, Data: r.Data, Versioned: r.IsVersioned()}, true
			case *eselog.Replace:
				if r.IsDiff() {
					// The engine logs the replace that causes a split in
					// full (logapi.cxx, splitoperReplace: no diff), and
					// its split redo knows only Insert,
					// FlagInsertAndReplaceData and Replace.
					return all, ese.NewFormatError("split macro", -1, ese.ErrLogCorrupted, "ReplaceD at %v inside a split macro (dbtime %#x): the engine never logs a split's replace as a diff", r.Pos(), dbtime)
				}
				op, haveOp = SplitOperation{Data: r.Payload, Versioned: r.IsVersioned()}, true
			default:
				others = append(others, r)
			}
		}
		res, err := RedoSplit(s, levels, op, dbtime, opt.MayContainFutureData)
		all.Pages = append(all.Pages, res.Pages...)
		all.Skipped = append(all.Skipped, res.Skipped...)
		if err != nil {
			return all, fmt.Errorf("recovery: redo split macro (dbtime %#x): %w", dbtime, err)
		}
		rest = others
	}
	for _, r := range rest {
		res, err := RedoRecord(s, r, opt)
		all.Pages = append(all.Pages, res.Pages...)
		all.Skipped = append(all.Skipped, res.Skipped...)
		if err != nil {
			return all, err
		}
	}
	return all, nil
}

// splitLevelOf converts a Split/Split2 record.
func splitLevelOf(r *eselog.Split) SplitLevel {
	return SplitLevel{
		Pgno: r.Pgno(), DBTimeBefore: r.DBTimeBefore(), PgnoNew: r.PgnoNew, PgnoRight: r.PgnoRight,
		DBTimeRightBefore: r.DBTimeRightBefore, PgnoParent: r.PgnoParent, DBTimeParentBefore: r.DBTimeParentBefore,
		Objid: r.ObjidFDP, Type: int(r.SplitType), Oper: int(r.SplitOper), ILineOper: int(r.ILineOper),
		ILineSplit: int(r.ILineSplit), CLines: int(r.CLines), NewPageFlags: ese.PageFlags(r.NewPageFlags),
		SplitPageFlags: ese.PageFlags(r.SplitPageFlags), CbUncFreeSrc: int(r.CbUncFreeSrc), CbUncFreeDest: int(r.CbUncFreeDest),
		ILinePrefixSplit: int(r.ILinePrefixSplit), ILinePrefixNew: int(r.ILinePrefixNew), KeyParent: r.KeyParent,
		PrefixSplitOld: r.PrefixSplitOld, PrefixSplitNew: r.PrefixSplitNew, HasPreImage: len(r.PageBeforeImage) > 0,
		PreImage: r.PageBeforeImage, PreImageFlags: r.PreimageFlags,
	}
}

// mergeLevelOf converts a Merge/Merge2 record.
func mergeLevelOf(r *eselog.Merge) MergeLevel {
	return MergeLevel{
		Pgno: r.Pgno(), DBTimeBefore: r.DBTimeBefore(), PgnoRight: r.PgnoRight, DBTimeRightBefore: r.DBTimeRightBefore,
		PgnoLeft: r.PgnoLeft, DBTimeLeftBefore: r.DBTimeLeftBefore, DBTimeParentBefore: r.DBTimeParentBefore,
		ILine: r.ILine(), Flags: int(r.MergeFlags), Type: int(r.MergeType), ILineMerge: int(r.ILineMerge),
		CbSizeTotal: int(r.CbSizeTotal), CbSizeMaxTotal: int(r.CbSizeMaxTotal), CbUncFreeDest: int(r.CbUncFreeDest),
		KeyParentSep: r.KeyParentSep, HasPreImage: len(r.PageBeforeImage) > 0,
		PreImage: r.PageBeforeImage, PreImageFlags: r.PreimageFlags,
	}
}
