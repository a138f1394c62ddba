//go:build !unix

package recovery

import "time"

// processCPU is not measured on this system: benchmarks report no CPU
// figures.
func processCPU() time.Duration { return 0 }
