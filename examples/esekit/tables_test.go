package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/esekit/esekit/esedb"
)

// sampleDBFile writes esedb.SampleDatabase to a temporary file.
func sampleDBFile(t *testing.T) string {
	t.Helper()
	b, err := esedb.SampleDatabase(4096)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "sample.edb")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTablesJSON: the catalog of the sample database under the JSON
// names of `esekit tables -json`.
func TestTablesJSON(t *testing.T) {
	p := sampleDBFile(t)
	var doc map[string]any
	code, errs := runJSON(t, &doc, "tables", "-json", p)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if doc["file"] != p || doc["page_size"] != 4096.0 {
		t.Errorf("file %v page_size %v", doc["file"], doc["page_size"])
	}
	tables := doc["tables"].([]any)
	if len(tables) != 1 {
		t.Fatalf("%d tables", len(tables))
	}
	tb := tables[0].(map[string]any)
	if tb["name"] != "people" || tb["objid"] != 8.0 || tb["records"] != 3.0 {
		t.Errorf("table %v objid %v records %v", tb["name"], tb["objid"], tb["records"])
	}
	cols := tb["columns"].([]any)
	want := map[string]any{"id": 256.0, "name": "Tags", "type": "Text", "tagged": true, "multi_valued": true, "codepage": 1252.0}
	if len(cols) != 8 || !reflect.DeepEqual(cols[5], want) {
		t.Errorf("columns: %d, Tags %v", len(cols), cols[5])
	}
	if c := cols[0].(map[string]any); c["type"] != "Long" || c["tagged"] != false {
		t.Errorf("Id: %v", c)
	}
	ix := tb["indexes"].([]any)
	if len(ix) != 2 || !reflect.DeepEqual(ix[0], map[string]any{"name": "PK", "columns": []any{1.0}, "primary": true, "unique": true}) ||
		!reflect.DeepEqual(ix[1], map[string]any{"name": "ByName", "columns": []any{128.0}, "primary": false, "unique": false}) {
		t.Errorf("indexes: %v", ix)
	}
	if code, out, _ := runText("tables", p); code != exitOK || !strings.Contains(out, "table people (objid 8): 3 records") {
		t.Errorf("readable: %d %q", code, out)
	}
}

// TestDumpJSON: one JSON object per row, exact integers, NULL as null,
// multi-values as arrays, binary as hex, deleted rows only with
// -deleted, -where, -index, -csv; usage errors exit 2, a bad file 1.
func TestDumpJSON(t *testing.T) {
	p := sampleDBFile(t)
	code, out, errs := runText("dump", "-json", p)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := `{"table":"people","values":{"Id":2,"Age":null,"Score":-2,"Name":"Bob","Nick":null,"Tags":null,"Bio":"none","Photo":"68656c6c6f20776f726c64"}}`
	if len(lines) != 3 || lines[1] != want {
		t.Fatalf("dump:\n%s", out)
	}
	// Row 4's Name ends in an unpaired surrogate: kept as its escape.
	if !strings.Contains(lines[2], `"Name":"Émile\ud800",`) {
		t.Errorf("row 4: %s", lines[2])
	}
	if !strings.HasPrefix(lines[0], `{"table":"people","values":{"Id":1,"Age":30,"Score":1.5,"Name":"Ann","Nick":"a","Tags":["x","y"],"Bio":"abab`) || !strings.HasSuffix(lines[0], `,"Photo":"cafe"}}`) {
		t.Errorf("row 1: %.200s", lines[0])
	}
	code, out, _ = runText("dump", "-json", "-deleted", "-table", "people", "-where", "Name=Del", p)
	if code != exitOK || strings.TrimSpace(out) != `{"table":"people","deleted":true,"values":{"Id":3,"Age":99,"Score":null,"Name":"Del","Nick":null,"Tags":null,"Bio":"none","Photo":null}}` {
		t.Errorf("deleted: %d %s", code, out)
	}
	code, out, _ = runText("dump", "-json", "-table", "people", "-where", "Tags=z", p)
	if code != exitOK || !strings.HasPrefix(out, `{"table":"people","values":{"Id":4,"Age":-1,`) || strings.Count(out, "\n") != 1 {
		t.Errorf("where Tags=z: %d %s", code, out)
	}
	// -where on the first key column of -index seeks the index; a
	// Unicode text key is answered by a scan, said on stderr.
	code, out, errs = runText("dump", "-json", "-table", "people", "-index", "PK", "-where", "Id=2", p)
	if code != exitOK || strings.TrimSpace(out) != want || errs != "" {
		t.Errorf("seek Id=2: %d %s %s", code, out, errs)
	}
	code, out, errs = runText("dump", "-json", "-table", "people", "-index", "ByName", "-where", "Name=Bob", p)
	if code != exitOK || strings.TrimSpace(out) != want || !strings.Contains(errs, "scanning the table") {
		t.Errorf("seek Name=Bob: %d %s %s", code, out, errs)
	}
	code, out, _ = runText("dump", "-csv", "-table", "people", "-index", "ByName", p)
	csvLines := strings.Split(strings.TrimSpace(out), "\n")
	if code != exitOK || csvLines[0] != "Id,Age,Score,Name,Nick,Tags,Bio,Photo" || len(csvLines) != 4 || !strings.HasPrefix(csvLines[2], "2,,-2,Bob,,,none,68656c6c6f20776f726c64") {
		t.Errorf("csv: %d\n%s", code, out)
	}
	for _, args := range [][]string{
		{"dump", "-csv", p},                            // -csv needs -table
		{"dump", "-json", "-table", "nope", p},         // no such table
		{"dump", "-table", "people", "-index", "x", p}, // no such index
		{"dump", "-table", "people", "-where", "Zzz=1", p},
		{"dump", "-where", "broken", p},
		{"dump"},
		{"tables"},
	} {
		if code, _, _ := runText(args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.edb")
	os.WriteFile(bad, make([]byte, 8192), 0o644)
	for _, verb := range []string{"tables", "dump"} {
		if code, _, _ := runText(verb, bad); code != exitBad {
			t.Errorf("%s of a bad file: exit %d", verb, code)
		}
	}
}
