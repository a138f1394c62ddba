//go:build !linux

package scalegen

// MaxRSSMiB reports nothing on this platform.
func MaxRSSMiB() (float64, bool) { return 0, false }
