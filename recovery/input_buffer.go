package recovery

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/esekit/esekit/ese"
)

// DefaultMaxBufferBytes is the default of Options.MaxBufferBytes: 64 MiB.
const DefaultMaxBufferBytes = 64 << 20

// NoRandomAccessError is the error of planning from an input file that
// gives no random access (its fs.File is no io.ReaderAt, as a member of
// an archive/zip folder) and does not fit in what planning may hold in
// memory (Options.MaxBufferBytes). The engine reads logs, checkpoints,
// patch files and databases at arbitrary offsets; such a file is refused
// when the plan is made rather than half-way through a recovery. It
// wraps ese.ErrInvalidParameter: the input given cannot be used.
type NoRandomAccessError struct {
	// File is the file's name in its fs.FS.
	File string
	// Size is its size in bytes (-1 when not known); Left is what the
	// budget had left when it was met.
	Size, Left int64
}

func (e *NoRandomAccessError) Error() string {
	if e.Size < 0 {
		return fmt.Sprintf("recovery: %s gives no random access (its file is no io.ReaderAt): %v", e.File, ese.ErrInvalidParameter)
	}
	return fmt.Sprintf("recovery: %s gives no random access (its file is no io.ReaderAt) and its %d bytes do not fit in the %d bytes left to hold such files in memory (Options.MaxBufferBytes): %v",
		e.File, e.Size, e.Left, ese.ErrInvalidParameter)
}

// Unwrap returns ese.ErrInvalidParameter.
func (e *NoRandomAccessError) Unwrap() error { return ese.ErrInvalidParameter }

// buffer holds in memory the input files of a plan that give no random
// access, within one budget for them all.
type buffer struct {
	left int64
}

func newBuffer(opts *Options) *buffer {
	n := int64(DefaultMaxBufferBytes)
	if opts != nil && opts.MaxBufferBytes != 0 {
		n = max(opts.MaxBufferBytes, 0)
	}
	return &buffer{left: n}
}

// readerAt returns random access to the open file f: f itself when it is
// an io.ReaderAt, else its bytes read into memory.
func (b *buffer) readerAt(f fs.File, name string) (io.ReaderAt, error) {
	if ra, ok := f.(io.ReaderAt); ok {
		return ra, nil
	}
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	data, err := b.read(f, name, st.Size(), nil)
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(data), nil
}

// read reads the size bytes of f, head (already read) first, charging
// the budget.
func (b *buffer) read(f io.Reader, name string, size int64, head []byte) ([]byte, error) {
	if size < 0 || size > b.left {
		return nil, &NoRandomAccessError{File: name, Size: size, Left: b.left}
	}
	data := make([]byte, len(head), size)
	copy(data, head)
	rest, err := io.ReadAll(io.LimitReader(f, size-int64(len(head))))
	if err != nil {
		return nil, fmt.Errorf("recovery: reading %s: %w", name, err)
	}
	data = append(data, rest...)
	if int64(len(data)) != size {
		return nil, fmt.Errorf("recovery: %s: read %d bytes of %d: %w", name, len(data), size, io.ErrUnexpectedEOF)
	}
	b.left -= size
	return data, nil
}

// folder returns fsys with every file at its top that planning or
// recovery reads at random offsets (a log, checkpoint or patch file, by
// its bytes or its extension) and that gives no random access replaced by
// its bytes in memory. fsys itself is returned when every file gives
// random access.
func (b *buffer) folder(fsys fs.FS) (fs.FS, error) {
	if fsys == nil {
		return nil, nil
	}
	ents, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var held map[string]*heldFile
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		h, err := b.hold(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		if h != nil {
			if held == nil {
				held = map[string]*heldFile{}
			}
			held[e.Name()] = h
		}
	}
	if held == nil {
		return fsys, nil
	}
	return &heldFS{FS: fsys, files: held}, nil
}

// hold reads the file name of fsys into memory when it gives no random
// access and is one recovery reads; nil when it need not be held.
func (b *buffer) hold(fsys fs.FS, name string) (*heldFile, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, nil // eselog.ScanFS reports the unreadable file
	}
	defer f.Close()
	if _, ok := f.(io.ReaderAt); ok {
		return nil, nil
	}
	st, err := f.Stat()
	if err != nil {
		return nil, nil
	}
	head := make([]byte, min(st.Size(), 2*ese.MaxPageSize))
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if !readAtRandom(name, head) {
		return nil, nil
	}
	data, err := b.read(f, name, st.Size(), head)
	if err != nil {
		return nil, err
	}
	return &heldFile{name: name, data: data, mode: st.Mode(), mod: st.ModTime()}, nil
}

// readAtRandom reports a file recovery reads at random offsets: a log,
// checkpoint or patch file, by its first bytes or by its extension.
func readAtRandom(name string, head []byte) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".log", ".jtx", ".chk", ".jcp", ".pat":
		return true
	}
	id, _ := ese.Identify(bytes.NewReader(head))
	return id.Kind == ese.KindLog || id.Kind == ese.KindCheckpoint || id.Kind == ese.KindPatch
}

// databases returns the database files with those of an fs.FS that
// give no random access read into memory.
func (b *buffer) databases(dbs []DatabaseFile) ([]DatabaseFile, error) {
	out := make([]DatabaseFile, 0, len(dbs))
	for _, d := range dbs {
		if d.FS == nil {
			out = append(out, d)
			continue
		}
		f, err := d.FS.Open(d.Name)
		if err != nil {
			return nil, fmt.Errorf("recovery: database %s: %w", d.Name, err)
		}
		if _, ok := f.(io.ReaderAt); ok {
			f.Close()
			out = append(out, d)
			continue
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("recovery: database %s: %w", d.Name, err)
		}
		data, err := b.read(f, d.Name, st.Size(), nil)
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, DatabaseFile{Name: d.Name, R: bytes.NewReader(data), Size: int64(len(data))})
	}
	return out, nil
}

// heldFS is a folder some of whose files are held in memory.
type heldFS struct {
	fs.FS
	files map[string]*heldFile
}

// Open opens a held file from memory, any other from the folder.
func (h *heldFS) Open(name string) (fs.File, error) {
	if f, ok := h.files[name]; ok {
		return &heldOpen{Reader: bytes.NewReader(f.data), f: f}, nil
	}
	return h.FS.Open(name)
}

// ReadDir lists the folder's own entries.
func (h *heldFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(h.FS, name) }

// heldFile is a file held in memory, with what its Stat said.
type heldFile struct {
	name string
	data []byte
	mode fs.FileMode
	mod  time.Time
}

func (f *heldFile) Name() string       { return f.name }
func (f *heldFile) Size() int64        { return int64(len(f.data)) }
func (f *heldFile) Mode() fs.FileMode  { return f.mode }
func (f *heldFile) ModTime() time.Time { return f.mod }
func (f *heldFile) IsDir() bool        { return false }
func (f *heldFile) Sys() any           { return nil }

// heldOpen is an open held file: it reads, seeks and reads at offsets.
type heldOpen struct {
	*bytes.Reader
	f *heldFile
}

func (o *heldOpen) Stat() (fs.FileInfo, error) { return o.f, nil }
func (o *heldOpen) Close() error               { return nil }
