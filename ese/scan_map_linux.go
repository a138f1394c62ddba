package ese

import (
	"io"
	"os"
	"runtime/debug"
	"syscall"
)

// mapSource maps one chunk of the file at a time, read-only, and unmaps it
// before the next: the checksums are computed on the page cache's own
// memory, without the copy a read makes, and the resident size stays at
// one chunk per worker whatever the file's size. A memory fault (the file
// cut short while scanned) is turned into an error by scanChunk: the
// worker's goroutine panics on faults while the source is open.
type mapSource struct {
	fd       int
	size     int64
	m        []byte
	oldFault bool
	read     readSource // when a mapping fails
}

// mappedSource returns a mapping source when r is a regular *os.File of
// size bytes, nil otherwise. Call it from the goroutine that will use the
// source.
func mappedSource(r io.ReaderAt, size int64) pageSource {
	f, ok := r.(*os.File)
	if !ok {
		return nil
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() != size {
		return nil
	}
	return &mapSource{fd: int(f.Fd()), size: size, read: readSource{r: f}, oldFault: debug.SetPanicOnFault(true)}
}

func (s *mapSource) pages(off int64, n int) ([]byte, error) {
	s.unmap()
	if off+int64(n) > s.size {
		return nil, NewFormatError("database", s.size, ErrFileIOBeyondEOF, "file ended while reading pages")
	}
	pg := int64(os.Getpagesize())
	start := off &^ (pg - 1)
	m, err := syscall.Mmap(s.fd, start, int(off-start)+n, syscall.PROT_READ, syscall.MAP_SHARED|syscall.MAP_POPULATE)
	if err != nil {
		// Fall back to reading for this chunk.
		return s.read.pages(off, n)
	}
	s.m = m
	return m[off-start:], nil
}

func (s *mapSource) unmap() {
	if s.m != nil {
		syscall.Munmap(s.m)
		s.m = nil
	}
}

func (s *mapSource) close() {
	s.unmap()
	debug.SetPanicOnFault(s.oldFault)
}
