package redo

import "os"

// vectorWriter writes bufs one after the other at off with as few system
// calls as it can (a gathered write), or returns an error.
type vectorWriter func(bufs [][]byte, off int64) error

// noSyncFile hides the Sync method of a file from the page store.
type noSyncFile struct{ f *os.File }

func (n noSyncFile) ReadAt(b []byte, off int64) (int, error)  { return n.f.ReadAt(b, off) }
func (n noSyncFile) WriteAt(b []byte, off int64) (int, error) { return n.f.WriteAt(b, off) }
func (n noSyncFile) Truncate(size int64) error                { return n.f.Truncate(size) }

// NoSync returns f as a PageFile without its Sync method: a store over it
// writes through f but never syncs it.
func NoSync(f *os.File) PageFile { return noSyncFile{f} }
