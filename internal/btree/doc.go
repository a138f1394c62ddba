// Package btree is a read-only view of the engine's B-trees: the node
// layout of a page line (dev/ese/src/inc/node.hxx, dev/ese/src/ese/node.cxx),
// a page view over the bytes of one database page, and a reader that walks
// a tree from its root page in key order, seeks by key, and keeps a
// bounded cache of the pages it read.
//
// Every structure read from a page is checked against the page before it
// is used; a malformed page gives a *PageError naming the page and wrapping
// an ese.FormatError (errors.Is(err, ese.ErrDatabaseCorrupted)). A tree
// whose page links loop or nest too deep ends with an error, never a hang.
package btree
