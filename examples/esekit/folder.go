package main

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
)

// folderFile is a regular file of a folder, opened for reading.
type folderFile struct {
	input
	id identity
}

// openFS opens name in fsys as an input. Files of os.DirFS and
// fstest.MapFS support ReadAt; others are read into memory.
func openFS(fsys fs.FS, name, label string) (input, io.Closer, error) {
	f, err := fsys.Open(name)
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
		return input{}, nil, fmt.Errorf("%s is a directory", label)
	}
	if ra, ok := f.(io.ReaderAt); ok {
		return input{name: label, r: ra, size: st.Size()}, f, nil
	}
	b, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return input{}, nil, err
	}
	return memInput(label, b), io.NopCloser(nil), nil
}

// identifyFolder identifies every regular file directly in dir of fsys,
// sorted by name. labelOf gives the name reports use for a file. The
// caller closes the returned closers.
func identifyFolder(fsys fs.FS, dir string, labelOf func(string) string) ([]folderFile, []io.Closer, error) {
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, nil, err
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	var out []folderFile
	var closers []io.Closer
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		in, c, err := openFS(fsys, path.Join(dir, e.Name()), labelOf(e.Name()))
		if err != nil {
			continue
		}
		closers = append(closers, c)
		out = append(out, folderFile{input: in, id: identifyInput(in)})
	}
	return out, closers, nil
}

func closeAll(cs []io.Closer) {
	for _, c := range cs {
		if c != nil {
			c.Close()
		}
	}
}
