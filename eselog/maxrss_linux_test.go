//go:build linux

package eselog_test

import (
	"syscall"
	"testing"
)

// reportMaxRSS reports the process's peak resident size so far
// (getrusage) as the benchmark metric maxRSS-MiB.
func reportMaxRSS(b *testing.B) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "maxRSS-MiB")
	}
}
