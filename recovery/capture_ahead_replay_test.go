package recovery

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/redo"
	"github.com/esekit/esekit/internal/steadylog"
)

// captureAheadSpecs are the generated logs TestCaptureAheadReplay
// recovers: 192-384 KiB generations over large.edb whose end leaves
// transactions open (each followed by OpenGap committed ones), some of
// whose steady part rolls a nested level back with Undo records (of
// replaces, after their UndoInfo, or of deltas, alone).
var captureAheadSpecs = []struct {
	name string
	spec steadylog.Spec
	// spread: the first open update lies more than a window before the
	// end.
	spread bool
}{
	// Three open transactions close together at the very end.
	{"open-tail", steadylog.Spec{DB: "dissect-esedb-testdbs/large.edb", Gen: 0x30, Sectors: 48, HotPages: 24, Sessions: 4,
		MaxNode: 1024, OpenTail: 3, OpenGap: 2, Seed: 11}, false},
	// Four open transactions spread over the last ~1,500 records: the
	// first began more than a window before the end.
	{"open-spread", steadylog.Spec{DB: "dissect-esedb-testdbs/large.edb", Gen: 0x31, Sectors: 96, HotPages: 40, Sessions: 5,
		MaxNode: 1024, OpenTail: 4, OpenGap: 120, Seed: 12}, true},
	// Nested levels rolled back in every fifth transaction, two open.
	{"rollbacks", steadylog.Spec{DB: "dissect-esedb-testdbs/large.edb", Gen: 0x32, Sectors: 64, HotPages: 16, Sessions: 3,
		MaxNode: 1024, Rollbacks: 5, OpenTail: 2, OpenGap: 30, Seed: 13}, false},
	// A rollback in every second transaction, one open, on a hot set of
	// eight pages of a single session: every update of the rotation is
	// of one session, so the marks end and restart each transaction.
	{"rollbacks-one-session", steadylog.Spec{DB: "dissect-esedb-testdbs/large.edb", Gen: 0x33, Sectors: 64, HotPages: 8, Sessions: 1,
		MaxNode: 1024, Rollbacks: 2, OpenTail: 1, OpenGap: 10, Seed: 14}, false},
	// A nested level rolled back in every second transaction, every
	// second one of Delta records: their rollback logs an Undo per Delta
	// and no UndoInfo, so only the Undo records tell the read-ahead that
	// the deltas' version entries are read (redoUndo subtracts the
	// entry's delta; without the entry it refuses the log).
	{"delta-rollbacks", steadylog.Spec{DB: "dissect-esedb-testdbs/large.edb", Gen: 0x34, Sectors: 64, HotPages: 16, Sessions: 3,
		MaxNode: 1024, Rollbacks: 2, Deltas: 2, OpenTail: 2, OpenGap: 30, Seed: 15}, false},
	// The same shapes over the committed Server 2022 SRUM database (4 KiB
	// pages), which run without the corpus.
	{"srum-open-tail", steadylog.Spec{DB: steadySRUM, Gen: 0x30, Sectors: 48, HotPages: 12, Sessions: 4,
		OpenTail: 3, OpenGap: 2, Seed: 21}, false},
	{"srum-rollbacks", steadylog.Spec{DB: steadySRUM, Gen: 0x32, Sectors: 64, HotPages: 12, Sessions: 3,
		Rollbacks: 5, OpenTail: 2, OpenGap: 30, Seed: 23}, false},
	{"srum-delta-rollbacks", steadylog.Spec{DB: steadySRUM, Gen: 0x34, Sectors: 64, HotPages: 12, Sessions: 3,
		Rollbacks: 2, Deltas: 2, OpenTail: 2, OpenGap: 30, Seed: 25}, false},
}

// steadySRUM is the clean SRUM database of Windows Server 2022 the module
// commits (internal/testcorpus/testdata).
const steadySRUM = "museum-srum-server2022-apt-1daylater/SRUDB.dat"

// steadyPagesUsed is the number of pages in use (not zero) of the
// databases the steady logs are written for.
var steadyPagesUsed = map[string]int{"dissect-esedb-testdbs/large.edb": 381, steadySRUM: 73}

// endRollbackRecords reads the number of rollback records of the end
// event ("… %d rollback record(s) …").
var endRollbackRecords = regexp.MustCompile(`(\d+) rollback record\(s\)`)

// TestCaptureAheadReplay shows that the read-ahead (capture_ahead.go)
// never changes what recovery does, on generated logs whose
// transactions really need their before-images: transactions left open
// at the end (rolled back by finish) and nested levels rolled back with
// UndoInfo, Undo and Rollback records, or (delta-rollbacks) Delta
// records rolled back with Undo records alone: there the Undo records are
// all that keeps the read-ahead from dropping the entries the Undo redo
// reads, and a read-ahead that ignored them would make recovery refuse
// the log (no version entry for the Undo).
//
// For each log it first walks the read-ahead itself (aheadReader and
// txnMarks, as replay drives them) and checks its decisions: no update of
// an open transaction or of a transaction that rolls a level back is let
// off its capture, some updates of committed transactions are, others
// (their commit beyond the window) are not, and an open transaction's
// updates lie in the last 1,024 records, where the window decides about
// them. Then it recovers the set twice, with the read-ahead and with
// captureAll, and wants byte-identical databases, identical results and
// end events, the generator's numbers (records redone and skipped, the
// transactions rolled back, the engine's rollback records at the end),
// and every node an open transaction changed back to its bytes from
// before it.
func TestCaptureAheadReplay(t *testing.T) {
	for _, cs := range captureAheadSpecs {
		t.Run(cs.name, func(t *testing.T) {
			spec := cs.spec
			sl := steadylog.Build(t, spec)
			if sl.OpenTrx != spec.OpenTail || len(sl.OpenOps) < spec.OpenTail || len(sl.Rolled) != len(sl.OpenOps) {
				t.Fatalf("generator: %d open transactions, %d updates, %d nodes", sl.OpenTrx, len(sl.OpenOps), len(sl.Rolled))
			}
			if spec.Rollbacks > 0 && (sl.Nested < 10 || sl.Undos < sl.Nested) {
				t.Fatalf("generator: %d nested levels rolled back with %d Undo records", sl.Nested, sl.Undos)
			}
			if spec.Deltas > 0 && (sl.DeltaLevels < 10 || sl.DeltaOps < sl.DeltaLevels || len(sl.DeltaNodes) != sl.DeltaOps ||
				sl.Undos != sl.UndoInfos+sl.DeltaOps) {
				t.Fatalf("generator: %d levels of %d Delta records, %d Undo and %d UndoInfo records",
					sl.DeltaLevels, sl.DeltaOps, sl.Undos, sl.UndoInfos)
			}
			checkAheadDecisions(t, sl)
			if cs.spread && sl.OpenOps[0] >= len(sl.Types)-aheadRecords {
				t.Errorf("the first open update is record %d of %d: within the last window", sl.OpenOps[0], len(sl.Types))
			}

			var runs [2]struct {
				res  *RecoverResult
				path string
				db   []byte
				end  string
			}
			for i, all := range []bool{false, true} {
				dir := t.TempDir()
				dbPath := steadylog.WriteSet(t, dir, spec, sl)
				plan := planSteadySet(t, dir, dbPath)
				out := t.TempDir()
				res, err := Recover(context.Background(), plan, &RecoverOptions{OutDir: out, captureAll: all})
				if err != nil {
					t.Fatalf("captureAll %v: %v", all, err)
				}
				runs[i].res, runs[i].path = res, filepath.Join(out, filepath.Base(spec.DB))
				if runs[i].db, err = os.ReadFile(runs[i].path); err != nil {
					t.Fatal(err)
				}
				for _, ev := range res.Events {
					if ev.Kind == EventEnd {
						runs[i].end = ev.Message
					}
				}
			}
			ahead, all := runs[0], runs[1]

			// The same recovery either way.
			if !bytes.Equal(ahead.db, all.db) {
				n := 0
				for off := range ahead.db {
					if off < len(all.db) && ahead.db[off] != all.db[off] {
						n++
					}
				}
				t.Errorf("the databases differ (%d and %d bytes, %d bytes differ)", len(ahead.db), len(all.db), n)
			}
			da, dc := ahead.res.Databases[0], all.res.Databases[0]
			// The same but for the folders.
			da.File, da.Output, da.Message = "", "", strings.ReplaceAll(da.Message, filepath.Dir(da.Output), "OUT")
			dc.File, dc.Output, dc.Message = "", "", strings.ReplaceAll(dc.Message, filepath.Dir(dc.Output), "OUT")
			if da != dc {
				t.Errorf("results differ:\nread-ahead  %+v\ncapture all %+v", da, dc)
			}
			if ahead.res.Records != all.res.Records || ahead.res.LogBytes != all.res.LogBytes ||
				!slices.Equal(ahead.res.LogsReplayed, all.res.LogsReplayed) || ahead.end != all.end {
				t.Errorf("replay differs: %d/%d records, %d/%d bytes, logs %v/%v, end %q/%q",
					ahead.res.Records, all.res.Records, ahead.res.LogBytes, all.res.LogBytes,
					ahead.res.LogsReplayed, all.res.LogsReplayed, ahead.end, all.end)
			}

			// What the generator wrote: every update, Delta and Undo
			// redone, the UndoInfo records skipped, the open transactions rolled
			// back, and at the end the engine's UndoInfo and Undo for
			// each of their updates and a Rollback for each.
			wantEnd := 2*len(sl.OpenOps) + sl.OpenTrx
			for _, r := range []struct {
				name string
				d    DatabaseResult
				end  string
			}{{"read-ahead", da, ahead.end}, {"capture all", dc, all.end}} {
				if r.d.StateAfter != "CleanShutdown" || r.d.Error != 0 || r.d.LogsReplayed != 1 ||
					r.d.RecordsRedone != int64(sl.PageRecords) || r.d.RecordsSkipped != int64(sl.UndoInfos) ||
					r.d.TransactionsRolledBack != spec.OpenTail {
					t.Errorf("%s: %+v; want %d records redone, %d skipped, %d transactions rolled back",
						r.name, r.d, sl.PageRecords, sl.UndoInfos, spec.OpenTail)
				}
				m := endRollbackRecords.FindStringSubmatch(r.end)
				if m == nil || m[1] != strconv.Itoa(wantEnd) {
					t.Errorf("%s: end event %q, want %d rollback records", r.name, r.end, wantEnd)
				}
			}
			t.Logf("both ways: %d records redone, %d skipped, %d transactions rolled back with %d records (%d nested levels rolled back in the log with %d Undo, %d UndoInfo; %d levels of %d Delta records)",
				da.RecordsRedone, da.RecordsSkipped, da.TransactionsRolledBack, wantEnd, sl.Nested, sl.Undos, sl.UndoInfos,
				sl.DeltaLevels, sl.DeltaOps)
			if ahead.res.Records != int64(len(sl.Types)) || ahead.res.LogBytes != sl.RecordBytes {
				t.Errorf("replayed %d records of %d bytes, generated %d of %d", ahead.res.Records, ahead.res.LogBytes, len(sl.Types), sl.RecordBytes)
			}

			// The nodes: each open transaction's back to its bytes from
			// before it, every other changed one at its last committed
			// bytes.
			h, err := ese.DecodeDBHeader(ahead.db)
			if err != nil {
				t.Fatal(err)
			}
			if h.State != ese.DBStateCleanShutdown {
				t.Errorf("header state %v", h.State)
			}
			ps := h.EffectivePageSize()
			pages := map[uint32]*redo.Page{}
			nodeAt := func(id steadylog.NodeID) []byte {
				p := pages[id.Pgno]
				if p == nil {
					off := (int(id.Pgno) + 1) * ps
					if !ese.ComputePageChecksums(ahead.db[off:off+ps], id.Pgno).OK() {
						t.Errorf("page %d: checksum does not verify", id.Pgno)
					}
					if p, err = redo.NewPage(slices.Clone(ahead.db[off : off+ps])); err != nil {
						t.Fatal(err)
					}
					pages[id.Pgno] = p
				}
				n, err := p.Node(id.ILine)
				if err != nil {
					t.Fatal(err)
				}
				return n.Data
			}
			for id, before := range sl.Rolled {
				got := nodeAt(id)
				if bytes.Equal(before, sl.OpenData[id]) {
					t.Fatalf("page %d line %d: the open transaction did not change the node", id.Pgno, id.ILine)
				}
				if !bytes.Equal(got, before) {
					t.Errorf("page %d line %d: not rolled back (holds the open transaction's bytes: %v)", id.Pgno, id.ILine, bytes.Equal(got, sl.OpenData[id]))
				}
			}
			// A rolled-back Delta leaves its node's data as it was.
			for _, id := range sl.DeltaNodes {
				if want := sl.NodeData[id]; !bytes.Equal(nodeAt(id), want) {
					t.Errorf("page %d line %d: a rolled-back Delta left the node changed", id.Pgno, id.ILine)
				}
			}
			changed := 0
			for id, want := range sl.NodeData {
				if !bytes.Equal(nodeAt(id), want) {
					t.Errorf("page %d line %d: node data differs from the last committed (%d bytes)", id.Pgno, id.ILine, len(want))
				}
				if !bytes.Equal(want, sl.Original[id]) {
					changed++
				}
			}
			if changed < 50 {
				t.Errorf("only %d nodes end changed", changed)
			}
			// The page model's check where levels were rolled back with
			// Undo records (the other pages only ever see same-length
			// replaces, as in TestSteadyLogReplay).
			if spec.Rollbacks > 0 {
				if n := structureOK(t, ahead.path); n != steadyPagesUsed[spec.DB] {
					t.Errorf("checked %d pages, %s uses %d", n, spec.DB, steadyPagesUsed[spec.DB])
				}
			}
		})
	}
}

// checkAheadDecisions walks the generated log through the read-ahead as
// replay does and checks what it decides for each update.
func checkAheadDecisions(t *testing.T, sl *steadylog.Log) {
	t.Helper()
	l, err := eselog.OpenOptions(bytes.NewReader(sl.Log), int64(len(sl.Log)), eselog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	index := make(map[ese.LogPos]int, len(sl.Positions))
	for i, p := range sl.Positions {
		index[p] = i
	}
	var (
		a     aheadReader
		marks txnMarks
	)
	a.start(l.NewReader(context.Background(), eselog.Filter{}), &marks)
	skipped := make([]bool, len(sl.Types))
	n := 0
	for {
		q, err := a.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		i, ok := index[q.pos]
		if !ok {
			continue
		}
		n++
		if q.typ != sl.Types[i] {
			t.Fatalf("record %d: %v, generated %v", i, q.typ, sl.Types[i])
		}
		if q.typ == eselog.RecReplace || q.typ == eselog.RecReplaceD || q.typ == eselog.RecDelta {
			skipped[i] = q.mark.skip(uint16(q.b[1]) | uint16(q.b[2])<<8)
		} else if q.mark != nil {
			t.Errorf("record %d (%v) carries a mark", i, q.typ)
		}
	}
	if n != len(sl.Types) {
		t.Fatalf("read ahead %d records, generated %d", n, len(sl.Types))
	}
	kept := map[int]bool{}
	for _, i := range sl.OpenOps {
		kept[i] = true
		if skipped[i] {
			t.Errorf("update %d at %v of an open transaction is let off its capture", i, sl.Positions[i])
		}
	}
	for _, i := range sl.NestedOps {
		kept[i] = true
		if skipped[i] {
			t.Errorf("update %d at %v of a transaction that rolls a level back is let off its capture", i, sl.Positions[i])
		}
	}
	var off, on int
	for i, typ := range sl.Types {
		if (typ == eselog.RecReplace || typ == eselog.RecReplaceD) && !kept[i] {
			if skipped[i] {
				off++
			} else {
				on++
			}
		}
	}
	// Most committed updates are let off; those whose commit lies past
	// their window (a window of 1,024 records ends inside their
	// transaction) are captured.
	if off < 500 || on == 0 {
		t.Errorf("committed updates: %d let off, %d captured", off, on)
	}
	if last := sl.OpenOps[len(sl.OpenOps)-1]; last < len(sl.Types)-aheadRecords {
		t.Errorf("the last open update is record %d of %d: not in the last window", last, len(sl.Types))
	}
	t.Logf("%d records: %d committed updates let off, %d captured; %d open updates (first at %d), %d of rolling-back transactions",
		len(sl.Types), off, on, len(sl.OpenOps), sl.OpenOps[0], len(sl.NestedOps))
}
