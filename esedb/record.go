package esedb

import (
	"encoding/binary"
	"sort"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// Column-id ranges (FID in dev/ese/src/inc/daedef.hxx): fixed columns
// have ids 1-127, variable columns 128-255, tagged columns 256 and up.
const (
	fidFixedLeast  = 1
	fidVarLeast    = 128
	fidTaggedLeast = 256
)

// Record layout (REC in dev/ese/src/inc/rec.hxx): a 4-byte header (last
// fixed column id, last variable column id, end of the fixed data), the
// fixed columns, a null bit per fixed column, a u16 end offset per
// variable column (bit 15: NULL), the variable data, then the tagged
// data.
const (
	recHeaderSize  = 4
	varNullBit     = 0x8000
	varOffsetMask  = 0x7FFF
	tagFieldSize   = 4
	tagDerived     = 0x8000 // TAGFLD: column of the template table
	tagSmallExt    = 0x4000 // TAGFLD on small pages: a header byte leads the data
	tagSmallNull   = 0x2000 // TAGFLD on small pages: explicit NULL
	tagSmallIbMask = 0x1FFF
	tagLargeIbMask = 0x7FFF
)

// Tagged-field header bits (TAGFLD_HEADER in dev/ese/src/inc/tagfld.hxx).
const (
	tfLongValue   = 0x01
	tfCompressed  = 0x02
	tfSeparated   = 0x04
	tfMultiValues = 0x08
	tfTwoValues   = 0x10
	tfNull        = 0x20
	tfEncrypted   = 0x40
)

// tagField is one entry of a record's tagged data.
type tagField struct {
	fid     uint16
	derived bool
	null    bool  // NULL set explicitly (overrides a default value)
	ext     bool  // a TAGFLD_HEADER byte leads the stored data
	header  uint8 // TAGFLD_HEADER bits, 0 when the field has none
	data    []byte
}

// layout is a parsed record. Its slices alias the record bytes.
type layout struct {
	rec        []byte
	fixedLast  int
	varLast    int
	endFixed   int // ibEndOfFixedData
	nullBitmap []byte
	varOffs    []byte // u16 end offsets
	varData    int    // start of the variable data
	tagged     []tagField
	// unsorted is set when the tagged fields are not in column-id order
	// (template columns of a derived table come first).
	unsorted bool
}

func recordErr(format string, args ...any) error {
	return ese.NewFormatError("record", -1, ese.ErrDatabaseCorrupted, format, args...)
}

// parseRecord checks and splits a record. large selects the tagged-field
// form of 16 and 32 KiB pages.
func parseRecord(rec []byte, large bool) (*layout, error) {
	l := new(layout)
	if err := l.parse(rec, large); err != nil {
		return nil, err
	}
	return l, nil
}

// parse fills l from rec (see parseRecord).
func (l *layout) parse(rec []byte, large bool) error {
	if len(rec) < recHeaderSize {
		return recordErr("%d bytes, shorter than the record header", len(rec))
	}
	*l = layout{rec: rec, fixedLast: int(rec[0]), varLast: int(rec[1]), endFixed: int(bin.U16(rec, 2))}
	if l.varLast != 0 && l.varLast < fidVarLeast-1 {
		return recordErr("last variable column %d", l.varLast)
	}
	if l.fixedLast >= fidVarLeast {
		return recordErr("last fixed column %d", l.fixedLast)
	}
	nbm := (l.fixedLast + 7) / 8
	if l.endFixed < recHeaderSize+nbm || l.endFixed > len(rec) {
		return recordErr("fixed data ends at %d in a %d-byte record with %d fixed columns", l.endFixed, len(rec), l.fixedLast)
	}
	l.nullBitmap = rec[l.endFixed-nbm : l.endFixed]
	nvar := 0
	if l.varLast >= fidVarLeast {
		nvar = l.varLast - fidVarLeast + 1
	}
	l.varData = l.endFixed + 2*nvar
	if l.varData > len(rec) {
		return recordErr("%d variable offsets run past the %d-byte record", nvar, len(rec))
	}
	l.varOffs = rec[l.endFixed:l.varData]
	tagStart := l.varData
	if nvar > 0 {
		tagStart += int(bin.U16(l.varOffs, 2*(nvar-1)) & varOffsetMask)
	}
	if tagStart > len(rec) {
		return recordErr("variable data ends at %d, past the %d-byte record", tagStart, len(rec))
	}
	var err error
	if l.tagged, err = parseTagged(rec[tagStart:], large); err != nil {
		return err
	}
	for i := 1; i < len(l.tagged); i++ {
		if l.tagged[i].fid < l.tagged[i-1].fid {
			l.unsorted = true
		}
	}
	return nil
}

// parseTagged splits the tagged data of a record: an array of (column id,
// offset) pairs, the first offset giving the array's size, then the
// fields' data in the same order.
func parseTagged(b []byte, large bool) ([]tagField, error) {
	if len(b) == 0 {
		return nil, nil
	}
	if len(b) < tagFieldSize {
		return nil, recordErr("%d bytes of tagged data", len(b))
	}
	mask := uint16(tagSmallIbMask)
	if large {
		mask = tagLargeIbMask
	}
	first := int(bin.U16(b, 2) & mask)
	if first < tagFieldSize || first%tagFieldSize != 0 || first > len(b) {
		return nil, recordErr("tagged array of %d bytes in %d bytes of tagged data", first, len(b))
	}
	n := first / tagFieldSize
	out := make([]tagField, n)
	for i := range out {
		fid, ib := bin.U16(b, tagFieldSize*i), bin.U16(b, tagFieldSize*i+2)
		start := int(ib & mask)
		end := len(b)
		if i+1 < n {
			end = int(bin.U16(b, tagFieldSize*(i+1)+2) & mask)
		}
		if start < first || end < start || end > len(b) {
			return nil, recordErr("tagged column %d at [%d,%d) in %d bytes", fid, start, end, len(b))
		}
		if fid < fidTaggedLeast {
			return nil, recordErr("tagged column id %d", fid)
		}
		f := tagField{fid: fid, derived: ib&tagDerived != 0, data: b[start:end:end]}
		ext := large || ib&tagSmallExt != 0
		if !large && ib&tagSmallNull != 0 {
			f.null = true
		}
		if ext && len(f.data) > 0 {
			f.ext = true
			f.header = f.data[0]
			f.data = f.data[1:]
			if f.header&tfNull != 0 {
				f.null = true
			}
		}
		out[i] = f
	}
	return out, nil
}

// fixed returns the bytes of fixed column c (ok false when the record
// does not hold it), and whether it is NULL.
func (l *layout) fixed(c *Column) (data []byte, null, ok bool) {
	fid := int(c.ID)
	if fid > l.fixedLast {
		return nil, false, false
	}
	i := fid - fidFixedLeast
	if l.nullBitmap[i/8]&(1<<(i%8)) != 0 {
		return nil, true, true
	}
	end := c.offset + c.size
	if c.offset < recHeaderSize || end > l.endFixed-len(l.nullBitmap) {
		return nil, true, true
	}
	return l.rec[c.offset:end:end], false, true
}

// variable returns the bytes of variable column c.
func (l *layout) variable(c *Column) (data []byte, null, ok bool) {
	fid := int(c.ID)
	if fid > l.varLast {
		return nil, false, false
	}
	i := fid - fidVarLeast
	end := bin.U16(l.varOffs, 2*i)
	if end&varNullBit != 0 {
		return nil, true, true
	}
	start := 0
	if i > 0 {
		start = int(bin.U16(l.varOffs, 2*(i-1)) & varOffsetMask)
	}
	e := int(end & varOffsetMask)
	if start > e || l.varData+e > len(l.rec) {
		return nil, true, true
	}
	return l.rec[l.varData+start : l.varData+e : l.varData+e], false, true
}

// tag returns the tagged field of column c, or nil.
func (l *layout) tag(c *Column) *tagField {
	fid := uint16(c.ID)
	i := 0
	if !l.unsorted {
		i = sort.Search(len(l.tagged), func(i int) bool { return l.tagged[i].fid >= fid })
	}
	for ; l.unsorted && i < len(l.tagged) && l.tagged[i].fid != fid; i++ {
	}
	var found *tagField
	for ; i < len(l.tagged) && l.tagged[i].fid == fid; i++ {
		f := &l.tagged[i]
		if f.derived == c.FromTemplate {
			return f
		}
		if found == nil {
			found = f
		}
	}
	return found
}

// encode rebuilds the record from its parsed parts: the header, the
// fixed data and null bits and the variable offsets as read, the variable
// data, then the tagged array and data rebuilt from the fields. For every
// record parseRecord accepts it gives back the same bytes (the decoder's
// round trip).
func (l *layout) encode(large bool) []byte {
	out := append([]byte(nil), l.rec[:l.varData]...)
	nvar := len(l.varOffs) / 2
	tagStart := l.varData
	if nvar > 0 {
		tagStart += int(binary.LittleEndian.Uint16(l.varOffs[2*(nvar-1):]) & varOffsetMask)
	}
	out = append(out, l.rec[l.varData:tagStart]...)
	var dir, data []byte
	for _, f := range l.tagged {
		ib := uint16(len(l.tagged)*tagFieldSize + len(data))
		if f.derived {
			ib |= tagDerived
		}
		if !large {
			if f.ext {
				ib |= tagSmallExt
			}
			if f.null && !f.ext {
				ib |= tagSmallNull
			}
		}
		if f.ext {
			data = append(data, f.header)
		}
		data = append(data, f.data...)
		dir = binary.LittleEndian.AppendUint16(dir, f.fid)
		dir = binary.LittleEndian.AppendUint16(dir, ib)
	}
	return append(append(out, dir...), data...)
}
