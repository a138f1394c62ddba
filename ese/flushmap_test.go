package ese

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testcorpus"
)

// testFlushMapHeader is a header with a distinct value in every field.
func testFlushMapHeader() *FlushMapHeader {
	h := &FlushMapHeader{
		VersionMajor: 3, VersionUpdateMajor: 0, VersionUpdateMinor: 2,
		Flags:                FlushMapFlagClean | FlushMapFlagNewChecksumFormat,
		CreateTime:           LogTime{41, 47, 9, 8, 8, 120, 1, 0},
		AttachTime:           LogTime{42, 47, 9, 8, 8, 120, 1, 0},
		DetachTime:           LogTime{43, 47, 9, 8, 8, 120, 1, 0},
		GenMinRequired:       81,
		GenMinRequiredTarget: 82,
		FlushLastStartedTime: LogTime{44, 47, 9, 8, 8, 120, 1, 0},
		FlushLastCompletedTime: LogTime{
			45, 47, 9, 8, 8, 120, 1, 0},
		DbHdrFlushSignature:       Signature{Random: 0x11111111, Created: LogTime{1, 2, 3, 4, 5, 120, 1, 0}},
		FlushMapHdrFlushSignature: Signature{Random: 0x22222222, Created: LogTime{6, 7, 8, 9, 10, 120, 1, 0}},
		FileType:                  FileTypeFlushMap,
	}
	return h
}

// Every field lands at the offset FMFILEHDR gives it, and decoding the
// encoded page gives the header back.
func TestFlushMapHeaderLayout(t *testing.T) {
	h := testFlushMapHeader()
	b := h.Encode()
	if len(b) != FlushMapPageSize {
		t.Fatalf("Encode gives %d bytes, want %d", len(b), FlushMapPageSize)
	}
	checks := []struct {
		name      string
		off, size int
		want      uint64
	}{
		{"le_ulFmVersionMajor", 0x04, 4, 3},
		{"le_ulFmVersionUpdateMinor", 0x0C, 4, 2},
		{"fFlags", 0x24, 4, 0x2001},
		{"lGenMinRequired", 0x40, 4, 81},
		{"lGenMinRequiredTarget", 0x44, 4, 82},
		{"signDbHdrFlush.ulRandom", 0x58, 4, 0x11111111},
		{"signFlushMapHdrFlush.ulRandom", 0x74, 4, 0x22222222},
		{"filetype", 667, 4, 7},
	}
	for _, c := range checks {
		var got uint64
		for i := c.size - 1; i >= 0; i-- {
			got = got<<8 | uint64(b[c.off+i])
		}
		if got != c.want {
			t.Errorf("%s at 0x%X = %#x, want %#x", c.name, c.off, got, c.want)
		}
	}
	if b[0x28] != 41 || b[0x30] != 42 || b[0x38] != 43 || b[0x48] != 44 || b[0x50] != 45 {
		t.Errorf("log times at 0x28/0x30/0x38/0x48/0x50 hold seconds %d %d %d %d %d, want 41..45",
			b[0x28], b[0x30], b[0x38], b[0x48], b[0x50])
	}
	if !bin.IsZero(b[FlushMapHeaderSize:]) {
		t.Error("bytes after the 671-byte structure are not zero")
	}
	if got, want := bin.U32(b, 0), HeaderChecksum(b); got != want {
		t.Errorf("stored checksum 0x%08X, computed 0x%08X", got, want)
	}
	d, err := DecodeFlushMapHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	h.Checksum = bin.U32(b, 0)
	if !reflect.DeepEqual(d, h) {
		t.Errorf("decode(encode(h)) = %+v, want %+v", d, h)
	}
	if !bytes.Equal(d.Encode(), b) {
		t.Error("encode(decode(page)) differs from the page")
	}
	if d.Version() != "3.0.2" || !d.Clean() || !d.NewChecksumFormat() || !d.VersionSupported() {
		t.Errorf("Version %q Clean %v NewChecksumFormat %v VersionSupported %v; want 3.0.2 true true true",
			d.Version(), d.Clean(), d.NewChecksumFormat(), d.VersionSupported())
	}
}

// Non-zero padding and tail bytes survive a decode/encode round trip.
func TestFlushMapHeaderKeepsPaddingAndTail(t *testing.T) {
	b := testFlushMapHeader().Encode()
	b[0x10], b[0x90], b[0x29A], b[FlushMapPageSize-1] = 0xA1, 0xA2, 0xA3, 0xA4
	bin.PutU32(b, 0, HeaderChecksum(b))
	h, err := DecodeFlushMapHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	if h.FlagsPadding[0] != 0xA1 || h.FileTypePadding[0] != 0xA2 || h.FileTypePadding[522] != 0xA3 ||
		len(h.Tail) != FlushMapPageSize-FlushMapHeaderSize || h.Tail[len(h.Tail)-1] != 0xA4 {
		t.Errorf("padding/tail not kept: %x %x %x tail %d bytes", h.FlagsPadding[0], h.FileTypePadding[0], h.FileTypePadding[522], len(h.Tail))
	}
	if !bytes.Equal(h.Encode(), b) {
		t.Error("round trip with padding and tail differs")
	}
}

// ReadFlushMapHeader raises the engine's errors for each bad header page.
func TestReadFlushMapHeaderErrors(t *testing.T) {
	good := append(testFlushMapHeader().Encode(), make([]byte, FlushMapPageSize)...)
	resum := func(b []byte) []byte { bin.PutU32(b, 0, HeaderChecksum(b[:FlushMapPageSize])); return b }
	mod := func(f func(b []byte)) []byte {
		b := append([]byte(nil), good...)
		f(b)
		return b
	}
	cases := []struct {
		name string
		b    []byte
		want Error
	}{
		{"short", good[:FlushMapPageSize-8], ErrFileIOBeyondEOF},
		{"tiny", good[:100], ErrFileIOBeyondEOF},
		{"zero", make([]byte, 2*FlushMapPageSize), ErrPageNotInitialized},
		{"checksum", mod(func(b []byte) { b[0x40]++ }), ErrReadVerifyFailure},
		{"file type", resum(mod(func(b []byte) { b[667] = 3 })), ErrFileInvalidType},
		{"major 4", resum(mod(func(b []byte) { b[4] = 4 })), ErrFlushMapVersionUnsupported},
		{"update major 1", resum(mod(func(b []byte) { b[8] = 1 })), ErrFlushMapVersionUnsupported},
	}
	for _, c := range cases {
		h, err := ReadFlushMapHeader(bytes.NewReader(c.b))
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.want)
		}
		if len(c.b) >= FlushMapHeaderSize && h == nil {
			t.Errorf("%s: no header returned with the error", c.name)
		}
	}
	// An update minor above the engine's is still read.
	h, err := ReadFlushMapHeader(bytes.NewReader(resum(mod(func(b []byte) { b[12] = 9 }))))
	if err != nil || h.Version() != "3.0.9" {
		t.Errorf("3.0.9: %v, %v", h, err)
	}
}

// Current and Check follow CFlushMap::FCheckForDbFmConsistency_ and the
// recoverability test of ErrValidateFmHdr_.
func TestFlushMapCurrentAndCheck(t *testing.T) {
	sigA := Signature{Random: 1, Created: LogTime{1, 1, 1, 1, 1, 120, 1, 0}}
	sigB := Signature{Random: 2, Created: LogTime{2, 1, 1, 1, 1, 120, 1, 0}}
	sigC := Signature{Random: 3, Created: LogTime{3, 1, 1, 1, 1, 120, 1, 0}}
	cases := []struct {
		name             string
		dbDb, dbFm       Signature // database header's two signatures
		fmDb, fmFm       Signature // map header's two signatures
		clean            bool
		dbGen, fmGen     Generation
		logging, current bool
		want             error
	}{
		{"db sig matches", sigA, sigC, sigA, sigB, true, 0, 0, false, true, nil},
		{"map sig matches", sigC, sigB, sigA, sigB, true, 0, 0, false, true, nil},
		{"neither matches", sigC, sigC, sigA, sigB, true, 0, 0, true, false, ErrFlushMapDatabaseMismatch},
		{"both zero in both", Signature{}, Signature{}, Signature{}, Signature{}, true, 0, 0, true, false, ErrFlushMapDatabaseMismatch},
		{"map sig cleared in db", sigC, Signature{}, sigA, Signature{}, true, 0, 0, true, false, ErrFlushMapDatabaseMismatch},
		{"dirty, rebuildable", sigC, sigB, sigA, sigB, false, 81, 81, true, true, nil},
		{"dirty, db needs older", sigC, sigB, sigA, sigB, false, 80, 81, true, true, nil},
		{"dirty, db needs newer", sigC, sigB, sigA, sigB, false, 82, 81, true, true, ErrFlushMapUnrecoverable},
		{"dirty, no logging", sigC, sigB, sigA, sigB, false, 81, 81, false, true, ErrFlushMapUnrecoverable},
		{"dirty, map gen 0", sigC, sigB, sigA, sigB, false, 81, 0, true, true, ErrFlushMapUnrecoverable},
		{"dirty, db gen 0", sigC, sigB, sigA, sigB, false, 0, 5, true, true, ErrFlushMapUnrecoverable},
	}
	for _, c := range cases {
		db := &DBHeader{DbHdrFlushSignature: c.dbDb, FlushMapHdrFlushSignature: c.dbFm, GenMinRequired: c.dbGen}
		fm := &FlushMapHeader{DbHdrFlushSignature: c.fmDb, FlushMapHdrFlushSignature: c.fmFm, GenMinRequired: c.fmGen}
		if c.clean {
			fm.Flags = FlushMapFlagClean
		}
		if got := fm.Current(db); got != c.current {
			t.Errorf("%s: Current = %v, want %v", c.name, got, c.current)
		}
		err := fm.Check(db, c.logging)
		if (c.want == nil) != (err == nil) || (c.want != nil && !errors.Is(err, c.want)) {
			t.Errorf("%s: Check = %v, want %v", c.name, err, c.want)
		}
	}
}

func TestFlushMapPath(t *testing.T) {
	for in, want := range map[string]string{
		`C:\db\SRUDB.dat`: `C:\db\SRUDB.jfm`,
		"a/b/secedit.sdb": "a/b/secedit.jfm",
		"a.b/edb":         "a.b/edb.jfm",
		"x.tar.edb":       "x.tar.jfm",
	} {
		if got := FlushMapPath(in); got != want {
			t.Errorf("FlushMapPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every corpus flush map decodes, checks out, and encodes back to its
// header page byte for byte; each one beside a database is current for it
// (the database header carries the map's FlushMapHdrFlushSignature).
func TestFlushMapCorpus(t *testing.T) {
	want := map[string]struct {
		clean bool
		gen   Generation
		db    string
	}{
		"secedit-artemk1337-root/secedit.jfm":                          {true, 0, "secedit.sdb"},
		"museum-srum-server2022-apt-1daylater/SRUDB.jfm":               {true, 0, "SRUDB.dat"},
		"appdata/IndexedDB.jfm":                                        {true, 0, "IndexedDB.edb"},
		"secedit-horrorandscifi/secedit.jfm":                           {false, 1, ""},
		"museum-srum-win10-belkasoftctf-insiderthreat-clean/SRUDB.jfm": {true, 0, "SRUDB.dat"},
		"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRUDB.jfm": {false, 81, "SRUDB.dat"},
	}
	files := testcorpus.Glob("*.jfm")
	if len(files) == 0 {
		t.Skip("no corpus flush maps")
	}
	for _, rel := range files {
		w, ok := want[rel]
		if !ok {
			t.Errorf("%s: no expected values", rel)
			continue
		}
		b := testcorpus.Read(t, rel)
		h, err := ReadFlushMapHeader(bytes.NewReader(b))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		if !bytes.Equal(h.Encode(), b[:FlushMapPageSize]) {
			t.Errorf("%s: header page does not round-trip", rel)
		}
		if h.Version() != "3.0.0" || h.Clean() != w.clean || h.GenMinRequired != w.gen || h.FileType != FileTypeFlushMap {
			t.Errorf("%s: version %s clean %v gen %d type %d; want 3.0.0 %v %d 7", rel, h.Version(), h.Clean(), h.GenMinRequired, h.FileType, w.clean, w.gen)
		}
		if w.db == "" {
			continue
		}
		f, err := os.Open(testcorpus.Path(t, filepath.ToSlash(filepath.Join(filepath.Dir(rel), w.db))))
		if err != nil {
			t.Fatal(err)
		}
		c, err := ReadDBHeader(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", w.db, err)
		}
		if !h.Current(c.Header) || h.Check(c.Header, true) != nil {
			t.Errorf("%s: not current for %s (Check: %v)", rel, w.db, h.Check(c.Header, true))
		}
		if h.FlushMapHdrFlushSignature != c.Header.FlushMapHdrFlushSignature || h.DbHdrFlushSignature == c.Header.DbHdrFlushSignature {
			t.Errorf("%s: matched by the database signature, expected the map signature", rel)
		}
		if !strings.HasSuffix(FlushMapPath(w.db), filepath.Base(rel)) {
			t.Errorf("FlushMapPath(%s) = %s", w.db, FlushMapPath(w.db))
		}
	}
}
