package recovery

import (
	"bufio"
	"encoding/json"
	"fmt"
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
	"github.com/esekit/esekit/internal/steadylog"
	"github.com/esekit/esekit/internal/testcorpus"
	"github.com/esekit/esekit/internal/testset"
)

// This file generates recovery sets at scale: a database grown from a
// clean corpus database to any size and many generations of steady-state
// logs (the records of internal/steadylog) whose updates reach pages all
// over the file, so that replay through a page cache much smaller than
// the database must evict, write back and read again. It writes to a
// folder as it goes and keeps only the expected state of a sample of
// pages in memory, so that sets of gigabytes can be made.
//
// The database: the corpus file's pages, then copies of its table leaf
// pages (rows up to 1 KiB) given new page numbers (PGHDR2 pgno and
// checksums rewritten) up to the requested size. The copies keep their
// tree's object id and root, and are not linked into that tree: replay
// addresses pages by number and the redo gates test the page's dbtime,
// not its place in a tree (as the engine's redo does), so they are pages
// the logs may update like the corpus's own; a tree walk does not reach
// them.
//
// The logs: Init2 and AttachDB at the start of the first generation, then
// transactions of one to four versioned ReplaceD records (one
// same-length diff entry of 1-8 random bytes at a random place of a node
// of at least 16 bytes) and a Commit0, four sessions taking turns, each
// generation ending with its last whole transaction and NOP-filled
// segments (an archived generation is full), the last one (edb.log)
// after its last commit, as after a crash. The page of each update: with
// probability ColdPermille/1000 any candidate page; otherwise a page of a
// window of Window candidate pages that sweeps the candidates from first
// to last as the logs grow (a moving hot set: a load or a time-ordered
// table). The candidates are the corpus's table leaves and all copies.

// scaleSpec describes a generated set.
type scaleSpec struct {
	// DB is the corpus path of the clean database (32 KiB pages) grown.
	DB string
	// FilePages is the database's size in pages, the two header pages
	// included.
	FilePages int
	// LogBytes is how many bytes of records the logs hold at least.
	LogBytes int64
	// Sectors is each log file's size in 4 KiB segments.
	Sectors int
	// Gen is the first generation.
	Gen ese.Generation
	// Window and ColdPermille shape the page choice (see above).
	Window       int
	ColdPermille int
	// Sample is how many candidate pages, drawn at random, have their
	// expected final bytes recorded (0: every candidate page).
	Sample int
	Seed   uint64
}

// scalePage is a sampled page's expected state after recovery: its
// dbtime and the data of each of its nodes.
type scalePage struct {
	Pgno   uint32
	DBTime uint64
	Nodes  [][]byte
}

// scaleSet is a generated set, as written to scale.json in its folder.
type scaleSet struct {
	Spec  scaleSpec
	DB    string // file name of the database in the folder
	Logs  int    // generations written
	Bytes int64  // size of the database file
	// Records, RecordBytes and PageRecords count the records written
	// (fill excluded), their bytes and the ReplaceD records among them;
	// Touched the distinct pages they update; Candidates the pages they
	// could update.
	Records     int64
	RecordBytes int64
	PageRecords int64
	Touched     int
	Candidates  int
	Sample      []scalePage
}

const scaleManifest = "scale.json"

// scaleTemplate is a table leaf page of the corpus file that copies are
// made of.
type scaleTemplate struct {
	leaf   steadylog.Leaf
	b      []byte   // the page
	dbtime uint64   // its dbtime
	nodes  [][]byte // data of each line
	lines  []int    // lines with at least 16 data bytes
}

// writeScaleSet generates a set into dir (which must exist) and writes
// its manifest.
func writeScaleSet(tb testing.TB, dir string, spec scaleSpec) *scaleSet {
	tb.Helper()
	db, err := os.ReadFile(testcorpus.Path(tb, spec.DB))
	if err != nil {
		tb.Fatal(err)
	}
	hdr, err := ese.DecodeDBHeader(db)
	if err != nil {
		tb.Fatal(err)
	}
	ps := hdr.EffectivePageSize()
	if hdr.State != ese.DBStateCleanShutdown || ps != 32768 {
		tb.Fatalf("%s is %v with %d-byte pages, want a clean database of 32 KiB pages", spec.DB, hdr.State, ps)
	}
	corpusPages := len(db) / ps
	if spec.FilePages < corpusPages {
		tb.Fatalf("%d pages asked, the corpus file has %d", spec.FilePages, corpusPages)
	}
	page := func(pgno uint32) *btree.Page {
		p, err := btree.NewPage(pgno, db[(int(pgno)+1)*ps:(int(pgno)+2)*ps])
		if err != nil {
			tb.Fatal(err)
		}
		return p
	}
	leaves, maxDBTime := steadylog.TableLeaves(tb, db, ps, 1024, page)
	maxDBTime = max(maxDBTime, hdr.DBTimeDirtied)
	var tmpls []scaleTemplate
	for _, l := range leaves {
		p := page(l.Pgno)
		t := scaleTemplate{leaf: l, b: p.Bytes(), dbtime: p.Header.DBTimeDirtied}
		for i := range p.Lines() {
			n, err := p.Node(i)
			if err != nil {
				tb.Fatal(err)
			}
			t.nodes = append(t.nodes, n.Data)
			if len(n.Data) >= 16 {
				t.lines = append(t.lines, i)
			}
		}
		if len(t.lines) > 0 {
			tmpls = append(tmpls, t)
		}
	}
	if len(tmpls) == 0 {
		tb.Fatalf("%s has no table leaf page with nodes of 16 bytes", spec.DB)
	}
	// Candidate c: the corpus's own leaf tmpls[c], or the copy at page
	// firstCopy+c-len(tmpls), made of tmpls[pgno%len(tmpls)].
	firstCopy := uint32(corpusPages - 1)
	candidates := len(tmpls) + spec.FilePages - corpusPages
	candidate := func(c int) (uint32, *scaleTemplate) {
		if c < len(tmpls) {
			return tmpls[c].leaf.Pgno, &tmpls[c]
		}
		pgno := firstCopy + uint32(c-len(tmpls))
		t := &tmpls[int(pgno)%len(tmpls)]
		return pgno, t
	}

	rng := rand.New(rand.NewPCG(spec.Seed, spec.Seed^0x5CA1E))
	set := &scaleSet{Spec: spec, DB: filepath.Base(spec.DB), Candidates: candidates}
	sample := map[uint32]*scalePage{}
	addSample := func(c int) {
		pgno, t := candidate(c)
		if sample[pgno] == nil {
			sp := &scalePage{Pgno: pgno, DBTime: t.dbtime}
			for _, n := range t.nodes {
				sp.Nodes = append(sp.Nodes, slices.Clone(n))
			}
			sample[pgno] = sp
		}
	}
	if spec.Sample == 0 {
		for c := range candidates {
			addSample(c)
		}
	} else {
		for range spec.Sample {
			addSample(rng.IntN(candidates))
		}
	}

	t0 := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	created := func(g ese.Generation) time.Time { return t0.Add(time.Duration(g-spec.Gen) * time.Minute) }
	sig := ese.Signature{Random: 0x5CA1E000 ^ uint32(spec.Seed), Created: ese.LogTimeOf(t0.Add(-30 * 24 * time.Hour))}
	consistent := steadylog.Consistent(spec.Gen)
	gen := spec.Gen
	var lh *eselog.FileHeader
	var w *testset.LogWriter
	startLog := func() {
		prev := t0.Add(-time.Hour)
		if gen > spec.Gen {
			prev = created(gen - 1)
		}
		lh = steadylog.LogHeader(gen, spec.Sectors, ps, sig, created(gen), prev, consistent)
		hb, err := lh.Encode()
		if err != nil {
			tb.Fatal(err)
		}
		w = testset.NewLogWriter(gen, spec.Sectors, lh.CreateTime)
		copy(w.File(), hb)
	}
	writeLog := func(name string) {
		if err := os.WriteFile(filepath.Join(dir, name), w.File(), 0o644); err != nil {
			tb.Fatal(err)
		}
		set.Logs++
	}
	var buf []byte
	put := func(r interface{ AppendEncode([]byte) []byte }) ese.LogPos {
		buf = r.AppendEncode(buf[:0])
		at, err := w.Add(buf)
		if err != nil {
			tb.Fatal(err)
		}
		set.Records++
		set.RecordBytes += int64(len(buf))
		return at
	}
	startLog()
	const dbid = 1
	put(&eselog.Init{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecInit2}, Params: lh.DbmsParam, Time: lh.CreateTime})
	attach := put(steadylog.Attach(dbid, consistent, hdr.DbSignature, sig, set.DB))
	set.Bytes = writeScaleDB(tb, filepath.Join(dir, set.DB), db, steadylog.DirtyHeader(hdr, sig, attach, consistent, lh.CreateTime, spec.Gen, ps),
		spec.FilePages, func(pgno uint32) []byte { _, t := candidate(len(tmpls) + int(pgno-firstCopy)); return t.b })

	// Each page's dbtime (0: the template's).
	pageTime := make([]uint64, spec.FilePages)
	touched := 0
	dbtime := maxDBTime
	trx, rceid := uint32(1000), uint32(5000)
	window := min(spec.Window, candidates)
	var nb [8]byte
	for s := 0; set.RecordBytes < spec.LogBytes; s++ {
		// A transaction is at most 4 updates of 70 bytes and 2 records of
		// 16: it goes whole into this generation or the next.
		if !w.Room(4*70+2*16+64, 0) {
			w.Fill()
			writeLog(fmt.Sprintf("edb%05X.log", gen))
			gen++
			startLog()
		}
		procid := uint16(8 + s%4)
		trx++
		tx := trx
		put(&eselog.Begin0{Begin: eselog.Begin{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecBegin0}, Procid: procid, LevelsToBegin: 1}, TrxBegin0: tx})
		for range 1 + rng.IntN(4) {
			c := rng.IntN(candidates)
			if rng.IntN(1000) >= spec.ColdPermille {
				from := int(float64(candidates-window) * float64(set.RecordBytes) / float64(spec.LogBytes))
				c = min(from, candidates-window) + rng.IntN(window)
			}
			pgno, t := candidate(c)
			iline := t.lines[rng.IntN(len(t.lines))]
			cb := len(t.nodes[iline])
			k := 1 + rng.IntN(8)
			at := rng.IntN(cb - k + 1)
			for i := range k {
				nb[i] = byte(rng.Uint32())
			}
			before := pageTime[pgno]
			if before == 0 {
				before = t.dbtime
				touched++
			}
			leaf := t.leaf
			leaf.Pgno = pgno
			rceid++
			r := steadylog.Replace(procid, dbid, tx, 1, leaf, iline, dbtime+1, before, rceid, cb)
			diff, err := eselog.AppendDiff(nil, []eselog.DiffEntry{{Offset: at, Flags: eselog.DiffSameLength, OldLen: k, New: nb[:k]}}, true)
			if err != nil {
				tb.Fatal(err)
			}
			r.Lrtyp, r.Diff2, r.Payload = eselog.RecReplaceD, true, diff
			put(r)
			dbtime++
			pageTime[pgno] = dbtime
			set.PageRecords++
			if sp := sample[pgno]; sp != nil {
				copy(sp.Nodes[iline][at:], nb[:k])
				sp.DBTime = dbtime
			}
		}
		trx++
		put(&eselog.Commit0{Commit: eselog.Commit{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecCommit0}, Procid: procid}, TrxCommit0: trx})
	}
	w.Finish()
	writeLog("edb.log")
	set.Touched = touched
	for _, sp := range sample {
		set.Sample = append(set.Sample, *sp)
	}
	slices.SortFunc(set.Sample, func(a, b scalePage) int { return int(a.Pgno) - int(b.Pgno) })
	m, err := json.Marshal(set)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, scaleManifest), m, 0o644); err != nil {
		tb.Fatal(err)
	}
	return set
}

// writeScaleDB writes the grown database: the dirty header twice, the
// corpus file's pages, then copies of copyOf(pgno) up to filePages pages,
// each with its page number and checksums. It returns the file's size.
func writeScaleDB(tb testing.TB, path string, corpus, header []byte, filePages int, copyOf func(pgno uint32) []byte) int64 {
	tb.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 4<<20)
	ps := len(header)
	write := func(b []byte) {
		if _, err := bw.Write(b); err != nil {
			tb.Fatal(err)
		}
	}
	write(header)
	write(header)
	write(corpus[2*ps:])
	pb := make([]byte, ps)
	for pgno := uint32(len(corpus)/ps - 1); int(pgno)+2 <= filePages; pgno++ {
		copy(pb, copyOf(pgno))
		bin.PutU32(pb, ese.PagePgnoOffset, pgno)
		ese.SetPageChecksum(pb, pgno)
		write(pb)
	}
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return int64(filePages) * int64(ps)
}

// readScaleSet reads the manifest of a set written by writeScaleSet.
func readScaleSet(tb testing.TB, dir string) *scaleSet {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(dir, scaleManifest))
	if err != nil {
		tb.Fatal(err)
	}
	var set scaleSet
	if err := json.Unmarshal(b, &set); err != nil {
		tb.Fatal(err)
	}
	return &set
}

// checkScaleOutput compares the sampled pages of the recovered database
// with their expected state: valid checksums, the last dbtime the logs
// gave them, and every node's data.
func checkScaleOutput(tb testing.TB, path string, set *scaleSet) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || st.Size() != set.Bytes {
		tb.Fatalf("output: %v, want %d bytes", err, set.Bytes)
	}
	const ps = 32768
	for _, sp := range set.Sample {
		b := make([]byte, ps)
		if _, err := f.ReadAt(b, (int64(sp.Pgno)+1)*ps); err != nil {
			tb.Fatal(err)
		}
		if !ese.ComputePageChecksums(b, sp.Pgno).OK() {
			tb.Errorf("page %d: checksum does not verify", sp.Pgno)
			continue
		}
		p, err := btree.NewPage(sp.Pgno, b)
		if err != nil {
			tb.Fatal(err)
		}
		if p.Header.DBTimeDirtied != sp.DBTime || p.Lines() != len(sp.Nodes) {
			tb.Errorf("page %d: dbtime %d, %d lines; want %d, %d", sp.Pgno, p.Header.DBTimeDirtied, p.Lines(), sp.DBTime, len(sp.Nodes))
			continue
		}
		for i, want := range sp.Nodes {
			n, err := p.Node(i)
			if err != nil {
				tb.Fatal(err)
			}
			if string(n.Data) != string(want) {
				tb.Errorf("page %d line %d: data differs from the last logged", sp.Pgno, i)
			}
		}
	}
}
