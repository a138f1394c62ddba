package eselog

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testcorpus"
)

// TestMutations flips random bytes of small real logs (with the header and
// segment checksums repaired half of the time, so that the damage reaches
// the record parser) and checks that Open and Walk never panic or hang and
// that a successful walk accounts for every byte. The native fuzz targets
// in ../fuzz do the same open-endedly.
func TestMutations(t *testing.T) {
	type src struct {
		path string
		n    int
	}
	srcs := []src{{"appdata/edb.log", 8 * 4096}, {"appdata-uss-jtx/USS00041.jtx", 8 * 4096}, {"wlm-kimberli13/edb00001.log", 4096 + 32*512}, {"wlm-danyquenneville-backup/edb00001.log", 4 * 4096}}
	rng := rand.New(rand.NewPCG(1, 2))
	iters := 250
	if testing.Short() {
		iters = 50
	}
	for _, s := range srcs {
		mutate(t, s.path, testcorpus.Read(t, s.path)[:s.n], rng, iters)
	}
}

// mutate opens and walks iters copies of orig, the start of a log file
// (its header's size made the copy's), each with up to 8 bytes of its body
// changed, half of them with the segment checksums or the LRCHECKSUM chain
// made valid again: no panic, and every byte accounted for when the walk
// succeeds. name names orig in messages.
func mutate(t *testing.T, name string, orig []byte, rng *rand.Rand, iters int) {
	t.Helper()
	h, err := DecodeFileHeader(orig)
	if err != nil {
		t.Fatal(err)
	}
	cbSec := int(h.SectorSize)
	for i := 0; i < iters; i++ {
		b := bytes.Clone(orig)
		bin.PutU16(b, 12, uint16(len(b)/cbSec))
		for k := rng.IntN(8) + 1; k > 0; k-- {
			off := HeaderSize + rng.IntN(len(b)-HeaderSize)
			b[off] = byte(rng.Uint32())
		}
		if i%2 == 0 && !h.Legacy() {
			for isec := 1; isec < len(b)/4096; isec++ {
				ese.SetPageChecksum(b[isec*4096:(isec+1)*4096], uint32(isec))
			}
		}
		if i%2 == 0 && h.Legacy() {
			fixChain(b, cbSec)
		}
		bin.PutU32(b, 0, ese.HeaderChecksum(b[:HeaderSize]))
		for _, o := range []Options{{}, {AllowCorruptTail: true, RepairLegacyTail: true}} {
			l, err := OpenOptions(bytes.NewReader(b), int64(len(b)), o)
			if err != nil {
				continue
			}
			st, err := l.Walk(context.Background())
			if err == nil && st.Unaccounted != 0 {
				t.Fatalf("%s mutation %d: %d bytes unaccounted", name, i, st.Unaccounted)
			}
			for _, err := range l.Records(context.Background(), Filter{}) {
				if err != nil {
					break
				}
			}
		}
	}
}

// fixChain recomputes the short and range checksums along a legacy log's
// LRCHECKSUM chain, so that mutated records pass the tail scan.
func fixChain(b []byte, cbSec int) {
	gen := bin.U32(b, 4)
	for at, n := HeaderSize, 0; at+LRChecksumSize <= len(b) && n < 64 && b[at] == byte(RecChecksum); n++ {
		back, fwd, next := bin.U32(b, at+1), bin.U32(b, at+5), bin.U32(b, at+9)
		ib := at % cbSec
		if int(back) > ib || at+LRChecksumSize+int(fwd) > len(b) {
			return
		}
		fields := back ^ fwd ^ next ^ uint32(b[at+21]) ^ gen
		if b[at+21] == ShortChecksumOn {
			s := xorWords(b[at-int(back):at], lrckShortSeed)
			s = xorWords(b[at+LRChecksumSize:at-ib+cbSec], s)
			bin.PutU32(b, at+17, s^fields)
		}
		s := xorWords(b[at-int(back):at], lrckSeed)
		s = xorWords(b[at+LRChecksumSize:at+LRChecksumSize+int(fwd)], s)
		bin.PutU32(b, at+13, s^fields)
		if next == 0 {
			return
		}
		at += LRChecksumSize + int(next)
	}
}
