package ese

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"syscall"
	"testing"
)

// The log time of the appdata set's log signature: 23 March 2022
// 14:12:52.254 UTC, bytes as the engine writes them (UTC flag set,
// milliseconds 254 = 126 | 1<<7).
var appdataTime = LogTime{52, 12, 14, 23, 3, 122, 1 | 126<<1, 1 << 1}

func TestLogTimeText(t *testing.T) {
	for _, c := range []struct {
		t    LogTime
		text string
	}{
		{appdataTime, "2022-03-23T14:12:52.254Z"},
		{LogTime{2, 47, 19, 19, 8, 99, 1, 0}, "1999-08-19T19:47:02.000Z"},
		{LogTime{}, ""},
		// No calendar instant: month 13, 31 February, 1000 milliseconds.
		{LogTime{0, 0, 0, 1, 13, 100, 1, 0}, "000000010d640100"},
		{LogTime{0, 0, 0, 31, 2, 100, 1, 0}, "0000001f02640100"},
		{LogTime{0, 0, 0, 1, 1, 100, 1 | 0x68<<1, 7 << 1}, "000000010164d10e"},
	} {
		b, err := c.t.MarshalText()
		if err != nil || string(b) != c.text {
			t.Errorf("%v: MarshalText = %q, %v; want %q", c.t[:], b, err, c.text)
			continue
		}
		var u LogTime
		if err := u.UnmarshalText(b); err != nil || u != c.t {
			t.Errorf("%q: UnmarshalText = %v, %v; want %v", b, u[:], err, c.t[:])
		}
	}
	// A time without the UTC flag prints the same and comes back flagged.
	local := LogTime{2, 47, 19, 19, 8, 99, 0, 0}
	b, _ := local.MarshalText()
	var u LogTime
	if string(b) != "1999-08-19T19:47:02.000Z" || u.UnmarshalText(b) != nil || u != (LogTime{2, 47, 19, 19, 8, 99, 1, 0}) {
		t.Errorf("unflagged time: %q -> %v", b, u[:])
	}
	for _, s := range []string{"yesterday", "1899-12-31T23:59:59Z", "2156-01-01T00:00:00Z", "0d0c0b0a0000000"} {
		if err := u.UnmarshalText([]byte(s)); !errors.Is(err, ErrInvalidParameter) {
			t.Errorf("UnmarshalText(%q) = %v; want ErrInvalidParameter", s, err)
		}
	}
	// In JSON a LogTime is a string, not an array of 8 numbers.
	j, err := json.Marshal(struct{ T LogTime }{appdataTime})
	if err != nil || string(j) != `{"T":"2022-03-23T14:12:52.254Z"}` {
		t.Errorf("JSON %s, %v", j, err)
	}
}

func TestLogPosText(t *testing.T) {
	p := LogPos{Generation: 0x12CF, Sector: 0x1CA9, Offset: 0x190}
	b, err := p.MarshalText()
	if err != nil || string(b) != "(0x12CF,1CA9,190)" {
		t.Fatalf("MarshalText = %q, %v", b, err)
	}
	j, _ := json.Marshal(map[string]LogPos{"at": p, "max": LogPosMax})
	if string(j) != `{"at":"(0x12CF,1CA9,190)","max":"(0x7FFFFFFF,FFFF,FFFF)"}` {
		t.Errorf("JSON %s", j)
	}
	var q map[string]LogPos
	if err := json.Unmarshal(j, &q); err != nil || q["at"] != p || q["max"] != LogPosMax {
		t.Errorf("round trip %v, %v", q, err)
	}
	// The decimal form of eseutil's database header is read too.
	var d LogPos
	if err := d.UnmarshalText([]byte("(4815,7337,400)")); err != nil || d != p {
		t.Errorf("decimal form: %v, %v", d, err)
	}
	if err := d.UnmarshalText([]byte("(1,2)")); !errors.Is(err, ErrInvalidParameter) {
		t.Errorf("bad position: %v", err)
	}
}

func TestSignatureJSON(t *testing.T) {
	s := Signature{Random: 0x5E1755E7, Created: appdataTime}
	copy(s.Computer[:], "SRV01")
	j, err := json.Marshal(s)
	want := `{"random":1578587623,"created":"2022-03-23T14:12:52.254Z","computer":"SRV01"}`
	if err != nil || string(j) != want {
		t.Fatalf("JSON %s, %v; want %s", j, err, want)
	}
	var u Signature
	if err := json.Unmarshal(j, &u); err != nil || !u.Equal(s) {
		t.Errorf("round trip %+v, %v", u, err)
	}
	if err := json.Unmarshal([]byte(`{"random":1,"created":"","computer":"ABCDEFGHIJKLMNOP"}`), &u); !errors.Is(err, ErrInvalidParameter) {
		t.Errorf("16-byte computer name: %v", err)
	}
	j, _ = json.Marshal(Signature{})
	if string(j) != `{"random":0,"created":"","computer":""}` {
		t.Errorf("null signature: %s", j)
	}
}

func TestDBStateText(t *testing.T) {
	j, err := json.Marshal([]DBState{DBStateDirtyShutdown, DBStateCleanShutdown, 9})
	if err != nil || string(j) != `["DirtyShutdown","CleanShutdown","DBState(9)"]` {
		t.Fatalf("JSON %s, %v", j, err)
	}
	var back []DBState
	if err := json.Unmarshal(j, &back); err != nil || len(back) != 3 || back[0] != 2 || back[1] != 3 || back[2] != 9 {
		t.Errorf("round trip %v, %v", back, err)
	}
	var s DBState
	if err := s.UnmarshalText([]byte("cleanshutdown")); err != nil || s != DBStateCleanShutdown {
		t.Errorf("lower-case name: %v, %v", s, err)
	}
	for _, bad := range []string{"", "Dirty", "DBState(x)", "-1"} {
		if err := s.UnmarshalText([]byte(bad)); !errors.Is(err, ErrInvalidParameter) {
			t.Errorf("UnmarshalText(%q) = %v", bad, err)
		}
	}
}

func TestErrorText(t *testing.T) {
	if got := Error(0).Error(); got != "JET_errSuccess (0)" {
		t.Errorf("Error(0) prints %q", got)
	}
	for _, c := range []struct {
		e          Error
		text, json string
	}{
		{ErrBadLogSignature, "JET_errBadLogSignature (-530)", `{"code":-530,"name":"JET_errBadLogSignature"}`},
		{0, "JET_errSuccess (0)", `{"code":0,"name":"JET_errSuccess"}`},
		{-9999, "JET_err(-9999) (-9999)", `{"code":-9999,"name":"JET_err(-9999)"}`},
	} {
		b, _ := c.e.MarshalText()
		j, _ := json.Marshal(c.e)
		if string(b) != c.text || string(j) != c.json {
			t.Errorf("%d: text %q, JSON %s; want %q, %s", int32(c.e), b, j, c.text, c.json)
		}
		var u, v Error = 1, 1
		if err := u.UnmarshalText(b); err != nil || u != c.e {
			t.Errorf("UnmarshalText(%q) = %d, %v", b, u, err)
		}
		if err := json.Unmarshal(j, &v); err != nil || v != c.e {
			t.Errorf("UnmarshalJSON(%s) = %d, %v", j, v, err)
		}
	}
	// JSON written before Error had a JSON form (a bare code) and the
	// other printed forms still read.
	for in, want := range map[string]Error{`-528`: ErrMissingLogFile, `0`: 0, `"0xC8000212"`: ErrBadLogSignature,
		`"BadLogSignature"`: ErrBadLogSignature, `"JET_errSuccess"`: 0} {
		var e Error = 1
		if err := json.Unmarshal([]byte(in), &e); err != nil || e != want {
			t.Errorf("UnmarshalJSON(%s) = %d, %v; want %d", in, e, err, want)
		}
	}
	var e Error
	if err := e.UnmarshalText([]byte("JET_errMissingLogFile (-530)")); !errors.Is(err, ErrInvalidParameter) {
		t.Errorf("name and code disagree: %v", err)
	}
}

func TestCodeOf(t *testing.T) {
	for _, c := range []struct {
		err  error
		want Error
	}{
		{nil, 0},
		{fmt.Errorf("replay: %w", ErrMissingLogFile), ErrMissingLogFile},
		{fmt.Errorf("zero code: %w", Error(0)), ErrInternalError},
		{&fs.PathError{Op: "open", Path: "x", Err: syscall.EEXIST}, ErrFileAlreadyExists},
		{&fs.PathError{Op: "open", Path: "x", Err: syscall.ENOENT}, ErrFileNotFound},
		{&fs.PathError{Op: "open", Path: "x", Err: syscall.EACCES}, ErrFileAccessDenied},
		{&fs.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}, ErrDiskFull},
		{&fs.PathError{Op: "read", Path: "x", Err: syscall.EIO}, ErrDiskIO},
		{fmt.Errorf("header: %w", io.ErrUnexpectedEOF), ErrFileIOBeyondEOF},
		{errors.New("something else"), ErrInternalError},
	} {
		if got := CodeOf(c.err); got != c.want {
			t.Errorf("CodeOf(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// The database header's JSON has times, states, positions and signatures
// in their text forms, not byte arrays and numbers.
func TestDBHeaderJSON(t *testing.T) {
	h := DBHeader{State: DBStateDirtyShutdown, ConsistentTime: appdataTime,
		ConsistentPos: LogPos{Generation: 0x51, Sector: 8}, LogSignature: Signature{Random: 7}}
	j, err := json.Marshal(&h)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(j, &m); err != nil {
		t.Fatal(err)
	}
	sig, _ := m["LogSignature"].(map[string]any)
	if m["State"] != "DirtyShutdown" || m["ConsistentTime"] != "2022-03-23T14:12:52.254Z" ||
		m["ConsistentPos"] != "(0x51,8,0)" || sig["random"] != 7.0 || sig["created"] != "" {
		t.Errorf("DBHeader JSON: State %v, ConsistentTime %v, ConsistentPos %v, LogSignature %v",
			m["State"], m["ConsistentTime"], m["ConsistentPos"], m["LogSignature"])
	}
	var back DBHeader
	if err := json.Unmarshal(j, &back); err != nil || back.State != h.State || back.ConsistentTime != h.ConsistentTime ||
		back.ConsistentPos != h.ConsistentPos || back.LogSignature != h.LogSignature {
		t.Errorf("DBHeader round trip: %v", err)
	}
}
