package eselog

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
	// DBTimeRightBefore is the right sibling's expected dbtime (+40).
	DBTimeRightBefore uint64
	// PgnoParent is the parent page (+48).
	PgnoParent uint32
	// DBTimeParentBefore is the parent's expected dbtime (+52).
	DBTimeParentBefore uint64
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

// PagesTouched returns the split page, the new page (if any), the right
// sibling and the parent (when non-zero).
func (r *Split) PagesTouched() []PageTouch {
	t := []PageTouch{{r.PageNumber, r.Before, false}}
	if r.PgnoNew != 0 {
		t = append(t, PageTouch{r.PgnoNew, DBTimeNil, true})
	}
	if r.PgnoRight != 0 {
		t = append(t, PageTouch{r.PgnoRight, r.DBTimeRightBefore, false})
	}
	if r.PgnoParent != 0 {
		t = append(t, PageTouch{r.PgnoParent, r.DBTimeParentBefore, false})
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
	// DBTimeRightBefore (+36).
	DBTimeRightBefore uint64
	// PgnoLeft is the left sibling (+44).
	PgnoLeft uint32
	// DBTimeLeftBefore (+48).
	DBTimeLeftBefore uint64
	// PgnoParent is the parent page (+56).
	PgnoParent uint32
	// DBTimeParentBefore (+60).
	DBTimeParentBefore uint64
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

// PagesTouched returns the merged page and its non-zero siblings and
// parent.
func (r *Merge) PagesTouched() []PageTouch {
	t := []PageTouch{{r.PageNumber, r.Before, false}}
	if r.PgnoRight != 0 {
		t = append(t, PageTouch{r.PgnoRight, r.DBTimeRightBefore, false})
	}
	if r.PgnoLeft != 0 {
		t = append(t, PageTouch{r.PgnoLeft, r.DBTimeLeftBefore, false})
	}
	if r.PgnoParent != 0 {
		t = append(t, PageTouch{r.PgnoParent, r.DBTimeParentBefore, false})
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
	// DBTimeLeftBefore (+48).
	DBTimeLeftBefore uint64
	// DBTimeRightBefore (+56).
	DBTimeRightBefore uint64
	// DBTimeParentBefore (+64).
	DBTimeParentBefore uint64
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

// PagesTouched returns the source, the new destination, and the non-zero
// siblings and parent.
func (r *PageMove) PagesTouched() []PageTouch {
	t := []PageTouch{{r.PageNumber, r.Before, false}, {r.PgnoDest, DBTimeNil, true}}
	if r.PgnoLeft != 0 {
		t = append(t, PageTouch{r.PgnoLeft, r.DBTimeLeftBefore, false})
	}
	if r.PgnoRight != 0 {
		t = append(t, PageTouch{r.PgnoRight, r.DBTimeRightBefore, false})
	}
	if r.PgnoParent != 0 {
		t = append(t, PageTouch{r.PgnoParent, r.DBTimeParentBefore, false})
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

// DBTime returns the macro's dbtime.
func (r *RootPageMove) DBTime() uint64 { return r.After }

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

// DBTime returns the page's new dbtime.
func (r *NewPage) DBTime() uint64 { return r.After }

// DBTimeBefore returns DBTimeNil: a new page has no before.
func (r *NewPage) DBTimeBefore() uint64 { return DBTimeNil }

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
	// DBTimePage is the page's dbtime (+7).
	DBTimePage uint64
	// DBTimeCurrent is the database's dbtime (+15).
	DBTimeCurrent uint64
	// Checksum is the compressed logical page checksum (+23).
	Checksum uint32
}

// DBID returns the attachment slot.
func (r *ScanCheck2) DBID() uint8 { return r.Dbid }

// Pgno returns the page.
func (r *ScanCheck2) Pgno() uint32 { return r.PageNumber }
