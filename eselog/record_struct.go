package eselog

import (
	"github.com/esekit/esekit/internal/bin"
)

// PageTouch is one page a structural record may change, with the dbtime
// the page must have before (DBTimeNil for a page created from nothing).
type PageTouch struct {
	// Pgno is the page.
	Pgno uint32
	// Before is the page's dbtime expected before the operation.
	Before uint64
	// New reports that the record formats the page anew.
	New bool
}

// CreateMultipleExtentFDP (24) creates a B-tree with its own space trees:
// LRPAGE_ (pgno = the FDP) + objidFDP@32, pgnoOE@36, pgnoAE@40,
// pgnoFDPParent@44, i32 cpgPrimary@48, u32 fPageFlags@52.
type CreateMultipleExtentFDP struct {
	PageHeader
	// ObjidFDP is the new tree's object id (+32).
	ObjidFDP uint32
	// PgnoOE is the owned-extent tree's root (+36).
	PgnoOE uint32
	// PgnoAE is the available-extent tree's root (+40).
	PgnoAE uint32
	// PgnoFDPParent is the parent tree's FDP (+44).
	PgnoFDPParent uint32
	// CpgPrimary is the primary extent's size in pages (+48).
	CpgPrimary int32
	// PageFlags are extra page flags for the root (+52).
	PageFlags uint32
}

func decodeCreateMEFDP(b []byte, base RecordBase) Record {
	return &CreateMultipleExtentFDP{decodePageHeader(b, base), bin.U32(b, 32), bin.U32(b, 36),
		bin.U32(b, 40), bin.U32(b, 44), bin.I32(b, 48), bin.U32(b, 52)}
}

// AppendEncode appends the record's bytes to dst.
func (r *CreateMultipleExtentFDP) AppendEncode(dst []byte) []byte {
	dst, w := extend(dst, 56)
	r.PageHeader.put(w)
	putU32(w, 32, r.ObjidFDP)
	putU32(w, 36, r.PgnoOE)
	putU32(w, 40, r.PgnoAE)
	putU32(w, 44, r.PgnoFDPParent)
	putU32(w, 48, uint32(r.CpgPrimary))
	putU32(w, 52, r.PageFlags)
	return dst
}

// PagesTouched returns the FDP root and the OE and AE roots, all new.
func (r *CreateMultipleExtentFDP) PagesTouched() []PageTouch {
	return []PageTouch{{r.PageNumber, DBTimeNil, true}, {r.PgnoOE, DBTimeNil, true}, {r.PgnoAE, DBTimeNil, true}}
}

// CreateSingleExtentFDP (25) creates a B-tree whose space is a bitmap in
// its root: LRPAGE_ (pgno = the FDP) + objidFDP@32, pgnoFDPParent@36, i32
// cpgPrimary@40, u32 fPageFlags@44.
type CreateSingleExtentFDP struct {
	PageHeader
	// ObjidFDP is the new tree's object id (+32).
	ObjidFDP uint32
	// PgnoFDPParent is the parent tree's FDP (+36).
	PgnoFDPParent uint32
	// CpgPrimary is the primary extent's size in pages (+40).
	CpgPrimary int32
	// PageFlags are extra page flags for the root (+44).
	PageFlags uint32
}

func decodeCreateSEFDP(b []byte, base RecordBase) Record {
	return &CreateSingleExtentFDP{decodePageHeader(b, base), bin.U32(b, 32), bin.U32(b, 36),
		bin.I32(b, 40), bin.U32(b, 44)}
}

// AppendEncode appends the record's bytes to dst.
func (r *CreateSingleExtentFDP) AppendEncode(dst []byte) []byte {
	dst, w := extend(dst, 48)
	r.PageHeader.put(w)
	putU32(w, 32, r.ObjidFDP)
	putU32(w, 36, r.PgnoFDPParent)
	putU32(w, 40, uint32(r.CpgPrimary))
	putU32(w, 44, r.PageFlags)
	return dst
}

// ConvertFDP is ConvertFDP (26, obsolete, 60 bytes) and ConvertFDP2 (58,
// 68 bytes): converts a single-extent B-tree to multiple extents.
// LRPAGE_ (pgno = the FDP) + objidFDP@32, pgnoOE@36, pgnoAE@40,
// pgnoFDPParent@44, pgnoSecondaryFirst@48, i32 cpgPrimary@52, i32
// cpgSecondary@56, and for ConvertFDP2 u32 rgbitAvail@60, u32
// fCpageFlags@64.
type ConvertFDP struct {
	PageHeader
	// ObjidFDP is the tree's object id (+32).
	ObjidFDP uint32
	// PgnoOE is the new owned-extent root, also the first page of the
	// secondary extent (+36).
	PgnoOE uint32
	// PgnoAE is the new available-extent root (+40).
	PgnoAE uint32
	// PgnoFDPParent is the parent tree's FDP (+44).
	PgnoFDPParent uint32
	// PgnoSecondaryFirst is the first page of the secondary extent (+48).
	PgnoSecondaryFirst uint32
	// CpgPrimary is the primary extent's size (+52).
	CpgPrimary int32
	// CpgSecondary is the secondary extent's size (+56).
	CpgSecondary int32
	// AvailBitmap is the single-extent availability bitmap (+60,
	// ConvertFDP2 only).
	AvailBitmap uint32
	// CpageFlags are the root's page flags (+64, ConvertFDP2 only).
	CpageFlags uint32
}

func decodeConvertFDP(b []byte, base RecordBase) Record {
	r := &ConvertFDP{PageHeader: decodePageHeader(b, base), ObjidFDP: bin.U32(b, 32), PgnoOE: bin.U32(b, 36),
		PgnoAE: bin.U32(b, 40), PgnoFDPParent: bin.U32(b, 44), PgnoSecondaryFirst: bin.U32(b, 48),
		CpgPrimary: bin.I32(b, 52), CpgSecondary: bin.I32(b, 56)}
	if base.Lrtyp == RecConvertFDP2 {
		r.AvailBitmap, r.CpageFlags = bin.U32(b, 60), bin.U32(b, 64)
	}
	return r
}

// AppendEncode appends the record's bytes to dst.
func (r *ConvertFDP) AppendEncode(dst []byte) []byte {
	n := 60
	if r.Lrtyp == RecConvertFDP2 {
		n = 68
	}
	dst, w := extend(dst, n)
	r.PageHeader.put(w)
	putU32(w, 32, r.ObjidFDP)
	putU32(w, 36, r.PgnoOE)
	putU32(w, 40, r.PgnoAE)
	putU32(w, 44, r.PgnoFDPParent)
	putU32(w, 48, r.PgnoSecondaryFirst)
	putU32(w, 52, uint32(r.CpgPrimary))
	putU32(w, 56, uint32(r.CpgSecondary))
	if n == 68 {
		putU32(w, 60, r.AvailBitmap)
		putU32(w, 64, r.CpageFlags)
	}
	return dst
}

// PagesTouched returns the FDP root (redone under the header's
// dbtimeBefore) and the new OE and AE roots.
func (r *ConvertFDP) PagesTouched() []PageTouch {
	return []PageTouch{{r.PageNumber, r.Before, false}, {r.PgnoOE, DBTimeNil, true}, {r.PgnoAE, DBTimeNil, true}}
}

// Split types (Split.SplitType) and operations (Split.SplitOper).
const (
	SplitVertical = 0
	SplitRight    = 1
	SplitAppend   = 2

	SplitOperNone                     = 0
	SplitOperInsert                   = 1
	SplitOperReplace                  = 2
	SplitOperFlagInsertAndReplaceData = 3
)

// Pre-image flags of Split2 and Merge2.
const (
	PreimageDehydrated = 0x1 // the page image was dehydrated (free space cut out)
	PreimageXpress     = 0x2 // the page image is Xpress-compressed
)

// Split is Split (27, obsolete, 102-byte header) and Split2 (62, 110
// bytes): one level of a B-tree split, buffered until MacroCommit.
// LRPAGE_ (pgno = the page split, dbtimeBefore = its before) + the fields
// below, then the parent key, the old and new split prefixes and (Split2)
// the page pre-image.
type Split struct {
	PageHeader
	// PgnoNew is the new page, 0 for an ancestor that only receives a
	// separator (+32).
	PgnoNew uint32
	// PgnoRight is the right sibling (+36).
	PgnoRight uint32
	// DbtimeRightBefore is the right sibling's expected dbtime (+40).
	DbtimeRightBefore uint64
	// PgnoParent is the parent page (+48).
	PgnoParent uint32
	// DbtimeParentBefore is the parent's expected dbtime (+52).
	DbtimeParentBefore uint64
	// PgnoFDP is the tree's root (+60).
	PgnoFDP uint32
	// ObjidFDP is the tree's object id (+64).
	ObjidFDP uint32
	// SplitType (+68): SplitVertical, SplitRight, SplitAppend.
	SplitType uint8
	// SplitOper (+69): the node operation that caused the split.
	SplitOper uint8
	// ILineOper is the line of that operation (+70).
	ILineOper uint16
	// ILineSplit is the first line moved to the new page (+72).
	ILineSplit uint16
	// CLines is the line count of the page split (+74).
	CLines uint16
	// NewPageFlags are the new page's flags (+76).
	NewPageFlags uint32
	// SplitPageFlags are the split page's flags (+80).
	SplitPageFlags uint32
	// CbUncFreeSrc is the split page's uncommitted free space (+84).
	CbUncFreeSrc int16
	// CbUncFreeDest is the new page's uncommitted free space (+86).
	CbUncFreeDest int16
	// ILinePrefixSplit is the line giving the split page's new prefix
	// (+88).
	ILinePrefixSplit int32
	// ILinePrefixNew is the line giving the new page's prefix (+92).
	ILinePrefixNew int32
	// PreimageFlags are PreimageDehydrated/PreimageXpress (+102, Split2).
	PreimageFlags uint32
	// KeyParent is the separator key inserted in the parent
	// (cbKeyParent@100 bytes, first in the payload @102 or @110).
	KeyParent []byte
	// PrefixSplitOld is the split page's old prefix (cbPrefixSplitOld@96).
	PrefixSplitOld []byte
	// PrefixSplitNew is the split page's new prefix (cbPrefixSplitNew@98).
	PrefixSplitNew []byte
	// PageBeforeImage is the page pre-image (cbPageBeforeImage@106,
	// Split2 only; empty when none was logged).
	PageBeforeImage []byte
}

func decodeSplit(b []byte, base RecordBase) Record {
	r := &Split{PageHeader: decodePageHeader(b, base),
		PgnoNew: bin.U32(b, 32), PgnoRight: bin.U32(b, 36), DbtimeRightBefore: bin.U64(b, 40),
		PgnoParent: bin.U32(b, 48), DbtimeParentBefore: bin.U64(b, 52), PgnoFDP: bin.U32(b, 60),
		ObjidFDP: bin.U32(b, 64), SplitType: b[68], SplitOper: b[69], ILineOper: bin.U16(b, 70),
		ILineSplit: bin.U16(b, 72), CLines: bin.U16(b, 74), NewPageFlags: bin.U32(b, 76),
		SplitPageFlags: bin.U32(b, 80), CbUncFreeSrc: int16(bin.U16(b, 84)),
		CbUncFreeDest: int16(bin.U16(b, 86)), ILinePrefixSplit: bin.I32(b, 88), ILinePrefixNew: bin.I32(b, 92)}
	c := cursor{b, 102}
	if base.Lrtyp == RecSplit2 {
		r.PreimageFlags = bin.U32(b, 102)
		c.p = 110
	}
	r.KeyParent = c.take(int(bin.U16(b, 100)))
	r.PrefixSplitOld = c.take(int(bin.U16(b, 96)))
	r.PrefixSplitNew = c.take(int(bin.U16(b, 98)))
	if base.Lrtyp == RecSplit2 {
		r.PageBeforeImage = c.rest()
	}
	return r
}

// AppendEncode appends the record's bytes to dst. The pre-image is only
// written for Split2.
func (r *Split) AppendEncode(dst []byte) []byte {
	k, po, pn := clip16(r.KeyParent), clip16(r.PrefixSplitOld), clip16(r.PrefixSplitNew)
	fixed := 102
	var pre []byte
	if r.Lrtyp == RecSplit2 {
		fixed = 110
		pre = clip32(r.PageBeforeImage)
	}
	dst, w := extend(dst, fixed+len(k)+len(po)+len(pn)+len(pre))
	r.PageHeader.put(w)
	putU32(w, 32, r.PgnoNew)
	putU32(w, 36, r.PgnoRight)
	putU64(w, 40, r.DbtimeRightBefore)
	putU32(w, 48, r.PgnoParent)
	putU64(w, 52, r.DbtimeParentBefore)
	putU32(w, 60, r.PgnoFDP)
	putU32(w, 64, r.ObjidFDP)
	w[68], w[69] = r.SplitType, r.SplitOper
	putU16(w, 70, r.ILineOper)
	putU16(w, 72, r.ILineSplit)
	putU16(w, 74, r.CLines)
	putU32(w, 76, r.NewPageFlags)
	putU32(w, 80, r.SplitPageFlags)
	putU16(w, 84, uint16(r.CbUncFreeSrc))
	putU16(w, 86, uint16(r.CbUncFreeDest))
	putU32(w, 88, uint32(r.ILinePrefixSplit))
	putU32(w, 92, uint32(r.ILinePrefixNew))
	putU16(w, 96, uint16(len(po)))
	putU16(w, 98, uint16(len(pn)))
	putU16(w, 100, uint16(len(k)))
	if fixed == 110 {
		putU32(w, 102, r.PreimageFlags)
		putU32(w, 106, uint32(len(pre)))
	}
	n := fixed + copy(w[fixed:], k)
	n += copy(w[n:], po)
	n += copy(w[n:], pn)
	copy(w[n:], pre)
	return dst
}

// PagesTouched returns the split page, the new page (if any), the right
// sibling and the parent (when non-zero).
func (r *Split) PagesTouched() []PageTouch {
	t := []PageTouch{{r.PageNumber, r.Before, false}}
	if r.PgnoNew != 0 {
		t = append(t, PageTouch{r.PgnoNew, DBTimeNil, true})
	}
	if r.PgnoRight != 0 {
		t = append(t, PageTouch{r.PgnoRight, r.DbtimeRightBefore, false})
	}
	if r.PgnoParent != 0 {
		t = append(t, PageTouch{r.PgnoParent, r.DbtimeParentBefore, false})
	}
	return t
}

// Merge flags (Merge.MergeFlags) and types (Merge.MergeType).
const (
	MergeKeyChange  = 0x01
	MergeDeleteNode = 0x02
	MergeEmptyPage  = 0x04

	MergeTypeNone         = 0 // an ancestor level that only updates a separator
	MergeTypeEmptyPage    = 1
	MergeTypeFullRight    = 2
	MergeTypePartialRight = 3
	MergeTypeEmptyTree    = 4
	MergeTypeFullLeft     = 5
	MergeTypePartialLeft  = 6
	MergeTypePageMove     = 7
)

// Merge is Merge (28, obsolete, 88-byte header) and Merge2 (63, 96
// bytes): one step of a B-tree merge, buffered until MacroCommit. LRPAGE_
// (pgno = the page merged away) + the fields below, then the separator key
// and (Merge2) the page pre-image.
type Merge struct {
	PageHeader
	// PgnoRight is the right sibling (+32).
	PgnoRight uint32
	// DbtimeRightBefore (+36).
	DbtimeRightBefore uint64
	// PgnoLeft is the left sibling (+44).
	PgnoLeft uint32
	// DbtimeLeftBefore (+48).
	DbtimeLeftBefore uint64
	// PgnoParent is the parent page (+56).
	PgnoParent uint32
	// DbtimeParentBefore (+60).
	DbtimeParentBefore uint64
	// PgnoFDP is the tree's root (+68).
	PgnoFDP uint32
	// ObjidFDP is the tree's object id (+72).
	ObjidFDP uint32
	// CbSizeTotal (+76).
	CbSizeTotal uint16
	// CbSizeMaxTotal (+78).
	CbSizeMaxTotal uint16
	// CbUncFreeDest (+80).
	CbUncFreeDest uint16
	// ILineMerge (+82).
	ILineMerge uint16
	// MergeFlags (+84): MergeKeyChange, MergeDeleteNode, MergeEmptyPage.
	MergeFlags uint8
	// MergeType (+85): MergeType* values (0 for the ancestor levels).
	MergeType uint8
	// PreimageFlags (+88, Merge2 only).
	PreimageFlags uint32
	// KeyParentSep is the separator key (cbKeyParentSep@86 bytes).
	KeyParentSep []byte
	// PageBeforeImage is the pre-image (cbPageBeforeImage@92, Merge2).
	PageBeforeImage []byte
}

func decodeMerge(b []byte, base RecordBase) Record {
	r := &Merge{PageHeader: decodePageHeader(b, base),
		PgnoRight: bin.U32(b, 32), DbtimeRightBefore: bin.U64(b, 36), PgnoLeft: bin.U32(b, 44),
		DbtimeLeftBefore: bin.U64(b, 48), PgnoParent: bin.U32(b, 56), DbtimeParentBefore: bin.U64(b, 60),
		PgnoFDP: bin.U32(b, 68), ObjidFDP: bin.U32(b, 72), CbSizeTotal: bin.U16(b, 76),
		CbSizeMaxTotal: bin.U16(b, 78), CbUncFreeDest: bin.U16(b, 80), ILineMerge: bin.U16(b, 82),
		MergeFlags: b[84], MergeType: b[85]}
	c := cursor{b, 88}
	if base.Lrtyp == RecMerge2 {
		r.PreimageFlags = bin.U32(b, 88)
		c.p = 96
	}
	r.KeyParentSep = c.take(int(bin.U16(b, 86)))
	if base.Lrtyp == RecMerge2 {
		r.PageBeforeImage = c.rest()
	}
	return r
}

// AppendEncode appends the record's bytes to dst. The pre-image is only
// written for Merge2.
func (r *Merge) AppendEncode(dst []byte) []byte {
	k := clip16(r.KeyParentSep)
	fixed := 88
	var pre []byte
	if r.Lrtyp == RecMerge2 {
		fixed = 96
		pre = clip32(r.PageBeforeImage)
	}
	dst, w := extend(dst, fixed+len(k)+len(pre))
	r.PageHeader.put(w)
	putU32(w, 32, r.PgnoRight)
	putU64(w, 36, r.DbtimeRightBefore)
	putU32(w, 44, r.PgnoLeft)
	putU64(w, 48, r.DbtimeLeftBefore)
	putU32(w, 56, r.PgnoParent)
	putU64(w, 60, r.DbtimeParentBefore)
	putU32(w, 68, r.PgnoFDP)
	putU32(w, 72, r.ObjidFDP)
	putU16(w, 76, r.CbSizeTotal)
	putU16(w, 78, r.CbSizeMaxTotal)
	putU16(w, 80, r.CbUncFreeDest)
	putU16(w, 82, r.ILineMerge)
	w[84], w[85] = r.MergeFlags, r.MergeType
	putU16(w, 86, uint16(len(k)))
	if fixed == 96 {
		putU32(w, 88, r.PreimageFlags)
		putU32(w, 92, uint32(len(pre)))
	}
	n := fixed + copy(w[fixed:], k)
	copy(w[n:], pre)
	return dst
}

// PagesTouched returns the merged page and its non-zero siblings and
// parent.
func (r *Merge) PagesTouched() []PageTouch {
	t := []PageTouch{{r.PageNumber, r.Before, false}}
	if r.PgnoRight != 0 {
		t = append(t, PageTouch{r.PgnoRight, r.DbtimeRightBefore, false})
	}
	if r.PgnoLeft != 0 {
		t = append(t, PageTouch{r.PgnoLeft, r.DbtimeLeftBefore, false})
	}
	if r.PgnoParent != 0 {
		t = append(t, PageTouch{r.PgnoParent, r.DbtimeParentBefore, false})
	}
	return t
}

// PageMove flags (PageMove.MoveFlags): which root the moved page is.
const (
	PageMoveRootFDP = 0x1
	PageMoveRootOE  = 0x2
	PageMoveRootAE  = 0x4
)

// PageMove (65) moves a page's content to another page: LRPAGE_ (pgno =
// source, dbtime = common after, dbtimeBefore = source before) + the fields
// below, then the source page's header bytes and trailer bytes.
type PageMove struct {
	PageHeader
	// PgnoDest is the destination page (+32).
	PgnoDest uint32
	// PgnoLeft is the left sibling (+36).
	PgnoLeft uint32
	// PgnoRight is the right sibling (+40).
	PgnoRight uint32
	// PgnoParent is the parent (+44).
	PgnoParent uint32
	// DbtimeLeftBefore (+48).
	DbtimeLeftBefore uint64
	// DbtimeRightBefore (+56).
	DbtimeRightBefore uint64
	// DbtimeParentBefore (+64).
	DbtimeParentBefore uint64
	// PgnoFDP is the tree's root (+72).
	PgnoFDP uint32
	// ObjidFDP is the tree's object id (+76).
	ObjidFDP uint32
	// ILineParent is the parent's line pointing at the page (+80).
	ILineParent int32
	// MoveFlags (+84): PageMoveRoot* bits.
	MoveFlags uint32
	// PageHeaderBytes is the start of the source page (cbPageHeader@88).
	PageHeaderBytes []byte
	// PageTrailerBytes is the end of the source page (cbPageTrailer@92).
	PageTrailerBytes []byte
}

func decodePageMove(b []byte, base RecordBase) Record {
	r := &PageMove{PageHeader: decodePageHeader(b, base), PgnoDest: bin.U32(b, 32), PgnoLeft: bin.U32(b, 36),
		PgnoRight: bin.U32(b, 40), PgnoParent: bin.U32(b, 44), DbtimeLeftBefore: bin.U64(b, 48),
		DbtimeRightBefore: bin.U64(b, 56), DbtimeParentBefore: bin.U64(b, 64), PgnoFDP: bin.U32(b, 72),
		ObjidFDP: bin.U32(b, 76), ILineParent: bin.I32(b, 80), MoveFlags: bin.U32(b, 84)}
	c := cursor{b, 96}
	r.PageHeaderBytes = c.take(int(bin.U32(b, 88)))
	r.PageTrailerBytes = c.take(int(bin.U32(b, 92)))
	return r
}

// AppendEncode appends the record's bytes to dst.
func (r *PageMove) AppendEncode(dst []byte) []byte {
	h, t := clip32(r.PageHeaderBytes), clip32(r.PageTrailerBytes)
	dst, w := extend(dst, 96+len(h)+len(t))
	r.PageHeader.put(w)
	putU32(w, 32, r.PgnoDest)
	putU32(w, 36, r.PgnoLeft)
	putU32(w, 40, r.PgnoRight)
	putU32(w, 44, r.PgnoParent)
	putU64(w, 48, r.DbtimeLeftBefore)
	putU64(w, 56, r.DbtimeRightBefore)
	putU64(w, 64, r.DbtimeParentBefore)
	putU32(w, 72, r.PgnoFDP)
	putU32(w, 76, r.ObjidFDP)
	putU32(w, 80, uint32(r.ILineParent))
	putU32(w, 84, r.MoveFlags)
	putU32(w, 88, uint32(len(h)))
	putU32(w, 92, uint32(len(t)))
	copy(w[96+len(h):], t)
	copy(w[96:], h)
	return dst
}

// PagesTouched returns the source, the new destination, and the non-zero
// siblings and parent.
func (r *PageMove) PagesTouched() []PageTouch {
	t := []PageTouch{{r.PageNumber, r.Before, false}, {r.PgnoDest, DBTimeNil, true}}
	if r.PgnoLeft != 0 {
		t = append(t, PageTouch{r.PgnoLeft, r.DbtimeLeftBefore, false})
	}
	if r.PgnoRight != 0 {
		t = append(t, PageTouch{r.PgnoRight, r.DbtimeRightBefore, false})
	}
	if r.PgnoParent != 0 {
		t = append(t, PageTouch{r.PgnoParent, r.DbtimeParentBefore, false})
	}
	return t
}

// RootPageMove (96) wraps the page moves of a root inside a macro:
// dbtimeAfter@1, dbid@9, objid@10, u16 procid@14.
type RootPageMove struct {
	RecordBase
	// After is the macro's dbtime (+1).
	After uint64
	// Dbid is the database (+9).
	Dbid uint8
	// Objid is the tree whose root moves (+10).
	Objid uint32
	// Procid is the session (+14).
	Procid uint16
}

// DBID returns the attachment slot.
func (r *RootPageMove) DBID() uint8 { return r.Dbid }

// ProcID returns the session id.
func (r *RootPageMove) ProcID() uint16 { return r.Procid }

// DbTime returns the macro's dbtime.
func (r *RootPageMove) DbTime() uint64 { return r.After }

func decodeRootPageMove(b []byte, base RecordBase) Record {
	return &RootPageMove{base, bin.U64(b, 1), b[9], bin.U32(b, 10), bin.U16(b, 14)}
}

// AppendEncode appends the record's bytes to dst.
func (r *RootPageMove) AppendEncode(dst []byte) []byte {
	dst, w := extend(dst, 16)
	w[0] = byte(r.Lrtyp)
	putU64(w, 1, r.After)
	w[9] = r.Dbid
	putU32(w, 10, r.Objid)
	putU16(w, 14, r.Procid)
	return dst
}

// NewPage (95) formats a blank pre-initialised page: u16 procid@1,
// dbid@3, pgno@4, objid@8, dbtimeAfter@12. There is no dbtime before.
type NewPage struct {
	RecordBase
	// Procid is the session (+1).
	Procid uint16
	// Dbid is the database (+3).
	Dbid uint8
	// PageNumber is the page formatted (+4).
	PageNumber uint32
	// Objid is the tree the page is for (+8).
	Objid uint32
	// After is the page's new dbtime (+12).
	After uint64
}

// ProcID returns the session id.
func (r *NewPage) ProcID() uint16 { return r.Procid }

// DBID returns the attachment slot.
func (r *NewPage) DBID() uint8 { return r.Dbid }

// Pgno returns the page formatted.
func (r *NewPage) Pgno() uint32 { return r.PageNumber }

// DbTime returns the page's new dbtime.
func (r *NewPage) DbTime() uint64 { return r.After }

// DbTimeBefore returns DBTimeNil: a new page has no before.
func (r *NewPage) DbTimeBefore() uint64 { return DBTimeNil }

func decodeNewPage(b []byte, base RecordBase) Record {
	return &NewPage{base, bin.U16(b, 1), b[3], bin.U32(b, 4), bin.U32(b, 8), bin.U64(b, 12)}
}

// AppendEncode appends the record's bytes to dst.
func (r *NewPage) AppendEncode(dst []byte) []byte {
	dst, w := extend(dst, 20)
	w[0] = byte(r.Lrtyp)
	putU16(w, 1, r.Procid)
	w[3] = r.Dbid
	putU32(w, 4, r.PageNumber)
	putU32(w, 8, r.Objid)
	putU64(w, 12, r.After)
	return dst
}

// PagePatchRequest (66) asks for a page to be patched: dbid@1, pgno@2,
// dbtime@6, 32 reserved bytes@14.
type PagePatchRequest struct {
	RecordBase
	// Dbid is the database (+1).
	Dbid uint8
	// PageNumber is the page (+2).
	PageNumber uint32
	// DBTime is the database's dbtime at the request (+6).
	DBTime uint64
	// Reserved (+14), zero when written by the engine.
	Reserved [32]byte
}

// DBID returns the attachment slot.
func (r *PagePatchRequest) DBID() uint8 { return r.Dbid }

// Pgno returns the page.
func (r *PagePatchRequest) Pgno() uint32 { return r.PageNumber }

func decodePagePatchRequest(b []byte, base RecordBase) Record {
	r := &PagePatchRequest{RecordBase: base, Dbid: b[1], PageNumber: bin.U32(b, 2), DBTime: bin.U64(b, 6)}
	copy(r.Reserved[:], b[14:46])
	return r
}

// AppendEncode appends the record's bytes to dst.
func (r *PagePatchRequest) AppendEncode(dst []byte) []byte {
	dst, w := extend(dst, 46)
	w[0] = byte(r.Lrtyp)
	w[1] = r.Dbid
	putU32(w, 2, r.PageNumber)
	putU64(w, 6, r.DBTime)
	copy(w[14:], r.Reserved[:])
	return dst
}

// ScanCheck2 (98) records a database-scan check of a page: dbid@1,
// pgno@2, u8 flags/source@6 (0x80 objid invalid, 0x40 empty page, 0x20
// FDP deleted, low 2 bits the source), dbtimePage@7, dbtimeCurrent@15, u32
// checksum@23. Redo only verifies.
type ScanCheck2 struct {
	RecordBase
	// Dbid is the database (+1).
	Dbid uint8
	// PageNumber is the page (+2).
	PageNumber uint32
	// FlagsAndSource (+6).
	FlagsAndSource uint8
	// DbtimePage is the page's dbtime (+7).
	DbtimePage uint64
	// DbtimeCurrent is the database's dbtime (+15).
	DbtimeCurrent uint64
	// Checksum is the compressed logical page checksum (+23).
	Checksum uint32
}

// DBID returns the attachment slot.
func (r *ScanCheck2) DBID() uint8 { return r.Dbid }

// Pgno returns the page.
func (r *ScanCheck2) Pgno() uint32 { return r.PageNumber }

func decodeScanCheck2(b []byte, base RecordBase) Record {
	return &ScanCheck2{base, b[1], bin.U32(b, 2), b[6], bin.U64(b, 7), bin.U64(b, 15), bin.U32(b, 23)}
}

// AppendEncode appends the record's bytes to dst.
func (r *ScanCheck2) AppendEncode(dst []byte) []byte {
	dst, w := extend(dst, 27)
	w[0] = byte(r.Lrtyp)
	w[1] = r.Dbid
	putU32(w, 2, r.PageNumber)
	w[6] = r.FlagsAndSource
	putU64(w, 7, r.DbtimePage)
	putU64(w, 15, r.DbtimeCurrent)
	putU32(w, 23, r.Checksum)
	return dst
}
