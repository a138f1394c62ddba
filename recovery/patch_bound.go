package recovery

import (
	"context"
	"fmt"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
)

// growForPatchImages grows the database file to hold the patch file's
// page images past its end, as the engine does, within a bound: the
// page number of an image is untrusted input, and an image of page
// 0x400000 would otherwise make a 32 GiB (sparse) output, one of page
// 0xFFFFFF00 a file the system refuses.
//
// The bound is RecoverOptions.MaxFileBytes when set, else the size the
// inputs justify (justifiedSize). An image past it is refused with
// ese.ErrBadPatchPage, the engine's error for a patch page it cannot
// use (JET_errBadPatchPage, "database patch file page is not valid"):
// the image names a page that neither the restored copy nor the logs
// say the database ever had, so it is the patch page that is wrong, not
// the database (ese.ErrDatabaseCorrupted is kept for log records past
// MaxFileBytes).
func growForPatchImages(db *dbRun, o *RecoverOptions, plan *Plan, images map[uint32][]patchImage) error {
	if len(images) == 0 {
		return nil
	}
	var top uint32
	for pgno := range images {
		top = max(top, pgno)
	}
	end := (int64(top) + 2) * int64(db.pageSize)
	if end <= fileSize(db.file) {
		return nil
	}
	limit, what := o.MaxFileBytes, "RecoverOptions.MaxFileBytes"
	if limit <= 0 {
		var err error
		if limit, err = justifiedSize(db, o, plan); err != nil {
			return err
		}
		what = "what the database copy and the logs justify (allow more with RecoverOptions.MaxFileBytes)"
	}
	if end > limit {
		return fmt.Errorf("an image of page %d would grow %s to %d bytes, past the %d bytes of %s: %w",
			top, db.name, end, limit, what, ese.ErrBadPatchPage)
	}
	return db.file.Truncate(end)
}

// justifiedSize is the largest size the inputs say db's file had or will
// have: the restored copy's own size, and the end of the highest page
// the plan's logs name for the database while it is attached (the last
// page of an ExtendDB, the page of a NewPage, the new page of a split).
func justifiedSize(db *dbRun, o *RecoverOptions, plan *Plan) (int64, error) {
	size := fileSize(db.file)
	rp := &replayer{ctx: context.Background(), plan: plan, opts: o, hard: true}
	var top uint32
	err := walkDatabaseRecords(rp.ctx, rp, db.hdr.DbSignature, func(rec eselog.Record, dbid uint8) error {
		switch r := rec.(type) {
		case *eselog.ExtendDB:
			if r.Dbid == dbid {
				top = max(top, r.PgnoLast)
			}
		case *eselog.NewPage:
			if r.Dbid == dbid {
				top = max(top, r.PageNumber)
			}
		case *eselog.Split:
			if r.Dbid == dbid {
				top = max(top, r.PgnoNew)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if top > 0 {
		size = max(size, (int64(top)+2)*int64(db.pageSize))
	}
	return size, nil
}
