package recovery

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/steadylog"
	"github.com/esekit/esekit/internal/testcorpus"
)

// recoverDir recovers the set in dir into a new folder with the switches
// and returns the result, the error and the recovered bytes of file.
func recoverDir(t *testing.T, dir, file string, sw Switches) (*RecoverResult, error, []byte) {
	t.Helper()
	out := t.TempDir()
	res, err := RecoverFolder(context.Background(), FolderInput{Logs: dir}, &RecoverOptions{OutDir: out, Switches: sw})
	b, _ := os.ReadFile(filepath.Join(out, file))
	return res, err, b
}

func hasEventWith(evs []Event, kind EventKind, code ese.Error, sub string) bool {
	for _, e := range evs {
		if e.Kind == kind && e.Code == code && strings.Contains(e.Message, sub) {
			return true
		}
	}
	return false
}

// TestRecoverMissingCurrentLogSRUM: the dirty SRUM set with its current
// log (and temp log) removed is refused with -528 naming SRU.log; allowing
// a missing current log, recovery replays to the end of SRU00051.log, the
// highest numbered log, and the database becomes clean in the generation
// the engine then starts (0x52).
func TestRecoverMissingCurrentLogSRUM(t *testing.T) {
	dir := testcorpus.CopySet(t, srumDirty, "SRU.log", "SRUtmp.log")
	res, err, b := recoverDir(t, dir, "SRUDB.dat", Switches{})
	if !errors.Is(err, ese.ErrMissingLogFile) || !errors.Is(err, ese.ErrMissingLog) || res == nil || res.Error != ese.ErrMissingLogFile || b != nil {
		t.Fatalf("without the switch: %v (written %d bytes)", err, len(b))
	}
	if !strings.Contains(res.Message, "SRU.log") || !strings.Contains(res.Message, "SRU00051.log") {
		t.Errorf("message: %s", res.Message)
	}
	res, err, b = recoverDir(t, dir, "SRUDB.dat", Switches{AllowMissingCurrentLog: true, IgnoreLostLogs: true})
	if err != nil {
		t.Fatal(err)
	}
	d := res.Databases[0]
	if len(res.LogsReplayed) != 1 || res.LogsReplayed[0] != "SRU00051.log" || d.StateAfter != "CleanShutdown" || d.ConsistentPos.Generation != 0x52 {
		t.Errorf("replayed %v, database %+v", res.LogsReplayed, d)
	}
	if h, err := ese.DecodeDBHeader(b); err != nil || h.State != ese.DBStateCleanShutdown || h.ConsistentPos != d.ConsistentPos {
		t.Errorf("output header %v %+v", err, h)
	}
	if !hasEventWith(res.Events, EventSwitch, 0, "generation 0x51, the highest numbered log") {
		t.Errorf("no switch event: %+v", res.Events)
	}
}

// TestRecoverWithoutUndoThenRestSRUM: recovery without undo of the dirty
// SRUM set with only the logs up to SRU00051.log leaves the database
// dirty, its header's required and committed generations at 0x51 (with
// SRU00051.log's creation time); a second recovery of that output with
// all the logs gives the same bytes as one recovery over all the logs.
func TestRecoverWithoutUndoThenRestSRUM(t *testing.T) {
	full := testcorpus.CopySet(t, srumDirty)
	_, err, want := recoverDir(t, full, "SRUDB.dat", Switches{})
	if err != nil {
		t.Fatal(err)
	}

	part := testcorpus.CopySet(t, srumDirty, "SRU.log", "SRUtmp.log")
	res, err, mid := recoverDir(t, part, "SRUDB.dat", Switches{WithoutUndo: true})
	if err != nil {
		t.Fatal(err)
	}
	if !hasEventWith(res.Events, EventEnd, ese.ErrRecoveredWithoutUndo, "0x51") || res.Databases[0].StateAfter != "DirtyShutdown" {
		t.Errorf("first run: %s %+v", res.Message, res.Databases[0])
	}
	h, err := ese.DecodeDBHeader(mid)
	if err != nil {
		t.Fatal(err)
	}
	orig := readHeader(t, filepath.Join(part, "SRUDB.dat"))
	if h.State != ese.DBStateDirtyShutdown || h.GenMinRequired != orig.GenMinRequired || h.GenMaxRequired != 0x51 || h.GenMaxCommitted != 0x51 ||
		h.GenMaxCreateTime != orig.GenMaxCreateTime || h.ConsistentPos != orig.ConsistentPos {
		t.Errorf("first run header: %v min %d max %d committed %d time %v consistent %v", h.State, h.GenMinRequired, h.GenMaxRequired, h.GenMaxCommitted, h.GenMaxCreateTime, h.ConsistentPos)
	}

	rest := testcorpus.CopySet(t, srumDirty)
	if err := os.WriteFile(filepath.Join(rest, "SRUDB.dat"), mid, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err, got := recoverDir(t, rest, "SRUDB.dat", Switches{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("without undo then the rest differs from one run over all the logs")
	}
}

// TestRecoverWithoutUndoSteady is the generated-set version: a steady
// log over large.edb ending with three transactions open. Without undo
// every update is redone and nothing is rolled back; the database stays
// dirty with lGenMaxRequired/lGenMaxCommitted at the log's generation and
// its creation time, and the pages the open transactions changed keep
// their input image (the engine cannot write them during redo).
// Recovering that output again with the log redoes those pages, rolls the
// three transactions back and gives the bytes of one ordinary recovery.
func TestRecoverWithoutUndoSteady(t *testing.T) {
	spec := steadylog.Spec{DB: "dissect-esedb-testdbs/large.edb", Gen: 0x21, Sectors: 24, HotPages: 24, Sessions: 4, Seed: 5, OpenTail: 3, OpenGap: 2}
	sl := steadylog.Build(t, spec)
	dir := t.TempDir()
	dbPath := steadylog.WriteSet(t, dir, spec, sl)
	name := filepath.Base(spec.DB)
	run := func(dbDir string, sw Switches) (*RecoverResult, []byte) {
		t.Helper()
		plan, err := PlanSoftDir(context.Background(), dir, []string{filepath.Join(dbDir, name)}, CheckpointSource{}, &Options{Switches: sw})
		if err != nil || plan.Error != 0 {
			t.Fatalf("plan: %v %s", err, plan.Message)
		}
		out := t.TempDir()
		res, err := Recover(context.Background(), plan, &RecoverOptions{OutDir: out, Switches: sw})
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		return res, b
	}
	one, want := run(filepath.Dir(dbPath), Switches{})
	if one.Databases[0].TransactionsRolledBack != 3 {
		t.Fatalf("one run rolled back %d transactions, want 3", one.Databases[0].TransactionsRolledBack)
	}

	res, mid := run(filepath.Dir(dbPath), Switches{WithoutUndo: true})
	d := res.Databases[0]
	if d.StateAfter != "DirtyShutdown" || d.TransactionsRolledBack != 0 || d.RecordsRedone != int64(sl.PageRecords) {
		t.Errorf("without undo: %+v", d)
	}
	if !hasEventWith(res.Events, EventEnd, ese.ErrRecoveredWithoutUndo, "3 open transaction(s)") {
		t.Errorf("no -579 event: %+v", res.Events)
	}
	h, err := ese.DecodeDBHeader(mid)
	if err != nil {
		t.Fatal(err)
	}
	if h.State != ese.DBStateDirtyShutdown || h.GenMaxRequired != spec.Gen || h.GenMaxCommitted != spec.Gen || h.GenMaxCreateTime.IsZero() {
		t.Errorf("without undo header: %v max %d committed %d created %v", h.State, h.GenMaxRequired, h.GenMaxCommitted, h.GenMaxCreateTime)
	}
	if bytes.Equal(mid[2*h.EffectivePageSize():], sl.DB[2*h.EffectivePageSize():]) {
		t.Error("without undo wrote no page")
	}

	midDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(midDir, name), mid, 0o644); err != nil {
		t.Fatal(err)
	}
	again, got := run(midDir, Switches{})
	// The pages the open transactions changed were left as they were, so
	// the second run redoes their records, and only theirs.
	if r := again.Databases[0].RecordsRedone; again.Databases[0].TransactionsRolledBack != 3 || r == 0 || r >= int64(sl.PageRecords) {
		t.Errorf("second run: %+v", again.Databases[0])
	}
	if !bytes.Equal(got, want) {
		t.Error("without undo then again differs from one run")
	}
}

// TestRecoverMissingCurrentLogSteady is the generated-set version of the
// missing current log: the steady log stored under its archived name
// edb00021.log is refused (-528, missing edb.log) and, allowed, replayed
// whole; the database becomes clean in generation 0x22 with every update.
func TestRecoverMissingCurrentLogSteady(t *testing.T) {
	spec := steadylog.Spec{DB: "dissect-esedb-testdbs/large.edb", Gen: 0x21, Sectors: 24, HotPages: 24, Sessions: 4, Seed: 6}
	sl := steadylog.Build(t, spec)
	dir := t.TempDir()
	dbPath := steadylog.WriteSet(t, dir, spec, sl)
	if err := os.Rename(filepath.Join(dir, "edb.log"), filepath.Join(dir, "edb00021.log")); err != nil {
		t.Fatal(err)
	}
	plan, err := PlanSoftDir(context.Background(), dir, []string{dbPath}, CheckpointSource{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Error != ese.ErrMissingLogFile || plan.MissingLogs != "edb.log" || !errors.Is(plan.Err(), ese.ErrMissingLog) {
		t.Fatalf("plan: %d %q %s", plan.Error, plan.MissingLogs, plan.Message)
	}
	sw := Switches{AllowMissingCurrentLog: true}
	plan, err = PlanSoftDir(context.Background(), dir, []string{dbPath}, CheckpointSource{}, &Options{Switches: sw})
	if err != nil || plan.Error != 0 || len(plan.Logs) != 1 || plan.Logs[0].File != "edb00021.log" {
		t.Fatalf("allowed plan: %v %+v", err, plan)
	}
	res, err := Recover(context.Background(), plan, &RecoverOptions{OutDir: t.TempDir(), Switches: sw})
	if err != nil {
		t.Fatal(err)
	}
	d := res.Databases[0]
	if d.StateAfter != "CleanShutdown" || d.RecordsRedone != int64(sl.PageRecords) || d.ConsistentPos.Generation != 0x22 {
		t.Errorf("result %+v", d)
	}
}

// TestRecoverIgnoreMissingDB: appdata/edb0000D.log attaches, at
// (0xD,7A,268), a database that is not given and leaves it attached: the
// engine stops with -1216 at the end of redo, unless missing databases
// are ignored (TestRecoverCreatesSecondDatabaseOfForeignLog recovers the
// same log with the switch).
func TestRecoverIgnoreMissingDB(t *testing.T) {
	in := logOnly(t, "appdata/edb0000D.log", "edb.log")
	plan, err := PlanSoftDir(context.Background(), in, nil, CheckpointSource{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The plan predicts it.
	if plan.Error != ese.ErrAttachedDatabaseMismatch || !strings.Contains(plan.Message, `CacheStorage\CacheStorage.edb attached (attached at (0xD,7A,268))`) {
		t.Errorf("plan: %d %s", plan.Error, plan.Message)
	}
	res, err := Recover(context.Background(), plan, &RecoverOptions{OutDir: t.TempDir()})
	if !errors.Is(err, ese.ErrAttachedDatabaseMismatch) || res.Error != ese.ErrAttachedDatabaseMismatch ||
		!strings.Contains(res.Message, `Microsoft.Windows.Search_cw5n1h2txyewy\AppData\CacheStorage\CacheStorage.edb`) {
		t.Fatalf("without the switch: %v", err)
	}
	sw := Switches{IgnoreMissingDB: true}
	plan, err = PlanSoftDir(context.Background(), in, nil, CheckpointSource{}, &Options{Switches: sw})
	if err != nil {
		t.Fatal(err)
	}
	if hasEventWith(plan.Events, EventSkipped, ese.ErrAttachedDatabaseMismatch, "") || !hasEventWith(plan.Events, EventSkipped, 0, "JET_bitReplayIgnoreMissingDB") {
		t.Errorf("plan events: %+v", plan.Events)
	}
	res, err = Recover(context.Background(), plan, &RecoverOptions{OutDir: t.TempDir(), Switches: sw})
	if err != nil || !hasEventWith(res.Events, EventSkipped, 0, "(0xD,7A,268)") {
		t.Errorf("with the switch: %v %+v", err, res.Events)
	}
}

// TestRecoverAllowBackup: the Windows Live Mail backup copy is refused by
// soft recovery (-544) and, with JET_bitAllowSoftRecoveryOnBackup (and a
// missing current log allowed: the set has only edb00001.log), recovered
// from its log to CleanShutdown with its current-backup information
// cleared.
func TestRecoverAllowBackup(t *testing.T) {
	dir := testcorpus.CopySet(t, "wlm-danyquenneville-backup")
	res, err, _ := recoverDir(t, dir, "WindowsMail.MSMessageStore", Switches{AllowMissingCurrentLog: true})
	if !errors.Is(err, ese.ErrSoftRecoveryOnBackupDatabase) || res.Error != ese.ErrSoftRecoveryOnBackupDatabase {
		t.Fatalf("without the switch: %v", err)
	}
	res, err, b := recoverDir(t, dir, "WindowsMail.MSMessageStore", Switches{AllowMissingCurrentLog: true, AllowBackup: true})
	if err != nil {
		t.Fatal(err)
	}
	h, err := ese.DecodeDBHeader(b)
	if err != nil || h.State != ese.DBStateCleanShutdown || h.IsBackupCopy() || res.Databases[0].LogsReplayed != 1 {
		t.Errorf("output: %v %+v", err, res.Databases[0])
	}
	if !hasEventWith(res.Events, EventSwitch, 0, "JET_bitAllowSoftRecoveryOnBackup") {
		t.Errorf("no switch event: %+v", res.Events)
	}
	// The trailer page (the last page) was merged and zeroed, as the
	// engine does at attach (ErrDBUpdateHeaderFromTrailer).
	in := testcorpus.Read(t, "wlm-danyquenneville-backup/WindowsMail.MSMessageStore")
	ps := h.EffectivePageSize()
	tr, err := esepatch.ReadTrailer(bytes.NewReader(in), int64(len(in)), ps)
	if err != nil || tr.Header.Backup.GenHigh == 0 {
		t.Fatalf("input trailer: %v", err)
	}
	if len(b) != len(in) || !bin.IsZero(b[len(b)-ps:]) {
		t.Errorf("output of %d bytes (input %d): the trailer page is not zeroed", len(b), len(in))
	}
	// Without undo implies allowing both, as in the engine; the output
	// keeps its backup range, now with the trailer's GenHigh, so its soft
	// recovery needs no switch for the backup any more.
	_, err, b = recoverDir(t, dir, "WindowsMail.MSMessageStore", Switches{WithoutUndo: true})
	if err != nil {
		t.Fatalf("without undo: %v", err)
	}
	h, err = ese.DecodeDBHeader(b)
	if err != nil || h.CurFullBackup.GenHigh != tr.Header.Backup.GenHigh || !bin.IsZero(b[len(b)-ps:]) {
		t.Fatalf("without undo: %v GenHigh %d, trailer's %d", err, h.CurFullBackup.GenHigh, tr.Header.Backup.GenHigh)
	}
	if err := os.WriteFile(filepath.Join(dir, "WindowsMail.MSMessageStore"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err, _ := recoverDir(t, dir, "WindowsMail.MSMessageStore", Switches{AllowMissingCurrentLog: true}); err != nil {
		t.Errorf("the without-undo output: %v", err)
	}
}

// TestHardRecoveryRefusesSwitches: a restore takes no recovery grbits;
// ignoring lost logs and recovery without undo are refused with -1003,
// the others change nothing.
func TestHardRecoveryRefusesSwitches(t *testing.T) {
	dir := testcorpus.Path(t, "wlm-danyquenneville-backup")
	in := HardInput{Restore: os.DirFS(dir), Databases: []DatabaseFile{{Name: "WindowsMail.MSMessageStore", R: bytes.NewReader(testcorpus.Read(t, "wlm-danyquenneville-backup/WindowsMail.MSMessageStore"))}}}
	for _, sw := range []Switches{{IgnoreLostLogs: true}, {WithoutUndo: true}} {
		p, err := PlanHard(context.Background(), in, &Options{Switches: sw})
		if err != nil || p.Error != ese.ErrInvalidParameter {
			t.Errorf("%v: plan %v %d %s", sw, err, p.Error, p.Message)
		}
	}
	p, err := PlanHard(context.Background(), in, &Options{Switches: Switches{IgnoreMissingDB: true, AllowMissingCurrentLog: true}})
	if err != nil || p.Error != 0 {
		t.Fatalf("accepted switches: %v %d %s", err, p.Error, p.Message)
	}
	_, err = Restore(context.Background(), p, &RestoreOptions{RecoverOptions: RecoverOptions{OutDir: t.TempDir(), Switches: Switches{WithoutUndo: true}}})
	if !errors.Is(err, ese.ErrInvalidParameter) {
		t.Errorf("restore without undo: %v", err)
	}
}

// TestPlanGapSRUM: the plan of the dirty SRUM set with SRU00050.log
// removed and no checkpoint stops with the engine's -515, names the
// missing log, gives the move-aside remedy, and its error, like
// Recover's, matches ese.ErrMissingLog.
func TestPlanGapSRUM(t *testing.T) {
	dir := testcorpus.CopySet(t, srumDirty, "SRU00050.log", "SRU.chk")
	db := filepath.Join(dir, "SRUDB.dat")
	plan, err := PlanSoftDir(context.Background(), dir, []string{db}, CheckpointSource{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Error != ese.ErrInvalidLogSequence || plan.MissingLogs != "SRU00050.log" || !strings.Contains(plan.Message, "SRU00050.log") ||
		!strings.Contains(plan.Remedy, "moving SRU0004E.log through SRU0004F.log (the logs below the gap) aside is enough") {
		t.Fatalf("plan: %d %q %s; remedy %s", plan.Error, plan.MissingLogs, plan.Message, plan.Remedy)
	}
	if e := plan.Err(); !errors.Is(e, ese.ErrMissingLog) || !errors.Is(e, ese.ErrInvalidLogSequence) {
		t.Errorf("plan.Err: %v", e)
	}
	_, err = Recover(context.Background(), plan, &RecoverOptions{OutDir: t.TempDir()})
	if !errors.Is(err, ese.ErrMissingLog) || !errors.Is(err, ese.ErrInvalidLogSequence) {
		t.Errorf("Recover: %v", err)
	}
}

// TestRecoverIgnoreLostLogsSteady: a generated set whose database header
// claims committed data two generations past the log (lGenMaxCommitted
// 0x23, the log is 0x21) fails with -582; ignoring lost logs it is
// recovered clean with event 524's warning naming the two lost logs.
func TestRecoverIgnoreLostLogsSteady(t *testing.T) {
	spec := steadylog.Spec{DB: "dissect-esedb-testdbs/large.edb", Gen: 0x21, Sectors: 24, HotPages: 16, Sessions: 2, Seed: 7}
	sl := steadylog.Build(t, spec)
	h, err := ese.DecodeDBHeader(sl.DB)
	if err != nil {
		t.Fatal(err)
	}
	h.GenMaxCommitted = spec.Gen + 2
	ps := h.EffectivePageSize()
	enc := h.Encode(ps)
	copy(sl.DB, enc)
	copy(sl.DB[ps:], enc)
	dir := t.TempDir()
	dbPath := steadylog.WriteSet(t, dir, spec, sl)
	plan, err := PlanSoftDir(context.Background(), dir, []string{dbPath}, CheckpointSource{}, nil)
	if err != nil || plan.Error != ese.ErrCommittedLogFilesMissing {
		t.Fatalf("plan without the switch: %v %d %s", err, plan.Error, plan.Message)
	}
	sw := Switches{IgnoreLostLogs: true}
	plan, err = PlanSoftDir(context.Background(), dir, []string{dbPath}, CheckpointSource{}, &Options{Switches: sw})
	if err != nil || plan.Error != 0 || !hasEventWith(plan.Events, EventSwitch, 0, "585") {
		t.Fatalf("plan with the switch: %v %d %s", err, plan.Error, plan.Message)
	}
	// The replay makes the same check at its end.
	_, err = Recover(context.Background(), plan, &RecoverOptions{OutDir: t.TempDir()})
	if !errors.Is(err, ese.ErrCommittedLogFilesMissing) {
		t.Errorf("recover without the switch: %v", err)
	}
	res, err := Recover(context.Background(), plan, &RecoverOptions{OutDir: t.TempDir(), Switches: sw})
	if err != nil || res.Databases[0].StateAfter != "CleanShutdown" || !hasEventWith(res.Events, EventDatabase, 0, "lost 2 committed log file(s) (generations 0x22-0x23)") {
		t.Errorf("recover with the switch: %v %+v", err, res)
	}
}

// TestRecoverWithoutUndoConsistentSteady: a generated log that ends with
// a shutdown mark and Term2 leaves the database clean during redo, so
// recovery without undo has nothing to undo: -584, and the output is the
// one an ordinary recovery writes.
func TestRecoverWithoutUndoConsistentSteady(t *testing.T) {
	spec := steadylog.Spec{DB: "dissect-esedb-testdbs/large.edb", Gen: 0x7, Sectors: 24, HotPages: 16, Sessions: 3, Term: true, Seed: 8}
	sl := steadylog.Build(t, spec)
	dir := t.TempDir()
	dbPath := steadylog.WriteSet(t, dir, spec, sl)
	plan := planSteadySet(t, dir, dbPath)
	outA, outB := t.TempDir(), t.TempDir()
	if _, err := Recover(context.Background(), plan, &RecoverOptions{OutDir: outA}); err != nil {
		t.Fatal(err)
	}
	res, err := Recover(context.Background(), plan, &RecoverOptions{OutDir: outB, Switches: Switches{WithoutUndo: true}})
	if err != nil || !hasEventWith(res.Events, EventEnd, ese.ErrRecoveredWithoutUndoDatabasesConsistent, "no undo was needed") {
		t.Fatalf("%v %+v", err, res)
	}
	a, _ := os.ReadFile(filepath.Join(outA, filepath.Base(spec.DB)))
	b, _ := os.ReadFile(filepath.Join(outB, filepath.Base(spec.DB)))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Error("without undo of a cleanly ended log differs from an ordinary recovery")
	}
}

// TestPlanHardNamesMissingLog: the Windows Live Mail backup set without
// its one log stops hard recovery with -557 naming edb00001.log, and the
// plan's error matches ese.ErrMissingLog.
func TestPlanHardNamesMissingLog(t *testing.T) {
	dir := testcorpus.CopySet(t, "wlm-danyquenneville-backup", "edb00001.log")
	db := filepath.Join(dir, "WindowsMail.MSMessageStore")
	f, err := os.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := PlanHard(context.Background(), HardInput{Restore: os.DirFS(dir), Databases: []DatabaseFile{{Name: db, R: f}}}, nil)
	if err != nil || p.Error != ese.ErrMissingRestoreLogFiles || p.MissingLogs != "edb00001.log" || !strings.Contains(p.Message, "edb00001.log") {
		t.Fatalf("%v %d %q %s", err, p.Error, p.MissingLogs, p.Message)
	}
	if e := p.Err(); !errors.Is(e, ese.ErrMissingLog) || !errors.Is(e, ese.ErrMissingRestoreLogFiles) {
		t.Errorf("plan.Err: %v", e)
	}
}
