package main

import (
	"fmt"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esepatch"
)

// patchJSON is a patch file (docs/patch.md, issue 4): its PATCHHDR page
// and its page images.
type patchJSON struct {
	File string `json:"file"`
	Type string `json:"type"`
	// Backup is the "Current Full Backup" the patch data belongs to.
	Backup backupJSON `json:"backup"`
	// LogGen is the backup's log range as KB Q200941 prints it, "36-3f".
	LogGen       string  `json:"log_gen"`
	DbSignature  sigJSON `json:"db_signature"`
	LogSignature sigJSON `json:"log_signature"`
	// PatchPages is the number of page images after the two header pages.
	PatchPages int `json:"patch_pages"`
	// Empty reports a file of exactly two header pages.
	Empty bool `json:"empty"`
	// Form is "patch-file": the patch header is in this file (a
	// zero-length .pat is reported as "marker+trailer", patchMarkerJSON).
	Form string `json:"form"`
	// CorruptIfSkipped is how many database pages would be corrupt if the
	// file were skipped (KB Q200941: one per page image).
	CorruptIfSkipped int            `json:"corrupt_pages_if_skipped"`
	PagePgnos        []uint32       `json:"page_pgnos"`
	BadImages        []uint32       `json:"bad_image_checksums"`
	PageSize         int            `json:"page_size"`
	GenMinRequired   ese.Generation `json:"gen_min_required"`
	GenMaxRequired   ese.Generation `json:"gen_max_required"`
	GenMaxCommitted  ese.Generation `json:"gen_max_committed"`
	GenMaxReqTime    string         `json:"gen_max_required_time"`
	GenMaxComTime    string         `json:"gen_max_committed_time"`
	Checksum         string         `json:"checksum"`
	HeaderChecksumOK bool           `json:"header_checksum_ok"`
	ShadowOK         bool           `json:"shadow_ok"`
}

// patchHeaderObject reads a patch file with esepatch.
func patchHeaderObject(in input, id identity) any {
	f, err := esepatch.Open(in.r)
	if err != nil {
		return errorObject(in.name, typePatch, err)
	}
	h := f.Header
	o := patchJSON{
		File: in.name, Type: typePatch,
		Backup: backup(h.Backup), LogGen: h.LogGen(),
		DbSignature: sig(h.DBSignature), LogSignature: sig(h.LogSignature),
		PatchPages: len(f.Images), Empty: f.Empty(), Form: string(esepatch.FormPatchFile), CorruptIfSkipped: f.CorruptPagesIfSkipped(),
		PagePgnos: []uint32{}, BadImages: []uint32{},
		PageSize: f.PageSize, GenMinRequired: h.GenMinRequired, GenMaxRequired: h.GenMaxRequired,
		GenMaxCommitted: h.GenMaxCommitted, GenMaxReqTime: logTime(h.GenMaxRequiredTime),
		GenMaxComTime: logTime(h.GenMaxCommittedTime), Checksum: fmt.Sprintf("0x%08X", h.Checksum),
		HeaderChecksumOK: f.PrimaryOK, ShadowOK: f.ShadowOK,
	}
	for _, im := range f.Images {
		o.PagePgnos = append(o.PagePgnos, im.Pgno)
		if !im.ChecksumOK {
			o.BadImages = append(o.BadImages, im.Pgno)
		}
	}
	return o
}
