package testcorpus

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestSampleFallback checks that without the corpus the committed sample
// serves the files of SampleSet, one folder per test, with the bytes the
// corpus holds (the rest of the folder from testdata/sample-rest):
// SRUDB.dat starts with a database header (its signature
// 0x89ABCDEF at offset 4) and SRU.chk is one 4 KiB checkpoint page
// followed by its shadow.
func TestSampleFallback(t *testing.T) {
	db := samplePath(t, SampleSet+"/SRUDB.dat")
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
	chk := samplePath(t, SampleSet+"/SRU.chk")
	if filepath.Dir(chk) != filepath.Dir(db) {
		t.Errorf("one test got two folders: %s, %s", chk, db)
	}
	if st, err := os.Stat(chk); err != nil || st.Size() != 8192 {
		t.Errorf("SRU.chk: %v %v", st, err)
	}
	if d := samplePath(t, SampleSet); d != filepath.Dir(db) {
		t.Errorf("set folder %q, want %q", d, filepath.Dir(db))
	}
	ents, err := os.ReadDir(filepath.Dir(db))
	if err != nil || len(ents) != 11 {
		t.Errorf("sample folder holds %d files (%v), want 11", len(ents), err)
	}
	if tmp, err := os.ReadFile(samplePath(t, SampleSet+"/SRUtmp.log")); err != nil || len(tmp) != 65536 {
		t.Errorf("SRUtmp.log: %d bytes, %v", len(tmp), err)
	}
	for _, rel := range []string{SampleSet + "/SRUDB.edb", SampleSet + "/..", SampleSet + "/../appdata/edb.log", "appdata/edb.log", SampleSet + "/x/SRU.chk"} {
		if p := samplePath(t, rel); p != "" {
			t.Errorf("samplePath(%q) = %q, want none", rel, p)
		}
	}
	if d := Dir(); d != "" {
		// With the corpus, the sample must be the corpus set's files.
		for _, e := range ents {
			want := Read(t, SampleSet+"/"+e.Name())
			got, _ := os.ReadFile(filepath.Join(filepath.Dir(db), e.Name()))
			if !bytes.Equal(got, want) {
				t.Errorf("sample %s differs from the corpus file", e.Name())
			}
		}
	}
}
