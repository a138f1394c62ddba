package testcorpus

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestGlobAndHead(t *testing.T) {
	if Dir() == "" {
		checkCommittedGlobAndHead(t)
		return
	}
	logs := Glob("edb*.log")
	if !slices.Contains(logs, "appdata/edb.log") || !slices.Contains(logs, "appdata/edb0000D.log") {
		t.Errorf("Glob(edb*.log) = %v", logs)
	}
	if slices.ContainsFunc(Glob("*"), func(p string) bool { return bytes.HasSuffix([]byte(p), []byte(".md")) }) {
		t.Error("Glob lists .md files")
	}
	all := Read(t, "appdata/edb.log")
	if h := Head("appdata/edb.log", 8); !bytes.Equal(h, all[:8]) {
		t.Errorf("Head 8 = %x", h)
	}
	if h := Head("appdata/edb.log", -1); !bytes.Equal(h, all) {
		t.Error("Head -1 is not the whole file")
	}
	if h := Head("appdata/edb.log", len(all)+100); len(h) != len(all) {
		t.Errorf("Head past the end: %d bytes, want %d", len(h), len(all))
	}
	if Head("appdata/no-such-file", 8) != nil {
		t.Error("Head of a missing file is not nil")
	}
}

func TestCopySet(t *testing.T) {
	const set = "museum-srum-server2022-apt-1daylater"
	dir := CopySet(t, set, "SRU.chk")
	if _, err := os.Stat(filepath.Join(dir, "SRU.chk")); !os.IsNotExist(err) {
		t.Errorf("skipped file copied: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "SRU.log"))
	if err != nil || !bytes.Equal(b, Read(t, set+"/SRU.log")) {
		t.Errorf("SRU.log not copied byte for byte: %v", err)
	}
	if ents, err := os.ReadDir(dir); err != nil || len(ents) != 8 {
		t.Errorf("%d files copied, want the set's 9 but SRU.chk (%v)", len(ents), err)
	}
}
