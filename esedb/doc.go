// Package esedb reads the tables and rows of an Extensible Storage Engine
// database, as the engine stores them, without the engine.
//
// Open reads the database header and the catalog (MSysObjects, whose tree
// has its root at page 4: dev/ese/src/inc/cat.hxx): every table with its
// columns (id, name, JET_coltyp, code page, flags, default value),
// indexes (key columns and order, primary, unique, locale), long-value
// tree and template table. DB.Rows yields the rows of a table as
// iter.Seq2[*Record, error], in primary-key order or in the order of an
// index, from a key on; Record.Value resolves a column to a Value: fixed,
// variable and tagged columns (dev/ese/src/inc/rec.hxx,
// dev/ese/src/inc/tagfld.hxx), multi-values, default values, long values
// kept in the long-value tree (dev/ese/src/ese/lv.cxx) and compressed data
// (7-bit ASCII and Unicode, Xpress, Xpress9, LZ4:
// dev/ese/src/ese/compression.cxx). Value has typed getters and a generic
// form (Value.Any).
//
// Forensic views: rows flagged deleted but still on their page are
// returned when RowOptions.Deleted asks for them (Record.Deleted); a page
// that fails its checksum or is malformed gives a *PageError naming
// it (errors.Is with ese.ErrReadVerifyFailure or ese.ErrDatabaseCorrupted),
// or with Options.SkipDamaged is left out and reported; a database not
// shut down cleanly is read as it is on disk with a warning, and
// OpenRecovered reads it as it is after soft recovery with its logs,
// replayed into a temporary copy.
//
// The reader never writes, never allocates by a length read from the file
// beyond a page or the data actually stored, and ends page-link loops
// with an error.
package esedb
