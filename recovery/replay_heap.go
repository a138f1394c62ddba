package recovery

import (
	"runtime"
	"runtime/metrics"
)

// heapSlack is the garbage a replay may leave uncollected, in bytes.
const heapSlack = 32 << 20

// heapGuard keeps a replay's uncollected garbage near heapSlack. Go's
// collector starts a cycle when the heap has grown by about as much as the
// last cycle found live (GOGC=100), and a recovery's page cache is most of
// what is live: without help, a replay that reads logs through a 256 MiB
// cache holds up to about 512 MiB. Between logs, when more than heapSlack
// bytes were allocated since the last collection, the guard runs one.
// The cache's page buffers hold no pointers, so a collection costs little
// whatever the cache's size.
type heapGuard struct {
	samples    [2]metrics.Sample
	lastAlloc  uint64 // allocated bytes at the last collection seen
	lastCycles uint64
}

func newHeapGuard() *heapGuard {
	g := &heapGuard{}
	g.samples[0].Name = "/gc/heap/allocs:bytes"
	g.samples[1].Name = "/gc/cycles/total:gc-cycles"
	g.read()
	return g
}

// read samples the counters and reports whether both are known.
func (g *heapGuard) read() (alloc, cycles uint64, ok bool) {
	metrics.Read(g.samples[:])
	if g.samples[0].Value.Kind() != metrics.KindUint64 || g.samples[1].Value.Kind() != metrics.KindUint64 {
		return 0, 0, false
	}
	return g.samples[0].Value.Uint64(), g.samples[1].Value.Uint64(), true
}

// check collects when more than heapSlack bytes were allocated since the
// last collection (its own or the runtime's).
func (g *heapGuard) check() {
	alloc, cycles, ok := g.read()
	if !ok {
		return
	}
	if cycles != g.lastCycles {
		g.lastAlloc, g.lastCycles = alloc, cycles
	}
	if alloc-g.lastAlloc <= heapSlack {
		return
	}
	runtime.GC()
	if alloc, cycles, ok := g.read(); ok {
		g.lastAlloc, g.lastCycles = alloc, cycles
	}
}
