package redo

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"testing"

	"github.com/dsnet/golib/memfile"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testcorpus"
)

// logReplay is the outcome of replayFromCreation.
type logReplay struct {
	db *memfile.File
	// redone counts records redone per type (macro records by the type of
	// each record of the macro).
	redone map[eselog.RecordType]int
	// unbuilt counts records (or whole macros, by their first page
	// record's type) that name a page the replay never built.
	unbuilt map[eselog.RecordType]int
	// createDB is the CreateDB record of the database.
	createDB *eselog.CreateDB
	// implicit is what BuildImplicitCreate built for a CreateDB of
	// create version 1.0 (nil for a fully logged create).
	implicit *ImplicitCreate
}

// replayFromCreation replays, in log order, every page record of database
// dbid in the logs named, from its CreateDB on, into an empty file of
// pageSize pages of cpgInitial pages (the size the engine's CreateDB redo
// gives the file). Macros (MacroBegin..MacroCommit of one session, records
// sharing the macro's dbtime) go through RedoMacro, as the replay driver
// does. Legacy logs (7.3704.x) do not log the creation of the database's
// first pages (the engine rebuilds them with unlogged operations while
// redoing CreateDB: logredo.cxx, bitCreateDbImplicitly): for a CreateDB
// of create version 1.0, BuildImplicitCreate builds them first. A record
// whose page the replay never built (ese.ErrPageNotInitialized) is
// counted in unbuilt and skipped. Any other error fails the test.
func replayFromCreation(t *testing.T, logs []string, dbid uint8, pageSize int, cpgInitial uint32) logReplay {
	t.Helper()
	out := logReplay{db: memfile.New(make([]byte, 2*pageSize)), redone: map[eselog.RecordType]int{}, unbuilt: map[eselog.RecordType]int{}}
	s, err := NewPageStore(out.db, pageSize, &PageStoreOptions{CacheBytes: 16 * int64(pageSize)})
	if err != nil {
		t.Fatal(err)
	}
	type macro struct {
		dbtime uint64
		recs   []eselog.Record
	}
	macros := map[uint16]*macro{}
	apply := func(recs []eselog.Record) {
		// A record, or a macro, that names an existing page the replay
		// never built cannot be redone (split and merge redo report such a
		// page as older than the record).
		for _, r := range recs {
			for _, pg := range existingPagesOf(r) {
				p, err := s.Get(pg)
				if err != nil {
					t.Fatal(err)
				}
				if p.Uninitialized() {
					out.unbuilt[recs[0].Type()]++
					return
				}
			}
		}
		var res RedoResult
		var err error
		if len(recs) == 1 {
			res, err = RedoRecord(s, recs[0], RedoOptions{})
		} else {
			res, err = RedoMacro(s, recs, RedoOptions{})
		}
		if errors.Is(err, ese.ErrPageNotInitialized) {
			out.unbuilt[recs[0].Type()]++
			return
		}
		if err != nil {
			t.Fatalf("%v", err)
		}
		if len(res.Skipped) > 0 {
			t.Errorf("%v at %v: pages %v skipped in a replay from creation", recs[0].Type(), recs[0].Pos(), res.Skipped)
		}
		for _, r := range recs {
			out.redone[r.Type()]++
		}
	}
	for _, rel := range logs {
		b := testcorpus.Read(t, rel)
		lg, err := eselog.Open(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		for r, err := range lg.Records(context.Background(), eselog.Filter{}) {
			if err != nil {
				t.Fatalf("%s: %v", rel, err)
			}
			switch r := r.(type) {
			case *eselog.CreateDB:
				if r.Dbid == dbid {
					out.createDB = r
					if err := s.Extend(cpgInitial); err != nil {
						t.Fatal(err)
					}
					if implicitCreate(r) {
						res, err := BuildImplicitCreate(s, &ImplicitCreateOptions{ShadowingOff: r.Grbit&CreateShadowingOff != 0})
						if err != nil {
							t.Fatal(err)
						}
						out.implicit = &res
					}
				}
				continue
			case *eselog.Macro:
				switch r.Type() {
				case eselog.RecMacroBegin:
					macros[r.Procid] = &macro{dbtime: r.DBTime}
				case eselog.RecMacroAbort:
					delete(macros, r.Procid)
				case eselog.RecMacroCommit:
					if m := macros[r.Procid]; m != nil && m.dbtime == r.DBTime && len(m.recs) > 0 {
						apply(m.recs)
					}
					delete(macros, r.Procid)
				}
				continue
			}
			d, ok := r.(eselog.DatabaseRecord)
			if out.createDB == nil || !ok || d.DBID() != dbid || !IsPageRedoRecord(r) {
				if pr, ok := r.(eselog.PageRecord); ok && out.createDB != nil && pr.DBID() == dbid && !IsPageRedoRecord(r) {
					t.Errorf("page record %v at %v has no redo", r.Type(), r.Pos())
				}
				continue
			}
			if pr, ok := r.(eselog.PageRecord); ok {
				if sr, ok := r.(interface{ ProcID() uint16 }); ok {
					if m := macros[sr.ProcID()]; m != nil && m.dbtime == pr.DBTime() {
						m.recs = append(m.recs, r)
						continue
					}
				}
			}
			apply([]eselog.Record{r})
		}
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	return out
}

// existingPagesOf lists the pages a record changes that must exist before
// it (new pages aside).
func existingPagesOf(r eselog.Record) []uint32 {
	var pgs []uint32
	add := func(p ...uint32) {
		for _, pg := range p {
			if pg != 0 {
				pgs = append(pgs, pg)
			}
		}
	}
	switch r := r.(type) {
	case *eselog.Split:
		add(r.Pgno(), r.PgnoRight, r.PgnoParent)
	case *eselog.Merge:
		add(r.Pgno(), r.PgnoRight, r.PgnoLeft, r.PgnoParent)
	case *eselog.PageMove:
		add(r.Pgno(), r.PgnoRight, r.PgnoLeft, r.PgnoParent)
	case *eselog.NewPage, *eselog.CreateSingleExtentFDP, *eselog.CreateMultipleExtentFDP, *eselog.ExtendDB, *eselog.UndoInfo:
	case eselog.NodeRecord:
		add(r.Node().Pgno())
	}
	return pgs
}

// pageDBTimes returns pgno:dbtime for the pages listed, from a file.
func pageDBTimes(b []byte, ps int, pgnos []uint32) map[uint32]uint64 {
	m := map[uint32]uint64{}
	for _, pg := range pgnos {
		off := int(pg+1) * ps
		m[pg] = bin.U64(b[off:off+ps], pgDBTime)
	}
	return m
}

// TestRebuildLegacyWLMBackupFromLog replays the log of the Windows Live
// Mail online backup set (7.3704.15 log, 8 KiB pages), which begins with
// the CreateDB of WindowsMail.MSMessageStore, into an empty file and
// compares it page by page with the backup's database copy.
//
// A legacy CreateDB (create version 1.0) does not log the building of the
// database's first pages: the engine's redo rebuilds the root, its space
// trees and the system catalog (MSysObjects, MSysObjectsShadow and the
// catalog's indexes) with unlogged operations (bitCreateDbImplicitly in
// logredo.cxx), at dbtimes up to 0xcc, in a 256-page file.
// BuildImplicitCreate builds those 15 pages (1-12, 24-26) at the CreateDB,
// so every record of the log replays: the 56 Insert and 2 Replace into the
// catalog pages (each finds the dbtime it expects before it), and the two
// tables the log creates (33-36: CreateSingleExtentFDP and
// SetExternalHeader). Every used page of the result equals the copy at
// the same dbtime (the copy was taken after the last record of the log),
// laid out byte for byte as the engine left it, checksums aside.
func TestRebuildLegacyWLMBackupFromLog(t *testing.T) {
	const ps = 8192
	real := testcorpus.Read(t, "wlm-danyquenneville-backup/WindowsMail.MSMessageStore")
	r := replayFromCreation(t, []string{"wlm-danyquenneville-backup/edb00001.log"}, 1, ps, 256)
	if r.createDB == nil || r.createDB.Pos().String() != "(0x1,1,256)" {
		t.Fatalf("CreateDB of database 1 not found at (0x1,1,256)")
	}
	if r.implicit == nil || r.implicit.DBTime != 0xcc {
		t.Fatalf("implicit create %+v, want one ending at dbtime 0xcc", r.implicit)
	}
	// 259 pages in the copy: two header pages, 256 database pages, the
	// backup trailer.
	if len(real) != 259*ps || len(r.db.Bytes()) != 258*ps {
		t.Errorf("copy %d bytes, replayed %d; want %d and %d", len(real), len(r.db.Bytes()), 259*ps, 258*ps)
	}
	c := comparePages(t, r.db.Bytes(), real, ps, 256)
	wantRedone := map[eselog.RecordType]int{eselog.RecCreateSingleExtentFDP: 4, eselog.RecSetExternalHeader: 2,
		eselog.RecInsert: 56, eselog.RecReplace: 2}
	if !maps.Equal(r.redone, wantRedone) || len(r.unbuilt) != 0 {
		t.Errorf("redone %v, left out %v; want %v and none", r.redone, r.unbuilt, wantRedone)
	}
	want := PageComparison{Equal: []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 24, 25, 26, 33, 34, 35, 36}}
	checkComparison(t, c, want)
	checkLaidOutAlike(t, r.db.Bytes(), real, ps, want.Equal)
	wantTimes := map[uint32]uint64{1: 0x6, 2: 0x6, 3: 0xfb, 4: 0x10e, 5: 0xd, 6: 0x1c, 7: 0x10f, 8: 0x1b, 9: 0x1b,
		10: 0xff, 11: 0x22, 12: 0x22, 24: 0x110, 25: 0x14, 26: 0x14, 33: 0xf5, 34: 0xf7, 35: 0x10b, 36: 0x10d}
	if got := pageDBTimes(r.db.Bytes(), ps, c.Equal); !maps.Equal(got, wantTimes) {
		t.Errorf("dbtimes of rebuilt pages %v, want %v", got, wantTimes)
	}
	// The pages the log never touches carry the dbtimes of the unlogged
	// creation, all below the first logged dbtime.
	for pg, dt := range pageDBTimes(real, ps, []uint32{1, 2, 5, 6, 8, 9, 11, 12, 25, 26}) {
		if dt >= 0xcd {
			t.Errorf("page %d of the copy has dbtime %#x, past the unlogged creation", pg, dt)
		}
	}
}

// TestRebuildLegacyWLMStoreFromLogs replays the two legacy logs of the
// second Windows Live Mail set (edb00001.log, which begins with the
// CreateDB of WindowsMail.MSMessageStore, then edb.log, generation 2)
// into an empty file and compares it page by page with the set's clean
// database. As in TestRebuildLegacyWLMBackupFromLog, BuildImplicitCreate
// builds the pages of the unlogged create at the CreateDB; then every
// record replays: 191 Insert, 10 Replace, a Delete, the split macros
// that split the catalog and its shadow (13, 14, 27, 28 split off 4 and
// 24), and the tables the logs create (33-39, 42, 43: seven
// CreateSingleExtentFDP, a ConvertFDP2, two SetExternalHeader). Every
// used page equals the database at the same dbtime, laid out byte for
// byte alike; no page differs by time, as the database is clean at the
// end of generation 2.
func TestRebuildLegacyWLMStoreFromLogs(t *testing.T) {
	const ps = 8192
	real := testcorpus.Read(t, "wlm-kimberli13/WindowsMail.MSMessageStore")
	r := replayFromCreation(t, []string{"wlm-kimberli13/edb00001.log", "wlm-kimberli13/edb.log"}, 1, ps, 256)
	if r.createDB == nil || r.createDB.Pos().String() != "(0x1,9,6C)" {
		t.Fatalf("CreateDB of database 1 not found at (0x1,9,6C)")
	}
	if r.implicit == nil || r.implicit.DBTime != 0xcc {
		t.Fatalf("implicit create %+v, want one ending at dbtime 0xcc", r.implicit)
	}
	c := comparePages(t, r.db.Bytes(), real, ps, 256)
	wantRedone := map[eselog.RecordType]int{eselog.RecCreateSingleExtentFDP: 7, eselog.RecInsert: 191, eselog.RecDelete: 1,
		eselog.RecSetExternalHeader: 2, eselog.RecConvertFDP2: 1, eselog.RecReplace: 10, eselog.RecSplit2: 6}
	if !maps.Equal(r.redone, wantRedone) || len(r.unbuilt) != 0 {
		t.Errorf("redone %v, left out %v; want %v and none", r.redone, r.unbuilt, wantRedone)
	}
	want := PageComparison{Equal: []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 24, 25, 26, 27, 28,
		33, 34, 35, 36, 37, 38, 39, 42, 43}}
	checkComparison(t, c, want)
	checkLaidOutAlike(t, r.db.Bytes(), real, ps, want.Equal)
	wantTimes := map[uint32]uint64{1: 0x6, 2: 0x6, 3: 0x133, 4: 0x182, 5: 0xd, 6: 0x180, 7: 0x1ac, 8: 0x1b, 9: 0x1b,
		10: 0x137, 11: 0x22, 12: 0x22, 13: 0x1a5, 14: 0x1ab, 24: 0x186, 25: 0x14, 26: 0x184, 27: 0x1a7, 28: 0x1ad,
		33: 0xf5, 34: 0xf7, 35: 0x10b, 36: 0x10d, 37: 0x1ae, 38: 0x12b, 39: 0x12d, 42: 0x1af, 43: 0x135}
	if got := pageDBTimes(r.db.Bytes(), ps, c.Equal); !maps.Equal(got, wantTimes) {
		t.Errorf("dbtimes of rebuilt pages %v, want %v", got, wantTimes)
	}
}

// TestRebuildSeceditLogHasNoPageRecords: secedit-horrorandscifi/edb.log
// (generation 1, database absent) attaches database 1 instead of creating
// it and holds no page record, so a replay into an empty file builds no
// page: the records are Init2, AttachDB and NOP2.
func TestRebuildSeceditLogHasNoPageRecords(t *testing.T) {
	b := testcorpus.Read(t, "secedit-horrorandscifi/edb.log")
	lg, err := eselog.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	counts := map[eselog.RecordType]int{}
	for r, err := range lg.Records(context.Background(), eselog.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		counts[r.Type()]++
	}
	want := map[eselog.RecordType]int{eselog.RecInit2: 1, eselog.RecAttachDB: 1, eselog.RecNOP2: 1}
	if !maps.Equal(counts, want) {
		t.Fatalf("records %v, want %v", counts, want)
	}
	db := memfile.New(make([]byte, 2*4096))
	s, err := NewPageStore(db, 4096, nil)
	if err != nil {
		t.Fatal(err)
	}
	for r, err := range lg.Records(context.Background(), eselog.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		res, err := RedoRecord(s, r, RedoOptions{})
		if err != nil || len(res.Pages) != 0 {
			t.Fatalf("%v: pages %v, %v", r.Type(), res.Pages, err)
		}
	}
	if err := s.Flush(); err != nil || len(db.Bytes()) != 2*4096 || !bin.IsZero(db.Bytes()) {
		t.Fatalf("replay wrote to the file (%d bytes, %v)", len(db.Bytes()), err)
	}
}
