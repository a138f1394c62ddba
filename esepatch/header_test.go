package esepatch

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testcorpus"
)

// Real values of the two corpus .pat files (read with xxd and checked
// against the databases and logs in the same folders, MANIFEST.md).
var corpusPat = []struct {
	rel          string
	checksum     uint32
	mark         ese.LogPos
	markTime     time.Time
	dbRandom     uint32
	dbCreated    time.Time
	logRandom    uint32
	logCreated   time.Time
	logGen       string
	markDecimal  string
	markTimeText string
}{
	{
		rel: "wlm-kimberli13/WindowsMail.pat", checksum: 0x9ABC7467,
		mark:     ese.LogPos{Generation: 1, Sector: 0x16, Offset: 0x4E},
		markTime: time.Date(2016, 12, 19, 0, 13, 17, 0, time.UTC),
		dbRandom: 0x0002928E, dbCreated: time.Date(2016, 12, 19, 0, 13, 16, 0, time.UTC),
		logRandom: 0x00025254, logCreated: time.Date(2016, 12, 19, 0, 13, 16, 0, time.UTC),
		logGen: "1-1", markDecimal: "(1,22,78)", markTimeText: "12/19/2016 0:13:17",
	},
	{
		rel: "wlm-danyquenneville-backup/WindowsMail.pat", checksum: 0x82A14D83,
		mark:     ese.LogPos{Generation: 1, Sector: 2, Offset: 0xC3E},
		markTime: time.Date(2018, 3, 11, 9, 17, 56, 0, time.UTC),
		dbRandom: 0x00045FC9, dbCreated: time.Date(2018, 3, 11, 9, 17, 55, 0, time.UTC),
		logRandom: 0x0004B4A1, logCreated: time.Date(2018, 3, 11, 9, 17, 55, 0, time.UTC),
		logGen: "1-1", markDecimal: "(1,2,3134)", markTimeText: "3/11/2018 9:17:56",
	},
}

func TestCorpusPatchFiles(t *testing.T) {
	for _, c := range corpusPat {
		t.Run(c.rel, func(t *testing.T) {
			b := testcorpus.Read(t, c.rel)
			if len(b) != 16384 {
				t.Fatalf("size %d", len(b))
			}
			f, err := Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			if f.PageSize != 8192 || !f.PrimaryOK || !f.ShadowOK || !f.Empty() || f.CorruptPagesIfSkipped() != 0 {
				t.Errorf("page size %d primary %v shadow %v images %d", f.PageSize, f.PrimaryOK, f.ShadowOK, len(f.Images))
			}
			h := f.Header
			if h.Checksum != c.checksum {
				t.Errorf("checksum %08X, want %08X", h.Checksum, c.checksum)
			}
			if h.Backup.Mark != c.mark || h.Backup.GenLow != 1 || h.Backup.GenHigh != 1 {
				t.Errorf("backup %+v", h.Backup)
			}
			if got := h.Backup.MarkTime.Time(); !got.Equal(c.markTime) || !h.Backup.MarkTime.UTC() {
				t.Errorf("mark time %v, want %v", got, c.markTime)
			}
			if h.DBSignature.Random != c.dbRandom || !h.DBSignature.Created.Time().Equal(c.dbCreated) {
				t.Errorf("db signature %v", h.DBSignature)
			}
			if h.LogSignature.Random != c.logRandom || !h.LogSignature.Created.Time().Equal(c.logCreated) {
				t.Errorf("log signature %v", h.LogSignature)
			}
			if h.GenMinRequired != 0 || h.GenMaxRequired != 0 || h.GenMaxCommitted != 0 || !h.GenMaxRequiredTime.IsZero() || !h.GenMaxCommittedTime.IsZero() {
				t.Errorf("required/committed fields not zero: %+v", h)
			}
			if h.Tail != nil || h.PageHeaderRest != [36]byte{} {
				t.Error("page should be zero outside PATCHHDR")
			}
			s := f.Summary()
			if s.Backup.LogGen != c.logGen || s.Backup.Mark != c.markDecimal || s.Backup.MarkTime != c.markTimeText || s.PatchPages != 0 || !s.Empty {
				t.Errorf("summary %+v", s)
			}
			// Byte-exact encode, both through Header.Encode and Encode.
			if !bytes.Equal(h.Encode(8192), b[:8192]) {
				t.Error("header page does not re-encode byte-exact")
			}
			out, err := Encode(h, 8192, nil)
			if err != nil || !bytes.Equal(out, b) {
				t.Errorf("file does not re-encode byte-exact: %v", err)
			}
		})
	}
}

func TestCorpusPatchMatchesLogs(t *testing.T) {
	// The log signature of each .pat equals the first log's header
	// signature (LGFILEHDR signLog at offset 28 of the log header, read raw).
	for _, c := range []struct{ pat, log string }{
		{"wlm-kimberli13/WindowsMail.pat", "wlm-kimberli13/edb00001.log"},
		{"wlm-danyquenneville-backup/WindowsMail.pat", "wlm-danyquenneville-backup/edb00001.log"},
	} {
		f, err := Decode(testcorpus.Read(t, c.pat))
		if err != nil {
			t.Fatal(err)
		}
		lg := testcorpus.Read(t, c.log)
		// Find the 28 signature bytes in the log header rather than assume
		// an offset owned by another package.
		want := make([]byte, ese.SignatureSize)
		f.Header.LogSignature.Put(want)
		if !bytes.Contains(lg[:4096], want) {
			t.Errorf("%s: log signature %v not in %s's header", c.pat, f.Header.LogSignature, c.log)
		}
	}
}

// The worked example of KB Q200941: ESEUTIL /MH PRIV.PAT shows
// "Log Gen: - 36-3f, Mark: (58,1409,199), Mark: 8/19/1999 19:47:2".
func seedHeader() *Header {
	return &Header{
		Backup: ese.BackupInfo{
			Mark:     ese.LogPos{Generation: 58, Sector: 1409, Offset: 199},
			MarkTime: ese.LogTimeOf(time.Date(1999, 8, 19, 19, 47, 2, 0, time.UTC)),
			GenLow:   0x36, GenHigh: 0x3f,
		},
		DBSignature:  ese.Signature{Random: 39623424, Created: ese.LogTimeOf(time.Date(1999, 8, 19, 19, 37, 35, 0, time.UTC))},
		LogSignature: ese.Signature{Random: 24842, Created: ese.LogTimeOf(time.Date(1999, 8, 19, 19, 37, 30, 0, time.UTC))},
	}
}

func TestSeedCurrentFullBackup(t *testing.T) {
	h := seedHeader()
	want := "Current Full Backup:\n        Log Gen: - 36-3f\n           Mark: (58,1409,199)\n           Mark: 8/19/1999 19:47:2\n"
	if got := h.CurrentFullBackup(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// The mark lies inside the backup's range: 58 decimal is log 0x3a.
	if !h.Covers(h.Backup.Mark.Generation) || h.Covers(0x35) || h.Covers(0x40) || !h.Covers(0x36) || !h.Covers(0x3f) {
		t.Error("Covers")
	}
	// 4 KiB pages as in KB Q200941: an empty file is 8 KB.
	b, err := Encode(h, 4096, nil)
	if err != nil || len(b) != 8192 {
		t.Fatalf("empty 4 KiB patch file is %d bytes (%v), KB Q200941 says 8 KB", len(b), err)
	}
	f, err := Decode(b)
	if err != nil || f.PageSize != 4096 || !f.Empty() {
		t.Fatalf("decode: %v %+v", err, f)
	}
	if f.Header.Backup != h.Backup || f.Header.LogGen() != "36-3f" {
		t.Errorf("backup %+v", f.Header.Backup)
	}
}

func TestHeaderChecksumError(t *testing.T) {
	b := testcorpus.Read(t, "wlm-kimberli13/WindowsMail.pat")
	page := append([]byte{}, b[:8192]...)
	page[100] ^= 1
	h, err := DecodeHeader(page)
	if !errors.Is(err, ese.ErrBadPatchPage) || h == nil {
		t.Fatalf("err %v", err)
	}
	var fe *ese.FormatError
	if !errors.As(err, &fe) || !strings.Contains(fe.Msg, "0x9ABC7467 stored") {
		t.Errorf("error %v", err)
	}
	if _, err := DecodeHeader(page[:1000]); !errors.Is(err, ese.ErrBadPatchPage) {
		t.Errorf("short page: %v", err)
	}
	// A damaged first copy: the second is used.
	bad := append([]byte{}, b...)
	bad[200] ^= 0x80
	f, err := Decode(bad)
	if err != nil {
		t.Fatal(err)
	}
	if f.PrimaryOK || f.ShadowOK || f.PageSize != 8192 || f.Header.Backup.GenLow != 1 {
		t.Errorf("damaged primary: %+v", f)
	}
	// Both damaged: -535.
	bad[8192+200] ^= 0x80
	if _, err := Decode(bad); !errors.Is(err, ese.ErrBadPatchPage) {
		t.Errorf("both copies damaged: %v", err)
	}
}

func TestHeaderTailRoundTrip(t *testing.T) {
	h := seedHeader()
	h.PageHeaderRest[0] = 7
	h.Tail = make([]byte, 4096-HeaderSize)
	h.Tail[10] = 0xAA
	page := h.Encode(4096)
	h2, err := DecodeHeader(page)
	if err != nil {
		t.Fatal(err)
	}
	if h2.PageHeaderRest[0] != 7 || len(h2.Tail) != 4096-HeaderSize || h2.Tail[10] != 0xAA {
		t.Errorf("tail/page header not kept")
	}
	if !bytes.Equal(h2.Encode(4096), page) {
		t.Error("not byte-exact")
	}
}

// Encode never panics and never sizes its page from a caller's mistake:
// a size below the 148-byte PATCHHDR once panicked in Put.
func TestHeaderEncodeSizes(t *testing.T) {
	h := seedHeader()
	for _, tc := range []struct{ arg, want int }{
		{0, 4096}, {-1, 4096}, {1, 152}, {HeaderSize, 152}, {2048, 2048}, {4099, 4096}, {1 << 30, ese.MaxPageSize},
	} {
		page := h.Encode(tc.arg)
		if len(page) != tc.want {
			t.Errorf("Encode(%d): %d bytes, want %d", tc.arg, len(page), tc.want)
			continue
		}
		if bin.U32(page, 0) != ese.HeaderChecksum(page) || ese.Generation(bin.I32(page, offGenMaxRequired)) != h.GenMaxRequired {
			t.Errorf("Encode(%d): checksum or fields wrong", tc.arg)
		}
	}
}

// Put follows ese.DBHeader.Put: the stored checksum as it is, and the
// caller's bytes past the header untouched.
func TestHeaderPutKeepsChecksumAndRest(t *testing.T) {
	h := seedHeader()
	h.Checksum = 0x01020304
	page := bytes.Repeat([]byte{0xEE}, 2048)
	h.Put(page)
	if bin.U32(page, 0) != 0x01020304 {
		t.Errorf("Put wrote checksum %#x, want the stored 0x01020304", bin.U32(page, 0))
	}
	if page[HeaderSize] != 0xEE || page[2047] != 0xEE {
		t.Error("Put changed bytes past the header")
	}
	got := decodeHeader(page)
	if got.Backup != h.Backup || got.DBSignature != h.DBSignature || got.GenMaxCommitted != h.GenMaxCommitted {
		t.Errorf("Put/decode: %+v, want %+v", got, h)
	}
}
