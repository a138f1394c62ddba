//go:build !linux

package recovery

// vectorWriterOf returns nil: gathered writes are used on Linux only, and
// the page store writes one page per WriteAt elsewhere.
func vectorWriterOf(PageFile) vectorWriter { return nil }

// allocateTail allocates nothing on this system: Extend truncates the
// file up.
func allocateTail(PageFile, int64, int64) bool { return false }
