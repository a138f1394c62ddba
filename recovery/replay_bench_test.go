package recovery

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/testcorpus"
)

// benchRecover runs Recover b.N times over a fresh output folder. SetBytes
// is the bytes of log records replayed, so MB/s is "MB of log replayed
// per second"; pages-written/s counts database pages written back.
//
// The machine running the benchmarks is usually shared, so wall time says
// little. The CPU time of the process (user + system, every thread: the
// garbage collector and the kernel's work for our system calls included)
// is measured around each Recover call alone, without the set-up and
// removal of the output folders, and reported as cpu-µs/op and as
// MB-of-log/cpu-s, the "MB/s of log replayed per core".
func benchRecover(b *testing.B, plan func(dir string) (*RecoverOptions, *Plan), sync bool) {
	b.ReportAllocs()
	var pages, logBytes int64
	var cpu, replayCPU time.Duration
	for b.Loop() {
		b.StopTimer()
		out := b.TempDir()
		o, p := plan(out)
		o.OutDir, o.noSync = out, !sync
		var c1 time.Duration
		o.prepared = func() { c1 = processCPU() }
		b.StartTimer()
		c0 := processCPU()
		res, err := Recover(context.Background(), p, o)
		c2 := processCPU()
		cpu += c2 - c0
		if c1 > 0 {
			replayCPU += c2 - c1
		}
		if err != nil {
			b.Fatal(err)
		}
		logBytes = res.LogBytes
		for _, d := range res.Databases {
			pages += d.PagesWritten
		}
		// The output goes at once: kept, the copies of every iteration
		// would fill the page cache with dirty pages, and the kernel's
		// writeback would throttle the later iterations (measured: 24 MiB
		// copies, 60 iterations, 30-40 % more CPU per op).
		b.StopTimer()
		if err := os.RemoveAll(out); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.SetBytes(logBytes)
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages-written/s")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
		b.ReportMetric(float64(logBytes)*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
	if replayCPU > 0 {
		// From the end of the database copies to the end of Recover: the
		// replay, the clean headers and the write-back of the pages.
		b.ReportMetric(float64(logBytes)*float64(b.N)/1e6/replayCPU.Seconds(), "replay-MB/cpu-s")
	}
}

// BenchmarkRecoverIndexedDB: the whole life of IndexedDB.edb replayed by
// Recover from a JustCreated file (788 records redone, 47 pages), copy,
// replay, headers and rename included; fsync skipped (warm cache).
func BenchmarkRecoverIndexedDB(b *testing.B) {
	in := b.TempDir()
	db := justCreated(b, in)
	logs := os.DirFS(testcorpus.Path(b, "appdata"))
	benchRecover(b, func(string) (*RecoverOptions, *Plan) {
		return &RecoverOptions{}, withLogs(indexedDBPlan(db), logs)
	}, false)
}

// BenchmarkRecoverIndexedDBSync is BenchmarkRecoverIndexedDB with the
// fsyncs of a real run.
func BenchmarkRecoverIndexedDBSync(b *testing.B) {
	in := b.TempDir()
	db := justCreated(b, in)
	logs := os.DirFS(testcorpus.Path(b, "appdata"))
	benchRecover(b, func(string) (*RecoverOptions, *Plan) {
		return &RecoverOptions{}, withLogs(indexedDBPlan(db), logs)
	}, true)
}

// BenchmarkRecoverDirtySRUM: soft recovery of the dirty SRUM set (two
// logs, 273 records, every page record gated), planning excluded; fsync
// skipped.
func BenchmarkRecoverDirtySRUM(b *testing.B) {
	dir := testcorpus.Path(b, srumDirty)
	plan, err := PlanSoftDir(context.Background(), dir, []string{filepath.Join(dir, "SRUDB.dat")}, CheckpointSource{Find: true}, nil)
	if err != nil {
		b.Fatal(err)
	}
	benchRecover(b, func(string) (*RecoverOptions, *Plan) {
		return &RecoverOptions{}, plan
	}, false)
}

// BenchmarkReplayUSSLogs: the driver's own cost over two full 3 MiB logs
// (USS00040.jtx and USS00041.jtx, about 110,000 records) whose database
// is not in the set: every record is read, decoded and dispatched
// (sessions, macros, attachments), no page is touched.
func BenchmarkReplayUSSLogs(b *testing.B) {
	logs := os.DirFS(testcorpus.Path(b, "appdata-uss-jtx"))
	plan := &Plan{Mode: ModeSoft, Start: ese.LogPos{Generation: 0x40, Sector: 1},
		Logs:      []PlanLog{{File: "USS00040.jtx", Generation: 0x40}, {File: "USS00041.jtx", Generation: 0x41}},
		Databases: []PlanDatabase{}}
	benchRecover(b, func(string) (*RecoverOptions, *Plan) {
		return &RecoverOptions{}, withLogs(plan, logs)
	}, false)
}

// BenchmarkReplayIndexedDBLogOnly: appdata/edb.log with no database in
// the plan — opening the log (header, tail scan), reading every record
// and dispatching it; the page records are not decoded. With
// BenchmarkRedoIndexedDBFile (the page work of the same log alone) it
// splits BenchmarkRecoverIndexedDB into its log, page and per-recovery
// file costs.
func BenchmarkReplayIndexedDBLogOnly(b *testing.B) {
	logs := os.DirFS(testcorpus.Path(b, "appdata"))
	plan := &Plan{Mode: ModeSoft, Start: ese.LogPos{Generation: 1, Sector: 1},
		Logs: []PlanLog{{File: "edb.log", Generation: 1}}, Databases: []PlanDatabase{}}
	benchRecover(b, func(string) (*RecoverOptions, *Plan) {
		return &RecoverOptions{}, withLogs(plan, logs)
	}, false)
}
