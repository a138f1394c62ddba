package esedb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/btree"
)

// Options control how a database is read. The zero value (or nil) reads
// with checksums verified, a 512-page cache and no page budget.
type Options struct {
	// CacheSize is the number of decoded pages kept (default 512).
	CacheSize int
	// NoVerify skips page checksum checks.
	NoVerify bool
	// PageBudget, when above 0, is the most pages read from the file; a
	// read past it fails with btree.ErrPageBudget.
	PageBudget int
	// SkipDamaged makes row iteration go on after a page that cannot be
	// read or is malformed, leaving out the rows under it; OnSkip (when
	// set) is told of each page left out. Without it, such a page ends
	// the iteration with a *PageError naming it.
	SkipDamaged bool
	OnSkip      func(pgno uint32, err error)
	// MaxValueSize is the largest long value read (default 256 MiB): a
	// long value whose root claims more is an error, so that a hostile
	// file cannot make a small tree of compressed chunks expand without
	// bound.
	MaxValueSize int
}

// DB is an open database. It is not safe for concurrent use.
type DB struct {
	// PageSize is the page size in bytes.
	PageSize int
	// Header is the database header.
	Header *ese.DBHeader
	// Tables are the tables of the catalog, in catalog (object id)
	// order; the catalog itself is not among them.
	Tables []*Table
	// Warnings are conditions the reader noticed that do not stop it,
	// such as a database not shut down cleanly (read as it is on disk).
	Warnings []string

	r       io.ReaderAt
	size    int64
	opts    Options
	bt      *btree.Reader
	catalog *Table

	recSlab  []recAlloc // see newRecord
	dataSlab []byte
}

// pageSource reads pages from the file: page n lies at (n+1) × page size
// (the two header pages come first).
type pageSource struct {
	r        io.ReaderAt
	size     int64
	pageSize int
}

func (s *pageSource) ReadPage(pgno uint32) ([]byte, error) {
	off := (int64(pgno) + 1) * int64(s.pageSize)
	if pgno == 0 || off+int64(s.pageSize) > s.size {
		return nil, ese.NewFormatError("database page", off, ese.ErrDatabaseCorrupted, "page %d lies outside the %d-byte file", pgno, s.size)
	}
	b := make([]byte, s.pageSize)
	if _, err := s.r.ReadAt(b, off); err != nil {
		return nil, fmt.Errorf("reading page %d: %w", pgno, err)
	}
	return b, nil
}

// Open reads the header and the catalog of the database in r (size
// bytes). A database that was not shut down cleanly is read as it is on
// disk, with a warning in Warnings.
func Open(r io.ReaderAt, size int64, opts *Options) (*DB, error) {
	h, err := ese.ReadDBHeader(r)
	if err != nil {
		return nil, fmt.Errorf("esedb: %w", err)
	}
	db := &DB{PageSize: h.PageSize, Header: h.Header, r: r, size: size}
	if opts != nil {
		db.opts = *opts
	}
	if db.opts.CacheSize <= 0 {
		db.opts.CacheSize = 512
	}
	if db.opts.MaxValueSize <= 0 {
		db.opts.MaxValueSize = 256 << 20
	}
	if !h.Header.Consistent() {
		db.Warnings = append(db.Warnings, fmt.Sprintf("database state is %v, not a clean shutdown: rows are read as they are on disk, without the changes its logs hold", h.Header.State))
	}
	if h.UsedShadow {
		db.Warnings = append(db.Warnings, "the primary header is damaged; the shadow copy was used")
	}
	db.bt = btree.NewReader(&pageSource{r: r, size: size, pageSize: db.PageSize}, db.opts.CacheSize)
	db.bt.Verify = !db.opts.NoVerify
	db.bt.Budget = db.opts.PageBudget
	if err := db.readCatalog(); err != nil {
		return nil, err
	}
	return db, nil
}

// readCatalog decodes every live row of MSysObjects.
func (db *DB) readCatalog() error {
	db.catalog = catalogTable()
	cols := columnsByID(db.catalog)
	// Rows are kept by pointer, allocated in slabs: a catalog can hold
	// tens of thousands of rows (one per column), and a growing slice of
	// the rows themselves would copy them over and over.
	var rows []*catRow
	var slab []catRow
	for rec, err := range db.rows(context.Background(), db.catalog, db.catalog.PgnoFDP, &RowOptions{}) {
		if err != nil {
			return fmt.Errorf("esedb: reading the catalog: %w", err)
		}
		if len(slab) == 0 {
			slab = make([]catRow, 256)
		}
		row := &slab[0]
		slab = slab[1:]
		if *row, err = decodeCatRow(rec, cols); err != nil {
			return fmt.Errorf("esedb: catalog row on page %d line %d: %w", rec.Pgno, rec.Line, err)
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return fmt.Errorf("esedb: the catalog has no rows: %w", ese.ErrDatabaseCorrupted)
	}
	tables, warnings, err := buildCatalog(rows)
	if err != nil {
		return fmt.Errorf("%w: %w", err, ese.ErrDatabaseCorrupted)
	}
	db.Tables = tables
	db.Warnings = append(db.Warnings, warnings...)
	return nil
}

// Catalog returns the definition of the catalog table MSysObjects, whose
// rows Rows reads like any other table's.
func (db *DB) Catalog() *Table { return db.catalog }

// ErrNotFound is wrapped by the errors for a table, column or index name
// that the catalog does not hold.
var ErrNotFound = errors.New("not in the catalog")

// Table returns the table named name (case-insensitive), or an error
// wrapping ErrNotFound.
func (db *DB) Table(name string) (*Table, error) {
	if strings.EqualFold(name, db.catalog.Name) {
		return db.catalog, nil
	}
	for _, t := range db.Tables {
		if strings.EqualFold(t.Name, name) {
			return t, nil
		}
	}
	return nil, fmt.Errorf("esedb: table %q: %w", name, ErrNotFound)
}

// Reads returns the number of pages read from the file so far.
func (db *DB) Reads() int { return db.bt.Reads }
