package fuzz

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/testcorpus"
)

// eselogSeed reads the first n bytes of a corpus file, or nil.
func eselogSeed(rel string, n int) []byte { return testcorpus.Head(rel, n) }

// syntheticModernLog builds a small valid modern log: a header and two
// segments holding a Begin0 and a Commit0.
func syntheticModernLog() []byte {
	b := make([]byte, 4*4096)
	binary.LittleEndian.PutUint32(b[4:], 1)
	binary.LittleEndian.PutUint16(b[8:], 4096)
	binary.LittleEndian.PutUint16(b[10:], 1)
	binary.LittleEndian.PutUint16(b[12:], 4)
	binary.LittleEndian.PutUint32(b[32:], 8)
	binary.LittleEndian.PutUint32(b[36:], 4000)
	binary.LittleEndian.PutUint32(b[40:], 60)
	binary.LittleEndian.PutUint32(b[667:], 3)
	binary.LittleEndian.PutUint32(b, ese.HeaderChecksum(b[:4096]))
	seg := b[4096:8192]
	ese.LogPos{Generation: 1, Sector: 1}.Put(seg[8:])
	binary.LittleEndian.PutUint32(seg[36:], 0x2000)
	copy(seg[40:], []byte{8, 1, 0, 0, 0x10, 0, 0, 0, 9, 1, 0, 0, 0x10, 0, 0, 0})
	ese.SetPageChecksum(seg, 1)
	return b
}

// FuzzEselogHeader decodes a log file header; whatever decodes must encode
// back to the same 4096 bytes.
func FuzzEselogHeader(f *testing.F) {
	for _, p := range []string{"appdata/edb.log", "appdata/edb0000D.log", "wlm-kimberli13/edb.log", "museum-srum-server2022-apt-1daylater/SRU.log"} {
		if b := eselogSeed(p, 4096); b != nil {
			f.Add(b)
		}
	}
	f.Add(syntheticModernLog()[:4096])
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := eselog.DecodeFileHeader(b)
		wantEseError(t, "DecodeFileHeader", err)
		if err != nil {
			return
		}
		enc, err := h.Encode()
		if err != nil {
			t.Fatalf("decoded header does not encode: %v", err)
		}
		if !bytes.Equal(enc, b[:4096]) {
			t.Fatal("header does not re-encode byte for byte")
		}
		_ = h.Version()
	})
}

// maxWalkSegments bounds the modern log the walk target builds: a header
// and 15 segments leave room for records that span segments, and every
// byte more is checksummed and parsed on every call.
// legacyWalkMax does the same for legacy logs: the header and 128 sectors
// of 512 bytes (16 of 4096).
const (
	maxWalkSegments = 16
	legacyWalkMax   = 4096 + 128*512
)

// fixModernHeader makes b's header describe b (FileSectors = len/4096, a
// valid checksum) so the fuzzer reaches the body.
func fixModernHeader(b []byte) []byte {
	b = b[:len(b)/4096*4096]
	if len(b) < 2*4096 || len(b) > maxWalkSegments*4096 {
		return nil
	}
	binary.LittleEndian.PutUint16(b[8:], 4096)
	binary.LittleEndian.PutUint16(b[12:], uint16(len(b)/4096))
	binary.LittleEndian.PutUint32(b[32:], 8)
	binary.LittleEndian.PutUint32(b[36:], 4000)
	if binary.LittleEndian.Uint32(b[40:]) > eselog.MaxVersionUpdateMajor {
		binary.LittleEndian.PutUint32(b[40:], 60)
	}
	binary.LittleEndian.PutUint32(b[667:], 3)
	b[671] = 0 // empty attach list
	binary.LittleEndian.PutUint32(b, ese.HeaderChecksum(b[:4096]))
	return b
}

// walkAll opens and walks a log, checking the reader's invariants.
func walkAll(t *testing.T, b []byte) {
	l, err := eselog.OpenOptions(bytes.NewReader(b), int64(len(b)), eselog.Options{AllowCorruptTail: true, RepairLegacyTail: true})
	wantEseError(t, "OpenOptions", err)
	if err != nil {
		return
	}
	s, err := l.Walk(context.Background())
	wantEseError(t, "Walk", err)
	if err == nil && s.Unaccounted != 0 {
		t.Fatalf("walk left %d bytes unaccounted", s.Unaccounted)
	}
	if s.UsedBytes+s.TailBytes+4096 != int64(len(b)) {
		t.Fatalf("used %d + tail %d does not cover the file", s.UsedBytes, s.TailBytes)
	}
	n := 0
	for rec, err := range l.Records(context.Background(), eselog.Filter{}) {
		wantEseError(t, "Records", err)
		if err != nil {
			break
		}
		_ = rec.AppendEncode(nil)
		n++
	}
	if err == nil && n != s.Records && l.TailErr == nil {
		t.Fatalf("Records gave %d records, Walk %d", n, s.Records)
	}
	// Redo from a start position taken from the input (the checkpoint
	// field of the header): any sector and offset, inside or past the data.
	start := ese.DecodeLogPos(b[640:])
	start.Generation = l.Header.Generation
	rd := l.NewReaderAt(context.Background(), eselog.Filter{}, start)
	for range s.Records + 1 {
		if _, err := rd.Next(); err != nil {
			if err != io.EOF {
				wantEseError(t, "NewReaderAt", err)
			}
			break
		}
	}
}

// FuzzEselogModernWalk opens and walks a modern log built from the input:
// the header is fixed up to describe the input, and when the first byte is
// odd every segment also gets a valid checksum and position, so the record
// parser sees arbitrary bytes.
func FuzzEselogModernWalk(f *testing.F) {
	// The header and first three segments of two real logs (16 KiB each).
	if b := eselogSeed("appdata/edb.log", 4*4096); b != nil {
		f.Add(b)
	}
	if b := eselogSeed("appdata-uss-jtx/USS00041.jtx", 4*4096); b != nil {
		f.Add(b)
	}
	f.Add(syntheticModernLog())
	f.Fuzz(func(t *testing.T, in []byte) {
		b := fixModernHeader(bytes.Clone(in))
		if b == nil {
			return
		}
		if in[0]&1 == 1 {
			gen := ese.Generation(int32(binary.LittleEndian.Uint32(b[4:])))
			for i := 1; i < len(b)/4096-1; i++ {
				seg := b[i*4096 : (i+1)*4096]
				ese.LogPos{Generation: gen, Sector: uint16(i)}.Put(seg[8:])
				binary.LittleEndian.PutUint32(seg[36:], 0x2000)
				ese.SetPageChecksum(seg, uint32(i))
			}
		}
		walkAll(t, b)
	})
}

// legacyXor is the legacy checksum's word XOR.
func legacyXor(b []byte, s uint32) uint32 {
	i := 0
	for ; i+4 <= len(b); i += 4 {
		s ^= binary.LittleEndian.Uint32(b[i:])
	}
	for k := 0; i < len(b); i, k = i+1, k+1 {
		s ^= uint32(b[i]) << (8 * k)
	}
	return s
}

// fixLegacyChain recomputes the short and range checksums along the
// LRCHECKSUM chain of a legacy log so that mutations reach the records.
func fixLegacyChain(b []byte, cbSec int) {
	gen := binary.LittleEndian.Uint32(b[4:])
	for at, n := 4096, 0; at+22 <= len(b) && n < 64 && b[at] == 42; n++ {
		r := b[at : at+22]
		back, fwd, next := binary.LittleEndian.Uint32(r[1:]), binary.LittleEndian.Uint32(r[5:]), binary.LittleEndian.Uint32(r[9:])
		ib := at % cbSec
		if int(back) > ib || at+22+int(fwd) > len(b) {
			return
		}
		fields := back ^ fwd ^ next ^ uint32(r[21]) ^ gen
		if r[21] == 0x9A {
			sec := at - ib
			s := legacyXor(b[at-int(back):at], 0xDEADC0DE)
			s = legacyXor(b[at+22:sec+cbSec], s)
			binary.LittleEndian.PutUint32(r[17:], s^fields)
		}
		s := legacyXor(b[at-int(back):at], 0xFEEDBEAF)
		s = legacyXor(b[at+22:at+22+int(fwd)], s)
		binary.LittleEndian.PutUint32(r[13:], s^fields)
		if next == 0 {
			return
		}
		at += 22 + int(next)
	}
}

// FuzzEselogLegacyWalk opens and walks a legacy log built from the input;
// when the first byte is odd the LRCHECKSUM chain's checksums are
// recomputed so that mutated records are parsed.
func FuzzEselogLegacyWalk(f *testing.F) {
	if b := eselogSeed("wlm-kimberli13/edb00001.log", 4096+24*512); b != nil {
		f.Add(b)
	}
	if b := eselogSeed("wlm-danyquenneville-backup/edb00001.log", 4*4096); b != nil {
		f.Add(b)
	}
	f.Add(append(bytes.Clone(syntheticModernLog()[:4096]), make([]byte, 8*512)...))
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) < 4096+2*512 || len(in) > legacyWalkMax {
			return
		}
		b := bytes.Clone(in)
		cbSec := 512
		if binary.LittleEndian.Uint16(b[8:]) == 4096 {
			cbSec = 4096
		}
		b = b[:len(b)/cbSec*cbSec]
		if len(b) <= 4096 {
			return
		}
		binary.LittleEndian.PutUint16(b[8:], uint16(cbSec))
		binary.LittleEndian.PutUint16(b[10:], uint16(4096/cbSec))
		binary.LittleEndian.PutUint16(b[12:], uint16(len(b)/cbSec))
		binary.LittleEndian.PutUint32(b[32:], 7)
		binary.LittleEndian.PutUint32(b[36:], 3704)
		binary.LittleEndian.PutUint32(b[40:], 15)
		binary.LittleEndian.PutUint32(b[667:], 3)
		b[671] = 0
		if in[0]&1 == 1 {
			fixLegacyChain(b, cbSec)
		}
		binary.LittleEndian.PutUint32(b, ese.HeaderChecksum(b[:4096]))
		walkAll(t, b)
	})
}
