// Package redo is the engine's page model and the redo of page-level log
// records, as recovery uses them.
//
//   - Page is one database page held in memory with the operations the
//     engine's CPAGE class performs on it (dev/ese/src/ese/cpage.cxx):
//     lines, inserting, replacing and deleting nodes, flags, free space,
//     reorganisation. The node layout is internal/btree's, which also
//     gives the read-only view of pages and trees.
//   - PageStore is a bounded page cache over a database file; PageCache
//     is one budget shared by several stores.
//   - RedoRecord and RedoMacro apply one page record, or one structural
//     macro (Split2, Merge2, PageMove, RootPageMove with their node
//     operation), under the engine's dbtime test (NeedRedo), and the
//     Redo* functions each one operation on a page. Compressed page
//     pre-images are rehydrated with internal/xpress.
//   - NeedNewPage, RedoNewPage, the FDP and space-tree creators and
//     RedoConvertFDP build space trees as the space manager does (space.cxx).
//   - BuildImplicitCreate builds the pages the engine's legacy create code
//     builds for a CreateDB of create version 1.0: root, space trees and
//     the system catalog.
//
// Errors a recovery caller may see (ErrRedoNotImplemented,
// DBTimeMismatchError) are re-exported by package recovery.
package redo
