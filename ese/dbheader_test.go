package ese

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/esekit/esekit/internal/bin"
)

// Every corpus database: header decodes with the engine's shadow rules,
// carries the MANIFEST's values, and re-encodes byte for byte.
func TestDBHeaderCorpus(t *testing.T) {
	for _, f := range corpusDatabases {
		t.Run(f.path, func(t *testing.T) {
			b := corpus(t, f.path)
			c, err := ReadDBHeader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			h := c.Header
			if c.PageSize != f.pageSize || h.EffectivePageSize() != f.pageSize {
				t.Errorf("page size %d / %d, want %d", c.PageSize, h.EffectivePageSize(), f.pageSize)
			}
			if !c.HeaderChecksumOK || !c.ShadowOK || c.UsedShadow {
				t.Errorf("copies: checksum %v shadow %v used shadow %v", c.HeaderChecksumOK, c.ShadowOK, c.UsedShadow)
			}
			if got := h.Format(); got != f.format {
				t.Errorf("Format = %q, want %q", got, f.format)
			}
			if h.State != f.state {
				t.Errorf("State = %v, want %v", h.State, f.state)
			}
			if h.LogSignature.Random != f.logRand {
				t.Errorf("log signature random %#x, want %#x", h.LogSignature.Random, f.logRand)
			}
			if f.logTime == "" {
				if !h.LogSignature.IsZero() {
					t.Errorf("log signature %v, want none", h.LogSignature)
				}
			} else if got := h.LogSignature.Created.Time().Format(time.DateTime); got != f.logTime {
				t.Errorf("log signature time %s, want %s", got, f.logTime)
			}
			if h.DbSignature.Random != f.dbRand {
				t.Errorf("db signature random %#x, want %#x", h.DbSignature.Random, f.dbRand)
			}
			if h.GenMinRequired != f.minReq || h.GenMaxRequired != f.minReq || h.GenMaxCommitted != f.minReq {
				t.Errorf("required %d-%d committed %d, want %d", h.GenMinRequired, h.GenMaxRequired, h.GenMaxCommitted, f.minReq)
			}
			if h.ConsistentPos.String() != f.cons || h.AttachPos.String() != f.attach {
				t.Errorf("consistent %v attach %v, want %s %s", h.ConsistentPos, h.AttachPos, f.cons, f.attach)
			}
			if h.Magic != DBMagic || h.FormatVersion != 0x620 || h.FileType != FileTypeDatabase {
				t.Errorf("magic %#x version %#x type %v", h.Magic, h.FormatVersion, h.FileType)
			}
			if h.Consistent() != (f.state == DBStateCleanShutdown) {
				t.Error("Consistent()")
			}
			// Byte-exact round trip: Encode recomputes the checksum, Put
			// writes the stored one; both give the page back.
			page := b[:f.pageSize]
			if enc := h.Encode(f.pageSize); !bytes.Equal(enc, page) {
				t.Errorf("Encode differs from the header page")
			}
			put := make([]byte, f.pageSize)
			h.Put(put)
			if !bytes.Equal(put, page) {
				t.Errorf("Put differs from the header page")
			}
			if !bytes.Equal(b[f.pageSize:2*f.pageSize], page) {
				t.Errorf("shadow differs from primary")
			}
		})
	}
}

// The corpus database's own header values (docs/database.md#database-header), field by field.
func TestDBHeaderWorkedExample(t *testing.T) {
	b := corpus(t, "appdata/IndexedDB.edb")
	h, err := DecodeDBHeader(b[:32768])
	if err != nil {
		t.Fatal(err)
	}
	ms := func(lt LogTime) string { return lt.Time().Format("2006-01-02 15:04:05.000") }
	checks := []struct {
		name      string
		got, want any
	}{
		{"Checksum", h.Checksum, uint32(0xD9D7F49F)},
		{"DBTimeDirtied", h.DBTimeDirtied, uint64(0x38D)},
		{"DbSignature", h.DbSignature.Random, uint32(0x8BED65CB)},
		{"DbSignature time", ms(h.DbSignature.Created), "2022-03-23 14:12:52.275"},
		{"ConsistentPos", h.ConsistentPos.Decimal(), "(1,32,630)"},
		{"ConsistentTime", ms(h.ConsistentTime), "2022-03-23 14:17:57.552"},
		{"AttachTime", ms(h.AttachTime), "2022-03-23 14:12:52.482"},
		{"AttachPos", h.AttachPos.Decimal(), "(1,1,616)"},
		{"DetachPos", h.DetachPos, h.ConsistentPos},
		{"DetachTime", h.DetachTime, h.ConsistentTime},
		{"DBID", h.DBID, uint32(1)},
		{"LogSignature", h.LogSignature.Random, uint32(0x5E1755E7)},
		{"LogSignature time", ms(h.LogSignature.Created), "2022-03-23 14:12:52.254"},
		{"backups", h.PrevFullBackup.IsZero() && h.PrevIncBackup.IsZero() && h.CurFullBackup.IsZero(), true},
		{"DbFlags", h.Flags(), uint32(0)},
		{"LastObjectID", h.LastObjectID, uint32(27)},
		{"OS", [4]uint32{h.OSMajorVersion, h.OSMinorVersion, h.OSBuildNumber, uint32(h.OSServicePack)}, [4]uint32{10, 0, 19044, 0}},
		{"PageSize", h.PageSize, uint32(32768)},
		{"Create version", [2]uint32{h.CreateFormatVersion, h.CreateFormatUpdate}, [2]uint32{0x620, 20}},
		{"SortVersion", h.SortVersion, ^uint64(0)},
		{"ExtendCount", h.ExtendCount, uint32(3)},
		{"LastExtendTime", ms(h.LastExtendTime), "2022-03-23 14:12:54.179"},
		{"DbHdrFlushSignature", h.DbHdrFlushSignature.Random, uint32(0x937DE706)},
		{"FlushMapHdrFlushSignature", h.FlushMapHdrFlushSignature.Random, uint32(0x4C09C906)},
		{"flush sig time", ms(h.DbHdrFlushSignature.Created), "2022-03-23 14:17:57.552"},
		{"EfvMaxBinAttachDiagnostic", h.EfvMaxBinAttachDiagnostic, uint32(9180)},
		{"LastResizePos", h.LastResizePos, h.ConsistentPos},
		{"FileType", h.FileType, FileTypeDatabase},
		{"Format", h.Format(), "0x620,110.240"},
		{"FormatUpdate", h.FormatUpdate(), "110.240"},
		{"Tail", h.Tail == nil, true},
		{"IsBackupCopy", h.IsBackupCopy(), false},
		{"IsTemp", h.IsTemp(), false},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// The WLM backup set's database is a streaming-backup copy (docs/patch.md#modern-form).
func TestDBHeaderBackupCopy(t *testing.T) {
	b := corpus(t, "wlm-danyquenneville-backup/WindowsMail.MSMessageStore")
	h, _ := DecodeDBHeader(b[:8192])
	if !h.IsBackupCopy() || h.TrailerMerged() {
		t.Errorf("IsBackupCopy %v TrailerMerged %v", h.IsBackupCopy(), h.TrailerMerged())
	}
	if h.CurFullBackup.Mark.String() != "(0x1,2,C3E)" || h.CurFullBackup.GenLow != 1 || h.CurFullBackup.MarkTime.String() != "3/11/2018 9:17:56" {
		t.Errorf("CurFullBackup = %+v", h.CurFullBackup)
	}
	if h.FormatUpdate() != "17.0" {
		t.Errorf("FormatUpdate = %s", h.FormatUpdate())
	}
	tmp, _ := DecodeDBHeader(corpus(t, "museum-ntds-win2012r2/temp.edb")[:8192])
	if !tmp.IsTemp() || tmp.DBID != 0 {
		t.Errorf("temp.edb IsTemp %v", tmp.IsTemp())
	}
}

// Every byte of the 748-byte structure belongs to a field (a gap would come
// back zero), and a non-zero tail survives.
func TestDBHeaderAllBytes(t *testing.T) {
	src := make([]byte, 4096)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range src {
		src[i] = byte(r.Uint32())
	}
	h, err := DecodeDBHeader(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := make([]byte, 4096)
	h.Put(dst)
	if !bytes.Equal(dst, src) {
		for i := range dst {
			if dst[i] != src[i] {
				t.Fatalf("byte %d (%#x) not round-tripped", i, i)
			}
		}
	}
	if _, err := DecodeDBHeader(src[:747]); !errors.Is(err, ErrDatabaseCorrupted) {
		t.Errorf("short header: %v", err)
	}
}

// Shadow fallback and the error rules of docs/database.md#shadowed-header.
func TestReadDBHeaderShadow(t *testing.T) {
	orig := corpus(t, "dissect-esedb-testdbs/basic.edb")[:3*4096]
	// Primary damaged: the shadow is used.
	b := bytes.Clone(orig)
	b[100] ^= 1
	c, err := ReadDBHeader(bytes.NewReader(b))
	if err != nil || !c.UsedShadow || c.HeaderChecksumOK || !c.ShadowOK || c.PageSize != 4096 {
		t.Fatalf("primary bad: %+v %v", c, err)
	}
	if c.Header.DbSignature.Random != 0x87c3f09e {
		t.Error("wrong header used")
	}
	// Shadow damaged.
	b = bytes.Clone(orig)
	b[4096+100] ^= 1
	c, err = ReadDBHeader(bytes.NewReader(b))
	if err != nil || c.UsedShadow || !c.HeaderChecksumOK || c.ShadowOK {
		t.Fatalf("shadow bad: %+v %v", c, err)
	}
	// Shadow valid but different (re-checksummed after a change).
	b = bytes.Clone(orig)
	b[4096+0x21C]++ // ExtendCount
	bin.PutU32(b, 4096, HeaderChecksum(b[4096:8192]))
	c, err = ReadDBHeader(bytes.NewReader(b))
	if err != nil || !c.HeaderChecksumOK || c.ShadowOK {
		t.Fatalf("shadow differs: %+v %v", c, err)
	}
	// Both damaged: -1206 (the engine's -1018 remapped).
	b = bytes.Clone(orig)
	b[100] ^= 1
	b[4096+100] ^= 1
	if _, err = ReadDBHeader(bytes.NewReader(b)); !errors.Is(err, ErrDatabaseCorrupted) {
		t.Fatalf("both bad: %v", err)
	}
	// Page size field disagrees with the detected size: not good.
	b = bytes.Clone(orig)
	bin.PutU32(b, 236, 8192)
	bin.PutU32(b, 0, HeaderChecksum(b[:4096]))
	c, err = ReadDBHeader(bytes.NewReader(b))
	if err != nil || !c.UsedShadow {
		t.Fatalf("page size field wrong: %+v %v", c, err)
	}
	if err := c.CheckPageSize(8192); !errors.Is(err, ErrPageSizeMismatch) {
		t.Errorf("CheckPageSize: %v", err)
	}
	// Wrong file type, magic, old version.
	for _, tc := range []struct {
		off  int
		val  uint32
		want error
	}{{667, 3, ErrFileInvalidType}, {4, 0x12345678, ErrDatabaseCorrupted}, {8, 0x500, ErrDatabase500Format}, {8, 0x550, ErrInvalidDatabaseVersion}} {
		b = bytes.Clone(orig)
		bin.PutU32(b, tc.off, tc.val)
		bin.PutU32(b, 0, HeaderChecksum(b[:4096]))
		if _, err := ReadDBHeader(bytes.NewReader(b[:4096])); !errors.Is(err, tc.want) {
			t.Errorf("u32@%d=%#x: %v, want %v", tc.off, tc.val, err, tc.want)
		}
	}
	// Truncated and garbage files.
	if _, err := ReadDBHeader(bytes.NewReader(orig[:500])); !errors.Is(err, ErrDatabaseCorrupted) {
		t.Errorf("truncated: %v", err)
	}
	garbage := make([]byte, 65536)
	for i := range garbage {
		garbage[i] = byte(i * 7)
	}
	if _, err := ReadDBHeader(bytes.NewReader(garbage)); !errors.Is(err, ErrDatabaseCorrupted) {
		t.Errorf("garbage: %v", err)
	}
}

// A PageSize field from a damaged file must not size Encode's page: the
// field is a u32, and 0xFFFFFFFF once made Encode(0) allocate 4 GiB.
func TestDBHeaderEncodeBoundsPageSize(t *testing.T) {
	for _, tc := range []struct {
		field uint32
		arg   int
		want  int
	}{
		{0xFFFFFFFF, 0, MaxPageSize},
		{1 << 20, 0, MaxPageSize},
		{0, 0, DefaultPageSize},
		{8192, 0, 8192},
		{8192, 1 << 30, MaxPageSize},
		{8192, 100, DBHeaderSize + 4},
		{8192, 4099, 4096},
	} {
		h := &DBHeader{Magic: DBMagic, PageSize: tc.field}
		b := h.Encode(tc.arg)
		if len(b) != tc.want {
			t.Errorf("PageSize %#x, Encode(%d): %d bytes, want %d", tc.field, tc.arg, len(b), tc.want)
			continue
		}
		if bin.U32(b, 0) != HeaderChecksum(b) || bin.U32(b, 4) != DBMagic {
			t.Errorf("PageSize %#x, Encode(%d): checksum or magic wrong", tc.field, tc.arg)
		}
	}
}
