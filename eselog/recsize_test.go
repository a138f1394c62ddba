package eselog

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// The size column of docs/log-records.md#record-types, for types with a fixed size.
var fixedFromSheet = map[RecordType]int{
	RecNOP: 1, RecInit: 568, RecTerm: 18, RecMS: 9, RecEnd: 1, RecBegin: 4, RecCommit: 4,
	RecRollback: 4, RecBegin0: 8, RecCommit0: 8, RecRefresh: 7, RecMacroBegin: 11,
	RecMacroCommit: 11, RecMacroAbort: 11, RecRecoveryUndo: 1, RecRecoveryQuit: 18, RecJetOp: 4,
	RecShutDownMark: 1, RecCreateMultipleExtentFDP: 56, RecCreateSingleExtentFDP: 48,
	RecConvertFDP: 60, RecFlagDelete: 44, RecDelete: 44, RecChecksum: 22, RecInit2: 576,
	RecTerm2: 26, RecRecoveryUndo2: 9, RecRecoveryQuit2: 26, RecBeginDT: 8, RecForceWriteLog: 3,
	RecConvertFDP2: 68, RecPagePatchRequest: 46, RecShrinkDB: 10, RecShrinkDB2: 10,
	RecCreateDBFinish: 4, RecRecoveryQuitKeepAttachments: 26, RecTrimDB: 10, RecSetDbVersion: 14,
	RecNewPage: 20, RecRootPageMove: 16, RecSignalAttachDb: 2, RecScanCheck2: 27, RecShrinkDB3: 18,
	RecExtentFreed: 11, RecExtentFreed2: 19,
}

// lenField is a length field of a variable-size record: the payload it
// describes is its value (plus add when the flag test holds).
type lenField struct {
	off, width int
	mask       uint64 // bits of the field that count (Replace's cb)
}

// The variable-size types of docs/log-records.md#record-types, with their fixed header and
// length fields, written from docs/log-records.md#record-types (not from recsize.go).
var variableFromSheet = map[RecordType]struct {
	fixed  int
	fields []lenField
}{
	RecCreateDB:                 {43, []lenField{{40, 2, 0}}},
	RecAttachDB:                 {75, []lenField{{72, 2, 0}}},
	RecDetachDB:                 {7, []lenField{{4, 2, 0}}},
	RecFullBackup:               {3, []lenField{{1, 2, 0}}},
	RecIncBackup:                {3, []lenField{{1, 2, 0}}},
	RecTrace:                    {5, []lenField{{3, 2, 0}}},
	RecForceLogRollover:         {5, []lenField{{3, 2, 0}}},
	RecSplit:                    {102, []lenField{{96, 2, 0}, {98, 2, 0}, {100, 2, 0}}},
	RecSplit2:                   {110, []lenField{{96, 2, 0}, {98, 2, 0}, {100, 2, 0}, {106, 4, 0}}},
	RecMerge:                    {88, []lenField{{86, 2, 0}}},
	RecMerge2:                   {96, []lenField{{86, 2, 0}, {92, 4, 0}}},
	RecInsert:                   {50, []lenField{{44, 2, 0}, {46, 2, 0}, {48, 2, 0}}},
	RecFlagInsert:               {48, []lenField{{44, 2, 0}, {46, 2, 0}}},
	RecFlagInsertAndReplaceData: {52, []lenField{{44, 2, 0}, {46, 2, 0}}},
	RecReplace:                  {50, []lenField{{44, 2, 0x7FFF}}},
	RecReplaceD:                 {50, []lenField{{44, 2, 0x7FFF}}},
	RecUndoInfo:                 {56, []lenField{{44, 2, 0}, {46, 2, 0}, {54, 2, 0}}},
	RecDelta:                    {54, []lenField{{44, 2, 0}, {46, 2, 0}}},
	RecDelta64:                  {58, []lenField{{44, 2, 0}, {46, 2, 0}}},
	RecSetExternalHeader:        {46, []lenField{{44, 2, 0}}},
	RecUndo:                     {51, []lenField{{44, 2, 0}, {46, 2, 0}}},
	RecExtRestore:               {3, []lenField{{1, 2, 0}}},
	RecExtRestore2:              {3, []lenField{{1, 2, 0}}},
	RecBackup:                   {5, []lenField{{3, 2, 0}}},
	RecBackup2:                  {35, []lenField{{33, 2, 0}}},
	RecEmptyTree:                {46, []lenField{{44, 2, 0}}},
	RecPrepCommit:               {7, []lenField{{3, 4, 0}}},
	RecScrub:                    {54, []lenField{{52, 2, 0}}},
	RecPageMove:                 {96, []lenField{{88, 4, 0}, {92, 4, 0}}},
	RecFragmentBegin:            {7, []lenField{{5, 2, 0}}},
	RecFragment:                 {3, []lenField{{1, 2, 0}}},
}

func init() {
	for t := RecordType(0); t < RecTypeMax; t++ {
		if t.IsIgnorable() {
			variableFromSheet[t] = struct {
				fixed  int
				fields []lenField
			}{5, []lenField{{1, 4, 0}}}
		}
	}
}

var invalidTypes = []RecordType{RecSLVPageAppend, RecSLVSpace, RecSLVPageMove, RecForceDetachDB,
	RecUpgradeDB, RecPrepRollback, RecDbList}

func TestRecordTypeNames(t *testing.T) {
	for s, want := range map[RecordType]string{0: "NOP", 29: "Insert", 34: "ReplaceD", 42: "Checksum",
		49: "Init2", 62: "Split2", 71: "NOP2", 76: "FragmentBegin", 77: "Fragment", 93: "Delta64",
		95: "NewPage", 96: "RootPageMove", 101: "ExtentFreed2", 102: "Unknown(102)", 255: "Unknown(255)"} {
		if s.String() != want {
			t.Errorf("%d: %q, want %q", uint8(s), s.String(), want)
		}
	}
	seen := map[string]bool{}
	for i := RecordType(0); i < RecTypeMax; i++ {
		n := i.String()
		if seen[n] {
			t.Errorf("duplicate name %q", n)
		}
		seen[n] = true
		if p, ok := ParseRecordType(n); !ok || p != i {
			t.Errorf("ParseRecordType(%q) = %d, %v", n, p, ok)
		}
	}
	if RecNOP2 != 71 || RecFragmentBegin != 76 || RecChecksum != 42 || RecExtentFreed2 != 101 {
		t.Error("constants out of place")
	}
}

func TestRecordSizeTable(t *testing.T) {
	for ty := RecordType(0); ty < RecTypeMax; ty++ {
		if n, ok := fixedFromSheet[ty]; ok {
			got, err := RecordSize([]byte{byte(ty)})
			if err != nil || got != n || FixedSize(ty) != n {
				t.Errorf("%s: RecordSize %d %v, FixedSize %d, want %d", ty, got, err, FixedSize(ty), n)
			}
			continue
		}
		if v, ok := variableFromSheet[ty]; ok {
			if FixedSize(ty) != v.fixed {
				t.Errorf("%s: FixedSize %d, want %d", ty, FixedSize(ty), v.fixed)
			}
			// One byte short of the size fields: ErrShortRecord.
			b := make([]byte, v.fixed-1)
			b[0] = byte(ty)
			if _, err := RecordSize(b); !errors.Is(err, ErrShortRecord) {
				t.Errorf("%s: short buffer gives %v", ty, err)
			}
			continue
		}
		isInvalid := false
		for _, x := range invalidTypes {
			isInvalid = isInvalid || x == ty
		}
		if !isInvalid {
			t.Errorf("%s is in no table", ty)
		}
	}
	for _, ty := range append(invalidTypes, 102, 127, 128, 255) {
		_, err := RecordSize([]byte{byte(ty), 0, 0, 0, 0, 0, 0, 0})
		var fe *ese.FormatError
		if !errors.As(err, &fe) || !errors.Is(err, ese.ErrLogFileCorrupt) {
			t.Errorf("%s: %v, want a FormatError wrapping ErrLogFileCorrupt", ty, err)
		}
		if ty.Valid() {
			t.Errorf("%s is Valid", ty)
		}
		if _, err := DecodeRecord([]byte{byte(ty)}, ese.LogPos{}); !errors.Is(err, ese.ErrLogFileCorrupt) {
			t.Errorf("DecodeRecord(%s): %v", ty, err)
		}
	}
	if FixedSize(RecPrepRollback) != 3 || FixedSize(RecDbList) != 0 || FixedSize(200) != 0 {
		t.Error("FixedSize of invalid types")
	}
	if _, err := RecordSize(nil); !errors.Is(err, ErrShortRecord) {
		t.Errorf("RecordSize(nil): %v", err)
	}
	// CreateDB's version block adds 4 bytes; Replace's bit 15 does not count.
	c := make([]byte, 43)
	c[0], c[40], c[42] = byte(RecCreateDB), 10, CreateDBVersionInfo
	if n, _ := RecordSize(c); n != 57 {
		t.Errorf("CreateDB with version info: %d, want 57", n)
	}
	r := make([]byte, 50)
	r[0], r[44], r[45] = byte(RecReplaceD), 7, 0x80
	if n, _ := RecordSize(r); n != 57 {
		t.Errorf("ReplaceD with DIFFHDR2 bit: %d, want 57", n)
	}
	// u32 sizes never wrap (the engine's UINT sum would): a size past
	// 2^31-1 is corrupt.
	g := []byte{byte(RecNOP2), 0xFF, 0xFF, 0xFF, 0xFF}
	if _, err := RecordSize(g); !errors.Is(err, ese.ErrLogFileCorrupt) {
		t.Errorf("NOP2 with cb 0xFFFFFFFF: %v", err)
	}
	g = []byte{byte(RecNOP2), 0xF0, 0xFF, 0xFF, 0x7F}
	if n, err := RecordSize(g); err != nil || n != 5+0x7FFFFFF0 {
		t.Errorf("NOP2 with cb 0x7FFFFFF0: %d %v", n, err)
	}
}

func newRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

// synth builds a random record of type ty whose length fields are small
// and returns it with the size computed from the documented layout.
func synth(rng *rand.Rand, ty RecordType) []byte {
	if n, ok := fixedFromSheet[ty]; ok {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		b[0] = byte(ty)
		return b
	}
	v := variableFromSheet[ty]
	b := make([]byte, v.fixed)
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	b[0] = byte(ty)
	total := v.fixed
	for _, f := range v.fields {
		n := int(rng.UintN(40))
		if rng.UintN(4) == 0 {
			n = 0
		}
		if f.width == 2 {
			old := bin.U16(b, f.off)
			bin.PutU16(b, f.off, uint16(n)|old&^uint16(f.maskOr(0xFFFF)))
		} else {
			bin.PutU32(b, f.off, uint32(n))
		}
		total += n
	}
	if ty == RecCreateDB && b[42]&CreateDBVersionInfo != 0 {
		total += 4
	}
	for len(b) < total {
		b = append(b, byte(rng.UintN(256)))
	}
	return b
}

func (f lenField) maskOr(d uint64) uint64 {
	if f.mask != 0 {
		return f.mask
	}
	return d
}

func TestSyntheticRoundTripEveryType(t *testing.T) {
	rng := newRand()
	pos := ese.LogPos{Offset: 0x28, Sector: 3, Generation: 9}
	counts := map[RecordType]int{}
	for ty := RecordType(0); ty < RecTypeMax; ty++ {
		if !ty.Valid() {
			continue
		}
		for range 200 {
			b := synth(rng, ty)
			n, err := RecordSize(b)
			if err != nil || n != len(b) {
				t.Fatalf("%s: RecordSize %d %v, built %d", ty, n, err, len(b))
			}
			r, err := DecodeRecord(b, pos)
			if err != nil {
				t.Fatalf("%s: %v", ty, err)
			}
			if r.Type() != ty || r.Pos() != pos {
				t.Fatalf("%s: type %s pos %v", ty, r.Type(), r.Pos())
			}
			if _, raw := r.(*Raw); raw {
				t.Fatalf("%s decodes as Raw", ty)
			}
			if enc := r.AppendEncode(nil); !bytes.Equal(enc, b) {
				t.Fatalf("%s: re-encoding differs\n got %x\nwant %x", ty, enc, b)
			}
			// The decoded record does not alias the input.
			c := bytes.Clone(b)
			for i := range b {
				b[i] ^= 0xA5
			}
			if enc := r.AppendEncode(nil); !bytes.Equal(enc, c) {
				t.Fatalf("%s: record aliases its input", ty)
			}
			// Exactly one record: a byte more or less is refused.
			if _, err := DecodeRecord(append(bytes.Clone(c), 0), pos); !errors.Is(err, ese.ErrLogFileCorrupt) {
				t.Fatalf("%s with a trailing byte: %v", ty, err)
			}
			if len(c) > 1 {
				if _, err := DecodeRecord(c[:len(c)-1], pos); !errors.Is(err, ErrShortRecord) {
					t.Fatalf("%s one byte short: %v", ty, err)
				}
			}
			counts[ty]++
		}
	}
	if len(counts) != int(RecTypeMax)-len(invalidTypes) {
		t.Errorf("%d types exercised", len(counts))
	}
}

// Specific layouts checked field by field on hand-made bytes.
func TestHandMadeLayouts(t *testing.T) {
	// Begin: levelBeginFrom in the low nibble, levels to begin in the high.
	r, err := DecodeRecord([]byte{5, 0x34, 0x12, 0x21}, ese.LogPos{})
	if b := r.(*Begin); err != nil || b.Procid != 0x1234 || b.LevelBeginFrom != 1 || b.LevelsToBegin != 2 {
		t.Errorf("Begin: %+v %v", r, err)
	}
	// Delta: a negative 32-bit delta, applied with wrap-around.
	d := make([]byte, 54)
	d[0] = byte(RecDelta)
	bin.PutI32(d, 48, -3)
	bin.PutU16(d, 52, 2)
	r, _ = DecodeRecord(d, ese.LogPos{})
	dl := r.(*Delta)
	data := []byte{9, 9, 1, 0, 0, 0}
	if dl.Delta != -3 || dl.Is64() || !dl.Apply(data) || bin.U32(data, 2) != 0xFFFFFFFE {
		t.Errorf("Delta: %d %x", dl.Delta, data)
	}
	if dl.Apply(data[:5]) {
		t.Error("Delta applied past the data")
	}
	// ExtendDB with cb 5; with cb 2 it is an Ignored record.
	e := []byte{byte(RecExtendDB), 5, 0, 0, 0, 1, 0x40, 0, 0, 0}
	r, _ = DecodeRecord(e, ese.LogPos{})
	if x, ok := r.(*ExtendDB); !ok || x.DBID() != 1 || x.PgnoLast != 0x40 {
		t.Errorf("ExtendDB: %+v", r)
	}
	r, _ = DecodeRecord([]byte{byte(RecExtendDB), 2, 0, 0, 0, 1, 2}, ese.LogPos{})
	if x, ok := r.(*Ignored); !ok || len(x.Data) != 2 || x.Type() != RecExtendDB {
		t.Errorf("short ExtendDB: %T", r)
	}
	// CommitCtx in both layouts.
	cc := []byte{byte(RecCommitCtx), 5, 0, 0, 0, 7, 0, 0x01, 'a', 'b'}
	r, _ = DecodeRecord(cc, ese.LogPos{})
	if x := r.(*CommitCtx); x.ProcID() != 7 || len(x.Rest) != 3 {
		t.Errorf("CommitCtx: %+v", x)
	} else if f, ctx, ok := x.ContextWithFlags(); !ok || f != 1 || string(ctx) != "ab" {
		t.Errorf("CommitCtx flags: %d %q", f, ctx)
	}
	if CommitCtxHasFlags(4, 7) || !CommitCtxHasFlags(4, 8) || !CommitCtxHasFlags(4, 10) ||
		CommitCtxHasFlags(5, 1) || !CommitCtxHasFlags(5, 2) || !CommitCtxHasFlags(60, 140) || CommitCtxHasFlags(3, 99) {
		t.Error("CommitCtxHasFlags")
	}
	// NOP2: zero padding is not copied; other padding is kept.
	z := append([]byte{byte(RecNOP2), 100, 0, 0, 0}, make([]byte, 100)...)
	r, _ = DecodeRecord(z, ese.LogPos{})
	if x := r.(*NOP2); x.Len != 100 || x.Pad != nil || !bytes.Equal(x.AppendEncode(nil), z) {
		t.Errorf("zero NOP2: len %d pad %d", x.Len, len(x.Pad))
	}
	z[50] = 1
	r, _ = DecodeRecord(z, ese.LogPos{})
	if x := r.(*NOP2); len(x.Pad) != 100 || !bytes.Equal(x.AppendEncode(nil), z) {
		t.Errorf("non-zero NOP2: pad %d", len(x.Pad))
	}
	// Interfaces.
	var _ PageRecord = (*Insert)(nil)
	var _ PageRecord = (*NewPage)(nil)
	var _ DatabaseRecord = (*AttachDB)(nil)
	var _ DatabaseRecord = (*ExtendDB)(nil)
	var _ DatabaseRecord = (*MacroInfo2)(nil)
	var _ SessionRecord = (*Commit0)(nil)
	var _ SessionRecord = (*Begin0)(nil)
}

func TestRecordTypeText(t *testing.T) {
	for _, ty := range []RecordType{RecNOP, RecInsert, RecNOP2, RecExtentFreed2, 102, 255} {
		b, _ := ty.MarshalText()
		var back RecordType
		if err := back.UnmarshalText(b); err != nil || back != ty {
			t.Errorf("%s: %v %v", b, back, err)
		}
	}
	var x RecordType
	for _, bad := range []string{"", "Insertx", "Unknown(3)", "Unknown(256)", "Unknown(x)"} {
		if err := x.UnmarshalText([]byte(bad)); !errors.Is(err, ese.ErrInvalidParameter) {
			t.Errorf("%q: %v, want an error wrapping ErrInvalidParameter", bad, err)
		}
	}
	// Node records reach their header through NodeRecord.
	r, _ := DecodeRecord(synth(newRand(), RecDelete), ese.LogPos{})
	if nr, ok := r.(NodeRecord); !ok || nr.Node().Page().Lrtyp != RecDelete {
		t.Error("Delete is not a NodeRecord")
	}
	r, _ = DecodeRecord(synth(newRand(), RecSplit2), ese.LogPos{})
	if _, ok := r.(NodeRecord); ok {
		t.Error("Split2 is a NodeRecord")
	}
	if _, ok := r.(interface{ Page() *PageHeader }); !ok {
		t.Error("Split2 has no Page()")
	}
}

func TestDecodedSlicesDoNotReachOut(t *testing.T) {
	// A record with an empty variable part is not copied; its empty slice
	// must not let an append write into the caller's buffer.
	buf := make([]byte, 46, 100)
	buf[0] = byte(RecSetExternalHeader)
	r, err := DecodeRecord(buf, ese.LogPos{})
	if err != nil {
		t.Fatal(err)
	}
	se := r.(*SetExternalHeader)
	_ = append(se.Data, 1, 2, 3)
	if full := buf[:49]; full[46] != 0 {
		t.Error("append to a decoded slice wrote into the caller's buffer")
	}
}

func TestRecordsMarshalJSON(t *testing.T) {
	rng := newRand()
	for ty := RecordType(0); ty < RecTypeMax; ty++ {
		if !ty.Valid() {
			continue
		}
		b := synth(rng, ty)
		r, err := DecodeRecord(b, ese.LogPos{Sector: 1, Generation: 1})
		if err != nil {
			t.Fatal(err)
		}
		j, err := json.Marshal(r)
		if err != nil || !bytes.Contains(j, []byte(`"Lrtyp":"`+ty.String()+`"`)) {
			t.Errorf("%s: %v %.80s", ty, err, j)
		}
		if !bytes.Equal(r.AppendEncode(nil), b) {
			t.Errorf("%s: Encode differs", ty)
		}
	}
}

// Every decoder error is a *ese.FormatError wrapping an ese.Error; a short
// buffer also keeps ErrShortRecord for readers that fetch more.
func TestRecordErrorsWrapEseError(t *testing.T) {
	ins := make([]byte, FixedSize(RecInsert))
	ins[0] = byte(RecInsert)
	for name, b := range map[string][]byte{
		"empty":         nil,
		"short fixed":   ins[:10],
		"short whole":   append(append([]byte{}, ins...), 0)[:FixedSize(RecInsert)-1],
		"trailing":      append([]byte{byte(RecBegin), 1, 0, 0}, 0),
		"no size":       {byte(RecTypeMax)},
		"prep rollback": {byte(RecPrepRollback), 0, 0},
	} {
		_, err := DecodeRecord(b, ese.LogPos{})
		var fe *ese.FormatError
		if !errors.As(err, &fe) || !errors.Is(err, ese.ErrLogFileCorrupt) {
			t.Errorf("%s: %v is not a FormatError wrapping ErrLogFileCorrupt", name, err)
		}
		if short := name == "empty" || name[:5] == "short"; errors.Is(err, ErrShortRecord) != short {
			t.Errorf("%s: errors.Is(ErrShortRecord) = %v, want %v", name, !short, short)
		}
	}
	var code ese.Error
	if _, err := RecordSize(ins[:3]); !errors.As(err, &code) || code != ese.ErrLogFileCorrupt {
		t.Errorf("RecordSize short: errors.As gives %v", code)
	}
}

// TestEncodeAnyTypeValue checks that a record struct encodes without
// panicking whatever its type byte says, even one that belongs to another
// struct or to none: the layouts grow the record as far as their fields
// reach.
func TestEncodeAnyTypeValue(t *testing.T) {
	rng := newRand()
	for ty := RecordType(0); ty < RecTypeMax; ty++ {
		if !ty.Valid() {
			continue
		}
		r, err := DecodeRecord(synth(rng, ty), ese.LogPos{})
		if err != nil {
			t.Fatal(err)
		}
		rb := r.(interface{ recordBase() *RecordBase }).recordBase()
		for other := range 256 {
			rb.Lrtyp = RecordType(other)
			b := r.AppendEncode(nil)
			if len(b) == 0 || b[0] != byte(other) {
				t.Fatalf("%T as type %d: encoded %x", r, other, b)
			}
		}
	}
}
