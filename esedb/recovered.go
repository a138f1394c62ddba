package esedb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/esekit/esekit/recovery"
)

// Recovered is a database read as it would be after soft recovery: its
// logs replayed into a temporary copy, the evidence left untouched.
type Recovered struct {
	*DB
	// Result is the recovery's report.
	Result *recovery.RecoverResult

	dir  string
	file *os.File
}

// OpenRecovered recovers the database at path with the logs of logDir
// into a new temporary folder (the database and logs are only read) and
// opens the recovered copy. Close removes the copy; call it on every
// path, a signal included (the copy holds the evidence's data): a copy
// left by a killed process stays in the temporary folder, under
// "esedb-recovered-*".
func OpenRecovered(ctx context.Context, path, logDir string, opts *Options) (*Recovered, error) {
	// The folder is the caller's alone (os.MkdirTemp: mode 0700, a new
	// name): the copy of the evidence is not readable by other users.
	dir, err := os.MkdirTemp("", "esedb-recovered-")
	if err != nil {
		return nil, fmt.Errorf("esedb: %w", err)
	}
	r := &Recovered{dir: dir}
	fail := func(err error) (*Recovered, error) {
		r.Close()
		return nil, err
	}
	// The database's folder joins the log folder's unless it is the same
	// folder, by any name (a symbolic link, a relative path): compared by
	// name only, one folder was scanned twice and its database planned
	// twice (-1216).
	in := recovery.FolderInput{Logs: logDir}
	if !sameDir(logDir, filepath.Dir(path)) {
		in.Databases = []string{filepath.Dir(path)}
	}
	res, err := recovery.RecoverFolder(ctx, in, &recovery.RecoverOptions{OutDir: dir})
	r.Result = res
	if err != nil {
		return fail(fmt.Errorf("esedb: recovering %s with the logs of %s: %w", path, logDir, err))
	}
	var out string
	pst, _ := os.Stat(path)
	for _, d := range res.Databases {
		if dst, err := os.Stat(d.File); err == nil && pst != nil && os.SameFile(dst, pst) {
			out = d.Output
		}
	}
	if out == "" {
		return fail(fmt.Errorf("esedb: recovery with the logs of %s wrote no copy of %s", logDir, path))
	}
	if r.file, err = os.Open(out); err != nil {
		return fail(fmt.Errorf("esedb: %w", err))
	}
	st, err := r.file.Stat()
	if err != nil {
		return fail(fmt.Errorf("esedb: %w", err))
	}
	if r.DB, err = Open(r.file, st.Size(), opts); err != nil {
		return fail(err)
	}
	return r, nil
}

// Close closes and removes the recovered copy and its folder. It may be
// called more than once. A folder that resists removal (a file or the
// folder made read-only meanwhile) is made writable by its owner and
// removal tried again; an error remains only when the copy is still
// there.
func (r *Recovered) Close() error {
	var err error
	if r.file != nil {
		err = r.file.Close()
		r.file = nil
	}
	if r.dir == "" {
		return err
	}
	if rerr := os.RemoveAll(r.dir); rerr != nil {
		filepath.WalkDir(r.dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				os.Chmod(p, 0o700)
			}
			return nil
		})
		if rerr = os.RemoveAll(r.dir); rerr != nil {
			return fmt.Errorf("esedb: removing the recovered copy: %w", rerr)
		}
	}
	r.dir = ""
	return err
}

// sameDir reports whether a and b are one folder (os.SameFile), or, when
// either cannot be read, the same cleaned name.
func sameDir(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	if err1 != nil || err2 != nil {
		return filepath.Clean(a) == filepath.Clean(b)
	}
	return os.SameFile(sa, sb)
}
