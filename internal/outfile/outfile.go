// Package outfile creates the files recovery, restore and the tools write:
// always as new files inside the folder they belong to, never through a
// symbolic link or onto a file that is already there, and never onto one
// of the inputs. Files reach their final names by a rename that does not
// replace an existing file unless the caller asks for it.
package outfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/esekit/esekit/ese"
)

// ErrUnsafePath is wrapped by every refusal of a name that is not a plain
// file name, of a symbolic link or other non-regular file where a new file
// goes, and of a file that is one of the inputs. A file that merely
// exists gives an error wrapping fs.ErrExist instead. It wraps
// ese.ErrInvalidPath (JET_errInvalidPath, -1023, "invalid file path" in
// dev/ese/published/inc/jethdr.w), so errors.Is(err, ese.ErrInvalidPath)
// holds and ese.CodeOf reports that code.
var ErrUnsafePath = ese.NewSentinel("unsafe path", ese.ErrInvalidPath)

// TempSuffix ends the name of a file being written: the file "x" is
// written as ".x" + TempSuffix beside it and renamed once complete.
const TempSuffix = ".esekit-recovering"

// TempName returns the temporary name of the file name.
func TempName(name string) string { return "." + name + TempSuffix }

// IsTemp reports whether name is a temporary name (TempName).
func IsTemp(name string) bool { return strings.HasSuffix(name, TempSuffix) }

// Create creates name, a plain file name, in dir as a new regular file
// open for reading and writing (mode 0644 before the umask). Anything
// already there is refused: a file with an error wrapping fs.ErrExist, a
// symbolic link (whatever it points at), even a dangling one, with
// ErrUnsafePath. The opened file is checked to be a regular file that is
// dir/name and none of inputs.
func Create(dir, name string, inputs ...string) (*os.File, error) {
	return create(dir, name, false, inputs)
}

// CreateTemp is Create for a temporary file that a killed run may have left
// behind (TempName): a regular file already at the name that is none of
// inputs is removed first, so a rerun starts afresh. A symbolic link or
// anything else that is not a regular file is refused with ErrUnsafePath
// and left alone.
func CreateTemp(dir, name string, inputs ...string) (*os.File, error) {
	return create(dir, name, true, inputs)
}

func create(dir, name string, stale bool, inputs []string) (*os.File, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	p := filepath.Join(dir, name)
	if stale {
		if st, err := os.Lstat(p); err == nil {
			if !st.Mode().IsRegular() {
				return nil, fmt.Errorf("%w: %s %s, not a file this program left", ErrUnsafePath, p, Kind(st))
			}
			if in := Input(st, inputs...); in != "" {
				return nil, fmt.Errorf("%w: %s is the input %s", ErrUnsafePath, p, in)
			}
			if err := os.Remove(p); err != nil {
				return nil, err
			}
		}
	}
	// O_EXCL with O_CREATE fails on any existing name, a symbolic link
	// included (it is not followed); O_NOFOLLOW says so again where the
	// system has it.
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL|oNoFollow, 0o644)
	if err != nil {
		if st, lerr := os.Lstat(p); lerr == nil && st.Mode()&fs.ModeSymlink != 0 {
			return nil, fmt.Errorf("%w: %s is a symbolic link", ErrUnsafePath, p)
		}
		return nil, err
	}
	if err := verify(f, p, inputs); err != nil {
		f.Close()
		os.Remove(p)
		return nil, err
	}
	return f, nil
}

// verify checks that f, just created as p, is a regular file still named
// p and none of inputs.
func verify(f *os.File, p string, inputs []string) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%w: %s is not a regular file", ErrUnsafePath, p)
	}
	if lst, err := os.Lstat(p); err != nil || !os.SameFile(st, lst) {
		return fmt.Errorf("%w: %s was replaced while it was created", ErrUnsafePath, p)
	}
	if in := Input(st, inputs...); in != "" {
		return fmt.Errorf("%w: %s is the input %s", ErrUnsafePath, p, in)
	}
	return nil
}

// Kind says what a file that is not a regular one is, for a refusal:
// "is a symbolic link", "is a folder" or "is not a regular file".
func Kind(st fs.FileInfo) string {
	switch {
	case st.Mode()&fs.ModeSymlink != 0:
		return "is a symbolic link"
	case st.IsDir():
		return "is a folder"
	}
	return "is not a regular file"
}

// Input returns the one of inputs that st (from os.Stat or os.Lstat) is,
// "" when none.
func Input(st fs.FileInfo, inputs ...string) string {
	for _, in := range inputs {
		if in == "" {
			continue
		}
		if ist, err := os.Stat(in); err == nil && os.SameFile(st, ist) {
			return in
		}
	}
	return ""
}

// checkName refuses a name that is not one plain component.
func checkName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`+"\x00") || filepath.Base(name) != name {
		return fmt.Errorf("%w: %q is not a plain file name", ErrUnsafePath, name)
	}
	return nil
}

// Rename gives the file oldpath the name newpath. Unless replace is set an
// existing newpath (a symbolic link included) is never replaced: the error
// wraps fs.ErrExist. With replace, newpath may be replaced, but not when
// it is one of inputs (ErrUnsafePath). When both names already hold the
// same file (a rename killed between its two steps, below), the old name
// is removed, which completes it.
//
// Without replace the file is hard-linked under the new name, which fails
// atomically when the name is taken, then its old name is removed: a
// process killed between the two leaves both names on the same complete
// file, and a rerun finds the new name taken, as after a completed run
// (or completes the rename). On
// a file system without hard links the name is checked and the file
// renamed, which another process could race; recovery's output folder is
// its own, so that window only matters against a hostile writer in it.
func Rename(oldpath, newpath string, replace bool, inputs ...string) error {
	ost, err := os.Lstat(oldpath)
	if err != nil {
		return err
	}
	if nst, err := os.Lstat(newpath); err == nil {
		if os.SameFile(ost, nst) {
			return os.Remove(oldpath)
		}
		if !replace {
			return &fs.PathError{Op: "rename", Path: newpath, Err: fs.ErrExist}
		}
		if in := Input(nst, inputs...); in != "" {
			return fmt.Errorf("%w: %s is the input %s", ErrUnsafePath, newpath, in)
		}
		if nst.IsDir() {
			return fmt.Errorf("%w: %s is a folder", ErrUnsafePath, newpath)
		}
	}
	if replace {
		return os.Rename(oldpath, newpath)
	}
	if err := os.Link(oldpath, newpath); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		// No hard links here: check, then rename.
		if _, lerr := os.Lstat(newpath); lerr == nil {
			return &fs.PathError{Op: "rename", Path: newpath, Err: fs.ErrExist}
		}
		return os.Rename(oldpath, newpath)
	}
	return os.Remove(oldpath)
}

// WriteFile writes b as name in dir: into a new temporary file beside it
// (CreateTemp; what stands at its name is checked by CheckStaleTemp
// first: only a file a killed run of the same write left is replaced),
// synced, then renamed to name by Rename, which replaces an
// existing file only when replace is set and never one of inputs. A
// failure removes the temporary file and leaves any existing file as it
// was.
func WriteFile(dir, name string, b []byte, replace bool, inputs ...string) error {
	if err := checkName(name); err != nil {
		return err
	}
	p := filepath.Join(dir, name)
	if !replace {
		if _, err := os.Lstat(p); err == nil {
			return &fs.PathError{Op: "write", Path: p, Err: fs.ErrExist}
		}
	}
	tmp := TempName(name)
	if err := CheckStaleTemp(dir, name, b, inputs...); err != nil {
		return err
	}
	f, err := CreateTemp(dir, tmp, inputs...)
	if err != nil {
		return err
	}
	tp := filepath.Join(dir, tmp)
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = Rename(tp, p, replace, inputs...)
	}
	if err != nil {
		os.Remove(tp)
		return err
	}
	SyncDir(dir)
	return nil
}

// CheckStaleTemp checks what stands at the temporary name of name in dir
// (TempName) before WriteFile writes b through it. Nothing there is
// fine; so is a regular file whose bytes begin b (a run writing the same
// bytes was killed: the file is this program's, and replaced). Anything
// else is refused and left alone, with an error naming it: a symbolic
// link or non-regular file or an input with ErrUnsafePath, a file of
// other bytes (someone else's) with an error wrapping fs.ErrExist.
func CheckStaleTemp(dir, name string, b []byte, inputs ...string) error {
	if err := checkName(name); err != nil {
		return err
	}
	tp := filepath.Join(dir, TempName(name))
	st, err := os.Lstat(tp)
	if err != nil {
		return nil
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%w: %s %s, not a file this program left", ErrUnsafePath, tp, Kind(st))
	}
	if in := Input(st, inputs...); in != "" {
		return fmt.Errorf("%w: %s is the input %s", ErrUnsafePath, tp, in)
	}
	if st.Size() <= int64(len(b)) {
		if got, err := readPrefix(tp, st.Size()); err == nil && string(got) == string(b[:len(got)]) {
			return nil
		}
	}
	return fmt.Errorf("outfile: %s is in the way of the temporary file and was not left by this program (its bytes are not the ones being written): move it away: %w", tp, fs.ErrExist)
}

// readPrefix reads the first n bytes of the regular file p, without
// following a link.
func readPrefix(p string, n int64) ([]byte, error) {
	f, err := os.OpenFile(p, os.O_RDONLY|oNoFollow, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, n)
	_, err = io.ReadFull(f, b)
	return b, err
}

// SyncDir syncs the folder dir so that a rename in it is on disk; errors
// are ignored (not every system can sync a folder).
func SyncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
