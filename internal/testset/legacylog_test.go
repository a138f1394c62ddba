package testset

import (
	"bytes"
	"context"
	"testing"

	"github.com/esekit/esekit/eselog"
)

// TestBuildLegacyLogReadsBack opens a generated legacy log with eselog:
// the LRCHECKSUM chain verifies, every record written is read back at its
// position with its bytes (between them only the flushes' LRCHECKSUMs and
// the NOPs of their zero tails), and the log ends at the Term2.
func TestBuildLegacyLogReadsBack(t *testing.T) {
	lg, err := BuildLegacyLog(LogSpec{Gen: 5, Transactions: 80, LargeEvery: 20, Term: true, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(lg.Flushes) < 5 || lg.Header.SectorSize != 512 {
		t.Fatalf("%d flushes, sector size %d", lg.Flushes, lg.Header.SectorSize)
	}
	l, err := eselog.Open(bytes.NewReader(lg.File), int64(len(lg.File)))
	if err != nil {
		t.Fatal(err)
	}
	if !l.Header.Legacy() || l.TornWrite {
		t.Errorf("legacy %v torn %v", l.Header.Legacy(), l.TornWrite)
	}
	i, checksums := 0, 0
	for r, err := range l.RawRecords(context.Background(), eselog.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		switch r.Type {
		case eselog.RecChecksum:
			checksums++
			continue
		case eselog.RecNOP:
			continue
		}
		if i >= len(lg.Positions) {
			t.Fatalf("extra record %v at %v", r.Type, r.Pos)
		}
		if r.Pos != lg.Positions[i] || r.Type != lg.Types[i] || !bytes.Equal(r.Bytes, lg.Records[i]) {
			t.Fatalf("record %d: %v at %v, want %v at %v", i, r.Type, r.Pos, lg.Types[i], lg.Positions[i])
		}
		i++
	}
	if i != len(lg.Positions) || checksums != len(lg.Flushes) {
		t.Errorf("read %d records and %d LRCHECKSUMs, wrote %d in %d flushes", i, checksums, len(lg.Positions), len(lg.Flushes))
	}
	s, err := l.Walk(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	last := lg.Positions[len(lg.Positions)-1]
	if !s.ClosedNormally || s.LastTerm != last || !s.Legacy || s.Unaccounted != 0 || s.Pattern == 0 {
		t.Errorf("walk: %+v; want closed at %v", s, last)
	}
}
