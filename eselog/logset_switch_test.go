package eselog

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/testcorpus"
)

// genSet builds a log set from headers alone: archived logs edb<gen>.log
// of the generations in gens, chained by their times, and, when cur is
// non-zero, the current log edb.log holding generation cur. Bodies are
// not read (the walk's body checks need file access).
func genSet(t *testing.T, gens []ese.Generation, cur ese.Generation) (*Set, ese.Signature) {
	t.Helper()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	sig := ese.Signature{Random: 0x13572468, Created: ese.LogTimeOf(t0)}
	created := func(g ese.Generation) ese.LogTime { return ese.LogTimeOf(t0.Add(time.Duration(g) * time.Minute)) }
	head := func(g ese.Generation) []byte {
		h := &FileHeader{Generation: g, SectorSize: SegmentSize, HeaderSectors: 1, FileSectors: 16, DbPageSize: 4096,
			CreateTime: created(g), PrevGenCreateTime: created(g - 1), VersionMajor: VersionMajorSegment,
			VersionMinor: VersionMinorSegment, VersionUpdateMajor: 20, LogSignature: sig, FileType: ese.FileTypeLog}
		b, err := h.Encode()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var files []*SetFile
	for _, g := range gens {
		files = append(files, NewSetFile(ese.LogFileName("edb", g, ".log", 0), 16*SegmentSize, head(g)))
	}
	if cur != 0 {
		files = append(files, NewSetFile("edb.log", 16*SegmentSize, head(cur)))
	}
	for _, f := range files {
		if f.Err != nil {
			t.Fatalf("%s: %v", f.File, f.Err)
		}
	}
	return BuildSet(files, nil), sig
}

// genDB is a dirty database of the generated stream needing low..high,
// with committed data up to committed.
func genDB(sig ese.Signature, low, high, committed ese.Generation) *Database {
	return &Database{File: "db.edb", State: ese.DBStateDirtyShutdown, LogSignature: sig,
		AttachPos: ese.LogPos{Generation: low}, GenMinRequired: low, GenMaxRequired: high, GenMaxCommitted: committed}
}

// TestReplayGapNamesMissingLogs: a log missing in the middle of a set
// with no checkpoint stops the walk with the engine's error (-528 with no
// current log, -515 when the engine opens the current log in place of the
// missing generation), the message names the missing files, errors.Is
// matches ese.ErrMissingLog and the code, and the remedy says that moving
// the logs below the gap aside is enough when the database needs none of
// them.
func TestReplayGapNamesMissingLogs(t *testing.T) {
	for _, tc := range []struct {
		name      string
		gens      []ese.Generation
		cur       ese.Generation
		opts      *ReplayOptions
		code      ese.Error
		missing   GenRange
		files     string
		dbLow     ese.Generation
		remedy    string
		notRemedy string
	}{
		{name: "gap, current log present", gens: []ese.Generation{8, 9, 0xD, 0xE}, cur: 0xF, code: ese.ErrInvalidLogSequence,
			missing: GenRange{0xA, 0xC}, files: "edb0000A.log through edb0000C.log", dbLow: 0xE,
			remedy: "moving edb00008.log through edb00009.log (the logs below the gap) aside is enough"},
		{name: "gap of one, no current log", gens: []ese.Generation{8, 9, 0xB}, opts: &ReplayOptions{AllowMissingCurrentLog: true},
			code: ese.ErrMissingLogFile, missing: GenRange{0xA, 0xA}, files: "edb0000A.log", dbLow: 0xB,
			remedy: "moving edb00008.log through edb00009.log (the logs below the gap) aside is enough"},
		{name: "gap the database needs", gens: []ese.Generation{8, 9, 0xD}, cur: 0xE, code: ese.ErrInvalidLogSequence,
			missing: GenRange{0xA, 0xC}, files: "edb0000A.log through edb0000C.log", dbLow: 0xB,
			remedy: "restore edb0000A.log through edb0000C.log from a backup", notRemedy: "aside"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, sig := genSet(t, tc.gens, tc.cur)
			rp := s.ReplayWith(nil, tc.opts)
			if rp.Error != tc.code || rp.Missing == nil || *rp.Missing != tc.missing || rp.MissingFiles != tc.files {
				t.Fatalf("walk: error %d missing %v %q, want %d %v %q: %s", rp.Error, rp.Missing, rp.MissingFiles, tc.code, tc.missing, tc.files, rp.Message)
			}
			if !strings.Contains(rp.Message, tc.files) {
				t.Errorf("message does not name %s: %s", tc.files, rp.Message)
			}
			err := rp.Err()
			if !errors.Is(err, ese.ErrMissingLog) || !errors.Is(err, tc.code) {
				t.Errorf("errors.Is(%v): ErrMissingLog %v, code %v", err, errors.Is(err, ese.ErrMissingLog), errors.Is(err, tc.code))
			}
			var me *ese.MissingLogError
			if !errors.As(err, &me) || me.Low != tc.missing.Low || me.High != tc.missing.High {
				t.Errorf("errors.As: %+v", me)
			}
			v := s.CheckWith(genDB(sig, tc.dbLow, tc.dbLow, tc.dbLow), nil, tc.opts)
			if v.Error != tc.code || !strings.Contains(v.Remedy, tc.remedy) || tc.notRemedy != "" && strings.Contains(v.Remedy, tc.notRemedy) {
				t.Errorf("verdict %d, remedy %q; want %d and %q", v.Error, v.Remedy, tc.code, tc.remedy)
			}
			if verr := v.Err(); !errors.Is(verr, ese.ErrMissingLog) || !errors.Is(verr, tc.code) {
				t.Errorf("verdict error %v does not match ErrMissingLog and %d", verr, tc.code)
			}
			// The set's problem names the files too.
			found := false
			for _, p := range s.Problems {
				if p.Kind == ProblemGap && strings.Contains(p.Message, tc.files) && strings.Contains(p.Remedy, tc.files) {
					found = true
				}
			}
			if !found {
				t.Errorf("no gap problem naming %s: %+v", tc.files, s.Problems)
			}
		})
	}
}

// TestReplayAllowMissingCurrentLog: with no current and no temp log the
// walk fails with -528 naming edb.log; allowing a missing current log
// (JET_bitAllowMissingCurrentLog) ends it at the highest numbered log. A
// database with committed data beyond that generation then fails with
// -582 unless lost logs are ignored, and a database needing it fails with
// -543 either way.
func TestReplayAllowMissingCurrentLog(t *testing.T) {
	s, sig := genSet(t, []ese.Generation{3, 4, 5}, 0)
	rp := s.Replay(nil)
	if rp.Error != ese.ErrMissingLogFile || rp.MissingFiles != "edb.log" || !errors.Is(rp.Err(), ese.ErrMissingLog) {
		t.Fatalf("default walk: %d %q %s", rp.Error, rp.MissingFiles, rp.Message)
	}
	if !strings.Contains(rp.Message, "edb.log") || !strings.Contains(rp.Message, "edb00005.log") {
		t.Errorf("message: %s", rp.Message)
	}
	if rp := s.ReplayWith(nil, &ReplayOptions{IgnoreLostLogs: true}); rp.Error != 0 || rp.End != 5 {
		t.Errorf("ignoring lost logs allows a missing current log too: %d %s", rp.Error, rp.Message)
	}
	allow := &ReplayOptions{AllowMissingCurrentLog: true}
	rp = s.ReplayWith(nil, allow)
	if rp.Error != 0 || rp.Start != 3 || rp.End != 5 || !rp.NoCurrentLog || len(rp.Files) != 3 || rp.Files[2] != "edb00005.log" {
		t.Fatalf("allowed walk: %+v", rp)
	}
	for _, tc := range []struct {
		name            string
		opts            ReplayOptions
		high, committed ese.Generation
		code            ese.Error
		lost            bool
		msg             string
	}{
		{name: "needs the last log", opts: *allow, high: 5, committed: 5, code: 0},
		{name: "committed beyond", opts: *allow, high: 5, committed: 6, code: ese.ErrCommittedLogFilesMissing, msg: "JET_bitReplayIgnoreLostLogs"},
		{name: "committed beyond, lost logs ignored", opts: ReplayOptions{AllowMissingCurrentLog: true, IgnoreLostLogs: true}, high: 5, committed: 7, code: 0, lost: true, msg: "585"},
		{name: "required beyond, lost logs ignored", opts: ReplayOptions{AllowMissingCurrentLog: true, IgnoreLostLogs: true}, high: 6, committed: 6, code: ese.ErrRequiredLogFilesMissing},
	} {
		v := s.CheckWith(genDB(sig, 4, tc.high, tc.committed), nil, &tc.opts)
		if v.Error != tc.code || v.LostLogs != tc.lost || !strings.Contains(v.Message, tc.msg) {
			t.Errorf("%s: verdict %d lost %v: %s", tc.name, v.Error, v.LostLogs, v.Message)
		}
	}
}

// TestCheckAllowBackup: a backup copy whose trailer was not merged is
// refused by soft recovery (-544) unless JET_bitAllowSoftRecoveryOnBackup
// is given; on the real Windows Live Mail backup set (one log, no current
// log) it takes both that and a missing current log.
func TestCheckAllowBackup(t *testing.T) {
	s, sig := genSet(t, []ese.Generation{3, 4}, 5)
	db := genDB(sig, 4, 4, 4)
	db.CurFullBackup = ese.BackupInfo{GenLow: 3}
	if v := s.Check(db, nil); v.Error != ese.ErrSoftRecoveryOnBackupDatabase || !strings.Contains(v.Message, "JET_bitAllowSoftRecoveryOnBackup") {
		t.Errorf("default: %d %s", v.Error, v.Message)
	}
	if v := s.CheckWith(db, nil, &ReplayOptions{AllowBackup: true}); v.Error != 0 || !v.Replayable {
		t.Errorf("allowed: %d %s", v.Error, v.Message)
	}

	dir := testcorpus.Path(t, "wlm-danyquenneville-backup")
	ws := scan(t, dir)
	wdb := readDB(t, filepath.Join(dir, "WindowsMail.MSMessageStore"))
	if v := ws.CheckWith(wdb, nil, &ReplayOptions{AllowBackup: true}); v.Error != ese.ErrMissingLogFile {
		t.Errorf("backup set, current log missing: %d %s", v.Error, v.Message)
	}
	if v := ws.CheckWith(wdb, nil, &ReplayOptions{AllowMissingCurrentLog: true}); v.Error != ese.ErrSoftRecoveryOnBackupDatabase {
		t.Errorf("backup set, not allowed: %d %s", v.Error, v.Message)
	}
	v := ws.CheckWith(wdb, nil, &ReplayOptions{AllowBackup: true, AllowMissingCurrentLog: true})
	if v.Error != 0 || v.Replay.End != 1 || !v.Replay.NoCurrentLog {
		t.Errorf("backup set, both allowed: %d %+v", v.Error, v.Replay)
	}
}

// TestGapRemedyDirtySRUM: the real dirty SRUM set with SRU00050.log
// removed and no checkpoint stops with -515 naming SRU00050.log; the
// database needs only 0x51, so moving SRU0004E.log and SRU0004F.log aside
// is enough, and after doing so the set is replayable.
func TestGapRemedyDirtySRUM(t *testing.T) {
	dir := testcorpus.CopySet(t, dirtySRUM, "SRU00050.log")
	db := readDB(t, filepath.Join(dir, "SRUDB.dat"))
	s := scan(t, dir)
	v := s.Check(db, nil)
	if v.Error != ese.ErrInvalidLogSequence || v.Replay.MissingFiles != "SRU00050.log" || !strings.Contains(v.Message, "SRU00050.log") {
		t.Fatalf("verdict %d %q: %s", v.Error, v.Replay.MissingFiles, v.Message)
	}
	if !errors.Is(v.Err(), ese.ErrMissingLog) || !errors.Is(v.Err(), ese.ErrInvalidLogSequence) {
		t.Errorf("errors.Is: %v", v.Err())
	}
	if !strings.Contains(v.Remedy, "moving SRU0004E.log through SRU0004F.log (the logs below the gap) aside is enough") {
		t.Errorf("remedy: %s", v.Remedy)
	}
	// With the checkpoint (at 0x51) the walk never meets the gap.
	if v := s.Check(db, srumCheckpoint(s)); v.Error != 0 {
		t.Errorf("with the checkpoint: %d %s", v.Error, v.Message)
	}
	// Following the remedy.
	for _, n := range []string{"SRU0004E.log", "SRU0004F.log"} {
		if err := os.Rename(filepath.Join(dir, n), filepath.Join(t.TempDir(), n)); err != nil {
			t.Fatal(err)
		}
	}
	if v := scan(t, dir).Check(db, nil); v.Error != 0 || v.Replay.Start != 0x51 {
		t.Errorf("after the remedy: %d start 0x%X %s", v.Error, v.Replay.Start, v.Message)
	}
}
