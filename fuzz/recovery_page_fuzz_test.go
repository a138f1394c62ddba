package fuzz

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dsnet/golib/memfile"

	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/redo"
	"github.com/esekit/esekit/internal/testcorpus"
)

// recoveryPageSeeds returns a few used pages of corpus databases (4 and
// 8 KiB pages; 32 KiB pages are seeded synthetically to keep inputs small).
func recoveryPageSeeds() [][]byte {
	d := testcorpus.Dir()
	if d == "" {
		return nil
	}
	var out [][]byte
	for _, c := range []struct {
		rel string
		ps  int
	}{{"dissect-esedb-testdbs/basic.edb", 4096}, {"eseparser-testdbs/decompress_test.edb", 8192}} {
		b, err := os.ReadFile(filepath.Join(d, filepath.FromSlash(c.rel)))
		if err != nil {
			continue
		}
		for pg := 1; pg <= 8 && (pg+2)*c.ps <= len(b); pg++ {
			out = append(out, b[(pg+1)*c.ps:(pg+2)*c.ps])
		}
	}
	return out
}

// syntheticRecoveryPage is a small page with an external header and lines.
func syntheticRecoveryPage(size int) []byte {
	p, _ := redo.NewPage(make([]byte, size))
	p.FormatPreInit(7, 3, 9)
	p.ConsumePreInit(0)
	p.SetExternalHeaderBytes([]byte("prefix"))
	p.InsertNode(0, redo.Node{PrefixLen: 3, Suffix: []byte("a"), Data: []byte("data")})
	p.InsertNode(1, redo.Node{Suffix: []byte("bb"), Data: []byte{1, 2, 3, 4, 5, 6, 7, 8}})
	return p.Bytes()
}

// FuzzRecoveryPage runs the page model's reads and every redo operation on
// hostile page bytes: nothing may panic, and a page that accepted an
// operation must still pass its own structure check.
func FuzzRecoveryPage(f *testing.F) {
	for _, b := range recoveryPageSeeds() {
		f.Add(b, []byte{0, 1, 2, 3, 4, 5, 6, 7})
	}
	f.Add(syntheticRecoveryPage(4096), []byte{1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add(syntheticRecoveryPage(32768), []byte{9, 8, 7, 6, 5, 4, 3, 2, 1})
	f.Fuzz(recoveryPageOps)
}

func recoveryPageOps(t *testing.T, page, ops []byte) {
	size := 4096
	switch {
	case len(page) > 16384:
		size = 32768
	case len(page) > 8192:
		size = 16384
	case len(page) > 4096:
		size = 8192
	}
	buf := make([]byte, size)
	copy(buf, page)
	p, err := redo.NewPage(buf)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < p.Lines() && i < 64; i++ {
		p.Node(i)
		p.Key(i)
	}
	if len(ops) > 32 {
		ops = ops[:32]
	}
	dbt := p.DBTime()
	for i, o := range ops {
		dbt++
		op := redo.RedoOp{DBTime: dbt, DBTimeBefore: eselog.DBTimeNil, ILine: int(o>>4) % (p.Lines() + 1)}
		data := make([]byte, int(o)*3)
		var err error
		switch o % 10 {
		case 0:
			_, err = redo.RedoInsert(p, op, int(o%5), []byte{o, byte(i)}, data)
		case 1:
			_, err = redo.RedoReplace(p, op, data)
		case 2:
			_, err = redo.RedoDelete(p, op)
		case 3:
			_, err = redo.RedoFlagDelete(p, op)
		case 4:
			_, err = redo.RedoFlagInsertAndReplaceData(p, op, data[:len(data)/2])
		case 5:
			_, err = redo.RedoDelta(p, op, int(o%7), 1)
		case 6:
			_, err = redo.RedoSetExternalHeader(p, op, data[:len(data)%40])
		case 7:
			err = p.Reorganize()
		case 8:
			_, err = redo.RedoReplaceD(p, op, func(old []byte) ([]byte, error) { return append(old, o), nil })
		case 9:
			err = redo.EmptyPage(p)
		}
		if err == nil {
			p.Invalidate()
			if cerr := p.Check(); cerr != nil {
				t.Fatalf("op %d (%d) left a bad page: %v", i, o%10, cerr)
			}
		}
	}
}

// FuzzRecoveryStructural runs split and merge redo with hostile pages and
// parameters: three copies of the input page (pages 1-3, one mutated by
// the parameters) in a small store; nothing may panic.
func FuzzRecoveryStructural(f *testing.F) {
	for _, b := range recoveryPageSeeds()[:min(2, len(recoveryPageSeeds()))] {
		f.Add(b, []byte{1, 2, 3, 1, 2, 0, 5, 9})
	}
	f.Add(syntheticRecoveryPage(4096), []byte{2, 1, 0, 1, 1, 2, 0, 0})
	f.Add(syntheticRecoveryPage(4096), []byte{1, 1, 1, 0, 2, 1, 3, 0})
	f.Fuzz(func(t *testing.T, page, params []byte) {
		const ps = 4096
		if len(params) < 8 {
			return
		}
		buf := make([]byte, 6*ps)
		for pg := 1; pg <= 3; pg++ {
			copy(buf[(pg+1)*ps:(pg+2)*ps], page)
		}
		s, err := redo.NewPageStore(memfile.New(buf), ps, nil)
		if err != nil {
			t.Fatal(err)
		}
		p := func(i int) uint32 { return uint32(params[i]%4) + 1 }
		small := func(i int) int { return int(params[i] % 8) }
		dbt := uint64(1) << 40
		sl := []redo.SplitLevel{{Pgno: p(0), DBTimeBefore: eselog.DBTimeNil},
			{Pgno: p(1), DBTimeBefore: eselog.DBTimeNil, PgnoNew: p(2), PgnoRight: p(3) % 4, PgnoParent: p(0),
				DBTimeParentBefore: eselog.DBTimeNil, DBTimeRightBefore: eselog.DBTimeNil,
				Type: small(4) % 3, Oper: small(5) % 4, ILineOper: small(6), ILineSplit: small(7), CLines: small(6) + small(7),
				ILinePrefixSplit: small(4) - 1, ILinePrefixNew: small(5) - 1, KeyParent: params[:3], PrefixSplitNew: params[1:4]}}
		redo.RedoSplit(s, sl, redo.SplitOperation{Key: params, Data: params[2:]}, dbt, true)
		ml := []redo.MergeLevel{{Pgno: p(0), DBTimeBefore: eselog.DBTimeNil, ILine: small(3), Flags: small(4)},
			{Pgno: p(1), DBTimeBefore: eselog.DBTimeNil, PgnoRight: p(2) % 4, PgnoLeft: p(3) % 4,
				DBTimeLeftBefore: eselog.DBTimeNil, DBTimeRightBefore: eselog.DBTimeNil, DBTimeParentBefore: eselog.DBTimeNil,
				Flags: small(5), Type: small(6), ILineMerge: small(7), KeyParentSep: params[:2]}}
		redo.RedoMerge(s, ml, dbt+1, true)
		redo.RedoPageMove(s, redo.PageMoveParams{PgnoSource: p(0), PgnoDest: p(1) + 1, PgnoLeft: p(2) % 4, PgnoRight: p(3) % 4,
			PgnoParent: p(4), DBTimeSourceBefore: eselog.DBTimeNil, DBTimeLeftBefore: eselog.DBTimeNil,
			DBTimeRightBefore: eselog.DBTimeNil, DBTimeParentBefore: eselog.DBTimeNil, ILineParent: small(5),
			Header: page[:min(len(page), small(6)*12)], Trailer: params}, dbt+2, small(7)&1 == 0)
	})
}

// FuzzRecoveryScrubPreImage runs Scrub redo (used and unused pages) on
// hostile page bytes and rehydrates hostile page pre-images: nothing may
// panic, a scrubbed page must pass its structure check, and a rehydrated
// image is a whole page.
func FuzzRecoveryScrubPreImage(f *testing.F) {
	for _, b := range recoveryPageSeeds() {
		f.Add(b, []byte{1, 0, 2, 1}, uint8(0))
	}
	f.Add(syntheticRecoveryPage(4096), []byte{1, 2}, uint8(1))
	f.Add(syntheticRecoveryPage(32768), []byte{0, 2}, uint8(2))
	f.Fuzz(func(t *testing.T, page, opers []byte, mode uint8) {
		size := 4096
		switch {
		case len(page) > 16384:
			size = 32768
		case len(page) > 8192:
			size = 16384
		case len(page) > 4096:
			size = 8192
		}
		if img, err := redo.RehydratePreImage(page, uint32(mode&3), size); err == nil && len(img) != size {
			t.Fatalf("rehydrated %d bytes into %d", len(page), len(img))
		}
		buf := make([]byte, size)
		copy(buf, page)
		p, err := redo.NewPage(buf)
		if err != nil {
			t.Fatal(err)
		}
		op := redo.RedoOp{DBTime: p.DBTime() + 1, DBTimeBefore: eselog.DBTimeNil}
		if len(opers) > 4096 {
			opers = opers[:4096]
		}
		if ok, err := redo.RedoScrub(p, op, mode&4 != 0, opers); err == nil && ok {
			p.Invalidate()
			if cerr := p.Check(); cerr != nil {
				t.Fatalf("scrub left a bad page: %v", cerr)
			}
		}
	})
}
