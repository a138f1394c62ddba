package eselog_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/esekit/esekit/ese"

	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/scalegen"
)

// checkGenerated scans and checks the generated folder dir of n logs and
// fails unless the verdict is the generator's: generations 1..n, the
// current log edb.log at n, no problem, and a replay of all n logs from
// the lowest without an error.
func checkGenerated(tb testing.TB, dir string, n int) {
	tb.Helper()
	s, err := eselog.ScanDir(dir, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if len(s.Files) != n || len(s.Generations) != n || s.Lowest() != 1 || s.Highest() != ese.Generation(n) ||
		s.Current == nil || s.Current.File != "edb.log" || s.Current.Generation != ese.Generation(n) ||
		len(s.Problems) != 0 || len(s.Gaps) != 0 || !s.Signature.Equal(scalegen.Signature) {
		tb.Fatalf("set: %d files, generations %d (%d-%d), current %+v, problems %+v", len(s.Files), len(s.Generations), s.Lowest(), s.Highest(), s.Current, s.Problems)
	}
	rp := s.Replay(nil)
	if rp.Error != 0 || rp.Start != 1 || rp.End != ese.Generation(n) || len(rp.Files) != n || rp.Files[n-1] != "edb.log" ||
		rp.EndPos.Generation != ese.Generation(n) || rp.EndPos.Sector != 2 {
		tb.Fatalf("replay: start %d end %d, %d files, end %v, error %d %s", rp.Start, rp.End, len(rp.Files), rp.EndPos, rp.Error, rp.Message)
	}
}

// TestScanGeneratedFolder is the CI version of the 10,000-log scale run:
// a generated folder of 200 chained logs (time chain and accumulated
// checksum chain) checks clean. Breaking the accumulated-checksum chain in
// one header is found.
func TestScanGeneratedFolder(t *testing.T) {
	dir := t.TempDir()
	if err := scalegen.LogFolder(dir, scalegen.LogSpec{Logs: 200}); err != nil {
		t.Fatal(err)
	}
	checkGenerated(t, dir, 200)

	// Damage two logs: a data segment of generation 0x32 overwritten
	// (tail corruption, -501), and the accumulated checksum that
	// generation 0x64 expects of 0x63 changed (-590).
	if err := patchFile(filepath.Join(dir, "edb00032.log"), 3*eselog.SegmentSize+100, []byte("damage")); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "edb00064.log")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	h, err := eselog.DecodeFileHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	h.PrevLogAccumulatedChecksum ^= 1
	head, err := h.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if err := patchFile(p, 0, head); err != nil {
		t.Fatal(err)
	}
	s, err := eselog.ScanDir(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, pr := range s.Problems {
		got = append(got, fmt.Sprintf("%s %d %v %v", pr.Kind, pr.Code, pr.Files, pr.Generations))
	}
	want := []string{"checksum-chain -590 [edb00063.log edb00064.log] [0x63 0x64]", "corrupt -501 [edb00032.log] [0x32]"}
	if !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
	if rp := s.Replay(nil); rp.Error != ese.ErrLogFileCorrupt || rp.End != 0x32 || len(rp.Files) != 0x32 {
		t.Errorf("replay: end 0x%X, %d files, error %d", rp.End, len(rp.Files), rp.Error)
	}
}

func patchFile(path string, off int64, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteAt(b, off)
	return errors.Join(err, f.Close())
}

// BenchmarkCheckLogs10000 is the scale run of a log-set check: a
// generated folder of 10,000 logs of 64 KiB (headers, time chain,
// accumulated-checksum chain, tail scans, the replay walk), read from the
// page cache. maxRSS-MiB is the process's peak resident size
// (getrusage), which includes the test binary itself.
func BenchmarkCheckLogs10000(b *testing.B) {
	dir := b.TempDir()
	if err := scalegen.LogFolder(dir, scalegen.LogSpec{Logs: 10000}); err != nil {
		b.Fatal(err)
	}
	checkGenerated(b, dir, 10000) // warms the cache
	b.ResetTimer()
	for range b.N {
		checkGenerated(b, dir, 10000)
	}
	b.StopTimer()
	scalegen.ReportMaxRSS(b)
}
