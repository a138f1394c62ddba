package redo

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/esekit/esekit/ese"
)

// The system catalog (MSysObjects) as the engine's legacy create code
// writes it: the records describing the catalog itself and its shadow,
// their encoding (the engine's record format, data.hxx / fldmod.cxx) and
// the keys of the catalog's three indexes (fldnorm.cxx). Facts from
// cat.cxx / _cat.cxx (rgcdescMSO, rgidescMSO, ErrCATAddTable,
// ErrCATAddTableColumn, ErrCATAddTableIndex), checked against the
// Windows 7 databases of the corpus.

// JET column types used by the catalog (JET_coltyp*).
const (
	coltypBit           = 1
	coltypShort         = 3
	coltypLong          = 4
	coltypBinary        = 9
	coltypText          = 10
	coltypLongBinary    = 11
	coltypUnsignedShort = 17
)

// Catalog object types (SYSOBJ): the Type column of MSysObjects.
const (
	sysobjTable  = 1
	sysobjColumn = 2
	sysobjIndex  = 3
)

// Column-id ranges of the record format: fixed columns are 1..127,
// variable columns 128..255, tagged columns 256 and up.
const (
	fidFixedLeast  = 1
	fidVarLeast    = 128
	fidTaggedLeast = 256
)

// recFixedStart is the offset of the first fixed column in a record
// (ibRECStartFixedColumns): after fidFixedLastInRec (u8),
// fidVarLastInRec (u8) and ibEndOfFixedData (u16).
const recFixedStart = 4

// recFill is the byte the engine writes into the space of columns it
// makes room for but does not set (chRECFill, '*').
const recFill = 0x2a

// recVarNull marks a null variable column in its end offset.
const recVarNull = 0x8000

// catalogColumn is one column of MSysObjects.
type catalogColumn struct {
	name    string
	fid     uint16
	coltyp  uint32
	notNull bool
}

// legacyCatalogColumns are the columns of MSysObjects a database created
// before the fully logged create has (database format 0x620,17 and the
// create version 1.0 of the log: rgcolumnidOldMSO), in the order of
// rgcdescMSO, which is the order the create code inserts their catalog
// records. Newer columns (SortID, LocaleName, LVChunkMax,
// PgnoFDPLastSetTime) are not part of such a catalog.
var legacyCatalogColumns = []catalogColumn{
	{"ObjidTable", 1, coltypLong, true},
	{"Type", 2, coltypShort, true},
	{"Id", 3, coltypLong, true},
	{"Name", 128, coltypText, true},
	{"ColtypOrPgnoFDP", 4, coltypLong, true},
	{"SpaceUsage", 5, coltypLong, true},
	{"Flags", 6, coltypLong, true},
	{"PagesOrLocale", 7, coltypLong, true},
	{"Stats", 129, coltypBinary, false},
	{"RootFlag", 8, coltypBit, false},
	{"TemplateTable", 130, coltypText, false},
	{"RecordOffset", 9, coltypShort, false},
	{"DefaultValue", 131, coltypBinary, false},
	{"KeyFldIDs", 132, coltypBinary, false},
	{"VarSegMac", 133, coltypBinary, false},
	{"ConditionalColumns", 134, coltypBinary, false},
	{"LCMapFlags", 10, coltypLong, false},
	{"KeyMost", 11, coltypUnsignedShort, false},
	{"TupleLimits", 135, coltypBinary, false},
	{"Version", 136, coltypBinary, false},
	{"CallbackData", 256, coltypLongBinary, false},
	{"CallbackDependencies", 257, coltypLongBinary, false},
	{"SeparateLV", 258, coltypLongBinary, false},
	{"SpaceHints", 259, coltypLongBinary, false},
	{"SpaceDeferredLVHints", 260, coltypLongBinary, false},
}

// MSysObjects column ids the create code sets.
const (
	msoObjidTable    = 1
	msoType          = 2
	msoID            = 3
	msoColtypOrPgno  = 4
	msoSpaceUsage    = 5
	msoFlags         = 6
	msoPagesOrLocale = 7
	msoRootFlag      = 8
	msoRecordOffset  = 9
	msoLCMapFlags    = 10
	msoName          = 128
	msoKeyFldIDs     = 132
)

// columnSize is the stored size of a column of a type (UlCATColumnSize
// without an explicit length): the fixed size of fixed types, 255 bytes
// (JET_cbColumnMost) for Binary and Text, 0 for long values.
func columnSize(coltyp uint32) uint32 {
	switch coltyp {
	case coltypBit:
		return 1
	case coltypShort, coltypUnsignedShort:
		return 2
	case coltypLong:
		return 4
	case coltypBinary, coltypText:
		return 255
	}
	return 0
}

// catalogFixedOffsets maps each fixed column of the legacy catalog to its
// offset in a record: fixed columns follow each other in column-id order
// from recFixedStart (the record offsets computed when the catalog is
// opened).
func catalogFixedOffsets() map[uint16]int {
	var fixed []catalogColumn
	for _, c := range legacyCatalogColumns {
		if c.fid < fidVarLeast {
			fixed = append(fixed, c)
		}
	}
	slices.SortFunc(fixed, func(a, b catalogColumn) int { return int(a.fid) - int(b.fid) })
	off := map[uint16]int{}
	ib := recFixedStart
	for _, c := range fixed {
		off[c.fid] = ib
		ib += int(columnSize(c.coltyp))
	}
	return off
}

// catalogColumnByFid returns the legacy catalog column fid.
func catalogColumnByFid(fid uint16) (catalogColumn, bool) {
	for _, c := range legacyCatalogColumns {
		if c.fid == fid {
			return c, true
		}
	}
	return catalogColumn{}, false
}

// encodeCatalogRecord lays out a catalog record whose set columns are
// vals (column id to stored bytes), as ErrCATIInsert builds it in an empty
// record: the highest fixed column is set first, which makes room for
// every fixed column up to it (filled with recFill) and a null bitmap
// whose bits all start set (null, unused bits included); each set fixed
// column then stores its bytes and clears its bit. The variable columns
// up to the highest one set get an end offset each (a null one repeats
// the previous end with recVarNull), then their data. Tagged columns are
// not supported: the create code sets none.
func encodeCatalogRecord(vals map[uint16][]byte) ([]byte, error) {
	offs := catalogFixedOffsets()
	lastFixed, lastVar := uint16(0), uint16(fidVarLeast-1)
	for fid, v := range vals {
		c, ok := catalogColumnByFid(fid)
		if !ok {
			return nil, fmt.Errorf("recovery: column %d is not a column of the legacy catalog", fid)
		}
		switch {
		case fid < fidVarLeast:
			if len(v) != int(columnSize(c.coltyp)) {
				return nil, fmt.Errorf("recovery: catalog column %s takes %d bytes, not %d", c.name, columnSize(c.coltyp), len(v))
			}
			lastFixed = max(lastFixed, fid)
		case fid < fidTaggedLeast:
			if len(v) > int(columnSize(c.coltyp)) {
				return nil, fmt.Errorf("recovery: catalog column %s holds at most %d bytes, not %d", c.name, columnSize(c.coltyp), len(v))
			}
			lastVar = max(lastVar, fid)
		default:
			return nil, fmt.Errorf("recovery: tagged catalog column %s is not set by the create code", c.name)
		}
	}
	if lastFixed == 0 {
		return nil, fmt.Errorf("recovery: a catalog record sets at least one fixed column")
	}
	fixedEnd := offs[lastFixed] + len(vals[lastFixed])
	bitmap := (int(lastFixed) + 7) / 8
	rec := make([]byte, fixedEnd+bitmap)
	rec[0] = byte(lastFixed)
	rec[1] = byte(lastVar)
	binary.LittleEndian.PutUint16(rec[2:], uint16(fixedEnd+bitmap))
	for i := recFixedStart; i < fixedEnd; i++ {
		rec[i] = recFill
	}
	for i := fixedEnd; i < fixedEnd+bitmap; i++ {
		rec[i] = 0xff
	}
	for fid := uint16(fidFixedLeast); fid <= lastFixed; fid++ {
		v, ok := vals[fid]
		if !ok {
			continue
		}
		copy(rec[offs[fid]:], v)
		bit := int(fid - fidFixedLeast)
		rec[fixedEnd+bit/8] &^= 1 << (bit % 8)
	}
	var data []byte
	for fid := uint16(fidVarLeast); fid <= lastVar; fid++ {
		v, ok := vals[fid]
		data = append(data, v...)
		end := uint16(len(data))
		if !ok {
			end |= recVarNull
		}
		rec = binary.LittleEndian.AppendUint16(rec, end)
	}
	return append(rec, data...), nil
}

// Key normalization (fldnorm.cxx) of the catalog's key columns: every
// non-null segment starts with 0x7f; signed integers follow big-endian
// with the sign bit flipped; a Bit column is 0x00 or 0xff; non-Unicode
// text is its bytes upper-cased in the C locale (a-z only) and ended by
// a 0 byte (ErrUtilNormText).
const keySegmentPresent = 0x7f

func keyLong(b []byte, v int32) []byte {
	return binary.BigEndian.AppendUint32(append(b, keySegmentPresent), uint32(v)^0x80000000)
}

func keyShort(b []byte, v int16) []byte {
	return binary.BigEndian.AppendUint16(append(b, keySegmentPresent), uint16(v)^0x8000)
}

func keyBit(b []byte, v bool) []byte {
	if v {
		return append(b, keySegmentPresent, 0xff)
	}
	return append(b, keySegmentPresent, 0x00)
}

func keyText(b []byte, s string) []byte {
	b = append(b, keySegmentPresent)
	for i := 0; i < len(s) && s[i] != 0; i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		b = append(b, c)
	}
	return append(b, 0)
}

// catalogEntry is one record of MSysObjects with the keys it has in the
// catalog's indexes.
type catalogEntry struct {
	// record is the encoded record.
	record []byte
	// primary is the key of the Id index (ObjidTable, Type, Id), the
	// clustered index of MSysObjects and of its shadow.
	primary []byte
	// name is the key of the Name index (ObjidTable, Type, Name).
	name []byte
	// root is the key of the RootObjects index (RootFlag, Name); nil for
	// records without RootFlag (the index ignores them).
	root []byte
}

// catalogObject is what a catalog record describes.
type catalogObject struct {
	objidTable uint32
	typ        int16
	id         uint32
	name       string
	// columns other than ObjidTable, Type, Id and Name.
	vals map[uint16][]byte
}

func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }

// entry encodes the record and its keys.
func (o catalogObject) entry() (catalogEntry, error) {
	vals := map[uint16][]byte{
		msoObjidTable: le32(o.objidTable),
		msoType:       le16(uint16(o.typ)),
		msoID:         le32(o.id),
		msoName:       []byte(o.name),
	}
	for k, v := range o.vals {
		vals[k] = v
	}
	rec, err := encodeCatalogRecord(vals)
	if err != nil {
		return catalogEntry{}, err
	}
	e := catalogEntry{record: rec}
	e.primary = keyLong(keyShort(keyLong(nil, int32(o.objidTable)), o.typ), int32(o.id))
	e.name = keyText(keyShort(keyLong(nil, int32(o.objidTable)), o.typ), o.name)
	if rf, ok := vals[msoRootFlag]; ok {
		e.root = keyText(keyBit(nil, rf[0] != 0), o.name)
	}
	return e, nil
}

// Values the create code stores in the catalog records of the system
// tables.
const (
	// catalogDensity is the density of tables and indexes
	// (ulFILEDefaultDensity, 80%).
	catalogDensity = 80
	// catalogTableFlags: JET_bitObjectSystem | JET_bitObjectTableFixedDDL.
	catalogTableFlags = 0xC0000000
	// catalogCodePage is the code page of every catalog column (1252,
	// usEnglishCodePage).
	catalogCodePage = 1252
	// catalogColumnNotNull is the persisted column flag of a NOT NULL
	// column (ffieldNotNull).
	catalogColumnNotNull = 0x0001
	// catalogLocale is the locale of the catalog's indexes (en-US).
	catalogLocale = 0x0409
	// catalogLCMapFlags are the default LCMapString flags of an index
	// (LCMAP_SORTKEY | NORM_IGNORECASE | NORM_IGNOREKANATYPE |
	// NORM_IGNOREWIDTH).
	catalogLCMapFlags = 0x00030401
)

// Persisted flags of the catalog's indexes: IDB flags in the low word
// (fidbUnique 0x1, fidbAllowSomeNulls 0x8, fidbNoNullSeg 0x10,
// fidbPrimary 0x20) and IDX flags in the high word (0x1: index segments
// of 4 bytes).
const (
	catalogIdxIDFlags          = 0x00010031 // Id: primary, unique, no null segment
	catalogIdxNameFlags        = 0x00010011 // Name: unique, no null segment
	catalogIdxRootObjectsFlags = 0x00010009 // RootObjects: unique, first segment may be null
)

// catalogTable returns the record of a system table (ErrCATAddTable).
func catalogTable(objid uint32, name string, pgnoFDP, cpgInitial uint32) catalogObject {
	return catalogObject{objidTable: objid, typ: sysobjTable, id: objid, name: name, vals: map[uint16][]byte{
		msoColtypOrPgno:  le32(pgnoFDP),
		msoSpaceUsage:    le32(catalogDensity),
		msoFlags:         le32(catalogTableFlags),
		msoPagesOrLocale: le32(cpgInitial),
		msoRootFlag:      {0xff},
	}}
}

// catalogColumnRecord returns the record of column c of table objid
// (ErrCATAddTableColumn): a fixed column also stores its record offset,
// left at the start of the fixed columns (the catalog computes the real
// offsets when it is opened).
func catalogColumnRecord(objid uint32, c catalogColumn) catalogObject {
	var flags uint32
	if c.notNull {
		flags = catalogColumnNotNull
	}
	o := catalogObject{objidTable: objid, typ: sysobjColumn, id: uint32(c.fid), name: c.name, vals: map[uint16][]byte{
		msoColtypOrPgno:  le32(c.coltyp),
		msoSpaceUsage:    le32(columnSize(c.coltyp)),
		msoFlags:         le32(flags),
		msoPagesOrLocale: le32(catalogCodePage),
	}}
	if c.fid < fidVarLeast {
		o.vals[msoRecordOffset] = le16(recFixedStart)
	}
	return o
}

// catalogIndex returns the record of an index of table objidTable over
// the columns keyFids, ascending (ErrCATAddTableIndex): the key segments
// are stored as 4-byte IDXSEGs (flags u16, column id u16).
func catalogIndex(objidTable, objidIndex uint32, name string, pgnoFDP, flags uint32, keyFids ...uint16) catalogObject {
	var segs []byte
	for _, fid := range keyFids {
		segs = binary.LittleEndian.AppendUint16(segs, 0)
		segs = binary.LittleEndian.AppendUint16(segs, fid)
	}
	return catalogObject{objidTable: objidTable, typ: sysobjIndex, id: objidIndex, name: name, vals: map[uint16][]byte{
		msoColtypOrPgno:  le32(pgnoFDP),
		msoSpaceUsage:    le32(catalogDensity),
		msoFlags:         le32(flags),
		msoPagesOrLocale: le32(catalogLocale),
		msoLCMapFlags:    le32(catalogLCMapFlags),
		msoKeyFldIDs:     segs,
	}}
}

// insertSorted inserts the node key/data into a single-page tree root at
// the line its key sorts to.
func insertSorted(p *Page, key, data []byte) error {
	lo, hi := 0, p.Lines()
	for lo < hi {
		m := (lo + hi) / 2
		k, err := p.Key(m)
		if err != nil {
			return err
		}
		switch c := bytes.Compare(k, key); {
		case c == 0:
			return ese.NewFormatError("catalog page", -1, ese.ErrDatabaseCorrupted, "key % x is already on the page", key)
		case c < 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return p.InsertNode(lo, Node{Suffix: key, Data: data})
}
