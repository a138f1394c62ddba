package esechk

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testcorpus"
)

// corpusCheckpoints lists every checkpoint file of the corpus with the
// values the MANIFEST and the raw bytes give.
var corpusCheckpoints = []struct {
	rel        string
	checkpoint ese.LogPos
	consist    ese.LogPos // DbConsistencyPos as stored
	random     uint32     // log signature random
	created    string     // log signature creation time, UTC
	version    uint8
}{
	{"appdata/edb.chk", ese.LogPos{Generation: 1, Sector: 34}, ese.LogPos{Generation: 1, Sector: 34}, 0x5E1755E7, "2022-03-23T14:12:52.254Z", 0},
	{"museum-ntds-win2012r2/edb.chk", ese.LogPos{Generation: 3, Sector: 0x2F3}, ese.LogPos{}, 0x2CFE1E95, "2020-09-17T17:55:52", 0},
	{"museum-srum-server2022-apt-1daylater/SRU.chk", ese.LogPos{Generation: 5, Sector: 6}, ese.LogPos{Generation: 5, Sector: 6}, 0xED8673F7, "2023-10-18T02:48:29", 0},
	{"museum-srum-win10-belkasoftctf-insiderthreat-clean/SRU.chk", ese.LogPos{Generation: 0x51, Sector: 9}, ese.LogPos{Generation: 0x51, Sector: 9}, 0xA3DD42DE, "2020-08-01T21:48:10", 0},
	{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU.chk", ese.LogPos{Generation: 0x51, Sector: 9}, ese.LogPos{Generation: 0x51, Sector: 9}, 0xA3DD42DE, "2020-08-01T21:48:10", 0},
	{"ravendb-ssdug/RVN.chk", ese.LogPos{Generation: 1, Sector: 0x76, Offset: 0x1BC}, ese.LogPos{}, 0x005E532E, "2012-02-26T21:15:36", 0},
	{"secedit-horrorandscifi/edb.chk", ese.LogPos{Generation: 1, Sector: 1}, ese.LogPos{Generation: 1, Sector: 1}, 0xEBF5B760, "2025-09-09T11:08:17", 1},
}

func TestCorpusCheckpoints(t *testing.T) {
	for _, tc := range corpusCheckpoints {
		t.Run(tc.rel, func(t *testing.T) {
			raw := testcorpus.Read(t, tc.rel)
			c, st, err := ReadCopies(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if !st.OK() || st.Used != 0 {
				t.Errorf("copies = %+v, want both good and identical", st)
			}
			if c.Checkpoint != tc.checkpoint {
				t.Errorf("Checkpoint = %v, want %v", c.Checkpoint, tc.checkpoint)
			}
			if c.DbConsistencyPos != tc.consist {
				t.Errorf("DbConsistencyPos = %v, want %v", c.DbConsistencyPos, tc.consist)
			}
			if c.ConsistencyPos().IsZero() {
				t.Errorf("ConsistencyPos is zero")
			}
			if c.LogSignature.Random != tc.random {
				t.Errorf("LogSignature.Random = %#x, want %#x", c.LogSignature.Random, tc.random)
			}
			if got := c.LogSignature.Created.Time().Format("2006-01-02T15:04:05.000Z"); !strings.HasPrefix(got, tc.created) {
				t.Errorf("LogSignature created %s, want %s", got, tc.created)
			}
			if c.Version != tc.version {
				t.Errorf("Version = %d, want %d", c.Version, tc.version)
			}
			if c.FileType != ese.FileTypeCheckpoint {
				t.Errorf("FileType = %v", c.FileType)
			}
			if len(c.Attached) != 0 {
				t.Errorf("Attached has %d entries, want none", len(c.Attached))
			}
			if ci := c.CheckpointInfo(tc.rel); ci.File != tc.rel || ci.Pos != c.Checkpoint || !ci.Signature.Equal(c.LogSignature) {
				t.Errorf("CheckpointInfo = %+v, want %s at %v", ci, tc.rel, c.Checkpoint)
			}
			// Byte-exact round trip of one copy and of the whole file.
			enc, err := c.EncodeFile()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(enc, raw) {
				for i := range enc {
					if enc[i] != raw[i] {
						t.Fatalf("re-encoded file differs first at offset %#x", i)
					}
				}
			}
		})
	}
}

// TestAppdataWorkedExample checks the corpus checkpoint's own values field by
// field (docs/checkpoint.md#checkpoint-layout).
func TestAppdataWorkedExample(t *testing.T) {
	raw := testcorpus.Read(t, "appdata/edb.chk")
	if got := bin.U32(raw, 0); got != 0xEC707CF5 {
		t.Fatalf("stored checksum %#x", got)
	}
	c, err := Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if c.Checksum != 0xEC707CF5 {
		t.Errorf("Checksum = %#x", c.Checksum)
	}
	if !c.LastFullBackupCheckpoint.IsZero() {
		t.Errorf("LastFullBackupCheckpoint = %v, want zero", c.LastFullBackupCheckpoint)
	}
	if c.Checkpoint.String() != "(0x1,22,0)" || c.Checkpoint.Decimal() != "(1,34,0)" {
		t.Errorf("Checkpoint = %v / %s", c.Checkpoint, c.Checkpoint.Decimal())
	}
	want := time.Date(2022, 3, 23, 14, 12, 52, 254e6, time.UTC)
	if !c.LogSignature.Created.Time().Equal(want) || c.LogSignature.ComputerName() != "" {
		t.Errorf("LogSignature = %v", c.LogSignature)
	}
	p := c.DbmsParam
	sys, lg := p.SystemPathString(), p.LogFilePathString()
	if sys != lg || !strings.HasPrefix(sys, `C:\Users\`) || !strings.HasSuffix(sys, `\Internet Explorer\Indexed DB\EDGE\`) {
		t.Errorf("paths differ from the worked example (system %d bytes, log %d bytes)", len(sys), len(lg))
	}
	if p.Flags != 1 || !p.CircularLogging() {
		t.Errorf("DbmsParam.Flags = %d, want 1 (circular logging)", p.Flags)
	}
	if p.MaxSessions != 30000 || p.MaxOpenTables != 0x7FFFFFFF || p.MaxVerPages != 0x7FFFFFFF ||
		p.MaxCursors != 0x7FFFFFFF || p.LogBuffers != 1 || p.LogFileSectors != 128 || p.CacheSizeMax != 2048 {
		t.Errorf("DbmsParam limits = %+v", p)
	}
	if !c.FullBackupPos.IsZero() || !c.FullBackupTime.IsZero() || !c.IncBackupPos.IsZero() || !c.IncBackupTime.IsZero() {
		t.Errorf("backup fields not zero")
	}
	if c.Version != 0 || c.AttachInfoPresent() {
		t.Errorf("Version = %d", c.Version)
	}
	if c.DbConsistencyPos != (ese.LogPos{Generation: 1, Sector: 34}) {
		t.Errorf("DbConsistencyPos = %v", c.DbConsistencyPos)
	}
	if c.AttachArea[0] != 0 || len(c.Attached) != 0 {
		t.Errorf("attach list not empty")
	}
}

// TestStaleAttachArea: the domain controller checkpoint has an empty list
// (first byte 0) followed by the stale bytes of an earlier entry; they must
// survive a round trip.
func TestStaleAttachArea(t *testing.T) {
	raw := testcorpus.Read(t, "museum-ntds-win2012r2/edb.chk")
	c, err := Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Attached) != 0 || bin.IsZero(c.AttachArea[:]) {
		t.Fatalf("want an empty list over a non-zero area")
	}
	if c.AttachArea[1] != 0x20 {
		t.Errorf("stale flags byte = %#x, want 0x20", c.AttachArea[1])
	}
	b, err := c.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, raw[:Size]) {
		t.Errorf("stale attach bytes lost in re-encoding")
	}
}

func TestAttachListRoundTrip(t *testing.T) {
	raw := testcorpus.Read(t, "museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU.chk")
	c, err := Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	a := ese.AttachInfo{
		DBID: 1, Flags: ese.AttachUnicodeNames, DBTime: 0x1234, LastObjectID: 27,
		AttachPos:   ese.LogPos{Generation: 0x4E, Sector: 1, Offset: 616},
		DbSignature: ese.Signature{Random: 0xA3DD42DE},
	}
	a.SetPath(`C:\Windows\System32\sru\SRUDB.dat`)
	c.Attached = []ese.AttachInfo{a}
	c.Version |= VersionAttachInfoPresent
	file, err := c.EncodeFile()
	if err != nil {
		t.Fatal(err)
	}
	d, err := Read(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Attached) != 1 || d.Attached[0].Path() != `C:\Windows\System32\sru\SRUDB.dat` ||
		d.Attached[0].AttachPos != a.AttachPos || d.Attached[0].DBTime != 0x1234 || !d.AttachInfoPresent() {
		t.Fatalf("attach list round trip: %+v", d.Attached)
	}
	again, err := d.EncodeFile()
	if err != nil || !bytes.Equal(again, file) {
		t.Fatalf("second encoding differs (err %v)", err)
	}
	// A list that does not fit fails to encode.
	for range 40 {
		c.Attached = append(c.Attached, a)
	}
	if _, err := c.Encode(); err == nil {
		t.Errorf("oversized attach list encoded without error")
	}
}

func corrupt(b []byte, off int) []byte {
	c := bytes.Clone(b)
	c[off] ^= 0x40
	return c
}

func TestShadowRules(t *testing.T) {
	raw := testcorpus.Read(t, "museum-srum-server2022-apt-1daylater/SRU.chk")
	checkShadowRules(t, raw, ese.LogPos{Generation: 5, Sector: 6})
}

// checkShadowRules applies the shadow rules to checkpoint file raw (two
// good identical copies) whose checkpoint is at cp.
func checkShadowRules(t *testing.T, raw []byte, cp ese.LogPos) {
	t.Helper()

	// Primary damaged: the shadow is used.
	c, st, err := ReadCopies(bytes.NewReader(corrupt(raw, 0x100)))
	if err != nil {
		t.Fatal(err)
	}
	if st.PrimaryOK || !st.ShadowOK || st.Used != Size || st.OK() || c.Checkpoint.Generation != cp.Generation {
		t.Errorf("primary bad: %+v gen %d", st, c.Checkpoint.Generation)
	}

	// Shadow damaged: the primary is used, shadow reported.
	c, st, err = ReadCopies(bytes.NewReader(corrupt(raw, Size+0x100)))
	if err != nil {
		t.Fatal(err)
	}
	if !st.PrimaryOK || st.ShadowOK || st.Used != 0 || st.OK() || c.Checkpoint.Generation != cp.Generation {
		t.Errorf("shadow bad: %+v", st)
	}

	// Both damaged: -533.
	_, _, err = ReadCopies(bytes.NewReader(corrupt(corrupt(raw, 0x100), Size+0x200)))
	if !errors.Is(err, ese.ErrCheckpointCorrupt) {
		t.Errorf("both bad: err = %v, want -533", err)
	}
	var fe *ese.FormatError
	if !errors.As(err, &fe) {
		t.Errorf("both bad: error is not a FormatError: %T", err)
	}

	// Both good but different: the primary wins, shadow reported.
	other := bytes.Clone(raw)
	bin.PutU16(other, Size+offCheckpoint+2, cp.Sector+1)
	bin.PutU32(other, Size, ese.HeaderChecksum(other[Size:]))
	c, st, err = ReadCopies(bytes.NewReader(other))
	if err != nil {
		t.Fatal(err)
	}
	if !st.PrimaryOK || !st.ShadowOK || st.Identical || st.OK() || c.Checkpoint.Sector != cp.Sector {
		t.Errorf("different copies: %+v sector %d", st, c.Checkpoint.Sector)
	}

	// Only one copy present.
	c, st, err = ReadCopies(bytes.NewReader(raw[:Size]))
	if err != nil || st.ShadowOK || !st.PrimaryOK || c.Checkpoint.Generation != cp.Generation {
		t.Errorf("one copy: %+v %v", st, err)
	}

	// Truncated and empty files: -533, never a panic.
	for _, n := range []int{0, 1, 100, Size - 1} {
		if _, err := Read(bytes.NewReader(raw[:n])); !errors.Is(err, ese.ErrCheckpointCorrupt) {
			t.Errorf("%d bytes: err = %v, want -533", n, err)
		}
	}

	// Garbage with a valid checksum but the file type of a database: -1812.
	db := bytes.Clone(raw[:Size])
	bin.PutU32(db, offFileType, uint32(ese.FileTypeDatabase))
	bin.PutU32(db, 0, ese.HeaderChecksum(db))
	if _, err := Read(bytes.NewReader(append(db, db...))); !errors.Is(err, ese.ErrFileInvalidType) {
		t.Errorf("database file type: err = %v, want -1812", err)
	}
	// File type 0 (pre-7.3704.5 writers) is accepted.
	old := bytes.Clone(raw[:Size])
	bin.PutU32(old, offFileType, 0)
	bin.PutU32(old, 0, ese.HeaderChecksum(old))
	if _, err := Read(bytes.NewReader(old)); err != nil {
		t.Errorf("file type 0: %v", err)
	}
}

func TestBadAttachList(t *testing.T) {
	checkBadAttachList(t, testcorpus.Read(t, "museum-srum-server2022-apt-1daylater/SRU.chk"))
}

// checkBadAttachList damages the attach list of checkpoint file raw (whose
// list is empty and flagged stale).
func checkBadAttachList(t *testing.T, raw []byte) {
	t.Helper()
	b := bytes.Clone(raw[:Size])
	// An entry whose name runs past the 2048-byte area.
	b[offAttachList] = 1
	bin.PutU16(b, offAttachList+2, 3000)
	bin.PutU32(b, 0, ese.HeaderChecksum(b))
	c, err := Decode(b)
	if err != nil {
		t.Fatalf("list flagged absent: %v", err)
	}
	if !c.AttachListInvalid || len(c.Attached) != 0 {
		t.Errorf("AttachListInvalid = %v", c.AttachListInvalid)
	}
	if enc, _ := c.Encode(); !bytes.Equal(enc, b) {
		t.Errorf("invalid list not preserved")
	}
	b[offVersion] = VersionAttachInfoPresent
	bin.PutU32(b, 0, ese.HeaderChecksum(b))
	if _, err := Decode(b); !errors.Is(err, ese.ErrCheckpointCorrupt) {
		t.Errorf("list flagged present: err = %v, want -533", err)
	}
}

// TestCheckpointInfo: the checkpoint of the SRUM sample the esekit CLI
// embeds, (0x51,9,0) of log stream Rand:2749186782, hands the log-set
// checks its position and signature.
func TestCheckpointInfo(t *testing.T) {
	f, err := os.Open("../examples/esekit/testdata/sample/SRU.chk.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	ci := c.CheckpointInfo("SRU.chk")
	if ci.File != "SRU.chk" || ci.Pos != (ese.LogPos{Generation: 0x51, Sector: 9, Offset: 0}) {
		t.Errorf("CheckpointInfo = %+v, want SRU.chk at (0x51,9,0)", ci)
	}
	if ci.Signature.Random != 2749186782 || !ci.Signature.Equal(c.LogSignature) {
		t.Errorf("signature %v, want Rand:2749186782", ci.Signature)
	}
}

func BenchmarkRead(b *testing.B) {
	raw := testcorpus.Read(b, "appdata/edb.chk")
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := Read(bytes.NewReader(raw)); err != nil {
			b.Fatal(err)
		}
	}
}
