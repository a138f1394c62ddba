package recovery

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/esekit/esekit/internal/redo"
	"github.com/esekit/esekit/internal/scalegen"
)

// smallScaleSpec is the set TestRecoverScaleSmall generates: large.edb
// (24 MiB) grown to 32 MiB, 2 MiB of records in 512 KiB logs.
func smallScaleSpec() scaleSpec {
	return scaleSpec{DB: "dissect-esedb-testdbs/large.edb", FilePages: 1024, LogBytes: 2 << 20, Sectors: 128,
		Gen: 0x30, Window: 48, ColdPermille: 50, Seed: 3}
}

// TestRecoverScaleSmall generates a small scale set (large.edb grown to
// 32 MiB, 1,024 pages, about 2 MiB of records in five 512 KiB
// generations, updates sweeping every table leaf) and recovers it through
// a 16-page cache (512 KiB): every record is redone and none skipped,
// every generation replayed, the cache never holds more than its budget,
// pages are written back under eviction (more page writes than pages
// touched), and every candidate page holds the last dbtime and node
// bytes the logs gave it (the untouched ones their own).
func TestRecoverScaleSmall(t *testing.T) {
	dir := t.TempDir()
	spec := smallScaleSpec()
	set := writeScaleSet(t, dir, spec)
	if set.Logs < 4 || set.RecordBytes < spec.LogBytes || set.Touched < set.Candidates/2 {
		t.Fatalf("generated %d logs, %d bytes of records, %d of %d candidate pages touched", set.Logs, set.RecordBytes, set.Touched, set.Candidates)
	}
	if got := readScaleSet(t, dir); got.PageRecords != set.PageRecords || len(got.Sample) != set.Candidates {
		t.Fatalf("manifest: %d page records, %d sampled pages; generated %d, %d candidates", got.PageRecords, len(got.Sample), set.PageRecords, set.Candidates)
	}
	dbPath := filepath.Join(dir, set.DB)
	plan := planSteadySet(t, dir, dbPath)
	out := t.TempDir()
	const budget = 16 * 32768
	cache := redo.NewPageCache(budget)
	res, err := Recover(context.Background(), plan, &RecoverOptions{OutDir: out, CacheBytes: budget, pageCache: cache})
	if err != nil {
		t.Fatal(err)
	}
	d := res.Databases[0]
	if d.StateAfter != "CleanShutdown" || d.RecordsRedone != set.PageRecords || d.RecordsSkipped != 0 || d.LogsReplayed != set.Logs {
		t.Errorf("result %+v; want %d records redone over %d logs", d, set.PageRecords, set.Logs)
	}
	if res.LogBytes != set.RecordBytes || res.Records != set.Records {
		t.Errorf("replayed %d records of %d bytes, generated %d of %d", res.Records, res.LogBytes, set.Records, set.RecordBytes)
	}
	if cache.Peak() > budget || cache.Peak() < budget-32768 {
		t.Errorf("cache peak %d bytes, budget %d", cache.Peak(), budget)
	}
	if d.PagesWritten <= int64(set.Touched) {
		t.Errorf("%d pages written for %d touched: nothing written back under eviction", d.PagesWritten, set.Touched)
	}
	checkScaleOutput(t, filepath.Join(out, set.DB), set)
	t.Logf("%d logs, %d records, %d page records, %d of %d pages touched, %d written, peak %d", set.Logs, set.Records, set.PageRecords, set.Touched, set.Candidates, d.PagesWritten, cache.Peak())
}

// scaleEnv is the folder of the scale set (ESEKIT_SCALE_DIR); tests and
// benchmarks that use it skip without it.
func scaleEnv(tb testing.TB) string {
	dir := os.Getenv("ESEKIT_SCALE_DIR")
	if dir == "" {
		tb.Skip("ESEKIT_SCALE_DIR is not set")
	}
	return dir
}

// envInt reads a positive integer from the environment, or def.
func envInt(tb testing.TB, name string, def int64) int64 {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		tb.Fatalf("%s=%q is not a positive integer", name, v)
	}
	return n
}

// TestGenerateScaleSet writes the scale set BenchmarkRecoverScale
// replays into ESEKIT_SCALE_DIR (created; it must not hold a set yet):
// large.edb grown to ESEKIT_SCALE_DB_MIB (default 4,096 MiB plus the
// header pages) and ESEKIT_SCALE_LOG_MIB of records (default 1,024) in
// 5 MiB logs; updates sweep a window of ESEKIT_SCALE_WINDOW pages (default
// 2,048, 64 MiB) over every table leaf page,
// 1 update in 1,000 on a page drawn from the whole file; the final state
// of 256 pages drawn at random is recorded.
func TestGenerateScaleSet(t *testing.T) {
	dir := scaleEnv(t)
	if _, err := os.Stat(filepath.Join(dir, scaleManifest)); err == nil {
		t.Skip("the set exists")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	spec := scaleSpec{DB: "dissect-esedb-testdbs/large.edb",
		FilePages: int(envInt(t, "ESEKIT_SCALE_DB_MIB", 4096)*32 + 2), LogBytes: envInt(t, "ESEKIT_SCALE_LOG_MIB", 1024) << 20,
		Sectors: 1280, Gen: 0x100, Window: int(envInt(t, "ESEKIT_SCALE_WINDOW", 2048)), ColdPermille: 1, Sample: 256, Seed: 11}
	start := time.Now()
	set := writeScaleSet(t, dir, spec)
	t.Logf("database %d bytes (%d pages), %d logs, %d records (%d bytes), %d page records on %d of %d candidate pages; %v",
		set.Bytes, spec.FilePages, set.Logs, set.Records, set.RecordBytes, set.PageRecords, set.Touched, set.Candidates, time.Since(start))
}

// BenchmarkRecoverScale recovers the set in ESEKIT_SCALE_DIR (written by
// TestGenerateScaleSet) with a cache of ESEKIT_SCALE_CACHE_MIB (default
// 256), fsync skipped, into ESEKIT_SCALE_DIR/out (removed after each
// iteration), and checks the sampled pages. Run it with -benchtime=1x in
// a process of its own: max-rss-MiB is the process's peak resident set
// (getrusage), planning included. CPU is getrusage user+system around
// Recover; replay-MB/cpu-s leaves the database copy out.
func BenchmarkRecoverScale(b *testing.B) {
	dir := scaleEnv(b)
	set := readScaleSet(b, dir)
	budget := envInt(b, "ESEKIT_SCALE_CACHE_MIB", 256) << 20
	dbPath := filepath.Join(dir, set.DB)
	c0, w0 := processCPU(), time.Now()
	plan, err := PlanSoftDir(context.Background(), dir, []string{dbPath}, CheckpointSource{Find: true}, nil)
	if err != nil || plan.Error != 0 || len(plan.Databases) != 1 || plan.Databases[0].Action != ActionReplay {
		b.Fatalf("plan: %v %+v", err, plan)
	}
	rss, _ := scalegen.MaxRSSMiB()
	b.Logf("plan: %.1f cpu-s, %.1f s, max RSS so far %.0f MiB", (processCPU() - c0).Seconds(), time.Since(w0).Seconds(), rss)
	out := filepath.Join(dir, "out")
	for b.Loop() {
		cache := redo.NewPageCache(budget)
		var c1 time.Duration
		c0, w0 := processCPU(), time.Now()
		res, err := Recover(context.Background(), plan, &RecoverOptions{OutDir: out, CacheBytes: budget, pageCache: cache, noSync: true,
			prepared: func() { c1 = processCPU() }})
		cpu, wall := processCPU()-c0, time.Since(w0)
		if err != nil {
			b.Fatal(err)
		}
		d := res.Databases[0]
		if d.RecordsRedone != set.PageRecords || d.RecordsSkipped != 0 || res.LogBytes != set.RecordBytes {
			b.Fatalf("result %+v, %d log bytes; want %d records redone, %d bytes", d, res.LogBytes, set.PageRecords, set.RecordBytes)
		}
		b.StopTimer()
		checkScaleOutput(b, filepath.Join(out, set.DB), set)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.Logf("heap: sys %d MiB, in use %d MiB, total allocated %d MiB, %d GCs", ms.HeapSys>>20, ms.HeapInuse>>20, ms.TotalAlloc>>20, ms.NumGC)
		load, _ := os.ReadFile("/proc/loadavg")
		mb := float64(res.LogBytes) / 1e6
		rss, _ := scalegen.MaxRSSMiB()
		b.Logf("%d logs, %.1f MB of records, database %.2f GiB, cache %d MiB: %.1f cpu-s (replay %.1f), %.1f s wall, %.0f MB/cpu-s (replay %.0f), max RSS %.0f MiB, cache peak %d MiB, %d pages written; load %s",
			len(res.LogsReplayed), mb, float64(set.Bytes)/(1<<30), budget>>20, cpu.Seconds(), (c0 + cpu - c1).Seconds(), wall.Seconds(),
			mb/cpu.Seconds(), mb/(c0+cpu-c1).Seconds(), rss, cache.Peak()>>20, d.PagesWritten, strings.TrimSpace(string(load)))
		b.ReportMetric(mb/cpu.Seconds(), "MB/cpu-s")
		b.ReportMetric(mb/(c0+cpu-c1).Seconds(), "replay-MB/cpu-s")
		b.ReportMetric(cpu.Seconds(), "cpu-s/op")
		b.ReportMetric(rss, "max-rss-MiB")
		b.ReportMetric(float64(cache.Peak()>>20), "cache-peak-MiB")
		if err := os.RemoveAll(out); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
