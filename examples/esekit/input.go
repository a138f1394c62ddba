package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"golang.org/x/exp/mmap"

	"github.com/esekit/esekit/internal/bin"
)

// input is one file a verb reads: from disk, or from the embedded sample.
type input struct {
	name string
	r    io.ReaderAt
	size int64
}

// mmapMin is the size from which a file on disk is memory-mapped rather
// than read with ReadAt calls: large databases and log folders are read
// through the page cache without a copy per read.
var mmapMin int64 = 64 << 20

// openInput opens a file on disk, memory-mapped when it is large. The caller
// closes the returned closer.
func openInput(name string) (input, io.Closer, error) { return openFile(name, true) }

// openUnmapped opens a file on disk for ReadAt calls, never mapped: for
// the esedb readers, which copy each page into their own bounded page
// cache, a mapping would only add every page of the file read so far to
// the process's resident set.
func openUnmapped(name string) (input, io.Closer, error) { return openFile(name, false) }

// openFile opens a file on disk; mapLarge memory-maps it when it is large.
// A pass over the whole file (verify) does not map it: every mapped page
// it touches would stay in the process's resident size, up to the file's
// size, whereas ese.ScanDatabase given the *os.File holds one chunk per
// worker at a time.
func openFile(name string, mapLarge bool) (input, io.Closer, error) {
	f, err := os.Open(name)
	if err != nil {
		return input{}, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return input{}, nil, err
	}
	if st.IsDir() {
		f.Close()
		return input{}, nil, fmt.Errorf("%s: %w", name, errIsFolder)
	}
	if mapLarge && st.Mode().IsRegular() && st.Size() >= mmapMin {
		if m, err := mmap.Open(name); err == nil && int64(m.Len()) == st.Size() {
			f.Close()
			return input{name: name, r: m, size: st.Size()}, m, nil
		} else if err == nil {
			m.Close()
		}
	}
	return input{name: name, r: f, size: st.Size()}, f, nil
}

// memInput wraps bytes already in memory.
func memInput(name string, b []byte) input {
	return input{name: name, r: bytes.NewReader(b), size: int64(len(b))}
}

// readHead returns up to n bytes from the start of in.
func (in input) readHead(n int) []byte {
	n = int(min(int64(n), in.size))
	b, _ := bin.ReadAt(in.r, 0, n)
	return b
}

// forEachFile opens each named file and calls fn with it; files that
// cannot be opened are reported through onErr.
func forEachFile(names []string, fn func(in input), onErr func(name string, err error)) {
	forEachFileMapped(names, true, fn, onErr)
}

// forEachFileMapped is forEachFile; mapLarge false never memory-maps a
// file (see openFile).
func forEachFileMapped(names []string, mapLarge bool, fn func(in input), onErr func(name string, err error)) {
	for _, name := range names {
		in, c, err := openFile(name, mapLarge)
		if err != nil {
			onErr(name, err)
			continue
		}
		fn(in)
		c.Close()
	}
}

func closeAll(cs []io.Closer) {
	for _, c := range cs {
		if c != nil {
			c.Close()
		}
	}
}
