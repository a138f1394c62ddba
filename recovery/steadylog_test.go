package recovery

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/redo"
	"github.com/esekit/esekit/internal/steadylog"
)

// TestSteadyLogReplay builds small steady-state logs over
// dissect-esedb-testdbs/large.edb (32 KiB pages) and checks that eselog
// reads them back record for record at the positions the writer gave,
// that planning says replay, and that Recover redoes every update: the
// database ends CleanShutdown, every page verifies and passes the page
// model's check, each touched page has the last dbtime the log gave it,
// each changed node holds the last bytes logged for it (the corpus
// file's own bytes when the log restores them), and every other page is
// byte for byte the corpus file's.
func TestSteadyLogReplay(t *testing.T) {
	for _, spec := range []steadylog.Spec{
		{DB: "dissect-esedb-testdbs/large.edb", Gen: 0x21, Sectors: 24, HotPages: 24, Sessions: 4, Seed: 1},
		{DB: "dissect-esedb-testdbs/large.edb", Gen: 0x7, Sectors: 24, HotPages: 40, Sessions: 3, Term: true, Restore: true, Seed: 2},
		{DB: steadySRUM, Gen: 0x21, Sectors: 24, HotPages: 12, Sessions: 4, Seed: 3},
		{DB: steadySRUM, Gen: 0x7, Sectors: 24, HotPages: 16, Sessions: 3, Term: true, Restore: true, Seed: 4},
	} {
		name := "crash"
		if spec.Term {
			name = "term-restore"
		}
		if spec.DB == steadySRUM {
			name = "srum-" + name
		}
		t.Run(name, func(t *testing.T) {
			sl := steadylog.Build(t, spec)
			if sl.PageRecords < 500 || len(sl.PageDBTime) < 10 {
				t.Fatalf("generated only %d page records over %d pages", sl.PageRecords, len(sl.PageDBTime))
			}
			dir := t.TempDir()
			dbPath := steadylog.WriteSet(t, dir, spec, sl)

			// eselog: header, tail scan (every segment checksum), records.
			l, err := eselog.OpenOptions(bytes.NewReader(sl.Log), int64(len(sl.Log)), eselog.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if l.Header.Generation != spec.Gen || l.ClosedNormally != spec.Term {
				t.Errorf("generation %d closed normally %v", l.Header.Generation, l.ClosedNormally)
			}
			lastSeg := int(l.End.Sector) - 1
			for i, st := range l.States {
				want := eselog.SegValid
				switch {
				case i == 0:
					want = eselog.SegHeader
				case i == lastSeg+1:
					want = eselog.SegShadow
				case i == len(l.States)-1:
					want = eselog.SegReserved
				case i > lastSeg:
					want = eselog.SegZero
				}
				if i == lastSeg+1 && i == len(l.States)-1 {
					want = eselog.SegReserved
				}
				if st != want {
					t.Errorf("segment %d is %v, want %v", i, st, want)
				}
			}
			var n int
			for rec, err := range l.Records(context.Background(), eselog.Filter{}) {
				if err != nil {
					t.Fatal(err)
				}
				if rec.Type() == eselog.RecNOP || rec.Type() == eselog.RecNOP2 {
					continue
				}
				if n >= len(sl.Types) || rec.Type() != sl.Types[n] || rec.Pos() != sl.Positions[n] {
					if n < len(sl.Types) {
						t.Fatalf("record %d: %v at %v, generated %v at %v", n, rec.Type(), rec.Pos(), sl.Types[n], sl.Positions[n])
					}
					t.Fatalf("record %d: %v at %v past the %d generated", n, rec.Type(), rec.Pos(), len(sl.Types))
				}
				n++
			}
			if n != len(sl.Types) {
				t.Fatalf("read %d records, generated %d", n, len(sl.Types))
			}

			plan := planSteadySet(t, dir, dbPath)
			out := t.TempDir()
			res, err := Recover(context.Background(), plan, &RecoverOptions{OutDir: out})
			if err != nil {
				t.Fatal(err)
			}
			d := res.Databases[0]
			if d.StateAfter != "CleanShutdown" || d.RecordsRedone != int64(sl.PageRecords) || d.RecordsSkipped != 0 ||
				d.PagesWritten != int64(len(sl.PageDBTime)) || d.TransactionsRolledBack != 0 {
				t.Errorf("result %+v; want %d records redone, %d pages written", d, sl.PageRecords, len(sl.PageDBTime))
			}
			if res.LogBytes != sl.RecordBytes || res.Records != int64(len(sl.Types)) {
				t.Errorf("replayed %d records of %d bytes, generated %d of %d", res.Records, res.LogBytes, len(sl.Types), sl.RecordBytes)
			}

			got, err := os.ReadFile(filepath.Join(out, filepath.Base(spec.DB)))
			if err != nil {
				t.Fatal(err)
			}
			h, err := ese.DecodeDBHeader(got)
			if err != nil {
				t.Fatal(err)
			}
			var maxTime uint64
			for _, v := range sl.PageDBTime {
				maxTime = max(maxTime, v)
			}
			if h.State != ese.DBStateCleanShutdown || h.DBTimeDirtied != maxTime || h.GenMinRequired != 0 {
				t.Errorf("header: state %v dbtime %d (want %d) genMin %d", h.State, h.DBTimeDirtied, maxTime, h.GenMinRequired)
			}
			if spec.Term && h.ConsistentPos != sl.Positions[len(sl.Positions)-2] {
				t.Errorf("consistent at %v, want the ShutDownMark at %v", h.ConsistentPos, sl.Positions[len(sl.Positions)-2])
			}
			ps := h.EffectivePageSize()
			if len(got) != len(sl.DB) {
				t.Fatalf("output is %d bytes, input %d", len(got), len(sl.DB))
			}
			for pgno := uint32(1); (int(pgno)+2)*ps <= len(got); pgno++ {
				off := (int(pgno) + 1) * ps
				pb, orig := got[off:off+ps], sl.DB[off:off+ps]
				want, touched := sl.PageDBTime[pgno]
				if !touched {
					if !bytes.Equal(pb, orig) {
						t.Errorf("page %d changed but no record touches it", pgno)
					}
					continue
				}
				if !ese.ComputePageChecksums(pb, pgno).OK() {
					t.Errorf("page %d: checksum does not verify", pgno)
				}
				p, err := redo.NewPage(slices.Clone(pb))
				if err != nil {
					t.Fatal(err)
				}
				if p.DBTime() != want {
					t.Errorf("page %d: dbtime %d, want %d", pgno, p.DBTime(), want)
				}
				po, _ := redo.NewPage(slices.Clone(orig))
				for i := range p.Lines() {
					nd, err := p.Node(i)
					if err != nil {
						t.Fatal(err)
					}
					no, _ := po.Node(i)
					wantData, changed := sl.NodeData[steadylog.NodeID{Pgno: pgno, ILine: i}]
					if !changed {
						wantData = no.Data
					}
					if spec.Restore && !bytes.Equal(wantData, no.Data) {
						t.Fatalf("page %d line %d: generator did not restore the node", pgno, i)
					}
					if !bytes.Equal(nd.Data, wantData) || !bytes.Equal(nd.Suffix, no.Suffix) {
						t.Errorf("page %d line %d: node data differs from the last logged (%d bytes)", pgno, i, len(wantData))
					}
				}
			}
			used := 0
			for off := 2 * ps; off+ps <= len(sl.DB); off += ps {
				if !bin.IsZero(sl.DB[off : off+ps]) {
					used++
				}
			}
			if n := structureOK(t, filepath.Join(out, filepath.Base(spec.DB))); n != used || n != steadyPagesUsed[spec.DB] {
				t.Errorf("checked %d pages, the file uses %d (%s: %d)", n, used, spec.DB, steadyPagesUsed[spec.DB])
			}
		})
	}
}

// steadyBenchSpecs are the logs BenchmarkRecoverSteadyState replays: a
// 5 MiB generation (1,280 segments) over a hot set of 64 of large.edb's
// table leaf pages, four sessions, ending as after a crash. "rows": the
// pages of rows up to 1 KiB (the catalog tables' 268 leaf pages, rows of
// 30-60 bytes); "all": any table leaf page, the 16 pages holding one
// 28 KiB row each included.
var steadyBenchSpecs = []struct {
	name string
	spec steadylog.Spec
}{
	{"rows", steadylog.Spec{DB: "dissect-esedb-testdbs/large.edb", Gen: 0x21, Sectors: 1280, HotPages: 64, Sessions: 4, MaxNode: 1024, Seed: 7}},
	{"all", steadylog.Spec{DB: "dissect-esedb-testdbs/large.edb", Gen: 0x21, Sectors: 1280, HotPages: 64, Sessions: 4, Seed: 7}},
}

// BenchmarkRecoverSteadyState: a whole Recover (copy of the 24 MiB
// database, replay of the synthetic steady-state log, clean header,
// rename) per iteration; the log and the dirty database are generated
// once, outside the timed loop. MB/s is of the log records replayed.
func BenchmarkRecoverSteadyState(b *testing.B) {
	for _, bs := range steadyBenchSpecs {
		b.Run(bs.name, func(b *testing.B) {
			sl := steadylog.Build(b, bs.spec)
			dir := b.TempDir()
			db := steadylog.WriteSet(b, dir, bs.spec, sl)
			plan, err := PlanSoftDir(context.Background(), dir, []string{db}, CheckpointSource{Find: true}, nil)
			if err != nil || plan.Error != 0 || plan.Databases[0].Action != ActionReplay {
				b.Fatalf("plan: %v %+v", err, plan)
			}
			benchRecover(b, func(string) (*RecoverOptions, *Plan) {
				return &RecoverOptions{}, plan
			}, false)
			b.ReportMetric(float64(sl.PageRecords), "page-records/op")
			b.ReportMetric(float64(len(sl.Log))/(1<<20), "log-MiB")
		})
	}
}

// planSteadySet plans the soft recovery of a generated set written by
// steadylog.WriteSet and checks that the plan replays its one database.
func planSteadySet(t *testing.T, dir, dbPath string) *Plan {
	t.Helper()
	plan, err := PlanSoftDir(context.Background(), dir, []string{dbPath}, CheckpointSource{Find: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Error != 0 || len(plan.Databases) != 1 || plan.Databases[0].Action != ActionReplay {
		t.Fatalf("plan: error %d %s, databases %+v", plan.Error, plan.Message, plan.Databases)
	}
	return plan
}
