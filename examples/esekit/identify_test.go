package main

import (
	"strings"
	"testing"

	"github.com/esekit/esekit/internal/testcorpus"
)

// TestIdentifyCorpus checks the type, format and sizes the MANIFEST lists.
func TestIdentifyCorpus(t *testing.T) {
	cases := []struct {
		rel, typ, format string
		pageSize, sector float64
		generation       float64
	}{
		{"appdata/IndexedDB.edb", "database", "0x620,110.240", 32768, 0, 0},
		{"appdata/IndexedDB.jfm", "flush_map", "FM 3.0.0", 0, 0, 0},
		{"appdata/edb.chk", "checkpoint", "", 0, 0, 1},
		{"appdata/edb.log", "log", "8.4000.60.140", 32768, 4096, 1},
		{"appdata/edb0000D.log", "log", "8.4000.60.140", 32768, 4096, 0xD},
		{"appdata/edbtmp.log", "reserve_log", "", 0, 0, 0},
		{"appdata-uss-jtx/USS00041.jtx", "log", "8.4000.60.140", -1, 4096, 0x41},
		{"goese-qmgr/qmgr.db", "database", "0x620,300.620", 16384, 0, 0},
		{"museum-ntds-win2012r2/temp.edb", "database", "0x620,20", 8192, 0, 0}, // the MANIFEST says database (FileType 1, DBID 0)
		{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU.chk", "checkpoint", "", 0, 0, 0x51},
		{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU0004E.log", "log", "8.4000.5.16", -1, 4096, 0x4E},
		{"wlm-kimberli13/edb00001.log", "log", "7.3704.15", -1, 512, 1},
		{"wlm-kimberli13/edbres00001.jrs", "reserve_log", "", 0, 0, 0},
		{"wlm-kimberli13/WindowsMail.pat", "patch", "", -1, 0, 0},
		{"wlm-danyquenneville-backup/WindowsMail.pat", "patch", "", -1, 0, 0},
		{"wlm-danyquenneville-backup/edb00001.log", "log", "7.3704.15", -1, 4096, 1},
	}
	args := []string{"identify", "-json"}
	for _, tc := range cases {
		args = append(args, testcorpus.Path(t, tc.rel))
	}
	var got []map[string]any
	code, _ := runJSON(t, &got, args...)
	if code != exitOK || len(got) != len(cases) {
		t.Fatalf("status %d, %d objects", code, len(got))
	}
	for i, tc := range cases {
		o := got[i]
		if !strings.HasSuffix(o["file"].(string), tc.rel) || o["type"] != tc.typ || o["format"] != tc.format {
			t.Errorf("%s: type %v format %v", tc.rel, o["type"], o["format"])
		}
		if tc.pageSize >= 0 && o["page_size"] != tc.pageSize {
			t.Errorf("%s: page_size %v, want %v", tc.rel, o["page_size"], tc.pageSize)
		}
		if o["sector_size"] != tc.sector {
			t.Errorf("%s: sector_size %v, want %v", tc.rel, o["sector_size"], tc.sector)
		}
		if o["generation"] != tc.generation {
			t.Errorf("%s: generation %v, want %v", tc.rel, o["generation"], tc.generation)
		}
	}
	code, out, _ := runText("identify", testcorpus.Path(t, "appdata/edb.log"))
	if code != exitOK || !strings.Contains(out, "log, format 8.4000.60.140") || !strings.Contains(out, "4096-byte sectors") {
		t.Errorf("readable: %q", out)
	}
}
