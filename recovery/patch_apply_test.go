package recovery

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/redo"
	"github.com/esekit/esekit/internal/testcorpus"
)

// TestWLMPatchSuppliesNoPage: the patch file of the Windows Live Mail
// backup set is the empty "thunk" of the 7.3704.5+ engines (two 8 KiB
// header pages, 16384 bytes: KB Q200941's "empty patch file"), and its log
// (edb00001.log, 7.3704.15) holds no split record for the database created
// at (1,1,256), so a hard restore installs no patch image: the index is
// empty, the database file does not grow, and no split asks for a page.
func TestWLMPatchSuppliesNoPage(t *testing.T) {
	raw := testcorpus.Read(t, wlmBackup+"/WindowsMail.pat")
	pf, err := esepatch.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	images, err := indexPatchImages(pf)
	if err != nil || len(raw) != 2*8192 || !pf.Empty() || len(images) != 0 {
		t.Fatalf("%d bytes, empty %v, %d indexed pages, %v", len(raw), pf.Empty(), len(images), err)
	}
	dbRaw := testcorpus.Read(t, wlmBackup+"/WindowsMail.MSMessageStore")
	h, err := ese.DecodeDBHeader(dbRaw[:8192])
	if err != nil {
		t.Fatal(err)
	}
	rp := &replayer{plan: withLogs(&Plan{Logs: []PlanLog{{File: "edb00001.log", Generation: 1, FromBackup: true, NeedsPatch: true}}},
		os.DirFS(testcorpus.Path(t, wlmBackup))), opts: &RecoverOptions{}}
	splits, err := splitsOfDatabase(context.Background(), rp, h.DbSignature, nil)
	if err != nil || len(splits) != 0 {
		t.Errorf("%d splits, %v", len(splits), err)
	}
	uses, err := selectPatchImages(splits, images, func(uint32) uint64 { return 0 })
	if err != nil || len(uses) != 0 {
		t.Errorf("uses %v, %v", uses, err)
	}
}

// TestSelectPatchImagesOnRealSplits applies the engine's rule
// (ErrLGRIAccessNewPage) to the real split records of the clean SRUM set
// (SRU00003.log and SRU00004.log, bound to SRUDB.dat by their headers'
// attach lists) against the real SRUDB.dat, whose pages are past every
// record of those logs (22 split records, 12 of them with a new page).
// The first split that moves lines to a new page
// (not an append) is picked and its new page made "lost" (dbtime 0: a
// backup that copied it before the split, and a patch that snapshotted it
// later). The patch holds two images of that page: one older than the
// split (dropped, as PpatchLGSearch drops it) and the real page. Exactly
// the real page is chosen, for that split, and nothing for any other split
// (their new pages are up to date). When the split page itself is older
// than the split (redo rebuilds the new page from it) no image is chosen;
// an image that does not verify is ese.ErrBadPatchPage; an append split
// never consults the patch.
func TestSelectPatchImagesOnRealSplits(t *testing.T) {
	const set = "museum-srum-server2022-apt-1daylater"
	const ps = 4096
	raw := testcorpus.Read(t, set+"/SRUDB.dat")
	h, err := ese.DecodeDBHeader(raw[:ps])
	if err != nil {
		t.Fatal(err)
	}
	rp := &replayer{plan: withLogs(&Plan{Logs: []PlanLog{{File: "SRU00003.log", Generation: 3}, {File: "SRU00004.log", Generation: 4}}},
		os.DirFS(testcorpus.Path(t, set))), opts: &RecoverOptions{}}
	splits, err := splitsOfDatabase(context.Background(), rp, h.DbSignature, nil)
	if err != nil {
		t.Fatal(err)
	}
	real := func(pgno uint32) uint64 {
		off := (int(pgno) + 1) * ps
		if off+ps > len(raw) {
			return 0
		}
		p, err := redo.NewPage(append([]byte{}, raw[off:off+ps]...))
		if err != nil {
			return 0
		}
		return p.DBTime()
	}
	var pick, appendSplit *splitRef
	for i := range splits {
		s := &splits[i]
		if real(s.pgno) < s.dbtime || real(s.pgnoNw) < s.dbtime {
			t.Fatalf("split at %v: SRUDB.dat pages %d/%d older than the split", s.at, s.pgno, s.pgnoNw)
		}
		switch {
		case s.pgnoNw != 0 && redo.PreImageRequired(s.level) && pick == nil:
			pick = s
		case s.pgnoNw != 0 && s.level.Type == eselog.SplitAppend && appendSplit == nil:
			appendSplit = s
		}
	}
	if len(splits) != 22 || pick == nil || appendSplit == nil {
		t.Fatalf("%d splits; no non-append (%v) or append (%v) split with a new page", len(splits), pick, appendSplit)
	}
	t.Logf("%d splits; the split at %v moves lines of page %d to page %d at dbtime %#x", len(splits), pick.at, pick.pgno, pick.pgnoNw, pick.dbtime)
	lostPage := pick.pgnoNw
	lost := func(pgno uint32) uint64 {
		if pgno == lostPage {
			return 0
		}
		return real(pgno)
	}
	images := func(s *splitRef, ok bool) map[uint32][]patchImage {
		return map[uint32][]patchImage{s.pgnoNw: {
			{index: 0, pgno: s.pgnoNw, dbtime: s.dbtime - 1, ok: true},
			{index: 1, pgno: s.pgnoNw, dbtime: real(s.pgnoNw), ok: ok},
		}}
	}
	// Given the patch's pages, only the splits whose new page it holds
	// are kept.
	kept, err := splitsOfDatabase(context.Background(), rp, h.DbSignature, images(pick, true))
	if err != nil || len(kept) == 0 || len(kept) >= len(splits) {
		t.Fatalf("%d of %d splits kept for page %d, %v", len(kept), len(splits), pick.pgnoNw, err)
	}
	for _, k := range kept {
		if k.pgnoNw != pick.pgnoNw {
			t.Errorf("split at %v kept: its new page %d has no image", k.at, k.pgnoNw)
		}
	}
	uses, err := selectPatchImages(splits, images(pick, true), lost)
	if err != nil || len(uses) != 1 || uses[0] != (patchUse{Pgno: pick.pgnoNw, Image: 1, DBTime: real(pick.pgnoNw), Split: pick.at}) {
		t.Fatalf("uses %+v, %v", uses, err)
	}
	// The split page not yet at the split: the split is redone and
	// rebuilds its new page; the patch is not consulted.
	one := []splitRef{*pick}
	older := func(pgno uint32) uint64 {
		if pgno == pick.pgno {
			return pick.dbtime - 1
		}
		return lost(pgno)
	}
	if uses, err := selectPatchImages(one, images(pick, true), older); err != nil || len(uses) != 0 {
		t.Errorf("split page older: uses %+v, %v", uses, err)
	}
	// Every page up to date: nothing is used.
	if uses, err := selectPatchImages(splits, images(pick, true), real); err != nil || len(uses) != 0 {
		t.Errorf("all pages current: uses %+v, %v", uses, err)
	}
	if _, err := selectPatchImages(one, images(pick, false), lost); !errors.Is(err, ese.ErrBadPatchPage) {
		t.Errorf("bad image: %v", err)
	}
	// An append split moves no lines: its new page is simply rebuilt.
	lostPage = appendSplit.pgnoNw
	if uses, err := selectPatchImages([]splitRef{*appendSplit}, images(appendSplit, true), lost); err != nil || len(uses) != 0 {
		t.Errorf("append split: uses %+v, %v", uses, err)
	}
}
