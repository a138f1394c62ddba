package eselog_test

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/testcorpus"
	"github.com/esekit/esekit/internal/testset"
)

// synthLegacy is the generated legacy log the twins use: generation 2,
// 1024 sectors of 512 bytes, 120 transactions (every 15th with a record
// longer than a flush of 8 sectors), closed by ShutDownMark and Term2.
func synthLegacy(t *testing.T) *testset.Log {
	t.Helper()
	lg, err := testset.BuildLegacyLog(testset.LogSpec{Gen: 2, Transactions: 120, LargeEvery: 15, Term: true, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	return lg
}

func openLegacy(b []byte, o eselog.Options) (*eselog.Log, error) {
	return eselog.OpenOptions(bytes.NewReader(b), int64(len(b)), o)
}

// TestWalkLegacySynth walks the generated legacy log: the data end right
// after the Term2 in the last flush's sector, the sector after it is that
// sector's shadow, every sector after that holds the log-extend pattern;
// the walk counts every record written, one LRCHECKSUM per flush, and
// accounts for every byte; Records decodes each one to its bytes.
func TestWalkLegacySynth(t *testing.T) {
	lg := synthLegacy(t)
	l, err := openLegacy(lg.File, eselog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	last := lg.Positions[len(lg.Positions)-1]
	end := lg.Offsets[len(lg.Offsets)-1] + int64(len(lg.Records[len(lg.Records)-1]))
	if l.End != l.PosAt(end) || !l.ClosedNormally || l.LastTerm != last || l.TornWrite {
		t.Errorf("end %v closed %v term %v torn %v; want end %v, term %v", l.End, l.ClosedNormally, l.LastTerm, l.TornWrite, l.PosAt(end), last)
	}
	s := eselog.Walk(t, l)
	dataSectors := 8 + lg.Segments
	if !s.Legacy || s.SectorSize != 512 || s.Pattern != 1024-dataSectors-1 || s.Histogram["Checksum"] != len(lg.Flushes) ||
		s.Histogram["Insert"] != lg.Inserts || s.Histogram["Commit0"] != lg.Transactions || s.Unaccounted != 0 {
		t.Errorf("walk %+v; wrote %d flushes over %d sectors, %d inserts", s, len(lg.Flushes), lg.Segments, lg.Inserts)
	}
	i := 0
	for rec, err := range l.Records(context.Background(), eselog.Filter{Types: []eselog.RecordType{eselog.RecInit2, eselog.RecBegin0, eselog.RecInsert, eselog.RecCommit0, eselog.RecShutDownMark, eselog.RecTerm2}}) {
		if err != nil {
			t.Fatal(err)
		}
		enc := rec.(interface{ AppendEncode([]byte) []byte }).AppendEncode(nil)
		if rec.Pos() != lg.Positions[i] || !bytes.Equal(enc, lg.Records[i]) {
			t.Fatalf("record %d: %v at %v, want %v at %v", i, rec.Type(), rec.Pos(), lg.Types[i], lg.Positions[i])
		}
		i++
	}
	if i != len(lg.Positions) {
		t.Errorf("%d records decoded, %d written", i, len(lg.Positions))
	}
}

// TestLegacyCorruptionSynth damages copies of the generated legacy log as
// the engine's legacy reader sees damage: a torn last sector is corrupt
// read-only and replaced by its shadow when repairing (nothing lost: the
// shadow holds the same flush); damage inside a multi-sector range with
// data after it, or a damaged first LRCHECKSUM, is corrupt (an empty log
// with AllowCorruptTail); anything but the pattern after the end is
// corrupt; a last flush replaced by the pattern is a torn write that
// repairing drops.
func TestLegacyCorruptionSynth(t *testing.T) {
	lg := synthLegacy(t)
	damaged := func(f func(b []byte)) []byte {
		b := bytes.Clone(lg.File)
		f(b)
		return b
	}
	lastFlush := lg.Flushes[len(lg.Flushes)-1]
	torn := damaged(func(b []byte) { b[lastFlush+30] ^= 0x55 })
	if _, err := openLegacy(torn, eselog.Options{}); !errors.Is(err, ese.ErrLogFileCorrupt) {
		t.Errorf("torn last sector read-only: %v", err)
	}
	l, err := openLegacy(torn, eselog.Options{RepairLegacyTail: true})
	if err != nil {
		t.Fatal(err)
	}
	if s := eselog.Walk(t, l); !l.TornWrite || s.Histogram["Term2"] != 1 || s.Histogram["Insert"] != lg.Inserts || s.Unaccounted != 0 {
		t.Errorf("repaired from the shadow: torn %v, %+v", l.TornWrite, s)
	}

	// A multi-sector flush: one whose successor starts more than a sector
	// later. Damage in its second sector.
	multi := int64(-1)
	for i := 0; i+1 < len(lg.Flushes); i++ {
		if lg.Flushes[i+1]-lg.Flushes[i] > 512 {
			multi = lg.Flushes[i]
			break
		}
	}
	if multi < 0 {
		t.Fatal("no multi-sector flush")
	}
	if _, err := openLegacy(damaged(func(b []byte) { b[multi+512+7] ^= 1 }), eselog.Options{RepairLegacyTail: true}); !errors.Is(err, ese.ErrLogFileCorrupt) {
		t.Errorf("damaged multi-sector range: %v", err)
	}
	bad := damaged(func(b []byte) { b[lg.Flushes[0]+3] ^= 1 })
	if _, err := openLegacy(bad, eselog.Options{}); !errors.Is(err, ese.ErrLogFileCorrupt) {
		t.Errorf("damaged first LRCHECKSUM: %v", err)
	}
	if l, err := openLegacy(bad, eselog.Options{AllowCorruptTail: true}); err != nil || l.TailErr == nil {
		t.Errorf("AllowCorruptTail: %v", err)
	}
	if _, err := openLegacy(damaged(func(b []byte) { b[len(b)-512] = 0 }), eselog.Options{}); !errors.Is(err, ese.ErrLogFileCorrupt) {
		t.Errorf("garbage after the end: %v", err)
	}
	tornPat := damaged(func(b []byte) {
		p := eselog.LogExtendPattern()
		copy(b[lastFlush:], p[:])
		copy(b[lastFlush+512:], p[:])
	})
	if _, err := openLegacy(tornPat, eselog.Options{}); !errors.Is(err, ese.ErrLogFileCorrupt) {
		t.Errorf("torn pattern read-only: %v", err)
	}
	l, err = openLegacy(tornPat, eselog.Options{RepairLegacyTail: true})
	if err != nil {
		t.Fatal(err)
	}
	if !l.TornWrite || l.End.Compare(l.PosAt(lastFlush)) > 0 {
		t.Errorf("torn pattern: torn %v end %v, want at most %v", l.TornWrite, l.End, l.PosAt(lastFlush))
	}
	if s := eselog.Walk(t, l); s.Histogram["Term2"] != 0 || s.Histogram["Insert"] == 0 || s.Unaccounted != 0 {
		t.Errorf("torn pattern walk: %+v", s)
	}
}

// TestSealLRChecksumSynth: sealing an LRCHECKSUM of the generated log
// again gives the bytes the reader verified; one whose ranges run past
// the file or its sector is refused.
func TestSealLRChecksumSynth(t *testing.T) {
	lg := synthLegacy(t)
	b := bytes.Clone(lg.File)
	off := lg.Flushes[1]
	rec, err := eselog.DecodeRecord(b[off:off+eselog.LRChecksumSize], lg.Positions[0])
	if err != nil {
		t.Fatal(err)
	}
	ck := *rec.(*eselog.Checksum)
	clear(b[off : off+eselog.LRChecksumSize])
	if err := eselog.SealLRChecksum(b, off, 512, 2, &ck, false); err != nil || !bytes.Equal(b, lg.File) {
		t.Errorf("resealed: %v, file equal %v", err, bytes.Equal(b, lg.File))
	}
	for _, c := range []struct {
		off  int64
		back uint32
		fwd  uint32
	}{{int64(len(b)) - 10, 0, 0}, {off, 0, uint32(len(b))}, {off, 5, 0}, {off + 500, 0, 0}} {
		ck := eselog.Checksum{CbBackwards: c.back, CbForwards: c.fwd, UseShortChecksum: eselog.ShortChecksumOff}
		if err := eselog.SealLRChecksum(b, c.off, 512, 2, &ck, false); err == nil {
			t.Errorf("LRCHECKSUM at %d (back %d, fwd %d) sealed", c.off, c.back, c.fwd)
		}
	}
}

// TestMutationsSynth is TestMutations over the start of generated logs of
// both formats and of the committed SRUM logs.
func TestMutationsSynth(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	iters := 250
	if testing.Short() {
		iters = 50
	}
	modern := synthLog(t)
	eselog.Mutate(t, "generated modern log", modern.File[:8*4096], rng, iters)
	legacy := synthLegacy(t)
	eselog.Mutate(t, "generated legacy log", legacy.File[:4096+32*512], rng, iters)
	const srum = testcorpus.SampleSet + "/SRU00051.log"
	eselog.Mutate(t, srum, testcorpus.Read(t, srum)[:8*4096], rng, iters)
}
