package esedb

import "github.com/esekit/esekit/internal/btree"

// PageError is the error for a page of the database that cannot be read or
// is malformed: Pgno names the page, Err wraps the cause (an
// ese.FormatError, a read error, or an ese.Error such as
// ese.ErrReadVerifyFailure). Use errors.As to find it in an error of Rows,
// Seek or Lookup.
type PageError = btree.PageError
