package testcorpus

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCommittedSets checks what Path serves without the corpus: the files
// of SampleSet (the CLI's sample plus testdata's rest of the folder) in
// one folder per test, SRUDB.dat a 3 MiB database (signature 0x89ABCDEF at
// offset 4), SRU.chk two 4 KiB copies; the whole server 2022 SRUM folder
// (9 files) and the dissect.esedb test databases (7); only the checkpoint of the domain controller set, whose
// folder is not served; nothing outside the committed sets.
func TestCommittedSets(t *testing.T) {
	db := committedPath(t, SampleSet+"/SRUDB.dat")
	if db == "" {
		t.Fatal("sample database not served")
	}
	b, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 3211264 || !bytes.Equal(b[4:8], []byte{0xef, 0xcd, 0xab, 0x89}) {
		t.Errorf("SRUDB.dat: %d bytes, signature % x", len(b), b[4:8])
	}
	chk := committedPath(t, SampleSet+"/SRU.chk")
	if filepath.Dir(chk) != filepath.Dir(db) {
		t.Errorf("one test got two folders: %s, %s", chk, db)
	}
	if st, err := os.Stat(chk); err != nil || st.Size() != 8192 {
		t.Errorf("SRU.chk: %v %v", st, err)
	}
	if d := committedPath(t, SampleSet); d != filepath.Dir(db) {
		t.Errorf("set folder %q, want %q", d, filepath.Dir(db))
	}
	if tmp, err := os.ReadFile(committedPath(t, SampleSet+"/SRUtmp.log")); err != nil || len(tmp) != 65536 {
		t.Errorf("SRUtmp.log: %d bytes, %v", len(tmp), err)
	}
	counts := map[string]int{SampleSet: 11, "museum-srum-server2022-apt-1daylater": 9, "dissect-esedb-testdbs": 7}
	for set, n := range counts {
		ents, err := os.ReadDir(committedPath(t, set))
		if err != nil || len(ents) != n {
			t.Errorf("%s: %d files (%v), want %d", set, len(ents), err, n)
		}
	}
	if p := committedPath(t, "museum-ntds-win2012r2/edb.chk"); p == "" {
		t.Error("domain controller checkpoint not served")
	}
	for _, rel := range []string{SampleSet + "/SRUDB.edb", SampleSet + "/..", SampleSet + "/../appdata/edb.log",
		"appdata/edb.log", "appdata", SampleSet + "/x/SRU.chk", "museum-ntds-win2012r2", "museum-ntds-win2012r2/temp.edb"} {
		if p := committedPath(t, rel); p != "" {
			t.Errorf("committedPath(%q) = %q, want none", rel, p)
		}
	}
	if Dir() == "" {
		return
	}
	// With the corpus, every committed file must be the corpus file.
	for set := range committed {
		d := committedDir(t, set)
		for _, rel := range committedFiles() {
			if strings.HasPrefix(rel, set+"/") {
				committedPath(t, rel)
			}
		}
		ents, err := os.ReadDir(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			got, _ := os.ReadFile(filepath.Join(d, e.Name()))
			if !bytes.Equal(got, Read(t, set+"/"+e.Name())) {
				t.Errorf("committed %s/%s differs from the corpus file", set, e.Name())
			}
		}
	}
}

// checkCommittedGlobAndHead checks Glob and Head without the corpus: they
// list and read the committed files only.
func checkCommittedGlobAndHead(t *testing.T) {
	logs := Glob("SRU0*.log")
	want := []string{"museum-srum-server2022-apt-1daylater/SRU00003.log", "museum-srum-server2022-apt-1daylater/SRU00004.log",
		SampleSet + "/SRU0004E.log", SampleSet + "/SRU0004F.log", SampleSet + "/SRU00050.log", SampleSet + "/SRU00051.log"}
	if !slices.Equal(logs, want) {
		t.Errorf("Glob(SRU0*.log) = %v", logs)
	}
	if g := Glob("*.chk"); len(g) != 3 {
		t.Errorf("Glob(*.chk) = %v", g)
	}
	if Glob("edb*.log") != nil || Head("appdata/edb.log", 10) != nil || Head(SampleSet+"/nothing", 10) != nil {
		t.Error("Glob/Head return data of files that are not committed")
	}
	all := Read(t, SampleSet+"/SRU.chk")
	if h := Head(SampleSet+"/SRU.chk", 8); !bytes.Equal(h, all[:8]) {
		t.Errorf("Head 8 = %x", h)
	}
	if h := Head(SampleSet+"/SRU.chk", -1); !bytes.Equal(h, all) {
		t.Error("Head -1 is not the whole file")
	}
	if files := committedFiles(); len(files) != 28 || !slices.Contains(files, "museum-ntds-win2012r2/edb.chk") {
		t.Errorf("committed files: %d: %v", len(files), files)
	}
}
