// Package testdb builds complete database files for tests with the
// module's own page encoders: the pages the engine's create code builds
// for a new database (redo.BuildImplicitCreate: the root and its
// space trees, the catalog MSysObjects with its 56 records of the two
// system tables, their indexes, the shadow catalog) behind a clean
// database header. It lives beside internal/testset rather than in it
// because it depends on internal/redo, whose own tests use testset.
package testdb

import (
	"time"

	"github.com/dsnet/golib/memfile"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/redo"
	"github.com/esekit/esekit/internal/testset"
)

// Database is a generated database file and what it holds.
type Database struct {
	// File is the whole file: the header page and its shadow, then the
	// database pages.
	File []byte
	// Header is the encoded header's fields.
	Header *ese.DBHeader
	// Create is what the create built: its pages (the others are
	// zero), their last dbtime, the last object id, the catalog roots.
	Create redo.ImplicitCreate
}

// Build returns a clean database of pageSize-byte pages (4, 8, 16 or 32
// KiB): format 0x620,20, 256 pages, consistent at (1,8,0) of the log
// stream testset.Signature(1), database signature testset.Signature(2).
func Build(pageSize int) (*Database, error) {
	f := memfile.New(make([]byte, 2*pageSize))
	s, err := redo.NewPageStore(f, pageSize, &redo.PageStoreOptions{CacheBytes: 8 * int64(pageSize)})
	if err != nil {
		return nil, err
	}
	res, err := redo.BuildImplicitCreate(s, nil)
	if err != nil {
		return nil, err
	}
	if err := s.Flush(); err != nil {
		return nil, err
	}
	tm := ese.LogTimeOf(time.Date(2024, 2, 1, 9, 0, 0, 0, time.UTC))
	h := testset.CleanDBHeader(pageSize, testset.Signature(1), ese.LogPos{Generation: 1, Sector: 1}, ese.LogPos{Generation: 1, Sector: 8}, tm)
	h.DBTimeDirtied, h.LastObjectID = res.DBTime, res.ObjidLast
	b := f.Bytes()
	hb := h.Encode(pageSize)
	copy(b, hb)
	copy(b[pageSize:], hb)
	return &Database{File: b, Header: h, Create: res}, nil
}
