package esedb

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/btree"
	"github.com/esekit/esekit/internal/xpress"
)

// Record is one row of a table.
type Record struct {
	// Table is the row's table.
	Table *Table
	// Deleted is set for a row flagged deleted on its page (returned only
	// when RowOptions.Deleted asks for them).
	Deleted bool
	// Pgno and Line are where the row lies: its leaf page and line.
	Pgno uint32
	Line int
	// Key is the row's primary key (its bookmark).
	Key []byte
	// Data is the record's stored bytes.
	Data []byte

	db  *DB
	ctx context.Context
	lay *layout
}

// RowOptions select and order the rows of a table. The zero value (or
// nil) reads the live rows in primary-key order.
type RowOptions struct {
	// Index names the index whose order the rows follow ("": primary).
	Index string
	// Key, when set, starts at the first row whose key in that index is
	// at least Key (a normalised key, see (*Index).MakeKey).
	Key []byte
	// Prefix, when set, stops at the first row whose key does not start
	// with Prefix (for an equality seek, the normalised key itself).
	Prefix []byte
	// Deleted includes rows flagged deleted on their page.
	Deleted bool
	// SiblingLinks reads the leaves by their sibling links from the
	// leftmost leaf instead of through the parent pages: rows under a
	// damaged parent page are still reached (a link loop ends the
	// iteration with an error). Key and Index do not apply.
	SiblingLinks bool
}

// walkOpts returns the tree walk options for the database's damage
// policy.
func (db *DB) walkOpts() *btree.WalkOptions {
	return &btree.WalkOptions{SkipDamaged: db.opts.SkipDamaged, OnSkip: db.opts.OnSkip}
}

// Rows yields the rows of t. Errors end the iteration (reading a damaged
// page gives a *PageError naming it; with Options.SkipDamaged such
// pages are skipped and reported to Options.OnSkip instead), and so does
// ctx.
func (db *DB) Rows(ctx context.Context, t *Table, opts *RowOptions) iter.Seq2[*Record, error] {
	if opts == nil {
		opts = &RowOptions{}
	}
	if opts.Index != "" {
		ix := t.Index(opts.Index)
		if ix == nil {
			return func(yield func(*Record, error) bool) {
				yield(nil, fmt.Errorf("esedb: index %q of table %q: %w", opts.Index, t.Name, ErrNotFound))
			}
		}
		if !ix.Primary() {
			return db.indexRows(ctx, t, ix, opts)
		}
	}
	return db.rows(ctx, t, t.PgnoFDP, opts)
}

// rows yields the records of the tree rooted at root in key order.
func (db *DB) rows(ctx context.Context, t *Table, root uint32, opts *RowOptions) iter.Seq2[*Record, error] {
	return func(yield func(*Record, error) bool) {
		entries := db.bt.Seek(ctx, root, opts.Key, db.walkOpts())
		if opts.SiblingLinks {
			entries = db.bt.Chain(ctx, root)
		}
		for e, err := range entries {
			if err != nil {
				yield(nil, err)
				return
			}
			if e.Deleted() && !opts.Deleted {
				continue
			}
			key, err := e.Key()
			if err != nil {
				yield(nil, err)
				return
			}
			if opts.Prefix != nil && !bytes.HasPrefix(key, opts.Prefix) {
				return
			}
			rec, err := db.newRecord(ctx, t, e, key)
			if err != nil && !db.opts.SkipDamaged {
				yield(nil, err)
				return
			}
			if err != nil {
				if db.opts.OnSkip != nil {
					db.opts.OnSkip(e.Page.Pgno, err)
				}
				continue
			}
			if !yield(rec, nil) {
				return
			}
		}
	}
}

func (db *DB) newRecord(ctx context.Context, t *Table, e btree.Entry, key []byte) (*Record, error) {
	data := db.copyData(e.Node.Data)
	if len(db.recSlab) == 0 {
		db.recSlab = make([]recAlloc, recSlabLen)
	}
	rl := &db.recSlab[0]
	db.recSlab = db.recSlab[1:]
	if err := rl.lay.parse(data, ese.IsLargePage(db.PageSize)); err != nil {
		return nil, &btree.PageError{Pgno: e.Page.Pgno, Err: fmt.Errorf("line %d: %w", e.Line, err)}
	}
	rl.rec = Record{Table: t, Deleted: e.Deleted(), Pgno: e.Page.Pgno, Line: e.Line, Key: key, Data: data, db: db, ctx: ctx, lay: &rl.lay}
	return &rl.rec, nil
}

// Records, their layouts and the copies of their bytes are carved from
// slabs (the DB is used by one goroutine at a time): a row costs no
// allocation of its own. A record kept by the caller keeps its slabs
// alive: at most recSlabLen records and dataSlabSize bytes.
const (
	recSlabLen   = 64
	dataSlabSize = 16 << 10
	dataSlabMax  = 1 << 10 // larger records get their own copy
)

// recAlloc is a record and its parsed layout.
type recAlloc struct {
	rec Record
	lay layout
}

// copyData returns a copy of b that b's page does not share.
func (db *DB) copyData(b []byte) []byte {
	if len(b) > dataSlabMax {
		return append([]byte(nil), b...)
	}
	if cap(db.dataSlab)-len(db.dataSlab) < len(b) {
		db.dataSlab = make([]byte, 0, dataSlabSize)
	}
	start := len(db.dataSlab)
	db.dataSlab = append(db.dataSlab, b...)
	return db.dataSlab[start:len(db.dataSlab):len(db.dataSlab)]
}

// indexRows yields the rows of t in the order of secondary index ix: each
// index entry's data is the primary key of its row.
func (db *DB) indexRows(ctx context.Context, t *Table, ix *Index, opts *RowOptions) iter.Seq2[*Record, error] {
	return func(yield func(*Record, error) bool) {
		for e, err := range db.bt.Seek(ctx, ix.PgnoFDP, opts.Key, db.walkOpts()) {
			if err != nil {
				yield(nil, err)
				return
			}
			if e.Deleted() && !opts.Deleted {
				continue
			}
			if opts.Prefix != nil {
				k, err := e.Key()
				if err != nil {
					yield(nil, err)
					return
				}
				if !bytes.HasPrefix(k, opts.Prefix) {
					return
				}
			}
			rec, err := db.lookup(ctx, t, e.Node.Data, opts.Deleted)
			if err != nil {
				yield(nil, err)
				return
			}
			if rec == nil {
				continue
			}
			rec.Deleted = rec.Deleted || e.Deleted()
			if !yield(rec, nil) {
				return
			}
		}
	}
}

// Lookup returns the live row of t whose primary key is key, or nil when
// there is none.
func (db *DB) Lookup(ctx context.Context, t *Table, key []byte) (*Record, error) {
	return db.lookup(ctx, t, key, false)
}

// lookup returns the row of t whose primary key is key, or nil.
func (db *DB) lookup(ctx context.Context, t *Table, key []byte, deleted bool) (*Record, error) {
	key = append([]byte(nil), key...)
	for e, err := range db.bt.Seek(ctx, t.PgnoFDP, key, db.walkOpts()) {
		if err != nil {
			return nil, err
		}
		k, err := e.Key()
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(k, key) {
			return nil, nil
		}
		if e.Deleted() && !deleted {
			continue
		}
		return db.newRecord(ctx, t, e, k)
	}
	return nil, nil
}

// Value returns the value of column c in the record: the stored value,
// the catalog's default when the record does not hold the column, or
// NULL. Separated long values are read from the long-value tree and
// compressed values decompressed.
func (r *Record) Value(c *Column) (Value, error) {
	var v Value
	err := r.value(&v, c)
	return v, err
}

// value sets *v, the zero Value on entry, to the value of column c (see
// Value); filling the caller's Value in place spares AppendValues a copy
// per column.
func (r *Record) value(v *Value, c *Column) error {
	v.Column = c
	var data []byte
	var null, ok bool
	switch {
	case c.Fixed():
		data, null, ok = r.lay.fixed(c)
	case c.Variable():
		data, null, ok = r.lay.variable(c)
	default:
		f := r.lay.tag(c)
		if f != nil {
			if f.null {
				v.Null = true
				return nil
			}
			tv, err := r.taggedValue(*v, f)
			*v = tv
			return err
		}
	}
	switch {
	case null:
		v.Null = true
	case ok:
		v.Data = data
		if c.Fixed() && c.Type == TypeText && c.Codepage == 1200 && len(data)%2 != 0 {
			// A fixed Unicode column of odd size: the last byte is
			// padding, not half a character.
			v.Data = data[:len(data)-1]
		}
	case c.Default != nil:
		v.Data, v.Default = c.Default, true
	default:
		v.Null = true
	}
	return nil
}

// taggedValue resolves a tagged field: multi-values, separated long
// values, compression.
func (r *Record) taggedValue(v Value, f *tagField) (Value, error) {
	h := f.header
	if h&tfEncrypted != 0 {
		return v, fmt.Errorf("esedb: column %q is encrypted: %w", v.Column.Name, ese.ErrInvalidParameter)
	}
	if h&tfMultiValues == 0 {
		d, compr, err := r.instance(f.data, h&tfSeparated != 0, h&tfCompressed != 0)
		if err != nil {
			return v, fmt.Errorf("esedb: column %q: %w", v.Column.Name, err)
		}
		v.Data, v.Separated, v.Compressed = d, h&tfSeparated != 0, compr
		if v.Column.MultiValued() {
			v.Multi = [][]byte{d}
		}
		return v, nil
	}
	insts, err := splitMulti(f)
	if err != nil {
		return v, fmt.Errorf("column %q: %w", v.Column.Name, err)
	}
	for i, in := range insts {
		d, compr, err := r.instance(in.b, in.sep, in.compr)
		if err != nil {
			return v, fmt.Errorf("esedb: column %q value %d: %w", v.Column.Name, i+1, err)
		}
		v.Multi = append(v.Multi, d)
		if i == 0 {
			v.Separated, v.Compressed = in.sep, compr
		}
	}
	v.Data = v.Multi[0]
	return v, nil
}

// rawInstance is one stored value of a multi-valued tagged field.
type rawInstance struct {
	b          []byte
	sep, compr bool
}

// splitMulti splits a multi-valued tagged field into its stored values:
// the TWOVALUES form (a length byte, then two values) or the MULTIVALUES
// form (a u16 offset per value, bit 15 marking a separated value; only
// the first value may be compressed), dev/ese/src/inc/tagfld.hxx.
func splitMulti(f *tagField) ([]rawInstance, error) {
	h := f.header
	if h&tfTwoValues != 0 {
		if len(f.data) < 1 || int(f.data[0]) > len(f.data)-1 {
			return nil, recordErr("two values in %d bytes", len(f.data))
		}
		n := int(f.data[0])
		return []rawInstance{{b: f.data[1 : 1+n]}, {b: f.data[1+n:]}}, nil
	}
	b := f.data
	if len(b) < 2 {
		return nil, recordErr("multi-values in %d bytes", len(b))
	}
	first := int(bin.U16(b, 0) & 0x7FFF)
	if first < 2 || first%2 != 0 || first > len(b) {
		return nil, recordErr("multi-value table of %d bytes in %d", first, len(b))
	}
	n := first / 2
	out := make([]rawInstance, 0, n)
	for i := 0; i < n; i++ {
		w := bin.U16(b, 2*i)
		start, end := int(w&0x7FFF), len(b)
		if i+1 < n {
			end = int(bin.U16(b, 2*i+2) & 0x7FFF)
		}
		if start < first || end < start || end > len(b) {
			return nil, recordErr("value %d at [%d,%d) in %d bytes", i, start, end, len(b))
		}
		out = append(out, rawInstance{b: b[start:end], sep: w&0x8000 != 0, compr: i == 0 && h&tfCompressed != 0})
	}
	return out, nil
}

// instance returns one value's bytes, and whether they were stored
// compressed (in the record or in a long-value chunk).
func (r *Record) instance(b []byte, separated, compressed bool) ([]byte, bool, error) {
	if separated {
		return r.db.readLV(r.ctx, r.Table, b)
	}
	if compressed && len(b) > 0 {
		d, err := xpress.Decode(b, maxChunkOut)
		if err != nil {
			return nil, false, fmt.Errorf("%w: %w", err, ese.ErrDatabaseCorrupted)
		}
		return d, true, nil
	}
	return b, false, nil
}

// ValueByID returns the value of the column with id id.
func (r *Record) ValueByID(id uint32) (Value, error) {
	c := r.Table.ColumnByID(id)
	if c == nil {
		return Value{}, fmt.Errorf("esedb: column %d of table %q: %w", id, r.Table.Name, ErrNotFound)
	}
	return r.Value(c)
}

// Get returns the value of the column named name.
func (r *Record) Get(name string) (Value, error) {
	c := r.Table.Column(name)
	if c == nil {
		return Value{}, fmt.Errorf("esedb: column %q of table %q: %w", name, r.Table.Name, ErrNotFound)
	}
	return r.Value(c)
}

// Values returns the value of every column of the table, in column order.
func (r *Record) Values() ([]Value, error) {
	return r.AppendValues(make([]Value, 0, len(r.Table.Columns)))
}

// AppendValues appends the value of every column of the table, in column
// order, to dst and returns the extended slice: a caller reading many rows
// can pass the previous row's slice[:0] to reuse its space. On error it
// returns dst as it was given.
func (r *Record) AppendValues(dst []Value) ([]Value, error) {
	n := len(r.Table.Columns)
	out := slices.Grow(dst, n)[:len(dst)+n]
	vs := out[len(dst):]
	clear(vs) // spare capacity may hold an earlier row's values
	for i, c := range r.Table.Columns {
		if err := r.value(&vs[i], c); err != nil {
			return dst, err
		}
	}
	return out, nil
}

// DecodeRecord reads data, the stored bytes of a record of table t (as
// the data of a leaf node or of a logged insert), into a Record whose
// values resolve like those of Rows. The record keeps a reference to
// data.
func (db *DB) DecodeRecord(ctx context.Context, t *Table, data []byte) (*Record, error) {
	lay, err := parseRecord(data, ese.IsLargePage(db.PageSize))
	if err != nil {
		return nil, err
	}
	return &Record{Table: t, Data: data, db: db, ctx: ctx, lay: lay}, nil
}
