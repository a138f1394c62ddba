package eselog

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testcorpus"
)

const dirtySRUM = "museum-srum-win10-belkasoftctf-insiderthreat-dirty"

// editHeader changes a log file's header with fn and fixes its checksum.
func editHeader(t *testing.T, file string, fn func(h []byte)) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fn(b[:4096])
	bin.PutU32(b, 0, ese.HeaderChecksum(b[:4096]))
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func scan(t *testing.T, dir string) *Set {
	t.Helper()
	s, err := ScanDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func readDB(t *testing.T, path string) *Database {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	db, err := ReadDatabase(f, filepath.Base(path))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// checkpointAt builds the checkpoint facts of the real SRU.chk: (0x51,9,0).
func srumCheckpoint(s *Set) *CheckpointInfo {
	return &CheckpointInfo{File: "SRU.chk", Pos: ese.LogPos{Generation: 0x51, Sector: 9}, Signature: s.Signature}
}

func hasProblem(s *Set, kind string, code ese.Error) bool {
	for _, p := range s.Problems {
		if p.Kind == kind && p.Code == code {
			return true
		}
	}
	return false
}

func TestScanAppdata(t *testing.T) {
	s := scan(t, testcorpus.Path(t, "appdata"))
	if !slices.Equal(s.Generations, []ese.Generation{1}) {
		t.Errorf("generations = %v, want [1]", s.Generations)
	}
	if !slices.Equal(s.Foreign, []string{"edb0000D.log"}) {
		t.Errorf("foreign = %v, want [edb0000D.log]", s.Foreign)
	}
	if s.Current == nil || s.Current.File != "edb.log" || s.Current.Generation != 1 {
		t.Errorf("current = %+v", s.Current)
	}
	if got := s.File("edbtmp.log").Status; got != StatusUnused {
		t.Errorf("edbtmp.log status %s", got)
	}
	if got := s.File("edb0000D.log"); got.Generation != 0xD || got.Status != StatusForeign {
		t.Errorf("edb0000D.log: gen 0x%X status %s", got.Generation, got.Status)
	}
	if s.Signature.Random != 0x5e1755e7 {
		t.Errorf("signature random 0x%x", s.Signature.Random)
	}
	if !hasProblem(s, ProblemForeign, ese.ErrBadLogSignature) {
		t.Errorf("no -530 foreign problem: %+v", s.Problems)
	}
	db := readDB(t, testcorpus.Path(t, "appdata/IndexedDB.edb"))
	// With the real checkpoint (1,0x22,0) the engine starts and ends in
	// edb.log; the database is clean.
	v := s.Check(db, &CheckpointInfo{Pos: ese.LogPos{Generation: 1, Sector: 0x22}, Signature: s.Signature})
	if !v.Replayable || v.Error != 0 || v.Replay.Start != 1 || v.Replay.End != 1 {
		t.Errorf("verdict with checkpoint: %+v", v)
	}
	// edb.log ends with Term2 at (1,0x22,0), where the checkpoint is: the
	// engine's fast path runs no recovery (docs/recovery.md#open-the-tail).
	if !v.Replay.NoRecovery {
		t.Errorf("no fast path: %+v", v.Replay)
	}
	// Without it the engine opens the lowest numbered log, edb0000D.log,
	// of another stream (docs/recovery.md#ceiling): -530.
	v = s.Check(db, nil)
	if v.Error != ese.ErrBadLogSignature || v.Replay.FailedAt != 0xD {
		t.Errorf("verdict without checkpoint: error %d at 0x%X", v.Error, v.Replay.FailedAt)
	}
}

func TestScanDirtySRUM(t *testing.T) {
	dir := testcorpus.Path(t, dirtySRUM)
	s := scan(t, dir)
	if !slices.Equal(s.Generations, []ese.Generation{0x4e, 0x4f, 0x50, 0x51, 0x52}) {
		t.Errorf("generations = %x", s.Generations)
	}
	if s.Current == nil || s.Current.File != "SRU.log" || s.Current.Generation != 0x52 {
		t.Errorf("current = %+v", s.Current)
	}
	if len(s.Gaps) != 0 || len(s.Foreign) != 0 || !s.Circular {
		t.Errorf("gaps %v foreign %v circular %v", s.Gaps, s.Foreign, s.Circular)
	}
	if p := s.FirstError(); p != nil {
		t.Errorf("unexpected error problem %+v", p)
	}
	db := readDB(t, filepath.Join(dir, "SRUDB.dat"))
	v := s.Check(db, srumCheckpoint(s))
	if !v.Replayable || v.Error != 0 {
		t.Fatalf("dirty SRUM not replayable: %+v", v)
	}
	if v.Required != (GenRange{0x51, 0x51}) || v.Anchor != 0x51 || len(v.Missing) != 0 {
		t.Errorf("required %v anchor 0x%X missing %v", v.Required, v.Anchor, v.Missing)
	}
	if v.Replay.Start != 0x51 || v.Replay.End != 0x52 || !slices.Equal(v.Replay.Files, []string{"SRU00051.log", "SRU.log"}) {
		t.Errorf("replay %+v", v.Replay)
	}
	if v.Replay.NoRecovery || v.Replay.EndPos != (ese.LogPos{Generation: 0x52, Sector: 1}) {
		t.Errorf("dirty set: fast path %v, end %s", v.Replay.NoRecovery, v.Replay.EndPos)
	}
	v = s.Check(db, nil)
	if !v.Replayable || v.Replay.Start != 0x4e || v.Replay.End != 0x52 {
		t.Errorf("without checkpoint: %+v", v)
	}
	b, _ := json.Marshal(v)
	for _, key := range []string{`"required":{"low":81,"high":81}`, `"missing":[]`, `"replayable":true`, `"error":{"code":0,"name":"JET_errSuccess"}`} {
		if !json.Valid(b) || !contains(string(b), key) {
			t.Errorf("JSON lacks %s: %s", key, b)
		}
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && indexOf(s, sub) >= 0)
}
func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestScanStaleTempLogs(t *testing.T) {
	s := scan(t, testcorpus.Path(t, "museum-srum-server2022-apt-1daylater"))
	if !slices.Equal(s.Generations, []ese.Generation{3, 4, 5}) {
		t.Errorf("generations = %v", s.Generations)
	}
	if f := s.File("SRUtmp.log"); f.Status != StatusStale || f.Generation != 2 {
		t.Errorf("SRUtmp.log: %+v", f)
	}
	if p := s.FirstError(); p != nil {
		t.Errorf("unexpected problem %+v", p)
	}
	t.Run("appdata-uss-jtx", func(t *testing.T) {
		u := scan(t, testcorpus.Path(t, "appdata-uss-jtx"))
		if !slices.Equal(u.Generations, []ese.Generation{0x40, 0x41}) || u.Ext != ".jtx" || u.Base != "USS" {
			t.Errorf("USS set: gens %x base %s ext %s", u.Generations, u.Base, u.Ext)
		}
		if f := u.File("USStmp.jtx"); f.Status != StatusStale || f.Generation != 0x3f {
			t.Errorf("USStmp.jtx: %+v", f)
		}
		// USS.jtx is missing but USStmp.jtx exists: a crash during rollover,
		// not an error (docs/recovery.md#open-the-tail).
		if !hasProblem(u, ProblemCurrentMissing, 0) || u.Current != nil {
			t.Errorf("USS current: %+v %+v", u.Current, u.Problems)
		}
		r := u.Replay(nil)
		if r.Error != 0 || r.Start != 0x40 || r.End != 0x41 {
			t.Errorf("USS replay %+v", r)
		}
	})
}

func TestCheckLogsAbsent(t *testing.T) {
	dir := testcorpus.Path(t, "goese-qmgr")
	s := scan(t, dir)
	db := readDB(t, filepath.Join(dir, "qmgr.db"))
	v := s.Check(db, nil)
	if v.Replayable || v.Error != ese.ErrDatabaseDirtyShutdown || !slices.Equal(v.Missing, []ese.Generation{0x17}) || v.Required != (GenRange{0x17, 0x17}) {
		t.Errorf("qmgr verdict %+v", v)
	}
	if !v.Replay.NewStream {
		t.Errorf("qmgr: expected a new stream, got %+v", v.Replay)
	}
}

func TestCheckBackupCopy(t *testing.T) {
	dir := testcorpus.Path(t, "wlm-danyquenneville-backup")
	s := scan(t, dir)
	if !slices.Equal(s.Generations, []ese.Generation{1}) || !hasProblem(s, ProblemCurrentMissing, ese.ErrMissingLogFile) {
		t.Errorf("wlm backup set: %v %+v", s.Generations, s.Problems)
	}
	if f := s.File("edb00001.log"); f.Format != "7.3704.15" {
		t.Errorf("legacy format %q", f.Format)
	}
	db := readDB(t, filepath.Join(dir, "WindowsMail.MSMessageStore"))
	if !db.IsBackupCopy() {
		t.Fatal("not a backup copy")
	}
	// With edb.log in place, soft recovery refuses a backup copy: -544.
	d2 := testcorpus.CopySet(t, "wlm-danyquenneville-backup")
	os.Rename(filepath.Join(d2, "edb00001.log"), filepath.Join(d2, "edb.log"))
	v := scan(t, d2).Check(db, nil)
	if v.Error != ese.ErrSoftRecoveryOnBackupDatabase {
		t.Errorf("backup copy soft recovery: %+v", v)
	}
}

// Scenario folders built from the real dirty SRUM set.
func TestScanScenarios(t *testing.T) {
	type scen struct {
		name    string
		skip    []string
		edit    func(t *testing.T, dir string)
		ckpt    bool
		problem string
		pcode   ese.Error
		code    ese.Error // verdict for SRUDB.dat
		gens    []ese.Generation
	}
	foreignize := func(name string) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			editHeader(t, filepath.Join(dir, name), func(h []byte) { h[44] ^= 0x55 })
		}
	}
	rename := func(from, to string) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			if err := os.Rename(filepath.Join(dir, from), filepath.Join(dir, to)); err != nil {
				t.Fatal(err)
			}
		}
	}
	copyAs := func(from, to string) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			b, _ := os.ReadFile(filepath.Join(dir, from))
			os.WriteFile(filepath.Join(dir, to), b, 0o644)
		}
	}
	for _, sc := range []scen{
		{name: "as collected", code: 0, gens: []ese.Generation{0x4e, 0x4f, 0x50, 0x51, 0x52}},
		{name: "log removed in the middle", skip: []string{"SRU00050.log"}, problem: ProblemGap, pcode: ese.ErrInvalidLogSequence, code: ese.ErrInvalidLogSequence, gens: []ese.Generation{0x4e, 0x4f, 0x51, 0x52}},
		{name: "required log removed, checkpoint points at it", skip: []string{"SRU00051.log"}, ckpt: true, problem: ProblemGap, pcode: ese.ErrInvalidLogSequence, code: ese.ErrMissingLogFile},
		{name: "older logs removed", skip: []string{"SRU0004E.log", "SRU0004F.log", "SRU00050.log"}, problem: "", code: 0, gens: []ese.Generation{0x51, 0x52}},
		{name: "current log missing, temp log present", skip: []string{"SRU.log"}, problem: ProblemCurrentMissing, pcode: 0, code: 0},
		{name: "current log and temp log missing", skip: []string{"SRU.log", "SRUtmp.log"}, problem: ProblemCurrentMissing, pcode: ese.ErrMissingLogFile, code: ese.ErrMissingLogFile},
		{name: "foreign log of a needed generation", edit: foreignize("SRU00050.log"), problem: ProblemForeign, pcode: ese.ErrBadLogSignature, code: ese.ErrBadLogSignature},
		{name: "foreign log added", edit: func(t *testing.T, dir string) {
			b := testcorpus.Read(t, "appdata/edb0000D.log")
			os.WriteFile(filepath.Join(dir, "SRU0000D.log"), b, 0o644)
		}, problem: ProblemForeign, pcode: ese.ErrBadLogSignature, code: ese.ErrBadLogSignature},
		{name: "foreign current log", edit: foreignize("SRU.log"), problem: ProblemForeign, pcode: ese.ErrBadLogSignature, code: ese.ErrBadLogSignature},
		{name: "renamed log", edit: rename("SRU00051.log", "SRU00061.log"), problem: ProblemNameMismatch, pcode: ese.ErrLogGenerationMismatch, code: ese.ErrInvalidLogSequence},
		{name: "swapped names", edit: func(t *testing.T, dir string) {
			rename("SRU00050.log", "x")(t, dir)
			rename("SRU00051.log", "SRU00050.log")(t, dir)
			rename("x", "SRU00051.log")(t, dir)
		}, problem: ProblemNameMismatch, pcode: ese.ErrLogGenerationMismatch, code: ese.ErrInvalidLogSequence},
		{name: "log removed in the middle, no current log", skip: []string{"SRU00050.log", "SRU.log"}, problem: ProblemGap, pcode: ese.ErrMissingLogFile, code: ese.ErrMissingLogFile},
		{name: "current log is a copy of the highest numbered", edit: copyAs("SRU00051.log", "SRU.log"), problem: ProblemCurrentMismatch, pcode: ese.ErrInvalidLogSequence, code: ese.ErrInvalidLogSequence},
		{name: "current log below numbered logs (ceiling)", skip: []string{"SRU.log"}, edit: func(t *testing.T, dir string) {
			rename("SRU00050.log", "SRU.log")(t, dir)
		}, problem: ProblemCeiling, pcode: 0, code: ese.ErrRequiredLogFilesMissing},
		{name: "broken previous-time chain", edit: func(t *testing.T, dir string) {
			editHeader(t, filepath.Join(dir, "SRU00050.log"), func(h []byte) { h[24] ^= 1 })
		}, problem: ProblemChain, pcode: ese.ErrInvalidLogSequence, code: ese.ErrInvalidLogSequence},
		{name: "truncated log", edit: func(t *testing.T, dir string) {
			os.Truncate(filepath.Join(dir, "SRU0004F.log"), 32768)
		}, problem: ProblemSizeMismatch, pcode: ese.ErrLogFileSizeMismatch, code: ese.ErrLogFileSizeMismatch},
		{name: "duplicate generation under 5- and 8-digit names", edit: copyAs("SRU00050.log", "SRU00000050.log"),
			problem: ProblemDuplicate, pcode: 0, code: 0, gens: []ese.Generation{0x4e, 0x4f, 0x50, 0x51, 0x52}},
		{name: "copy of a log under another name", edit: copyAs("SRU00050.log", "SRU00050 - Copy.log"),
			problem: ProblemNameMismatch, pcode: ese.ErrLogGenerationMismatch, code: 0},
		{name: "previous-checksum chain broken", edit: func(t *testing.T, dir string) {
			editHeader(t, filepath.Join(dir, "SRU.log"), func(h []byte) { h[653] ^= 0x40 })
		}, problem: ProblemChecksumChain, pcode: ese.ErrLogSequenceChecksumMismatch, code: ese.ErrLogSequenceChecksumMismatch},
		{name: "corrupt segment in a needed log", edit: func(t *testing.T, dir string) {
			b, _ := os.ReadFile(filepath.Join(dir, "SRU00051.log"))
			for i := 4096 + 200; i < 4096+260; i++ {
				b[i] ^= 0xA5
			}
			os.WriteFile(filepath.Join(dir, "SRU00051.log"), b, 0o644)
		}, problem: ProblemCorrupt, pcode: ese.ErrLogFileCorrupt, code: ese.ErrLogFileCorrupt},
		{name: "corrupt header", edit: func(t *testing.T, dir string) {
			b, _ := os.ReadFile(filepath.Join(dir, "SRU0004F.log"))
			b[100] ^= 0xFF
			os.WriteFile(filepath.Join(dir, "SRU0004F.log"), b, 0o644)
		}, problem: ProblemCorrupt, pcode: ese.ErrLogFileCorrupt, code: ese.ErrLogFileCorrupt},
	} {
		t.Run(sc.name, func(t *testing.T) {
			dir := testcorpus.CopySet(t, dirtySRUM, sc.skip...)
			if sc.edit != nil {
				sc.edit(t, dir)
			}
			db := readDB(t, filepath.Join(dir, "SRUDB.dat"))
			s, err := ScanDir(dir, &ScanOptions{Signature: &db.LogSignature})
			if err != nil {
				t.Fatal(err)
			}
			if sc.problem != "" && !hasProblem(s, sc.problem, sc.pcode) {
				t.Errorf("no %s problem with code %d: %+v", sc.problem, sc.pcode, s.Problems)
			}
			if sc.name == "current log is a copy of the highest numbered" && (s.Current == nil || s.Current.Generation != 0x51) {
				t.Errorf("current %+v: the current log is reported even when it repeats a generation", s.Current)
			}
			if sc.gens != nil && !slices.Equal(s.Generations, sc.gens) {
				t.Errorf("generations %x, want %x", s.Generations, sc.gens)
			}
			var ck *CheckpointInfo
			if sc.ckpt {
				ck = srumCheckpoint(s)
			}
			v := s.Check(db, ck)
			if v.Error != sc.code || v.Replayable != (sc.code == 0) {
				t.Errorf("verdict error %d replayable %v, want %d: %s", v.Error, v.Replayable, sc.code, v.Message)
			}
			if v.Error != 0 && v.Message == "" {
				t.Error("error without a message")
			}
		})
	}
}

func TestCheckCheckpointPastAnchor(t *testing.T) {
	dir := testcorpus.Path(t, dirtySRUM)
	s := scan(t, dir)
	db := readDB(t, filepath.Join(dir, "SRUDB.dat"))
	v := s.Check(db, &CheckpointInfo{Pos: ese.LogPos{Generation: 0x52}, Signature: s.Signature})
	if v.Error != ese.ErrRequiredLogFilesMissing {
		t.Errorf("checkpoint past the anchor: %+v", v)
	}
	other := s.Signature
	other.Random++
	v = s.Check(db, &CheckpointInfo{Pos: ese.LogPos{Generation: 0x51}, Signature: other})
	if v.Error != ese.ErrBadCheckpointSignature {
		t.Errorf("checkpoint of another stream: %+v", v)
	}
	// Without a current log (a temp log present) the checkpoint is
	// checked against the first log opened.
	d2 := testcorpus.CopySet(t, dirtySRUM, "SRU.log")
	if v := scan(t, d2).Check(db, &CheckpointInfo{Pos: ese.LogPos{Generation: 0x51}, Signature: other}); v.Error != ese.ErrBadCheckpointSignature {
		t.Errorf("checkpoint of another stream, no current log: %+v", v)
	}
	// The database of another stream against these logs.
	db2 := *db
	db2.LogSignature.Random++
	if v := s.Check(&db2, nil); v.Error != ese.ErrBadLogSignature {
		t.Errorf("database of another stream: %+v", v)
	}
	// Committed data beyond the logs.
	db3 := *db
	db3.GenMaxCommitted = 0x53
	if v := s.Check(&db3, nil); v.Error != ese.ErrCommittedLogFilesMissing {
		t.Errorf("committed beyond the logs: %+v", v)
	}
	// A hostile required range does not allocate two billion entries.
	db4 := *db
	db4.GenMinRequired, db4.GenMaxRequired = 1, 0x7FFFFFFF
	v = s.Check(&db4, nil)
	if len(v.Missing) != maxMissingList || v.MissingCount != 0x7FFFFFFF-5 || v.Error != ese.ErrRequiredLogFilesMissing {
		t.Errorf("hostile range: %d listed, %d counted, error %d", len(v.Missing), v.MissingCount, v.Error)
	}
}

func TestParseLogName(t *testing.T) {
	for _, c := range []struct {
		name string
		role FileRole
		gen  ese.Generation
	}{
		{"edb.log", RoleCurrent, 0}, {"SRU.log", RoleCurrent, 0}, {"USS.jtx", RoleCurrent, 0},
		{"edb0000D.log", RoleArchived, 0xD}, {"edb0000000D.log", RoleArchived, 0xD}, {"EDB012CF.LOG", RoleArchived, 0x12CF},
		{"edbtmp.log", RoleTemp, 0}, {"USStmp.jtx", RoleTemp, 0}, {"edbres00001.jrs", RoleReserve, 0}, {"res1.log", RoleReserve, 0},
		{"edb000D.log", RoleOther, 0}, {"edb0000G.log", RoleOther, 0}, {"edb00000.log", RoleOther, 0}, {"ed.log", RoleOther, 0}, {"edb.chk", RoleOther, 0},
	} {
		ln := parseLogName(c.name)
		if ln.Role != c.role || ln.Gen != c.gen {
			t.Errorf("%s: role %s gen 0x%X, want %s 0x%X", c.name, ln.Role, ln.Gen, c.role, c.gen)
		}
	}
	if got := archivedName("edb", ".log", 0x12CF, 5); got != "edb012CF.log" {
		t.Errorf("archivedName = %s", got)
	}
}

// The accumulated segment checksums chain on the real sets: each header's
// PrevLogAccumulatedChecksum is the XOR of the previous log's segments.
func TestAccumulatedChecksumChainCorpus(t *testing.T) {
	for _, set := range []string{dirtySRUM, "museum-srum-server2022-apt-1daylater", "appdata-uss-jtx"} {
		t.Run(set, func(t *testing.T) {
			s := scan(t, testcorpus.Path(t, set))
			checked := 0
			for i := 1; i < len(s.Generations); i++ {
				a, b := s.Log(s.Generations[i-1]), s.Log(s.Generations[i])
				if !accumulatedChecked(b.Header) {
					continue
				}
				bi := a.scanBody(false)
				if bi.err != nil || bi.tailErr != nil || bi.acc != b.PrevAccumulated {
					t.Errorf("%s: %s -> %s: acc 0x%016X want 0x%016X (%v %v)", set, a.File, b.File, bi.acc, b.PrevAccumulated, bi.err, bi.tailErr)
				}
				checked++
			}
			if checked == 0 {
				t.Errorf("%s: no pair checked", set)
			}
			if hasProblem(s, ProblemChecksumChain, ese.ErrLogSequenceChecksumMismatch) {
				t.Errorf("%s: spurious -590", set)
			}
		})
	}
}

// The verdict on every corpus set, for every database in it, with the
// set's checkpoint when it has one.
func TestCheckEveryCorpusSet(t *testing.T) {
	type dbWant struct {
		file       string
		replayable bool
		code       ese.Error
		required   GenRange
	}
	for _, c := range []struct {
		set     string
		ckpt    string
		gens    []ese.Generation
		current string
		foreign []string
		dbs     []dbWant
	}{
		{set: "appdata", ckpt: "edb.chk", gens: []ese.Generation{1}, current: "edb.log", foreign: []string{"edb0000D.log"},
			dbs: []dbWant{{"IndexedDB.edb", true, 0, GenRange{}}}},
		{set: "appdata-uss-jtx", gens: []ese.Generation{0x40, 0x41}},
		{set: "dissect-esedb-testdbs", gens: []ese.Generation{}, dbs: []dbWant{{"basic.edb", true, 0, GenRange{}}, {"large.edb", true, 0, GenRange{}}}},
		{set: "eseparser-testdbs", gens: []ese.Generation{}, dbs: []dbWant{{"test.v1.edb", true, 0, GenRange{}}}},
		{set: "goese-qmgr", gens: []ese.Generation{}, dbs: []dbWant{{"qmgr.db", false, ese.ErrDatabaseDirtyShutdown, GenRange{0x17, 0x17}}}},
		{set: "museum-ntds-win2012r2", ckpt: "edb.chk", gens: []ese.Generation{}, dbs: []dbWant{{"temp.edb", false, ese.ErrDatabaseCorrupted, GenRange{}}}},
		{set: "museum-srum-server2022-apt-1daylater", ckpt: "SRU.chk", gens: []ese.Generation{3, 4, 5}, current: "SRU.log",
			dbs: []dbWant{{"SRUDB.dat", true, 0, GenRange{}}}},
		{set: "museum-srum-win10-belkasoftctf-insiderthreat-clean", ckpt: "SRU.chk", gens: []ese.Generation{0x4e, 0x4f, 0x50, 0x51, 0x52}, current: "SRU.log",
			dbs: []dbWant{{"SRUDB.dat", true, 0, GenRange{}}}},
		{set: dirtySRUM, ckpt: "SRU.chk", gens: []ese.Generation{0x4e, 0x4f, 0x50, 0x51, 0x52}, current: "SRU.log",
			dbs: []dbWant{{"SRUDB.dat", true, 0, GenRange{0x51, 0x51}}}},
		{set: "ravendb-ssdug", ckpt: "RVN.chk", gens: []ese.Generation{}, dbs: []dbWant{{"Data", false, ese.ErrDatabaseDirtyShutdown, GenRange{1, 1}}}},
		{set: "secedit-artemk1337-root", gens: []ese.Generation{}, dbs: []dbWant{{"secedit.sdb", true, 0, GenRange{}}}},
		{set: "secedit-horrorandscifi", ckpt: "edb.chk", gens: []ese.Generation{1}, current: "edb.log"},
		{set: "wlm-danyquenneville-backup", gens: []ese.Generation{1},
			dbs: []dbWant{{"WindowsMail.MSMessageStore", false, ese.ErrMissingLogFile, GenRange{1, 1}}}},
		{set: "wlm-kimberli13", gens: []ese.Generation{1, 2}, current: "edb.log", dbs: []dbWant{{"WindowsMail.MSMessageStore", true, 0, GenRange{}}}},
	} {
		t.Run(c.set, func(t *testing.T) {
			dir := testcorpus.Path(t, c.set)
			s := scan(t, dir)
			if !slices.Equal(s.Generations, c.gens) {
				t.Errorf("generations %x, want %x", s.Generations, c.gens)
			}
			if (s.Current == nil) != (c.current == "") || (s.Current != nil && s.Current.File != c.current) {
				t.Errorf("current %+v, want %q", s.Current, c.current)
			}
			if !slices.Equal(s.Foreign, append([]string{}, c.foreign...)) {
				t.Errorf("foreign %v, want %v", s.Foreign, c.foreign)
			}
			var ck *CheckpointInfo
			if c.ckpt != "" {
				b := testcorpus.Read(t, c.set+"/"+c.ckpt)
				ck = &CheckpointInfo{File: c.ckpt, Pos: ese.DecodeLogPos(b[12:]), Signature: ese.DecodeSignature(b[20:])}
			}
			for _, w := range c.dbs {
				v := s.Check(readDB(t, filepath.Join(dir, w.file)), ck)
				if v.Replayable != w.replayable || v.Error != w.code || v.Required != w.required {
					t.Errorf("%s: replayable %v error %d required %v, want %v %d %v: %s", w.file, v.Replayable, v.Error, v.Required, w.replayable, w.code, w.required, v.Message)
				}
			}
		})
	}
}

func BenchmarkScanAndCheckDirtySRUM(b *testing.B) {
	dir := testcorpus.Path(b, dirtySRUM)
	f, err := os.Open(filepath.Join(dir, "SRUDB.dat"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	db, err := ReadDatabase(f, "SRUDB.dat")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s, err := ScanDir(dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		if v := s.Check(db, nil); !v.Replayable {
			b.Fatal(v.Message)
		}
	}
}
