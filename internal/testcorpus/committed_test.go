package testcorpus

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedSets checks what Path serves without the corpus: the files
// of SampleSet (the CLI's sample plus testdata's rest of the folder) in
// one folder per test, SRUDB.dat a 3 MiB database (signature 0x89ABCDEF at
// offset 4), SRU.chk two 4 KiB copies; the whole server 2022 SRUM folder
// (9 files); only the checkpoint of the domain controller set, whose
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
	counts := map[string]int{SampleSet: 11, "museum-srum-server2022-apt-1daylater": 9}
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
	for set, cs := range committed {
		d := committedCopy(t, set, cs)
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
