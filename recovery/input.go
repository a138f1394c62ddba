package recovery

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/esekit/esekit/esechk"
)

// DatabaseFile is a database to plan for and recover. It comes from one of
// three places: a file of an fs.FS (FS set), a reader (R set), or, with
// neither, the file at the path Name on the operating system's file
// system, opened each time it is read.
type DatabaseFile struct {
	// Name is the file's name or path, used in the plan and messages; the
	// recovered copy gets its last element. With FS set it is the file's
	// name in FS (a slash-separated path valid for fs.ValidPath).
	Name string
	// FS, when not nil, holds the file at Name.
	FS fs.FS
	// R reads the file when FS is nil; Size is its size in bytes (0:
	// found from R's Stat or Size method, else by probing). The plan keeps
	// R: it must stay readable until Recover or Restore returns.
	R    io.ReaderAt
	Size int64
}

// CheckpointSource says which checkpoint soft recovery starts from. The
// zero value is no checkpoint: replay starts at the lowest log, as the
// engine does when the checkpoint is missing.
type CheckpointSource struct {
	// Find takes the checkpoint from the log folder (SoftInput.Logs): the
	// last file, in name order, with a three-character base and the
	// extension .chk or .jcp (the engine's <base>.chk), none when there is
	// no such file. Name and FS must be empty.
	Find bool
	// Name is the checkpoint file's name in FS, or in the log folder when
	// FS is nil.
	Name string
	FS   fs.FS
}

// PlanInputs are the inputs a plan was made from, which Recover and
// Restore read: PlanSoft and PlanHard fill them in, so that the caller
// names the inputs once. A plan made by hand (or decoded from JSON) needs
// them set before it is recovered.
type PlanInputs struct {
	// Logs is the log folder, with SoftInput.MoreLogs joined (soft
	// recovery), or the restore folder with the backup's logs and .pat
	// files (hard recovery).
	Logs fs.FS
	// Target is the folder of logs already on disk (hard recovery): the
	// plan's logs not FromBackup.
	Target fs.FS
	// Checkpoint is the checkpoint read when planning; nil for none or
	// one that could not be read. When the plan starts at the
	// checkpoint's own position (its attach list present), the databases
	// attached there are taken from its list rather than from the first
	// log's header.
	Checkpoint *esechk.Checkpoint
	// Databases are the database files given, in the form Recover reads
	// them (a file without random access held in memory); a planned
	// database not among them is opened by the path in the plan.
	Databases []DatabaseFile

	// checkpointFS is the folder the checkpoint was read from when it is
	// not the log folder (CheckpointSource.FS): an input folder too.
	checkpointFS fs.FS
}

// open returns the reader of a planned database with its size: the file
// given for it, or the file at its path. The closer, when not nil, is the
// caller's to close.
func (in *PlanInputs) open(name string) (io.ReaderAt, int64, io.Closer, error) {
	for _, d := range in.Databases {
		if d.Name == name && (d.FS != nil || d.R != nil) {
			return d.open()
		}
	}
	return DatabaseFile{Name: name}.open()
}

// open opens the database file. A file of an fs.FS must give random
// access (io.ReaderAt); planning holds one that does not in memory
// (bufferDatabases).
func (d DatabaseFile) open() (io.ReaderAt, int64, io.Closer, error) {
	switch {
	case d.R != nil && d.FS == nil:
		size := d.Size
		if size <= 0 {
			s, err := sourceSize(d.R)
			if err != nil {
				return nil, 0, nil, err
			}
			size = s
		}
		return d.R, size, nil, nil
	case d.FS != nil:
		f, err := d.FS.Open(d.Name)
		if err != nil {
			return nil, 0, nil, err
		}
		ra, ok := f.(io.ReaderAt)
		st, err := f.Stat()
		if err != nil || !ok {
			f.Close()
			if err == nil {
				err = &NoRandomAccessError{File: d.Name, Size: -1}
			}
			return nil, 0, nil, err
		}
		return ra, st.Size(), f, nil
	}
	f, err := os.Open(d.Name)
	if err != nil {
		return nil, 0, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, nil, err
	}
	return f, st.Size(), f, nil
}

// readCheckpoint reads the checkpoint src names (logs is the log folder).
// name is the file name events give it ("" for none); a checkpoint that
// cannot be opened is an error, one that does not decode is returned in
// cerr (the engine then ignores it).
func readCheckpoint(src CheckpointSource, logs fs.FS, buf *buffer) (ck *esechk.Checkpoint, name string, cerr, err error) {
	fsys, file := src.FS, src.Name
	if fsys == nil {
		fsys = logs
	}
	switch {
	case src.Find && (src.Name != "" || src.FS != nil):
		return nil, "", nil, errors.New("recovery: CheckpointSource: Find takes the checkpoint from the log folder: Name and FS must be empty")
	case src.Find:
		file = findCheckpoint(logs)
	case src.Name == "" && src.FS != nil:
		return nil, "", nil, errors.New("recovery: CheckpointSource: FS without a Name")
	}
	if file == "" {
		return nil, "", nil, nil
	}
	f, err := fsys.Open(file)
	if err != nil {
		return nil, "", nil, fmt.Errorf("recovery: checkpoint: %w", err)
	}
	defer f.Close()
	ra, err := buf.readerAt(f, file)
	if err != nil {
		return nil, "", nil, err
	}
	name = path.Base(file)
	ck, cerr = esechk.Read(ra)
	return ck, name, cerr, nil
}

// findCheckpoint returns the name of the checkpoint file in the log
// folder, "" when there is none (CheckpointSource.Find).
func findCheckpoint(logs fs.FS) string {
	ents, _ := fs.ReadDir(logs, ".")
	name := ""
	for _, e := range ents {
		if ext := strings.ToLower(path.Ext(e.Name())); (ext == ".chk" || ext == ".jcp") && len(e.Name()) == 7 {
			name = e.Name()
		}
	}
	return name
}
