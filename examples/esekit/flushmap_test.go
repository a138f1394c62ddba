package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/testcorpus"
)

// flushMapKeys are the JSON fields of a flush map header, in order.
var flushMapKeys = []string{
	"file", "type", "version", "version_major", "version_update_major", "version_update_minor",
	"flags", "clean", "new_checksum_format", "create_time", "attach_time", "detach_time",
	"gen_min_required", "gen_min_required_target", "flush_last_started_time", "flush_last_completed_time",
	"db_header_flush_signature", "flush_map_header_flush_signature", "flags_alignment_padding",
	"file_type_alignment_padding", "file_type_code", "tail", "checksum", "header_checksum_ok",
	"data_pages", "database",
}

// writeFlushMapPair writes x.edb (a one-page database header, both copies)
// and x.jfm (a header page and two data pages) into dir.
func writeFlushMapPair(t *testing.T, dir string, db *ese.DBHeader, fm *ese.FlushMapHeader) (dbPath, fmPath string) {
	t.Helper()
	page := db.Encode(4096)
	dbPath, fmPath = filepath.Join(dir, "x.edb"), filepath.Join(dir, "x.jfm")
	if err := os.WriteFile(dbPath, append(append([]byte{}, page...), page...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fmPath, append(fm.Encode(), make([]byte, 2*ese.FlushMapPageSize)...), 0o644); err != nil {
		t.Fatal(err)
	}
	return dbPath, fmPath
}

// header -json of a generated flush map shows every field with the value
// the test wrote, and the check against the database beside it.
func TestHeaderFlushMapGenerated(t *testing.T) {
	mapSig := ese.Signature{Random: 2418548178, Created: ese.LogTime{19, 39, 2, 14, 2, 121, 1, 0}}
	db := &ese.DBHeader{
		Magic: ese.DBMagic, FormatVersion: ese.DBFormatVersion, FormatUpdateMajor: 20, PageSize: 4096,
		FileType: ese.FileTypeDatabase, State: ese.DBStateDirtyShutdown, GenMinRequired: 81,
		DbHdrFlushSignature:       ese.Signature{Random: 5, Created: ese.LogTime{1, 40, 2, 14, 2, 121, 1, 0}},
		FlushMapHdrFlushSignature: mapSig,
	}
	fm := &ese.FlushMapHeader{
		VersionMajor: 3, Flags: ese.FlushMapFlagNewChecksumFormat,
		CreateTime:     ese.LogTime{10, 48, 21, 1, 8, 120, 1, 0},
		AttachTime:     ese.LogTime{19, 39, 2, 14, 2, 121, 1, 0},
		GenMinRequired: 81, GenMinRequiredTarget: 83,
		DbHdrFlushSignature:       ese.Signature{Random: 4},
		FlushMapHdrFlushSignature: mapSig,
		FileType:                  ese.FileTypeFlushMap,
	}
	fm.FileTypePadding[0] = 0xAB
	dir := t.TempDir()
	dbPath, fmPath := writeFlushMapPair(t, dir, db, fm)

	var got []map[string]any
	code, out := runJSON(t, &got, "header", "-json", fmPath)
	if code != exitOK || len(got) != 1 {
		t.Fatalf("status %d: %s", code, out)
	}
	raw := got[0]
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	want := slices.Clone(flushMapKeys)
	slices.Sort(keys)
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Errorf("keys %v\nwant %v", keys, want)
	}
	checks := map[string]any{
		"type": "flush_map", "version": "3.0.0", "version_major": 3.0, "flags": "0x00002000",
		"clean": false, "new_checksum_format": true, "create_time": "2020-08-01T21:48:10.000Z",
		"detach_time": "", "gen_min_required": 81.0, "gen_min_required_target": 83.0,
		"file_type_code": 7.0, "flags_alignment_padding": "", "tail": "", "header_checksum_ok": true,
		"data_pages": 2.0,
	}
	for k, v := range checks {
		if raw[k] != v {
			t.Errorf("%s = %v, want %v", k, raw[k], v)
		}
	}
	if p := raw["file_type_alignment_padding"].(string); len(p) != 2*523 || !strings.HasPrefix(p, "ab00") {
		t.Errorf("file_type_alignment_padding %q...", p[:min(8, len(p))])
	}
	if s := raw["flush_map_header_flush_signature"].(map[string]any); s["random"] != 2418548178.0 {
		t.Errorf("flush_map_header_flush_signature %v", s)
	}
	d, _ := raw["database"].(map[string]any)
	if d == nil || d["file"] != dbPath || d["current"] != true || d["matched_by"] != "flush_map_header_flush_signature" ||
		d["usable"] != true || d["check"] != "" {
		t.Errorf("database %v", d)
	}

	// The same database header rewritten without its map (a new database
	// signature, the map signature cleared, as recovery writes it): the
	// map is stale and the engine would discard it.
	db.DbHdrFlushSignature.Random, db.FlushMapHdrFlushSignature = 6, ese.Signature{}
	writeFlushMapPair(t, dir, db, fm)
	code, out = runJSON(t, &got, "header", "-json", fmPath)
	d, _ = got[0]["database"].(map[string]any)
	if code != exitOK || d == nil || d["current"] != false || d["usable"] != false || d["matched_by"] != "" ||
		!strings.Contains(d["check"].(string), "JET_errFlushMapDatabaseMismatch") {
		t.Errorf("stale map: status %d database %v", code, d)
	}

	// No database beside the map: database is null.
	os.Remove(dbPath)
	code, _ = runJSON(t, &got, "header", "-json", fmPath)
	if code != exitOK || got[0]["database"] != nil {
		t.Errorf("no database: status %d database %v", code, got[0]["database"])
	}
}

// The readable form labels every field.
func TestHeaderFlushMapReadable(t *testing.T) {
	fm := &ese.FlushMapHeader{VersionMajor: 3, Flags: ese.FlushMapFlagClean, FileType: ese.FileTypeFlushMap}
	p := filepath.Join(t.TempDir(), "a.jfm")
	if err := os.WriteFile(p, fm.Encode(), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runText("header", p)
	if code != exitOK {
		t.Fatalf("status %d: %s", code, out)
	}
	for _, k := range flushMapKeys[2:] {
		if !strings.Contains(out, "\n  "+label(k)+":") {
			t.Errorf("no %q line in\n%s", label(k), out)
		}
	}
	if !strings.Contains(out, "clean:                            true") {
		t.Errorf("clean not shown as true:\n%s", out)
	}
}

// The corpus's dirty SRUM map: its values, current for SRUDB.dat by the
// map signature.
func TestHeaderFlushMapCorpus(t *testing.T) {
	var got []map[string]any
	code, out := runJSON(t, &got, "header", "-json", testcorpus.Path(t, "museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRUDB.jfm"))
	if code != exitOK || len(got) != 1 {
		t.Fatalf("status %d: %s", code, out)
	}
	o := got[0]
	if o["gen_min_required"] != 81.0 || o["clean"] != false || o["checksum"] != "0x85089F32" || o["data_pages"] != 1.0 ||
		o["attach_time"] != "2021-02-14T02:39:19.079Z" {
		t.Errorf("values %v", o)
	}
	d, _ := o["database"].(map[string]any)
	if d == nil || !strings.HasSuffix(d["file"].(string), "SRUDB.dat") || d["current"] != true || d["usable"] != true ||
		d["matched_by"] != "flush_map_header_flush_signature" {
		t.Errorf("database %v", d)
	}
}

// A flush map whose header checksum fails is still named a flush map, as
// a damaged database is still a database: identify says flush_map with
// header_ok false, header shows its fields with header_checksum_ok false
// and the engine's -1018, and exits 1.
func TestDamagedFlushMap(t *testing.T) {
	fm := &ese.FlushMapHeader{VersionMajor: 3, GenMinRequired: 81, FileType: ese.FileTypeFlushMap}
	db := &ese.DBHeader{Magic: ese.DBMagic, FormatVersion: ese.DBFormatVersion, PageSize: 4096, FileType: ese.FileTypeDatabase}
	_, fmPath := writeFlushMapPair(t, t.TempDir(), db, fm)
	b, err := os.ReadFile(fmPath)
	if err != nil {
		t.Fatal(err)
	}
	b[0x40] ^= 0xFF // GenMinRequired 81 -> 174, checksum not updated
	if err := os.WriteFile(fmPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	var ids []map[string]any
	code, out := runJSON(t, &ids, "identify", "-json", fmPath)
	if code != exitOK || len(ids) != 1 || ids[0]["type"] != "flush_map" || ids[0]["header_ok"] != false || ids[0]["note"] != "header checksum bad" {
		t.Errorf("identify: status %d %s", code, out)
	}
	var hs []map[string]any
	code, out = runJSON(t, &hs, "header", "-json", fmPath)
	if code != exitBad || len(hs) != 1 || hs[0]["type"] != "flush_map" || hs[0]["header_checksum_ok"] != false ||
		hs[0]["gen_min_required"] != 174.0 || hs[0]["error_code"] != -1018.0 {
		t.Errorf("header: status %d %s", code, out)
	}
}
