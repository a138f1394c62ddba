package recovery

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/dsnet/golib/memfile"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/redo"
	"github.com/esekit/esekit/internal/steadylog"
)

// TestRecoverCrashResumeSteady is TestRecoverCrashResume over a steady
// log (a crash after 0x21's last commit) written for the committed SRUM
// database.
func TestRecoverCrashResumeSteady(t *testing.T) {
	spec := steadylog.Spec{DB: steadySRUM, Gen: 0x21, Sectors: 32, HotPages: 12, Sessions: 3, Seed: 31}
	sl := steadylog.Build(t, spec)
	dir := t.TempDir()
	db := steadylog.WriteSet(t, dir, spec, sl)
	checkCrashResume(t, db, func(db, out string, stopAfter int64, inPlace bool) (*RecoverResult, error) {
		plan := &Plan{Mode: ModeSoft, Start: ese.LogPos{Generation: spec.Gen, Sector: 1},
			Logs:      []PlanLog{{File: "edb.log", Generation: spec.Gen}},
			Databases: []PlanDatabase{{File: db, ReplayFrom: spec.Gen, ReplayTo: spec.Gen, Action: ActionReplay}}}
		o := &RecoverOptions{OutDir: out, InPlace: inPlace, Overwrite: true, stopAfter: stopAfter, CacheBytes: 4 * 4096}
		return Recover(context.Background(), withLogs(plan, os.DirFS(dir)), o)
	}, 1500)
}

// TestRecoverCancelledSteady is TestRecoverCancelled over a steady log
// written for the committed SRUM database.
func TestRecoverCancelledSteady(t *testing.T) {
	spec := steadylog.Spec{DB: steadySRUM, Gen: 0x21, Sectors: 24, HotPages: 12, Sessions: 2, Seed: 33}
	dir := t.TempDir()
	db := steadylog.WriteSet(t, dir, spec, steadylog.Build(t, spec))
	checkRecoverCancelled(t, planSteadySet(t, dir, db), os.DirFS(dir))
}

// TestReplayOverRecoveredDatabaseChangesNothingSteady is
// TestReplayOverRealDatabaseChangesNothing over a steady log written for
// the committed SRUM database: once recovered, the database holds every
// change of the log, so replaying the log's page records over it again
// skips every one and changes no byte.
func TestReplayOverRecoveredDatabaseChangesNothingSteady(t *testing.T) {
	spec := steadylog.Spec{DB: steadySRUM, Gen: 0x21, Sectors: 24, HotPages: 12, Sessions: 3, Seed: 35}
	sl := steadylog.Build(t, spec)
	dir := t.TempDir()
	db := steadylog.WriteSet(t, dir, spec, sl)
	plan, err := PlanSoftDir(context.Background(), dir, []string{db}, CheckpointSource{Find: true}, nil)
	if err != nil || plan.Error != 0 {
		t.Fatal(err, plan.Message)
	}
	out := t.TempDir()
	if _, err := Recover(context.Background(), plan, &RecoverOptions{OutDir: out}); err != nil {
		t.Fatal(err)
	}
	recovered, err := os.ReadFile(filepath.Join(out, filepath.Base(db)))
	if err != nil {
		t.Fatal(err)
	}
	f := memfile.New(bytes.Clone(recovered))
	s, err := redo.NewPageStore(f, 4096, nil)
	if err != nil {
		t.Fatal(err)
	}
	var recs []eselog.Record
	for _, r := range sl.Records(t, eselog.Filter{}) {
		if redo.IsPageRedoRecord(r) {
			recs = append(recs, r)
		}
	}
	changed, skipped := 0, 0
	for _, r := range recs {
		res, err := redo.RedoRecord(s, r, redo.RedoOptions{MayContainFutureData: true})
		if err != nil {
			t.Fatal(err)
		}
		changed += len(res.Pages)
		skipped += len(res.Skipped)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if changed != 0 || !bytes.Equal(f.Bytes(), recovered) || skipped < sl.PageRecords {
		t.Errorf("%d pages changed, %d visits skipped of %d page records", changed, skipped, sl.PageRecords)
	}
}
