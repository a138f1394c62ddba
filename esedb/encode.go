package esedb

import (
	"encoding/binary"
	"fmt"
	"sort"
)

// FieldValue is one column's value for EncodeRecord.
type FieldValue struct {
	// Column is the column (of the table passed to EncodeRecord).
	Column *Column
	// Null stores an explicit NULL (a tagged column's NULL overrides its
	// default value).
	Null bool
	// Values are the value's bytes: one for a single value, several for
	// a multi-valued tagged column.
	Values [][]byte
	// Separated stores a tagged long value as a reference to the
	// long-value tree: Values[0] is the 4- or 8-byte little-endian LID.
	// Compressed marks Values[0] of a tagged column as compressed data.
	Separated, Compressed bool
}

// EncodeRecord builds a record of table t in the layout parseRecord reads
// (REC in dev/ese/src/inc/rec.hxx): every fixed column of the table (NULL
// when not given), the variable columns up to the last one given, then
// the tagged columns given, in column-id order, multi-values in the
// MULTIVALUES form. Values are stored as they are: long values are kept
// in the record (intrinsic), never separated or compressed. large selects
// the tagged form of 16 and 32 KiB pages.
func EncodeRecord(t *Table, large bool, vals []FieldValue) ([]byte, error) {
	byID := map[uint32]FieldValue{}
	for _, v := range vals {
		if v.Column == nil || t.ColumnByID(v.Column.ID) != v.Column {
			return nil, fmt.Errorf("esedb: EncodeRecord: a value's column is not a column of table %q", t.Name)
		}
		if len(v.Values) > 1 && !v.Column.Tagged() {
			return nil, fmt.Errorf("esedb: EncodeRecord: %d values for column %q, which is not tagged", len(v.Values), v.Column.Name)
		}
		byID[v.Column.ID] = v
	}
	fixedLast, varLast := 0, 0
	fixedEnd := recHeaderSize
	for _, c := range t.Columns {
		if c.Fixed() {
			fixedLast = int(c.ID)
			fixedEnd = max(fixedEnd, c.offset+c.size)
		}
		if _, ok := byID[c.ID]; ok && c.Variable() {
			varLast = max(varLast, int(c.ID))
		}
	}
	nbm := (fixedLast + 7) / 8
	rec := make([]byte, fixedEnd+nbm)
	rec[0], rec[1] = byte(fixedLast), byte(varLast)
	binary.LittleEndian.PutUint16(rec[2:], uint16(fixedEnd+nbm))
	for _, c := range t.Columns {
		if !c.Fixed() {
			continue
		}
		v, ok := byID[c.ID]
		if !ok || v.Null || len(v.Values) == 0 {
			i := int(c.ID) - fidFixedLeast
			rec[fixedEnd+i/8] |= 1 << (i % 8)
			continue
		}
		if len(v.Values[0]) != c.size {
			return nil, fmt.Errorf("esedb: EncodeRecord: %d bytes for fixed column %q of %d", len(v.Values[0]), c.Name, c.size)
		}
		copy(rec[c.offset:], v.Values[0])
	}
	var varData []byte
	for id := fidVarLeast; id <= varLast; id++ {
		v, ok := byID[uint32(id)]
		end := uint16(len(varData))
		if !ok || v.Null || len(v.Values) == 0 {
			end |= varNullBit
		} else {
			varData = append(varData, v.Values[0]...)
			end = uint16(len(varData))
		}
		rec = binary.LittleEndian.AppendUint16(rec, end)
	}
	rec = append(rec, varData...)
	var tagged []FieldValue
	for _, v := range vals {
		if v.Column.Tagged() {
			tagged = append(tagged, v)
		}
	}
	sort.Slice(tagged, func(i, j int) bool { return tagged[i].Column.ID < tagged[j].Column.ID })
	var dir, data []byte
	for _, v := range tagged {
		ib := uint16(len(tagged)*tagFieldSize + len(data))
		var hdr byte
		var body []byte
		switch {
		case v.Null || len(v.Values) == 0:
			hdr = tfNull
		case len(v.Values) == 1:
			body = v.Values[0]
			if v.Separated {
				hdr |= tfLongValue | tfSeparated
			}
			if v.Compressed {
				hdr |= tfLongValue | tfCompressed
			}
		default:
			hdr = tfMultiValues
			off := 2 * len(v.Values)
			for _, x := range v.Values {
				body = binary.LittleEndian.AppendUint16(body, uint16(off))
				off += len(x)
			}
			for _, x := range v.Values {
				body = append(body, x...)
			}
		}
		switch {
		case large:
			data = append(data, hdr)
		case hdr == tfNull:
			ib |= tagSmallNull
		case hdr != 0:
			ib |= tagSmallExt
			data = append(data, hdr)
		}
		data = append(data, body...)
		dir = binary.LittleEndian.AppendUint16(dir, uint16(v.Column.ID))
		dir = binary.LittleEndian.AppendUint16(dir, ib)
	}
	return append(append(rec, dir...), data...), nil
}
