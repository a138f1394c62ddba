package recovery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/redo"
)

// How the engines that wrote page images into patch files used them
// (KB Q200941: "as transaction logs are replayed into a restored database
// file, Exchange checks to see if a page described in a log file also
// exists in the patch file. If it does, the version from the patch file is
// used"). The current ESE source keeps only the PATCHHDR; the facts below
// come from the ESE98-era recovery (log 7.3704 before patching was
// eliminated in 7.3704.5), read as reference, not copied:
//
//   - At attach in a hard restore (LOG::ErrLGPatchDatabase) the patch file
//     is indexed, not applied: each image after the two header pages names
//     its page (the page header's pgno); images are kept per page sorted by
//     dbtime; an image of a page beyond the end of the database grows the
//     file to hold it. No database page is written then.
//   - During redo, only one place consults the index
//     (LOG::ErrLGRIAccessNewPage): the new page of a split that needs the
//     split page's lines (a split other than an append — the condition
//     the current engine calls FBTISplitPageBeforeImageRequired), when the
//     split page is already at or past the split (it will not be redone)
//     and the new page is older than the split or unreadable. Then the
//     oldest image of the new page whose dbtime is at least the split's is
//     written over the page (older images are dropped: PpatchLGSearch),
//     after its checksum and page number are verified (ErrLGIPatchPage),
//     and the new page is not redone. Without such an image the split
//     cannot be redone (JET_errDatabaseBufferDependenciesCorrupted).
//   - Any other image is never used.
//
// This package decides those uses before replay, by walking the split
// records of the logs in order against the pages as they are on disk, and
// writes each chosen image before the logs are replayed. That gives the
// same bytes as the engine's installation at the split: between the start
// of replay and the split nothing can take the new page past the split's
// dbtime, and after the image is in place every earlier record touching the
// page is older than the image and skipped.

// patchImage is one page image of a patch file with its dbtime.
type patchImage struct {
	index  int
	pgno   uint32
	dbtime uint64
	ok     bool // checksum verifies for pgno
}

// patchUse is an image chosen for the new page of a split.
type patchUse struct {
	// Pgno is the page the image replaces; Image the index of the image
	// in the patch file; DBTime its dbtime.
	Pgno   uint32
	Image  int
	DBTime uint64
	// Split is the split record whose new page needs it.
	Split ese.LogPos
}

// maxPatchSplits bounds the split records kept for the patch decision.
const maxPatchSplits = 1 << 20

// splitRef is what the patch decision needs of one split record.
type splitRef struct {
	at           ese.LogPos
	pgno, pgnoNw uint32
	dbtime       uint64
	level        redo.SplitLevel // Type, Oper, ILineOper, ILineSplit, CLines
}

// indexPatchImages groups a patch file's images by page, oldest dbtime
// first (file order among equal dbtimes).
func indexPatchImages(pf *esepatch.File) (map[uint32][]patchImage, error) {
	out := map[uint32][]patchImage{}
	for i, im := range pf.Images {
		b, err := pf.ReadImage(i)
		if err != nil {
			return nil, err
		}
		var dbt uint64
		if p, err := redo.NewPage(b); err == nil {
			dbt = p.DBTime()
		}
		out[im.Pgno] = append(out[im.Pgno], patchImage{index: i, pgno: im.Pgno, dbtime: dbt, ok: im.ChecksumOK})
	}
	for _, l := range out {
		sort.SliceStable(l, func(a, b int) bool { return l[a].dbtime < l[b].dbtime })
	}
	return out, nil
}

// selectPatchImages applies the engine's rule to the split records of the
// replay, in log order. dbtimeOf returns a page's dbtime as it is on disk
// before replay (0 for a page that cannot be read or is all zero).
// Installing an image makes it the page's dbtime for the later splits. An
// image chosen whose checksum does not verify for its page is
// ese.ErrBadPatchPage, as in ErrLGIPatchPage.
func selectPatchImages(splits []splitRef, images map[uint32][]patchImage, dbtimeOf func(uint32) uint64) ([]patchUse, error) {
	if len(images) == 0 {
		return nil, nil
	}
	cur := map[uint32]uint64{}
	at := func(pgno uint32) uint64 {
		if d, ok := cur[pgno]; ok {
			return d
		}
		return dbtimeOf(pgno)
	}
	var uses []patchUse
	for _, s := range splits {
		if s.pgnoNw == 0 || !redo.PreImageRequired(s.level) {
			continue
		}
		if at(s.pgno) < s.dbtime || at(s.pgnoNw) >= s.dbtime {
			continue // the split is redone, or its new page is up to date
		}
		l := images[s.pgnoNw]
		for len(l) > 0 && l[0].dbtime < s.dbtime {
			l = l[1:] // PpatchLGSearch drops the images older than the split
		}
		images[s.pgnoNw] = l
		if len(l) == 0 {
			continue // redo of the split reports the missing page
		}
		im := l[0]
		if !im.ok {
			return uses, ese.NewFormatError("patch page image", -1, ese.ErrBadPatchPage,
				"image %d of page %d, needed by the split at %v, does not verify", im.index, im.pgno, s.at)
		}
		uses = append(uses, patchUse{Pgno: im.pgno, Image: im.index, DBTime: im.dbtime, Split: s.at})
		cur[im.pgno] = im.dbtime
	}
	return uses, nil
}

// splitsOfDatabase lists the split records of the plan's logs that belong
// to the database whose signature is sign: those written while its dbid
// was bound to it, by the attach list of the log's header or by a CreateDB
// or AttachDB of that signature, until its DetachDB or another database
// took the dbid.
//
// With images set, only the splits whose new page has an image are kept
// (no other split can use one); nil keeps every split. More than
// maxPatchSplits of them is refused as a hostile log rather than
// truncated, since a split left out could leave its new page unpatched.
func splitsOfDatabase(ctx context.Context, rp *replayer, sign ese.Signature, images map[uint32][]patchImage) ([]splitRef, error) {
	var out []splitRef
	err := walkDatabaseRecords(ctx, rp, sign, func(rec eselog.Record, dbid uint8) error {
		r, ok := rec.(*eselog.Split)
		if !ok || r.Dbid != dbid {
			return nil
		}
		if _, ok := images[r.PgnoNew]; images != nil && !ok {
			return nil
		}
		if len(out) >= maxPatchSplits {
			return ese.NewFormatError("log", -1, ese.ErrLogCorrupted,
				"more than %d split records of the database name new pages the patch file holds: refused as hostile", maxPatchSplits)
		}
		out = append(out, splitRef{at: r.At, pgno: r.Pgno(), pgnoNw: r.PgnoNew, dbtime: r.DBTime(),
			level: redo.SplitLevel{Type: int(r.SplitType), Oper: int(r.SplitOper), ILineOper: int(r.ILineOper),
				ILineSplit: int(r.ILineSplit), CLines: int(r.CLines)}})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// walkDatabaseRecords calls fn with every record of the plan's logs, in
// order, while the database whose signature is sign is attached, with
// the dbid it is attached as: from the attachments a log's header lists,
// its CreateDB or AttachDB, until a DetachDB of that dbid or another
// database attached in its slot.
func walkDatabaseRecords(ctx context.Context, rp *replayer, sign ese.Signature, fn func(rec eselog.Record, dbid uint8) error) error {
	for _, pl := range rp.plan.Logs {
		l, c, err := rp.openLog(pl)
		if err != nil {
			return err
		}
		err = func() error {
			defer c.Close()
			rd := l.NewReader(ctx, eselog.Filter{})
			// A generation begins with the attachments its header lists.
			dbid, bound := uint8(0), false
			for _, a := range l.Header.Attached {
				if a.DbSignature.Equal(sign) {
					dbid, bound = a.DBID, true
				}
			}
			for {
				rec, err := rd.Next()
				if errors.Is(err, io.EOF) {
					return nil
				}
				if err != nil {
					return err
				}
				switch r := rec.(type) {
				case *eselog.CreateDB:
					if r.SignDb.Equal(sign) {
						dbid, bound = r.Dbid, true
					} else if bound && r.Dbid == dbid {
						bound = false
					}
				case *eselog.AttachDB:
					if r.SignDb.Equal(sign) {
						dbid, bound = r.Dbid, true
					} else if bound && r.Dbid == dbid {
						bound = false
					}
				case *eselog.DetachDB:
					if bound && r.Dbid == dbid {
						bound = false
					}
				default:
					if bound {
						if err := fn(rec, dbid); err != nil {
							return err
						}
					}
				}
			}
		}()
		if err != nil {
			return fmt.Errorf("recovery: log %s: %w", pl.File, err)
		}
	}
	return nil
}
