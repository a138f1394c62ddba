package eselog

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"sync"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testcorpus"
)

// TestEveryCorpusLogRoundTrips decodes every record of every real log in
// the corpus (identified by its header bytes) and re-encodes it exactly.
func TestEveryCorpusLogRoundTrips(t *testing.T) {
	total := map[string]int{}
	files := 0
	for _, rel := range testcorpus.Files(t) {
		if ext := path.Ext(rel); ext != ".log" && ext != ".jtx" {
			continue
		}
		data := testcorpus.Read(t, rel)
		if len(data) < 8192 || bin.U32(data, 4) == 0 || bin.U32(data, 667) != 3 && bin.U32(data, 667) != 0 {
			continue // zero-filled reserve/tmp file
		}
		var w []walkedRecord
		switch bin.U32(data, 32) {
		case 8:
			w, _ = walkModern(t, data)
		case 7:
			w = walkLegacy(t, data)
		default:
			continue
		}
		recs := roundTrip(t, rel, w)
		if len(recs) > 0 { // the SRU.log files (gen 0x52) have no data yet
			files++
		}
		for k, n := range histogram(recs) {
			total[k] += n
		}
	}
	if files < 20 {
		t.Errorf("only %d log files with records", files)
	}
	// Types the appdata logs lack, present elsewhere in the corpus.
	for _, k := range []string{"Merge2", "EmptyTree", "Undo", "Rollback", "MacroInfo", "TrimDB", "ForceWriteLog", "Checksum"} {
		if total[k] == 0 {
			t.Errorf("no %s record in the corpus", k)
		}
	}
	t.Logf("%d logs: %v", files, total)
}

// TestDBIDAgreesWithRaw checks DatabaseRecord.DBID against the reader's
// raw-bytes recordDBID (RawRecord.DBID) on synthetic records of every type.
func TestDBIDAgreesWithRaw(t *testing.T) {
	rng := newRand()
	for ty := RecordType(0); ty < RecTypeMax; ty++ {
		if !ty.Valid() {
			continue
		}
		for range 20 {
			b := synth(rng, ty)
			r, err := DecodeRecord(b, ese.LogPos{})
			if err != nil {
				t.Fatal(err)
			}
			raw, rawOK := recordDBID(b)
			dr, ok := r.(DatabaseRecord)
			if _, ign := r.(*Ignored); ign {
				continue // a known ignorable type with a short payload
			}
			if ok != rawOK || ok && dr.DBID() != raw {
				t.Errorf("%s: DBID %v/%v, raw %d/%v", ty, ok, dr, raw, rawOK)
				break
			}
		}
	}
}

// corpusRecords returns the decoded records of every non-empty real log,
// by file.
func corpusRecords(t *testing.T) map[string][]Record {
	t.Helper()
	corpusOnce.Do(func() { corpusCache = loadCorpusRecords(t) })
	if corpusCache == nil {
		t.Skip("corpus records could not be loaded")
	}
	return corpusCache
}

var (
	corpusOnce  sync.Once
	corpusCache map[string][]Record
)

func loadCorpusRecords(t *testing.T) map[string][]Record {
	out := map[string][]Record{}
	for _, rel := range testcorpus.Files(t) {
		if ext := path.Ext(rel); ext != ".log" && ext != ".jtx" {
			continue
		}
		data := testcorpus.Read(t, rel)
		if len(data) < 8192 || bin.U32(data, 4) == 0 {
			continue
		}
		var w []walkedRecord
		switch bin.U32(data, 32) {
		case 8:
			w, _ = walkModern(t, data)
		case 7:
			w = walkLegacy(t, data)
		}
		if len(w) > 0 {
			out[rel] = roundTrip(t, rel, w)
		}
	}
	return out
}

// TestCorpusRecordSemantics checks relations between fields that only hold
// when every offset is right: macro bracketing by procid and dbtime,
// Replace sizes, every ReplaceD diff applying to an image of its old size,
// merge types, FDP ids.
func TestCorpusRecordSemantics(t *testing.T) {
	var nSplit, nMerge, nDiff, nDiff2, nReplace, nEmpty, nUndoInfo int
	for rel, recs := range corpusRecords(t) {
		open := map[uint16]uint64{} // procid → open macro dbtime
		seen := map[uint16]bool{}   // procid had a MacroBegin in this file
		// (a file can start inside a macro opened in the previous generation)
		for _, r := range recs {
			switch v := r.(type) {
			case *Macro:
				switch v.Type() {
				case RecMacroBegin:
					open[v.Procid] = v.DBTime
					seen[v.Procid] = true
				default:
					if seen[v.Procid] && open[v.Procid] != v.DBTime {
						t.Errorf("%s %v: %s dbtime %#x, open macro %#x", rel, v.Pos(), v.Type(), v.DBTime, open[v.Procid])
					}
					delete(open, v.Procid)
				}
			case *Split:
				nSplit++
				if d, ok := open[v.Procid]; seen[v.Procid] && (!ok || d != v.DBTime()) {
					t.Errorf("%s %v: Split2 outside its macro", rel, v.Pos())
				}
				if v.SplitType > SplitAppend || v.SplitOper > SplitOperFlagInsertAndReplaceData || v.PgnoFDP == 0 || v.ObjidFDP == 0 {
					t.Errorf("%s %v: Split2 type %d oper %d fdp %d objid %d", rel, v.Pos(), v.SplitType, v.SplitOper, v.PgnoFDP, v.ObjidFDP)
				}
				if v.PreimageFlags&^(PreimageDehydrated|PreimageXpress) != 0 {
					t.Errorf("%s %v: Split2 pre-image flags %#x", rel, v.Pos(), v.PreimageFlags)
				}
			case *Merge:
				nMerge++
				if d, ok := open[v.Procid]; seen[v.Procid] && (!ok || d != v.DBTime()) {
					t.Errorf("%s %v: Merge2 outside its macro", rel, v.Pos())
				}
				if v.MergeType > MergeTypePageMove || v.PgnoFDP == 0 {
					t.Errorf("%s %v: Merge2 type %d fdp %d", rel, v.Pos(), v.MergeType, v.PgnoFDP)
				}
			case *EmptyTree:
				nEmpty++
				if len(v.Tail) != 0 {
					t.Errorf("%s %v: EmptyTree list has %d stray bytes", rel, v.Pos(), len(v.Tail))
				}
				for _, p := range v.Pages {
					if p.Pgno == 0 || p.Before >= v.DBTime() {
						t.Errorf("%s %v: EmptyTree page %d before %#x after %#x", rel, v.Pos(), p.Pgno, p.Before, v.DBTime())
					}
				}
			case *Replace:
				if v.PgnoFDP == 0 || v.ObjidFDP == 0 {
					t.Errorf("%s %v: %s without its tree", rel, v.Pos(), v.Type())
				}
				if !v.IsDiff() {
					nReplace++
					if len(v.Payload) != int(v.CbNewData) {
						t.Errorf("%s %v: Replace payload %d, cbNewData %d", rel, v.Pos(), len(v.Payload), v.CbNewData)
					}
					continue
				}
				nDiff++
				if v.Diff2 {
					nDiff2++
				}
				if es, err := ParseDiff(v.Payload, v.Diff2); err != nil {
					t.Errorf("%s %v: %v", rel, v.Pos(), err)
				} else if enc, err := AppendDiff(nil, es, v.Diff2); err != nil || !bytes.Equal(enc, v.Payload) {
					t.Errorf("%s %v: diff re-encodes differently", rel, v.Pos())
				}
				old := make([]byte, v.CbOldData)
				got, err := v.AfterImage(old)
				if err != nil || len(got) != int(v.CbNewData) {
					t.Errorf("%s %v: ReplaceD old %d new %d: %v", rel, v.Pos(), v.CbOldData, v.CbNewData, err)
				}
			case *Term:
				if v.Type() == RecTerm2 && !v.Time.Valid() {
					t.Errorf("%s %v: Term2 time invalid", rel, v.Pos())
				}
			case *Init:
				if !v.Time.Valid() {
					t.Errorf("%s %v: Init2 time invalid", rel, v.Pos())
				}
			case *UndoInfo:
				nUndoInfo++
				// docs/log-records.md#undoinfo: UndoInfo's dbtimes are nil.
				if v.After != DBTimeNil || v.Before != DBTimeNil || v.DBTime() != DBTimeNil {
					t.Errorf("%s %v: UndoInfo dbtimes %#x/%#x", rel, v.Pos(), v.After, v.Before)
				}
				if v.Oper != OperReplace && v.Oper != OperFlagDelete {
					t.Errorf("%s %v: UndoInfo oper %d", rel, v.Pos(), v.Oper)
				}
				if v.Oper == OperFlagDelete && len(v.Data) != 0 {
					t.Errorf("%s %v: UndoInfo(FlagDelete) carries %d bytes", rel, v.Pos(), len(v.Data))
				}
			case *Undo:
				if v.PgnoFDP == 0 || v.Oper == 0 {
					t.Errorf("%s %v: Undo oper %d fdp %d", rel, v.Pos(), v.Oper, v.PgnoFDP)
				}
			}
		}
	}
	if nSplit < 200 || nMerge < 900 || nDiff < 12000 || nReplace < 400 || nEmpty == 0 || nUndoInfo < 4000 {
		t.Errorf("splits %d merges %d ReplaceD %d Replace %d EmptyTree %d", nSplit, nMerge, nDiff, nReplace, nEmpty)
	}
	// Both diff header forms occur: DIFFHDR2 on 32 KiB pages, DIFFHDR on
	// the 4 KiB-page SRUM and .jtx databases.
	if nDiff2 < 26 || nDiff-nDiff2 < 1000 {
		t.Errorf("ReplaceD with DIFFHDR2 %d, with DIFFHDR %d", nDiff2, nDiff-nDiff2)
	}
	t.Logf("ReplaceD: %d DIFFHDR2, %d DIFFHDR", nDiff2, nDiff-nDiff2)
}

// BenchmarkDecodeRecord decodes and re-encodes every record of the appdata
// logs.
func BenchmarkDecodeRecord(b *testing.B) {
	recs, size := corpusBenchRecords(b)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		for _, w := range recs {
			r, err := DecodeRecord(w.bytes, w.pos)
			if err != nil {
				b.Fatal(err)
			}
			buf = r.AppendEncode(buf[:0])
		}
	}
	b.ReportMetric(float64(len(recs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// TestMacroInfoListsMacroPages checks that each MacroInfo/MacroInfo2 lists
// exactly the pages touched by the records of the macro committed just
// before it: the records of that session carrying the macro's dbtime
// (Split2/Merge2/PageMove/EmptyTree... and the node operation).
func TestMacroInfoListsMacroPages(t *testing.T) {
	checked := 0
	for rel, recs := range corpusRecords(t) {
		open := map[uint16]map[uint32]bool{} // procid → pages of its open macro
		dbt := map[uint16]uint64{}
		var committed map[uint32]bool
		for _, r := range recs {
			switch v := r.(type) {
			case *Macro:
				switch v.Type() {
				case RecMacroBegin:
					open[v.Procid], dbt[v.Procid] = map[uint32]bool{}, v.DBTime
				case RecMacroCommit:
					committed = open[v.Procid] // nil when the begin is in an earlier file
					delete(open, v.Procid)
				default:
					delete(open, v.Procid)
				}
				continue
			case *MacroInfo, *MacroInfo2:
				var list []uint32
				if mi, ok := v.(*MacroInfo); ok {
					list = mi.Pgnos
				} else {
					list = v.(*MacroInfo2).Pgnos
				}
				if committed != nil {
					got := map[uint32]bool{}
					for _, p := range list {
						got[p] = true
					}
					if len(got) != len(committed) {
						t.Errorf("%s %v: %s lists %v, the macro touched %d pages", rel, r.Pos(), r.Type(), list, len(committed))
					}
					for p := range committed {
						if !got[p] {
							t.Errorf("%s %v: %s misses page %d", rel, r.Pos(), r.Type(), p)
						}
					}
					checked++
				}
				committed = nil
				continue
			}
			pr, ok := r.(PageRecord)
			if !ok {
				continue
			}
			sr, ok := r.(SessionRecord)
			if !ok {
				continue
			}
			pages := open[sr.ProcID()]
			if pages == nil || pr.DBTime() != dbt[sr.ProcID()] {
				continue
			}
			if pt, ok := r.(interface{ PagesTouched() []PageTouch }); ok {
				for _, p := range pt.PagesTouched() {
					pages[p.Pgno] = true
				}
			} else {
				pages[pr.Pgno()] = true
			}
		}
	}
	if checked < 500 {
		t.Errorf("only %d macro page lists checked", checked)
	}
}

// TestReplaceDChainsOnRealImages checks ApplyDiff's output bytes, not just
// its length, on real data. An UndoInfo logs the before-image of an
// uncommitted Replace/ReplaceD (same RCEID); when the same node (same tree,
// same bookmark) is replaced again later, the after-image computed from the
// first before-image and diff must be byte-identical to the second
// before-image, unless a change without UndoInfo came in between.
func TestReplaceDChainsOnRealImages(t *testing.T) {
	type pair struct {
		u *UndoInfo
		r *Replace
	}
	applied, chained := 0, 0
	for _, recs := range corpusRecords(t) {
		last := map[uint32]*Replace{} // rceid → latest Replace/ReplaceD
		byNode := map[string][]pair{}
		var order []string
		for _, r := range recs {
			if v, ok := r.(*Replace); ok && v.RCEID != 0 {
				last[v.RCEID] = v
			}
			u, ok := r.(*UndoInfo)
			if !ok || u.Oper != OperReplace {
				continue
			}
			rp := last[u.RCEID]
			if rp == nil || rp.Pgno() != u.Pgno() {
				continue
			}
			if len(u.Data) != int(rp.CbOldData) {
				t.Errorf("%v: UndoInfo before-image %d bytes, %s at %v says %d", u.Pos(), len(u.Data), rp.Type(), rp.Pos(), rp.CbOldData)
				continue
			}
			if _, err := rp.AfterImage(u.Data); err != nil {
				t.Errorf("%v: %v", rp.Pos(), err)
				continue
			}
			applied++
			k := fmt.Sprintf("%d|%x|%x", u.ObjidFDP, u.BookmarkKey, u.BookmarkData)
			if byNode[k] == nil {
				order = append(order, k)
			}
			byNode[k] = append(byNode[k], pair{u, rp})
		}
		for _, k := range order {
			ps := byNode[k]
			slices.SortStableFunc(ps, func(a, b pair) int { return a.r.Pos().Compare(b.r.Pos()) })
			for i := 0; i+1 < len(ps); i++ {
				after, _ := ps[i].r.AfterImage(ps[i].u.Data)
				if bytes.Equal(after, ps[i+1].u.Data) {
					chained++
				}
			}
		}
	}
	if applied < 3000 || chained < 1300 {
		t.Errorf("%d real before-images diffed, %d after-images equal the next before-image", applied, chained)
	}
	t.Logf("%d real before-images diffed; %d after-images equal the next logged before-image", applied, chained)
}

// TestTransactionLevels replays the transaction levels of every session:
// each Begin/Begin0 starts from the session's current level (low nibble)
// and adds the high nibble; each Commit/Commit0 commits one level; each
// Rollback drops LevelRollback levels. Any nibble or offset mix-up breaks
// the chain.
func TestTransactionLevels(t *testing.T) {
	checked := 0
	for rel, recs := range corpusRecords(t) {
		lvl := map[uint16]int{}
		known := map[uint16]bool{} // level known (a Begin seen in this file)
		begin := func(pos ese.LogPos, b *Begin) {
			if known[b.Procid] {
				checked++
				if int(b.LevelBeginFrom) != lvl[b.Procid] {
					t.Errorf("%s %v: %s from level %d, session at %d", rel, pos, b.Type(), b.LevelBeginFrom, lvl[b.Procid])
				}
			}
			if b.LevelsToBegin == 0 {
				t.Errorf("%s %v: %s begins no level", rel, pos, b.Type())
			}
			lvl[b.Procid] = int(b.LevelBeginFrom) + int(b.LevelsToBegin)
			known[b.Procid] = true
		}
		commit := func(pos ese.LogPos, c *Commit) {
			if known[c.Procid] {
				checked++
				if int(c.LevelCommitTo) != lvl[c.Procid]-1 {
					t.Errorf("%s %v: %s to level %d, session at %d", rel, pos, c.Type(), c.LevelCommitTo, lvl[c.Procid])
				}
			}
			lvl[c.Procid] = int(c.LevelCommitTo)
		}
		for _, r := range recs {
			switch v := r.(type) {
			case *Begin:
				begin(v.Pos(), v)
			case *Begin0:
				begin(v.Pos(), &v.Begin)
				if v.LevelBeginFrom != 0 {
					t.Errorf("%s %v: Begin0 from level %d", rel, v.Pos(), v.LevelBeginFrom)
				}
			case *Commit:
				commit(v.Pos(), v)
			case *Commit0:
				commit(v.Pos(), &v.Commit)
				if v.LevelCommitTo != 0 {
					t.Errorf("%s %v: Commit0 to level %d", rel, v.Pos(), v.LevelCommitTo)
				}
			case *Rollback:
				lvl[v.Procid] -= int(v.LevelRollback)
			case *Init, *Term:
				lvl, known = map[uint16]int{}, map[uint16]bool{}
			}
		}
	}
	if checked < 30000 {
		t.Errorf("only %d transaction records checked", checked)
	}
}

// TestRecoveryQuitPointsAtUndo checks the 26 recoveries of edb0000D.log
// (docs/recovery.md#undo, docs/recovery.md#clean-header): each RecoveryQuit2 names the RecoveryUndo2 logged
// just before it, and redo started no later than that.
func TestRecoveryQuitPointsAtUndo(t *testing.T) {
	var undo ese.LogPos
	n := 0
	for _, r := range decodeAll(t, "appdata/edb0000D.log") {
		switch v := r.(type) {
		case *RecoveryUndo2:
			undo = v.Pos()
			if !v.Time.Valid() {
				t.Errorf("%v: RecoveryUndo2 time invalid", v.Pos())
			}
		case *Term:
			if v.Type() != RecRecoveryQuit2 {
				continue
			}
			n++
			if v.Lgpos != undo || undo.IsZero() || v.RedoFrom.Compare(v.Lgpos) > 0 || v.Hard != 0 {
				t.Errorf("%v: RecoveryQuit2 lgpos %v (undo at %v) redo from %v hard %d", v.Pos(), v.Lgpos, undo, v.RedoFrom, v.Hard)
			}
		}
	}
	if n != 26 {
		t.Errorf("%d RecoveryQuit2, want 26", n)
	}
}

// corpusBenchRecords returns the records of the appdata logs, for the
// decode and encode benchmarks, and their total size.
func corpusBenchRecords(b *testing.B) ([]walkedRecord, int) {
	var recs []walkedRecord
	size := 0
	for _, rel := range []string{"appdata/edb0000D.log", "appdata/edb.log"} {
		w, _ := walkModern(b, testcorpus.Read(b, rel))
		recs = append(recs, w...)
	}
	for _, r := range recs {
		size += len(r.bytes)
	}
	return recs, size
}

// BenchmarkDecoder decodes every record of the appdata logs with one
// Decoder, as replay does.
func BenchmarkDecoder(b *testing.B) {
	recs, size := corpusBenchRecords(b)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	var d Decoder
	for b.Loop() {
		for _, w := range recs {
			if _, err := d.Decode(w.bytes, w.pos); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(recs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkAppendEncode encodes every record of the appdata logs.
func BenchmarkAppendEncode(b *testing.B) {
	recs, size := corpusBenchRecords(b)
	decoded := make([]Record, len(recs))
	for i, w := range recs {
		r, err := DecodeRecord(w.bytes, w.pos)
		if err != nil {
			b.Fatal(err)
		}
		decoded[i] = r
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		for _, r := range decoded {
			buf = r.AppendEncode(buf[:0])
		}
	}
}
