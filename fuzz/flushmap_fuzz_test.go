package fuzz

import (
	"bytes"
	"errors"
	"testing"

	"github.com/esekit/esekit/ese"
)

// The fuzz input is a short stand-in for the 8 KiB header page, whose
// bytes 0x90..0x296 (padding) and most of the tail are zero when the
// engine writes it: the first flushMapFuzzHead bytes are the page's fields
// up to the signatures, the rest lands at flushMapFuzzAt (the last padding
// bytes, the file type at 667 and the start of the tail). Seeds stay
// under 160 bytes, so minimizing new inputs stays cheap.
const (
	flushMapFuzzHead = 0x90
	flushMapFuzzAt   = 663
	flushMapFuzzMax  = 1024
)

// flushMapFuzzPage expands a fuzz input to the whole header page.
func flushMapFuzzPage(in []byte) []byte {
	page := make([]byte, ese.FlushMapPageSize)
	copy(page, in[:min(len(in), flushMapFuzzHead)])
	if len(in) > flushMapFuzzHead {
		copy(page[flushMapFuzzAt:], in[flushMapFuzzHead:])
	}
	return page
}

// flushMapFuzzInput is the inverse of flushMapFuzzPage for a page whose
// other bytes are zero, keeping 12 bytes from flushMapFuzzAt.
func flushMapFuzzInput(page []byte) []byte {
	return append(append([]byte{}, page[:flushMapFuzzHead]...), page[flushMapFuzzAt:flushMapFuzzAt+12]...)
}

// flushMapSeed is an encoder-built header as a fuzz input: clean or not,
// with the given version.
func flushMapSeed(clean bool, major, updMajor uint32) []byte {
	h := &ese.FlushMapHeader{
		VersionMajor: major, VersionUpdateMajor: updMajor, FileType: ese.FileTypeFlushMap,
		CreateTime:                ese.LogTime{10, 48, 21, 1, 8, 120, 1, 0},
		AttachTime:                ese.LogTime{19, 39, 2, 14, 2, 121, 1, 0},
		GenMinRequired:            81,
		DbHdrFlushSignature:       ese.Signature{Random: 0x9284075F, Created: ese.LogTime{52, 34, 2, 14, 2, 121, 1, 0}},
		FlushMapHdrFlushSignature: ese.Signature{Random: 0x902F1DD2, Created: ese.LogTime{19, 39, 2, 14, 2, 121, 1, 0}},
	}
	if clean {
		h.Flags, h.GenMinRequired = ese.FlushMapFlagClean, 0
	}
	return flushMapFuzzInput(h.Encode())
}

// FuzzEseFlushMapHeader reads arbitrary bytes as a flush map header page
// (expanded by flushMapFuzzPage). Whatever decodes must put back the same bytes, errors must
// wrap the engine's codes, the re-encoded page must pass the checksum, and
// Check must agree with Current against a database header built from the
// same bytes.
func FuzzEseFlushMapHeader(f *testing.F) {
	f.Add(flushMapSeed(true, 3, 0))
	f.Add(flushMapSeed(false, 3, 0))
	f.Add(flushMapSeed(true, 4, 0))
	f.Add(flushMapSeed(true, 3, 1))
	for _, b := range eseCorpusHeads("*.jfm", ese.FlushMapPageSize) {
		if len(b) == ese.FlushMapPageSize {
			f.Add(flushMapFuzzInput(b))
		}
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > flushMapFuzzMax {
			return
		}
		page := flushMapFuzzPage(in)
		if _, err := ese.DecodeFlushMapHeader(page[:len(in)]); (err == nil) != (len(in) >= ese.FlushMapHeaderSize) {
			t.Fatalf("DecodeFlushMapHeader(%d bytes): %v", len(in), err)
		}
		// The whole page: Put gives back every byte.
		h, err := ese.ReadFlushMapHeader(bytes.NewReader(page))
		wantEseError(t, "ReadFlushMapHeader", err)
		if h == nil {
			t.Fatalf("no header for a full page (err %v)", err)
		}
		back := make([]byte, ese.FlushMapPageSize)
		h.Put(back)
		if !bytes.Equal(back, page) {
			t.Fatal("Put does not give back the page")
		}
		// A file shorter than the page is ErrFileIOBeyondEOF.
		if _, err := ese.ReadFlushMapHeader(bytes.NewReader(page[:len(in)])); !errors.Is(err, ese.ErrFileIOBeyondEOF) {
			t.Fatalf("%d-byte file: %v", len(in), err)
		}
		// With a fresh checksum only the file type and version can fail.
		enc := h.Encode()
		h2, err := ese.ReadFlushMapHeader(bytes.NewReader(enc))
		wantEseError(t, "ReadFlushMapHeader(Encode)", err)
		if errors.Is(err, ese.ErrReadVerifyFailure) || errors.Is(err, ese.ErrPageNotInitialized) {
			t.Fatalf("re-encoded page: %v", err)
		}
		if !bytes.Equal(h2.Encode(), enc) {
			t.Fatal("Encode is not stable")
		}
		// Against a database header whose flush signatures come from the
		// input too.
		var db ese.DBHeader
		if len(in) >= 0x90+4 {
			db.DbHdrFlushSignature = ese.DecodeSignature(in[0x58:])
			db.FlushMapHdrFlushSignature = ese.DecodeSignature(in[0x74:])
			db.GenMinRequired = ese.Generation(in[0x90])
			if in[0x91]&1 != 0 {
				db.DbHdrFlushSignature.Random ^= 1
			}
			if in[0x91]&2 != 0 {
				db.FlushMapHdrFlushSignature = ese.Signature{}
			}
		}
		for _, logging := range []bool{false, true} {
			err := h.Check(&db, logging)
			wantEseError(t, "Check", err)
			if errors.Is(err, ese.ErrFlushMapDatabaseMismatch) == h.Current(&db) {
				t.Fatalf("Current %v but Check %v", h.Current(&db), err)
			}
			if err != nil && !errors.Is(err, ese.ErrFlushMapDatabaseMismatch) && !errors.Is(err, ese.ErrFlushMapUnrecoverable) {
				t.Fatalf("Check: %v", err)
			}
			if h.Current(&db) && h.Clean() && err != nil {
				t.Fatalf("clean current map refused: %v", err)
			}
		}
	})
}
