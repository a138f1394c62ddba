// Package steadylog generates, for tests and benchmarks, a synthetic but
// engine-valid steady-state log over a clean database of the test corpus
// (Build), and writes it with the database as a recovery set (WriteSet).
// It reads the database's pages through the read-only B-tree view of
// internal/btree.
package steadylog

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/btree"
	"github.com/esekit/esekit/internal/testcorpus"
	"github.com/esekit/esekit/internal/testset"
)

// This file builds a synthetic but engine-valid steady-state log over a
// real clean database of the corpus, to measure replay on the kind of log
// production servers write (many small updates concentrated on a hot set
// of pages, many records per page between write-backs), which the corpus
// does not hold. The log follows docs/logs.md#modern-segments (segments, fragments,
// shadow of the last partial segment, lgpos of each record) and the
// record sequence of a real instance: Init2, AttachDB, transactions
// (Begin0, versioned Replace/ReplaceD records of existing leaf nodes with
// data of the same length, Commit0), optionally ShutDownMark and Term2.
// On request some transactions also roll a nested level back (Begin,
// updates, UndoInfo and Undo per update, Rollback; or Begin, Delta
// records, an Undo per Delta, Rollback) before they commit,
// and the last ones are left open for recovery to roll back
// (Spec.Rollbacks, OpenTail).

// Spec describes a generated log.
type Spec struct {
	// DB is the corpus path of the clean database the log is written for.
	DB string
	// Gen is the log's generation.
	Gen ese.Generation
	// Sectors is the log file size in 4 KiB segments (header and reserved
	// last segment included).
	Sectors int
	// HotPages is how many leaf pages the transactions update; 80 % of
	// the updates go to the first fifth of them.
	HotPages int
	// Sessions is how many sessions take turns.
	Sessions int
	// Term ends the log with ShutDownMark and Term2 (a clean end of the
	// instance whose header update was lost); otherwise the log ends
	// after the last commit, as after a crash.
	Term bool
	// Restore makes the last transactions write every changed node back
	// to its original bytes, so that the recovered database holds the
	// corpus file's records (only page dbtimes and headers differ).
	Restore bool
	// MaxNode, when positive, leaves out of the hot set the pages holding
	// a node larger than this many bytes (large.edb has 16 pages of one
	// 28 KiB record each).
	MaxNode int
	// Seed drives the choice of pages, nodes and bytes.
	Seed uint64

	// OpenTail, when positive, ends the log with that many transactions
	// left open, as a crash leaves them: each of its own session (the
	// procids after the rotation's), a Begin0 and one to three updates of
	// nodes no other open transaction touches, and no Commit0; after
	// each, OpenGap committed transactions of the rotation that leave
	// those nodes alone. Recovery rolls them back at its end. Not with
	// Term (a Term ends sessions without rollback) or Restore.
	OpenTail int
	OpenGap  int
	// Rollbacks, when positive, makes every Rollbacks-th transaction of
	// the steady part that updated a node nest a level and roll it back
	// before its Commit0, as the engine logs it (JetBeginTransaction,
	// updates, JetRollback, JetCommitTransaction): a Begin of one level
	// from 1 (logged by the deferred begin just before the first update
	// of the level), one to three updates of nodes of unique trees at
	// level 2, then for each of them, newest first, the UndoInfo of its
	// still linked before-image and its Undo (ErrVERRollback →
	// ErrVERIUndoReplacePhysical → ErrVERILogUndoInfo, ErrLGUndo), then a
	// Rollback of one level (ErrLGRollback).
	Rollbacks int
	// Deltas, when positive (with Rollbacks), makes every Deltas-th of
	// those nested levels update its nodes with versioned 32-bit Delta
	// records instead (an escrow update: ErrBTDelta → ErrNDDelta →
	// ErrLGDelta), one to three nodes of unique trees with at least four
	// data bytes, rolled back as the engine does: for each, newest
	// first, an Undo of operDelta and no UndoInfo
	// (ErrVERIUndoDeltaPhysical → ErrLGUndo: a delta's entry is never in
	// a page's undo-info chain), then the Rollback. Such a transaction
	// holds Undo records and no UndoInfo.
	Deltas int
}

// operDelta is the version store's operDelta (ver.hxx), the oper
// of the Undo of a 32-bit Delta.
const operDelta = 4

// NodeID names a node: a page and a line.
type NodeID struct {
	Pgno  uint32
	ILine int
}

// Log is a generated log with what it should do to the database.
type Log struct {
	Log []byte // the whole log file
	DB  []byte // the database file, its header made DirtyShutdown and attached at AttachPos
	// PageRecords counts the page records written (each one changes a
	// page: Replace, ReplaceD, Delta, Undo); Trx the committed
	// transactions.
	PageRecords int
	Trx         int
	// PageDBTime is each touched page's last dbtime in the log; NodeData
	// each changed node's data once recovered (the last committed: a
	// node an open transaction changed gets its data from before that
	// transaction back); Original its data in the corpus file.
	PageDBTime map[uint32]uint64
	NodeData   map[NodeID][]byte
	Original   map[NodeID][]byte
	// OpenTrx is the transactions left open (OpenTail); Rolled each node
	// they changed, with its data before them (what recovery's rollback
	// writes back), OpenData with the data they left in the log.
	OpenTrx  int
	Rolled   map[NodeID][]byte
	OpenData map[NodeID][]byte
	// OpenOps are the indexes (in Positions and Types) of the open
	// transactions' updates; NestedOps those of every update of the
	// transactions that rolled a nested level back (Rollbacks), both
	// levels.
	OpenOps   []int
	NestedOps []int
	// Nested counts the nested levels rolled back, Undos their Undo
	// records and UndoInfos their UndoInfo records (one per Undo of a
	// replace, none for a delta): recovery counts each Undo as redone,
	// each UndoInfo as skipped.
	Nested    int
	Undos     int
	UndoInfos int
	// DeltaLevels counts the nested levels of Delta records (Deltas),
	// DeltaOps their Delta records; DeltaNodes lists the node of each
	// (a node may repeat). A rolled-back Delta leaves its node's data as
	// it was: NodeData holds what they end with.
	DeltaLevels int
	DeltaOps    int
	DeltaNodes  []NodeID
	// Positions and Types list every record written (fill and fragments
	// excluded), in order.
	Positions []ese.LogPos
	Types     []eselog.RecordType
	AttachPos ese.LogPos
	Signature ese.Signature
	// RecordBytes is the bytes of all records written (fragment and
	// fill bytes excluded).
	RecordBytes int64
}

// Leaf is a leaf page of a table: its page number, the root page and
// object id of its tree, whether the tree's keys are unique, and its
// number of lines.
type Leaf struct {
	Pgno, FDP, Objid uint32
	Unique           bool
	Lines            int
}

// records decodes the generated log and returns its records of the
// types in f (every record when f is empty), in log order.
func (sl *Log) Records(tb testing.TB, f eselog.Filter) []eselog.Record {
	tb.Helper()
	l, err := eselog.OpenOptions(bytes.NewReader(sl.Log), int64(len(sl.Log)), eselog.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	var recs []eselog.Record
	for rec, err := range l.Records(context.Background(), f) {
		if err != nil {
			tb.Fatal(err)
		}
		recs = append(recs, rec)
	}
	return recs
}

// Build generates the log and the dirty database copy.
func Build(tb testing.TB, spec Spec) *Log {
	tb.Helper()
	db, err := os.ReadFile(testcorpus.Path(tb, spec.DB))
	if err != nil {
		tb.Fatal(err)
	}
	hdr, err := ese.DecodeDBHeader(db)
	if err != nil {
		tb.Fatal(err)
	}
	if hdr.State != ese.DBStateCleanShutdown {
		tb.Fatalf("%s is %v, want a clean database", spec.DB, hdr.State)
	}
	ps := hdr.EffectivePageSize()
	pages := map[uint32]*btree.Page{}
	page := func(pgno uint32) *btree.Page {
		if p := pages[pgno]; p != nil {
			return p
		}
		p, err := btree.NewPage(pgno, db[(int(pgno)+1)*ps:(int(pgno)+2)*ps])
		if err != nil {
			tb.Fatal(err)
		}
		pages[pgno] = p
		return p
	}
	// keyOf is the full key of line iline of page pgno.
	keyOf := func(pgno uint32, iline int) ([]byte, error) {
		p := page(pgno)
		n, err := p.Node(iline)
		if err != nil {
			return nil, err
		}
		return p.Key(n)
	}
	leaves, maxDBTime := TableLeaves(tb, db, ps, spec.MaxNode, page)
	maxDBTime = max(maxDBTime, hdr.DBTimeDirtied)
	rng := rand.New(rand.NewPCG(spec.Seed, spec.Seed^0x9E3779B97F4A7C15))
	rng.Shuffle(len(leaves), func(i, j int) { leaves[i], leaves[j] = leaves[j], leaves[i] })
	hot := leaves[:min(spec.HotPages, len(leaves))]
	if len(hot) == 0 {
		tb.Fatalf("%s has no table leaf pages", spec.DB)
	}

	t0 := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	tm := ese.LogTimeOf(t0)
	sig := ese.Signature{Random: 0x5EAD1065 ^ uint32(spec.Seed), Created: ese.LogTimeOf(t0.Add(-30 * 24 * time.Hour))}
	consistent := Consistent(spec.Gen)
	lh := LogHeader(spec.Gen, spec.Sectors, ps, sig, t0, t0.Add(-time.Hour), consistent)
	hb, err := lh.Encode()
	if err != nil {
		tb.Fatal(err)
	}

	w := testset.NewLogWriter(spec.Gen, spec.Sectors, tm)
	copy(w.File(), hb)
	if spec.OpenTail > 0 && (spec.Term || spec.Restore) {
		tb.Fatal("steady log: OpenTail goes with neither Term nor Restore")
	}
	out := &Log{PageDBTime: map[uint32]uint64{}, NodeData: map[NodeID][]byte{}, Original: map[NodeID][]byte{}, Signature: sig,
		Rolled: map[NodeID][]byte{}, OpenData: map[NodeID][]byte{}}
	var buf []byte
	put := func(r interface{ AppendEncode([]byte) []byte }, t eselog.RecordType) (ese.LogPos, error) {
		buf = r.AppendEncode(buf[:0])
		at, err := w.Add(buf)
		if err != nil {
			return at, err
		}
		out.Positions = append(out.Positions, at)
		out.Types = append(out.Types, t)
		out.RecordBytes += int64(len(buf))
		return at, nil
	}
	must := func(at ese.LogPos, err error) ese.LogPos {
		if err != nil {
			tb.Fatal(err)
		}
		return at
	}
	must2 := func(tx uint32, err error) uint32 {
		if err != nil {
			tb.Fatal(err)
		}
		return tx
	}
	initAt := must(put(&eselog.Init{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecInit2}, Params: lh.DbmsParam, Time: tm}, eselog.RecInit2))
	const dbid = 1
	out.AttachPos = must(put(Attach(dbid, consistent, hdr.DbSignature, sig, filepath.Base(spec.DB)), eselog.RecAttachDB))

	// The database as the engine leaves it after the attach: dirty,
	// attached at the AttachDB, required range this generation.
	hb2 := DirtyHeader(hdr, sig, out.AttachPos, consistent, tm, spec.Gen, ps)
	out.DB = slices.Clone(db)
	copy(out.DB[0:ps], hb2)
	copy(out.DB[ps:2*ps], hb2)

	// Current data of every changed node, and each page's dbtime.
	pageTime := map[uint32]uint64{}
	dbtime := maxDBTime
	trx := uint32(1000)
	rceid := uint32(5000)
	restoreCost := 0
	nodeData := func(pgno uint32, iline int) []byte {
		id := NodeID{pgno, iline}
		if d, ok := out.NodeData[id]; ok {
			return d
		}
		n, err := page(pgno).Node(iline)
		if err != nil {
			tb.Fatal(err)
		}
		out.Original[id] = slices.Clone(n.Data)
		out.NodeData[id] = slices.Clone(n.Data)
		return out.NodeData[id]
	}
	// replace logs one update of a node from its current data to nd.
	replace := func(procid uint16, trxBegin uint32, level uint8, leaf Leaf, iline int, nd []byte) (bool, error) {
		id := NodeID{leaf.Pgno, iline}
		old := out.NodeData[id]
		before, ok := pageTime[leaf.Pgno]
		if !ok {
			before = page(leaf.Pgno).Header.DBTimeDirtied
		}
		rceid++
		r := ReplaceRecord(tb, procid, dbid, trxBegin, level, leaf, iline, dbtime+1, before, rceid, old, nd)
		if !w.Room(50+len(r.Payload)+8, 0) {
			return false, nil
		}
		if _, err := put(r, r.Lrtyp); err != nil {
			return false, err
		}
		restoreCost += restoreBytes(tb, out.Original[id], nd) - restoreBytes(tb, out.Original[id], old)
		dbtime++
		pageTime[leaf.Pgno] = dbtime
		out.NodeData[id] = nd
		out.PageRecords++
		return true, nil
	}
	begin := func(procid uint16) (uint32, error) {
		trx++
		_, err := put(&eselog.Begin0{Begin: eselog.Begin{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecBegin0}, Procid: procid, LevelsToBegin: 1}, TrxBegin0: trx}, eselog.RecBegin0)
		return trx, err
	}
	commit := func(procid uint16) error {
		trx++
		_, err := put(&eselog.Commit0{Commit: eselog.Commit{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecCommit0}, Procid: procid}, TrxCommit0: trx}, eselog.RecCommit0)
		out.Trx++
		return err
	}
	hotFifth := max(1, len(hot)/5)
	// Room kept for the open transactions at the end and those after
	// them (each at most 270 bytes), and the KiB the last update asks
	// for.
	tailCost := 0
	if spec.OpenTail > 0 {
		tailCost = spec.OpenTail*(1+spec.OpenGap)*512 + 1024
	}
	// Keep room for the restore pass (a record per changed node, a
	// transaction per page), the open transactions and the ending
	// records.
	keep := func() int {
		k := 256 + tailCost
		if spec.Restore {
			k += restoreCost + 16*len(pageTime)
		}
		return k
	}
	// pick chooses a node of the hot set (80 % of the time of its first
	// fifth) and changes up to 8 of its bytes at a random place, a column
	// update; nd is nil when the node has no data or the bytes drawn are
	// the ones it holds.
	pick := func() (leaf Leaf, iline int, cur, nd []byte) {
		leaf = hot[rng.IntN(len(hot))]
		if rng.IntN(5) != 0 {
			leaf = hot[rng.IntN(hotFifth)]
		}
		iline = rng.IntN(leaf.Lines)
		cur = nodeData(leaf.Pgno, iline)
		if len(cur) == 0 {
			return leaf, iline, cur, nil
		}
		nd = slices.Clone(cur)
		k := min(len(nd), 1+rng.IntN(8))
		at := rng.IntN(len(nd) - k + 1)
		for i := at; i < at+k; i++ {
			nd[i] = byte(rng.Uint32())
		}
		if bytes.Equal(nd, cur) {
			return leaf, iline, cur, nil
		}
		return leaf, iline, cur, nd
	}
	// updates logs one to four updates of a transaction at level 1,
	// leaving the nodes in avoid alone; full reports that the log has no
	// room left.
	updates := func(procid uint16, tx uint32, avoid map[NodeID][]byte) (n int, full bool) {
		for range 1 + rng.IntN(4) {
			if !w.Room(1024, keep()) {
				return n, true
			}
			leaf, iline, _, nd := pick()
			if nd == nil {
				continue
			}
			if _, held := avoid[NodeID{leaf.Pgno, iline}]; held {
				continue
			}
			if ok, err := replace(procid, tx, 1, leaf, iline, nd); err != nil || !ok {
				return n, true
			}
			n++
		}
		return n, false
	}
	// nestedDeltas begins level 2, adds a delta to a 32-bit counter of
	// one to three nodes of unique trees there and rolls the level back,
	// as the engine logs it (Spec Deltas); it logs nothing when
	// the log has no room for it.
	nestedDeltas := func(procid uint16, tx uint32) bool {
		type op struct {
			leaf   Leaf
			iline  int
			key    []byte
			off    int
			delta  int32
			rceid  uint32
			before uint64 // page dbtime before the Delta
		}
		var ops []op
		cost := 2 * 4
		for range 1 + rng.IntN(3) {
			leaf, iline, cur, _ := pick()
			if !leaf.Unique || len(cur) < 4 || len(cur) > 2048 ||
				slices.ContainsFunc(ops, func(o op) bool { return o.leaf.Pgno == leaf.Pgno && o.iline == iline }) {
				continue
			}
			key, err := keyOf(leaf.Pgno, iline)
			if err != nil {
				tb.Fatal(err)
			}
			// A small increment or decrement of the value at a random
			// offset that neither wraps as an unsigned nor as a signed
			// 32-bit number (an escrow counter stays in range).
			off := rng.IntN(len(cur) - 3)
			v := bin.U32(cur, off)
			d := int64(1 + rng.IntN(1000))
			if rng.IntN(2) == 0 {
				d = -d
			}
			sane := func(d int64) bool {
				u, i := int64(v)+d, int64(int32(v))+d
				return u >= 0 && u <= 0xFFFFFFFF && i >= -1<<31 && i < 1<<31
			}
			if !sane(d) {
				d = -d // one direction always stays in range: |d| ≤ 1000
			}
			ops = append(ops, op{leaf: leaf, iline: iline, key: key, off: off, delta: int32(d)})
			// The Delta (LRDELTA32 and the bookmark key) and its Undo
			// (LRUNDO and the bookmark key), each with room for a
			// fragment header.
			cost += 54 + len(key) + 51 + len(key) + 2*8
		}
		if len(ops) == 0 || !w.Room(cost, keep()) {
			return false
		}
		// The deferred begin of level 2, logged by the first Delta
		// (ErrLGDelta → ErrLGDeferBeginTransaction).
		must(put(&eselog.Begin{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecBegin}, Procid: procid, LevelBeginFrom: 1, LevelsToBegin: 1}, eselog.RecBegin))
		for i := range ops {
			o := &ops[i]
			before, ok := pageTime[o.leaf.Pgno]
			if !ok {
				before = page(o.leaf.Pgno).Header.DBTimeDirtied
			}
			rceid++
			o.rceid = rceid
			// ErrLGDelta: versioned (no fDIRNoVersion), unique (the
			// table's FCB), trxBegin0 and level of the session
			// (LGISetTrx), the delta's rceid, the bookmark (the whole key,
			// no data: Assert(0 == bm.data.Cb())), the delta and cbOffset.
			r := &eselog.Delta{NodeHeader: eselog.NodeHeader{PageHeader: eselog.PageHeader{
				RecordBase: eselog.RecordBase{Lrtyp: eselog.RecDelta}, Procid: procid, Dbid: dbid,
				PageNumber: o.leaf.Pgno, After: dbtime + 1, Before: before, TrxBegin0: tx, Level: 2,
				Line: uint16(o.iline), Flags: eselog.NodeVersioned | eselog.NodeUnique}, RCEID: o.rceid,
				PgnoFDP: o.leaf.FDP, ObjidFDP: o.leaf.Objid},
				Delta: int64(o.delta), Offset: uint16(o.off), BookmarkKey: o.key}
			must(put(r, eselog.RecDelta))
			dbtime++
			pageTime[o.leaf.Pgno] = dbtime
			out.PageRecords++
			out.DeltaOps++
			out.DeltaNodes = append(out.DeltaNodes, NodeID{o.leaf.Pgno, o.iline})
		}
		// ErrVERRollback, newest first: ErrVERIUndoDeltaPhysical logs no
		// UndoInfo (Assert(pgnoNull == prce->PgnoUndoInfo())), only
		// ErrLGUndo: not versioned, unique, trxBegin0 and level of the
		// session, level and oper of the entry (operDelta, 4), its rceid
		// and bookmark; redo subtracts the entry's delta again.
		for i := len(ops) - 1; i >= 0; i-- {
			o := ops[i]
			must(put(&eselog.Undo{NodeHeader: eselog.NodeHeader{PageHeader: eselog.PageHeader{
				RecordBase: eselog.RecordBase{Lrtyp: eselog.RecUndo}, Procid: procid, Dbid: dbid,
				PageNumber: o.leaf.Pgno, After: dbtime + 1, Before: pageTime[o.leaf.Pgno], TrxBegin0: tx, Level: 2,
				Line: uint16(o.iline), Flags: eselog.NodeUnique}, RCEID: o.rceid, PgnoFDP: o.leaf.FDP, ObjidFDP: o.leaf.Objid},
				Oper: operDelta, UndoLevel: 2, BookmarkKey: o.key}, eselog.RecUndo))
			dbtime++
			pageTime[o.leaf.Pgno] = dbtime
			out.PageRecords++
			out.Undos++
		}
		must(put(&eselog.Rollback{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecRollback}, Procid: procid, LevelRollback: 1}, eselog.RecRollback))
		out.Nested++
		out.DeltaLevels++
		return true
	}
	// nested begins level 2, updates one to three nodes of unique trees
	// there and rolls the level back, as the engine logs it (Spec
	// Rollbacks); it logs nothing when the log has no room for it.
	nested := func(procid uint16, tx uint32) bool {
		if spec.Deltas > 0 && (out.Nested+1)%spec.Deltas == 0 {
			return nestedDeltas(procid, tx)
		}
		type op struct {
			leaf            Leaf
			iline           int
			key, before, nd []byte
			rceid           uint32
		}
		var ops []op
		cost := 2 * 4
		for range 1 + rng.IntN(3) {
			leaf, iline, cur, nd := pick()
			if nd == nil || !leaf.Unique || len(cur) > 2048 ||
				slices.ContainsFunc(ops, func(o op) bool { return o.leaf.Pgno == leaf.Pgno && o.iline == iline }) {
				continue
			}
			key, err := keyOf(leaf.Pgno, iline)
			if err != nil {
				tb.Fatal(err)
			}
			ops = append(ops, op{leaf: leaf, iline: iline, key: key, before: cur, nd: nd})
			// The update (at most the after-image), its UndoInfo (with
			// the before-image) and its Undo, each with room for a
			// fragment header.
			cost += 50 + len(nd) + 56 + len(key) + len(cur) + 51 + len(key) + 3*8
		}
		if len(ops) == 0 || !w.Room(cost, keep()) {
			return false
		}
		must(put(&eselog.Begin{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecBegin}, Procid: procid, LevelBeginFrom: 1, LevelsToBegin: 1}, eselog.RecBegin))
		for i := range ops {
			o := &ops[i]
			if ok, err := replace(procid, tx, 2, o.leaf, o.iline, o.nd); err != nil || !ok {
				tb.Fatalf("no room left for a nested update: %v", err)
			}
			o.rceid = rceid
		}
		for i := len(ops) - 1; i >= 0; i-- {
			o := ops[i]
			id := NodeID{o.leaf.Pgno, o.iline}
			hdr := eselog.NodeHeader{PageHeader: eselog.PageHeader{
				RecordBase: eselog.RecordBase{Lrtyp: eselog.RecUndoInfo}, Procid: procid, Dbid: dbid,
				PageNumber: o.leaf.Pgno, After: eselog.DBTimeNil, Before: eselog.DBTimeNil, TrxBegin0: tx, Level: 2,
				Flags: eselog.NodeUnique}, RCEID: o.rceid, PgnoFDP: o.leaf.FDP, ObjidFDP: o.leaf.Objid}
			// A same-length replace: cbMaxSize is the before-image's
			// length, cbDelta 0 (VERREPLACE).
			must(put(&eselog.UndoInfo{NodeHeader: hdr, Oper: eselog.OperReplace, CbMaxSize: int16(len(o.before)),
				BookmarkKey: o.key, Data: o.before}, eselog.RecUndoInfo))
			hdr.Lrtyp = eselog.RecUndo
			hdr.After, hdr.Before, hdr.Line = dbtime+1, pageTime[o.leaf.Pgno], uint16(o.iline)
			must(put(&eselog.Undo{NodeHeader: hdr, Oper: eselog.OperReplace, UndoLevel: 2, BookmarkKey: o.key}, eselog.RecUndo))
			restoreCost += restoreBytes(tb, out.Original[id], o.before) - restoreBytes(tb, out.Original[id], o.nd)
			dbtime++
			pageTime[o.leaf.Pgno] = dbtime
			out.NodeData[id] = o.before
			out.PageRecords++
			out.Undos++
			out.UndoInfos++
		}
		must(put(&eselog.Rollback{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecRollback}, Procid: procid, LevelRollback: 1}, eselog.RecRollback))
		out.Nested++
		return true
	}
	isUpdate := func(t eselog.RecordType) bool {
		return t == eselog.RecReplace || t == eselog.RecReplaceD || t == eselog.RecDelta
	}
	for s := 0; ; s++ {
		procid := uint16(8 + s%max(1, spec.Sessions))
		if !w.Room(256, keep()) {
			break
		}
		tx, err := begin(procid)
		if err != nil {
			break
		}
		first := len(out.Types)
		n, full := updates(procid, tx, nil)
		if spec.Rollbacks > 0 && !full && n > 0 && (s+1)%spec.Rollbacks == 0 && nested(procid, tx) {
			for i := first; i < len(out.Types); i++ {
				if isUpdate(out.Types[i]) {
					out.NestedOps = append(out.NestedOps, i)
				}
			}
		}
		if err := commit(procid); err != nil {
			break
		}
		if full {
			break
		}
	}
	if spec.Restore {
		// Write every changed node back, a transaction per page.
		ids := make([]NodeID, 0, len(out.NodeData))
		for id := range out.NodeData {
			ids = append(ids, id)
		}
		slices.SortFunc(ids, func(a, b NodeID) int {
			if a.Pgno != b.Pgno {
				return int(a.Pgno) - int(b.Pgno)
			}
			return a.ILine - b.ILine
		})
		leafOf := map[uint32]Leaf{}
		for _, l := range hot {
			leafOf[l.Pgno] = l
		}
		procid := uint16(7)
		var tx uint32
		for i, id := range ids {
			if i == 0 || ids[i-1].Pgno != id.Pgno {
				if i > 0 {
					must(ese.LogPos{}, commit(procid))
				}
				if tx, err = begin(procid); err != nil {
					tb.Fatal(err)
				}
			}
			if bytes.Equal(out.NodeData[id], out.Original[id]) {
				continue
			}
			if ok, err := replace(procid, tx, 1, leafOf[id.Pgno], id.ILine, slices.Clone(out.Original[id])); err != nil || !ok {
				tb.Fatalf("no room left to restore node %v: %v", id, err)
			}
		}
		if len(ids) > 0 {
			must(ese.LogPos{}, commit(procid))
		}
	}
	if spec.OpenTail > 0 {
		tailCost = 0
		s := 0
		for i := range spec.OpenTail {
			procid := uint16(8 + max(1, spec.Sessions) + i)
			tx := must2(begin(procid))
			for n, tries := 1+rng.IntN(3), 0; n > 0; tries++ {
				if tries == 1000 {
					tb.Fatal("steady log: no free node for an open transaction")
				}
				leaf, iline, cur, nd := pick()
				id := NodeID{leaf.Pgno, iline}
				if _, held := out.Rolled[id]; nd == nil || held {
					continue
				}
				if ok, err := replace(procid, tx, 1, leaf, iline, nd); err != nil || !ok {
					tb.Fatalf("no room left for an open transaction: %v", err)
				}
				out.Rolled[id], out.OpenData[id] = cur, nd
				out.OpenOps = append(out.OpenOps, len(out.Types)-1)
				n--
			}
			out.OpenTrx++
			for range spec.OpenGap {
				procid := uint16(8 + s%max(1, spec.Sessions))
				s++
				tx := must2(begin(procid))
				if _, full := updates(procid, tx, out.Rolled); full {
					tb.Fatal("steady log: no room left for the transactions after an open one")
				}
				must(ese.LogPos{}, commit(procid))
			}
		}
		for id, d := range out.Rolled {
			out.NodeData[id] = d
		}
	}
	if spec.Term {
		must(put(&eselog.Mark{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecShutDownMark}}, eselog.RecShutDownMark))
		must(put(&eselog.Term{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecTerm2}, Lgpos: initAt, Time: tm}, eselog.RecTerm2))
	}
	w.Finish()
	out.Log = w.File()
	for pg, t := range pageTime {
		out.PageDBTime[pg] = t
	}
	return out
}

// WriteSet writes the database copy and the log (as the current
// log, edb.log) into dir and returns the database's path.
func WriteSet(tb testing.TB, dir string, spec Spec, sl *Log) string {
	tb.Helper()
	db := filepath.Join(dir, filepath.Base(spec.DB))
	if err := os.WriteFile(db, sl.DB, 0o644); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "edb.log"), sl.Log, 0o644); err != nil {
		tb.Fatal(err)
	}
	return db
}

// TableLeaves lists the leaf pages of tables (not indexes, long values
// or space trees) of the database db of ps-byte pages, read through page,
// with their tree's root (not a space tree's), and returns the highest
// page dbtime. Pages holding a node larger than maxNode bytes are left
// out when maxNode is positive.
func TableLeaves(tb testing.TB, db []byte, ps, maxNode int, page func(uint32) *btree.Page) ([]Leaf, uint64) {
	tb.Helper()
	roots := map[uint32]uint32{}
	var leaves []Leaf
	var maxDBTime uint64
	for pgno := uint32(1); (int(pgno)+2)*ps <= len(db); pgno++ {
		if bin.IsZero(db[(int(pgno)+1)*ps : (int(pgno)+2)*ps]) {
			continue
		}
		p := page(pgno)
		maxDBTime = max(maxDBTime, p.Header.DBTimeDirtied)
		f := p.Flags()
		if f&ese.PageRoot != 0 && f&ese.PageSpaceTree == 0 {
			roots[p.Header.ObjidFDP] = pgno
		}
		if f&ese.PageLeaf != 0 && f&(ese.PageSpaceTree|ese.PageIndex|ese.PageLongValue|ese.PageEmpty) == 0 && p.Lines() > 0 {
			if maxNode > 0 && largestNode(tb, p) > maxNode {
				continue
			}
			leaves = append(leaves, Leaf{Pgno: pgno, Objid: p.Header.ObjidFDP, Unique: f&ese.PageNonUniqueKeys == 0, Lines: p.Lines()})
		}
	}
	for i := range leaves {
		leaves[i].FDP = roots[leaves[i].Objid]
	}
	return leaves, maxDBTime
}

// Consistent is where the generated logs of first generation gen say
// the databases were last consistent: the clean shutdown of the instance
// near the end of the generation before.
func Consistent(gen ese.Generation) ese.LogPos {
	return ese.LogPos{Generation: gen - 1, Sector: 0x40, Offset: 0x1F}
}

// LogHeader is the header of a generated log of generation gen: a modern
// header of ps-byte pages in the format of the Windows 10 writers
// (8.4000.60.140), sectors 4 KiB segments long, created at created, the
// previous generation at prevCreated, with checkpoint the checkpoint of
// its creation.
func LogHeader(gen ese.Generation, sectors, ps int, sig ese.Signature, created, prevCreated time.Time, checkpoint ese.LogPos) *eselog.FileHeader {
	lh := testset.LogHeader(gen, sectors, ps, sig, created, prevCreated)
	lh.VersionUpdateMajor, lh.VersionUpdateMinor = 60, 140
	lh.CheckpointAtCreation = checkpoint
	lh.PrevLogAccumulatedChecksum = 0
	return lh
}

// Attach is the AttachDB of database dbid, last consistent at consistent,
// as the engine logs it for D:\Data\name.
func Attach(dbid uint8, consistent ese.LogPos, signDb, signLog ese.Signature, name string) *eselog.AttachDB {
	return &eselog.AttachDB{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecAttachDB}, Procid: 1, Dbid: dbid,
		Consistent: consistent, SignDb: signDb, SignLog: signLog, Flags: eselog.DBUnicodeNames,
		PathBytes: bin.AppendUTF16(nil, `D:\Data\`+name+"\x00")}
}

// DirtyHeader turns a clean database's header into the one the engine
// leaves after the attach of a log stream: dirty, attached at attach,
// required range gen..gen. It returns the encoded page of ps bytes.
func DirtyHeader(hdr *ese.DBHeader, sig ese.Signature, attach, consistent ese.LogPos, tm ese.LogTime, gen ese.Generation, ps int) []byte {
	hdr.State = ese.DBStateDirtyShutdown
	hdr.LogSignature = sig
	hdr.AttachPos, hdr.AttachTime = attach, tm
	hdr.ConsistentPos = consistent
	hdr.DetachPos = consistent
	hdr.GenMinRequired, hdr.GenMaxRequired = gen, gen
	hdr.GenMaxCreateTime, hdr.GenMaxRequiredTime = tm, tm
	return hdr.Encode(ps)
}

// ReplaceRecord is the versioned update of node iline of leaf from old
// to nd (same length) at dbtime after, the page being at before: a
// ReplaceD when the diff is smaller than the after-image, as the engine
// chooses, else a Replace.
func ReplaceRecord(tb testing.TB, procid uint16, dbid uint8, trxBegin uint32, level uint8, leaf Leaf, iline int, after, before uint64, rceid uint32, old, nd []byte) *eselog.Replace {
	r := Replace(procid, dbid, trxBegin, level, leaf, iline, after, before, rceid, len(nd))
	if diff := replaceDiff(tb, old, nd); len(diff) < len(nd) {
		r.Lrtyp, r.Diff2, r.Payload = eselog.RecReplaceD, true, diff
	} else {
		r.Payload = nd
	}
	return r
}

// Replace is the Replace record of a same-length update of cb bytes of
// node iline of leaf, without its payload.
func Replace(procid uint16, dbid uint8, trxBegin uint32, level uint8, leaf Leaf, iline int, after, before uint64, rceid uint32, cb int) *eselog.Replace {
	flags := eselog.NodeVersioned
	if leaf.Unique {
		flags |= eselog.NodeUnique
	}
	return &eselog.Replace{NodeHeader: eselog.NodeHeader{PageHeader: eselog.PageHeader{
		RecordBase: eselog.RecordBase{Lrtyp: eselog.RecReplace}, Procid: procid, Dbid: dbid,
		PageNumber: leaf.Pgno, After: after, Before: before, TrxBegin0: trxBegin, Level: level,
		Line: uint16(iline), Flags: flags}, RCEID: rceid, PgnoFDP: leaf.FDP, ObjidFDP: leaf.Objid},
		CbOldData: uint16(cb), CbNewData: uint16(cb)}
}

// largestNode is the size of the largest node data on p.
func largestNode(tb testing.TB, p *btree.Page) int {
	n := 0
	for i := range p.Lines() {
		nd, err := p.Node(i)
		if err != nil {
			tb.Fatal(err)
		}
		n = max(n, len(nd.Data))
	}
	return n
}

// replaceDiff is the ReplaceD payload (DIFFHDR2 entries) turning old into
// nd (same length): one same-length entry per run of changed bytes, runs
// closer than 8 bytes merged.
func replaceDiff(tb testing.TB, old, nd []byte) []byte {
	var es []eselog.DiffEntry
	for i := 0; i < len(nd); {
		if old[i] == nd[i] {
			i++
			continue
		}
		j, last := i, i
		for j < len(nd) && j-last < 8 {
			if old[j] != nd[j] {
				last = j
			}
			j++
		}
		es = append(es, eselog.DiffEntry{Offset: i, Flags: eselog.DiffSameLength, OldLen: last + 1 - i, New: nd[i : last+1]})
		i = last + 1
	}
	d, err := eselog.AppendDiff(nil, es, true)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// restoreBytes is the log bytes of the record writing orig back over
// cur (0 when they are equal).
func restoreBytes(tb testing.TB, orig, cur []byte) int {
	if bytes.Equal(orig, cur) {
		return 0
	}
	return 50 + min(len(orig), len(replaceDiff(tb, cur, orig)))
}
