package testset

import (
	"testing"

	"github.com/esekit/esekit/internal/sampleset"
)

// SampleBackup returns sampleset's online backup set of the SRUM sample
// (no corpus needed), failing tb when it cannot be built.
func SampleBackup(tb testing.TB) *sampleset.Backup {
	tb.Helper()
	b, err := sampleset.NewBackup()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
