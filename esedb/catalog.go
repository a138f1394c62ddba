package esedb

import (
	"fmt"
	"sort"
	"strings"

	"github.com/esekit/esekit/internal/bin"
)

// Catalog object types (SYSOBJ in dev/ese/src/inc/daedef.hxx).
const (
	sysobjTable     = 1
	sysobjColumn    = 2
	sysobjIndex     = 3
	sysobjLongValue = 4
	sysobjCallback  = 5
)

// Catalog location: the MSysObjects tree has its root at page 4
// (pgnoFDPMSO in dev/ese/src/inc/cat.hxx).
const pgnoCatalog = 4

// Column flags as the catalog stores them (FIELDFLAG in
// dev/ese/src/inc/tdb.hxx).
const (
	ColumnNotNull         = 0x0001
	ColumnVersion         = 0x0002
	ColumnAutoincrement   = 0x0004
	ColumnMultivalued     = 0x0008
	ColumnDefault         = 0x0010
	ColumnEscrowUpdate    = 0x0020
	ColumnFinalize        = 0x0040
	ColumnUserDefinedDflt = 0x0080
	ColumnTemplateESE98   = 0x0100
	ColumnDeleteOnZero    = 0x0200
	ColumnCompressed      = 0x1000
	ColumnEncrypted       = 0x2000
)

// Index flags as the catalog stores them (IDBFLAG in
// dev/ese/src/inc/idb.hxx), the low 16 bits of the Flags column.
const (
	IndexUnique        = 0x0001
	IndexAllowAllNulls = 0x0002
	IndexPrimary       = 0x0020
	IndexLocaleSet     = 0x0040
	IndexMultivalued   = 0x0080
	IndexTemplate      = 0x0100
	IndexDerived       = 0x0200
	IndexLocalizedText = 0x0400
	IndexSortNullsHigh = 0x0800
	IndexTuples        = 0x0800 << 16 // fidbTuples, kept in the IDXFLAG half
)

// idxExtendedColumns is IDXFLAG fIDXExtendedColumns: key columns are
// 4-byte IDXSEGs, not signed 2-byte column ids.
const idxExtendedColumns = 0x0001

// IDXSEG flags (dev/ese/src/inc/daedef.hxx).
const (
	idxsegTemplate   = 0x80
	idxsegDescending = 0x40
)

// Column is a column of a table, from its catalog row.
type Column struct {
	// ID is the column id: 1-127 fixed, 128-255 variable, 256 and up
	// tagged.
	ID uint32
	// Name is the column's name.
	Name string
	// Type is the JET_coltyp.
	Type ColumnType
	// Flags are the catalog's column flags (ColumnNotNull, ...).
	Flags uint32
	// Codepage is the text code page: 1200 for UTF-16LE, 1252 or 20127
	// for single-byte text (0 is read as 1252).
	Codepage uint32
	// MaxSize is the catalog's SpaceUsage: the column's maximum length
	// in bytes (0: the type's default), the size of fixed Text and Binary
	// columns.
	MaxSize uint32
	// RecordOffset is the byte offset of a fixed column in the record (0
	// when the catalog does not give it; then it is computed).
	RecordOffset int
	// Default is the default value's bytes, nil when the column has none.
	Default []byte
	// FromTemplate is set for the columns a derived table takes from its
	// template table.
	FromTemplate bool

	offset, size int // where a fixed column's value lies
}

// Fixed reports whether the column is a fixed column (ids 1-127).
func (c *Column) Fixed() bool { return c.ID < fidVarLeast }

// Variable reports whether the column is a variable column (ids 128-255).
func (c *Column) Variable() bool { return c.ID >= fidVarLeast && c.ID < fidTaggedLeast }

// Tagged reports whether the column is a tagged column (ids 256 and up).
func (c *Column) Tagged() bool { return c.ID >= fidTaggedLeast }

// MultiValued reports whether the column may hold several values.
func (c *Column) MultiValued() bool { return c.Flags&ColumnMultivalued != 0 }

// IndexColumn is one key column of an index.
type IndexColumn struct {
	// ID is the column id.
	ID uint32
	// Descending is set when the column sorts in descending order.
	Descending bool
}

// Index is an index of a table.
type Index struct {
	// Name is the index name.
	Name string
	// Objid is the index's object id; PgnoFDP its tree's root page
	// (the table's own tree for the primary index).
	Objid, PgnoFDP uint32
	// Flags are the catalog's index flags (IndexUnique, IndexPrimary,
	// ...; the IDXFLAG half in the high 16 bits).
	Flags uint32
	// Columns are the key columns in key order.
	Columns []IndexColumn
	// LCID is the locale id of older databases (PagesOrLocale); newer
	// ones name the locale in LocaleName.
	LCID uint32
	// LocaleName is the locale name of text keys ("en-US"), when stored.
	LocaleName string
	// LCMapFlags are the LCMapString flags of text keys.
	LCMapFlags uint32
	// KeyMost is the longest key in bytes (0: the catalog does not say;
	// 255 applies).
	KeyMost int
	// VarSegMac is the most bytes of a variable column in a key segment
	// (0: KeyMost).
	VarSegMac int
}

// Primary reports whether the index is the table's primary index.
func (ix *Index) Primary() bool { return ix.Flags&IndexPrimary != 0 }

// Unique reports whether the index's keys are unique.
func (ix *Index) Unique() bool { return ix.Flags&IndexUnique != 0 }

// Table is a table of the database, from the catalog.
type Table struct {
	// Name is the table name.
	Name string
	// Objid is the table's object id; PgnoFDP the root page of its data
	// tree.
	Objid, PgnoFDP uint32
	// Flags are the catalog's table flags (JET_bitObject...).
	Flags uint32
	// TemplateName is the name of the template table a derived table was
	// created from ("" for other tables); Template is that table.
	TemplateName string
	Template     *Table
	// Columns are the table's columns ordered by id, a derived table's
	// template columns included.
	Columns []*Column
	// Indexes are the table's indexes in catalog order.
	Indexes []*Index
	// LVObjid and LVPgnoFDP locate the long-value tree (0 when the table
	// has none).
	LVObjid, LVPgnoFDP uint32
	// Callbacks are the names of callback rows.
	Callbacks []string

	byName map[string]*Column
}

// Column returns the column named name (case-insensitive, like the
// engine), or nil.
func (t *Table) Column(name string) *Column {
	if c, ok := t.byName[name]; ok {
		return c
	}
	return t.byName[strings.ToLower(name)]
}

// ColumnByID returns the column with id id, or nil.
func (t *Table) ColumnByID(id uint32) *Column {
	i := sort.Search(len(t.Columns), func(i int) bool { return t.Columns[i].ID >= id })
	if i < len(t.Columns) && t.Columns[i].ID == id {
		return t.Columns[i]
	}
	return nil
}

// Index returns the index named name (case-insensitive), or nil.
func (t *Table) Index(name string) *Index {
	for _, ix := range t.Indexes {
		if strings.EqualFold(ix.Name, name) {
			return ix
		}
	}
	return nil
}

// PrimaryIndex returns the primary index, or nil when the table has none
// (its rows are then keyed by a sequence number).
func (t *Table) PrimaryIndex() *Index {
	for _, ix := range t.Indexes {
		if ix.Primary() {
			return ix
		}
	}
	return nil
}

// finish orders the columns, computes the offsets of fixed columns and
// builds the name map.
func (t *Table) finish() {
	sort.SliceStable(t.Columns, func(i, j int) bool { return t.Columns[i].ID < t.Columns[j].ID })
	// The catalog's record offsets are used when they increase with the
	// column id (the catalog's listing of its own columns stores 4 for
	// every one); otherwise each fixed column follows the one before.
	useStored, prev := true, 0
	for _, c := range t.Columns {
		if c.Fixed() {
			if c.RecordOffset <= prev || c.RecordOffset < recHeaderSize {
				useStored = false
			}
			prev = c.RecordOffset
		}
	}
	off := recHeaderSize
	for _, c := range t.Columns {
		if !c.Fixed() {
			continue
		}
		c.size = c.Type.FixedSize()
		if c.size == 0 {
			c.size = int(c.MaxSize)
		}
		c.offset = off
		if useStored {
			c.offset = c.RecordOffset
		}
		off = c.offset + c.size
	}
	t.byName = make(map[string]*Column, 2*len(t.Columns))
	for _, c := range t.Columns {
		t.byName[c.Name] = c
		if _, ok := t.byName[strings.ToLower(c.Name)]; !ok {
			t.byName[strings.ToLower(c.Name)] = c
		}
	}
}

// catalogTable is the definition of MSysObjects itself (rgcdescMSO in
// dev/ese/src/ese/_cat.cxx; column ids from dev/ese/src/inc/cat.hxx).
func catalogTable() *Table {
	t := &Table{Name: "MSysObjects", Objid: 2, PgnoFDP: pgnoCatalog}
	add := func(id uint32, name string, typ ColumnType) {
		t.Columns = append(t.Columns, &Column{ID: id, Name: name, Type: typ, Codepage: 1252})
	}
	add(1, "ObjidTable", TypeLong)
	add(2, "Type", TypeShort)
	add(3, "Id", TypeLong)
	add(4, "ColtypOrPgnoFDP", TypeLong)
	add(5, "SpaceUsage", TypeLong)
	add(6, "Flags", TypeLong)
	add(7, "PagesOrLocale", TypeLong)
	add(8, "RootFlag", TypeBit)
	add(9, "RecordOffset", TypeShort)
	add(10, "LCMapFlags", TypeLong)
	add(11, "KeyMost", TypeUnsignedShort)
	add(12, "LVChunkMax", TypeLong)
	add(13, "PgnoFDPLastSetTime", TypeLongLong)
	add(128, "Name", TypeText)
	add(129, "Stats", TypeBinary)
	add(130, "TemplateTable", TypeText)
	add(131, "DefaultValue", TypeBinary)
	add(132, "KeyFldIDs", TypeBinary)
	add(133, "VarSegMac", TypeBinary)
	add(134, "ConditionalColumns", TypeBinary)
	add(135, "TupleLimits", TypeBinary)
	add(136, "Version", TypeBinary)
	add(137, "SortID", TypeBinary)
	add(256, "CallbackData", TypeLongBinary)
	add(257, "CallbackDependencies", TypeLongBinary)
	add(258, "SeparateLVThreshold", TypeLong)
	add(259, "SpaceHints", TypeBinary)
	add(260, "SpaceLVDeferredHints", TypeBinary)
	add(261, "LocaleName", TypeLongText)
	t.ColumnByID(261).Codepage = 1200
	t.finish()
	return t
}

// catRow is one decoded catalog row.
type catRow struct {
	objidTable uint32
	typ        int
	id         uint32
	coltypPgno uint32
	spaceUsage uint32
	flags      uint32
	pages      uint32
	recOffset  int
	lcmap      uint32
	keyMost    int
	name       string
	template   string
	dflt       []byte
	keyFlds    []byte
	varSegMac  []byte
	localeName string
}

// columnsByID returns t's columns indexed by column id.
func columnsByID(t *Table) []*Column {
	var out []*Column
	for _, c := range t.Columns {
		if int(c.ID) >= len(out) {
			out = append(out, make([]*Column, int(c.ID)+1-len(out))...)
		}
		out[c.ID] = c
	}
	return out
}

// decodeCatRow reads a catalog row from a record; cols are the catalog's
// columns by id (columnsByID).
func decodeCatRow(r *Record, cols []*Column) (catRow, error) {
	var row catRow
	value := func(id uint32) (Value, error) {
		if int(id) < len(cols) && cols[id] != nil {
			return r.Value(cols[id])
		}
		return r.ValueByID(id)
	}
	u32 := func(id uint32) (uint32, error) {
		v, err := value(id)
		if err != nil || v.Null || len(v.Data) < 4 {
			return 0, err
		}
		return bin.U32(v.Data, 0), nil
	}
	u16 := func(id uint32) (int, error) {
		v, err := value(id)
		if err != nil || v.Null || len(v.Data) < 2 {
			return 0, err
		}
		return int(bin.U16(v.Data, 0)), nil
	}
	raw := func(id uint32) ([]byte, error) {
		v, err := value(id)
		if err != nil || v.Null {
			return nil, err
		}
		return v.Data, nil
	}
	var err error
	var typ int
	fields := []struct {
		dst *uint32
		id  uint32
	}{{&row.objidTable, 1}, {&row.id, 3}, {&row.coltypPgno, 4}, {&row.spaceUsage, 5}, {&row.flags, 6}, {&row.pages, 7}, {&row.lcmap, 10}}
	for _, f := range fields {
		if *f.dst, err = u32(f.id); err != nil {
			return row, err
		}
	}
	if typ, err = u16(2); err != nil {
		return row, err
	}
	row.typ = typ
	if row.recOffset, err = u16(9); err != nil {
		return row, err
	}
	if row.keyMost, err = u16(11); err != nil {
		return row, err
	}
	name, err := raw(128)
	if err != nil {
		return row, err
	}
	row.name = decodeText(name, 1252)
	tmpl, err := raw(130)
	if err != nil {
		return row, err
	}
	row.template = decodeText(tmpl, 1252)
	if row.dflt, err = raw(131); err != nil {
		return row, err
	}
	if row.keyFlds, err = raw(132); err != nil {
		return row, err
	}
	if row.varSegMac, err = raw(133); err != nil {
		return row, err
	}
	loc, err := raw(261)
	if err != nil {
		return row, err
	}
	row.localeName = strings.TrimRight(decodeText(loc, 1200), "\x00")
	return row, nil
}

// keyColumns decodes the KeyFldIDs of an index row.
func keyColumns(b []byte, idxflags uint32) []IndexColumn {
	var out []IndexColumn
	if idxflags&idxExtendedColumns != 0 {
		for i := 0; i+4 <= len(b); i += 4 {
			out = append(out, IndexColumn{ID: uint32(bin.U16(b, i+2)), Descending: b[i]&idxsegDescending != 0})
		}
		return out
	}
	for i := 0; i+2 <= len(b); i += 2 {
		v := int16(bin.U16(b, i))
		c := IndexColumn{ID: uint32(v)}
		if v < 0 {
			c = IndexColumn{ID: uint32(-int32(v)), Descending: true}
		}
		out = append(out, c)
	}
	return out
}

// buildCatalog assembles tables from catalog rows in catalog order. A
// derived table whose template the catalog does not hold is kept without
// its template columns, with a warning.
func buildCatalog(rows []*catRow) (tables []*Table, warnings []string, err error) {
	byObjid := map[uint32]*Table{}
	for _, r := range rows {
		if r.typ == sysobjTable {
			t := &Table{Name: r.name, Objid: r.id, PgnoFDP: r.coltypPgno, Flags: r.flags, TemplateName: r.template}
			byObjid[r.id] = t
			tables = append(tables, t)
		}
	}
	for _, r := range rows {
		t := byObjid[r.objidTable]
		if t == nil {
			continue
		}
		switch r.typ {
		case sysobjColumn:
			if r.id < fidFixedLeast || r.id > 0xFFFF {
				return nil, nil, fmt.Errorf("esedb: table %q: column %q has id %d", t.Name, r.name, r.id)
			}
			c := &Column{ID: r.id, Name: r.name, Type: ColumnType(r.coltypPgno), Flags: r.flags, Codepage: r.pages, MaxSize: r.spaceUsage, RecordOffset: r.recOffset}
			if r.dflt != nil {
				c.Default = append([]byte{}, r.dflt...)
			}
			t.Columns = append(t.Columns, c)
		case sysobjIndex:
			ix := &Index{Name: r.name, Objid: r.id, PgnoFDP: r.coltypPgno, Flags: r.flags, LCID: r.pages, LCMapFlags: r.lcmap, KeyMost: r.keyMost, LocaleName: r.localeName}
			ix.Columns = keyColumns(r.keyFlds, r.flags>>16)
			if len(r.varSegMac) >= 2 {
				ix.VarSegMac = int(bin.U16(r.varSegMac, 0))
			}
			t.Indexes = append(t.Indexes, ix)
		case sysobjLongValue:
			t.LVObjid, t.LVPgnoFDP = r.id, r.coltypPgno
		case sysobjCallback:
			t.Callbacks = append(t.Callbacks, r.name)
		}
	}
	byName := map[string]*Table{}
	for _, t := range tables {
		byName[strings.ToLower(t.Name)] = t
	}
	for _, t := range tables {
		if t.TemplateName == "" {
			continue
		}
		tt := byName[strings.ToLower(t.TemplateName)]
		if tt == nil || tt == t {
			warnings = append(warnings, fmt.Sprintf("table %q names template table %q, which the catalog does not hold: read without template columns", t.Name, t.TemplateName))
			continue
		}
		t.Template = tt
		own := map[uint32]bool{}
		for _, c := range t.Columns {
			own[c.ID] = true
		}
		for _, c := range tt.Columns {
			if !own[c.ID] {
				cc := *c
				cc.FromTemplate = true
				t.Columns = append(t.Columns, &cc)
			}
		}
	}
	for _, t := range tables {
		t.finish()
	}
	return tables, warnings, nil
}
