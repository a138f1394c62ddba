package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/esekit/esekit/internal/testcorpus"
)

// runJSON runs the CLI in-process with args and decodes its JSON output
// into v. It returns the exit status and stderr.
func runJSON(t *testing.T, v any, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	if err := json.Unmarshal(out.Bytes(), v); err != nil {
		t.Fatalf("esekit %s: output is not one JSON document: %v\n%s\nstderr: %s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return code, errb.String()
}

// runText runs the CLI in-process and returns status, stdout and stderr.
func runText(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsage(t *testing.T) {
	code, out, _ := runText("help")
	if code != exitOK || !strings.Contains(out, "errcode") || !strings.Contains(out, "header") {
		t.Errorf("help: %d %q", code, out)
	}
	if code, _, errs := runText("nosuchverb"); code != exitUsage || !strings.Contains(errs, "unknown verb") {
		t.Errorf("unknown verb: %d %q", code, errs)
	}
	if code, _, _ := runText("header"); code != exitUsage {
		t.Errorf("header without files: %d", code)
	}
}

// TestErrcode uses the numbers of KB Q200941: -530 in every form.
func TestErrcode(t *testing.T) {
	var got []map[string]any
	code, _ := runJSON(t, &got, "errcode", "-json", "-530", "4294966766", "0xFFFFFDEE", "3355443730", "0xC8000212", "JET_errBadLogSignature")
	if code != exitOK || len(got) != 6 {
		t.Fatalf("status %d, %d results", code, len(got))
	}
	for _, g := range got {
		if g["code"].(float64) != -530 || g["name"] != "JET_errBadLogSignature" ||
			g["unsigned"].(float64) != 4294966766 || g["unsigned_hex"] != "0xFFFFFDEE" ||
			g["hard_recovery"].(float64) != 3355443730 || g["hard_recovery_hex"] != "0xC8000212" {
			t.Errorf("%v: %v", g["input"], g)
		}
		if forms := g["forms"].([]any); len(forms) != 5 || forms[0] != "-530" {
			t.Errorf("forms %v", forms)
		}
	}
	code, _ = runJSON(t, &got, "errcode", "-json", "-528", "nonsense")
	if code != exitBad || got[0]["name"] != "JET_errMissingLogFile" || got[0]["hard_recovery_hex"] != "0xC8000210" || got[1]["error"] == "" {
		t.Errorf("status %d: %v", code, got)
	}
	// Flags after the codes and a readable report.
	code, out, _ := runText("errcode", "0xC8000210")
	if code != exitOK || !strings.Contains(out, "-528  JET_errMissingLogFile") || !strings.Contains(out, "3355443728 = 0xC8000210") {
		t.Errorf("readable: %d %q", code, out)
	}
}

func TestHeaderCheckpoints(t *testing.T) {
	cases := []struct {
		rel    string
		gen    float64
		sector float64
		random float64
	}{
		{"appdata/edb.chk", 1, 34, 0x5E1755E7},
		{"museum-ntds-win2012r2/edb.chk", 3, 0x2F3, 0x2CFE1E95},
		{"museum-srum-server2022-apt-1daylater/SRU.chk", 5, 6, 0xED8673F7},
		{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU.chk", 0x51, 9, 0xA3DD42DE},
		{"ravendb-ssdug/RVN.chk", 1, 0x76, 0x005E532E},
		{"secedit-horrorandscifi/edb.chk", 1, 1, 0xEBF5B760},
	}
	for _, tc := range cases {
		t.Run(tc.rel, func(t *testing.T) {
			p := testcorpus.Path(t, tc.rel)
			var got []map[string]any
			code, _ := runJSON(t, &got, "header", "-json", p)
			if code != exitOK || len(got) != 1 {
				t.Fatalf("%s: status %d, %d objects", tc.rel, code, len(got))
			}
			o := got[0]
			if o["file"] != p || o["type"] != "checkpoint" {
				t.Errorf("%s: file/type %v %v", tc.rel, o["file"], o["type"])
			}
			cp := o["checkpoint"].(map[string]any)
			if cp["generation"] != tc.gen || cp["sector"] != tc.sector {
				t.Errorf("%s: checkpoint %v", tc.rel, cp)
			}
			if s := o["log_signature"].(map[string]any); s["random"] != tc.random {
				t.Errorf("%s: log_signature %v", tc.rel, s)
			}
			if _, ok := o["last_full_backup_checkpoint"].(map[string]any); !ok {
				t.Errorf("%s: last_full_backup_checkpoint missing", tc.rel)
			}
			if a, ok := o["attached"].([]any); !ok || len(a) != 0 {
				t.Errorf("%s: attached %v", tc.rel, o["attached"])
			}
			if o["shadow_ok"] != true || o["header_checksum_ok"] != true {
				t.Errorf("%s: copies %v %v", tc.rel, o["header_checksum_ok"], o["shadow_ok"])
			}
		})
	}
	t.Run("worked example", func(t *testing.T) {
		// appdata/edb.chk, the corpus file's own values (docs/checkpoint.md#checkpoint-layout).
		var got []map[string]any
		runJSON(t, &got, "header", "-json", testcorpus.Path(t, "appdata/edb.chk"))
		o := got[0]
		if s := o["log_signature"].(map[string]any); s["created"] != "2022-03-23T14:12:52.254Z" || s["computer"] != "" {
			t.Errorf("log_signature %v", s)
		}
		d := o["dbms_param"].(map[string]any)
		if d["circular_logging"] != true || d["log_file_sectors"] != 128.0 || d["max_sessions"] != 30000.0 {
			t.Errorf("dbms_param %v", d)
		}
		if o["checksum"] != "0xEC707CF5" || o["deletable_below"] != 1.0 {
			t.Errorf("checksum %v deletable %v", o["checksum"], o["deletable_below"])
		}
	})
}

func TestHeaderDatabases(t *testing.T) {
	cases := []struct {
		rel, format, state string
		pageSize           float64
		logRandom          float64
		genMin, genMax     float64
	}{
		{"appdata/IndexedDB.edb", "0x620,110.240", "CleanShutdown", 32768, 0x5E1755E7, 0, 0},
		{"goese-qmgr/qmgr.db", "0x620,300.620", "DirtyShutdown", 16384, 0xB9152B26, 23, 23},
		{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRUDB.dat", "0x620,20", "DirtyShutdown", 4096, 0xA3DD42DE, 0x51, 0x51},
		{"museum-srum-server2022-apt-1daylater/SRUDB.dat", "0x620,180.400", "CleanShutdown", 4096, 0xED8673F7, 0, 0},
		{"ravendb-ssdug/Data", "0x620,17", "DirtyShutdown", 4096, 0x005E532E, -1, -1},
		{"eseparser-testdbs/test.v1.edb", "0x620,20", "CleanShutdown", 4096, 0, 0, 0},
		{"wlm-danyquenneville-backup/WindowsMail.MSMessageStore", "0x620,17", "DirtyShutdown", 8192, 0x0004B4A1, -1, -1},
	}
	for _, tc := range cases {
		t.Run(tc.rel, func(t *testing.T) {
			p := testcorpus.Path(t, tc.rel)
			var got []map[string]any
			code, _ := runJSON(t, &got, "header", "-json", p)
			if code != exitOK || len(got) != 1 {
				t.Fatalf("%s: status %d", tc.rel, code)
			}
			o := got[0]
			if o["type"] != "database" || o["format"] != tc.format || o["state"] != tc.state || o["page_size"] != tc.pageSize {
				t.Errorf("%s: type %v format %v state %v page %v", tc.rel, o["type"], o["format"], o["state"], o["page_size"])
			}
			if s := o["log_signature"].(map[string]any); s["random"] != tc.logRandom {
				t.Errorf("%s: log_signature %v", tc.rel, s)
			}
			if tc.genMin >= 0 && (o["gen_min_required"] != tc.genMin || o["gen_max_required"] != tc.genMax) {
				t.Errorf("%s: required %v..%v", tc.rel, o["gen_min_required"], o["gen_max_required"])
			}
			for _, k := range []string{"format_update", "state_code", "dbtime", "db_signature", "consistent", "attach", "detach", "gen_max_committed", "repair_count"} {
				if _, ok := o[k]; !ok {
					t.Errorf("%s: %s missing", tc.rel, k)
				}
			}
			if o["header_checksum_ok"] != true || o["shadow_ok"] != true {
				t.Errorf("%s: header copies %v %v", tc.rel, o["header_checksum_ok"], o["shadow_ok"])
			}
		})
	}
	t.Run("worked example", func(t *testing.T) {
		// IndexedDB.edb, the corpus file's own values (docs/database.md#database-header).
		var got []map[string]any
		runJSON(t, &got, "header", "-json", testcorpus.Path(t, "appdata/IndexedDB.edb"))
		o := got[0]
		if o["state_code"] != 3.0 || o["dbtime"] != 0x38D*1.0 || o["format_update"] != "110.240" {
			t.Errorf("state_code %v dbtime %v format_update %v", o["state_code"], o["dbtime"], o["format_update"])
		}
		c := o["consistent"].(map[string]any)
		if c["generation"] != 1.0 || c["sector"] != 32.0 || c["offset"] != 630.0 || o["consistent_time"] != "2022-03-23T14:17:57.552Z" {
			t.Errorf("consistent %v at %v", c, o["consistent_time"])
		}
		if a := o["attach"].(map[string]any); a["sector"] != 1.0 || a["offset"] != 616.0 {
			t.Errorf("attach %v", a)
		}
		if s := o["db_signature"].(map[string]any); s["random"] != 0x8BED65CB*1.0 || s["created"] != "2022-03-23T14:12:52.275Z" {
			t.Errorf("db_signature %v", s)
		}
	})
}

func TestHeaderLogs(t *testing.T) {
	var got []map[string]any
	p := testcorpus.Path(t, "appdata/edb.log")
	q := testcorpus.Path(t, "appdata/edb0000D.log")
	code, _ := runJSON(t, &got, "header", p, q, "-json")
	if code != exitOK || len(got) != 2 {
		t.Fatalf("status %d", code)
	}
	o := got[0]
	if o["type"] != "log" || o["generation"] != 1.0 || o["format"] != "8.4000.60.140" || o["sector_size"] != 4096.0 ||
		o["file_sectors"] != 128.0 || o["created"] != "2022-03-23T14:12:52.254Z" || o["previous_generation_created"] != "" ||
		o["circular_logging"] != true {
		t.Errorf("edb.log: %v", o)
	}
	if c := o["checkpoint"].(map[string]any); c["generation"] != 1.0 || c["sector"] != 1.0 {
		t.Errorf("edb.log checkpoint %v", c)
	}
	// edb0000D.log, the corpus file's own values (docs/logs.md#attach-list): two attached databases.
	o = got[1]
	if o["generation"] != 13.0 || o["log_signature"].(map[string]any)["random"] != 0xE01EE651*1.0 {
		t.Errorf("edb0000D.log: %v %v", o["generation"], o["log_signature"])
	}
	att := o["attached"].([]any)
	if len(att) != 2 {
		t.Fatalf("attached: %d entries", len(att))
	}
	a0, a1 := att[0].(map[string]any), att[1].(map[string]any)
	if a0["db_signature"].(map[string]any)["random"] != 0x832091FC*1.0 || a1["db_signature"].(map[string]any)["random"] != 0x6257A652*1.0 {
		t.Errorf("attached signatures %v %v", a0["db_signature"], a1["db_signature"])
	}
	if p0 := a0["path"].(string); !strings.HasSuffix(p0, `\CacheStorage\CacheStorage.edb`) {
		t.Errorf("attached[0] path has %d chars", len(p0))
	}
	if c := a1["consistent"].(map[string]any); c["generation"] != 8.0 || c["sector"] != 110.0 || c["offset"] != 477.0 {
		t.Errorf("attached[1] consistent %v", c)
	}
}

func TestHeaderOtherTypes(t *testing.T) {
	cases := map[string]string{
		"appdata/IndexedDB.jfm":                      "flush_map",
		"appdata/edbres00001.jrs":                    "reserve_log",
		"wlm-kimberli13/edbres00001.jrs":             "reserve_log",
		"museum-ntds-win2012r2/temp.edb":             "database",
		"wlm-danyquenneville-backup/WindowsMail.pat": "patch",
	}
	for rel, typ := range cases {
		var got []map[string]any
		code, _ := runJSON(t, &got, "header", "-json", testcorpus.Path(t, rel))
		if code != exitOK || got[0]["type"] != typ {
			t.Errorf("%s: status %d type %v", rel, code, got[0]["type"])
		}
	}
}

func TestHeaderBadFiles(t *testing.T) {
	dir := t.TempDir()
	var got []map[string]any
	code, _ := runJSON(t, &got, "header", "-json", dir+"/missing.chk", dir)
	// A path that does not exist, or a folder given as a file, is a usage
	// error (status 2); each still gets its object with the engine code.
	if code != exitUsage || len(got) != 2 || got[0]["error"] == "" || got[0]["type"] != "unknown" ||
		got[0]["error_code"] != -1811.0 || got[1]["error_code"] != -1023.0 {
		t.Errorf("status %d: %v", code, got)
	}
}

func TestReadable(t *testing.T) {
	code, out, _ := runText("header", testcorpus.Path(t, "appdata/edb.chk"))
	if code != exitOK {
		t.Fatalf("status %d", code)
	}
	// Positions and signatures print in the engine's forms (eseutil /mk):
	// the log signature 0x5E1755E7 created 2022-03-23 14:12:52 UTC.
	for _, want := range []string{"(checkpoint)", "checkpoint:", "(0x1,22,0) = (1,34,0)",
		"log signature:               Create time:3/23/2022 14:12:52 Rand:1578587623 Computer:\n", "attached:", "(none)"} {
		if !strings.Contains(out, want) {
			t.Errorf("readable header lacks %q:\n%s", want, out)
		}
	}
}

// TestUsageLinesNameEachFlagOnce: every verb's usage line is built from
// its flags, so args holds only positional arguments and no flag shows
// twice; tables and dump report usage errors with that line.
func TestUsageLinesNameEachFlagOnce(t *testing.T) {
	for _, c := range commands() {
		for _, l := range c.synopses() {
			seen := map[string]bool{}
			for _, w := range strings.Fields(l) {
				w = strings.Trim(w, "[]|.")
				if !strings.HasPrefix(w, "-") {
					continue
				}
				if seen[w] {
					t.Errorf("%s: %s twice in %q", c.name, w, l)
				}
				seen[w] = true
			}
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"tables"}, "usage: esekit tables [-json] [-no-verify] DB\n"},
		{[]string{"dump"}, "usage: esekit dump [-json] [-csv] [-deleted] [-index NAME] [-logs DIR] [-no-verify] [-skip-damaged] [-table NAME] [-where COL=VALUE,...] DB\n"},
		{[]string{"dump", "-csv", "-json", "x.edb"}, "esekit dump: -csv and -json exclude each other\nusage: esekit dump [-json] [-csv]"},
	} {
		code, _, errs := runText(tc.args...)
		if code != exitUsage || !strings.HasPrefix(errs, tc.want) {
			t.Errorf("%v: status %d %q", tc.args, code, errs)
		}
	}
}
