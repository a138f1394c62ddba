package main

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/exp/mmap"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/testcorpus"
)

// TestVerifyCorpus: every page of the real databases verifies.
func TestVerifyCorpus(t *testing.T) {
	cases := []struct {
		rel      string
		pageSize float64
		pages    float64
	}{
		{"appdata/IndexedDB.edb", 32768, 94},
		{"museum-srum-server2022-apt-1daylater/SRUDB.dat", 4096, 655360/4096 - 2},
		{"goese-qmgr/qmgr.db", 16384, 1310720/16384 - 2},
	}
	for _, tc := range cases {
		t.Run(tc.rel, func(t *testing.T) {
			var got []map[string]any
			code, _ := runJSON(t, &got, "verify", "-json", testcorpus.Path(t, tc.rel))
			o := got[0]
			if code != exitOK || o["ok"] != true || o["type"] != "database" {
				t.Errorf("%s: status %d %v", tc.rel, code, o)
			}
			if o["page_size"] != tc.pageSize || o["pages"] != tc.pages {
				t.Errorf("%s: page_size %v pages %v", tc.rel, o["page_size"], o["pages"])
			}
			if len(o["bad_checksums"].([]any)) != 0 || len(o["correctable"].([]any)) != 0 || len(o["wrong_page_numbers"].([]any)) != 0 {
				t.Errorf("%s: failures %v", tc.rel, o)
			}
		})
	}
	t.Run("worked example", func(t *testing.T) {
		// The corpus file's own count (docs/pages.md#blocks-per-page-size): 47 of
		// the 94 slots of IndexedDB.edb are all zero.
		var got []map[string]any
		runJSON(t, &got, "verify", "-json", testcorpus.Path(t, "appdata/IndexedDB.edb"))
		if got[0]["uninitialized"] != 47.0 {
			t.Errorf("uninitialized = %v, want 47", got[0]["uninitialized"])
		}
	})
}

// TestVerifyCorruption: a flipped bit is located and reported correctable,
// a flipped byte is a bad checksum with its page number; exit status 1.
func TestVerifyCorruption(t *testing.T) {
	raw := testcorpus.Read(t, "museum-srum-server2022-apt-1daylater/SRUDB.dat")
	const ps = 4096
	// Find a non-empty page to damage.
	pg := -1
	for p := 1; (p+2)*ps <= len(raw); p++ {
		off := (p + 1) * ps
		if ese.ComputePageChecksums(raw[off:off+ps], uint32(p)).OK() && raw[off+100] != 0 {
			pg = p
			break
		}
	}
	if pg < 0 {
		t.Fatal("no page to damage")
	}
	dir := t.TempDir()
	bit := append([]byte(nil), raw...)
	bit[(pg+1)*ps+200] ^= 0x04
	byteFlip := append([]byte(nil), raw...)
	byteFlip[(pg+1)*ps+300] ^= 0xFF
	pBit, pByte := filepath.Join(dir, "bit.dat"), filepath.Join(dir, "byte.dat")
	os.WriteFile(pBit, bit, 0o644)
	os.WriteFile(pByte, byteFlip, 0o644)

	var got []map[string]any
	code, _ := runJSON(t, &got, "verify", "-json", pBit, pByte)
	if code != exitBad {
		t.Errorf("status %d, want 1", code)
	}
	c := got[0]["correctable"].([]any)
	if len(c) != 1 || c[0].(map[string]any)["page"] != float64(pg) || c[0].(map[string]any)["bit"] != float64(200*8+2) {
		t.Errorf("correctable = %v, want page %d bit %d", c, pg, 200*8+2)
	}
	b := got[1]["bad_checksums"].([]any)
	if len(b) != 1 || b[0] != float64(pg) {
		t.Errorf("bad_checksums = %v, want [%d]", b, pg)
	}
	// Not a database: noted, and a file verify cannot check (status 1,
	// as logs answers for a file that is not a log).
	code, _ = runJSON(t, &got, "verify", "-json", testcorpus.Path(t, "museum-srum-server2022-apt-1daylater/SRU.chk"))
	if code != exitBad || got[0]["type"] != "checkpoint" || got[0]["note"] == "" || got[0]["ok"] != false {
		t.Errorf("checkpoint: %d %v", code, got[0])
	}
}

// Large files are memory-mapped (x/exp/mmap) for the verbs that read
// parts of them; verify never maps its input (see openFile) and still
// verifies large.edb (32 KiB pages) page by page with the mapping
// threshold at zero.
func TestVerifyMapped(t *testing.T) {
	p := testcorpus.Path(t, "dissect-esedb-testdbs/large.edb")
	old := mmapMin
	mmapMin = 0
	defer func() { mmapMin = old }()
	in, c, err := openInput(p)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, ok := in.r.(*mmap.ReaderAt); !ok {
		t.Fatalf("input is a %T, not memory-mapped", in.r)
	}
	var v []map[string]any
	if code, _ := runJSON(t, &v, "verify", "-json", p); code != exitOK || v[0]["ok"] != true || v[0]["pages"] != float64(766) {
		t.Errorf("verify of mapped large.edb: exit %d, %v pages, ok %v", code, v[0]["pages"], v[0]["ok"])
	}
}
