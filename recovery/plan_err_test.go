package recovery

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/testcorpus"
)

// Plan.Err wraps the engine code: the dirty SRUM set plans without error;
// the same set without the log its database needs (0x51) stops with an
// engine error that errors.Is can test.
func TestPlanErr(t *testing.T) {
	src := testcorpus.Path(t, "museum-srum-win10-belkasoftctf-insiderthreat-dirty")
	p, err := PlanSoftDir(context.Background(), src, []string{filepath.Join(src, "SRUDB.dat")}, CheckpointSource{Find: true}, nil)
	if err != nil || p.Err() != nil {
		t.Fatalf("dirty SRUM: %v / %v", err, p.Err())
	}
	dir := testcorpus.CopySet(t, "museum-srum-win10-belkasoftctf-insiderthreat-dirty", "SRU00051.log")
	p, err = PlanSoftDir(context.Background(), dir, []string{filepath.Join(dir, "SRUDB.dat")}, CheckpointSource{Find: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	perr := p.Err()
	var code ese.Error
	if perr == nil || !errors.As(perr, &code) || code != p.Error || code == 0 {
		t.Fatalf("Err() = %v for plan error %d", perr, p.Error)
	}
	if !errors.Is(perr, ese.ErrMissingLogFile) {
		t.Errorf("without log 0x51: %v, want -528", perr)
	}
}
