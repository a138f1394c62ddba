package rip

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/esekit/esekit/internal/bin"
)

// RegFormat is the dialect of a registry export file.
type RegFormat int

const (
	// Regedit5 is "Windows Registry Editor Version 5.00": UTF-16LE text
	// with a byte-order mark, string data (hex(2), hex(7)) in UTF-16LE.
	Regedit5 RegFormat = iota
	// Regedit4 is "REGEDIT4": ANSI text; regedit converts the string data
	// it writes as hex(2) and hex(7) to ANSI bytes too (one byte per
	// character). This package reads and writes the ANSI text as
	// Windows-1252 and writes '?' for characters the code page lacks, as
	// regedit does. Some regedit builds wrote hex(2)/hex(7) data of a
	// REGEDIT4 file in UTF-16LE instead; ParseRegFile recognises it.
	Regedit4
)

// Header lines of the two dialects.
const (
	Regedit5Header = "Windows Registry Editor Version 5.00"
	Regedit4Header = "REGEDIT4"
)

// String returns the dialect's header line.
func (f RegFormat) String() string {
	if f == Regedit4 {
		return Regedit4Header
	}
	return Regedit5Header
}

// MarshalText writes "regedit4" or "regedit5".
func (f RegFormat) MarshalText() ([]byte, error) {
	if f == Regedit4 {
		return []byte("regedit4"), nil
	}
	return []byte("regedit5"), nil
}

// ValueType is a registry value type (REG_*).
type ValueType uint32

// Registry value types.
const (
	RegNone      ValueType = 0
	RegSZ        ValueType = 1
	RegExpandSZ  ValueType = 2
	RegBinary    ValueType = 3
	RegDWord     ValueType = 4
	RegDWordBE   ValueType = 5
	RegLink      ValueType = 6
	RegMultiSZ   ValueType = 7
	RegQWord     ValueType = 11
	regTypeNames           = "REG_NONE REG_SZ REG_EXPAND_SZ REG_BINARY REG_DWORD REG_DWORD_BIG_ENDIAN REG_LINK REG_MULTI_SZ REG_RESOURCE_LIST REG_FULL_RESOURCE_DESCRIPTOR REG_RESOURCE_REQUIREMENTS_LIST REG_QWORD"
)

// String returns the REG_* name, or REG_0xN for types without one.
func (t ValueType) String() string {
	names := strings.Fields(regTypeNames)
	if int(t) < len(names) {
		return names[t]
	}
	return fmt.Sprintf("REG_0x%X", uint32(t))
}

// MarshalText writes the REG_* name.
func (t ValueType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads a REG_* name or a number.
func (t *ValueType) UnmarshalText(b []byte) error {
	s := string(b)
	for i, n := range strings.Fields(regTypeNames) {
		if strings.EqualFold(n, s) {
			*t = ValueType(i)
			return nil
		}
	}
	s = strings.TrimPrefix(strings.TrimPrefix(s, "REG_"), "0x")
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return fmt.Errorf("rip: unknown registry type %q", b)
	}
	*t = ValueType(v)
	return nil
}

// RegFile is a parsed registry export (.reg) file.
type RegFile struct {
	// Format is the dialect named by the header line.
	Format RegFormat `json:"format"`
	// Keys are the key sections in file order.
	Keys []RegKey `json:"keys"`
}

// RegKey is one "[path]" section.
type RegKey struct {
	// Path is the full key path as written between the brackets, e.g.
	// HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\MSExchangeIS\Restore in Progress.
	Path string `json:"path"`
	// Delete is set for "[-path]": the import deletes the key.
	Delete bool `json:"delete,omitempty"`
	// Values are the value lines in file order.
	Values []RegValue `json:"values,omitempty"`
}

// RegValue is one value line.
type RegValue struct {
	// Name is the value name; "" with Default set is the default value "@".
	Name string
	// Default marks the unnamed default value ("@=").
	Default bool
	// Delete is set for "name"=-: the import deletes the value.
	Delete bool
	// Type is the registry type.
	Type ValueType
	// Data is the value as the registry stores it: strings (REG_SZ,
	// REG_EXPAND_SZ, REG_MULTI_SZ) as UTF-16LE with their NUL terminators,
	// REG_DWORD as 4 little-endian bytes, others as raw bytes. Data read
	// from a REGEDIT4 file is converted to this form.
	Data []byte
	// Problem says, in one message, what in the value's line or data could
	// not be decoded faithfully (bytes undefined in Windows-1252, string
	// data that is neither ANSI nor UTF-16LE text); "" when there is
	// nothing. Validate reports it as one CodeUndecodable problem.
	Problem string
}

// String returns the data of a string value without its terminator.
func (v RegValue) String() string {
	return bin.UTF16String(v.Data)
}

// Strings returns the lines of a multi-string value: the NUL-separated
// strings before the terminating empty string.
func (v RegValue) Strings() []string {
	s := bin.UTF16(v.Data)
	s = strings.TrimSuffix(s, "\x00")
	s = strings.TrimSuffix(s, "\x00")
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "\x00")
}

// DWord returns a 4-byte value as a little-endian u32 (big-endian for
// REG_DWORD_BIG_ENDIAN) and false when Data is not 4 bytes.
func (v RegValue) DWord() (uint32, bool) {
	if len(v.Data) != 4 {
		return 0, false
	}
	if v.Type == RegDWordBE {
		return binary.BigEndian.Uint32(v.Data), true
	}
	return binary.LittleEndian.Uint32(v.Data), true
}

// MarshalJSON gives {"name","type","value"} with value decoded by type: a
// string, a list of strings, a number, or lowercase hex for other types.
func (v RegValue) MarshalJSON() ([]byte, error) {
	out := struct {
		Name    string    `json:"name"`
		Default bool      `json:"default,omitempty"`
		Delete  bool      `json:"delete,omitempty"`
		Type    ValueType `json:"type"`
		Value   any       `json:"value,omitempty"`
		Problem string    `json:"problem,omitempty"`
	}{Name: v.Name, Default: v.Default, Delete: v.Delete, Type: v.Type, Problem: v.Problem}
	if !v.Delete {
		switch v.Type {
		case RegSZ, RegExpandSZ:
			out.Value = v.String()
		case RegMultiSZ:
			out.Value = v.Strings()
		case RegDWord, RegDWordBE:
			if d, ok := v.DWord(); ok {
				out.Value = d
			} else {
				out.Value = hex.EncodeToString(v.Data)
			}
		default:
			out.Value = hex.EncodeToString(v.Data)
		}
	}
	return json.Marshal(out)
}

// StringValue builds a REG_SZ value.
func StringValue(name, s string) RegValue {
	return RegValue{Name: name, Type: RegSZ, Data: bin.AppendUTF16(nil, s+"\x00")}
}

// MultiStringValue builds a REG_MULTI_SZ value from its lines.
func MultiStringValue(name string, lines []string) RegValue {
	s := strings.Join(lines, "\x00") + "\x00\x00"
	if len(lines) == 0 {
		s = "\x00"
	}
	return RegValue{Name: name, Type: RegMultiSZ, Data: bin.AppendUTF16(nil, s)}
}

// DWordValue builds a REG_DWORD value.
func DWordValue(name string, d uint32) RegValue {
	return RegValue{Name: name, Type: RegDWord, Data: binary.LittleEndian.AppendUint32(nil, d)}
}

// BinaryValue builds a REG_BINARY value.
func BinaryValue(name string, b []byte) RegValue {
	return RegValue{Name: name, Type: RegBinary, Data: append([]byte{}, b...)}
}

// MaxRegFileSize bounds the input ParseRegFile accepts (registry exports
// of one key are a few KiB; whole-hive exports stay well below this).
const MaxRegFileSize = 64 << 20

// ErrSyntax is wrapped by every ParseError.
var ErrSyntax = errors.New("rip: .reg syntax error")

// ParseError reports a line of a .reg file that does not parse.
type ParseError struct {
	// Line is the 1-based physical line number where the problem starts.
	Line int `json:"line"`
	// Msg says what is wrong.
	Msg string `json:"message"`
}

func (e *ParseError) Error() string { return fmt.Sprintf("rip: .reg line %d: %s", e.Line, e.Msg) }

// Unwrap returns ErrSyntax.
func (e *ParseError) Unwrap() error { return ErrSyntax }

// decodeText turns the file bytes into text: UTF-16LE (with a byte-order
// mark, or recognised by a NUL second byte), UTF-8 with a byte-order mark,
// otherwise ANSI read as Windows-1252. It returns the text and whether it
// was UTF-16.
func decodeText(b []byte) (string, bool, error) {
	switch {
	case len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE:
		return bin.UTF16(b[2:]), true, nil
	case len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF:
		if !utf8.Valid(b[3:]) {
			return "", false, &ParseError{Line: 1, Msg: "invalid UTF-8"}
		}
		return string(b[3:]), false, nil
	case len(b) >= 2 && b[0] != 0 && b[1] == 0:
		return bin.UTF16(b), true, nil
	}
	return decodeCP1252(b), false, nil
}

// splitLines splits on CRLF, LF or CR.
func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Split(s, "\n")
}

// ParseRegFile parses a registry export in either dialect. It accepts what
// regedit writes: UTF-16LE with a BOM or ANSI text, CRLF (or LF) line ends,
// hex data split over lines with a trailing backslash and indented
// continuation lines, ";" comment lines, blank lines, "[-key]" and
// "name"=- deletions, "@" default values.
//
// REGEDIT4 files are read as Windows-1252. Their string data (hex(1),
// hex(2), hex(7)) is ANSI when it reads as well-formed ANSI text of its
// type (no NUL inside a REG_SZ/REG_EXPAND_SZ string, no empty string
// inside a REG_MULTI_SZ list); otherwise it is taken as UTF-16LE when it
// reads as well-formed UTF-16LE text of its type (even length, a final
// 0000 code unit, no unpaired surrogate, the same NUL rules on code
// units), as some regedit builds wrote it. Data that is neither, bytes
// undefined in Windows-1252, and version 5 string data that is not
// UTF-16LE are read as well as they can be and give the value one
// Problem.
func ParseRegFile(b []byte) (*RegFile, error) {
	if len(b) > MaxRegFileSize {
		return nil, &ParseError{Line: 1, Msg: fmt.Sprintf("file of %d bytes exceeds the %d-byte limit", len(b), MaxRegFileSize)}
	}
	text, _, err := decodeText(b)
	if err != nil {
		return nil, err
	}
	lines := splitLines(text)
	f := &RegFile{}
	i := 0
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	if i == len(lines) {
		return nil, &ParseError{Line: 1, Msg: "empty file: no REGEDIT4 or Windows Registry Editor header"}
	}
	switch strings.TrimSpace(lines[i]) {
	case Regedit5Header:
		f.Format = Regedit5
	case Regedit4Header:
		f.Format = Regedit4
	default:
		return nil, &ParseError{Line: i + 1, Msg: fmt.Sprintf("header %q is neither %q nor %q", trunc(lines[i]), Regedit4Header, Regedit5Header)}
	}
	i++
	var cur *RegKey
	for ; i < len(lines); i++ {
		lineNo := i + 1
		line := strings.TrimSpace(lines[i])
		if line == "" || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			if !strings.HasSuffix(line, "]") {
				return nil, &ParseError{Line: lineNo, Msg: "key line does not end with ]"}
			}
			p := line[1 : len(line)-1]
			k := RegKey{}
			if strings.HasPrefix(p, "-") {
				k.Delete = true
				p = p[1:]
			}
			k.Path = p
			if k.Path == "" {
				return nil, &ParseError{Line: lineNo, Msg: "empty key path"}
			}
			f.Keys = append(f.Keys, k)
			cur = &f.Keys[len(f.Keys)-1]
			continue
		}
		if cur == nil {
			return nil, &ParseError{Line: lineNo, Msg: "value line before any [key] line"}
		}
		// Join continuation lines of hex data; comment lines between
		// them are skipped.
		if strings.HasSuffix(line, "\\") && isHexData(line) {
			var jb strings.Builder
			jb.WriteString(line[:len(line)-1])
			for i+1 < len(lines) {
				i++
				next := strings.TrimSpace(lines[i])
				if next != "" && next[0] == ';' {
					continue
				}
				if strings.HasSuffix(next, "\\") {
					jb.WriteString(next[:len(next)-1])
					continue
				}
				jb.WriteString(next)
				break
			}
			line = jb.String()
		}
		v, err := parseValueLine(line, f.Format)
		if err != nil {
			return nil, &ParseError{Line: lineNo, Msg: err.Error()}
		}
		cur.Values = append(cur.Values, v)
	}
	return f, nil
}

func trunc(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

// isHexData reports whether a value line's data part is hex: the text after
// the name's closing quote (or @) and '=' starts with "hex".
func isHexData(line string) bool {
	_, rest, err := parseName(line)
	if err != nil {
		return false
	}
	rest = strings.TrimLeft(rest, " \t")
	if !strings.HasPrefix(rest, "=") {
		return false
	}
	rest = strings.TrimLeft(rest[1:], " \t")
	return len(rest) >= 3 && strings.EqualFold(rest[:3], "hex")
}

// parseName reads the value name at the start of line ("@" or a quoted
// string) and returns it with the remainder.
func parseName(line string) (RegValue, string, error) {
	var v RegValue
	if strings.HasPrefix(line, "@") {
		v.Default = true
		return v, line[1:], nil
	}
	if !strings.HasPrefix(line, `"`) {
		return v, "", fmt.Errorf("value line must start with \" or @: %q", trunc(line))
	}
	s, rest, err := parseQuoted(line)
	if err != nil {
		return v, "", err
	}
	v.Name = s
	return v, rest, nil
}

// parseQuoted reads a quoted string at the start of s (which begins with
// '"'), undoing regedit's escapes \\ and \" (and \n, \r, \0, \t).
func parseQuoted(s string) (string, string, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			return b.String(), s[i+1:], nil
		case '\\':
			if i+1 >= len(s) {
				return "", "", errors.New("backslash at end of line inside a quoted string")
			}
			i++
			switch s[i] {
			case '\\', '"':
				b.WriteByte(s[i])
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case '0':
				b.WriteByte(0)
			default:
				// regedit keeps an unknown escape as written
				b.WriteByte('\\')
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", "", errors.New("quoted string has no closing quote")
}

// parseValueLine parses one value line (continuations joined). In a
// REGEDIT4 file, bytes undefined in Windows-1252 anywhere in the line or
// in ANSI string data give the value one Problem, however many there are.
func parseValueLine(line string, format RegFormat) (RegValue, error) {
	v, ansi, err := parseValueData(line, format)
	if err == nil && format == Regedit4 {
		v.Problem = joinProblems(undefinedCP1252Problem(line+ansi), v.Problem)
	}
	return v, err
}

// joinProblems joins the non-empty messages with "; ".
func joinProblems(msgs ...string) string {
	var out []string
	for _, m := range msgs {
		if m != "" {
			out = append(out, m)
		}
	}
	return strings.Join(out, "; ")
}

// isStringType reports the types whose data is text: REG_SZ,
// REG_EXPAND_SZ and REG_MULTI_SZ.
func isStringType(t ValueType) bool { return t == RegSZ || t == RegExpandSZ || t == RegMultiSZ }

// parseValueData parses the value line; ansi is the text of string data
// read as ANSI from a REGEDIT4 file's hex bytes ("" otherwise).
func parseValueData(line string, format RegFormat) (v RegValue, ansi string, err error) {
	v, rest, err := parseName(line)
	if err != nil {
		return v, "", err
	}
	rest = strings.TrimLeft(rest, " \t")
	if !strings.HasPrefix(rest, "=") {
		return v, "", errors.New("missing = after the value name")
	}
	data := strings.TrimSpace(rest[1:])
	switch {
	case data == "-":
		v.Delete = true
		return v, ansi, nil
	case strings.HasPrefix(data, `"`):
		s, tail, err := parseQuoted(data)
		if err != nil {
			return v, "", err
		}
		if t := strings.TrimSpace(tail); t != "" && t[0] != ';' {
			return v, "", fmt.Errorf("text after the closing quote: %q", trunc(t))
		}
		v.Type = RegSZ
		v.Data = bin.AppendUTF16(nil, s+"\x00")
		if format == Regedit4 && strings.Contains(s, "\x00") {
			// A NUL inside the string cannot be written back as a
			// string: Marshal writes such data as hex(1) ANSI bytes, and
			// those bytes may read as the UTF-16LE that some regedit
			// builds wrote. The data is taken as those bytes read back,
			// so that parsing what Marshal writes gives the same value.
			v.Data, _, v.Problem = decodeRegedit4String(RegSZ, toANSI(v.Data))
		}
		return v, ansi, nil
	case len(data) >= 6 && strings.EqualFold(data[:6], "dword:"):
		h := stripComment(data[6:])
		if len(h) == 0 || len(h) > 8 {
			return v, "", fmt.Errorf("dword needs 1 to 8 hex digits, got %q", trunc(h))
		}
		d, err := strconv.ParseUint(h, 16, 32)
		if err != nil {
			return v, "", fmt.Errorf("bad dword %q", trunc(h))
		}
		v.Type = RegDWord
		v.Data = binary.LittleEndian.AppendUint32(nil, uint32(d))
		return v, ansi, nil
	case len(data) >= 3 && strings.EqualFold(data[:3], "hex"):
		rest := data[3:]
		v.Type = RegBinary
		if strings.HasPrefix(rest, "(") {
			end := strings.IndexByte(rest, ')')
			if end < 0 {
				return v, "", errors.New("hex( without )")
			}
			t, err := strconv.ParseUint(rest[1:end], 16, 32)
			if err != nil || end == 1 || end > 9 {
				return v, "", fmt.Errorf("bad type number in %q", trunc(rest[:end+1]))
			}
			v.Type = ValueType(t)
			rest = rest[end+1:]
		}
		if !strings.HasPrefix(rest, ":") {
			return v, "", errors.New("hex data needs a ':'")
		}
		raw, err := parseHexBytes(stripComment(rest[1:]))
		if err != nil {
			return v, "", err
		}
		v.Data = raw
		if isStringType(v.Type) {
			if format == Regedit4 {
				var utf16 bool
				v.Data, utf16, v.Problem = decodeRegedit4String(v.Type, raw)
				if !utf16 {
					ansi = decodeCP1252(raw)
				}
			} else if !validUTF16(raw) {
				v.Problem = fmt.Sprintf("%s data of %d bytes is not UTF-16LE text (odd length or an unpaired surrogate)", v.Type, len(raw))
			}
		}
		return v, ansi, nil
	}
	return v, "", fmt.Errorf("unknown data form %q (want \"string\", dword:, hex: or hex(N):)", trunc(data))
}

// stripComment drops a trailing ";comment" and spaces.
func stripComment(s string) string {
	if i := strings.IndexByte(s, ';'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// parseHexBytes reads comma-separated two-digit hex bytes; spaces between
// them are ignored and a trailing comma is allowed.
func parseHexBytes(s string) ([]byte, error) {
	out := make([]byte, 0, len(s)/3+1)
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if len(f) > 2 {
			return nil, fmt.Errorf("bad hex byte %q", trunc(f))
		}
		b, err := strconv.ParseUint(f, 16, 8)
		if err != nil {
			return nil, fmt.Errorf("bad hex byte %q", trunc(f))
		}
		out = append(out, byte(b))
	}
	return out, nil
}

// hexLineLimit is where regedit wraps hex data: once a line reaches 77
// characters it ends it with "\" and continues on a line indented by two
// spaces (so continuation lines carry 25 bytes).
const hexLineLimit = 77

// Marshal writes f in its dialect, as regedit would: the header line, a
// blank line, then each key line followed by its values and a blank line,
// CRLF line ends; Regedit5 output is UTF-16LE with a BOM, Regedit4 output
// is ANSI. REG_SZ values are written as quoted strings (hex(1) when they
// cannot be: no terminator, or embedded NUL/CR/LF), REG_DWORD as dword:,
// everything else as hex:/hex(N): wrapped at 77 columns. Parsing the output
// gives f back, and marshalling that again gives identical bytes.
func (f *RegFile) Marshal() []byte {
	var b strings.Builder
	b.WriteString(f.Format.String())
	b.WriteString("\r\n\r\n")
	for _, k := range f.Keys {
		b.WriteString("[")
		if k.Delete {
			b.WriteString("-")
		}
		b.WriteString(k.Path)
		b.WriteString("]\r\n")
		for _, v := range k.Values {
			writeValue(&b, v, f.Format)
		}
		b.WriteString("\r\n")
	}
	s := b.String()
	if f.Format == Regedit4 {
		return appendCP1252(make([]byte, 0, len(s)), s)
	}
	return bin.AppendUTF16([]byte{0xFF, 0xFE}, s)
}

// quote writes s as a quoted string with regedit's escapes \\ and \", and
// a CR, LF or NUL as the escape \r, \n or \0 that parseQuoted reads: a
// value name parsed from those escapes holds the character, and a CR or LF
// written as is would end the line.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", `\r`, "\n", `\n`, "\x00", `\0`)
	return `"` + r.Replace(s) + `"`
}

func writeValue(b *strings.Builder, v RegValue, format RegFormat) {
	var prefix string
	if v.Default {
		prefix = "@="
	} else {
		prefix = quote(v.Name) + "="
	}
	b.WriteString(prefix)
	if v.Delete {
		b.WriteString("-\r\n")
		return
	}
	switch v.Type {
	case RegSZ:
		if s, ok := quotable(v.Data); ok {
			b.WriteString(quote(s))
			b.WriteString("\r\n")
			return
		}
	case RegDWord:
		if d, ok := v.DWord(); ok {
			fmt.Fprintf(b, "dword:%08x\r\n", d)
			return
		}
	}
	data := v.Data
	if format == Regedit4 && isStringType(v.Type) {
		data = toANSI(data)
	}
	tag := "hex:"
	if v.Type != RegBinary {
		tag = fmt.Sprintf("hex(%x):", uint32(v.Type))
	}
	b.WriteString(tag)
	n := utf8.RuneCountInString(prefix) + len(tag)
	for i, c := range data {
		fmt.Fprintf(b, "%02x", c)
		if i == len(data)-1 {
			break
		}
		b.WriteByte(',')
		n += 3
		if n >= hexLineLimit {
			b.WriteString("\\\r\n  ")
			n = 2
		}
	}
	b.WriteString("\r\n")
}

// quotable reports whether REG_SZ data can be written as a quoted string
// and parse back to the same bytes: exactly one trailing NUL, no other NUL,
// no CR or LF, valid UTF-16.
func quotable(data []byte) (string, bool) {
	if len(data) < 2 || len(data)%2 != 0 {
		return "", false
	}
	s := bin.UTF16(data)
	if !strings.HasSuffix(s, "\x00") {
		return "", false
	}
	s = s[:len(s)-1]
	if strings.ContainsAny(s, "\x00\r\n\uFFFD") {
		return "", false
	}
	return s, true
}

// toANSI converts UTF-16LE data to one Windows-1252 byte per character
// ('?' for characters the code page lacks), as regedit does for REGEDIT4
// exports.
func toANSI(data []byte) []byte { return appendCP1252(nil, bin.UTF16(data)) }

// Key returns the first key section whose path equals path, compared
// without regard to case (registry paths are case-insensitive), or nil.
func (f *RegFile) Key(path string) *RegKey {
	for i := range f.Keys {
		if strings.EqualFold(f.Keys[i].Path, path) {
			return &f.Keys[i]
		}
	}
	return nil
}
