package ese

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/esekit/esekit/internal/testcorpus"
)

// manifestRow is one file row of the corpus MANIFEST.md table.
type manifestRow struct {
	set, file, typ, format, pageSector, gen string
	size                                    int64
}

func readManifest(t *testing.T) []manifestRow {
	t.Helper()
	dir := testcorpus.Dir()
	if dir == "" {
		t.Skip("corpus not found")
	}
	text, err := os.ReadFile(filepath.Join(dir, "MANIFEST.md"))
	if err != nil {
		t.Skipf("MANIFEST.md: %v", err)
	}
	var rows []manifestRow
	for _, line := range strings.Split(string(text), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 12 || !strings.Contains(cells[2], "`") {
			continue
		}
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		size, err := strconv.ParseInt(cells[3], 10, 64)
		if err != nil {
			t.Fatalf("MANIFEST size %q", cells[3])
		}
		rows = append(rows, manifestRow{set: cells[1], file: strings.Trim(cells[2], "`"), size: size,
			typ: cells[4], format: cells[5], pageSector: cells[6], gen: cells[7]})
	}
	if len(rows) < 80 {
		t.Fatalf("only %d MANIFEST rows parsed", len(rows))
	}
	return rows
}

func manifestKind(typ string) Kind {
	switch {
	case typ == "database":
		return KindDatabase
	case typ == "log":
		return KindLog
	case typ == "checkpoint":
		return KindCheckpoint
	case typ == "flush map":
		return KindFlushMap
	case strings.HasPrefix(typ, "patch file"):
		return KindPatch
	case strings.HasPrefix(typ, "zero-filled"), strings.HasPrefix(typ, "pattern-filled"):
		return KindReserveLog
	}
	return KindUnknown
}

// Every corpus file is identified from its bytes as the MANIFEST says,
// with its format, page or sector size and generation.
func TestIdentifyCorpus(t *testing.T) {
	rows := readManifest(t)
	counts := map[Kind]int{}
	for _, row := range rows {
		rel := row.set + "/" + row.file
		f, err := os.Open(testcorpus.Path(t, rel))
		if err != nil {
			t.Fatal(err)
		}
		id, err := Identify(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		want := manifestKind(row.typ)
		counts[id.Kind]++
		if id.Kind != want || want == KindUnknown {
			t.Errorf("%s: kind %v, MANIFEST says %q", rel, id.Kind, row.typ)
			continue
		}
		if id.Size != row.size {
			t.Errorf("%s: size %d, want %d", rel, id.Size, row.size)
		}
		if row.format != "" && id.Format != row.format {
			t.Errorf("%s: format %q, want %q", rel, id.Format, row.format)
		}
		switch id.Kind {
		case KindDatabase:
			if strconv.Itoa(id.PageSize) != row.pageSector || !id.HeaderOK || id.Note != "" {
				t.Errorf("%s: page size %d (want %s), ok %v, note %q", rel, id.PageSize, row.pageSector, id.HeaderOK, id.Note)
			}
		case KindLog:
			if strconv.Itoa(id.SectorSize) != row.pageSector || id.Note != "" {
				t.Errorf("%s: sector size %d, want %s (%s)", rel, id.SectorSize, row.pageSector, id.Note)
			}
		case KindReserveLog:
			wantNote := "zero-filled"
			if strings.HasPrefix(row.typ, "pattern") {
				wantNote = "0xDA log-extend pattern"
			}
			if id.Note != wantNote {
				t.Errorf("%s: note %q, want %q", rel, id.Note, wantNote)
			}
		case KindPatch:
			if id.PageSize != 8192 {
				t.Errorf("%s: patch page size %d, want 8192", rel, id.PageSize)
			}
		}
		if row.gen != "" {
			g, _ := strconv.ParseInt(strings.TrimPrefix(row.gen, "0x"), 16, 32)
			if int64(id.Generation) != g {
				t.Errorf("%s: generation %#x, want %s", rel, id.Generation, row.gen)
			}
		}
	}
	// The corpus holds every kind but the temp database.
	for _, k := range []Kind{KindDatabase, KindLog, KindCheckpoint, KindPatch, KindFlushMap, KindReserveLog} {
		if counts[k] == 0 {
			t.Errorf("no %v identified", k)
		}
	}
}

func TestKindStrings(t *testing.T) {
	want := []string{"unknown", "database", "temp_database", "log", "checkpoint", "patch", "flush_map", "reserve_log"}
	for i, w := range want {
		if got := Kind(i).String(); got != w {
			t.Errorf("Kind(%d) = %q, want %q", i, got, w)
		}
		if k, ok := ParseKind(w); !ok || k != Kind(i) {
			t.Errorf("ParseKind(%q) = %v", w, k)
		}
	}
	if Kind(99).String() != "unknown" {
		t.Error("out-of-range kind")
	}
}

func TestIdentifySynthetic(t *testing.T) {
	ident := func(b []byte) Identity {
		t.Helper()
		id, err := Identify(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	if id := ident(nil); id.Kind != KindUnknown {
		t.Errorf("empty: %+v", id)
	}
	if id := ident(make([]byte, 65536)); id.Kind != KindReserveLog || id.Note != "zero-filled" {
		t.Errorf("zeros: %+v", id)
	}
	z := make([]byte, 65536)
	z[60000] = 1
	if id := ident(z); id.Kind != KindUnknown {
		t.Errorf("almost zeros: %+v", id)
	}
	pat := make([]byte, 8192)
	for i := range pat {
		pat[i] = 0xDA // every 16th byte k of each 512-byte block is 0xDA+k
		if k := i % 512; k%16 == 0 {
			pat[i] = byte(0xDA + k)
		}
	}
	if id := ident(pat); id.Kind != KindReserveLog || id.Note != "0xDA log-extend pattern" {
		t.Errorf("pattern: %+v", id)
	}
	pat[5000] = 0
	if id := ident(pat); id.Kind != KindUnknown {
		t.Errorf("broken pattern: %+v", id)
	}
	if id := ident(bytes.Repeat([]byte("garbage!"), 5000)); id.Kind != KindUnknown {
		t.Errorf("garbage: %+v", id)
	}
	// A temp database: FileType 5.
	db := bytes.Clone(corpus(t, "dissect-esedb-testdbs/basic.edb")[:8192])
	db[667] = 5
	copy(db[4096:], db[:4096])
	putChecksums := func() {
		for _, off := range []int{0, 4096} {
			b := db[off : off+4096]
			b[0], b[1], b[2], b[3] = 0, 0, 0, 0
			c := HeaderChecksum(b)
			b[0], b[1], b[2], b[3] = byte(c), byte(c>>8), byte(c>>16), byte(c>>24)
		}
	}
	putChecksums()
	if id := ident(db); id.Kind != KindTempDatabase || id.Format != "0x620,20" || id.PageSize != 4096 {
		t.Errorf("temp db: %+v", id)
	}
	// A database whose both header copies are damaged is still a database.
	db[300] ^= 1
	db[4096+300] ^= 1
	if id := ident(db); id.Kind != KindDatabase || id.HeaderOK || id.Note == "" {
		t.Errorf("damaged db: %+v", id)
	}
	// Truncated files of every corpus kind never panic.
	for _, rel := range []string{"appdata/edb.chk", "appdata/edb.log", "appdata/IndexedDB.jfm", "wlm-kimberli13/WindowsMail.pat",
		"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU.chk", "museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU.log",
		"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRUDB.jfm"} {
		t.Run(rel, func(t *testing.T) {
			b := corpus(t, rel)
			for _, n := range []int{1, 100, 700, 2048, 4095, 4096, 5000, 8191} {
				if n < len(b) {
					ident(b[:n])
				}
			}
		})
	}
}

// TestIdentifyDamagedFlushMap: an encoded flush map header (version 3.0.0,
// FileType 7) plus one data page is a flush map with a good header; with
// one byte of its header changed it is still a flush map, with HeaderOK
// false and a note, as a database whose header copies fail stays a
// database.
func TestIdentifyDamagedFlushMap(t *testing.T) {
	h := FlushMapHeader{VersionMajor: FlushMapVersionMajor, FileType: FileTypeFlushMap, GenMinRequired: 9}
	b := append(h.Encode(), make([]byte, FlushMapPageSize)...)
	id, err := Identify(bytes.NewReader(b))
	if err != nil || id.Kind != KindFlushMap || !id.HeaderOK || id.Format != "FM 3.0.0" || id.Note != "" {
		t.Fatalf("good map: %v %+v", err, id)
	}
	b[0x40] ^= 0xFF
	id, err = Identify(bytes.NewReader(b))
	if err != nil || id.Kind != KindFlushMap || id.HeaderOK || id.FileType != FileTypeFlushMap || id.Note != "header checksum bad" {
		t.Errorf("damaged map: %v %+v", err, id)
	}
}
