//go:build !linux

package recovery

// processMaxRSS is not measured on this system.
func processMaxRSS() int64 { return 0 }
