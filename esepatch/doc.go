// Package esepatch reads and writes ESE patch files (.pat) and the backup
// trailer page, and answers the questions KB Q200941 asks of them: which logs
// came with the full backup (the "Current Full Backup" log range and mark
// that ESEUTIL /MH prints), whether a patch file belongs to a database,
// how many pages would be corrupt if it were skipped, and whether hard
// recovery has replayed every log from the full backup so that the patch
// data is no longer needed.
//
// A patch file is two identical header pages (PATCHHDR, docs/patch.md#patch-header)
// followed by page images; an "empty" one is just the two header pages.
// Modern engines write empty patch files and put the same PATCHHDR in a
// trailer page at the end of the database copy instead (docs/patch.md#modern-form). See File for
// how page images name their page numbers. Today's engines create the .pat
// with zero bytes, a marker only (Form, FormOf); restore then reads the
// patch header from the trailer alone (ReadTrailer).
package esepatch
