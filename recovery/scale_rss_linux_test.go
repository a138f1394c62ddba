//go:build linux

package recovery

import "syscall"

// processMaxRSS returns the largest resident set the process has had, in
// bytes (getrusage's ru_maxrss, KiB on Linux), 0 when unknown.
func processMaxRSS() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Maxrss << 10
}
