package esedb_test

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/esekit/esekit/esedb"
	"github.com/esekit/esekit/internal/testcorpus"
)

// openCorpus opens a corpus database (the test skips when the corpus is
// absent).
func openCorpus(t testing.TB, rel string) *esedb.DB {
	t.Helper()
	b := testcorpus.Read(t, rel)
	db, err := esedb.Open(bytes.NewReader(b), int64(len(b)), nil)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return db
}

// readAll returns every row of a table.
func readAll(t testing.TB, db *esedb.DB, table string, opts *esedb.RowOptions) (*esedb.Table, []*esedb.Record) {
	t.Helper()
	tb, err := db.Table(table)
	if err != nil {
		t.Fatal(err)
	}
	var out []*esedb.Record
	for r, err := range db.Rows(context.Background(), tb, opts) {
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		out = append(out, r)
	}
	return tb, out
}

// check compares each named column of rec with want (as Value.Any gives
// it; nil for NULL).
func check(t *testing.T, rec *esedb.Record, want map[string]any) {
	t.Helper()
	for col, w := range want {
		v, err := rec.Get(col)
		if err != nil {
			t.Errorf("%s: %v", col, err)
			continue
		}
		if got := v.Any(); !reflect.DeepEqual(got, w) {
			t.Errorf("row %d %s = %#v, want %#v", rec.Line, col, got, w)
		}
	}
}

func date(y int, m time.Month, d, h, mi int) time.Time {
	return time.Date(y, m, d, h, mi, 0, 0, time.UTC)
}

func rep(s string, n int) string { return strings.Repeat(s, n) }

// TestCorpusBasic: every fixed-size type, as the table's column names
// say, with NULLs in the second row.
func TestCorpusBasic(t *testing.T) {
	db := openCorpus(t, "dissect-esedb-testdbs/basic.edb")
	tb, rows := readAll(t, db, "basic", nil)
	var types []string
	for _, c := range tb.Columns {
		types = append(types, c.Name+":"+c.Type.String())
	}
	if got := strings.Join(types, " "); got != "Id:Long Bit:Bit UnsignedByte:UnsignedByte Short:Short Long:Long Currency:Currency IEEESingle:IEEESingle IEEEDouble:IEEEDouble DateTime:DateTime UnsignedLong:UnsignedLong LongLong:LongLong GUID:GUID UnsignedShort:UnsignedShort" {
		t.Errorf("columns: %s", got)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	check(t, rows[0], map[string]any{
		"Id": int32(1), "Bit": false, "UnsignedByte": uint8(213), "Short": int16(-1337), "Long": int32(-13371337),
		"Currency": int64(1337133713371337), "IEEESingle": float32(1), "IEEEDouble": 13371337.13371337,
		"DateTime": date(1999, 3, 1, 0, 0), "UnsignedLong": uint32(13371337), "LongLong": int64(-13371337),
		"GUID": "3f360af1-6766-46dc-9af2-0dacf295c2a1", "UnsignedShort": uint16(1337),
	})
	check(t, rows[1], map[string]any{
		"Id": int32(2), "Bit": true, "UnsignedByte": uint8(255), "Short": int16(1339), "Long": int32(13391339),
		"Currency": int64(-1339133913391339), "IEEESingle": float32(-2), "IEEEDouble": -13391339.13391339,
		"DateTime": date(1337, 6, 9, 0, 0), "UnsignedLong": nil, "LongLong": nil, "GUID": nil, "UnsignedShort": nil,
	})
	// The typed getters agree with Any.
	v, _ := rows[0].Get("Currency")
	if n, err := v.Int(); err != nil || n != 1337133713371337 {
		t.Errorf("Currency.Int: %d %v", n, err)
	}
	v, _ = rows[0].Get("DateTime")
	if tm, err := v.Time(); err != nil || !tm.Equal(date(1999, 3, 1, 0, 0)) {
		t.Errorf("DateTime.Time: %v %v", tm, err)
	}
	if _, err := v.Bool(); err == nil {
		t.Error("Bool of a DateTime column")
	}
}

// TestCorpusBinaryText: fixed, variable, tagged and long binary and text
// columns, compressed and not, ASCII and Unicode.
func TestCorpusBinaryText(t *testing.T) {
	db := openCorpus(t, "dissect-esedb-testdbs/binary.edb")
	_, rows := readAll(t, db, "binary", nil)
	if len(rows) != 1 {
		t.Fatalf("%d rows", len(rows))
	}
	check(t, rows[0], map[string]any{
		"FixedBinary":             []byte("test fixed binary data" + rep("\x00", 233)),
		"NullableFixedBinary":     nil,
		"Binary":                  []byte("test binary data"),
		"NullableBinary":          nil,
		"MaxBinary":               []byte("test max binary data " + rep("a", 70)),
		"TaggedBinary":            []byte("test tagged binary data"),
		"NullableTaggedBinary":    nil,
		"LongBinary":              []byte("test long binary data " + rep("a", 1000)),
		"LongCompressedBinary":    []byte("test long compressed binary data " + rep("a", 1000)),
		"MaxLongBinary":           []byte("test max long binary data " + rep("a", 900)),
		"MaxLongCompressedBinary": []byte("test max long compressed binary data " + rep("a", 900)),
	})
	db = openCorpus(t, "dissect-esedb-testdbs/text.edb")
	_, rows = readAll(t, db, "text", nil)
	if len(rows) != 1 {
		t.Fatalf("%d rows", len(rows))
	}
	fox := "🦊"
	check(t, rows[0], map[string]any{
		"FixedASCII": "Fixed ASCII text" + rep(" ", 239),
		// 255 bytes: 127 UTF-16 units padded with spaces, then one byte of
		// padding that is not part of any character.
		"FixedUnicode":              "Fixed Unicode text " + fox + rep(" ", 106),
		"NullableFixedASCII":        nil,
		"NullableFixedUnicode":      nil,
		"ASCII":                     "Simple ASCII text",
		"Unicode":                   "Simple Unicode text " + fox,
		"NullableASCII":             nil,
		"NullableUnicode":           nil,
		"MaxASCII":                  "Max ASCII text that can't be that long",
		"MaxUnicode":                "Max Unicode text that can't be that long " + fox,
		"TaggedASCII":               "Tagged ASCII text",
		"TaggedUnicode":             "Tagged Unicode text " + fox,
		"NullableTaggedASCII":       nil,
		"NullableTaggedUnicode":     nil,
		"LongASCII":                 "Long ASCII text " + rep("a", 1024),
		"LongUnicode":               "Long Unicode text " + fox + " " + rep("a", 1024),
		"LongCompressedASCII":       "Long compressed ASCII text " + rep("a", 1024),
		"LongCompressedUnicode":     "Long compressed Unicode text " + fox + " " + rep("a", 1024),
		"LongTinyASCII":             "Tiny ASCII",
		"LongTinyUnicode":           "Tiny " + fox,
		"LongTinyCompressedASCII":   "Tiny c ASCII",
		"LongTinyCompressedUnicode": "Tiny c " + fox,
		"MaxLongASCII":              "Max long ASCII text that can be a bit longer " + rep("a", 900),
		"MaxLongUnicode":            "Max long Unicode text that can be a bit longer " + fox + " " + rep("a", 900),
		"MaxLongCompressedASCII":    "Max long compressed ASCII text that can be a bit longer " + rep("a", 900),
		"MaxLongCompressedUnicode":  "Max long compressed Unicode text that can be a bit longer " + fox + " " + rep("a", 900),
	})
	// The compressed columns were stored compressed, the long ones in the
	// long-value tree.
	for col, want := range map[string][2]bool{"LongCompressedASCII": {true, true}, "MaxLongCompressedASCII": {false, true}, "LongASCII": {true, false}, "TaggedASCII": {false, false}} {
		v, _ := rows[0].Get(col)
		if v.Separated != want[0] || v.Compressed != want[1] {
			t.Errorf("%s: separated %v compressed %v, want %v", col, v.Separated, v.Compressed, want)
		}
	}
}

// TestCorpusMulti: every multi-valued column, two-value and multi-value
// forms, separated and compressed instances.
func TestCorpusMulti(t *testing.T) {
	db := openCorpus(t, "dissect-esedb-testdbs/multi.edb")
	_, rows := readAll(t, db, "multi", nil)
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	fox := "🦊"
	texts := func(f func(i int) string, n int) []any {
		var out []any
		for i := 1; i <= n; i++ {
			out = append(out, f(i))
		}
		return out
	}
	bins := func(f func(i int) string, n int) []any {
		var out []any
		for i := 1; i <= n; i++ {
			out = append(out, []byte(f(i)))
		}
		return out
	}
	check(t, rows[0], map[string]any{
		"Id":           int32(1),
		"Bit":          []any{false, true},
		"UnsignedByte": []any{uint8(0), uint8(127), uint8(255)},
		"Short":        []any{int16(0), int16(-32767), int16(32767)},
		"Long":         []any{int32(0), int32(-2147483647), int32(2147483647)},
		"Currency":     []any{int64(0), int64(-9223372036854775807), int64(9223372036854775807)},
		"IEEESingle":   []any{float32(0), float32(-1), float32(1)},
		"IEEEDouble":   []any{0.0, -1.0, 1.0},
		// -87183.520833 as an OLE date: 87183 days before 1899-12-30, then
		// 12:30 (the fraction is the time of day also for negative dates).
		"DateTime": []any{date(1661, 4, 18, 12, 30), date(2077, 4, 1, 0, 0), date(2517, 9, 24, 5, 30)},
		"Binary": bins(func(i int) string {
			return fmt.Sprintf("Some binary data that has multiple values, this is value %d", i)
		}, 3),
		"LongBinary": bins(func(i int) string {
			return fmt.Sprintf("Some very long binary data that has multiple values, this is value %d ", i) + rep("a", 1024)
		}, 3),
		"LongCompressedBinary": bins(func(i int) string {
			return fmt.Sprintf("Some very long compressed binary data that has multiple values, this is value %d ", i) + rep("a", 1024)
		}, 3),
		"ASCII": texts(func(i int) string {
			return fmt.Sprintf("Some ASCII text that has multiple values, this is value %d", i)
		}, 3),
		"Unicode": texts(func(i int) string {
			return fmt.Sprintf("Some Unicode text that has multiple values, this is value %d %s", i, rep(fox, i))
		}, 3),
		"LongASCII": texts(func(i int) string {
			return fmt.Sprintf("Some very long ASCII text that has multiple values, this is value %d ", i) + rep("a", 1024)
		}, 3),
		"LongUnicode": texts(func(i int) string {
			return fmt.Sprintf("Some very long Unicode text that has multiple values, this is value %d %s ", i, rep(fox, i)) + rep("a", 1024)
		}, 3),
		"LongCompressedASCII": texts(func(i int) string {
			return fmt.Sprintf("Some very long compressed ASCII text that has multiple values, this is value %d ", i) + rep("a", 1024)
		}, 3),
		"LongCompressedUnicode": texts(func(i int) string {
			return fmt.Sprintf("Some very long compressed Unicode text that has multiple values, this is value %d %s ", i, rep(fox, i)) + rep("a", 1024)
		}, 3),
		"UnsignedLong":  []any{uint32(0), uint32(4294967295)},
		"LongLong":      []any{int64(0), int64(-9223372036854775807), int64(9223372036854775807)},
		"GUID":          []any{"03402861-fad3-4ce5-986e-d31df852f2a7", "09b589e3-a92b-4936-bbc4-bb9dff334bf3", "2212ff6a-6712-4fe4-bb4a-21e6d0e043d1"},
		"UnsignedShort": []any{uint16(0), uint16(65535)},
	})
	check(t, rows[1], map[string]any{
		"Id": int32(2), "Bit": nil, "UnsignedByte": nil, "Short": nil, "Long": nil, "Currency": nil, "IEEESingle": nil,
		"IEEEDouble": nil, "DateTime": nil, "Binary": nil, "ASCII": nil, "Unicode": nil, "UnsignedLong": nil, "LongLong": nil, "GUID": nil, "UnsignedShort": nil,
		"LongBinary":            bins(func(i int) string { return fmt.Sprintf("Tiny binary %d", i) }, 3),
		"LongCompressedBinary":  bins(func(i int) string { return fmt.Sprintf("Tiny c binary %d", i) }, 3),
		"LongASCII":             []any{"Tiny ASCII 1", "Tiny ASCII 2"},
		"LongUnicode":           []any{"Tiny " + fox + " 1", "Tiny " + fox + fox, "Tiny " + fox + fox + fox},
		"LongCompressedASCII":   []any{rep("a", 41), rep("b", 40), rep("c", 35)},
		"LongCompressedUnicode": []any{rep("a", 43) + " " + fox, rep("b", 41) + " " + fox + fox},
	})
}

// TestCorpusDefault: columns the row does not hold read as the catalog's
// default values, long ones included.
func TestCorpusDefault(t *testing.T) {
	db := openCorpus(t, "dissect-esedb-testdbs/default.edb")
	_, rows := readAll(t, db, "default", nil)
	if len(rows) != 1 {
		t.Fatalf("%d rows", len(rows))
	}
	check(t, rows[0], map[string]any{
		"Id": int32(1), "Bit": true, "UnsignedByte": uint8(69), "Short": int16(0x1234), "Long": int32(0x12345678),
		"Currency": int64(0x123456789ABCDEF0), "IEEESingle": float32(1), "IEEEDouble": 2.0, "DateTime": date(2022, 10, 4, 0, 0),
		"UnsignedLong": uint32(12345678), "LongLong": int64(0xC001DEADD00D), "GUID": "c001d00d-dead-beef-face-feeddeadbeef",
		"UnsignedShort": uint16(0xF00D), "Binary": []byte("Short default binary"), "LongBinary": []byte("Long default binary " + rep("a", 200)),
		"ASCII": "Short default ASCII", "Unicode": "Short default Unicode 🦊", "LongASCII": "Long default ASCII " + rep("a", 200),
		"LongUnicode": "Long default Unicode 🦊 " + rep("a", 64),
	})
	// Fixed columns get their default written into the record; the
	// tagged long ones are read from the catalog.
	for col, want := range map[string]bool{"Long": false, "LongASCII": true, "LongUnicode": true} {
		if v, _ := rows[0].Get(col); v.Default != want {
			t.Errorf("%s: Default %v", col, v.Default)
		}
	}
}

// TestCorpusLarge: 32 KiB pages, a table of 64,993 tagged UnsignedShort
// columns "ColumnN" holding N, 4096 of them set in each of 16 rows.
func TestCorpusLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large database")
	}
	db := openCorpus(t, "dissect-esedb-testdbs/large.edb")
	if db.PageSize != 32768 {
		t.Errorf("page size %d", db.PageSize)
	}
	tb, rows := readAll(t, db, "large", nil)
	if len(tb.Columns) != 64994 || len(rows) != 16 {
		t.Fatalf("%d columns, %d rows", len(tb.Columns), len(rows))
	}
	set := 0
	for r, rec := range rows {
		vals, err := rec.Values()
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vals[1:] {
			var i int
			fmt.Sscanf(v.Column.Name, "Column%d", &i)
			if v.Column.Type != esedb.TypeUnsignedShort {
				t.Fatalf("%s is %s", v.Column.Name, v.Column.Type)
			}
			if i/4096 != r {
				if !v.Null {
					t.Fatalf("row %d: %s set", r+1, v.Column.Name)
				}
				continue
			}
			if got := v.Any(); got != uint16(i) {
				t.Fatalf("row %d: %s = %v", r+1, v.Column.Name, got)
			}
			set++
		}
	}
	if set != 64993 {
		t.Errorf("%d columns set", set)
	}
}

// TestCorpusCompressedLV: the eseparser databases compress long text and
// binary columns (7-bit and Xpress) in the record and in the long-value
// tree: row i holds "Record" and i, space padded.
func TestCorpusCompressedLV(t *testing.T) {
	for _, name := range []string{"decompress_test.edb", "decompress_test2.edb"} {
		db := openCorpus(t, "eseparser-testdbs/"+name)
		_, rows := readAll(t, db, "test_table", nil)
		if len(rows) != 10 {
			t.Fatalf("%s: %d rows", name, len(rows))
		}
		compressed := 0
		for i, rec := range rows {
			want := ""
			for _, col := range []string{"compressed_unicode", "compressed_ascii", "compressed_binary", "usual_text"} {
				v, err := rec.Get(col)
				if err != nil {
					t.Fatalf("%s row %d %s: %v", name, i, col, err)
				}
				s := string(v.Data)
				if x, ok := v.Any().(string); ok {
					s = x
				}
				trimmed := strings.TrimRight(s, " ")
				if !strings.HasPrefix(trimmed, "Record") || !strings.HasSuffix(trimmed, fmt.Sprint(i)) || strings.Trim(trimmed[6:len(trimmed)-len(fmt.Sprint(i))], " ") != "" {
					t.Errorf("%s row %d %s = %.40q", name, i, col, s)
				}
				if want == "" {
					want = s
				} else if s != want {
					t.Errorf("%s row %d: %s differs from compressed_unicode", name, i, col)
				}
				if v.Compressed {
					compressed++
				}
			}
		}
		if compressed == 0 {
			t.Errorf("%s: no compressed value", name)
		}
	}
}

// TestCorpusCounts: databases whose contents are personal data are
// checked by counts and types only.
func TestCorpusCounts(t *testing.T) {
	for rel, want := range map[string]map[string]int{
		"appdata/IndexedDB.edb": {"HeaderTable": 1, "DatabaseAndObjectStoreCatalog": 10, "IndexCatalog": 10, "T-4": 0},
		"goese-qmgr/qmgr.db":    {"Jobs": 1, "Files": 1},
	} {
		db := openCorpus(t, rel)
		for table, n := range want {
			tb, rows := readAll(t, db, table, nil)
			if len(rows) != n {
				t.Errorf("%s %s: %d rows, want %d", rel, table, len(rows), n)
			}
			for _, r := range rows {
				if _, err := r.Values(); err != nil {
					t.Errorf("%s %s: %v", rel, tb.Name, err)
				}
			}
		}
		if rel == "goese-qmgr/qmgr.db" && (len(db.Warnings) == 0 || !strings.Contains(db.Warnings[0], "DirtyShutdown")) {
			t.Errorf("qmgr.db: warnings %q", db.Warnings)
		}
	}
}
