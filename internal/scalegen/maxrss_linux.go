package scalegen

import "syscall"

// MaxRSSMiB returns the process's peak resident size so far in MiB
// (getrusage), and false where the platform does not report it.
func MaxRSSMiB() (float64, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, false
	}
	return float64(ru.Maxrss) / 1024, true // Linux reports KiB
}
