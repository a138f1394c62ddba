package rip

import (
	"bytes"
	"testing"
)

// TestMarshalEscapesLineBreaksInNames: a value name read from the escapes
// \r, \n and \0 holds those characters; Marshal writes them escaped, so
// the file parses back to the same names and marshals to the same bytes.
// (FuzzRipRegFile found a name with a CR that Marshal wrote as is: the
// line ended inside the quotes and the output did not parse.)
func TestMarshalEscapesLineBreaksInNames(t *testing.T) {
	in := "REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\X]\r\n\"a\\rb\\nc\\0d\"=hex:01\r\n\"e\\\\f\\\"g\"=\"h\\ri\"\r\n"
	rf, err := ParseRegFile([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a\rb\nc\x00d", `e\f"g`}
	if len(rf.Keys) != 1 || len(rf.Keys[0].Values) != 2 {
		t.Fatalf("parsed %+v", rf)
	}
	for i, v := range rf.Keys[0].Values {
		if v.Name != want[i] {
			t.Errorf("value %d: name %q, want %q", i, v.Name, want[i])
		}
	}
	out := rf.Marshal()
	rf2, err := ParseRegFile(out)
	if err != nil {
		t.Fatalf("marshalled file does not parse: %v\n%q", err, out)
	}
	for i, v := range rf2.Keys[0].Values {
		if v.Name != want[i] {
			t.Errorf("after Marshal, value %d: name %q, want %q", i, v.Name, want[i])
		}
	}
	if !bytes.Contains(out, []byte(`"a\rb\nc\0d"=hex:01`)) {
		t.Errorf("name not written with its escapes:\n%q", out)
	}
	if out2 := rf2.Marshal(); !bytes.Equal(out, out2) {
		t.Errorf("second Marshal differs:\n%q\n%q", out, out2)
	}
}
