package eselog

import (
	"bytes"
	"errors"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testcorpus"
)

// corpusLog describes one real log file of the corpus with values read from
// MANIFEST.md and the files themselves.
type corpusLog struct {
	path        string
	gen         ese.Generation
	version     string
	sectorSize  uint16
	fileSectors uint16
	signRandom  uint32
}

// corpusLogs lists every corpus file that carries a real log header.
var corpusLogs = []corpusLog{
	{"appdata/edb.log", 1, "8.4000.60.140", 4096, 128, 0x5E1755E7},
	{"appdata/edb0000D.log", 0xD, "8.4000.60.140", 4096, 128, 0xE01EE651},
	{"appdata-uss-jtx/USS00040.jtx", 0x40, "8.4000.60.140", 4096, 768, 0x9C62FABC},
	{"appdata-uss-jtx/USS00041.jtx", 0x41, "8.4000.60.140", 4096, 768, 0x9C62FABC},
	{"appdata-uss-jtx/USStmp.jtx", 0x3F, "8.4000.60.140", 4096, 768, 0x9C62FABC},
	{"museum-srum-server2022-apt-1daylater/SRU.log", 5, "8.4000.90.200", 4096, 16, 0xED8673F7},
	{"museum-srum-server2022-apt-1daylater/SRU00003.log", 3, "8.4000.90.200", 4096, 16, 0xED8673F7},
	{"museum-srum-server2022-apt-1daylater/SRU00004.log", 4, "8.4000.90.200", 4096, 16, 0xED8673F7},
	{"museum-srum-server2022-apt-1daylater/SRUtmp.log", 2, "8.4000.90.200", 4096, 16, 0xED8673F7},
	{"museum-srum-win10-belkasoftctf-insiderthreat-clean/SRU.log", 0x52, "8.4000.60.140", 4096, 16, 0xA3DD42DE},
	{"museum-srum-win10-belkasoftctf-insiderthreat-clean/SRU0004E.log", 0x4E, "8.4000.5.16", 4096, 16, 0xA3DD42DE},
	{"museum-srum-win10-belkasoftctf-insiderthreat-clean/SRU0004F.log", 0x4F, "8.4000.5.16", 4096, 16, 0xA3DD42DE},
	{"museum-srum-win10-belkasoftctf-insiderthreat-clean/SRU00050.log", 0x50, "8.4000.5.16", 4096, 16, 0xA3DD42DE},
	{"museum-srum-win10-belkasoftctf-insiderthreat-clean/SRU00051.log", 0x51, "8.4000.5.16", 4096, 16, 0xA3DD42DE},
	{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU.log", 0x52, "8.4000.60.140", 4096, 16, 0xA3DD42DE},
	{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU0004E.log", 0x4E, "8.4000.5.16", 4096, 16, 0xA3DD42DE},
	{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU0004F.log", 0x4F, "8.4000.5.16", 4096, 16, 0xA3DD42DE},
	{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU00050.log", 0x50, "8.4000.5.16", 4096, 16, 0xA3DD42DE},
	{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU00051.log", 0x51, "8.4000.5.16", 4096, 16, 0xA3DD42DE},
	{"secedit-horrorandscifi/edb.log", 1, "8.4000.60.140", 4096, 256, 0xEBF5B760},
	{"wlm-danyquenneville-backup/edb00001.log", 1, "7.3704.15", 4096, 512, 0x0004B4A1},
	{"wlm-kimberli13/edb.log", 2, "7.3704.15", 512, 4096, 0x00025254},
	{"wlm-kimberli13/edb00001.log", 1, "7.3704.15", 512, 4096, 0x00025254},
}

func TestFileHeaderCorpus(t *testing.T) {
	for _, c := range corpusLogs {
		t.Run(c.path, func(t *testing.T) {
			data := testcorpus.Read(t, c.path)
			h, err := DecodeFileHeader(data)
			if err != nil {
				t.Fatal(err)
			}
			if h.Generation != c.gen || h.Version() != c.version || h.SectorSize != c.sectorSize ||
				h.FileSectors != c.fileSectors || h.LogSignature.Random != c.signRandom {
				t.Errorf("got gen %#x version %s sector %d sectors %d sign %#x; want %#x %s %d %d %#x",
					h.Generation, h.Version(), h.SectorSize, h.FileSectors, h.LogSignature.Random,
					c.gen, c.version, c.sectorSize, c.fileSectors, c.signRandom)
			}
			if h.FileSize() != int64(len(data)) {
				t.Errorf("FileSize %d, file is %d bytes", h.FileSize(), len(data))
			}
			if h.FileType != ese.FileTypeLog {
				t.Errorf("FileType %v", h.FileType)
			}
			if int(h.HeaderSectors) != h.DataSectors() {
				t.Errorf("HeaderSectors %d, computed %d", h.HeaderSectors, h.DataSectors())
			}
			if got, err := h.Encode(); err != nil || !bytes.Equal(got, data[:HeaderSize]) {
				for i := range got {
					if got[i] != data[i] {
						t.Fatalf("Encode differs first at byte %d: %#x vs %#x", i, got[i], data[i])
					}
				}
			}
			h2, err := ReadFileHeader(bytes.NewReader(data))
			if err != nil || h2.Generation != h.Generation {
				t.Errorf("ReadFileHeader: %v", err)
			}
		})
	}
}

// TestFileHeaderAppdata checks every field of appdata/edb.log against
// docs/logs.md#log-file-header, with the corpus file's own values.
func TestFileHeaderAppdata(t *testing.T) {
	h, err := ReadFileHeader(bytes.NewReader(testcorpus.Read(t, "appdata/edb.log")))
	if err != nil {
		t.Fatal(err)
	}
	if h.Checksum != 0x7CA0C95A {
		t.Errorf("Checksum %#x", h.Checksum)
	}
	if h.HeaderSectors != 1 || h.DbPageSize != 0x8000 || h.PageSize() != 32768 {
		t.Errorf("HeaderSectors %d DbPageSize %#x", h.HeaderSectors, h.DbPageSize)
	}
	if h.VersionMajor != 8 || h.VersionMinor != 4000 || h.VersionUpdateMajor != 60 || h.VersionUpdateMinor != 140 {
		t.Errorf("version %s", h.Version())
	}
	if h.EfvEngineCurrentDiagnostic != 9180 {
		t.Errorf("efv %d", h.EfvEngineCurrentDiagnostic)
	}
	if want := (ese.LogPos{Generation: 1, Sector: 1}); h.CheckpointAtCreation != want {
		t.Errorf("CheckpointAtCreation %v", h.CheckpointAtCreation)
	}
	if got := h.LogSignature.Created.String(); got != "3/23/2022 14:12:52" {
		t.Errorf("signature time %s", got)
	}
	if !h.PrevGenCreateTime.IsZero() || h.PrevLogAccumulatedChecksum != 0 {
		t.Errorf("gen 1 has prev time %v / prev checksum %#x", h.PrevGenCreateTime, h.PrevLogAccumulatedChecksum)
	}
	// fLGFlags is 0x02 in this file: the Edge store runs with circular logging.
	if len(h.Attached) != 0 || !h.CircularLogging() || h.Legacy() || h.LogFlags != LogFlagCircularLogging {
		t.Errorf("attached %d circular %v legacy %v", len(h.Attached), h.CircularLogging(), h.Legacy())
	}
	if h.FirstPos() != (ese.LogPos{Generation: 1, Sector: 1}) {
		t.Errorf("FirstPos %v", h.FirstPos())
	}

	d, err := ReadFileHeader(bytes.NewReader(testcorpus.Read(t, "appdata/edb0000D.log")))
	if err != nil {
		t.Fatal(err)
	}
	if d.Checksum != 0x427C9A4D || d.PrevLogAccumulatedChecksum != 0x5F365F367EA2ED96 {
		t.Errorf("edb0000D checksum %#x prev %#x", d.Checksum, d.PrevLogAccumulatedChecksum)
	}
	if d.CheckpointAtCreation != (ese.LogPos{Generation: 0xB, Sector: 1}) {
		t.Errorf("edb0000D checkpoint %v", d.CheckpointAtCreation)
	}
	if len(d.Attached) != 2 || d.Attached[0].DBID != 1 || d.Attached[1].DBID != 2 {
		t.Fatalf("edb0000D attach list %+v", d.Attached)
	}
	for _, a := range d.Attached {
		if !bytes.HasSuffix([]byte(a.Path()), []byte("CacheStorage.edb")) {
			t.Errorf("attached dbid %d is not a CacheStorage.edb", a.DBID)
		}
	}
}

func TestFileHeaderCircularAndLegacy(t *testing.T) {
	u, err := DecodeFileHeader(testcorpus.Read(t, "appdata-uss-jtx/USS00040.jtx"))
	if err != nil {
		t.Fatal(err)
	}
	if !u.CircularLogging() {
		t.Errorf("USS00040.jtx: circular logging flag clear (flags %#x)", u.LogFlags)
	}
	k, err := DecodeFileHeader(testcorpus.Read(t, "wlm-kimberli13/edb.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !k.Legacy() || k.DataSectors() != 8 || k.HeaderSectors != 8 || k.FirstPos() != (ese.LogPos{Generation: 2, Sector: 8}) {
		t.Errorf("kimberli edb.log legacy %v data sectors %d", k.Legacy(), k.DataSectors())
	}
	if k.CheckpointAtCreation != (ese.LogPos{Generation: 1, Sector: 9, Offset: 0x6C}) {
		t.Errorf("kimberli edb.log checkpoint %v", k.CheckpointAtCreation)
	}
	if len(k.Attached) != 1 || k.Attached[0].DBID != 1 || k.Attached[0].Flags&ese.AttachUnicodeNames == 0 {
		t.Errorf("kimberli edb.log attach list %d entries", len(k.Attached))
	}
	k1, err := DecodeFileHeader(testcorpus.Read(t, "wlm-kimberli13/edb00001.log"))
	if err != nil {
		t.Fatal(err)
	}
	if k.PrevGenCreateTime != k1.CreateTime {
		t.Errorf("edb.log prev time %v, edb00001 created %v", k.PrevGenCreateTime, k1.CreateTime)
	}
}

func TestFileHeaderErrors(t *testing.T) {
	good := testcorpus.Read(t, "appdata/edb.log")[:HeaderSize]
	mod := func(f func(b []byte), fix bool) []byte {
		b := append([]byte(nil), good...)
		f(b)
		if fix {
			bin.PutU32(b, 0, ese.HeaderChecksum(b))
		}
		return b
	}
	cases := []struct {
		name string
		b    []byte
		want ese.Error
	}{
		{"short", good[:100], ese.ErrLogFileCorrupt},
		{"checksum", mod(func(b []byte) { b[100] ^= 1 }, false), ese.ErrLogFileCorrupt},
		{"500", mod(func(b []byte) { bin.PutU32(b, 24, 4); bin.PutU32(b, 28, 909); bin.PutU32(b, 32, 0) }, false), ese.ErrDatabase500Format},
		{"400", mod(func(b []byte) { bin.PutU32(b, 20, 443); bin.PutU32(b, 24, 0); bin.PutU32(b, 28, 0) }, false), ese.ErrDatabase400Format},
		{"200", mod(func(b []byte) { bin.PutU32(b, 44, 0); bin.PutU32(b, 48, 0x00CA0001) }, false), ese.ErrDatabase200Format},
		{"filetype", mod(func(b []byte) { bin.PutU32(b, 667, 1) }, true), ese.ErrFileInvalidType},
		{"major 9", mod(func(b []byte) { bin.PutU32(b, 32, 9) }, true), ese.ErrBadLogVersion},
		{"minor", mod(func(b []byte) { bin.PutU32(b, 36, 4001) }, true), ese.ErrBadLogVersion},
		{"update too new", mod(func(b []byte) { bin.PutU32(b, 40, MaxVersionUpdateMajor+1) }, true), ese.ErrBadLogVersion},
		{"legacy old LV chunk 32K", mod(func(b []byte) {
			bin.PutU32(b, 32, 7)
			bin.PutU32(b, 36, 3704)
			bin.PutU32(b, 40, 13)
			bin.PutU16(b, 8, 512)
		}, true), ese.ErrBadLogVersion},
		{"modern sector 512", mod(func(b []byte) { bin.PutU16(b, 8, 512) }, true), ese.ErrLogFileCorrupt},
		{"attach list unterminated", mod(func(b []byte) {
			for i := attachListOffset; i < paddingOffset; i++ {
				b[i] = 1
			}
		}, true), ese.ErrLogFileCorrupt},
	}
	for _, c := range cases {
		_, err := DecodeFileHeader(c.b)
		var fe *ese.FormatError
		if !errors.Is(err, c.want) || !errors.As(err, &fe) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
	// A legacy 7.3704.13 log is fine with 8 KiB pages.
	b := mod(func(b []byte) {
		bin.PutU32(b, 32, 7)
		bin.PutU32(b, 36, 3704)
		bin.PutU32(b, 40, 13)
		bin.PutU16(b, 8, 512)
		bin.PutU16(b, 14, 8192)
	}, true)
	if _, err := DecodeFileHeader(b); err != nil {
		t.Errorf("7.3704.13 with 8 KiB pages: %v", err)
	}
	if _, err := ReadFileHeader(bytes.NewReader(good[:10])); !errors.Is(err, ese.ErrLogFileCorrupt) {
		t.Errorf("ReadFileHeader of 10 bytes: %v", err)
	}
}

func TestFileHeaderEncodeEdits(t *testing.T) {
	h, err := DecodeFileHeader(testcorpus.Read(t, "appdata/edb0000D.log"))
	if err != nil {
		t.Fatal(err)
	}
	h.Generation = 0xE
	h.Attached = h.Attached[:1]
	b, err := h.Encode()
	if err != nil {
		t.Fatal(err)
	}
	h2, err := DecodeFileHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	if h2.Generation != 0xE || len(h2.Attached) != 1 || h2.Attached[0].Path() != h.Attached[0].Path() {
		t.Errorf("edited header decodes as gen %#x, %d attached", h2.Generation, len(h2.Attached))
	}
	h.Attached = append(h.Attached, ese.AttachInfo{DBID: 0})
	if _, err := h.Encode(); err == nil {
		t.Error("Encode accepted a DBID 0 entry")
	}
}

// TestFileHeaderEveryCorpusFile decodes the first 4096 bytes of every
// corpus file: exactly the files listed in corpusLogs are logs, and each of
// them re-encodes byte for byte (TestFileHeaderCorpus checks the values).
func TestFileHeaderEveryCorpusFile(t *testing.T) {
	known := map[string]bool{}
	for _, c := range corpusLogs {
		known[c.path] = true
	}
	for _, p := range testcorpus.Files(t) {
		b := testcorpus.Read(t, p)
		h, err := DecodeFileHeader(b)
		if err != nil {
			if known[p] {
				t.Errorf("%s: %v", p, err)
			}
			continue
		}
		if !known[p] {
			t.Errorf("%s decodes as a log header (gen %d) but is not listed", p, h.Generation)
		}
		if enc, err := h.Encode(); err != nil || !bytes.Equal(enc, b[:HeaderSize]) {
			t.Errorf("%s: header does not re-encode", p)
		}
	}
}
