package recovery

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/internal/testcorpus"
)

// benchCopy copies the dirty SRUDB.dat (3.2 MB) into a new file per op;
// the CPU time is measured around the copy alone.
func benchCopy(b *testing.B, cp func(dst, src *os.File, size int64) error) {
	src, err := os.Open(testcorpus.Path(b, srumDirty+"/SRUDB.dat"))
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	b.SetBytes(st.Size())
	var m cpuMeter
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(dir, "copy")
		dst, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		m.begin()
		if err := cp(dst, src, st.Size()); err != nil {
			b.Fatal(err)
		}
		m.end()
		b.StopTimer()
		dst.Close()
		os.Remove(path)
		b.StartTimer()
	}
	m.report(b, st.Size())
}

// BenchmarkCopyDatabaseKernel: copyDatabase of a file recovery opened
// (copy_file_range on Linux).
func BenchmarkCopyDatabaseKernel(b *testing.B) {
	benchCopy(b, func(dst, src *os.File, size int64) error { return copyDatabase(dst, src, size, true) })
}

// BenchmarkCopyDatabaseChunks: copyDatabase of a reader it may not seek
// (1 MiB reads, zero ranges left as holes).
func BenchmarkCopyDatabaseChunks(b *testing.B) {
	benchCopy(b, func(dst, src *os.File, size int64) error { return copyDatabase(dst, src, size, false) })
}

// BenchmarkCopyDatabaseSectionReader: the copy recovery used before,
// io.Copy from an io.SectionReader (32 KiB reads and writes), for
// comparison.
func BenchmarkCopyDatabaseSectionReader(b *testing.B) {
	benchCopy(b, func(dst, src *os.File, size int64) error {
		_, err := io.Copy(dst, io.NewSectionReader(src, 0, size))
		return err
	})
}
