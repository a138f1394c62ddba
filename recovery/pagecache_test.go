package recovery

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/redo"
)

// TestCacheBudgetShared is issue 12's fourth hole: the page cache budget
// (RecoverOptions.CacheBytes) is one budget for the whole recovery, not
// one per database. A log that creates eight databases (implicit creates,
// 15 pages of 8 KiB each) under a budget of 16 pages leaves at most 16
// pages cached over all of them, where each database used to hold its
// own 15.
func TestCacheBudgetShared(t *testing.T) {
	const ps, n, budget = 8192, 8, 16 * 8192
	out := t.TempDir()
	lh := &eselog.FileHeader{VersionMajor: 8, VersionMinor: 4000, VersionUpdateMajor: 20, DbPageSize: ps}
	rp := &replayer{ctx: context.Background(), plan: &Plan{}, opts: &RecoverOptions{OutDir: out, CreateMissing: true, CacheBytes: budget},
		em: &emitter{opts: &Options{}}, curHeader: lh}
	defer rp.closeAll()
	for i := range n {
		r := &eselog.CreateDB{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecCreateDB, At: ese.LogPos{Generation: 1, Sector: uint16(1 + i)}},
			Dbid: uint8(1 + i), SignDb: ese.Signature{Random: uint32(100 + i)}, Flags: eselog.DBUnicodeNames | eselog.CreateDBVersionInfo,
			Version: 1, PathBytes: utf16Path(fmt.Sprintf(`C:\data\db%d.edb`, i))}
		if err := rp.createRecord(r); err != nil {
			t.Fatal(err)
		}
	}
	if len(rp.dbs) != n {
		t.Fatalf("%d databases attached, want %d", len(rp.dbs), n)
	}
	var cached int64
	for _, db := range rp.dbs {
		cached += int64(db.store.Cached() * db.pageSize)
	}
	if cached > budget {
		t.Errorf("%d databases hold %d bytes of cached pages, over the %d-byte budget of the recovery", n, cached, budget)
	}
	// The accounting: one cache for all, never above its budget.
	c := rp.cache
	if c == nil || c.Limit() != budget || c.Used() != cached || c.Peak() > budget || c.Peak() < budget-ps {
		t.Errorf("cache: %+v, cached %d", c, cached)
	}
	for _, db := range rp.dbs {
		if db.store.Cache() != c {
			t.Errorf("a database has a page cache of its own")
		}
	}
	// Every created file is still built right: flushing writes each
	// database's pages, the evicted ones having been written before.
	for i, db := range rp.dbs {
		if err := db.store.Flush(); err != nil {
			t.Fatal(err)
		}
		if got := fileSize(db.file); got != (redo.CpgLegacyDatabase+2)*ps {
			t.Errorf("db%d: %d bytes", i, got)
		}
		b, _ := os.ReadFile(filepath.Join(out, fmt.Sprintf(".db%d.edb.esekit-recovering", i)))
		want := buildImplicit(t, ps)
		if len(b) != len(want) || string(b[2*ps:]) != string(want[2*ps:]) {
			t.Errorf("db%d: pages differ from an implicit create built alone", i)
		}
	}
}

// TestCacheBudgetWithoutUndo: recovery without undo puts back the input
// image of the pages open transactions changed (holdPages) and reopens
// the database's page store; the new store stays in the recovery's one
// cache, and the old store's pages leave it, so the budget still holds
// (the new store used to get a cache, and a budget, of its own, while the
// old one's pages stayed charged to the shared cache).
func TestCacheBudgetWithoutUndo(t *testing.T) {
	const ps, budget = 8192, 16 * 8192
	out := t.TempDir()
	lh := &eselog.FileHeader{VersionMajor: 8, VersionMinor: 4000, VersionUpdateMajor: 20, DbPageSize: ps}
	rp := &replayer{ctx: context.Background(), plan: &Plan{}, opts: &RecoverOptions{OutDir: out, CreateMissing: true, CacheBytes: budget},
		em: &emitter{opts: &Options{}}, curHeader: lh}
	defer rp.closeAll()
	r := &eselog.CreateDB{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecCreateDB, At: ese.LogPos{Generation: 1, Sector: 1}},
		Dbid: 1, SignDb: ese.Signature{Random: 100}, Flags: eselog.DBUnicodeNames | eselog.CreateDBVersionInfo,
		Version: 1, PathBytes: utf16Path(`C:\data\db.edb`)}
	if err := rp.createRecord(r); err != nil {
		t.Fatal(err)
	}
	db := rp.dbs[0]
	c := rp.cache
	if c == nil || c.Used() == 0 {
		t.Fatalf("the create cached no page: %+v", c)
	}
	if err := rp.holdPages(db, map[uint32]bool{1: true, 2: true}); err != nil {
		t.Fatal(err)
	}
	if db.store.Cache() != c {
		t.Errorf("the reopened store has a page cache of its own")
	}
	if got := c.Used(); got != int64(db.store.Cached()*ps) {
		t.Errorf("the shared cache holds %d bytes, the database's store %d: the old store's pages were kept", got, db.store.Cached()*ps)
	}
	for pgno := uint32(3); pgno < 40; pgno++ {
		if _, err := db.store.Get(pgno); err != nil {
			t.Fatal(err)
		}
	}
	if c.Used() > budget || c.Peak() > budget {
		t.Errorf("cache used %d, peak %d, over the budget %d", c.Used(), c.Peak(), budget)
	}
}
