package redo

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/dsnet/golib/memfile"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/testcorpus"
)

// replayLogs replays the page records of logs (in order) into s, grouping
// each session's macro (MacroBegin..MacroCommit) for RedoMacro.
func replayLogs(t *testing.T, s *PageStore, logs []string, opt RedoOptions) (changed, skipped int, types map[eselog.RecordType]int) {
	t.Helper()
	types = map[eselog.RecordType]int{}
	macros := map[uint16][]eselog.Record{}
	for _, rel := range logs {
		b := testcorpus.Read(t, rel)
		lg, err := eselog.Open(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		rd := lg.NewReader(context.Background(), eselog.Filter{})
		for {
			raw, err := rd.NextRaw()
			if err != nil {
				break
			}
			r, err := eselog.DecodeRecord(append([]byte{}, raw.Bytes...), raw.Pos)
			if err != nil {
				t.Fatal(err)
			}
			var procid uint16
			if sr, ok := r.(eselog.SessionRecord); ok {
				procid = sr.ProcID()
			}
			switch r.Type() {
			case eselog.RecMacroBegin:
				macros[procid] = []eselog.Record{}
				continue
			case eselog.RecMacroCommit:
				res, err := RedoMacro(s, macros[procid], opt)
				if err != nil {
					t.Fatal(err)
				}
				changed += len(res.Pages)
				skipped += len(res.Skipped)
				delete(macros, procid)
				continue
			case eselog.RecMacroAbort:
				delete(macros, procid)
				continue
			}
			if !IsPageRedoRecord(r) {
				continue
			}
			types[r.Type()]++
			if m, ok := macros[procid]; ok {
				macros[procid] = append(m, r)
				continue
			}
			res, err := RedoRecord(s, r, opt)
			if err != nil {
				t.Fatal(err)
			}
			changed += len(res.Pages)
			skipped += len(res.Skipped)
		}
	}
	return changed, skipped, types
}

// TestDirtySRUMPagesAlreadyCurrent replays the logs the dirty SRUM
// database needs (generation 0x51 and the current SRU.log) against a copy
// of it, as soft recovery's redo does while the database may hold data
// from later logs: every page the logs touch, the split macros included,
// already carries a newer dbtime, so nothing changes.
func TestDirtySRUMPagesAlreadyCurrent(t *testing.T) {
	const set = "museum-srum-win10-belkasoftctf-insiderthreat-dirty/"
	orig := testcorpus.Read(t, set+"SRUDB.dat")
	db := memfile.New(append([]byte{}, orig...))
	s, err := NewPageStore(db, 4096, nil)
	if err != nil {
		t.Fatal(err)
	}
	changed, skipped, types := replayLogs(t, s, []string{set + "SRU00051.log", set + "SRU.log"}, RedoOptions{MayContainFutureData: true})
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	t.Logf("record types: %v; %d page visits skipped", types, skipped)
	if changed != 0 || !bytes.Equal(db.Bytes(), orig) {
		t.Fatalf("%d pages changed", changed)
	}
	if types[eselog.RecInsert] != 148 || types[eselog.RecSplit2] != 4 || types[eselog.RecReplace] != 2 || types[eselog.RecDelete] != 1 {
		t.Errorf("record counts %v, want 148 Insert, 4 Split2, 2 Replace, 1 Delete", types)
	}
	// Each of the 2 split macros visits the ancestor, the split page and
	// the new page (3 visits, the Insert that caused the split included);
	// the other 149 node records visit one page each.
	if skipped != 155 {
		t.Errorf("%d page visits skipped, want 155", skipped)
	}
}

// TestSplitNeedingRedoIsRefused: a split whose pages are older than the
// record cannot be redone yet and says so.
func TestSplitNeedingRedoIsRefused(t *testing.T) {
	const ps = 4096
	db := memfile.New(make([]byte, 10*ps))
	s, err := NewPageStore(db, ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := s.GetNew(3)
	p.FormatPreInit(3, 5, 10)
	p.ConsumePreInit(0)
	s.MarkDirty(3, p)
	r := &eselog.Split{PageHeader: eselog.PageHeader{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecSplit2}, PageNumber: 3, After: 11, Before: 10}}
	_, err = RedoRecord(s, r, RedoOptions{})
	if !errors.Is(err, ErrRedoNotImplemented) {
		t.Fatalf("got %v, want ErrRedoNotImplemented", err)
	}
}

// TestRedoOnUninitializedPage: a node record for a page that was never
// written is the engine's JET_errPageNotInitialized.
func TestRedoOnUninitializedPage(t *testing.T) {
	db := memfile.New(make([]byte, 10*4096))
	s, err := NewPageStore(db, 4096, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &eselog.Delete{NodeHeader: eselog.NodeHeader{PageHeader: eselog.PageHeader{
		RecordBase: eselog.RecordBase{Lrtyp: eselog.RecDelete}, PageNumber: 3, After: 11, Before: 10}}}
	if _, err := RedoRecord(s, r, RedoOptions{}); !errors.Is(err, ese.ErrPageNotInitialized) {
		t.Fatalf("got %v, want ErrPageNotInitialized", err)
	}
	if _, err := RedoRecord(s, &eselog.Delete{NodeHeader: eselog.NodeHeader{PageHeader: eselog.PageHeader{
		RecordBase: eselog.RecordBase{Lrtyp: eselog.RecDelete}, PageNumber: 30, After: 11, Before: 10}}}, RedoOptions{}); !errors.Is(err, ese.ErrFileIOBeyondEOF) {
		t.Fatalf("page past the end: got %v, want ErrFileIOBeyondEOF", err)
	}
}
