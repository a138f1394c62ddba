package recovery

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/dsnet/golib/memfile"
	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
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
		cached += int64(len(db.store.pages) * db.pageSize)
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
		if db.store.cache != c {
			t.Errorf("a database has a page cache of its own")
		}
	}
	// Every created file is still built right: flushing writes each
	// database's pages, the evicted ones having been written before.
	for i, db := range rp.dbs {
		if err := db.store.Flush(); err != nil {
			t.Fatal(err)
		}
		if got := fileSize(db.file); got != (cpgLegacyDatabase+2)*ps {
			t.Errorf("db%d: %d bytes", i, got)
		}
		b, _ := os.ReadFile(filepath.Join(out, fmt.Sprintf(".db%d.edb.esekit-recovering", i)))
		want, _ := buildImplicit(t, ps)
		if len(b) != len(want) || string(b[2*ps:]) != string(want[2*ps:]) {
			t.Errorf("db%d: pages differ from an implicit create built alone", i)
		}
	}
}

// TestPageCacheAcrossStores: two stores sharing a 20-page cache hold 20
// pages between them; reading pages of one evicts the least recently
// used pages of the other, writing the dirty ones to its own file (with
// their checksums), and Discard gives a store's share back.
func TestPageCacheAcrossStores(t *testing.T) {
	const ps = 4096
	c := NewPageCache(20 * ps)
	fa, fb := memfile.New(make([]byte, 42*ps)), memfile.New(make([]byte, 42*ps))
	a, err := NewPageStore(fa, ps, &PageStoreOptions{Cache: c})
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewPageStore(fb, ps, &PageStoreOptions{Cache: c})
	if err != nil {
		t.Fatal(err)
	}
	for pgno := uint32(1); pgno <= 10; pgno++ {
		p, err := a.Get(pgno)
		if err != nil {
			t.Fatal(err)
		}
		p.SetDbTime(uint64(pgno))
		if err := a.MarkDirty(pgno, p); err != nil {
			t.Fatal(err)
		}
	}
	for pgno := uint32(1); pgno <= 15; pgno++ {
		if _, err := b.Get(pgno); err != nil {
			t.Fatal(err)
		}
	}
	// 25 pages read: the 5 least recent, pages 1-5 of a, were written
	// back and dropped.
	if len(a.pages) != 5 || len(b.pages) != 15 || c.Used() != 20*ps || c.Peak() != 20*ps {
		t.Errorf("a holds %d pages, b %d, cache %d bytes (peak %d)", len(a.pages), len(b.pages), c.Used(), c.Peak())
	}
	if st := a.Stats(); st.Writes != 5 {
		t.Errorf("a wrote %d pages, want 5", st.Writes)
	}
	for pgno := uint32(1); pgno <= 10; pgno++ {
		got := fa.Bytes()[(pgno+1)*ps : (pgno+2)*ps]
		if written := !isZeroPage(got); written != (pgno <= 5) {
			t.Errorf("page %d of a: written %v", pgno, written)
		}
	}
	if !ese.ComputePageChecksums(fa.Bytes()[2*ps:3*ps], 1).OK() {
		t.Errorf("page 1 of a written without its checksum")
	}
	b.Discard()
	if len(b.pages) != 0 || c.Used() != 5*ps {
		t.Errorf("after b.Discard: b holds %d pages, cache %d bytes", len(b.pages), c.Used())
	}
}
