package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/recovery"
)

// An online backup set comes in one of two forms (esepatch.Form): the
// .pat file holds the patch header and any page images, or today's
// engines' form, a zero-length .pat marker with the patch header in the
// trailer page appended to the database copy.

// isPatName reports whether a file name has the .pat extension (the
// engine finds patch files by that name, dev/ese/src/ese/_log/rstmap.cxx).
func isPatName(name string) bool {
	return strings.EqualFold(filepath.Ext(name), ".pat")
}

// patchMarkerJSON is the header report of a zero-length .pat file.
type patchMarkerJSON struct {
	File string `json:"file"`
	Type string `json:"type"`
	Size int64  `json:"size"`
	// Form is always "marker+trailer".
	Form string `json:"form"`
	Note string `json:"note"`
}

// patchMarkerObject reports a zero-length .pat file: not a patch header
// but the marker of today's backup sets.
func patchMarkerObject(name string) patchMarkerJSON {
	return patchMarkerJSON{File: name, Type: typePatch, Size: 0, Form: string(esepatch.FormMarkerTrailer),
		Note: "zero-length patch file: the marker today's engines create for a database of an online backup; " +
			"the patch header is the trailer page at the end of the database copy (esekit header on the database shows it)"}
}

// backupTrailerJSON says where a backup copy stands with its trailer page.
type backupTrailerJSON struct {
	// State is esepatch.TrailerState: pending (the last page is the
	// trailer), merged (already copied into the header), snapshot.
	State string `json:"state"`
	// Page is the trailer's page number (counting from the first page
	// after the two header pages, as ese.ScanResult does); 0 when not
	// pending.
	Page uint32 `json:"page,omitempty"`
	// LogGen is the trailer's full-backup log range ("36-3f").
	LogGen string `json:"log_gen,omitempty"`
	// OK says the trailer page verifies and belongs to the header.
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
	Note  string `json:"note"`
}

// backupTrailerObject reads the trailer of a backup copy; nil when the
// database is not one.
func backupTrailerObject(r io.ReaderAt) *backupTrailerJSON {
	_, t, st, err := esepatch.ReadBackupDatabase(r)
	switch st {
	case "", esepatch.TrailerNotBackup:
		return nil
	case esepatch.TrailerMerged:
		return &backupTrailerJSON{State: string(st), OK: true,
			Note: "the trailer is merged into the header (its page zeroed): the header carries the backup range"}
	case esepatch.TrailerSnapshot:
		return &backupTrailerJSON{State: string(st), OK: true, Note: "a snapshot backup has no trailer"}
	}
	o := &backupTrailerJSON{State: string(st), OK: err == nil}
	if t != nil && t.PageSize > 0 {
		o.Page = uint32(t.Offset/int64(t.PageSize)) - 1
		if t.Header != nil {
			o.LogGen = t.Header.LogGen()
		}
	}
	if err != nil {
		o.Error = err.Error()
		o.Note = "hard recovery stops with -535 (JET_errBadPatchPage) unless the .pat file holds the patch header"
	} else {
		o.Note = "the last page is the patch header: with a zero-length .pat marker it is all the patch data a restore needs"
	}
	return o
}

// backupPatJSON is one .pat file of a restore folder.
type backupPatJSON struct {
	File string `json:"file"`
	Size int64  `json:"size"`
	// Form is "patch-file" or "marker+trailer".
	Form string `json:"form"`
	// PatchPages is the number of page images (patch-file form).
	PatchPages int    `json:"patch_pages"`
	Error      string `json:"error,omitempty"`
}

// backupDBJSON is one database of the backup set, as hard recovery's plan
// sees it.
type backupDBJSON struct {
	File      string `json:"file"`
	Patch     string `json:"patch,omitempty"`
	PatchForm string `json:"patch_form,omitempty"`
	Error     int32  `json:"error"`
	Message   string `json:"message"`
}

// backupSetJSON is the online backup set a folder holds: its .pat files,
// their form, and hard recovery's verdict (recovery.PlanHard) per
// database.
type backupSetJSON struct {
	// Form is the set's form when every .pat has the same one, else
	// "mixed".
	Form       string          `json:"form"`
	PatchFiles []backupPatJSON `json:"patch_files"`
	Databases  []backupDBJSON  `json:"databases"`
	// Error is where hard recovery would stop (0: it can run).
	Error   int32  `json:"error"`
	Message string `json:"message"`
}

// backupSetJSONOf prints the backup set of an inspection; nil when the
// folder has no .pat file.
func backupSetJSONOf(b *recovery.BackupSet) *backupSetJSON {
	if b == nil {
		return nil
	}
	out := &backupSetJSON{Form: string(b.Form), PatchFiles: []backupPatJSON{}, Databases: []backupDBJSON{},
		Error: int32(b.Error), Message: b.Message}
	for _, p := range b.PatchFiles {
		pj := backupPatJSON{File: p.File, Size: p.Size, Form: string(p.Form), PatchPages: p.PatchPages}
		if p.Err != nil {
			pj.Error = p.Err.Error()
		}
		out.PatchFiles = append(out.PatchFiles, pj)
	}
	for _, d := range b.Databases {
		out.Databases = append(out.Databases, backupDBJSON{File: d.File, Patch: d.Patch, PatchForm: string(d.PatchForm),
			Error: int32(d.Error), Message: d.Message})
	}
	return out
}

// printBackupSet prints the backup set lines of check.
func printBackupSet(w io.Writer, b *backupSetJSON) {
	if b == nil {
		return
	}
	fmt.Fprintf(w, "  online backup set, form %s\n", b.Form)
	for _, p := range b.PatchFiles {
		switch {
		case p.Error != "":
			fmt.Fprintf(w, "      %s: %s\n", filepath.Base(p.File), p.Error)
		case p.Form == string(esepatch.FormMarkerTrailer):
			fmt.Fprintf(w, "      %s: zero-length marker; the patch header is the database copy's trailer page\n", filepath.Base(p.File))
		default:
			fmt.Fprintf(w, "      %s: patch header and %d patch page(s) in the .pat file\n", filepath.Base(p.File), p.PatchPages)
		}
	}
	if b.Error != 0 {
		fmt.Fprintf(w, "      hard recovery would stop with %d: %s\n", b.Error, b.Message)
	} else if b.Message != "" {
		fmt.Fprintf(w, "      hard recovery (esekit restore): %s\n", b.Message)
	}
}
