package eselog

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testcorpus"
)

func openCorpus(t *testing.T, path string) (*Log, []byte) {
	t.Helper()
	data := testcorpus.Read(t, path)
	l, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return l, data
}

func walk(t *testing.T, l *Log) *Stats {
	t.Helper()
	s, err := l.Walk(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestWalkAppdata checks the corpus's own figures for the two appdata logs
// (docs/logs.md#end-of-data, docs/log-records.md#record-types).
func TestWalkAppdata(t *testing.T) {
	l, _ := openCorpus(t, "appdata/edb.log")
	s := walk(t, l)
	if s.Valid != 34 || s.Shadow != 1 || s.Zero != 127-36 || l.States[35] != SegShadow || l.States[34] != SegValid || l.States[127] != SegReserved {
		t.Errorf("edb.log segments: valid %d shadow %d zero %d", s.Valid, s.Shadow, s.Zero)
	}
	if s.End != (ese.LogPos{Generation: 1, Sector: 0x23}) || s.Records != 1812 || s.Fragmented != 13 {
		t.Errorf("edb.log end %v records %d fragmented %d", s.End, s.Records, s.Fragmented)
	}
	if !s.ClosedNormally || s.LastTerm != (ese.LogPos{Generation: 1, Sector: 0x22}) || s.LastRecord != s.LastTerm {
		t.Errorf("edb.log closed %v term %v last %v", s.ClosedNormally, s.LastTerm, s.LastRecord)
	}
	// 34·4096 = 40·34 + 133,641 record bytes + 4,263 overhead (7 NOP runs of
	// 4133 bytes and 13 FragmentBegin + 13 Fragment headers).
	if s.UsedBytes != 34*4096 || s.SegmentHeaderBytes != 40*34 || s.RecordBytes != 133641 ||
		s.NOPRuns != 7 || s.NOPBytes != 4133 || s.FragmentHeaderBytes != 13*7+13*3 || s.Unaccounted != 0 || s.DroppedBytes != 0 {
		t.Errorf("edb.log bytes: %+v", s)
	}

	d, _ := openCorpus(t, "appdata/edb0000D.log")
	sd := walk(t, d)
	if sd.Valid != 126 || sd.Zero != 0 || sd.End != (ese.LogPos{Generation: 0xD, Sector: 0x7F}) || sd.Records != 1461 ||
		sd.Fragmented != 6 || sd.ClosedNormally {
		t.Errorf("edb0000D.log: valid %d end %v records %d fragmented %d closed %v", sd.Valid, sd.End, sd.Records, sd.Fragmented, sd.ClosedNormally)
	}
	if sd.RecordBytes != 507253 || sd.NOPRuns != 3 || sd.NOPBytes != 3743 || sd.FragmentHeaderBytes != 60 || sd.Unaccounted != 0 {
		t.Errorf("edb0000D.log bytes: %+v", sd)
	}
	// docs/logs.md#accumulated-checksum: edb0000D.log's own segments XOR to this value.
	if d.AccumulatedChecksum != 0x4DF73208707CA078 {
		t.Errorf("edb0000D accumulated checksum %#x", d.AccumulatedChecksum)
	}

	// The combined histogram of the two corpus logs.
	want := map[string]int{
		"Insert": 1002, "Commit": 833, "Begin": 669, "NOP2": 131, "Begin0": 74, "Commit0": 74, "Delete": 68,
		"FlagDelete": 53, "NewPage": 40, "Replace": 35, "CreateSingleExtentFDP": 29, "AttachDB": 28,
		"ShutDownMark": 27, "Init2": 27, "ReplaceD": 26, "RecoveryUndo2": 26, "RecoveryQuit2": 26,
		"SetExternalHeader": 26, "Trace": 15, "UndoInfo": 13, "Delta": 11, "CreateMultipleExtentFDP": 10,
		"SetDbVersion": 6, "ConvertFDP2": 5, "DetachDB": 4, "ExtendDB": 4, "Split2": 2, "CreateDB": 2,
		"CreateDBFinish": 2, "MacroBegin": 1, "MacroCommit": 1, "MacroInfo2": 1, "FlagInsertAndReplaceData": 1,
		"Term2": 1,
	}
	got := map[string]int{}
	total := 0
	for _, h := range []map[string]int{s.Histogram, sd.Histogram} {
		for k, v := range h {
			got[k] += v
			total += v
		}
	}
	if total != 3273 || len(got) != len(want) {
		t.Errorf("histogram total %d with %d types, want 3273 with %d", total, len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("histogram %s = %d, want %d", k, got[k], v)
		}
	}
}

// TestEnginePositions checks that the positions the reader gives records
// are the ones the engine stored in database headers and checkpoints of the
// same sets (read from the raw bytes of those files).
func TestEnginePositions(t *testing.T) {
	lg := func(path string, off int) ese.LogPos { return corpusPos(t, path, off) }
	cases := []struct {
		log  string
		pos  ese.LogPos
		want RecordType
	}{
		// IndexedDB.edb: lgposAttach (+80) is the CreateDB, lgposConsistent
		// (+56) and lgposDetach (+96) the DetachDB; the checkpoint (+12 of
		// edb.chk) is the Term2.
		{"appdata/edb.log", lg("appdata/IndexedDB.edb", 80), RecCreateDB},
		{"appdata/edb.log", lg("appdata/IndexedDB.edb", 56), RecDetachDB},
		{"appdata/edb.log", lg("appdata/IndexedDB.edb", 96), RecDetachDB},
		{"appdata/edb.log", lg("appdata/edb.chk", 12), RecTerm2},
		// Clean SRUM: attached in gen 4, consistent at a ShutDownMark of
		// gen 5, checkpoint at the Term2.
		{"museum-srum-server2022-apt-1daylater/SRU00004.log", lg("museum-srum-server2022-apt-1daylater/SRUDB.dat", 80), RecAttachDB},
		{"museum-srum-server2022-apt-1daylater/SRU.log", lg("museum-srum-server2022-apt-1daylater/SRUDB.dat", 56), RecShutDownMark},
		{"museum-srum-server2022-apt-1daylater/SRU.log", lg("museum-srum-server2022-apt-1daylater/SRU.chk", 12), RecTerm2},
		// Dirty SRUM: the AttachDB of gen 0x51.
		{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU00051.log", lg("museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRUDB.dat", 80), RecAttachDB},
	}
	for _, c := range cases {
		checkRecordAt(t, c.log, c.pos, c.want)
	}
	// The appdata corpus files' own values.
	if p := lg("appdata/IndexedDB.edb", 80); p != (ese.LogPos{Generation: 1, Sector: 1, Offset: 616}) {
		t.Errorf("IndexedDB attach %v", p)
	}
}

// TestRecordsDecoded decodes every record of edb.log through Records and
// checks the first records' positions: the first record of a segment is at
// (gen, isec, 0).
func TestRecordsDecoded(t *testing.T) {
	l, _ := openCorpus(t, "appdata/edb.log")
	n := 0
	var first Record
	for rec, err := range l.Records(context.Background(), Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			first = rec
		}
		n++
	}
	if n != 1812 {
		t.Errorf("%d records", n)
	}
	if first.Pos() != (ese.LogPos{Generation: 1, Sector: 1}) {
		t.Errorf("first record at %v", first.Pos())
	}
	// Filtering by type and by database.
	var creates, db1 int
	for rec, err := range l.Records(context.Background(), Filter{Types: []RecordType{RecCreateDB, RecDetachDB}}) {
		if err != nil {
			t.Fatal(err)
		}
		creates++
		if rec.Type() != RecCreateDB && rec.Type() != RecDetachDB {
			t.Errorf("filter let %v through", rec.Type())
		}
	}
	if creates != 2 {
		t.Errorf("%d CreateDB+DetachDB records, want 2", creates)
	}
	for r, err := range l.RawRecords(context.Background(), Filter{DBIDs: []uint8{1}}) {
		if err != nil {
			t.Fatal(err)
		}
		if d, ok := r.DBID(); !ok || d != 1 {
			t.Errorf("DBID filter let %v (dbid %d %v) through", r.Type, d, ok)
		}
		db1++
	}
	if db1 == 0 || db1 >= 1812 {
		t.Errorf("%d records for dbid 1", db1)
	}
}

func TestReaderCancel(t *testing.T) {
	l, _ := openCorpus(t, "appdata/edb0000D.log")
	checkReaderCancel(t, l)
}

// checkReaderCancel cancels the context of a reader of l (of more than
// 200 records) after its first record: the reader stops with
// context.Canceled.
func checkReaderCancel(t *testing.T, l *Log) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	rd := l.NewReader(ctx, Filter{})
	if _, err := rd.NextRaw(); err != nil {
		t.Fatal(err)
	}
	cancel()
	var err error
	for i := 0; i < 200 && err == nil; i++ {
		_, err = rd.NextRaw()
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("after cancel: %v", err)
	}
}

// TestWalkCorpusModern walks every modern corpus log: zero unaccounted
// bytes, no checksum failure, and records only inside the valid data.
func TestWalkCorpusModern(t *testing.T) {
	for _, c := range corpusLogs {
		if c.version[0] == '7' {
			continue
		}
		t.Run(c.path, func(t *testing.T) {
			l, _ := openCorpus(t, c.path)
			s := walk(t, l)
			if s.Unaccounted != 0 || s.Corrected != 0 || s.Repaired != 0 || s.SkippedBytes != 0 {
				t.Errorf("unaccounted %d skipped %d corrected %d repaired %d", s.Unaccounted, s.SkippedBytes, s.Corrected, s.Repaired)
			}
			if s.DroppedBytes != 0 && c.path != "appdata-uss-jtx/USS00041.jtx" {
				t.Errorf("dropped %d bytes", s.DroppedBytes)
			}
			if s.Valid+s.Shadow+s.Stale+s.Zero != s.DataSectors {
				t.Errorf("sector states do not cover the file: %+v", s)
			}
			if s.End.Sector != uint16(1+s.Valid) {
				t.Errorf("end %v after %d valid segments", s.End, s.Valid)
			}
		})
	}
}

// TestWalkCorpusFigures pins per-file figures of the other modern logs.
func TestWalkCorpusFigures(t *testing.T) {
	cases := []struct {
		path    string
		valid   int
		end     ese.LogPos
		records int
		closed  bool
	}{
		{"museum-srum-server2022-apt-1daylater/SRU.log", 6, ese.LogPos{Generation: 5, Sector: 7}, 140, true},
		{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU00051.log", 11, ese.LogPos{Generation: 0x51, Sector: 0xC}, 273, false},
		{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU.log", 0, ese.LogPos{Generation: 0x52, Sector: 1}, 0, false},
		{"appdata-uss-jtx/USS00040.jtx", 766, ese.LogPos{Generation: 0x40, Sector: 0x2FF}, 55550, false},
		{"secedit-horrorandscifi/edb.log", 1, ese.LogPos{Generation: 1, Sector: 2}, 3, false},
	}
	t.Run("USS00041.jtx", func(t *testing.T) {
		// USS00041.jtx holds a crash: a FragmentBegin (59 bytes) ends segment
		// 0x2D6 and segment 0x2D7 opens with RecoveryUndo2 instead of its
		// Fragment. The engine drops the partial record and gives the
		// RecoveryUndo2 the position of its segment's start.
		u, _ := openCorpus(t, "appdata-uss-jtx/USS00041.jtx")
		if s := walk(t, u); s.DroppedBytes != 59 || s.Records != 64287 || s.Unaccounted != 0 {
			t.Errorf("USS00041.jtx: dropped %d records %d", s.DroppedBytes, s.Records)
		}
		found := false
		for r, err := range u.RawRecords(context.Background(), Filter{Types: []RecordType{RecRecoveryUndo2}}) {
			if err != nil {
				t.Fatal(err)
			}
			if r.Offset == 0x2D7*4096+40 {
				found = true
				if r.Pos != (ese.LogPos{Generation: 0x41, Sector: 0x2D7}) {
					t.Errorf("RecoveryUndo2 after the torn fragment at %v", r.Pos)
				}
			}
		}
		if !found {
			t.Error("no RecoveryUndo2 at the start of segment 0x2D7")
		}
	})
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			l, _ := openCorpus(t, c.path)
			s := walk(t, l)
			if s.Valid != c.valid || s.End != c.end || s.Records != c.records || s.ClosedNormally != c.closed {
				t.Errorf("%s: valid %d end %v records %d closed %v", c.path, s.Valid, s.End, s.Records, s.ClosedNormally)
			}
		})
	}
}

// corruptCopy returns a copy of data with f applied.
func corruptCopy(data []byte, f func(b []byte)) []byte {
	b := bytes.Clone(data)
	f(b)
	return b
}

func TestModernCorruption(t *testing.T) {
	_, data := openCorpus(t, "appdata/edb.log")
	open := func(b []byte) (*Log, error) { return Open(bytes.NewReader(b), int64(len(b))) }

	// One flipped bit in a data segment: the ECC repairs it, as the engine
	// does, and the walk still gives 1812 records.
	l, err := open(corruptCopy(data, func(b []byte) { b[5*4096+1000] ^= 0x10 }))
	if err != nil {
		t.Fatal(err)
	}
	if l.States[5] != SegCorrected {
		t.Errorf("segment 5 is %v", l.States[5])
	}
	if s := walk(t, l); s.Records != 1812 || s.Corrected != 1 {
		t.Errorf("after a bit flip: %d records, %d corrected", s.Records, s.Corrected)
	}

	// A torn last segment (34): the shadow in 35 repairs it.
	l, err = open(corruptCopy(data, func(b []byte) {
		for i := 34*4096 + 2000; i < 34*4096+2100; i++ {
			b[i] ^= 0xFF
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	if l.States[34] != SegRepaired || !l.TornWrite || l.End != (ese.LogPos{Generation: 1, Sector: 0x23}) {
		t.Errorf("torn segment 34: state %v torn %v end %v", l.States[34], l.TornWrite, l.End)
	}
	if s := walk(t, l); s.Records != 1812 || s.Unaccounted != 0 {
		t.Errorf("repaired log: %d records, %d unaccounted", s.Records, s.Unaccounted)
	}

	// Damage in the middle (segment 10, no shadow): corrupt. With
	// AllowCorruptTail the first nine segments stay readable.
	bad := corruptCopy(data, func(b []byte) {
		for i := 10*4096 + 2000; i < 10*4096+2100; i++ {
			b[i] ^= 0xFF
		}
	})
	if _, err := open(bad); !errors.Is(err, ese.ErrLogFileCorrupt) {
		t.Errorf("damaged segment 10: %v", err)
	}
	l, err = OpenOptions(bytes.NewReader(bad), int64(len(bad)), Options{AllowCorruptTail: true})
	if err != nil || l.TailErr == nil || l.End != (ese.LogPos{Generation: 1, Sector: 10}) {
		t.Fatalf("AllowCorruptTail: %v, end %v", err, l.End)
	}
	rd := l.NewReader(context.Background(), Filter{})
	n := 0
	for {
		_, err := rd.NextRaw()
		if err != nil {
			if !errors.Is(err, ese.ErrLogFileCorrupt) {
				t.Errorf("reader ends with %v", err)
			}
			break
		}
		n++
	}
	if n == 0 || n >= 1812 {
		t.Errorf("%d records before the damage", n)
	}

	// A valid segment after the empty ones: corrupt.
	if _, err := open(corruptCopy(data, func(b []byte) { copy(b[40*4096:41*4096], b[20*4096:21*4096]); fixSeg(b, 40, 1) })); !errors.Is(err, ese.ErrLogFileCorrupt) {
		t.Errorf("valid segment after empty: %v", err)
	}
	// A segment that claims a later position: corrupt.
	if _, err := open(corruptCopy(data, func(b []byte) { bin.PutU16(b, 20*4096+10, 21); ese.SetPageChecksum(b[20*4096:21*4096], 20) })); !errors.Is(err, ese.ErrLogFileCorrupt) {
		t.Errorf("bad segment position: %v", err)
	}
	// A stale segment (older position) ends the data early.
	l, err = open(corruptCopy(data, func(b []byte) { bin.PutU32(b, 34*4096+12, 0); ese.SetPageChecksum(b[34*4096:35*4096], 34) }))
	if err != nil || l.States[34] != SegStale || l.End.Sector != 34 {
		t.Errorf("stale segment 34: %v %v end %v", err, l.States[34], l.End)
	}
	// A truncated file and a wrong size.
	if _, err := Open(bytes.NewReader(data[:100000]), 100000); !errors.Is(err, ese.ErrLogFileSizeMismatch) {
		t.Errorf("truncated: %v", err)
	}
	if _, err := Open(bytes.NewReader(data[:100]), int64(len(data))); !errors.Is(err, ese.ErrLogFileCorrupt) {
		t.Errorf("short reader: %v", err)
	}
	// A record whose size runs past its segment (re-checksummed so only
	// the record is wrong).
	l, err = open(corruptCopy(data, func(b []byte) {
		// The first record of segment 3 becomes a NOP2 claiming 5000 bytes.
		b[3*4096+40] = byte(RecNOP2)
		bin.PutU32(b, 3*4096+41, 5000)
		ese.SetPageChecksum(b[3*4096:4*4096], 3)
	}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Walk(context.Background()); !errors.Is(err, ese.ErrLogFileCorrupt) {
		t.Errorf("oversized record: %v", err)
	}
	// A Fragment piece with no FragmentBegin, after the first record: the
	// engine skips such pieces only at the start of its search.
	l, err = open(corruptCopy(data, func(b []byte) {
		b[3*4096+40] = byte(RecFragment)
		bin.PutU16(b, 3*4096+41, 4)
		ese.SetPageChecksum(b[3*4096:4*4096], 3)
	}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Walk(context.Background()); !errors.Is(err, ese.ErrLogFileCorrupt) {
		t.Errorf("orphan Fragment: %v", err)
	}
	// Garbage.
	if _, err := open(make([]byte, 8192)); !errors.Is(err, ese.ErrLogFileCorrupt) {
		t.Errorf("zeros: %v", err)
	}
}

// fixSeg rewrites segment isec's position and checksum so it is valid for
// sector isec of generation gen.
func fixSeg(b []byte, isec int, gen ese.Generation) {
	seg := b[isec*4096 : (isec+1)*4096]
	ese.LogPos{Generation: gen, Sector: uint16(isec)}.Put(seg[8:])
	ese.SetPageChecksum(seg, uint32(isec))
}

// TestFragmentCutByEnd: when the end of data falls inside a fragmented
// record, the record is dropped, not an error.
func TestFragmentCutByEnd(t *testing.T) {
	l, data := openCorpus(t, "appdata/edb0000D.log")
	// Find a fragmented record and end the data right after its
	// FragmentBegin's segment.
	var fragSeg int = -1
	for r, err := range l.RawRecords(context.Background(), Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if r.Fragments > 0 {
			fragSeg = int(r.Offset / 4096)
			break
		}
	}
	if fragSeg < 0 {
		t.Fatal("no fragmented record")
	}
	b := corruptCopy(data, func(b []byte) {
		for i := (fragSeg + 1) * 4096; i < len(b); i++ {
			b[i] = 0
		}
	})
	l2, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	s := walk(t, l2)
	if s.DroppedBytes == 0 || s.Unaccounted != 0 || s.End.Sector != uint16(fragSeg+1) {
		t.Errorf("cut fragment: dropped %d unaccounted %d end %v", s.DroppedBytes, s.Unaccounted, s.End)
	}
	_ = io.EOF
}

// TestAccumulatedChecksumChain checks docs/logs.md#accumulated-checksum on the real log
// sets: the XOR of the valid segments' checksums of generation N, as the
// tail scan computes it, is what generation N+1's header carries.
func TestAccumulatedChecksumChain(t *testing.T) {
	sets := [][]string{
		{"museum-srum-server2022-apt-1daylater/SRUtmp.log", "museum-srum-server2022-apt-1daylater/SRU00003.log",
			"museum-srum-server2022-apt-1daylater/SRU00004.log", "museum-srum-server2022-apt-1daylater/SRU.log"},
		{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU0004E.log", "museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU0004F.log",
			"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU00050.log", "museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU00051.log",
			"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU.log"},
		{"appdata-uss-jtx/USStmp.jtx", "appdata-uss-jtx/USS00040.jtx", "appdata-uss-jtx/USS00041.jtx"},
	}
	for _, set := range sets {
		t.Run(strings.Split(set[0], "/")[0], func(t *testing.T) {
			var prev *Log
			for _, p := range set {
				l, _ := openCorpus(t, p)
				if prev != nil {
					if l.Header.Generation != prev.Header.Generation+1 {
						t.Fatalf("%s: generation %#x after %#x", p, l.Header.Generation, prev.Header.Generation)
					}
					if l.Header.PrevLogAccumulatedChecksum != prev.AccumulatedChecksum {
						t.Errorf("%s: header expects %#x, previous generation's segments XOR to %#x", p, l.Header.PrevLogAccumulatedChecksum, prev.AccumulatedChecksum)
					}
					if l.Header.PrevGenCreateTime != prev.Header.CreateTime {
						t.Errorf("%s: previous-generation time %v, previous file created %v", p, l.Header.PrevGenCreateTime, prev.Header.CreateTime)
					}
				}
				prev = l
			}
		})
	}
	// SRU.log (gen 0x52) of the dirty set holds no data yet: nothing to XOR.
	l, _ := openCorpus(t, "museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU.log")
	if l.AccumulatedChecksum != 0 {
		t.Errorf("empty SRU.log accumulated %#x", l.AccumulatedChecksum)
	}
}

// TestNewReaderAt starts reading at the checkpoint as redo does: at
// appdata's checkpoint (1,0x22,0) the first record is the Term2; at the
// DB's attach position (1,1,0x268) the CreateDB.
func TestNewReaderAt(t *testing.T) {
	l, _ := openCorpus(t, "appdata/edb.log")
	first := func(p ese.LogPos) RawRecord {
		rd := l.NewReaderAt(context.Background(), Filter{}, p)
		r, err := rd.NextRaw()
		if err != nil {
			t.Fatalf("%v: %v", p, err)
		}
		return *r
	}
	if r := first(ese.LogPos{Generation: 1, Sector: 0x22}); r.Type != RecTerm2 || r.Pos != (ese.LogPos{Generation: 1, Sector: 0x22}) {
		t.Errorf("at the checkpoint: %v at %v", r.Type, r.Pos)
	}
	if r := first(ese.LogPos{Generation: 1, Sector: 1, Offset: 0x268}); r.Type != RecCreateDB || r.Pos != (ese.LogPos{Generation: 1, Sector: 1, Offset: 0x268}) {
		t.Errorf("at the attach position: %v at %v", r.Type, r.Pos)
	}
	// From the start of every segment, the records read are exactly the
	// tail of the full sequence (fragments begun earlier are skipped).
	var all []RawRecord
	for r, err := range l.RawRecords(context.Background(), Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		r.Bytes = nil
		all = append(all, r)
	}
	for sec := uint16(1); sec <= 0x23; sec++ {
		rd := l.NewReaderAt(context.Background(), Filter{}, ese.LogPos{Generation: 1, Sector: sec})
		n := 0
		var firstRec RawRecord
		for {
			r, err := rd.NextRaw()
			if err != nil {
				break
			}
			if n == 0 {
				firstRec = *r
			}
			n++
		}
		// The records whose bytes start in or after segment sec.
		want := 0
		for _, r := range all {
			if r.Offset >= int64(sec)*4096 {
				want++
			}
		}
		if n != want {
			t.Errorf("from segment %#x: %d records, want %d", sec, n, want)
		}
		if n > 0 && firstRec.Offset < int64(sec)*4096 {
			t.Errorf("from segment %#x: first record at offset %d", sec, firstRec.Offset)
		}
	}
	// Another generation: from the beginning.
	if r := first(ese.LogPos{Generation: 7, Sector: 0x30}); r.Pos != (ese.LogPos{Generation: 1, Sector: 1}) {
		t.Errorf("other generation starts at %v", r.Pos)
	}
}

// TestHardRestoreCodes: the same damage gets the hard-restore codes.
func TestHardRestoreCodes(t *testing.T) {
	_, data := openCorpus(t, "appdata/edb.log")
	torn := corruptCopy(data, func(b []byte) {
		for i := 34*4096 + 2000; i < 34*4096+2100; i++ {
			b[i] ^= 0xFF
		}
	})
	bad := corruptCopy(data, func(b []byte) {
		for i := 10*4096 + 2000; i < 10*4096+2100; i++ {
			b[i] ^= 0xFF
		}
	})
	cases := []struct {
		b    []byte
		hr   HardRestore
		want ese.Error
	}{
		{torn, HardRestore{GenHigh: 1}, ese.ErrLogTornWriteDuringHardRestore},
		{torn, HardRestore{GenHigh: 0}, ese.ErrLogTornWriteDuringHardRecovery},
		{torn, HardRestore{GenHigh: 0, CurrentLog: true}, 0},
		{bad, HardRestore{GenHigh: 1}, ese.ErrLogCorruptDuringHardRestore},
		{bad, HardRestore{GenHigh: 0}, ese.ErrLogCorruptDuringHardRecovery},
	}
	for i, c := range cases {
		hr := c.hr
		_, err := OpenOptions(bytes.NewReader(c.b), int64(len(c.b)), Options{HardRestore: &hr})
		if c.want == 0 {
			if err != nil {
				t.Errorf("case %d: %v", i, err)
			}
			continue
		}
		if !errors.Is(err, c.want) {
			t.Errorf("case %d: %v, want %v", i, err, c.want)
		}
	}
	// Legacy: the torn last flush of kimberli's edb00001.log.
	_, ld := openCorpus(t, "wlm-kimberli13/edb00001.log")
	lt := corruptCopy(ld, func(b []byte) { b[22*512+300] ^= 0x55 })
	if _, err := OpenOptions(bytes.NewReader(lt), int64(len(lt)), Options{HardRestore: &HardRestore{GenHigh: 1}}); !errors.Is(err, ese.ErrLogTornWriteDuringHardRestore) {
		t.Errorf("legacy torn in backup set: %v", err)
	}
	if l, err := OpenOptions(bytes.NewReader(lt), int64(len(lt)), Options{HardRestore: &HardRestore{GenHigh: 0, CurrentLog: true}}); err != nil || !l.TornWrite {
		t.Errorf("legacy torn current log after the set: %v", err)
	}
}

// corpusPos reads the log position stored at byte off of corpus file path
// (a database header or checkpoint field).
func corpusPos(t *testing.T, path string, off int) ese.LogPos {
	return ese.DecodeLogPos(testcorpus.Read(t, path)[off:])
}

// checkRecordAt checks that corpus log path holds a record of type want at
// position pos.
func checkRecordAt(t *testing.T, path string, pos ese.LogPos, want RecordType) {
	t.Helper()
	l, _ := openCorpus(t, path)
	for r, err := range l.RawRecords(context.Background(), Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if r.Pos == pos {
			if r.Type != want {
				t.Errorf("%s %v: %v, want %v", path, pos, r.Type, want)
			}
			return
		}
	}
	t.Errorf("%s: no record at %v", path, pos)
}

// TestReaderRechecksSegments: a segment that changes in the file after
// Open (its bytes no longer those the scan verified) stops the reader with
// a corrupt-log error; restored, it reads as before.
func TestReaderRechecksSegments(t *testing.T) {
	l, data := openCorpus(t, "appdata/edb.log")
	checkRechecksSegments(t, l, data, l.Header.DataSectors()+2, 400)
}

// checkRechecksSegments changes a byte of segment isec of data, the bytes
// l was opened over, after Open: the reader notices it (-501, "no longer
// matches") and reads all records again, at least min of them, once the
// byte is back.
func checkRechecksSegments(t *testing.T, l *Log, data []byte, isec, min int) {
	t.Helper()
	count := func() (int, error) {
		n := 0
		for _, err := range l.RawRecords(context.Background(), Filter{}) {
			if err != nil {
				return n, err
			}
			n++
		}
		return n, nil
	}
	want, err := count()
	if err != nil || want < min {
		t.Fatalf("%d records, %v", want, err)
	}
	if l.States[isec] != SegValid {
		t.Fatalf("segment %d is %v", isec, l.States[isec])
	}
	data[isec*SegmentSize+100] ^= 0x55
	n, err := count()
	if !errors.Is(err, ese.ErrLogFileCorrupt) || !strings.Contains(err.Error(), "no longer matches") {
		t.Fatalf("changed segment %d: %d records, then %v", isec, n, err)
	}
	data[isec*SegmentSize+100] ^= 0x55
	if n, err := count(); err != nil || n != want {
		t.Fatalf("restored: %d records (want %d), %v", n, want, err)
	}
}
