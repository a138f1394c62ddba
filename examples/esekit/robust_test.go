package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/internal/testcorpus"
)

// TestTruncatedAndGarbage runs every file verb over truncated copies of
// real files and over garbage: each file gets an object with its name and
// a type, failures are reported (exit status 1), and nothing panics.
func TestTruncatedAndGarbage(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, rel := range []string{"appdata/edb.chk", "appdata/edb.log", "appdata/IndexedDB.edb", "wlm-kimberli13/WindowsMail.pat", "wlm-kimberli13/edb.log"} {
		b := testcorpus.Read(t, rel)
		for _, n := range []int{0, 1, 100, 700, 4095, 4096, 5000, 8191, 40000} {
			n = min(n, len(b))
			p := filepath.Join(dir, fmt.Sprintf("%s.%d", filepath.Base(rel), n))
			if err := os.WriteFile(p, b[:n], 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, p)
		}
	}
	g := make([]byte, 70000)
	for i := range g {
		g[i] = byte(i*7 + i/13)
	}
	p := filepath.Join(dir, "garbage")
	os.WriteFile(p, g, 0o644)
	files = append(files, p)

	for _, verb := range []string{"identify", "header", "verify", "logs"} {
		var got []map[string]any
		code, _ := runJSON(t, &got, append([]string{verb, "-json"}, files...)...)
		if len(got) != len(files) {
			t.Errorf("%s: %d objects for %d files", verb, len(got), len(files))
		}
		for _, o := range got {
			if o["file"] == nil || o["type"] == nil {
				t.Errorf("%s: object without file/type: %v", verb, o)
			}
		}
		if verb != "identify" && code != exitBad {
			t.Errorf("%s: status %d, want 1 for damaged files", verb, code)
		}
	}
	var c map[string]any
	if code, _ := runJSON(t, &c, "check", "-json", dir); code != exitBad {
		t.Errorf("check: status %d", code)
	}
	if code, _, _ := runText("plan", dir); code == exitOK {
		t.Errorf("plan over damaged files succeeded")
	}
}
