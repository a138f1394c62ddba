package recovery

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/esekit/esekit/ese"
)

// folderFiles is what Inspect found among the regular files of a folder,
// by their bytes. The databases and the checkpoint stay open until close.
type folderFiles struct {
	databases  []DatabaseFile
	checkpoint *DatabaseFile
	// patches are the .pat files, by name.
	patches []folderPatch
	closers []io.Closer
}

// folderPatch is a .pat file of the folder.
type folderPatch struct {
	name, label string
}

func (f *folderFiles) close() {
	for _, c := range f.closers {
		c.Close()
	}
}

// isPatName reports whether a file name has the .pat extension (the
// engine finds patch files by that name, dev/ese/src/ese/_log/rstmap.cxx).
func isPatName(name string) bool {
	return len(name) > 4 && strings.EqualFold(name[len(name)-4:], ".pat")
}

// scanFolder looks at every regular file directly in fsys, in name order:
// .pat files by name, databases (when wantDBs) and the first checkpoint
// (when wantCkpt) by ese.Identify. A file that cannot be opened is left
// out, as the engine would not find it either.
func scanFolder(ctx context.Context, fsys fs.FS, label func(string) string, wantDBs, wantCkpt bool) (*folderFiles, error) {
	out := &folderFiles{}
	ents, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return out, err
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	for _, e := range ents {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		if !e.Type().IsRegular() {
			continue
		}
		n := e.Name()
		if isPatName(n) {
			out.patches = append(out.patches, folderPatch{name: n, label: label(n)})
		}
		if !wantDBs && (!wantCkpt || out.checkpoint != nil) {
			continue
		}
		r, c, err := openReaderAt(fsys, n)
		if err != nil {
			continue
		}
		id, err := ese.Identify(r)
		keep := false
		switch {
		case err != nil:
		case wantDBs && (id.Kind == ese.KindDatabase || id.Kind == ese.KindTempDatabase):
			out.databases = append(out.databases, DatabaseFile{Name: label(n), R: r})
			keep = true
		case wantCkpt && out.checkpoint == nil && id.Kind == ese.KindCheckpoint:
			out.checkpoint = &DatabaseFile{Name: label(n), R: r}
			keep = true
		}
		if keep {
			out.closers = append(out.closers, c)
		} else {
			c.Close()
		}
	}
	return out, nil
}

// errNotRegular reports a folder entry that is not a regular file.
var errNotRegular = errors.New("not a regular file")

// openReaderAt opens name in fsys for random access: files of os.DirFS
// and fstest.MapFS read at offsets themselves, a seekable file is read
// through Seek, anything else is read into memory.
func openReaderAt(fsys fs.FS, name string) (io.ReaderAt, io.Closer, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = &fs.PathError{Op: "open", Path: name, Err: errNotRegular}
		}
		return nil, nil, err
	}
	switch ff := f.(type) {
	case io.ReaderAt:
		return ff, f, nil
	case io.ReadSeeker:
		return &seekReaderAt{f: ff, size: st.Size()}, f, nil
	}
	b, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return nil, nil, err
	}
	return bytes.NewReader(b), io.NopCloser(nil), nil
}

// seekReaderAt reads at offsets through Seek and Read, one call at a time.
type seekReaderAt struct {
	mu   sync.Mutex
	f    io.ReadSeeker
	size int64
}

// Size returns the file's size, as bin.Size asks.
func (s *seekReaderAt) Size() int64 { return s.size }

func (s *seekReaderAt) ReadAt(p []byte, off int64) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.f.Seek(off, io.SeekStart); err != nil {
		return 0, err
	}
	n, err := io.ReadFull(s.f, p)
	if err == io.ErrUnexpectedEOF {
		err = io.EOF
	}
	return n, err
}
