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

// TestPlanPredictsMissingDB: the SRUM sample's logs leave SRUDB.dat
// attached (the set is dirty). Planned without the database, the plan
// says what Recover will: -1216 naming SRUDB.dat's logged path; with
// missing databases ignored it replays, and Recover agrees both times.
func TestPlanPredictsMissingDB(t *testing.T) {
	dir, err := sampleset.TempDir()
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Remove(filepath.Join(dir, sampleset.Database)); err != nil {
		t.Fatal(err)
	}
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
