package recovery

import (
	"io"
	"os"

	"github.com/esekit/esekit/internal/redo"
)

// copyChunk is the read size of the generic copy, and copyPiece the unit
// in which it looks for all-zero ranges to leave as holes.
const (
	copyChunk = 1 << 20
	copyPiece = 64 << 10
)

// copyDatabase copies the first size bytes of src into dst, a new empty
// file, at the same offsets.
//
// When owned is set, src is an *os.File this package opened (its offset
// is its own to move): the copy goes through (*os.File).ReadFrom, which
// lets the kernel copy between the two files (copy_file_range on Linux:
// no pass through user memory, a block-sharing clone on file systems that
// have one) and falls back by itself; dst's blocks are reserved first
// (preallocate). Otherwise src is only read at
// explicit offsets, 1 MiB at a time, and 64 KiB ranges that are all zero
// are left as holes, which read back as zero: the copy has the same bytes.
func copyDatabase(dst *os.File, src io.ReaderAt, size int64, owned bool) error {
	if sf, ok := src.(*os.File); ok && owned {
		if _, err := sf.Seek(0, io.SeekStart); err == nil {
			preallocate(dst, size)
			n, err := dst.ReadFrom(io.LimitReader(sf, size))
			if err != nil {
				return err
			}
			if n != size {
				return io.ErrUnexpectedEOF
			}
			return nil
		}
	}
	buf := make([]byte, min(size, copyChunk))
	var done int64
	holes := false
	for done < size {
		b := buf[:min(int64(len(buf)), size-done)]
		n, err := src.ReadAt(b, done)
		if n < len(b) {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		// Write each run of pieces that are not all zero with one call.
		for i := 0; i < len(b); {
			j := min(i+copyPiece, len(b))
			if redo.IsZeroPage(b[i:j]) {
				holes = true
				i = j
				continue
			}
			for j < len(b) && !redo.IsZeroPage(b[j:min(j+copyPiece, len(b))]) {
				j = min(j+copyPiece, len(b))
			}
			if _, err := dst.WriteAt(b[i:j], done+int64(i)); err != nil {
				return err
			}
			i = j
		}
		done += int64(n)
	}
	if holes {
		return dst.Truncate(size)
	}
	return nil
}
