package recovery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/outfile"
	"github.com/esekit/esekit/internal/redo"
	"github.com/esekit/esekit/rip"
)

// RestoreOptions tunes Restore and RestoreFolder: the RecoverOptions
// plus what only a hard recovery needs.
type RestoreOptions struct {
	RecoverOptions
	// RIP is the Restore in Progress key. When set, its "EDB Database
	// recovered" value is set to 01 once every database is recovered
	// (KB Q200941), and the key is written to OutDir under RIPName.
	RIP *rip.Key
	// RIPFormat is the .reg dialect the key is written in.
	RIPFormat rip.RegFormat
	// RIPName is the file name of the written key (default
	// "restore-in-progress.reg"); it must be a plain file name. An
	// existing file of that name is replaced only with Overwrite, and
	// never the key file read (RestoreFolderInput.RIPFile).
	RIPName string

	// ripSource is the key file RestoreFolder read, which the written key
	// must not replace.
	ripSource string
}

// Restore replays a hard-recovery plan (PlanHard, KB Q200941,
// docs/recovery.md#hard-recovery) into copies of the restored databases: for each database the
// backup trailer is merged into the header (esepatch.MergeTrailer) and
// the trailer page zeroed; the page images of its patch file are used as
// the engines that wrote them used them (patch_apply.go): an image stands
// in for the new page of a split whose split page is already newer and
// whose new page is older than the split, and no other image is used (a
// zero-length .pat, the marker of today's engines, has none: the trailer
// is all its patch data);
// then the logs are replayed as in Recover (patch data only matters for
// the logs of the full backup, which come first), and each database is
// left clean with its current-backup information cleared. Finally the Restore in Progress key, when given, is
// marked recovered (01) and written to the output folder.
func Restore(ctx context.Context, plan *Plan, opts *RestoreOptions) (*RecoverResult, error) {
	if plan != nil && plan.Mode != ModeHard {
		return nil, errors.New("recovery: Restore needs a hard-recovery plan (PlanHard)")
	}
	var o RestoreOptions
	if opts != nil {
		o = *opts
	}
	if plan == nil {
		return nil, errors.New("recovery: Restore needs a plan")
	}
	if o.ripSource != "" {
		o.extraInputs = append(o.extraInputs[:len(o.extraInputs):len(o.extraInputs)], o.ripSource)
	}
	dir, name, err := ripOutput(&o, plan)
	if err != nil {
		return nil, err
	}
	setup := func(db *dbRun, src io.ReaderAt) error { return hardSetupDB(db, src, &o.RecoverOptions, plan) }
	res, err := recoverPlan(ctx, plan, &o.RecoverOptions, setup)
	if err != nil || name == "" {
		return res, err
	}
	if err := outfile.WriteFile(dir, name, ripBytes(&o), o.Overwrite, o.keyInputs(plan)...); err != nil {
		err = fmt.Errorf("recovery: the databases were recovered, but the Restore in Progress key %s could not be written: %w", filepath.Join(dir, name), err)
		res.Error, res.Message = codeOf(err), err.Error()
		return res, err
	}
	res.RIP = filepath.Join(dir, name)
	return res, nil
}

// ripOutput returns where Restore writes the Restore in Progress key
// (name "" when it writes none), refusing before anything is recovered a
// name that is not a plain file name, a file already there without
// Overwrite, the key file read or any other input, a name a database is
// written under (or its temporary name), and anything but a regular file
// at the key's temporary name.
func ripOutput(o *RestoreOptions, plan *Plan) (dir, name string, err error) {
	if o.RIP == nil || o.InPlace && o.OutDir == "" {
		return "", "", nil
	}
	dir, name = o.OutDir, o.RIPName
	if name == "" {
		name = "restore-in-progress.reg"
	}
	if err := checkComponent(name); err != nil {
		return "", "", err
	}
	p := filepath.Join(dir, name)
	if !within(dir, p) {
		return "", "", fmt.Errorf("%w: %q", ErrUnsafePath, name)
	}
	for i := range plan.Databases {
		out, tmp, err := outputPaths(plan.Databases[i].File, &o.RecoverOptions)
		if err != nil {
			continue // recovery reports it
		}
		for _, q := range []string{out, tmp} {
			if strings.EqualFold(filepath.Clean(q), filepath.Clean(p)) || strings.EqualFold(filepath.Clean(q), filepath.Join(dir, outfile.TempName(name))) {
				return "", "", fmt.Errorf("recovery: the Restore in Progress key %s would be written where the database %s is recovered (%s): choose another key name: %w", p, plan.Databases[i].File, q, ErrSameOutputName)
			}
		}
	}
	inputs := o.keyInputs(plan)
	if st, err := os.Lstat(p); err == nil {
		if !o.Overwrite {
			return "", "", fmt.Errorf("recovery: Restore in Progress key: %s already exists (set Overwrite to replace it): %w", p, fs.ErrExist)
		}
		if in := outfile.Input(st, inputs...); in != "" {
			return "", "", fmt.Errorf("%w: the Restore in Progress key would replace the input %s", ErrUnsafePath, in)
		}
		if st.IsDir() {
			return "", "", fmt.Errorf("%w: the Restore in Progress key %s is a folder", ErrUnsafePath, p)
		}
	}
	// The key is written through its temporary name: what a killed run
	// of this write left there is replaced, anything else refused, now
	// rather than after recovery.
	if err := outfile.CheckStaleTemp(dir, name, ripBytes(o), inputs...); err != nil {
		return "", "", fmt.Errorf("recovery: Restore in Progress key: %w", err)
	}
	return dir, name, nil
}

// ripBytes is the key file Restore writes: the key marked recovered.
func ripBytes(o *RestoreOptions) []byte {
	k := *o.RIP
	k.SetRecovered()
	return k.Marshal(o.RIPFormat)
}

// keyInputs are the files the written key must not replace: every input
// file of the plan and the key read.
func (o *RestoreOptions) keyInputs(plan *Plan) []string {
	return planInputPaths(plan, o.extraInputs...).files
}

// hardSetupDB does what the engine does to a restored database before
// replay: merge the backup trailer and zero it (updateHeaderFromTrailer,
// as soft recovery does too); index the patch file's page images
// (growing the file for an image past its end) and write the images the
// replay's splits will need (selectPatchImages).
func hardSetupDB(db *dbRun, src io.ReaderAt, o *RecoverOptions, plan *Plan) error {
	tr, err := updateHeaderFromTrailer(db, src)
	if err != nil {
		return err
	}
	// A zero-length .pat (the marker of today's engines) has no page
	// images: the trailer merged above was all of its patch data.
	if db.pd.Patch == "" || db.pd.PatchForm == esepatch.FormMarkerTrailer || !needsPatch(plan) {
		return nil
	}
	pf, closer, err := openPatch(plan.Inputs.Logs, db.pd.Patch, db.pageSize)
	if err != nil {
		return fmt.Errorf("recovery: patch file %s: %w", db.pd.Patch, err)
	}
	defer closer.Close()
	if err := esepatch.Match(db.hdr, pf.Header); err != nil && tr == nil {
		return fmt.Errorf("recovery: patch file %s: %w", db.pd.Patch, err)
	}
	images, err := indexPatchImages(pf)
	if err != nil {
		return fmt.Errorf("recovery: patch file %s: %w", db.pd.Patch, err)
	}
	// An image of a page past the end of the database grows the file to
	// hold it (ErrLGPatchDatabase), whether or not it is used, up to a
	// bound (patch_bound.go): a hostile patch file could otherwise name a
	// page up to 2^32 pages out.
	if err := growForPatchImages(db, o, plan, images); err != nil {
		return fmt.Errorf("recovery: patch file %s: %w", db.pd.Patch, err)
	}
	if len(images) == 0 {
		return nil
	}
	rp := &replayer{ctx: context.Background(), plan: plan, opts: o, hard: true}
	splits, err := splitsOfDatabase(rp.ctx, rp, db.hdr.DbSignature, images)
	if err != nil {
		return err
	}
	dbtimeOf := func(pgno uint32) uint64 {
		cur := make([]byte, db.pageSize)
		if n, _ := db.file.ReadAt(cur, (int64(pgno)+1)*int64(db.pageSize)); n != db.pageSize || bin.IsZero(cur) {
			return 0
		}
		p, err := redo.NewPage(cur)
		if err != nil {
			return 0
		}
		return p.DBTime()
	}
	uses, err := selectPatchImages(splits, images, dbtimeOf)
	if err != nil {
		return fmt.Errorf("recovery: patch file %s: %w", db.pd.Patch, err)
	}
	for _, u := range uses {
		img, err := pf.ReadImage(u.Image)
		if err != nil {
			return fmt.Errorf("recovery: patch file %s, page %d: %w", db.pd.Patch, u.Pgno, err)
		}
		if len(img) != db.pageSize {
			return fmt.Errorf("recovery: patch file %s: %d-byte page image, the database has %d-byte pages: %w", db.pd.Patch, len(img), db.pageSize, ese.ErrPageSizeMismatch)
		}
		if _, err := db.file.WriteAt(img, (int64(u.Pgno)+1)*int64(db.pageSize)); err != nil {
			return err
		}
		db.res.PagesWritten++
	}
	return nil
}

// fileSize is the size of f, 0 when it cannot be known.
func fileSize(f interface{ Stat() (os.FileInfo, error) }) int64 {
	st, err := f.Stat()
	if err != nil {
		return 0
	}
	return st.Size()
}

func needsPatch(plan *Plan) bool {
	for _, l := range plan.Logs {
		if l.NeedsPatch {
			return true
		}
	}
	return false
}

// openPatch opens the patch file name of the restore folder.
func openPatch(restore fs.FS, name string, pageSize int) (*esepatch.File, io.Closer, error) {
	if err := checkComponent(name); err != nil {
		return nil, nil, err
	}
	if restore == nil {
		return nil, nil, errors.New("no restore folder given")
	}
	f, err := restore.Open(name)
	if err != nil {
		return nil, nil, err
	}
	ra, ok := f.(io.ReaderAt)
	if !ok {
		b, err := io.ReadAll(io.LimitReader(f, 1<<30))
		f.Close()
		if err != nil {
			return nil, nil, err
		}
		pf, err := esepatch.Decode(b)
		return pf, io.NopCloser(nil), err
	}
	pf, err := esepatch.OpenPageSize(ra, pageSize)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return pf, f, nil
}

// RestoreFolderInput names the inputs of RestoreFolder on the operating
// system's file system.
type RestoreFolderInput struct {
	// Restore is the restore folder: the backup's logs, the .pat files and
	// the restored databases (identified by their bytes).
	Restore string
	// Target, when not empty, is the folder of logs already on disk.
	Target string
	// RIPFile, when not empty, is the Restore in Progress key as a .reg
	// export: its LowLog/HighLog bound the backup logs and its EDB_RstMap
	// renames logged paths, joined by Maps ("OLD=NEW" pairs); both are
	// resolved inside the restore folder. The key is written back, marked
	// recovered, to the output folder.
	RIPFile string
	Maps    []MapEntry
}

// RestoreFolder is hard recovery in one call, for `esekit restore`: it
// plans (PlanHard, with opts.Switches) and restores into opts.OutDir. A
// plan error is returned in the result and as the error.
func RestoreFolder(ctx context.Context, in RestoreFolderInput, opts *RestoreOptions) (*RecoverResult, error) {
	if in.Restore == "" {
		return nil, errors.New("recovery: RestoreFolder needs the restore folder")
	}
	var o RestoreOptions
	if opts != nil {
		o = *opts
	}
	dbs, _, err := scanFolders([]string{in.Restore})
	if err != nil {
		return nil, err
	}
	hin := HardInput{Restore: os.DirFS(in.Restore), Databases: dbs}
	if in.Target != "" {
		hin.Target = os.DirFS(in.Target)
	}
	var lines []string
	if in.RIPFile != "" {
		b, err := os.ReadFile(in.RIPFile)
		if err != nil {
			return nil, err
		}
		rf, err := rip.ParseRegFile(b)
		if err != nil {
			return nil, err
		}
		k, err := rip.FromRegFile(rf)
		if err != nil {
			return nil, err
		}
		hin.LowLog, hin.HighLog = k.LowLog, k.HighLog
		lines = k.RstMap
		if o.RIP == nil {
			o.RIP, o.RIPFormat = k, rf.Format
		}
		if o.RIPName == "" {
			o.RIPName = filepath.Base(in.RIPFile)
		}
		o.ripSource = in.RIPFile
	}
	popts := &Options{OnEvent: o.OnEvent, Logger: o.Logger, Switches: o.Switches}
	if len(lines) > 0 || len(in.Maps) > 0 {
		var pairs []MapEntry
		for i := 0; i+1 < len(lines); i += 2 {
			pairs = append(pairs, MapEntry{From: lines[i], To: lines[i+1]})
		}
		rm, err := NewRestoreMap([]string{in.Restore}, append(pairs, in.Maps...)...)
		if err != nil {
			return nil, err
		}
		popts.RestoreMap = rm
	}
	plan, err := PlanHard(ctx, hin, popts)
	if err != nil {
		return nil, err
	}
	o.OnEvent, o.Logger = nil, nil
	res, rerr := Restore(ctx, plan, &o)
	if res != nil {
		res.Events = append(plan.Events, res.Events...)
		if opts != nil && opts.OnEvent != nil {
			for _, e := range res.Events[len(plan.Events):] {
				opts.OnEvent(e)
			}
		}
	}
	return res, rerr
}
