//go:build !linux

package ese

import "io"

// mappedSource maps nothing on this platform: pages are read.
func mappedSource(io.ReaderAt, int64) pageSource { return nil }
