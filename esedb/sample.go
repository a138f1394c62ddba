package esedb

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/btree"
	"github.com/esekit/esekit/internal/xpress"
)

// samplePrimaryKey is the key SampleDatabase gives row id.
func samplePrimaryKey(id int32) []byte {
	return binary.BigEndian.AppendUint32([]byte{0x7F}, uint32(id)^0x80000000)
}

func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

func utf16le(s string) []byte {
	var b []byte
	for _, r := range s {
		b = binary.LittleEndian.AppendUint16(b, uint16(r))
	}
	return b
}

// peopleTable is the definition the catalog rows of SampleDatabase
// describe.
func peopleTable() *Table {
	t := &Table{Name: "people", Objid: 8, PgnoFDP: 10, LVObjid: 9, LVPgnoFDP: 11}
	t.Columns = []*Column{
		{ID: 1, Name: "Id", Type: TypeLong, Flags: ColumnNotNull},
		{ID: 2, Name: "Age", Type: TypeShort},
		{ID: 3, Name: "Score", Type: TypeIEEEDouble},
		{ID: 128, Name: "Name", Type: TypeText, Codepage: 1200, MaxSize: 255},
		{ID: 129, Name: "Nick", Type: TypeText, Codepage: 1252, MaxSize: 255},
		{ID: 256, Name: "Tags", Type: TypeText, Codepage: 1252, Flags: ColumnMultivalued},
		{ID: 257, Name: "Bio", Type: TypeLongText, Codepage: 1252, Flags: ColumnDefault, Default: []byte("none")},
		{ID: 258, Name: "Photo", Type: TypeLongBinary, Flags: ColumnCompressed},
	}
	t.finish()
	return t
}

// SampleDatabase returns a small database, with pages of pageSize bytes
// (4096 or 32768 exercise both record forms), for tests and examples. Table "people" (objid 8, data tree at page 10, long values at page 11,
// index "ByName" at page 12) has columns Id (1, Long), Age (2, Short),
// Score (3, IEEEDouble), Name (128, Text, Unicode), Nick (129, Text,
// ASCII), Tags (256, Text, multi-valued), Bio (257, LongText, ASCII,
// default "none"), Photo (258, LongBinary). Rows, in key order:
//
//	Id 1: Age 30, Score 1.5, Name "Ann", Nick "a", Tags ["x","y"], Bio separated (LID 1, 3000 bytes of "ab" repeated, two chunks, the second 7-bit packed), Photo 0xCAFE
//	Id 2: Age NULL, Score -2, Name "Bob", Nick NULL, Tags NULL, Bio default, Photo compressed (7-bit ASCII "hello world")
//	Id 3: flagged deleted: Age 99, Name "Del"
//	Id 4: Age -1, Score 0, Name "Émile" (a lone surrogate after it kept), Tags ["z"], Bio "short"
//
// "ByName" maps names to primary keys: Ann, Bob, Del, Émile.
func SampleDatabase(pageSize int) ([]byte, error) {
	if !ese.ValidPageSize(pageSize) {
		return nil, fmt.Errorf("esedb: page size %d", pageSize)
	}
	var failed error
	large := ese.IsLargePage(pageSize)
	cat := catalogTable()
	people := peopleTable()
	col := func(tb *Table, name string) *Column { return tb.Column(name) }
	fv := func(tb *Table, name string, v ...[]byte) FieldValue {
		return FieldValue{Column: col(tb, name), Values: v}
	}
	rec := func(tb *Table, vals ...FieldValue) []byte {
		b, err := EncodeRecord(tb, large, vals)
		if err != nil && failed == nil {
			failed = err
		}
		return b
	}
	// Catalog rows, keyed in catalog order.
	var catNodes []btree.Node
	catRow := func(objidTable uint32, typ uint16, id uint32, name string, coltypPgno, spaceUsage, flags, pages uint32, extra ...FieldValue) {
		vals := []FieldValue{
			fv(cat, "ObjidTable", le32(objidTable)), fv(cat, "Type", le16(typ)), fv(cat, "Id", le32(id)),
			fv(cat, "ColtypOrPgnoFDP", le32(coltypPgno)), fv(cat, "SpaceUsage", le32(spaceUsage)),
			fv(cat, "Flags", le32(flags)), fv(cat, "PagesOrLocale", le32(pages)), fv(cat, "Name", []byte(name)),
		}
		key := binary.BigEndian.AppendUint32(nil, objidTable)
		key = binary.BigEndian.AppendUint16(key, typ)
		key = binary.BigEndian.AppendUint32(key, id)
		catNodes = append(catNodes, btree.Node{Suffix: key, Data: rec(cat, append(vals, extra...)...)})
	}
	catRow(8, sysobjTable, 8, "people", 10, 80, 0, 1, fv(cat, "RootFlag", []byte{0xFF}))
	for _, c := range people.Columns {
		var extra []FieldValue
		if c.Fixed() {
			extra = append(extra, fv(cat, "RecordOffset", le16(uint16(c.offset))))
		}
		if c.Default != nil {
			extra = append(extra, fv(cat, "DefaultValue", c.Default))
		}
		catRow(8, sysobjColumn, c.ID, c.Name, uint32(c.Type), c.MaxSize, c.Flags, c.Codepage, extra...)
	}
	// Indexes: the primary on Id (old key format: signed column ids), and
	// ByName on Name (IDXSEG format, fIDXExtendedColumns in the high half
	// of Flags).
	catRow(8, sysobjIndex, 8, "PK", 10, 80, IndexPrimary|IndexUnique, 1033, fv(cat, "KeyFldIDs", le16(1)))
	catRow(8, sysobjIndex, 10, "ByName", 12, 80, idxExtendedColumns<<16, 1033, fv(cat, "KeyFldIDs", []byte{0, 0, 128, 0}))
	catRow(8, sysobjLongValue, 9, "LV", 11, 80, 0, 1)

	// Rows.
	bio := bytes.Repeat([]byte("ab"), 1500)
	packed, _ := xpress.Encode7Bit(bio[2000:], false)
	photo, _ := xpress.Encode7Bit([]byte("hello world"), false)
	name4 := append(utf16le("Émile"), 0x00, 0xD8) // a lone high surrogate
	rows := []struct {
		id      int32
		deleted bool
		vals    []FieldValue
	}{
		{1, false, []FieldValue{fv(people, "Id", le32(1)), fv(people, "Age", le16(30)), fv(people, "Score", le64f(1.5)),
			fv(people, "Name", utf16le("Ann")), fv(people, "Nick", []byte("a")), fv(people, "Tags", []byte("x"), []byte("y")),
			{Column: col(people, "Bio"), Values: [][]byte{le32(1)}, Separated: true}, fv(people, "Photo", []byte{0xCA, 0xFE})}},
		{2, false, []FieldValue{fv(people, "Id", le32(2)), fv(people, "Score", le64f(-2)), fv(people, "Name", utf16le("Bob")),
			{Column: col(people, "Photo"), Values: [][]byte{photo}, Compressed: true}}},
		{3, true, []FieldValue{fv(people, "Id", le32(3)), fv(people, "Age", le16(99)), fv(people, "Name", utf16le("Del"))}},
		{4, false, []FieldValue{fv(people, "Id", le32(4)), fv(people, "Age", le16(0xFFFF)), fv(people, "Score", le64f(0)),
			fv(people, "Name", name4), fv(people, "Tags", []byte("z")), fv(people, "Bio", []byte("short"))}},
	}
	var dataNodes, ixNodes []btree.Node
	for _, r := range rows {
		n := btree.Node{Suffix: samplePrimaryKey(r.id), Data: rec(people, r.vals...)}
		if r.deleted {
			n.Flags = btree.NodeDeleted
		}
		dataNodes = append(dataNodes, n)
	}
	for i, name := range []string{"Ann", "Bob", "Del", "Émile"} {
		n := btree.Node{Suffix: append([]byte{0x7F}, []byte(name)...), Data: samplePrimaryKey(int32(i + 1))}
		if name == "Del" {
			n.Flags = btree.NodeDeleted
		}
		ixNodes = append(ixNodes, n)
	}
	lid := []byte{0, 0, 0, 1}
	lvNodes := []btree.Node{
		{Suffix: lid, Data: append(le32(1), le32(uint32(len(bio)))...)},
		{Suffix: append(append([]byte{}, lid...), 0, 0, 0, 0), Data: bio[:2000]},
		{Suffix: append(append([]byte{}, lid...), 0, 0, 0x07, 0xD0), Data: packed},
	}

	pages := map[uint32][]byte{}
	root := ese.PageRoot | ese.PageLeaf
	for _, p := range []struct {
		pgno, objid uint32
		flags       ese.PageFlags
		nodes       []btree.Node
	}{
		{4, 2, root, catNodes},
		{10, 8, root | ese.PageNewRecordFormat, dataNodes},
		{11, 9, root | ese.PageLongValue, lvNodes},
		{12, 10, root | ese.PageIndex, ixNodes},
	} {
		b, err := btree.EncodePage(pageSize, p.pgno, ese.PageHeader{ObjidFDP: p.objid, Flags: p.flags}, make([]byte, 16), p.nodes)
		if err != nil {
			return nil, err
		}
		pages[p.pgno] = b
	}
	h := &ese.DBHeader{Magic: ese.DBMagic, FormatVersion: ese.DBFormatVersion, PageSize: uint32(pageSize), State: ese.DBStateCleanShutdown, FileType: ese.FileTypeDatabase}
	hdr := h.Encode(pageSize)
	const npages = 13
	file := make([]byte, (npages+2)*pageSize)
	copy(file, hdr)
	copy(file[pageSize:], hdr)
	for pgno, b := range pages {
		copy(file[(int(pgno)+1)*pageSize:], b)
	}
	return file, failed
}

func le64f(f float64) []byte { return binary.LittleEndian.AppendUint64(nil, math.Float64bits(f)) }
