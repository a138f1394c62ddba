package redo

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/dsnet/golib/memfile"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testcorpus"
)

// replayIntoEmpty replays every page-touching record of a log's database
// dbid into an empty file of pageSize pages. It returns the file and the
// number of records redone per type.
func replayIntoEmpty(t *testing.T, logRel string, dbid uint8, pageSize int) (*memfile.File, map[eselog.RecordType]int) {
	t.Helper()
	f, err := os.Open(testcorpus.Path(t, logRel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	lg, err := eselog.Open(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	db := memfile.New(make([]byte, 2*pageSize))
	s, err := NewPageStore(db, pageSize, &PageStoreOptions{CacheBytes: 8 * int64(pageSize)})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[eselog.RecordType]int{}
	for r, err := range lg.Records(context.Background(), eselog.Filter{DBIDs: []uint8{dbid}}) {
		if err != nil {
			t.Fatal(err)
		}
		if !IsPageRedoRecord(r) {
			if _, ok := r.(eselog.PageRecord); ok {
				t.Errorf("page record %v at %v has no redo", r.Type(), r.Pos())
			}
			continue
		}
		res, err := RedoRecord(s, r, RedoOptions{})
		if err != nil {
			t.Fatalf("%v", err)
		}
		if len(res.Skipped) > 0 {
			t.Errorf("%v at %v: pages %v skipped in a replay from creation", r.Type(), r.Pos(), res.Skipped)
		}
		counts[r.Type()]++
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	return db, counts
}

// TestRebuildIndexedDBFromLog is issue 6's rebuild test: appdata/edb.log
// holds the whole life of appdata/IndexedDB.edb, from CreateDB to
// DetachDB. Every page-touching record of it is replayed into an empty
// file; every page of the result must be logically equal to the real page
// (same page numbers, dbtimes, flags, tags and node bytes) and carry valid
// checksums.
func TestRebuildIndexedDBFromLog(t *testing.T) {
	const ps = 32768
	real := testcorpus.Read(t, "appdata/IndexedDB.edb")
	db, counts := replayIntoEmpty(t, "appdata/edb.log", 1, ps)
	t.Logf("records redone: %v", counts)
	got := db.Bytes()
	// The log's last ExtendDB names page 78, so the replayed file holds
	// 80 pages; the real file is 16 pages (one 512 KiB extension) longer,
	// grown without a log record. Those pages are all zero in the real
	// file, which the page loop below checks.
	if len(got) != 80*ps || len(real) != 96*ps {
		t.Errorf("replayed file is %d bytes (want %d), real %d", len(got), 80*ps, len(real))
	}
	var used, equal, identical, whole, exact int
	for off := 2 * ps; off+ps <= len(real); off += ps {
		pgno := uint32(off/ps - 1)
		want := real[off : off+ps]
		var gotPage []byte
		if off+ps <= len(got) {
			gotPage = got[off : off+ps]
		} else {
			gotPage = make([]byte, ps)
		}
		if bin.IsZero(want) {
			if !bin.IsZero(gotPage) {
				t.Errorf("page %d: real page is empty, replayed one is not", pgno)
			}
			continue
		}
		used++
		if c := ese.ComputePageChecksums(gotPage, pgno); !c.OK() {
			t.Errorf("page %d: replayed page has bad checksums", pgno)
		}
		d, same := PageDiff(gotPage, want)
		if d != "" {
			t.Errorf("page %d: %s", pgno, d)
			continue
		}
		equal++
		if same {
			identical++
		}
		if SameWholePage(gotPage, want) {
			whole++
		}
		// With the real page's flush-type bits (set from the flush map at
		// write time) the checksums are recomputed: every byte must match.
		withFlush := append([]byte{}, gotPage...)
		bin.PutU32(withFlush, pgFlags, bin.U32(withFlush, pgFlags)&^uint32(ese.PageFlushTypeMask)|bin.U32(want, pgFlags)&uint32(ese.PageFlushTypeMask))
		ese.SetPageChecksum(withFlush, pgno)
		if bytes.Equal(withFlush, want) {
			exact++
		}
	}
	t.Logf("%d used pages: %d logically equal, %d with identical data areas, %d identical in every byte but checksums and flush type, %d byte-identical with the real flush type", used, equal, identical, whole, exact)
	if used != 47 || equal != 47 || identical != 47 || whole != 47 || exact != 47 {
		t.Errorf("used %d, logically equal %d, identical data areas %d, whole %d, exact %d; want 47 each", used, equal, identical, whole, exact)
	}
}

// replayRecords replays records[from:to] of a log into s.
func replayRecords(t *testing.T, s *PageStore, recs []eselog.Record, opt RedoOptions) (changed, skipped int) {
	t.Helper()
	for _, r := range recs {
		res, err := RedoRecord(s, r, opt)
		if err != nil {
			t.Fatal(err)
		}
		changed += len(res.Pages)
		skipped += len(res.Skipped)
	}
	return changed, skipped
}

// loadPageRecords decodes every record of a log's database dbid that
// RedoRecord handles. Records are decoded into their own memory.
func loadPageRecords(t *testing.T, logRel string, dbid uint8) []eselog.Record {
	t.Helper()
	b := testcorpus.Read(t, logRel)
	lg, err := eselog.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var recs []eselog.Record
	rd := lg.NewReader(context.Background(), eselog.Filter{DBIDs: []uint8{dbid}})
	for {
		raw, err := rd.NextRaw()
		if err != nil {
			break
		}
		r, err := eselog.DecodeRecord(append([]byte{}, raw.Bytes...), raw.Pos)
		if err != nil {
			t.Fatal(err)
		}
		if IsPageRedoRecord(r) {
			recs = append(recs, r)
		}
	}
	return recs
}

// TestRebuildIdempotentAndResumable replays edb.log from creation, then
// (1) replays it again over the result, as recovery would over a database
// that may hold data from the logs: nothing changes; and (2) for many N,
// replays the first N records, flushes, reopens the file and replays the
// whole log from the start: the bytes equal those of one uninterrupted
// replay (crash and resume).
func TestRebuildIdempotentAndResumable(t *testing.T) {
	const ps = 32768
	recs := loadPageRecords(t, "appdata/edb.log", 1)
	if len(recs) != 790 {
		t.Fatalf("%d page records, want 790", len(recs))
	}
	run := func(db *memfile.File, recs []eselog.Record, opt RedoOptions) (int, int) {
		s, err := NewPageStore(db, ps, &PageStoreOptions{CacheBytes: 4 * ps})
		if err != nil {
			t.Fatal(err)
		}
		c, sk := replayRecords(t, s, recs, opt)
		if err := s.Flush(); err != nil {
			t.Fatal(err)
		}
		return c, sk
	}
	full := memfile.New(make([]byte, 2*ps))
	changed, _ := run(full, recs, RedoOptions{})
	want := append([]byte{}, full.Bytes()...)
	again, skipped := run(full, recs, RedoOptions{MayContainFutureData: true})
	if again != 0 || !bytes.Equal(full.Bytes(), want) {
		t.Fatalf("second replay changed %d pages", again)
	}
	if skipped < changed-3 { // ExtendDB records change no page
		t.Errorf("second replay skipped %d pages, first changed %d", skipped, changed)
	}
	for n := 1; n < len(recs); n += 37 {
		db := memfile.New(make([]byte, 2*ps))
		run(db, recs[:n], RedoOptions{})
		run(db, recs, RedoOptions{MayContainFutureData: true})
		if !bytes.Equal(db.Bytes(), want) {
			t.Fatalf("replay stopped after %d records and resumed differs from one replay", n)
		}
	}
}

// TestRebuildSecondDatabaseOfForeignLog replays the second database life
// recorded in appdata/edb0000D.log: database 2 is created at (0xD,18,36)
// and detached at (0xD,2F,0), and its file is not in the corpus. Every
// page record of that span is replayed into an empty file; no record may
// fail or find a page newer than itself, and every page of the result must
// pass the page structure check with its keys in ascending order.
func TestRebuildSecondDatabaseOfForeignLog(t *testing.T) {
	const ps = 32768
	b := testcorpus.Read(t, "appdata/edb0000D.log")
	lg, err := eselog.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	db := memfile.New(make([]byte, 2*ps))
	s, err := NewPageStore(db, ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	created, detached := false, false
	counts := map[eselog.RecordType]int{}
	for r, err := range lg.Records(context.Background(), eselog.Filter{DBIDs: []uint8{2}}) {
		if err != nil {
			t.Fatal(err)
		}
		switch r.(type) {
		case *eselog.CreateDB:
			created = true
			continue
		case *eselog.DetachDB:
			if created {
				detached = true
			}
		}
		if !created || detached || !IsPageRedoRecord(r) {
			continue
		}
		res, err := RedoRecord(s, r, RedoOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Skipped) != 0 {
			t.Errorf("%v at %v skipped pages %v", r.Type(), r.Pos(), res.Skipped)
		}
		counts[r.Type()]++
	}
	if !created || !detached {
		t.Fatalf("CreateDB/DetachDB of database 2 not found")
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	t.Logf("records redone: %v", counts)
	out := db.Bytes()
	used := 0
	for off := 2 * ps; off+ps <= len(out); off += ps {
		pgno := uint32(off/ps - 1)
		pg := out[off : off+ps]
		if bin.IsZero(pg) {
			continue
		}
		used++
		if c := ese.ComputePageChecksums(pg, pgno); !c.OK() {
			t.Errorf("page %d: bad checksum", pgno)
		}
		p, _ := NewPage(append([]byte{}, pg...))
		if err := p.Check(); err != nil {
			t.Errorf("page %d: %v", pgno, err)
			continue
		}
		var prev []byte
		for i := 0; i < p.Lines(); i++ {
			k, err := p.Key(i)
			if err != nil {
				t.Errorf("page %d line %d: %v", pgno, i, err)
				break
			}
			if i > 0 && len(k) > 0 && bytes.Compare(prev, k) > 0 {
				t.Errorf("page %d: line %d key below line %d", pgno, i, i-1)
			}
			prev = k
		}
	}
	if counts[eselog.RecInsert] != 292 || counts[eselog.RecNewPage] != 5 || used != 20 {
		t.Fatalf("replayed %v into %d pages; want 292 Insert, 5 NewPage, 20 pages", counts, used)
	}
	t.Logf("%d pages built", used)
}

// TestReplayOverRealDatabaseChangesNothing replays all of edb.log over a
// copy of the real IndexedDB.edb, as recovery would treat a database that
// already holds every change of the log (docs/recovery.md#attach-rules, step 3): every page is
// already at or past each record, so not one byte changes.
func TestReplayOverRealDatabaseChangesNothing(t *testing.T) {
	const ps = 32768
	orig := testcorpus.Read(t, "appdata/IndexedDB.edb")
	db := memfile.New(append([]byte{}, orig...))
	s, err := NewPageStore(db, ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	recs := loadPageRecords(t, "appdata/edb.log", 1)
	changed, skipped := replayRecords(t, s, recs, RedoOptions{MayContainFutureData: true})
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if changed != 0 || !bytes.Equal(db.Bytes(), orig) {
		t.Fatalf("%d pages changed", changed)
	}
	// 790 records: 3 ExtendDB touch no page, 5 CreateMultipleExtentFDP
	// and 5 ConvertFDP2 touch 3 pages each, UndoInfo none (2).
	if want := 790 - 3 - 2 + 2*5*2; skipped != want {
		t.Errorf("%d page visits skipped, want %d", skipped, want)
	}
}
