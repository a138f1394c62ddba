package recovery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/redo"
	"github.com/esekit/esekit/internal/testcorpus"
)

// modernLogs are the corpus logs in the modern (segment) format.
var modernLogs = []string{
	"appdata/edb.log",
	"appdata/edb0000D.log",
	"appdata-uss-jtx/USS00040.jtx",
	"appdata-uss-jtx/USS00041.jtx",
	"museum-srum-server2022-apt-1daylater/SRU00003.log",
	"museum-srum-server2022-apt-1daylater/SRU00004.log",
	"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU00051.log",
}

// TestSegmentWriterMatchesCorpus checks the writer model that places the
// records the engine logs at the end of recovery against every record of
// the corpus's modern logs: starting from where each record really lies
// (its file offset), placing it with segmentWriter and then placing the
// next record must give the next record's real lgpos. The logs contain
// records that fill a segment exactly, NOP runs before a record that did
// not fit in fewer than 32 bytes, and records fragmented over two or more
// segments (the 2040-byte Insert of edb0000D.log), so each rule of the
// model is exercised. The only records the model may not predict are the
// first after a restart of the writer (Init/Init2 open a fresh segment,
// and so does the record after a RecoveryQuit).
func TestSegmentWriterMatchesCorpus(t *testing.T) {
	total, fragmented, nopRuns := 0, 0, 0
	for _, rel := range modernLogs {
		b := testcorpus.Read(t, rel)
		l, err := eselog.Open(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		rd := l.NewReader(context.Background(), eselog.Filter{})
		var prev *eselog.RawRecord
		var prevType eselog.RecordType
		for {
			r, err := rd.NextRaw()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", rel, err)
			}
			if r.Fragments > 0 {
				fragmented++
			}
			if r.Pos.Offset != 0 && int64(r.Pos.Sector)*segmentSize+int64(r.Pos.Offset) != r.Offset && r.Fragments == 0 {
				nopRuns++
			}
			if prev != nil {
				// The writer restarts (a new process, or recovery reopening
				// the log at its end of data) before Init/Init2 and before
				// a RecoveryUndo/RecoveryUndo2.
				restart := r.Type == eselog.RecInit || r.Type == eselog.RecInit2 || r.Type == eselog.RecRecoveryUndo2 || r.Type == eselog.RecRecoveryUndo ||
					prevType == eselog.RecRecoveryQuit || prevType == eselog.RecRecoveryQuit2 || prevType == eselog.RecTerm2 || prevType == eselog.RecTerm
				w := segmentWriter{gen: prev.Pos.Generation, sec: uint16(prev.Offset / segmentSize), off: int(prev.Offset % segmentSize),
					first: uint16(l.Header.DataSectors()), lastData: l.Header.FileSectors - 2}
				w.place(len(prev.Bytes))
				got := w.place(len(r.Bytes))
				if got != r.Pos && !restart {
					t.Errorf("%s: %v of %d bytes after %v of %d bytes at %v: model places it at %v", rel, r.Type, len(r.Bytes), prevType, len(prev.Bytes), prev.Pos, got)
				}
				total++
			}
			c := *r
			c.Bytes = make([]byte, len(r.Bytes))
			prev, prevType = &c, r.Type
		}
	}
	t.Logf("%d record placements checked; %d fragmented records, %d records after a NOP run", total, fragmented, nopRuns)
	if fragmented == 0 || nopRuns == 0 {
		t.Errorf("the corpus no longer exercises fragments (%d) and NOP runs (%d)", fragmented, nopRuns)
	}
}

// uncommittedVersion is the version entry redo would hold for a versioned
// node record of an open transaction whose page redo changed (the engine
// then links Replace and FlagDelete entries for an UndoInfo at rollback).
// The before-image of a Replace is CbOldData bytes long.
var testDB = &dbRun{store: new(redo.PageStore)}

func uncommittedVersion(r eselog.NodeRecord, level int) *version {
	h := r.Node()
	v := &version{db: testDB, op: r.Type(), at: r.Pos(), rceid: h.RCEID, pgnoFDP: h.PgnoFDP, level: level, keyKnown: true}
	switch r := r.(type) {
	case *eselog.Insert:
		v.key = r.Key()
		if !h.IsUnique() {
			v.bmData = r.Data
		}
	case *eselog.FlagInsert:
		v.key = r.Key
		if !h.IsUnique() {
			v.bmData = r.Data
		}
	case *eselog.FlagInsertAndReplaceData:
		v.key, v.undoInfo = r.Key, true
		if !h.IsUnique() {
			v.bmData = r.Data
		}
	case *eselog.Delta:
		v.key, v.bmData = r.BookmarkKey, r.BookmarkData
	case *eselog.Replace:
		v.undoInfo, v.before = true, make([]byte, r.CbOldData)
		return v // bookmark filled from the engine's own record below
	case *eselog.FlagDelete:
		v.undoInfo = true
		return v
	default:
		return nil
	}
	return v
}

// TestEndOfRecoveryRecordsMatchEngine replays the transaction state of the
// corpus's circular .jtx logs, which hold two recoveries that rolled
// transactions back, and checks endOfRecoveryRecords and the writer model
// against what the engine logged after each RecoveryUndo2:
//
//   - USS00040.jtx, RecoveryUndo2 at (0x40,138,FFD): one session's open
//     level-1 transaction is rolled back: Undo (56 bytes), UndoInfo (112)
//     and Undo (56) for its two operations newest first, then Rollback
//     (4); the ShutDownMark lands at (0x40,139,115), where the databases
//     of that recovery became consistent, not at (0x40,139,31) where it
//     would be with nothing rolled back;
//   - USS00041.jtx, RecoveryUndo2 at (0x41,2D7,0): two levels open without
//     operations, so two Rollback records, and the ShutDownMark at
//     (0x41,2D7,39).
//
// Session state is tracked from the Init before each recovery (a restart
// begins with no session). Version entries are built from the records
// (uncommittedVersion); the bookmark of a Replace or FlagDelete, which
// those records do not carry, is taken from the engine's own Undo of the
// same rceid.
func TestEndOfRecoveryRecordsMatchEngine(t *testing.T) {
	type endCase struct {
		undo, shutdown ese.LogPos
		types          []eselog.RecordType
	}
	want := map[string][]endCase{
		"appdata-uss-jtx/USS00040.jtx": {{undo: ese.LogPos{Generation: 0x40, Sector: 0x138, Offset: 0xFFD}, shutdown: ese.LogPos{Generation: 0x40, Sector: 0x139, Offset: 0x115},
			types: []eselog.RecordType{eselog.RecUndo, eselog.RecUndoInfo, eselog.RecUndo, eselog.RecRollback}}},
		"appdata-uss-jtx/USS00041.jtx": {{undo: ese.LogPos{Generation: 0x41, Sector: 0x2D7}, shutdown: ese.LogPos{Generation: 0x41, Sector: 0x2D7, Offset: 0x39},
			types: []eselog.RecordType{eselog.RecRollback, eselog.RecRollback}}},
	}
	for rel, cases := range want {
		b := testcorpus.Read(t, rel)
		l, err := eselog.Open(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		var recs []eselog.Record
		var offs []int64
		rd := l.NewReader(context.Background(), eselog.Filter{})
		for {
			raw, err := rd.NextRaw()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			rec, err := eselog.DecodeRecord(bytes.Clone(raw.Bytes), raw.Pos)
			if err != nil {
				t.Fatal(err)
			}
			recs, offs = append(recs, rec), append(offs, raw.Offset)
		}
		// The engine's Undo records by rceid give the bookmarks of the
		// operations whose records carry none.
		undoBM := map[uint32]*eselog.Undo{}
		for _, r := range recs {
			if u, ok := r.(*eselog.Undo); ok {
				undoBM[u.RCEID] = u
			}
		}
		var sessions *sessionTable
		sess := func(id uint16) *session { return sessions.get(id) }
		existing := func(id uint16) *session {
			if sessions == nil || int(id) >= len(sessions.by) {
				return nil
			}
			return sessions.by[id]
		}
		var found []endCase
		for i, rec := range recs {
			switch r := rec.(type) {
			case *eselog.Init:
				sessions = &sessionTable{}
			case *eselog.Begin0:
				if sessions != nil {
					sess(r.Procid).begin(&r.Begin, true)
				}
			case *eselog.Begin:
				if sessions != nil {
					sess(r.Procid).begin(r, false)
				}
			case *eselog.Commit0:
				if sessions != nil {
					sess(r.Procid).commit(0)
				}
			case *eselog.Commit:
				if sessions != nil {
					sess(r.Procid).commit(int(r.LevelCommitTo))
				}
			case *eselog.Rollback:
				if sessions != nil {
					sess(r.Procid).rollback(int(r.LevelRollback))
				}
			case *eselog.Macro:
				if sessions != nil {
					switch r.Type() {
					case eselog.RecMacroBegin:
						sess(r.Procid).macro = &macro{dbtime: r.DBTime}
					default:
						sess(r.Procid).macro = nil
					}
				}
			case *eselog.UndoInfo:
				if s := existing(r.Procid); s != nil && s.open() {
					s.applyUndoInfo(testDB, r)
				}
			case *eselog.Undo:
				if s := existing(r.Procid); s != nil {
					for j, v := range s.versions {
						if v.rceid == r.RCEID {
							s.versions = append(s.versions[:j], s.versions[j+1:]...)
							break
						}
					}
				}
			case *eselog.RecoveryUndo2:
				if sessions == nil {
					continue
				}
				between := endOfRecoveryRecords(sessions.sorted())
				var types []eselog.RecordType
				j := i + 1
				for ; j < len(recs) && recs[j].Type() != eselog.RecShutDownMark; j++ {
					types = append(types, recs[j].Type())
					if k := j - i - 1; k < len(between) && (between[k].Type != recs[j].Type() || between[k].Size != len(recs[j].AppendEncode(nil))) {
						t.Errorf("%s: after RecoveryUndo2 at %v record %d: model %v of %d bytes, engine %v of %d bytes", rel, r.At, k, between[k].Type, between[k].Size, recs[j].Type(), len(recs[j].AppendEncode(nil)))
					}
				}
				if len(between) != j-i-1 {
					t.Errorf("%s: after RecoveryUndo2 at %v: model logs %d records, engine %d (%v)", rel, r.At, len(between), j-i-1, types)
				}
				// Place the model's records from where the engine's
				// RecoveryUndo2 lies.
				w := segmentWriter{gen: r.At.Generation, sec: uint16(offs[i] / segmentSize), off: int(offs[i] % segmentSize),
					first: uint16(l.Header.DataSectors()), lastData: l.Header.FileSectors - 2}
				w.place(recoveryUndo2Size)
				for _, e := range between {
					w.place(e.Size)
				}
				sd := w.place(shutDownMarkLen)
				if j < len(recs) && sd != recs[j].Pos() {
					t.Errorf("%s: model ShutDownMark at %v, engine's at %v", rel, sd, recs[j].Pos())
				}
				if len(between) > 0 && j < len(recs) {
					found = append(found, endCase{undo: r.At, shutdown: recs[j].Pos(), types: types})
				}
				sessions = nil
			default:
				nr, ok := rec.(eselog.NodeRecord)
				if !ok || sessions == nil || !nr.Node().IsVersioned() {
					continue
				}
				s := sess(nr.Node().Procid)
				if !s.open() {
					continue
				}
				if v := uncommittedVersion(nr, s.level); v != nil {
					if u := undoBM[v.rceid]; v.key == nil && u != nil {
						v.key, v.bmData = u.BookmarkKey, u.BookmarkData
					}
					s.versions = append(s.versions, v)
				}
			}
		}
		if len(found) != len(cases) {
			t.Fatalf("%s: %d recoveries with rollback records, want %d: %+v", rel, len(found), len(cases), found)
		}
		for k, c := range cases {
			f := found[k]
			if f.undo != c.undo || f.shutdown != c.shutdown || fmt.Sprint(f.types) != fmt.Sprint(c.types) {
				t.Errorf("%s: recovery %d: %+v, want %+v", rel, k, f, c)
			}
		}
	}
}
