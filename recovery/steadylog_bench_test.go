package recovery

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/redo"
	"github.com/esekit/esekit/internal/steadylog"
)

// BenchmarkSteadyStateSplit splits BenchmarkRecoverSteadyState/rows into
// its parts, each measured alone over the same generated log:
//
//   - log-only: Recover with no database in the plan (open, tail scan,
//     read and dispatch every record; page records not redone);
//   - decode: eselog.OpenOptions plus Log.Records, every record decoded;
//   - redo: the page records, decoded once outside the loop, redone with
//     RedoRecord through a PageStore over a fresh copy of the database
//     file (the copy outside the timed part), then Flush;
//   - capture+redo: the same with the before-image capture the replay
//     does for each versioned record of an open transaction.
//
// Every part reports cpu-µs/op and MB/cpu-s of the whole log's record
// bytes, so the figures compare with the whole recovery's.
func BenchmarkSteadyStateSplit(b *testing.B) {
	spec := steadyBenchSpecs[0].spec
	sl := steadylog.Build(b, spec)
	dir := b.TempDir()
	steadylog.WriteSet(b, dir, spec, sl)
	logBytes := sl.RecordBytes

	b.Run("log-only", func(b *testing.B) {
		plan := &Plan{Mode: ModeSoft, Start: ese.LogPos{Generation: spec.Gen, Sector: 1},
			Logs: []PlanLog{{File: "edb.log", Generation: spec.Gen}}, Databases: []PlanDatabase{}}
		benchRecover(b, func(string) (*RecoverOptions, *Plan) {
			return &RecoverOptions{}, withLogs(plan, os.DirFS(dir))
		}, false)
	})
	b.Run("decode", func(b *testing.B) {
		steadyCPULoop(b, logBytes, nil, func() error {
			l, err := eselog.OpenOptions(bytes.NewReader(sl.Log), int64(len(sl.Log)), eselog.Options{})
			if err != nil {
				return err
			}
			for _, err := range l.Records(context.Background(), eselog.Filter{}) {
				if err != nil {
					return err
				}
			}
			return nil
		})
	})

	// The page records, decoded once.
	var recs []eselog.NodeRecord
	for _, rec := range sl.Records(b, eselog.Filter{}) {
		if nr, ok := rec.(eselog.NodeRecord); ok {
			recs = append(recs, nr)
		}
	}
	if len(recs) != sl.PageRecords {
		b.Fatalf("%d page records read, %d generated", len(recs), sl.PageRecords)
	}
	for _, capture := range []bool{false, true} {
		name := "redo"
		if capture {
			name = "capture+redo"
		}
		b.Run(name, func(b *testing.B) {
			w := &steadyWorkFile{b: b, path: filepath.Join(b.TempDir(), "work.edb"), db: sl.DB}
			steadyCPULoop(b, logBytes, w.reset, func() error {
				s, err := redo.NewPageStore(redo.NoSync(w.f), 32768, nil)
				if err != nil {
					return err
				}
				for _, r := range recs {
					if capture {
						if _, err := captureVersion(s, nil, r, 1); err != nil {
							return err
						}
					}
					if _, err := redo.RedoRecord(s, r, redo.RedoOptions{}); err != nil {
						return err
					}
				}
				return s.Flush()
			})
			w.close()
		})
	}
}

// steadyCPULoop runs fn b.N times, setup before each outside the timed
// and CPU-measured part, and reports cpu-µs/op and MB/cpu-s of n bytes.
func steadyCPULoop(b *testing.B, n int64, setup func(), fn func() error) {
	b.ReportAllocs()
	b.SetBytes(n)
	var cpu time.Duration
	for b.Loop() {
		if setup != nil {
			b.StopTimer()
			setup()
			b.StartTimer()
		}
		c0 := processCPU()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		cpu += processCPU() - c0
	}
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
		b.ReportMetric(float64(n)*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}

// steadyWorkFile is a file holding a fresh copy of a generated database
// before each op of a benchmark (reset, outside the measured part).
type steadyWorkFile struct {
	b    *testing.B
	path string
	db   []byte
	f    *os.File
}

func (w *steadyWorkFile) reset() {
	w.close()
	if err := os.WriteFile(w.path, w.db, 0o644); err != nil {
		w.b.Fatal(err)
	}
	var err error
	if w.f, err = os.OpenFile(w.path, os.O_RDWR, 0); err != nil {
		w.b.Fatal(err)
	}
}

func (w *steadyWorkFile) close() {
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
}
