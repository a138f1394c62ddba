package recovery

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/sampleset"
)

// The modern form of an online backup set (today's engines): the .pat
// file is created empty as a marker (dev/ese/src/ese/backup.cxx, the
// "thunk patch file") and the patch header is the trailer page appended
// to the database copy (BKIMakeDbTrailer); restore reads only the trailer
// (ErrLGCheckDBFiles, dev/ese/src/ese/_log/logutil.cxx), merges it into
// the header and zeroes the page in place (ErrDBTryToZeroDBTrailer,
// dev/ese/src/ese/db.cxx: the file keeps its size).

// readSample returns the uncompressed bytes of a file of the sample set
// the CLI embeds.
func readSample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := sampleset.Read(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sampleBackup is the online backup set sampleset builds from the sample
// (no corpus needed): SRUDB.dat as the streaming backup copy of a full
// backup of logs 0x51-0x52, with its trailer page, and the restore folder
// of SRU00051.log, SRU.log (generation 0x52) and SRUDB.pat.
type sampleBackup struct{ *sampleset.Backup }

const sampleDB, samplePat = sampleset.BackupDatabase, sampleset.BackupPatch

func newSampleBackup(t *testing.T) *sampleBackup {
	t.Helper()
	b, err := sampleset.NewBackup()
	if err != nil {
		t.Fatal(err)
	}
	return &sampleBackup{b}
}

func (s *sampleBackup) plan(t *testing.T, fsys fstest.MapFS, db []byte, low, high ese.Generation) *Plan {
	t.Helper()
	p, err := PlanHard(context.Background(), HardInput{LowLog: low, HighLog: high, Restore: fsys,
		Databases: []DatabaseFile{{Name: sampleDB, R: bytes.NewReader(db)}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// restore plans and runs hard recovery of db from fsys into a new folder
// and returns the recovered file's bytes.
func (s *sampleBackup) restore(t *testing.T, fsys fstest.MapFS, db []byte) ([]byte, *Plan) {
	t.Helper()
	p := s.plan(t, fsys, db, 0, 0)
	if p.Error != 0 {
		t.Fatalf("plan: %v", p.Err())
	}
	out := filepath.Join(t.TempDir(), "restored") // Restore creates it
	res, err := Restore(context.Background(), p, &RestoreOptions{RecoverOptions: RecoverOptions{OutDir: out}})
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	if len(res.Databases) != 1 || res.Databases[0].StateAfter != "CleanShutdown" || res.Databases[0].LogsReplayed != 2 ||
		res.Databases[0].RecordsRedone+res.Databases[0].RecordsSkipped != 156 {
		t.Fatalf("result %+v", res.Databases)
	}
	b, err := os.ReadFile(filepath.Join(out, sampleDB))
	if err != nil {
		t.Fatal(err)
	}
	return b, p
}

// TestRestoreModernFormSample: the generated set restores the same in both
// forms. Both plans replay 0x51-0x52 with patch data (156 page records,
// all already on the pages of the sample); the database's
// patch form is patch-file for a .pat with the header and marker+trailer
// for a zero-length one; both recover to CleanShutdown with the same
// bytes, the size of the copy with its trailer (the engine zeroes the
// trailer page in place), that page all zero.
func TestRestoreModernFormSample(t *testing.T) {
	s := newSampleBackup(t)
	classic, pc := s.restore(t, s.Folder(esepatch.FormPatchFile), s.DB)
	modern, pm := s.restore(t, s.Folder(esepatch.FormMarkerTrailer), s.DB)
	if got := pc.Databases[0].PatchForm; got != esepatch.FormPatchFile {
		t.Errorf("classic form %q", got)
	}
	if got := pm.Databases[0].PatchForm; got != esepatch.FormMarkerTrailer {
		t.Errorf("modern form %q", got)
	}
	for _, p := range []*Plan{pc, pm} {
		if p.PatchRange == nil || p.PatchRange.Low != 0x51 || p.PatchRange.High != 0x52 || len(p.Logs) != 2 || !p.Logs[1].NeedsPatch {
			t.Errorf("plan range %+v logs %+v", p.PatchRange, p.Logs)
		}
	}
	if !bytes.Equal(classic, modern) {
		t.Fatal("the modern form recovers to other bytes than the classic form")
	}
	if len(modern) != len(s.DB) || !bin.IsZero(modern[len(modern)-s.Page:]) {
		t.Errorf("output of %d bytes (copy %d), trailer page zero: %v", len(modern), len(s.DB), bin.IsZero(modern[len(modern)-s.Page:]))
	}
	h, err := ese.ReadDBHeader(bytes.NewReader(modern))
	if err != nil || h.Header.State != ese.DBStateCleanShutdown || h.Header.CurFullBackup != (ese.BackupInfo{}) {
		t.Errorf("recovered header %+v, %v", h, err)
	}
}

// TestPlanHardModernForm checks the planning decisions on the modern
// form with in-memory folders: what is accepted, and the engine error for
// each refusal.
func TestPlanHardModernForm(t *testing.T) {
	s := newSampleBackup(t)
	ps := s.Page
	noTrailer := s.DB[:len(s.DB)-ps]
	withHeader := func(db []byte, fn func(h *ese.DBHeader)) []byte {
		b := bytes.Clone(db)
		c, err := ese.ReadDBHeader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		fn(c.Header)
		for _, off := range []int{0, ps} {
			c.Header.Put(b[off : off+ps])
			bin.PutU32(b[off:], 0, ese.HeaderChecksum(b[off:off+ps]))
		}
		return b
	}
	withTrailer := func(fn func(p *esepatch.Header)) []byte {
		p := s.Patch
		fn(&p)
		return append(bytes.Clone(noTrailer), p.Encode(ps)...)
	}
	marker := s.Folder(esepatch.FormMarkerTrailer)
	noPat := s.Folder(esepatch.FormMarkerTrailer)
	delete(noPat, samplePat)
	for _, tc := range []struct {
		name      string
		fsys      fstest.MapFS
		db        []byte
		low, high ese.Generation
		code      ese.Error
		msg       string
	}{
		{name: "marker and trailer", fsys: marker, db: s.DB},
		{name: "no .pat at all", fsys: noPat, db: s.DB, code: ese.ErrPatchFileMissing},
		{name: "marker without trailer", fsys: marker, db: noTrailer, code: ese.ErrBadPatchPage,
			msg: "zero-length patch file SRUDB.pat and no trailer page in SRUDB.dat"},
		{name: "marker, trailer of another backup", fsys: marker, code: ese.ErrDatabasePatchFileMismatch,
			db: withTrailer(func(p *esepatch.Header) { p.Backup.Mark.Offset++ })},
		{name: "marker, trailer of another database", fsys: marker, code: ese.ErrDatabasePatchFileMismatch,
			db: withTrailer(func(p *esepatch.Header) { p.DBSignature.Random ^= 1 })},
		{name: "marker, trailer of another log stream", fsys: marker, code: ese.ErrDatabasePatchFileMismatch,
			db: withTrailer(func(p *esepatch.Header) { p.LogSignature.Random ^= 1 })},
		{name: "marker, trailer without its high generation", fsys: marker, code: ese.ErrDatabasePatchFileMismatch,
			db: withTrailer(func(p *esepatch.Header) { p.Backup.GenHigh = 0 })},
		{name: "marker, trailer page corrupt", fsys: marker, code: ese.ErrBadPatchPage, msg: "zero-length patch file",
			db: func() []byte { b := bytes.Clone(s.DB); b[len(b)-ps+100] ^= 1; return b }()},
		{name: "HighLog below the trailer's last log", fsys: marker, db: s.DB, low: 0x51, high: 0x51, code: ese.ErrEndingRestoreLogTooLow},
		{name: "LowLog above the backup's first log", fsys: marker, db: s.DB, low: 0x52, high: 0x52, code: ese.ErrStartingRestoreLogTooHigh},
		{name: "marker, not a backup copy", fsys: marker, code: ese.ErrRestoreOfNonBackupDatabase,
			db: withHeader(noTrailer, func(h *ese.DBHeader) { h.CurFullBackup = ese.BackupInfo{} })},
		{name: "marker, trailer already merged into the header", fsys: marker,
			db: withHeader(noTrailer, func(h *ese.DBHeader) { h.CurFullBackup.GenHigh = 0x52 })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := s.plan(t, tc.fsys, tc.db, tc.low, tc.high)
			if p.Error != tc.code {
				t.Fatalf("error %d, want %d: %s", p.Error, tc.code, p.Message)
			}
			if tc.code != 0 && !errors.Is(p.Err(), tc.code) {
				t.Errorf("Err() %v does not wrap %d", p.Err(), tc.code)
			}
			if !strings.Contains(p.Message, tc.msg) {
				t.Errorf("message %q lacks %q", p.Message, tc.msg)
			}
			if tc.code == 0 && (len(p.Databases) != 1 || p.Databases[0].PatchForm != esepatch.FormMarkerTrailer || p.Databases[0].Patch != samplePat) {
				t.Errorf("databases %+v", p.Databases)
			}
		})
	}
}

// TestRestoreWLMModernForm turns the corpus's Windows Live Mail backup
// set into the modern form: its database copy already carries the
// trailer page, byte for byte the page esepatch encodes from the .pat
// header; the .pat is truncated to zero bytes. It restores to the same
// bytes as the set as it was.
func TestRestoreWLMModernForm(t *testing.T) {
	classic := copyCorpusSet(t, wlmBackup)
	modern := copyCorpusSet(t, wlmBackup)
	patBytes, err := os.ReadFile(filepath.Join(classic, "WindowsMail.pat"))
	if err != nil {
		t.Fatal(err)
	}
	pf, err := esepatch.Decode(patBytes)
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(modern, "WindowsMail.MSMessageStore")
	db, err := os.ReadFile(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	trailer := pf.Header.Encode(pf.PageSize)
	rebuilt := append(bytes.Clone(db[:len(db)-len(trailer)]), trailer...)
	if !bytes.Equal(rebuilt, db) {
		t.Fatal("the database copy's last page is not the trailer encoded from the .pat header")
	}
	if err := os.WriteFile(dbPath, rebuilt, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(filepath.Join(modern, "WindowsMail.pat"), 0); err != nil {
		t.Fatal(err)
	}
	run := func(dir string) ([]byte, *RecoverResult) {
		out := t.TempDir()
		res, err := RestoreFolder(context.Background(), RestoreFolderInput{Restore: dir}, &RestoreOptions{RecoverOptions: RecoverOptions{OutDir: out}})
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		b, err := os.ReadFile(filepath.Join(out, "WindowsMail.MSMessageStore"))
		if err != nil {
			t.Fatal(err)
		}
		return b, res
	}
	want, _ := run(classic)
	got, res := run(modern)
	if !bytes.Equal(got, want) {
		t.Error("the modern form restores to other bytes")
	}
	if d := res.Databases[0]; d.StateAfter != "CleanShutdown" {
		t.Errorf("result %+v", d)
	}
	var sawMarker bool
	for _, e := range res.Events {
		sawMarker = sawMarker || e.Kind == EventPatch && strings.Contains(e.Message, "zero-length")
	}
	if !sawMarker {
		t.Error("no event names the zero-length marker")
	}
	// Without the trailer page the marker is refused with -535.
	if err := os.WriteFile(dbPath, db[:len(db)-len(trailer)], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = RestoreFolder(context.Background(), RestoreFolderInput{Restore: modern}, &RestoreOptions{RecoverOptions: RecoverOptions{OutDir: t.TempDir()}})
	if !errors.Is(err, ese.ErrBadPatchPage) || !strings.Contains(err.Error(), "zero-length patch file WindowsMail.pat and no trailer page") {
		t.Errorf("no trailer: %v", err)
	}
}
