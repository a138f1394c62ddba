package rip

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/esekit/esekit/internal/bin"
	"github.com/google/go-cmp/cmp"
)

// regedit4File builds a REGEDIT4 file of one key from value lines given as
// raw ANSI bytes.
func regedit4File(lines ...string) []byte {
	s := "REGEDIT4\r\n\r\n[" + KeyPath(ServiceIS) + "]\r\n"
	for _, l := range lines {
		s += l + "\r\n"
	}
	return []byte(s + "\r\n")
}

// REGEDIT4 text is Windows-1252: 0x80..0x9F are the typographic
// characters, not C1 controls, in quoted strings and in hex(2) data, and
// Marshal writes the same bytes back.
func TestRegedit4Windows1252(t *testing.T) {
	b := regedit4File(
		"\"a\"=\"\x80 \x92\xE9\x9F\"",  // € ’ é Ÿ
		"\"b\"=hex(2):99,20,8c,e0,00",  // ™ Œ à
		"\"c\"=hex(7):84,00,85,00,00",  // „ …
		"\"\x93q\x94\"=dword:00000001") // “q”
	f, err := ParseRegFile(b)
	if err != nil {
		t.Fatal(err)
	}
	vs := f.Keys[0].Values
	if got := vs[0].String(); got != "€ ’éŸ" {
		t.Errorf("quoted string %q, want %q", got, "€ ’éŸ")
	}
	if got := vs[1].String(); got != "™ Œà" {
		t.Errorf("hex(2) %q, want %q", got, "™ Œà")
	}
	if got := vs[2].Strings(); !cmp.Equal(got, []string{"„", "…"}) {
		t.Errorf("hex(7) %q", got)
	}
	if vs[3].Name != "“q”" {
		t.Errorf("name %q", vs[3].Name)
	}
	for _, v := range vs {
		if v.Problem != "" {
			t.Errorf("%s: problem %q", v.Name, v.Problem)
		}
	}
	if got := f.Marshal(); !bytes.Equal(got, b) {
		t.Errorf("Marshal:\n%q\nwant\n%q", got, b)
	}
	// Characters Windows-1252 lacks become '?', C1 controls included.
	g := &RegFile{Format: Regedit4, Keys: []RegKey{{Path: "K", Values: []RegValue{StringValue("x", "Ω\u0080€")}}}}
	if got := string(g.Marshal()); !strings.Contains(got, "\"x\"=\"??\x80\"") {
		t.Errorf("Marshal of Ω U+0080 €: %q", got)
	}
}

// The five undefined bytes give the value one problem, however many there
// are; the bytes are kept (as U+0081...) so Marshal writes them back.
func TestRegedit4UndefinedBytes(t *testing.T) {
	b := regedit4File(
		"\"LogPath\"=\"\\\\\\\\NEW\x81SERVER\\\\f$\x8D\x81\x9D\"",
		"\"x\"=hex(2):41,8f,90,00",
		"\"ok\"=\"fine\"")
	f, err := ParseRegFile(b)
	if err != nil {
		t.Fatal(err)
	}
	vs := f.Keys[0].Values
	if p := vs[0].Problem; !strings.Contains(p, "4 byte(s) undefined in Windows-1252 (0x81, 0x8D, 0x9D)") {
		t.Errorf("LogPath problem %q", p)
	}
	if s := vs[0].String(); s != "\\\\NEW\u0081SERVER\\f$\u008D\u0081\u009D" {
		t.Errorf("LogPath %q", s)
	}
	if p := vs[1].Problem; !strings.Contains(p, "2 byte(s) undefined in Windows-1252 (0x8F, 0x90)") {
		t.Errorf("x problem %q", p)
	}
	if vs[2].Problem != "" {
		t.Errorf("ok: problem %q", vs[2].Problem)
	}
	if got := f.Marshal(); !bytes.Equal(got, b) {
		t.Errorf("Marshal:\n%q\nwant\n%q", got, b)
	}
	j, _ := json.Marshal(vs[0])
	if !strings.Contains(string(j), `"problem":"4 byte(s) undefined`) {
		t.Errorf("JSON %s", j)
	}

	// Validate: one undecodable-data problem for LogPath, and no UNC or
	// path checks of the misread text.
	k := seedKey()
	k.Raw = k.RegValues()
	for i := range k.Raw {
		if k.Raw[i].Name == ValueLogPath {
			k.Raw[i] = vs[0]
		}
	}
	var got []Problem
	for _, p := range Validate(k, nil) {
		if p.Value == ValueLogPath {
			got = append(got, p)
		}
	}
	if len(got) != 1 || got[0].Code != CodeUndecodable || got[0].Severity != SeverityError {
		t.Errorf("LogPath problems %v, want one %s", got, CodeUndecodable)
	}
}

// hex(2)/hex(7) data written as UTF-16LE inside a REGEDIT4 file is
// recognised: the KB Q200941 example key's EDB_RstMap and a REG_EXPAND_SZ read back as
// their text and the key validates clean (read as ANSI, the NUL after
// every character would make dozens of empty EDB_RstMap lines).
func TestRegedit4UTF16Data(t *testing.T) {
	k := seedKey()
	text := bin.UTF16(k.Marshal(Regedit5)[2:]) // regedit 5 writes string data in UTF-16LE
	text = strings.Replace(text, Regedit5Header, Regedit4Header, 1)
	text = strings.Replace(text, "\"LogPath\"", "\"Env\"=hex(2):25,00,53,00,79,00,73,00,00,00\r\n\"LogPath\"", 1)
	b := appendCP1252(nil, text)
	if !bytes.Contains(b, []byte("hex(7):5c,00,5c,00,4f,00")) {
		t.Fatalf("test file has no UTF-16LE hex(7):\n%s", b)
	}
	f, err := ParseRegFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != Regedit4 {
		t.Fatalf("format %v", f.Format)
	}
	got, err := FromRegFile(f)
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(got.RstMap, k.RstMap) {
		t.Errorf("EDB_RstMap %q, want %q", got.RstMap, k.RstMap)
	}
	for _, v := range got.Raw {
		if v.Name == "Env" && v.String() != "%Sys" {
			t.Errorf("Env %q, want %%Sys", v.String())
		}
		if v.Problem != "" {
			t.Errorf("%s: problem %q", v.Name, v.Problem)
		}
	}
	var ps []Problem
	for _, p := range Validate(got, nil) {
		if p.Value != "Env" { // not a value of the key
			ps = append(ps, p)
		}
	}
	if len(ps) != 0 {
		t.Errorf("problems %v", ps)
	}
}

// The ANSI/UTF-16LE rule on values the test states.
func TestDecodeRegedit4String(t *testing.T) {
	u16 := func(s string) []byte { return bin.AppendUTF16(nil, s) }
	cases := []struct {
		name    string
		typ     ValueType
		raw     []byte
		want    string // the text as UTF-16 decodes it
		utf16   bool
		problem bool
	}{
		{"ansi sz", RegExpandSZ, []byte("ab\x00"), "ab\x00", false, false},
		{"ansi sz no NUL", RegExpandSZ, []byte("ab"), "ab", false, false},
		{"ansi empty", RegExpandSZ, []byte{}, "", false, false},
		{"utf16 sz", RegExpandSZ, u16("%a%\x00"), "%a%\x00", true, false},
		{"utf16 one char", RegSZ, u16("a\x00"), "a\x00", true, false},
		{"utf16 non-ascii", RegExpandSZ, u16("é€\x00"), "é€\x00", true, false},
		{"utf16 empty", RegExpandSZ, []byte{0, 0}, "\x00", true, false},
		{"ansi multi", RegMultiSZ, []byte("ab\x00cd\x00\x00"), "ab\x00cd\x00\x00", false, false},
		// even length, ends in NULs, reads as UTF-16 too: ANSI wins.
		{"ansi multi even", RegMultiSZ, []byte("ab\x00c\x00\x00"), "ab\x00c\x00\x00", false, false},
		{"utf16 multi", RegMultiSZ, u16("a\x00b\x00\x00"), "a\x00b\x00\x00", true, false},
		{"utf16 multi one", RegMultiSZ, u16("ab\x00\x00"), "ab\x00\x00", true, false},
		{"ansi multi empty", RegMultiSZ, []byte{0}, "\x00", false, false},
		// UTF-16 cut to an odd length: neither.
		{"odd utf16", RegExpandSZ, u16("ab\x00")[:5], "a\x00b\x00\x00", false, true},
		// unpaired surrogate: neither.
		{"lone surrogate", RegExpandSZ, []byte{0x41, 0, 0x00, 0xD8, 0x42, 0, 0, 0}, "A\x00\x00\uFFFDB\x00\x00\x00", false, true},
	}
	for _, c := range cases {
		data, isU16, p := decodeRegedit4String(c.typ, c.raw)
		if got := bin.UTF16(data); got != c.want && !c.problem {
			t.Errorf("%s: text %q, want %q", c.name, got, c.want)
		}
		if isU16 != c.utf16 || (p != "") != c.problem {
			t.Errorf("%s: utf16 %v problem %q; want %v %v", c.name, isU16, p, c.utf16, c.problem)
		}
	}
}

// Undecodable string data gives one problem for the value, and Validate
// does not check the lines it misreads.
func TestRegedit4UndecodableMultiSZ(t *testing.T) {
	data := bin.AppendUTF16(nil, `\\OLD\c$\a.edb`+"\x00"+`\\NEW\c$\a.edb`+"\x00\x00")
	data = data[:len(data)-1] // odd length: not UTF-16LE, NULs inside: not ANSI
	var hexs []string
	for _, c := range data {
		hexs = append(hexs, fmt.Sprintf("%02x", c))
	}
	b := regedit4File("\"EDB_RstMap\"=hex(7):" + strings.Join(hexs, ","))
	f, err := ParseRegFile(b)
	if err != nil {
		t.Fatal(err)
	}
	v := f.Keys[0].Values[0]
	if !strings.Contains(v.Problem, "REG_MULTI_SZ data of 61 bytes is neither ANSI nor UTF-16LE text") {
		t.Errorf("problem %q", v.Problem)
	}
	k := seedKey()
	k.Raw = k.RegValues()
	for i := range k.Raw {
		if k.Raw[i].Name == ValueRstMap {
			k.Raw[i] = v
		}
	}
	var got []string
	for _, p := range Validate(k, nil) {
		if p.Value == ValueRstMap {
			got = append(got, p.Code)
		}
	}
	if !cmp.Equal(got, []string{CodeUndecodable}) {
		t.Errorf("EDB_RstMap problems %v, want one %s", got, CodeUndecodable)
	}
}

// A version 5 file's string data that is not UTF-16LE gets one problem.
func TestRegedit5BadUTF16(t *testing.T) {
	s := Regedit5Header + "\r\n\r\n[K]\r\n\"a\"=hex(2):41,00,42\r\n\"b\"=hex(2):41,00,00,00\r\n"
	f, err := ParseRegFile(bin.AppendUTF16([]byte{0xFF, 0xFE}, s))
	if err != nil {
		t.Fatal(err)
	}
	vs := f.Keys[0].Values
	if !strings.Contains(vs[0].Problem, "REG_EXPAND_SZ data of 3 bytes is not UTF-16LE text") || vs[1].Problem != "" {
		t.Errorf("problems %q, %q", vs[0].Problem, vs[1].Problem)
	}
}
