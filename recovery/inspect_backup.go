package recovery

import (
	"context"
	"io/fs"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esepatch"
)

// An online backup set comes in one of two forms (esepatch.Form): the
// .pat file holds the patch header and any page images, or, as today's
// engines write it, a zero-length .pat marker with the patch header in the
// trailer page appended to the database copy.

// FormMixed is BackupSet.Form when the .pat files of a folder do not all
// have the same form.
const FormMixed esepatch.Form = "mixed"

// BackupSet is the online backup set a folder holds: its .pat files, their
// form, and hard recovery's verdict (PlanHard) per database.
type BackupSet struct {
	// Form is the form every .pat file has, else FormMixed.
	Form esepatch.Form `json:"form"`
	// PatchFiles are the .pat files, in name order.
	PatchFiles []BackupPatchFile `json:"patch_files"`
	// Databases are PlanHard's verdicts: each database's patch file, its
	// form, and the error hard recovery stops with.
	Databases []PlanDatabase `json:"databases"`
	// Error is where hard recovery would stop, 0 when it can run; Message
	// says why (or what it would do).
	Error   ese.Error `json:"error"`
	Message string    `json:"message"`
}

// BackupPatchFile is one .pat file of a backup set.
type BackupPatchFile struct {
	// File names the file (InspectOptions.Name applied).
	File string `json:"file"`
	// Size is its size in bytes; 0 for today's marker.
	Size int64 `json:"size"`
	// Form is esepatch.FormOf(Size).
	Form esepatch.Form `json:"form"`
	// PatchPages is the number of page images (patch-file form).
	PatchPages int `json:"patch_pages"`
	// Err is why a patch-file-form .pat did not decode.
	Err error `json:"-"`
}

// backupSetOf reports the backup set of the folder fsys from its .pat
// files pats: nil when there is none.
func backupSetOf(ctx context.Context, fsys fs.FS, pats []folderPatch, dbs []DatabaseFile) *BackupSet {
	var out *BackupSet
	for _, p := range pats {
		pf, size, err := openPatHeader(fsys, p.name)
		if size < 0 {
			continue // unreadable: not part of the set the engine sees
		}
		bp := BackupPatchFile{File: p.label, Size: size, Form: esepatch.FormOf(size), Err: err}
		if pf != nil {
			bp.PatchPages = len(pf.Images)
		}
		if out == nil {
			out = &BackupSet{PatchFiles: []BackupPatchFile{}, Databases: []PlanDatabase{}}
		}
		switch {
		case out.Form == "":
			out.Form = bp.Form
		case out.Form != bp.Form:
			out.Form = FormMixed
		}
		out.PatchFiles = append(out.PatchFiles, bp)
	}
	if out == nil {
		return nil
	}
	p, err := PlanHard(ctx, HardInput{Restore: fsys, Databases: dbs}, nil)
	if err != nil {
		out.Error, out.Message = codeOf(err), err.Error()
		return out
	}
	out.Error, out.Message = p.Error, p.Message
	out.Databases = append(out.Databases, p.Databases...)
	return out
}
