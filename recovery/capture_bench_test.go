package recovery

import (
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/redo"
	"github.com/esekit/esekit/internal/steadylog"
)

// BenchmarkSteadyStateCapture measures the before-image capture as replay
// does it, over the page records of BenchmarkRecoverSteadyState/rows's
// log (decoded once, outside the loop): each record captured into its
// session's arena (session.capture) before its redo with RedoRecord
// through a PageStore over a fresh copy of the database, and kept in the
// session's version store, every session's transaction committed at the
// log's own Commit0 records (arena reused), as replay does; then Flush.
// The difference from BenchmarkSteadyStateSplit/redo (the same redo
// without capture) is what capture still costs a whole recovery of the
// log.
func BenchmarkSteadyStateCapture(b *testing.B) {
	spec := steadyBenchSpecs[0].spec
	sl := steadylog.Build(b, spec)
	// The page records and the Commit0s, in log order.
	var recs []eselog.Record
	pages := 0
	for _, rec := range sl.Records(b, eselog.Filter{}) {
		switch rec.(type) {
		case eselog.NodeRecord:
			recs = append(recs, rec)
			pages++
		case *eselog.Commit0:
			recs = append(recs, rec)
		}
	}
	if pages != sl.PageRecords {
		b.Fatalf("%d page records read, %d generated", pages, sl.PageRecords)
	}
	b.Run("arena+redo", func(b *testing.B) {
		w := &steadyWorkFile{b: b, path: filepath.Join(b.TempDir(), "work.edb"), db: sl.DB}
		sessions := map[uint16]*session{}
		sess := func(procid uint16) *session {
			s := sessions[procid]
			if s == nil {
				s = &session{procid: procid, level: 1, afterFirstBegin0: true}
				sessions[procid] = s
			}
			return s
		}
		steadyCPULoop(b, sl.RecordBytes, w.reset, func() error {
			st, err := redo.NewPageStore(redo.NoSync(w.f), 32768, nil)
			if err != nil {
				return err
			}
			for _, r := range recs {
				if c, ok := r.(*eselog.Commit0); ok {
					s := sess(c.Procid)
					s.commit(0)
					s.level = 1
					continue
				}
				nr := r.(eselog.NodeRecord)
				var v *version
				s := sess(nr.Node().Procid)
				if v, err = s.capture(st, nil, nr); err != nil {
					return err
				}
				if _, err := redo.RedoRecord(st, r, redo.RedoOptions{}); err != nil {
					return err
				}
				if v != nil {
					s.versions = append(s.versions, v)
				}
			}
			return st.Flush()
		})
		w.close()
	})
}
