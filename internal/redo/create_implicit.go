package redo

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
)

// The implicit create: a CreateDB record of create version 1.0 (logs
// written before 8.4000.3) logs none of the pages of the new database.
// When the engine redoes such a record (logredo.cxx, lrtypCreateDB with
// bitCreateDbImplicitly) it runs its own create code again with logging
// and versioning off (ErrDBCreateDatabase): a file of 256 pages
// (cpgLegacyDatabaseDefaultSize), the database root and its space trees
// (ErrDBInitDatabase), then the system catalog (ErrCATCreate):
// MSysObjects and MSysObjectsShadow, the catalog's Name and RootObjects
// indexes, and the catalog records that describe the two tables. The
// records logged after the CreateDB then apply to those pages.
//
// Every page change of that code takes the next dbtime of the database,
// starting from 0 (CPAGE::Dirty, UpdateDBTime_): a new page takes one
// when it is formatted (ErrGetNewPreInitPage) and the three pages of a
// new tree (root, owned-extent and available-extent roots) one more each,
// after which all three carry the largest (SPIDirtyAndSetMaxDbtime);
// taking an extent from the parent's available extents changes the
// parent's available-extent root once; every record insertion changes
// its page once. The legacy database so created ends at dbtime 0xcc with
// object ids 1..5.

// CreateDbVersionImplicit and CreateDbUpdateImplicit are the create
// version of a CreateDB record whose database the engine builds with its
// own create code (usDAECreateDbVersion_Implicit 1, update 0).
const (
	CreateDbVersionImplicit = 1
	CreateDbUpdateImplicit  = 0
)

// Sizes of the legacy create (db.cxx, cat.cxx).
const (
	// CpgLegacyDatabase is the size of the file the implicit create makes
	// (cpgLegacyDatabaseDefaultSize) and the primary extent of the root.
	CpgLegacyDatabase = 256
	// cpgCatalogInitial is the primary extent of MSysObjects (cpgMSOInitial).
	cpgCatalogInitial = 20
	// cpgShadowInitialLegacy is the primary extent of MSysObjectsShadow
	// in a legacy create (cpgMSOShadowInitialLegacy).
	cpgShadowInitialLegacy = 9
	// cpgMultipleExtentMin is the smallest multiple-extent tree: its root
	// and two space-tree roots (cpgMultipleExtentMin); the catalog's
	// secondary indexes get exactly that.
	cpgMultipleExtentMin = 3
	// pgnoSystemRoot is the database root page.
	pgnoSystemRoot = 1
)

// Names of the system catalog (_cat.cxx).
const (
	catalogName            = "MSysObjects"
	catalogShadowName      = "MSysObjectsShadow"
	catalogIDIndexName     = "Id"
	catalogNameIndexName   = "Name"
	catalogRootObjectsName = "RootObjects"
)

// ImplicitCreate describes the database BuildImplicitCreate made.
type ImplicitCreate struct {
	// DBTime is the last dbtime the create used (the database's
	// dbtimeLast when the records after the CreateDB start to replay).
	DBTime uint64
	// ObjidLast is the last object id the create gave out.
	ObjidLast uint32
	// Pages lists the pages the create wrote, ascending.
	Pages []uint32
	// Catalog, CatalogShadow, NameIndex and RootObjectsIndex are the root
	// pages of MSysObjects, MSysObjectsShadow and the catalog's two
	// secondary indexes.
	Catalog, CatalogShadow, NameIndex, RootObjectsIndex uint32
	// CatalogRecords is the number of records written to MSysObjects
	// (the shadow holds the same).
	CatalogRecords int
}

// ImplicitCreateOptions are the CreateDB options that change what the
// implicit create builds.
type ImplicitCreateOptions struct {
	// ShadowingOff is JET_bitDbShadowingOff in the CreateDB grbit: the
	// database header then says shadowing is disabled, and the catalog
	// records are not copied into MSysObjectsShadow (ErrCATInsert checks
	// FShadowingOff, read from the header); the shadow table and its own
	// catalog records are created all the same.
	ShadowingOff bool
}

// implicitBuilder runs the create steps over a page store.
type implicitBuilder struct {
	s      *PageStore
	dbtime uint64
	objid  uint32
	pages  map[uint32]bool
}

// tick returns the next dbtime.
func (b *implicitBuilder) tick() uint64 {
	b.dbtime++
	return b.dbtime
}

// edit changes page pgno with fn and marks it dirty; fresh pages may be
// all zero (they are formatted by fn), others must already be built.
func (b *implicitBuilder) edit(pgno uint32, fresh bool, fn func(p *Page) error) error {
	var p *Page
	var err error
	if fresh {
		p, err = b.s.GetNew(pgno)
	} else {
		p, err = b.s.Get(pgno)
	}
	if err != nil {
		return err
	}
	if !fresh && p.Uninitialized() {
		return fmt.Errorf("recovery: implicit create: page %d was not built: %w", pgno, ese.ErrPageNotInitialized)
	}
	if err := fn(p); err != nil {
		return fmt.Errorf("recovery: implicit create, page %d: %w", pgno, err)
	}
	b.pages[pgno] = true
	return b.s.MarkDirty(pgno, p)
}

// allocate takes cpg pages from the front of the first extent of the
// available-extent tree of the tree rooted at pgnoParent that holds as
// many (ErrSPGetExt on a parent with one-page space trees): the extent's
// node keeps its key (the extent's last page) and gets the smaller count,
// or is deleted when nothing is left. It returns the first page taken.
func (b *implicitBuilder) allocate(pgnoParent, cpg uint32) (uint32, error) {
	p, err := b.s.Get(pgnoParent)
	if err != nil {
		return 0, err
	}
	h, err := p.ExternalHeader()
	if err != nil {
		return 0, err
	}
	sh, err := DecodeSpaceHeader(h)
	if err != nil {
		return 0, err
	}
	if sh.Flags&SpaceMultipleExtent == 0 {
		return 0, ese.NewFormatError("space header", -1, ese.ErrDatabaseCorrupted, "tree %d has no space trees", pgnoParent)
	}
	pgnoAE := sh.AvailOrOE + 1
	var first uint32
	err = b.edit(pgnoAE, false, func(p *Page) error {
		for i := 0; i < p.Lines(); i++ {
			n, err := p.Node(i)
			if err != nil {
				return err
			}
			k, err := p.Key(i)
			if err != nil {
				return err
			}
			if len(k) != 4 || len(n.Data) != 4 {
				return ese.NewFormatError("available-extent node", -1, ese.ErrDatabaseCorrupted, "line %d: %d-byte key, %d-byte data", i, len(k), len(n.Data))
			}
			last, avail := binary.BigEndian.Uint32(k), binary.LittleEndian.Uint32(n.Data)
			if avail < cpg {
				continue
			}
			first = last - avail + 1
			if avail == cpg {
				if err := p.DeleteLine(i); err != nil {
					return err
				}
			} else if err := p.ReplaceNodeData(i, le32(avail-cpg), n.Flags); err != nil {
				return err
			}
			p.SetDBTime(b.tick())
			return nil
		}
		return ese.NewFormatError("available-extent tree", -1, ese.ErrDatabaseCorrupted, "no extent of %d pages", cpg)
	})
	return first, err
}

// createTree creates a multiple-extent tree of cpg pages under
// pgnoParent (ErrDIRCreateDirectory, ErrSPCreate; the database root when
// pgnoParent is 0) and returns its root page and object id.
func (b *implicitBuilder) createTree(pgnoParent, cpg uint32, flags ese.PageFlags) (uint32, uint32, error) {
	pgnoFDP := uint32(pgnoSystemRoot)
	if pgnoParent != 0 {
		var err error
		if pgnoFDP, err = b.allocate(pgnoParent, cpg); err != nil {
			return 0, 0, err
		}
	}
	b.objid++
	// Three pages formatted, then dirtied again together.
	b.dbtime += 6
	fp := FDPParams{PgnoFDP: pgnoFDP, Objid: b.objid, DBTime: b.dbtime, PgnoParent: pgnoParent, CpgPrimary: cpg,
		Unique: true, PageFlags: flags, PgnoOE: pgnoFDP + 1, PgnoAE: pgnoFDP + 2}
	if err := b.edit(fp.PgnoOE, true, func(p *Page) error { return RedoCreateSpaceTreeRoot(p, fp, false) }); err != nil {
		return 0, 0, err
	}
	if err := b.edit(fp.PgnoAE, true, func(p *Page) error { return RedoCreateSpaceTreeRoot(p, fp, true) }); err != nil {
		return 0, 0, err
	}
	if err := b.edit(fp.PgnoFDP, true, func(p *Page) error { return RedoCreateMultipleExtentFDPRoot(p, fp) }); err != nil {
		return 0, 0, err
	}
	return pgnoFDP, b.objid, nil
}

// insert adds a node to the single-page tree rooted at pgno, at the next
// dbtime.
func (b *implicitBuilder) insert(pgno uint32, key, data []byte) error {
	return b.edit(pgno, false, func(p *Page) error {
		if err := insertSorted(p, key, data); err != nil {
			return err
		}
		p.SetDBTime(b.tick())
		return nil
	})
}

// BuildImplicitCreate builds in s, an empty database file, the pages the
// engine's create code builds when it redoes a CreateDB record of create
// version 1.0 (see the comment at the top of this file): the file grows
// to 256 pages; the root (page 1, object 1) with its space trees (2, 3)
// owns them all; MSysObjects (4, object 2; 20 pages) and
// MSysObjectsShadow (24, object 3; 9 pages) with their space trees; the
// Name (7, object 4) and RootObjects (10, object 5) indexes of
// MSysObjects; and the 56 catalog records of the two tables (table,
// columns and Id index of each, then the Name and RootObjects indexes),
// each inserted into MSysObjects, its secondary indexes and (unless
// opt.ShadowingOff) the shadow. opt may be nil.
func BuildImplicitCreate(s *PageStore, opt *ImplicitCreateOptions) (ImplicitCreate, error) {
	if opt == nil {
		opt = &ImplicitCreateOptions{}
	}
	b := &implicitBuilder{s: s, pages: map[uint32]bool{}}
	var res ImplicitCreate
	if s.PageSize() < 4096 {
		// The catalog records do not fit one page of 2 KiB, and the
		// create's page splits are not modelled.
		return res, fmt.Errorf("recovery: implicit create of a database of %d-byte pages: %w", s.PageSize(), ErrRedoNotImplemented)
	}
	if err := s.Extend(CpgLegacyDatabase); err != nil {
		return res, err
	}
	// ErrDBInitDatabase: the root owns the whole file.
	if _, _, err := b.createTree(0, CpgLegacyDatabase, 0); err != nil {
		return res, err
	}
	// ErrCATCreate: the catalog, its shadow, then the catalog's indexes
	// taken from the catalog's own space.
	mso, msoObjid, err := b.createTree(pgnoSystemRoot, cpgCatalogInitial, 0)
	if err != nil {
		return res, err
	}
	shadow, shadowObjid, err := b.createTree(pgnoSystemRoot, cpgShadowInitialLegacy, 0)
	if err != nil {
		return res, err
	}
	nameIdx, nameObjid, err := b.createTree(mso, cpgMultipleExtentMin, ese.PageIndex)
	if err != nil {
		return res, err
	}
	rootIdx, rootObjid, err := b.createTree(mso, cpgMultipleExtentMin, ese.PageIndex)
	if err != nil {
		return res, err
	}
	// ErrREPAIRCATCreate: each table and its columns, then the indexes.
	var objs []catalogObject
	for _, t := range []struct {
		objid uint32
		name  string
		pgno  uint32
		cpg   uint32
	}{{msoObjid, catalogName, mso, cpgCatalogInitial}, {shadowObjid, catalogShadowName, shadow, cpgShadowInitialLegacy}} {
		objs = append(objs, catalogTable(t.objid, t.name, t.pgno, t.cpg))
		for _, c := range legacyCatalogColumns {
			objs = append(objs, catalogColumnRecord(t.objid, c))
		}
	}
	objs = append(objs,
		catalogIndex(msoObjid, msoObjid, catalogIDIndexName, mso, catalogIdxIDFlags, msoObjidTable, msoType, msoID),
		catalogIndex(shadowObjid, shadowObjid, catalogIDIndexName, shadow, catalogIdxIDFlags, msoObjidTable, msoType, msoID),
		catalogIndex(msoObjid, nameObjid, catalogNameIndexName, nameIdx, catalogIdxNameFlags, msoObjidTable, msoType, msoName),
		catalogIndex(msoObjid, rootObjid, catalogRootObjectsName, rootIdx, catalogIdxRootObjectsFlags, msoRootFlag, msoName),
	)
	for _, o := range objs {
		e, err := o.entry()
		if err != nil {
			return res, err
		}
		// ErrCATInsert: the record and its index entries
		// (ErrIsamUpdate; the table's index list holds the newest
		// index first: RootObjects, then Name), then the same record in
		// the shadow. The dbtimes the log expects on pages 7 and 10
		// before its first changes there confirm this order.
		if err := b.insert(mso, e.primary, e.record); err != nil {
			return res, err
		}
		if e.root != nil {
			if err := b.insert(rootIdx, e.root, e.primary); err != nil {
				return res, err
			}
		}
		if err := b.insert(nameIdx, e.name, e.primary); err != nil {
			return res, err
		}
		if opt.ShadowingOff {
			continue
		}
		if err := b.insert(shadow, e.primary, e.record); err != nil {
			return res, err
		}
	}
	res = ImplicitCreate{DBTime: b.dbtime, ObjidLast: b.objid, Catalog: mso, CatalogShadow: shadow,
		NameIndex: nameIdx, RootObjectsIndex: rootIdx, CatalogRecords: len(objs)}
	for pg := range b.pages {
		res.Pages = append(res.Pages, pg)
	}
	slices.Sort(res.Pages)
	return res, nil
}

// implicitCreate reports whether r is a CreateDB of the implicit create
// version 1.0 (usDAECreateDbVersion_Implicit, update 0).
func implicitCreate(r *eselog.CreateDB) bool {
	return r.HasVersion() && r.Version == CreateDbVersionImplicit && r.UpdateMajor <= CreateDbUpdateImplicit
}

// CreateShadowingOff is JET_bitDbShadowingOff in the CreateDB grbit: the
// header then carries fDbShadowingDisabled (bit 0 of its flags).
const CreateShadowingOff = 0x80
