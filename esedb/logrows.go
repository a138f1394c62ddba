package esedb

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/esekit/esekit/eselog"
)

// objidSystemRoot is the object id of the database's root (its space
// trees), which the catalog does not list (dev/ese/src/inc/daeconst.hxx).
const objidSystemRoot = 1

// Tree names of LogRow.Tree.
const (
	TreePrimary    = "primary"     // the table's data (its primary index)
	TreeLongValues = "long_values" // the table's long-value tree
	TreeSpace      = "space"       // a space tree (owned and available extents)
	treeIndex      = "index:"      // followed by the index name
)

// LogRow is what a log record means for the tables of a database.
type LogRow struct {
	// Table is the table whose tree the record changes (nil for the
	// database's own space trees, object 1); Tree is which tree:
	// TreePrimary, TreeLongValues, TreeSpace or "index:NAME".
	Table *Table
	Tree  string
	// Record is set when the record inserts or changes a row of the
	// table's primary tree and its data is known: an Insert, a
	// FlagInsertAndReplaceData, a Replace (after-image), or a ReplaceD or
	// Delta (escrow update) whose before-image an earlier record of the
	// same walk gave or the database's page holds (its dbtime is the one
	// the record expects).
	Record *Record
	// Key is the row's primary key when the walk knows it (from the
	// Insert that created the line).
	Key []byte
}

// LogDecoder attributes the page records of a log to the tables and
// trees of a database's catalog and decodes the rows they write. It keeps
// the node data the records of one walk wrote, by page and line, to
// apply ReplaceD diffs; feed it the records in log order. A LogDecoder is
// not safe for concurrent use.
type LogDecoder struct {
	db      *DB
	byObjid map[uint32]LogRow
	// lines holds, per page, the data of the lines that Insert and
	// Replace records wrote, shifted by later inserts and deletes and
	// forgotten when any other record changes the page.
	lines map[uint32]map[int]lineData
}

// lineData is what the walk knows of one line: its key (nil when not
// known) and data.
type lineData struct {
	key, data []byte
}

// NewLogDecoder returns a LogDecoder for the catalog of db.
func (db *DB) NewLogDecoder() *LogDecoder {
	d := &LogDecoder{db: db, byObjid: map[uint32]LogRow{}, lines: map[uint32]map[int]lineData{}}
	d.byObjid[objidSystemRoot] = LogRow{Tree: TreeSpace}
	for _, t := range append([]*Table{db.catalog}, db.Tables...) {
		d.byObjid[t.Objid] = LogRow{Table: t, Tree: TreePrimary}
		for _, ix := range t.Indexes {
			if !ix.Primary() && ix.Objid != t.Objid {
				d.byObjid[ix.Objid] = LogRow{Table: t, Tree: treeIndex + ix.Name}
			}
		}
		if t.LVObjid != 0 {
			d.byObjid[t.LVObjid] = LogRow{Table: t, Tree: TreeLongValues}
		}
	}
	return d
}

// Decode attributes rec. ok is false for records that change no page of
// a known tree (transaction records, or an object the catalog does not
// hold, such as a table created and deleted within the logs).
func (d *LogDecoder) Decode(ctx context.Context, rec eselog.Record) (row LogRow, ok bool, err error) {
	pr, isPage := rec.(eselog.PageRecord)
	if !isPage {
		return LogRow{}, false, nil
	}
	nr, isNode := rec.(eselog.NodeRecord)
	if !isNode {
		delete(d.lines, pr.Pgno())
		return LogRow{}, false, nil
	}
	nh := nr.Node()
	ph := &nh.PageHeader
	row, ok = d.byObjid[nh.ObjidFDP]
	if ph.IsSpace() && ok {
		row.Tree = TreeSpace
	}
	key, data := d.track(rec, ph)
	if !ok || row.Tree != TreePrimary || data == nil {
		return row, ok, nil
	}
	row.Key = key
	r, err := d.db.DecodeRecord(ctx, row.Table, data)
	if err != nil {
		return row, true, fmt.Errorf("esedb: %s record at %v on page %d: %w", rec.Type(), rec.Pos(), ph.Pgno(), err)
	}
	row.Record = r
	return row, true, nil
}

// track updates the known line data of the record's page and returns the
// key (when known) and data the record writes, when known.
func (d *LogDecoder) track(rec eselog.Record, ph *eselog.PageHeader) (key, data []byte) {
	pg, line := ph.Pgno(), ph.ILine()
	m := d.lines[pg]
	if m == nil {
		m = map[int]lineData{}
		d.lines[pg] = m
	}
	shift := func(from, by int) {
		moved := map[int]lineData{}
		for l, v := range m {
			switch {
			case l < from:
				moved[l] = v
			case l+by >= from:
				moved[l+by] = v
			}
		}
		d.lines[pg] = moved
		m = moved
	}
	switch r := rec.(type) {
	case *eselog.Insert:
		shift(line, 1)
		m[line] = lineData{r.Key(), r.Data}
		return r.Key(), r.Data
	case *eselog.Delete:
		delete(m, line)
		shift(line+1, -1)
	case *eselog.FlagInsertAndReplaceData:
		m[line] = lineData{r.Key, r.Data}
		return r.Key, r.Data
	case *eselog.Replace:
		old, known := m[line]
		if !r.IsDiff() {
			m[line] = lineData{old.key, r.Payload}
			return old.key, r.Payload
		}
		if !known {
			old, known = d.pageLine(ph)
		}
		if known {
			if after, err := r.AfterImage(old.data); err == nil {
				m[line] = lineData{old.key, after}
				return old.key, after
			}
		}
		delete(m, line)
	case *eselog.Delta:
		// An escrow update adds to a 4- or 8-byte counter of the data.
		old, known := m[line]
		if !known {
			old, known = d.pageLine(ph)
		}
		size := 4
		if r.Is64() {
			size = 8
		}
		off := int(r.Offset)
		if !known || off+size > len(old.data) {
			delete(m, line)
			break
		}
		after := append([]byte(nil), old.data...)
		if size == 4 {
			binary.LittleEndian.PutUint32(after[off:], binary.LittleEndian.Uint32(after[off:])+uint32(r.Delta))
		} else {
			binary.LittleEndian.PutUint64(after[off:], binary.LittleEndian.Uint64(after[off:])+uint64(r.Delta))
		}
		m[line] = lineData{old.key, after}
		return old.key, after
	case *eselog.FlagDelete, *eselog.FlagInsert, *eselog.UndoInfo:
		// The line's data is unchanged.
	default:
		// Undo, SetExternalHeader, Scrub, EmptyTree and the like: forget
		// what the page held.
		delete(d.lines, pg)
	}
	return nil, nil
}

// pageLine returns the line a record changes as the database file holds
// it, when the page on disk is in the state the record expects (its
// dbtime is the record's dbtime before): then the line is the record's
// before-image.
func (d *LogDecoder) pageLine(ph *eselog.PageHeader) (lineData, bool) {
	if ph.Before == 0 || ph.Before == ^uint64(0) {
		return lineData{}, false
	}
	p, err := d.db.bt.Page(ph.Pgno())
	if err != nil || p.Header.DBTimeDirtied != ph.Before {
		return lineData{}, false
	}
	n, err := p.Node(ph.ILine())
	if err != nil {
		return lineData{}, false
	}
	key, err := p.Key(n)
	if err != nil {
		return lineData{}, false
	}
	return lineData{key, append([]byte(nil), n.Data...)}, true
}
