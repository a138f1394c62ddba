package recovery

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dsnet/golib/memfile"
	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/redo"
	"github.com/esekit/esekit/internal/testcorpus"
)

// cpuMeter sums the process CPU time of the timed parts of a benchmark
// (see benchRecover) and reports it per op and as MB per CPU-second.
type cpuMeter struct {
	total time.Duration
	start time.Duration
}

func (m *cpuMeter) begin() { m.start = processCPU() }
func (m *cpuMeter) end()   { m.total += processCPU() - m.start }

func (m *cpuMeter) report(b *testing.B, bytesPerOp int64) {
	if m.total <= 0 {
		return
	}
	b.ReportMetric(float64(m.total.Microseconds())/float64(b.N), "cpu-µs/op")
	b.ReportMetric(float64(bytesPerOp)*float64(b.N)/1e6/m.total.Seconds(), "MB/cpu-s")
}

// indexedDBRecords decodes the page records of database 1 of
// appdata/edb.log and returns them with the bytes of every record of the
// log (what a replay reads).
func indexedDBRecords(b *testing.B) ([]eselog.Record, int64) {
	raw := testcorpus.Read(b, "appdata/edb.log")
	lg, err := eselog.Open(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		b.Fatal(err)
	}
	var logBytes int64
	var recs []eselog.Record
	rd := lg.NewReader(context.Background(), eselog.Filter{})
	for {
		rr, err := rd.NextRaw()
		if err != nil {
			break
		}
		logBytes += int64(len(rr.Bytes))
		r, err := eselog.DecodeRecord(append([]byte{}, rr.Bytes...), rr.Pos)
		if err != nil {
			b.Fatal(err)
		}
		if d, ok := r.(eselog.DatabaseRecord); ok && d.DBID() == 1 && redo.IsPageRedoRecord(r) {
			recs = append(recs, r)
		}
	}
	return recs, logBytes
}

// benchRedoFile redoes the page records of appdata/edb.log through a page
// store over a real file that holds only the two header pages, as the
// file recovery replays a CreateDB into: ExtendDB grows it, every page is
// formatted from the log, and Flush writes the 47 used pages back with
// checksums. File creation and removal are outside the timed part.
func benchRedoFile(b *testing.B, cacheBytes int64) {
	const ps = 32768
	recs, logBytes := indexedDBRecords(b)
	dir := b.TempDir()
	b.SetBytes(logBytes)
	b.ReportAllocs()
	var m cpuMeter
	var pages int64
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(dir, "IndexedDB.edb")
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			b.Fatal(err)
		}
		if err := f.Truncate(2 * ps); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		m.begin()
		s, err := redo.NewPageStore(redo.NoSync(f), ps, &redo.PageStoreOptions{CacheBytes: cacheBytes})
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range recs {
			if _, err := redo.RedoRecord(s, r, redo.RedoOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.Flush(); err != nil {
			b.Fatal(err)
		}
		m.end()
		b.StopTimer()
		pages += s.Stats().Writes
		f.Close()
		os.Remove(path)
		b.StartTimer()
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages-written/s")
	m.report(b, logBytes)
}

// BenchmarkRedoIndexedDBFile: the page work of a replay alone (records
// decoded beforehand), on a real file with the default cache.
func BenchmarkRedoIndexedDBFile(b *testing.B) { benchRedoFile(b, 0) }

// BenchmarkRedoIndexedDBFileSmallCache: the same through a 16-page cache
// (512 KiB for 47 used pages): evictions write pages back one at a time
// and read them again.
func BenchmarkRedoIndexedDBFileSmallCache(b *testing.B) { benchRedoFile(b, 1) }

// BenchmarkRecoverIndexedDBSmallCache is BenchmarkRecoverIndexedDB with a
// 16-page cache.
func BenchmarkRecoverIndexedDBSmallCache(b *testing.B) {
	in := b.TempDir()
	db := justCreated(b, in)
	logs := os.DirFS(testcorpus.Path(b, "appdata"))
	benchRecover(b, func(string) (*RecoverOptions, *Plan) {
		return &RecoverOptions{CacheBytes: 1}, withLogs(indexedDBPlan(db), logs)
	}, false)
}

// createPlan is the plan of a soft recovery of one log alone (its
// databases are absent; CreateMissing creates those the log creates),
// from the log's first record.
func createPlan(b *testing.B, rel, name string, gen ese.Generation) (fs.FS, *Plan) {
	raw := testcorpus.Read(b, rel)
	lg, err := eselog.Open(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), raw, 0o644); err != nil {
		b.Fatal(err)
	}
	return os.DirFS(dir), &Plan{Mode: ModeSoft, Start: ese.LogPos{Generation: gen, Sector: uint16(lg.Header.DataSectors())},
		Logs: []PlanLog{{File: name, Generation: gen}}, Databases: []PlanDatabase{}}
}

// BenchmarkRecoverIndexedDBCreate: appdata/edb.log alone with
// CreateMissing: IndexedDB.edb is created from the log's CreateDB (no
// database to copy) and its whole life replayed, 47 pages written.
func BenchmarkRecoverIndexedDBCreate(b *testing.B) {
	logs, plan := createPlan(b, "appdata/edb.log", "edb.log", 1)
	benchRecover(b, func(string) (*RecoverOptions, *Plan) {
		return &RecoverOptions{CreateMissing: true}, withLogs(plan, logs)
	}, false)
}

// BenchmarkRecoverForeignLogCreate: appdata/edb0000D.log alone (a whole
// 512 KiB log of another log stream, about 1,460 records) with
// CreateMissing: its second database, CacheStorage.edb, is created from
// its CreateDB and replayed to its DetachDB (20 pages written); the
// records of the other database are read and dispatched, not redone.
func BenchmarkRecoverForeignLogCreate(b *testing.B) {
	logs, plan := createPlan(b, "appdata/edb0000D.log", "edb0000D.log", 0xD)
	benchRecover(b, func(string) (*RecoverOptions, *Plan) {
		return &RecoverOptions{CreateMissing: true}, withLogs(plan, logs)
	}, false)
}

// BenchmarkRebuildIndexedDB measures redo throughput: the page records of
// appdata/edb.log replayed into an empty in-memory file, pages written back
// with checksums. SetBytes is the size of every record of the log (what a
// replay reads), so the MB/s figure is "MB of log replayed per second".
func BenchmarkRebuildIndexedDB(b *testing.B) {
	const ps = 32768
	recs, logBytes := indexedDBRecords(b)
	b.SetBytes(logBytes)
	b.ReportAllocs()
	var pages int64
	// The file is created at its final size (80 pages) so that the
	// in-memory file's growth does not dominate the figure.
	file := make([]byte, 80*ps)
	for b.Loop() {
		clear(file)
		db := memfile.New(file)
		s, err := redo.NewPageStore(db, ps, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range recs {
			if _, err := redo.RedoRecord(s, r, redo.RedoOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.Flush(); err != nil {
			b.Fatal(err)
		}
		pages += s.Stats().Writes
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages-written/s")
}
