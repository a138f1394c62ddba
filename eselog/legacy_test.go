package eselog

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testcorpus"
)

func TestLogExtendPattern(t *testing.T) {
	t.Run("edbres00001.jrs", func(t *testing.T) {
		// The unused reserve log of the Windows Live Mail set is this pattern.
		res := testcorpus.Read(t, "wlm-kimberli13/edbres00001.jrs")
		if !IsLogExtendPattern(res) {
			t.Error("edbres00001.jrs is not the log-extend pattern")
		}
	})
	p := LogExtendPattern()
	if p[0] != 0xDA || p[16] != 0xEA || p[48] != 0x0A || p[1] != 0xDA || p[511] != 0xDA {
		t.Errorf("pattern bytes %x %x %x", p[0], p[16], p[48])
	}
	if IsLogExtendPattern(make([]byte, 512)) {
		t.Error("zeros taken for the pattern")
	}
}

func TestXorWords(t *testing.T) {
	b := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	// 0x04030201 ^ 0x08070605 ^ 0x000B0A09
	if got, want := xorWords(b, 0), uint32(0x04030201^0x08070605^0x000B0A09); got != want {
		t.Errorf("xorWords %#x, want %#x", got, want)
	}
	if got := xorWords(nil, 0xFEEDBEAF); got != 0xFEEDBEAF {
		t.Errorf("empty range %#x", got)
	}
}

// TestWalkLegacy walks the three legacy logs of the corpus (512- and
// 4096-byte sectors): every LRCHECKSUM range verifies, only the log-extend
// pattern follows the data, and the bytes up to the end are all records.
func TestWalkLegacy(t *testing.T) {
	cases := []struct {
		path      string
		end       ese.LogPos
		valid     int
		records   int
		checksums int
		closed    bool
		term      ese.LogPos
	}{
		// kimberli edb.log: chain of 6 LRCHECKSUMs, the last at 38559
		// covering 27 bytes: end 38608 = (2,0x4B,0xD0), closed by the Term2.
		{"wlm-kimberli13/edb.log", ese.LogPos{Generation: 2, Sector: 0x4B, Offset: 0xD0}, 68, 404, 6, true, ese.LogPos{Generation: 2, Sector: 0x4B, Offset: 0xB6}},
		{"wlm-kimberli13/edb00001.log", ese.LogPos{Generation: 1, Sector: 0x17}, 15, 150, 4, false, ese.LogPos{}},
		{"wlm-danyquenneville-backup/edb00001.log", ese.LogPos{Generation: 1, Sector: 3}, 2, 148, 2, false, ese.LogPos{}},
	}
	for _, c := range cases {
		l, data := openCorpus(t, c.path)
		s := walk(t, l)
		if s.End != c.end || s.Valid != c.valid || s.Records != c.records || s.Histogram["Checksum"] != c.checksums ||
			s.ClosedNormally != c.closed || s.LastTerm != c.term {
			t.Errorf("%s: end %v valid %d records %d checksums %d closed %v term %v", c.path, s.End, s.Valid, s.Records,
				s.Histogram["Checksum"], s.ClosedNormally, s.LastTerm)
		}
		if s.Unaccounted != 0 || s.GapBytes != 0 || s.DroppedBytes != 0 || !s.Legacy {
			t.Errorf("%s: unaccounted %d gap %d", c.path, s.Unaccounted, s.GapBytes)
		}
		// Every sector after the shadow of the last data sector is the
		// log-extend pattern.
		if s.Valid+s.Pattern+s.Tail != s.DataSectors || s.Tail != 1 {
			t.Errorf("%s: valid %d pattern %d tail %d of %d", c.path, s.Valid, s.Pattern, s.Tail, s.DataSectors)
		}
		if s.UsedBytes+s.TailBytes+4096 != int64(len(data)) {
			t.Errorf("%s: used %d tail %d", c.path, s.UsedBytes, s.TailBytes)
		}
		// Decoding every record works too.
		n := 0
		for _, err := range l.Records(context.Background(), Filter{}) {
			if err != nil {
				t.Fatalf("%s: %v", c.path, err)
			}
			n++
		}
		if n != c.records {
			t.Errorf("%s: Records gave %d", c.path, n)
		}
	}
}

// TestLegacyPositions checks record positions against the database headers
// and the next generation's header of the same sets.
func TestLegacyPositions(t *testing.T) {
	lg := func(path string, off int) ese.LogPos { return corpusPos(t, path, off) }
	db := "wlm-kimberli13/WindowsMail.MSMessageStore"
	cases := []struct {
		log  string
		pos  ese.LogPos
		want RecordType
	}{
		{"wlm-kimberli13/edb.log", lg(db, 80), RecAttachDB},     // lgposAttach (2,0x4A,0x1A6)
		{"wlm-kimberli13/edb.log", lg(db, 56), RecShutDownMark}, // lgposConsistent (2,0x4B,0xB5)
		{"wlm-danyquenneville-backup/edb00001.log", lg("wlm-danyquenneville-backup/WindowsMail.MSMessageStore", 80), RecCreateDB},
	}
	for _, c := range cases {
		checkRecordAt(t, c.log, c.pos, c.want)
	}
	if p := lg(db, 80); p != (ese.LogPos{Generation: 2, Sector: 0x4A, Offset: 0x1A6}) {
		t.Errorf("attach pos %v", p)
	}
	// edb.log's header records the checkpoint (1,9,0x6C) when it was
	// created: the record after the second LRCHECKSUM of edb00001.log.
	l, _ := openCorpus(t, "wlm-kimberli13/edb00001.log")
	found := false
	for r, err := range l.RawRecords(context.Background(), Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if r.Pos == (ese.LogPos{Generation: 1, Sector: 9, Offset: 0x6C}) {
			found = true
		}
	}
	if !found {
		t.Error("no record at the checkpoint (1,9,0x6C)")
	}
}

func TestLegacyCorruption(t *testing.T) {
	_, data := openCorpus(t, "wlm-kimberli13/edb00001.log")
	open := func(b []byte, o Options) (*Log, error) { return OpenOptions(bytes.NewReader(b), int64(len(b)), o) }
	// The chain is 4096 (sector 8), 4694 (9), 5477 (10, multi-sector to
	// 11264, short checksum), 11350 (22, last, single sector, shadow in 23).

	// A flipped byte in the last single-sector flush: the shadow in sector
	// 23 is valid. Read-only: corrupt. Repaired like soft recovery, the
	// shadow wins; in this file it holds the first write of that flush, the
	// LRCHECKSUM alone (cbForwards 0), so the data end right after it and
	// the three records after it are lost, as the engine would lose them.
	torn := corruptCopy(data, func(b []byte) { b[22*512+300] ^= 0x55 })
	if _, err := open(torn, Options{}); !errors.Is(err, ese.ErrLogFileCorrupt) {
		t.Errorf("torn last sector read-only: %v", err)
	}
	l, err := open(torn, Options{RepairLegacyTail: true})
	if err != nil {
		t.Fatal(err)
	}
	if !l.TornWrite || l.End != (ese.LogPos{Generation: 1, Sector: 0x16, Offset: 0x6C}) {
		t.Errorf("repaired: torn %v end %v", l.TornWrite, l.End)
	}
	if s := walk(t, l); s.Records != 147 || s.Unaccounted != 0 {
		t.Errorf("repaired walk: %d records, %d unaccounted", s.Records, s.Unaccounted)
	}

	// A flipped byte inside the multi-sector range (not its first sector):
	// the short checksum holds but the range does not, and data follow:
	// corrupt whatever the options.
	if _, err := open(corruptCopy(data, func(b []byte) { b[15*512+7] ^= 1 }), Options{RepairLegacyTail: true}); !errors.Is(err, ese.ErrLogFileCorrupt) {
		t.Errorf("damaged multi-sector range: %v", err)
	}
	// A damaged first LRCHECKSUM: corrupt; AllowCorruptTail opens an empty
	// log.
	bad := corruptCopy(data, func(b []byte) { b[4096+3] ^= 1 })
	if _, err := open(bad, Options{}); !errors.Is(err, ese.ErrLogFileCorrupt) {
		t.Errorf("damaged first LRCHECKSUM: %v", err)
	}
	l, err = open(bad, Options{AllowCorruptTail: true})
	if err != nil || l.TailErr == nil {
		t.Fatalf("AllowCorruptTail: %v", err)
	}
	// Garbage after the end instead of the pattern: corrupt.
	if _, err := open(corruptCopy(data, func(b []byte) { b[100*512] = 0 }), Options{}); !errors.Is(err, ese.ErrLogFileCorrupt) {
		t.Errorf("garbage after the end: %v", err)
	}
	// A torn last write followed only by the pattern: the last flush is
	// dropped when repairing.
	tornPat := corruptCopy(data, func(b []byte) {
		p := LogExtendPattern()
		for i := 22 * 512; i < 24*512; i += 512 {
			copy(b[i:], p[:])
		}
	})
	if _, err := open(tornPat, Options{}); !errors.Is(err, ese.ErrLogFileCorrupt) {
		t.Errorf("torn pattern read-only: %v", err)
	}
	l, err = open(tornPat, Options{RepairLegacyTail: true})
	if err != nil {
		t.Fatal(err)
	}
	if l.End.Sector > 22 || !l.TornWrite {
		t.Errorf("torn pattern: end %v", l.End)
	}
	if s := walk(t, l); s.Records >= 150 || s.Records == 0 || s.Unaccounted != 0 {
		t.Errorf("torn pattern walk: %d records, %d unaccounted", s.Records, s.Unaccounted)
	}
}

// setLRCKNext rewrites cbNext of the LRCHECKSUM at off and recomputes its
// range checksum (single-sector record, short checksum off).
func setLRCKNext(b []byte, off int, next uint32) {
	bin.PutU32(b, off+9, next)
	back, fwd := int(bin.U32(b, off+1)), int(bin.U32(b, off+5))
	gen := bin.U32(b, 4)
	sum := xorWords(b[off-back:off], lrckSeed)
	sum = xorWords(b[off+22:off+22+fwd], sum)
	sum ^= uint32(back) ^ uint32(fwd) ^ next ^ uint32(b[off+21]) ^ gen
	bin.PutU32(b, off+13, sum)
}

// TestLegacyTornSpecialCases builds the two crash shapes the engine
// recognises from kimberli's edb00001.log, whose last LRCHECKSUM (11350,
// sector 22, ib 86) ends the chain and whose sector 23 holds an older
// shadow of sector 22.
func TestLegacyTornSpecialCases(t *testing.T) {
	_, data := openCorpus(t, "wlm-kimberli13/edb00001.log")
	cases := []struct {
		name string
		next uint32
		msg  string
	}{
		// The last LRCHECKSUM now points at the same ib of sector 23,
		// where the shadow sits: fSkipScanAndApplyPatch.
		{"next flush never written", 23*512 + 86 - 11372, "still holds the previous shadow"},
		// It points elsewhere in sector 23, which holds the shadow of
		// sector 22: the single-sector torn write.
		{"single-sector torn write", 23*512 + 100 - 11372, "single-sector torn write"},
	}
	for _, c := range cases {
		b := corruptCopy(data, func(b []byte) { setLRCKNext(b, 11350, c.next) })
		if _, err := OpenOptions(bytes.NewReader(b), int64(len(b)), Options{}); !errors.Is(err, ese.ErrLogFileCorrupt) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s read-only: %v", c.name, err)
		}
		l, err := OpenOptions(bytes.NewReader(b), int64(len(b)), Options{RepairLegacyTail: true})
		if err != nil {
			t.Errorf("%s repaired: %v", c.name, err)
			continue
		}
		if !l.TornWrite || l.End != (ese.LogPos{Generation: 1, Sector: 0x17}) {
			t.Errorf("%s: torn %v end %v", c.name, l.TornWrite, l.End)
		}
		if s := walk(t, l); s.Records != 150 || s.Unaccounted != 0 {
			t.Errorf("%s: %d records, %d unaccounted", c.name, s.Records, s.Unaccounted)
		}
	}
}
