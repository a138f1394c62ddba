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
// opens the recovered copy. Close removes the copy.
func OpenRecovered(ctx context.Context, path, logDir string, opts *Options) (*Recovered, error) {
	dir, err := os.MkdirTemp("", "esedb-recovered-")
	if err != nil {
		return nil, fmt.Errorf("esedb: %w", err)
	}
	r := &Recovered{dir: dir}
	fail := func(err error) (*Recovered, error) {
		r.Close()
		return nil, err
	}
	in := recovery.FolderInput{Logs: logDir}
	if a, b := filepath.Clean(logDir), filepath.Clean(filepath.Dir(path)); a != b {
		in.Databases = []string{filepath.Dir(path)}
	}
	res, err := recovery.RecoverFolder(ctx, in, &recovery.RecoverOptions{OutDir: dir})
	r.Result = res
	if err != nil {
		return fail(fmt.Errorf("esedb: recovering %s with the logs of %s: %w", path, logDir, err))
	}
	var out string
	abs, _ := filepath.Abs(path)
	for _, d := range res.Databases {
		if fa, _ := filepath.Abs(d.File); fa == abs || filepath.Base(d.File) == filepath.Base(path) {
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

// Close closes and removes the recovered copy.
func (r *Recovered) Close() error {
	if r.file != nil {
		r.file.Close()
	}
	return os.RemoveAll(r.dir)
}
