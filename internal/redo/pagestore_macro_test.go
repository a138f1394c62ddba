package redo

import (
	"errors"
	"testing"

	"github.com/dsnet/golib/memfile"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
)

// TestRedoMacroReplaceDInSplit: the engine logs the replace that causes a
// split in full (logapi.cxx, splitoperReplace passes no diff) and its
// split redo accepts only Insert, FlagInsertAndReplaceData and Replace, so
// a ReplaceD carrying a split macro's dbtime is a corrupt log, reported
// before any page changes.
func TestRedoMacroReplaceDInSplit(t *testing.T) {
	const ps = 8192
	img := make([]byte, 10*ps)
	s, err := NewPageStore(memfile.New(img), ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	hdr := eselog.PageHeader{PageNumber: 5, After: 50, Before: 40}
	split := &eselog.Split{PageHeader: hdr, PgnoNew: 6, SplitType: 1, SplitOper: 2}
	rh := eselog.PageHeader{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecReplaceD}, PageNumber: 5, After: 50, Before: eselog.DBTimeNil}
	rd := &eselog.Replace{NodeHeader: eselog.NodeHeader{PageHeader: rh}, CbNewData: 4, Payload: []byte{0, 0, 1, 'x'}}
	res, err := RedoMacro(s, []eselog.Record{split, rd}, RedoOptions{})
	if !errors.Is(err, ese.ErrLogCorrupted) || len(res.Pages) != 0 {
		t.Fatalf("pages %v, %v; want ErrLogCorrupted and no page", res.Pages, err)
	}
	if s.Stats().Writes != 0 {
		t.Errorf("%d pages written", s.Stats().Writes)
	}
}
