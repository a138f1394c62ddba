package recovery

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/testset"
)

// genBackupSet writes into dir a generated restore folder of 8 KiB
// pages: db.edb, the clean database of genCleanDB (258 pages in the
// file) marked as a backup copy needing the logs; edb00001.log, a modern
// log that attaches it and whose ExtendDB names page 300 and NewPage page
// 290; and db.pat holding one image, page 1's bytes sealed as page pgno.
// It returns the database's dbRun ready for hardSetupDB (its working copy
// in out), the plan and the options.
func genBackupSet(t *testing.T, dir, out string, pgno uint32) (*dbRun, *Plan, *RecoverOptions) {
	t.Helper()
	const ps = 8192
	b := genCleanDB(t, dir, "db.edb")
	t0 := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	tm := ese.LogTimeOf(t0)
	signLog := ese.Signature{Random: 0x10651065, Created: ese.LogTimeOf(t0.Add(-time.Hour))}
	h, err := ese.DecodeDBHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	h.State, h.LogSignature = ese.DBStateDirtyShutdown, signLog
	h.GenMinRequired, h.GenMaxRequired = 1, 1
	bk := ese.BackupInfo{Mark: ese.LogPos{Generation: 1, Sector: 1}, MarkTime: tm, GenLow: 1, GenHigh: 1}
	h.CurFullBackup = bk
	hb := h.Encode(ps)
	copy(b, hb)
	copy(b[ps:], hb)
	os.WriteFile(filepath.Join(dir, "db.edb"), b, 0o644)

	lh := &eselog.FileHeader{Generation: 1, SectorSize: eselog.SegmentSize, HeaderSectors: 1, FileSectors: 8,
		DbPageSize: ps, CreateTime: tm, VersionMajor: 8, VersionMinor: 4000, VersionUpdateMajor: 20,
		LogSignature: signLog, FileType: ese.FileTypeLog}
	lb, err := lh.Encode()
	if err != nil {
		t.Fatal(err)
	}
	w := testset.NewLogWriter(1, 8, tm)
	copy(w.File(), lb)
	for _, r := range []interface{ AppendEncode([]byte) []byte }{
		&eselog.Init{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecInit2}, Time: tm},
		&eselog.AttachDB{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecAttachDB}, Procid: 1, Dbid: 1,
			SignDb: h.DbSignature, SignLog: signLog, Flags: eselog.DBUnicodeNames, PathBytes: utf16Path(`D:\db.edb`)},
		&eselog.ExtendDB{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecExtendDB}, Dbid: 1, PgnoLast: 300},
		&eselog.NewPage{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecNewPage}, Procid: 1, Dbid: 1, PageNumber: 290, Objid: 2, After: 0xd0},
	} {
		if _, err := w.Add(r.AppendEncode(nil)); err != nil {
			t.Fatal(err)
		}
	}
	w.Finish()
	os.WriteFile(filepath.Join(dir, "edb00001.log"), w.File(), 0o644)

	img := append([]byte{}, b[2*ps:3*ps]...)
	esepatch.SealImage(img, pgno)
	pat, err := esepatch.Encode(&esepatch.Header{Backup: bk, DBSignature: h.DbSignature, LogSignature: signLog}, ps, [][]byte{img})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "db.pat"), pat, 0o644)

	f, err := os.Create(filepath.Join(out, "work.edb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	f.Write(b)
	plan := withLogs(&Plan{Mode: ModeHard, Logs: []PlanLog{{File: "edb00001.log", Generation: 1, FromBackup: true, NeedsPatch: true}}}, os.DirFS(dir))
	db := &dbRun{pd: &PlanDatabase{File: filepath.Join(dir, "db.edb"), Patch: "db.pat", Action: ActionReplay}, name: "db.edb",
		file: f, pageSize: ps, hdr: h, res: &DatabaseResult{}}
	return db, plan, &RecoverOptions{}
}

// TestPatchImageSizeBound is issue 12's third hole: an untrusted page
// number of a patch image no longer decides the output size. By default
// an image may grow the database only to what the inputs justify: the
// database copy (258 pages of 8 KiB) and the pages the logs' ExtendDB
// (300) and NewPage (290) records name; past that, the restore stops
// with an error wrapping ese.ErrBadPatchPage and the file keeps its size.
// RecoverOptions.MaxFileBytes (-max-size) allows more, and also bounds.
func TestPatchImageSizeBound(t *testing.T) {
	const ps = 8192
	for _, tc := range []struct {
		pgno     uint32
		max      int64
		wantSize int64 // 0: refused
	}{
		{pgno: 100, wantSize: 258 * ps},                  // inside the copy
		{pgno: 300, wantSize: 302 * ps},                  // the ExtendDB's last page
		{pgno: 301},                                      // one past it
		{pgno: 0x400000},                                 // the repro: was a 32 GiB sparse file
		{pgno: 0xFFFFFF00},                               // was an untyped *fs.PathError
		{pgno: 5000, max: 64 << 20, wantSize: 5002 * ps}, // -max-size allows more
		{pgno: 0x400000, max: 64 << 20},                  // and bounds
		{pgno: 200, max: 200 * ps, wantSize: 258 * ps},   // an image inside the copy needs no growth
	} {
		dir, out := t.TempDir(), t.TempDir()
		db, plan, o := genBackupSet(t, dir, out, tc.pgno)
		o.MaxFileBytes = tc.max
		err := hardSetupDB(db, db.file, o, plan)
		size := fileSize(db.file)
		if tc.wantSize == 0 {
			if !errors.Is(err, ese.ErrBadPatchPage) {
				t.Errorf("image of page %#x, max %d: %v, want an error wrapping ErrBadPatchPage", tc.pgno, tc.max, err)
			}
			if size != 258*ps {
				t.Errorf("image of page %#x, max %d: the file grew to %d bytes", tc.pgno, tc.max, size)
			}
			continue
		}
		if err != nil || size != tc.wantSize {
			t.Errorf("image of page %#x, max %d: %v, %d bytes; want %d", tc.pgno, tc.max, err, size, tc.wantSize)
		}
	}
}
