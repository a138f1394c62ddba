package recovery

import (
	"io/fs"
	"sort"
)

// unionFS presents several log folders as one flat folder, as KB Q296787's
// roll-forward step 5 gathers logs "from multiple backup sets" into the log path. A
// name present in several folders is taken from the first; the others are
// reported as shadowed.
type unionFS struct {
	layers   []fs.FS
	shadowed []string
}

// Open opens name from the first folder that has it. Only top-level names
// (and ".") exist.
func (u *unionFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return u.layers[0].Open(".")
	}
	for _, l := range u.layers {
		f, err := l.Open(name)
		if err == nil {
			return f, nil
		}
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// ReadDir lists the merged top level.
func (u *unionFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name != "." {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	seen := map[string]bool{}
	var out []fs.DirEntry
	u.shadowed = nil
	for i, l := range u.layers {
		ents, err := fs.ReadDir(l, ".")
		if err != nil {
			if i == 0 {
				return nil, err
			}
			continue
		}
		for _, e := range ents {
			if seen[e.Name()] {
				if e.Type().IsRegular() {
					u.shadowed = append(u.shadowed, e.Name())
				}
				continue
			}
			seen[e.Name()] = true
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}
