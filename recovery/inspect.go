package recovery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esechk"
	"github.com/esekit/esekit/eselog"
)

// InspectOptions name what Inspect cannot find in the folder itself. The
// zero value (or nil) inspects the folder alone: every database and the
// checkpoint found in it, identified by their bytes.
type InspectOptions struct {
	// Databases are the databases to judge. Nil: every database and
	// temporary database of the folder (ese.Identify).
	Databases []DatabaseFile
	// Checkpoint reads a checkpoint kept outside the folder;
	// CheckpointName names it. Nil: the folder's checkpoint, unless
	// NoCheckpoint.
	Checkpoint     io.ReaderAt
	CheckpointName string
	// NoCheckpoint ignores the folder's checkpoint: replay starts at the
	// lowest log and no log is truncatable. An explicit Checkpoint is
	// still used.
	NoCheckpoint bool
	// Name gives the name the report uses for a file of the folder (the
	// databases, checkpoint and patch files found there); nil: the file
	// name itself. The log set keeps the bare names.
	Name func(file string) string
}

// Inspection answers what a backup agent or an administrator asks of a log
// folder: is it complete and replayable (the log-set verdict and, per
// database, what it needs), which logs may be truncated once backed up,
// what an incremental backup must copy, and, when the folder holds .pat
// files, which form of online backup set it is and whether hard recovery
// can run. It is what `esekit check` prints.
type Inspection struct {
	// Set is the scan of the folder's logs: base name, log stream
	// signature, generations, gaps, foreign logs, current log, circular
	// logging, each file's status and the problems found.
	Set *eselog.Set `json:"set"`
	// Checkpoint is the checkpoint used, nil when none is.
	Checkpoint *InspectedCheckpoint `json:"checkpoint"`
	// Replay is soft recovery's walk over the folder (eselog.Set.Replay),
	// from the checkpoint when it read.
	Replay eselog.Replay `json:"replay"`
	// Databases are the verdicts, in the order of InspectOptions.Databases
	// or of the folder's file names.
	Databases []InspectedDatabase `json:"databases"`
	// Truncatable are the numbered logs that may be removed once backed
	// up (TruncatableLogs), in generation order: none without a readable
	// checkpoint of the folder's log stream.
	Truncatable []LogFile `json:"truncatable"`
	// Incremental is what an incremental backup of the folder must copy
	// (IncrementalBackup over its databases): the first failing
	// database's answer, else the one reaching back furthest. Nil when no
	// database header read (temporary databases are not backed up).
	Incremental *IncrementalAnswer `json:"incremental,omitempty"`
	// Backup is the online backup set the folder holds, nil when it has
	// no .pat file.
	Backup *BackupSet `json:"backup,omitempty"`
	// Error is the first engine error: of the first database that is not
	// replayable, else (when no database is judged) of the first problem
	// of the set that stops recovery; 0 when none.
	Error ese.Error `json:"error"`
}

// InspectedCheckpoint is the checkpoint an inspection used.
type InspectedCheckpoint struct {
	// File names the checkpoint (InspectOptions.Name applied).
	File string `json:"file"`
	// Checkpoint is the decoded header, nil when it did not read.
	Checkpoint *esechk.Checkpoint `json:"-"`
	// Err is why it did not read.
	Err error `json:"-"`
}

// InspectedDatabase is what one database needs.
type InspectedDatabase struct {
	// File names the database.
	File string `json:"file"`
	// Header is the database header, nil when it did not read.
	Header *ese.DBHeader `json:"-"`
	// Verdict is the log-set verdict (eselog.Set.Check): state, anchor,
	// required and missing generations, whether soft recovery in the
	// folder brings it clean. A header that does not read gives a verdict
	// with its error (ese.ErrDatabaseCorrupted when it has no engine code).
	Verdict eselog.Verdict `json:"verdict"`
	// AnchorLog is the anchor log's file name in the folder's naming, ""
	// when there is no anchor or no log base name.
	AnchorLog string `json:"anchor_log,omitempty"`
	// Incremental is what an incremental backup of this database must
	// copy; nil when the header did not read.
	Incremental *IncrementalAnswer `json:"incremental,omitempty"`
	// Err is why the header did not read.
	Err error `json:"-"`
}

// LogFile is one numbered log of a folder.
type LogFile struct {
	File       string         `json:"file"`
	Generation ese.Generation `json:"generation"`
}

// Inspect inspects the log folder fsys (use os.DirFS, or fs.Sub for a
// folder inside another file system) in one call: the log-set verdict,
// per database what it needs, the truncatable logs, the incremental-backup
// answer and the backup-set form. It reads the folder and never writes.
// Databases and the checkpoint are found by their bytes (ese.Identify),
// not their names. Its error is a failure to read the folder; what is
// wrong with the files is in the Inspection.
func Inspect(ctx context.Context, fsys fs.FS, opts *InspectOptions) (*Inspection, error) {
	if opts == nil {
		opts = &InspectOptions{}
	}
	if fsys == nil {
		return nil, errors.New("recovery: Inspect needs a folder")
	}
	name := opts.Name
	if name == nil {
		name = func(f string) string { return f }
	}
	f, err := scanFolder(ctx, fsys, name, opts.Databases == nil, opts.Checkpoint == nil && !opts.NoCheckpoint)
	defer f.close()
	if err != nil {
		return nil, err
	}
	dbs := opts.Databases
	if dbs == nil {
		dbs = f.databases
	}
	ck := f.checkpoint
	if opts.Checkpoint != nil {
		ck = &DatabaseFile{Name: opts.CheckpointName, R: opts.Checkpoint}
	}

	ins := &Inspection{Databases: []InspectedDatabase{}, Truncatable: []LogFile{}}
	var hdrs []*ese.DBHeader
	for _, d := range dbs {
		id := InspectedDatabase{File: d.Name}
		if d.R == nil {
			id.Err = fmt.Errorf("%s: no reader given: %w", d.Name, ese.ErrInvalidParameter)
		} else if c, err := ese.ReadDBHeader(d.R); err != nil {
			id.Err = err
		} else {
			id.Header = c.Header
			hdrs = append(hdrs, c.Header)
		}
		ins.Databases = append(ins.Databases, id)
	}
	var ckInfo *eselog.CheckpointInfo
	if ck != nil {
		ic := &InspectedCheckpoint{File: ck.Name}
		ic.Checkpoint, ic.Err = esechk.Read(ck.R)
		if ic.Err == nil {
			ckInfo = ic.Checkpoint.CheckpointInfo(ck.Name)
		} else {
			ic.Checkpoint = nil
		}
		ins.Checkpoint = ic
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// Build the set around the databases' log stream when they agree on
	// one, so a foreign current log is reported as foreign.
	scan := &eselog.ScanOptions{Signature: commonLogSignature(hdrs)}
	set, err := eselog.ScanFS(fsys, ".", scan)
	if err != nil {
		return nil, err
	}
	ins.Set = set
	ins.Replay = set.Replay(ckInfo)
	if ckInfo != nil && ckInfo.Signature.Equal(set.Signature) {
		for _, g := range truncatableGens(set, ckInfo.Pos.Generation, hdrs) {
			ins.Truncatable = append(ins.Truncatable, LogFile{File: set.Log(g).File, Generation: g})
		}
	}
	for i := range ins.Databases {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		inspectDatabase(set, ckInfo, &ins.Databases[i])
	}
	ins.Incremental = folderIncremental(ins.Databases)
	ins.Backup = backupSetOf(ctx, fsys, f.patches, dbs)
	for _, d := range ins.Databases {
		if !d.Verdict.Replayable && d.Verdict.Error != 0 {
			ins.Error = d.Verdict.Error
			break
		}
	}
	if ins.Error == 0 && len(ins.Databases) == 0 {
		if p := set.FirstError(); p != nil {
			ins.Error = p.Code
		}
	}
	return ins, nil
}

// inspectDatabase fills d's verdict, anchor log and incremental answer.
func inspectDatabase(set *eselog.Set, ck *eselog.CheckpointInfo, d *InspectedDatabase) {
	if d.Header == nil {
		code := codeOf(d.Err)
		if code == 0 {
			code = ese.ErrDatabaseCorrupted
		}
		d.Verdict = eselog.Verdict{File: d.File, Missing: []ese.Generation{}, Error: code, Message: d.Err.Error()}
		return
	}
	d.Verdict = set.Check(eselog.DatabaseFromHeader(d.Header, d.File), ck)
	if a := d.Verdict.Anchor; a > 0 && set.Base != "" {
		d.AnchorLog = ese.LogFileName(set.Base, a, set.Ext, 0)
	}
	a := IncrementalBackup(set, d.Header)
	d.Incremental = &a
}

// folderIncremental combines the databases' incremental answers: the
// first failing one, else the one that reaches back furthest, so its
// copy covers every database. Temporary databases are never backed up.
func folderIncremental(dbs []InspectedDatabase) *IncrementalAnswer {
	var out *IncrementalAnswer
	for _, d := range dbs {
		a := d.Incremental
		if a == nil || d.Header.IsTemp() {
			continue
		}
		if a.Error != 0 {
			return a
		}
		if out == nil || a.Since < out.Since {
			out = a
		}
	}
	return out
}

// commonLogSignature returns the log signature every database header
// with one shares, or nil.
func commonLogSignature(hdrs []*ese.DBHeader) *ese.Signature {
	var s *ese.Signature
	for _, h := range hdrs {
		if h.LogSignature.IsZero() {
			continue
		}
		if s == nil {
			sg := h.LogSignature
			s = &sg
		} else if !s.Equal(h.LogSignature) {
			return nil
		}
	}
	return s
}
