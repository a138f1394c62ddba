package recovery

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/outfile"
)

// ErrOutputIsInput is wrapped, with ErrUnsafePath, by the refusal of an
// output folder that is one of the plan's input folders (a log folder, a
// further log folder, the checkpoint's, a database's, the restore or
// target folder, the Restore in Progress key's) or lies inside one:
// recovery never writes among its inputs. It carries
// ese.ErrInvalidPath (JET_errInvalidPath, -1023).
var ErrOutputIsInput = ese.NewSentinel("the output folder is an input folder", ese.ErrInvalidPath)

// inputPaths are the places on the operating system's file system a plan
// reads: its folders and its files. Inputs given as another fs.FS or as
// readers have none; nothing this package writes can be them.
type inputPaths struct {
	dirs  []string
	files []string
}

// planInputPaths finds the input folders and files of plan; extra are
// further input files (the Restore in Progress key read). Every regular
// file at the top of an input folder counts as an input (the logs, the
// checkpoint, the .pat files are among them), as does every database file;
// the temporary files recovery itself leaves (outfile.TempName) do not.
func planInputPaths(plan *Plan, extra ...string) *inputPaths {
	ip := &inputPaths{}
	in := &plan.Inputs
	ip.dirs = append(ip.dirs, osDirs(in.Logs)...)
	ip.dirs = append(ip.dirs, osDirs(in.Target)...)
	ip.dirs = append(ip.dirs, osDirs(in.checkpointFS)...)
	given := map[string]bool{}
	for _, d := range in.Databases {
		given[d.Name] = true
		switch {
		case d.FS != nil:
			for _, dir := range osDirs(d.FS) {
				p := filepath.Join(dir, filepath.FromSlash(d.Name))
				ip.files = append(ip.files, p)
				ip.dirs = append(ip.dirs, filepath.Dir(p))
			}
		case d.R == nil:
			ip.files = append(ip.files, d.Name)
			ip.dirs = append(ip.dirs, filepath.Dir(d.Name))
		}
	}
	// A planned database not given is opened by its path (PlanInputs.open).
	for _, pd := range plan.Databases {
		if !given[pd.File] && pd.File != "" {
			ip.files = append(ip.files, pd.File)
			ip.dirs = append(ip.dirs, filepath.Dir(pd.File))
		}
	}
	for _, f := range extra {
		if f != "" {
			ip.files = append(ip.files, f)
			ip.dirs = append(ip.dirs, filepath.Dir(f))
		}
	}
	for _, dir := range ip.dirs {
		ents, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range ents {
			if e.Type().IsRegular() && !outfile.IsTemp(e.Name()) {
				ip.files = append(ip.files, filepath.Join(dir, e.Name()))
			}
		}
	}
	return ip
}

// checkOutDir refuses an output folder that is one of the input folders
// or lies inside one. out need not exist yet: its nearest existing
// parent is where the check starts, with symbolic links resolved, and
// every folder from there up to the root is compared (os.SameFile) with
// every input folder.
func (ip *inputPaths) checkOutDir(out string) error {
	return checkOutsideInputs(out, ip.dirs)
}

// CheckOutDir refuses an output folder out that is one of the folders
// inputs or lies inside one, compared as folders (os.SameFile), not as
// names: a symbolic link, a relative path or another spelling of an input
// folder is found too. out need not exist yet; nothing is created. The
// error wraps ErrOutputIsInput and ErrUnsafePath (ese.ErrInvalidPath).
// Recover and Restore make this check themselves with the plan's input
// folders; tools call it to refuse an output folder before creating it.
func CheckOutDir(out string, inputs ...string) error { return checkOutsideInputs(out, inputs) }

// checkOutsideInputs is checkOutDir for a list of input folders.
func checkOutsideInputs(out string, inputs []string) error {
	type dirStat struct {
		name string
		st   fs.FileInfo
	}
	var ins []dirStat
	for _, d := range inputs {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			ins = append(ins, dirStat{d, st})
		}
	}
	if len(ins) == 0 {
		return nil
	}
	p, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	// The nearest existing folder, links resolved: its lexical parents are
	// then its real parents.
	for {
		if _, err := os.Lstat(p); err == nil {
			break
		}
		parent := filepath.Dir(p)
		if parent == p {
			return nil
		}
		p = parent
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	for first := true; ; first = false {
		if st, err := os.Stat(p); err == nil {
			for _, in := range ins {
				if !os.SameFile(st, in.st) {
					continue
				}
				how := "is inside"
				if first && sameFile(p, out) {
					how = "is"
				}
				return fmt.Errorf("recovery: the output folder %s %s the input folder %s: %w: %w", out, how, in.name, ErrOutputIsInput, ErrUnsafePath)
			}
		}
		parent := filepath.Dir(p)
		if parent == p {
			return nil
		}
		p = parent
	}
}

// osDirType is the type of os.DirFS's folders.
var osDirType = reflect.TypeOf(os.DirFS("."))

// subFSType is the type fs.Sub returns for a folder without its own Sub.
var subFSType = func() reflect.Type {
	s, _ := fs.Sub(emptyFS{}, "x")
	return reflect.TypeOf(s)
}()

type emptyFS struct{}

func (emptyFS) Open(string) (fs.File, error) { return nil, fs.ErrNotExist }

// osDirs returns the operating-system folders fsys reads: that of an
// os.DirFS, of an fs.Sub of one, and those of the folders recovery wraps
// (a held folder, the union of log folders). Any other fs.FS has none.
func osDirs(fsys fs.FS) []string {
	switch f := fsys.(type) {
	case nil:
		return nil
	case *heldFS:
		return osDirs(f.FS)
	case *unionFS:
		var out []string
		for _, l := range f.layers {
			out = append(out, osDirs(l)...)
		}
		return out
	}
	return reflectDirs(reflect.ValueOf(fsys))
}

// reflectDirs reads the folder of an os.DirFS or fs.Sub value, whose
// types are not exported.
func reflectDirs(v reflect.Value) []string {
	if !v.IsValid() {
		return nil
	}
	switch v.Type() {
	case osDirType:
		if d := v.String(); d != "" {
			return []string{d}
		}
	case subFSType:
		e := v.Elem()
		inner, dir := e.FieldByName("fsys"), e.FieldByName("dir")
		if !inner.IsValid() || inner.Kind() != reflect.Interface || dir.Kind() != reflect.String {
			return nil
		}
		var out []string
		for _, d := range reflectDirs(inner.Elem()) {
			out = append(out, filepath.Join(d, filepath.FromSlash(path.Clean(dir.String()))))
		}
		return out
	}
	return nil
}
