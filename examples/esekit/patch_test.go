package main

import (
	"testing"

	"github.com/esekit/esekit/internal/testcorpus"
)

// TestHeaderPatch reads the two corpus .pat files: empty patch files of
// the Windows Live Mail backups, with the backup and log signatures of
// their sets.
func TestHeaderPatch(t *testing.T) {
	cases := []struct {
		rel       string
		logRandom float64
	}{
		{"wlm-kimberli13/WindowsMail.pat", 0x00025254},
		{"wlm-danyquenneville-backup/WindowsMail.pat", 0x0004B4A1},
	}
	for _, tc := range cases {
		var got []map[string]any
		code, _ := runJSON(t, &got, "header", "-json", testcorpus.Path(t, tc.rel))
		if code != exitOK || len(got) != 1 {
			t.Fatalf("%s: status %d", tc.rel, code)
		}
		o := got[0]
		if o["type"] != "patch" || o["empty"] != true || o["patch_pages"] != 0.0 || o["page_size"] != 8192.0 {
			t.Errorf("%s: %v", tc.rel, o)
		}
		if s := o["log_signature"].(map[string]any); s["random"] != tc.logRandom {
			t.Errorf("%s: log_signature %v", tc.rel, s)
		}
		b, ok := o["backup"].(map[string]any)
		if !ok {
			t.Fatalf("%s: backup %v", tc.rel, o["backup"])
		}
		for _, k := range []string{"gen_low", "gen_high", "mark", "mark_time"} {
			if _, ok := b[k]; !ok {
				t.Errorf("%s: backup.%s missing", tc.rel, k)
			}
		}
		if _, ok := o["db_signature"].(map[string]any); !ok {
			t.Errorf("%s: db_signature missing", tc.rel)
		}
	}
	// kimberli13: bytes 40..63 of the page are the backup info: mark
	// (0x1,0x16,0x4E), gen low 1, gen high 1.
	var got []map[string]any
	runJSON(t, &got, "header", "-json", testcorpus.Path(t, "wlm-kimberli13/WindowsMail.pat"))
	b := got[0]["backup"].(map[string]any)
	m := b["mark"].(map[string]any)
	if m["generation"] != 1.0 || m["sector"] != 0x16*1.0 || m["offset"] != 0x4E*1.0 || b["gen_low"] != 1.0 || b["gen_high"] != 1.0 {
		t.Errorf("kimberli13 backup %v", b)
	}
}
