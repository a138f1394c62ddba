package recovery

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/sampleset"
)

// sampleWithoutDatabase writes the SRUM sample without SRUDB.dat into a
// new folder: its logs leave the database attached.
func sampleWithoutDatabase(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := sampleset.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, sampleset.Database)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestPlanPredictsMissingDB: the SRUM sample's logs leave SRUDB.dat
// attached (the set is dirty). Planned without the database, the plan
// says what Recover will: -1216 naming SRUDB.dat's logged path; with
// missing databases ignored it replays, and Recover agrees both times.
func TestPlanPredictsMissingDB(t *testing.T) {
	dir := sampleWithoutDatabase(t)
	plan, err := PlanSoftDir(context.Background(), dir, nil, CheckpointSource{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Error != ese.ErrAttachedDatabaseMismatch || !strings.Contains(plan.Message, `SRUDB.dat attached`) || plan.Remedy == "" {
		t.Fatalf("plan: %d %s", plan.Error, plan.Message)
	}
	if _, err := Recover(context.Background(), plan, &RecoverOptions{OutDir: t.TempDir()}); err == nil {
		t.Error("Recover went ahead")
	}
	sw := Switches{IgnoreMissingDB: true}
	plan, err = PlanSoftDir(context.Background(), dir, nil, CheckpointSource{}, &Options{Switches: sw})
	if err != nil || plan.Error != 0 {
		t.Fatalf("plan with the switch: %v %d %s", err, plan.Error, plan.Message)
	}
	if _, err := Recover(context.Background(), plan, &RecoverOptions{OutDir: t.TempDir(), Switches: sw}); err != nil {
		t.Errorf("Recover with the switch: %v", err)
	}
}

// TestFailedRecoveryRemovesItsEmptyOutDir: a recovery that fails having
// written nothing removes the output folder it created (and the missing
// parent it created with it), but never a folder that was there before.
func TestFailedRecoveryRemovesItsEmptyOutDir(t *testing.T) {
	dir := sampleWithoutDatabase(t)
	plan, err := PlanSoftDir(context.Background(), dir, nil, CheckpointSource{}, nil)
	if err != nil || plan.Error == 0 {
		t.Fatalf("plan: %v %d", err, plan.Error)
	}
	base := t.TempDir()
	out := filepath.Join(base, "new", "out")
	if _, err := Recover(context.Background(), plan, &RecoverOptions{OutDir: out}); err == nil {
		t.Fatal("Recover went ahead")
	}
	if _, err := os.Lstat(filepath.Join(base, "new")); !os.IsNotExist(err) {
		t.Errorf("the created folders are left behind: %v", err)
	}
	existing := filepath.Join(base, "existing")
	if err := os.Mkdir(existing, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Recover(context.Background(), plan, &RecoverOptions{OutDir: existing}); err == nil {
		t.Fatal("Recover went ahead")
	}
	if st, err := os.Stat(existing); err != nil || !st.IsDir() {
		t.Errorf("the existing output folder was removed: %v", err)
	}
}
