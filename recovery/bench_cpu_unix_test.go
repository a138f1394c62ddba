//go:build unix

package recovery

import (
	"syscall"
	"time"
)

// processCPU returns the user plus system CPU time the process has used
// so far, every thread included (the garbage collector's workers and the
// kernel's work for our system calls too).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
