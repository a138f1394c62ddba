package main

import (
	"encoding/json"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/testcorpus"
)

// The readable forms of signatures are the engine's, whether printed from
// the decoded value or rebuilt from the JSON fields (the generic printer
// works from JSON); the JSON fields themselves are unchanged.
func TestSignatureForms(t *testing.T) {
	// KB Q200941's ESEUTIL /ML example: "Signature: Create time:8/19/1999
	// 19:37:35 Rand:39623424 Computer:".
	s := ese.Signature{Random: 39623424, Created: ese.LogTime{35, 37, 19, 19, 8, 99, 1, 0}}
	const want = "Create time:8/19/1999 19:37:35 Rand:39623424 Computer:"
	j := sig(s)
	if j.String() != want {
		t.Errorf("from the value: %q", j.String())
	}
	b, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"random":39623424,"created":"1999-08-19T19:37:35.000Z","computer":""}` {
		t.Errorf("JSON %s", b)
	}
	// The library's own JSON of a signature is the same document.
	if lib, err := json.Marshal(s); err != nil || string(lib) != string(b) {
		t.Errorf("ese.Signature JSON %s differs from the CLI's %s", lib, b)
	}
	var back sigJSON
	if err := json.Unmarshal(b, &back); err != nil || back.String() != want {
		t.Errorf("from JSON: %q %v", back.String(), err)
	}
	n, err := parseOrdered(b)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := n.compact(); !ok || got != want {
		t.Errorf("readable printer: %q", got)
	}
	if got := (sigJSON{}).String(); got != "Create time:0/0/1900 0:0:0 Rand:0 Computer:" {
		t.Errorf("null signature: %q", got)
	}
}

// Every signature of a real database header prints the same from the
// value and from its JSON.
func TestSignatureFormsCorpus(t *testing.T) {
	in, c, err := openInput(testcorpus.Path(t, "museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRUDB.dat"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	h := dbHeaderObject(in, typeDatabase).(dbHeaderJSON)
	for _, s := range []sigJSON{h.DbSignature, h.LogSignature} {
		b, _ := json.Marshal(s)
		var back sigJSON
		json.Unmarshal(b, &back)
		if s.String() != back.String() {
			t.Errorf("%q from the value, %q from JSON", s.String(), back.String())
		}
	}
	if got := h.LogSignature.String(); got != "Create time:8/1/2020 21:48:10 Rand:2749186782 Computer:" {
		t.Errorf("log signature %q", got)
	}
}
