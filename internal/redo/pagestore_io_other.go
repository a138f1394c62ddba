//go:build !linux

package redo

// vectorWriterOf returns nil: gathered writes are used on Linux only, and
// the page store writes one page per WriteAt elsewhere.
func vectorWriterOf(PageFile) vectorWriter { return nil }
