package rip

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/esekit/esekit/internal/bin"
	"github.com/google/go-cmp/cmp"
)

// seedKey is the worked example of KB Q200941: an information store with two
// databases moved from OLDSERVER to NEWSERVER, logs 36-3f from the full
// backup.
func seedKey() *Key {
	return &Key{
		Path:    KeyPath(ServiceIS),
		Service: ServiceIS,
		LowLog:  0x36,
		HighLog: 0x3f,
		RstMap: []string{
			`\\OLDSERVER\c$\exchsrvr\MDBDATA\PRIV.EDB`,
			`\\NEWSERVER\d$\exchsrvr\MDBDATA\PRIV.EDB`,
			`\\OLDSERVER\c$\exchsrvr\MDBDATA\PUB.EDB`,
			`\\NEWSERVER\e$\exchsrvr\MDBDATA\PUB.EDB`,
		},
		RstMapSize:         2,
		LogPath:            `\\NEWSERVER\f$\exchsrvr\mdbdata`,
		BackupLogPath:      `\\NEWSERVER\f$\exchsrvr\mdbdata`,
		CheckpointFilePath: `\\NEWSERVER\c$\exchsrvr\mdbdata`,
	}
}

// regedit4Seed is seedKey as REGEDIT4 writes it: ANSI, hex(7) as one
// byte per character, wrapped at 77 columns with two-space indents.
const regedit4Seed = "REGEDIT4\r\n\r\n" +
	"[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\Restore in Progress]\r\n" +
	"\"BackupLogPath\"=\"\\\\\\\\NEWSERVER\\\\f$\\\\exchsrvr\\\\mdbdata\"\r\n" +
	"\"CheckpointFilePath\"=\"\\\\\\\\NEWSERVER\\\\c$\\\\exchsrvr\\\\mdbdata\"\r\n" +
	"\"EDB Database recovered\"=hex:00\r\n" +
	"\"EDB_RstMap\"=hex(7):5c,5c,4f,4c,44,53,45,52,56,45,52,5c,63,24,5c,65,78,63,68,\\\r\n" +
	"  73,72,76,72,5c,4d,44,42,44,41,54,41,5c,50,52,49,56,2e,45,44,42,00,5c,5c,4e,\\\r\n" +
	"  45,57,53,45,52,56,45,52,5c,64,24,5c,65,78,63,68,73,72,76,72,5c,4d,44,42,44,\\\r\n" +
	"  41,54,41,5c,50,52,49,56,2e,45,44,42,00,5c,5c,4f,4c,44,53,45,52,56,45,52,5c,\\\r\n" +
	"  63,24,5c,65,78,63,68,73,72,76,72,5c,4d,44,42,44,41,54,41,5c,50,55,42,2e,45,\\\r\n" +
	"  44,42,00,5c,5c,4e,45,57,53,45,52,56,45,52,5c,65,24,5c,65,78,63,68,73,72,76,\\\r\n" +
	"  72,5c,4d,44,42,44,41,54,41,5c,50,55,42,2e,45,44,42,00,00\r\n" +
	"\"EDB_RstMap Size\"=dword:00000002\r\n" +
	"\"HighLog Number\"=dword:0000003f\r\n" +
	"\"LogPath\"=\"\\\\\\\\NEWSERVER\\\\f$\\\\exchsrvr\\\\mdbdata\"\r\n" +
	"\"LowLog Number\"=dword:00000036\r\n" +
	"\r\n"

func TestMarshalRegedit4Exact(t *testing.T) {
	got := string(seedKey().Marshal(Regedit4))
	if got != regedit4Seed {
		t.Fatalf("REGEDIT4 text differs:\n%s", cmp.Diff(regedit4Seed, got))
	}
	for i, l := range strings.Split(got, "\r\n") {
		if !strings.HasPrefix(l, "[") && len(l) > 80 {
			t.Errorf("line %d is %d characters, regedit stays within 80", i+1, len(l))
		}
	}
}

func TestRoundTripBothDialects(t *testing.T) {
	for _, format := range []RegFormat{Regedit4, Regedit5} {
		b := seedKey().Marshal(format)
		if format == Regedit5 && !bytes.HasPrefix(b, []byte{0xFF, 0xFE, 'W', 0}) {
			t.Fatalf("v5 output does not start with a UTF-16LE BOM: % x", b[:4])
		}
		k, err := ParseKey(b)
		if err != nil {
			t.Fatalf("%v: %v", format, err)
		}
		want := seedKey()
		want.Raw = k.Raw
		if d := cmp.Diff(want, k); d != "" {
			t.Errorf("%v: decoded key differs: %s", format, d)
		}
		if k.LowLog != 0x36 || k.HighLog != 0x3f {
			t.Errorf("%v: LowLog %x HighLog %x, want 36 3f", format, k.LowLog, k.HighLog)
		}
		// A key read from a file is written back as read: byte-exact.
		if again := k.Marshal(format); !bytes.Equal(again, b) {
			t.Errorf("%v: second marshal differs", format)
		}
		f, err := ParseRegFile(b)
		if err != nil {
			t.Fatal(err)
		}
		if f.Format != format {
			t.Errorf("format %v, want %v", f.Format, format)
		}
		if !bytes.Equal(f.Marshal(), b) {
			t.Errorf("%v: RegFile round trip not byte-exact", format)
		}
	}
}

func TestRegedit5MultiSZIsUTF16(t *testing.T) {
	b := seedKey().Marshal(Regedit5)
	text := bin.UTF16(b[2:])
	// \\O = 5c,00,5c,00,4f,00 in UTF-16LE.
	if !strings.Contains(text, `"EDB_RstMap"=hex(7):5c,00,5c,00,4f,00,4c,00,44,00,53,00,45,00,52,00,56,00,45,\`+"\r\n  00,52,00,") {
		t.Errorf("v5 hex(7) is not UTF-16LE or not wrapped like regedit:\n%s", text)
	}
}

// A file as a person or regedit on another machine might leave it:
// LF line ends, comments, different wrapping with odd indentation, upper
// case hex, spaces around '=', a deletion section, a default value and a
// deleted value.
const tolerantFile = "\n\nREGEDIT4\n" +
	"; saved before deleting the key, as KB Q200941 advises\n" +
	"[-HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\Old]\n" +
	"\n" +
	"[HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\MSExchangeIS\\Restore in Progress]\n" +
	"@=\"default\"\n" +
	"\"Obsolete\"=-\n" +
	"\"EDB_RstMap\" = hex(7):5C,5C,4F,4C,44,53,45,52,56,45,52,5c,63,24,5c,65,78,63,68,73,72,76,72,5c,\\\n" +
	"      4d,44,42,44,41,54,41,5c,50,52,49,56,2e,45,44,42,00,\\\n" +
	"; a comment between continuation lines\n" +
	"\t5c,5c,4e,45,57,53,45,52,56,45,52,5c,64,24,5c,65,78,63,68,73,72,76,72,5c,4d,44,42,44,\\\n" +
	"  41,54,41,5c,50,52,49,56,2e,45,44,42,00,00\n" +
	"\"LowLog Number\"=dword:36\n" +
	"\"EDB Database recovered\"=hex:01\n" +
	"\"Odd\"=hex(0):\n"

func TestParseTolerant(t *testing.T) {
	f, err := ParseRegFile([]byte(tolerantFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Keys) != 2 || !f.Keys[0].Delete || f.Keys[1].Delete {
		t.Fatalf("keys = %+v", f.Keys)
	}
	k, err := FromRegFile(f)
	if err != nil {
		t.Fatal(err)
	}
	if k.Service != ServiceIS {
		t.Errorf("service %q", k.Service)
	}
	want := []string{`\\OLDSERVER\c$\exchsrvr\MDBDATA\PRIV.EDB`, `\\NEWSERVER\d$\exchsrvr\MDBDATA\PRIV.EDB`}
	if d := cmp.Diff(want, k.RstMap); d != "" {
		t.Errorf("RstMap: %s", d)
	}
	if k.LowLog != 0x36 || !k.Recovered {
		t.Errorf("LowLog %x recovered %v", k.LowLog, k.Recovered)
	}
	vals := f.Keys[1].Values
	if !vals[0].Default || vals[0].String() != "default" || !vals[1].Delete || vals[1].Name != "Obsolete" {
		t.Errorf("default/delete values: %+v %+v", vals[0], vals[1])
	}
	if last := vals[len(vals)-1]; last.Type != RegNone || len(last.Data) != 0 {
		t.Errorf("hex(0) value: %+v", last)
	}
}

func TestParseCRLFRegedit5WithoutBOM(t *testing.T) {
	text := "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeDS\\Restore in Progress]\r\n\"HighLog Number\"=dword:0000003f\r\n"
	f, err := ParseRegFile(bin.AppendUTF16(nil, text))
	if err != nil {
		t.Fatal(err)
	}
	k, err := FromRegFile(f)
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != Regedit5 || k.Service != ServiceDS || k.HighLog != 0x3f {
		t.Errorf("format %v service %q HighLog %x", f.Format, k.Service, k.HighLog)
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]string{
		"empty":          "",
		"no header":      "[HKEY_LOCAL_MACHINE\\X]\r\n",
		"value first":    "REGEDIT4\r\n\"a\"=dword:1\r\n",
		"bad key":        "REGEDIT4\r\n[HKEY_LOCAL_MACHINE\\X\r\n",
		"bad dword":      "REGEDIT4\r\n[K]\r\n\"a\"=dword:123456789\r\n",
		"bad hex":        "REGEDIT4\r\n[K]\r\n\"a\"=hex:1,zz\r\n",
		"bad hex type":   "REGEDIT4\r\n[K]\r\n\"a\"=hex(q):00\r\n",
		"unclosed name":  "REGEDIT4\r\n[K]\r\n\"a=dword:1\r\n",
		"no equals":      "REGEDIT4\r\n[K]\r\n\"a\" dword:1\r\n",
		"unknown form":   "REGEDIT4\r\n[K]\r\n\"a\"=qword:1\r\n",
		"trailing text":  "REGEDIT4\r\n[K]\r\n\"a\"=\"x\" y\r\n",
		"bare name":      "REGEDIT4\r\n[K]\r\nname=1\r\n",
		"empty key path": "REGEDIT4\r\n[]\r\n",
	}
	for name, text := range cases {
		_, err := ParseRegFile([]byte(text))
		var pe *ParseError
		if !errors.As(err, &pe) || !errors.Is(err, ErrSyntax) {
			t.Errorf("%s: err = %v, want a ParseError", name, err)
		}
	}
	if _, err := ParseKey([]byte("REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\r\n")); !errors.Is(err, ErrNoKey) {
		t.Errorf("file without the key: %v", err)
	}
}

func TestQuotedStringEscapes(t *testing.T) {
	f := &RegFile{Format: Regedit5, Keys: []RegKey{{Path: `HKEY_LOCAL_MACHINE\X`, Values: []RegValue{
		StringValue(`a "quoted" \ name`, `C:\path with "quotes"`),
		StringValue("multi", "line1\r\nline2"), // cannot be quoted: hex(1)
		{Name: "exp", Type: RegExpandSZ, Data: bin.AppendUTF16(nil, "%SystemRoot%\x00")},
		{Name: "dw", Type: RegDWord, Data: []byte{1, 2}}, // short dword: hex(4)
		{Name: "q", Type: RegQWord, Data: []byte{1, 2, 3, 4, 5, 6, 7, 8}},
	}}}}
	b := f.Marshal()
	g, err := ParseRegFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(f, g); d != "" {
		t.Errorf("round trip: %s", d)
	}
	text := bin.UTF16(b[2:])
	for _, want := range []string{`"a \"quoted\" \\ name"="C:\\path with \"quotes\""`, `"multi"=hex(1):`, `"exp"=hex(2):`, `"dw"=hex(4):01,02`, `"q"=hex(b):01,02`} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in\n%s", want, text)
		}
	}
}

func TestAllFromRegFile(t *testing.T) {
	ds := seedKey()
	ds.Path, ds.Service = KeyPath(ServiceDS), ServiceDS
	f := &RegFile{Format: Regedit5, Keys: []RegKey{
		{Path: ServicesPath + `\MSExchangeDS`},
		ds.RegFile(Regedit5).Keys[0],
		{Path: KeyPath(ServiceIS), Delete: true},
		seedKey().RegFile(Regedit5).Keys[0],
	}}
	g, err := ParseRegFile(f.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	keys := AllFromRegFile(g)
	if len(keys) != 2 || keys[0].Service != ServiceDS || keys[1].Service != ServiceIS || keys[1].HighLog != 0x3f {
		t.Errorf("keys: %+v", keys)
	}
}
