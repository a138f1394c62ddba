package fuzz

import (
	"encoding"
	"encoding/json"
	"testing"

	"github.com/esekit/esekit/ese"
)

// FuzzEseText feeds any text to the text and JSON forms of the ese types:
// no panic, every error wraps an ese.Error, and what a type reads it
// writes back to the same value (for LogTime: to the same text).
func FuzzEseText(f *testing.F) {
	for _, s := range []string{"2022-03-23T14:12:52.254Z", "", "000000010d640100", "0200000001640000", "02000000016401ff", "(0x12CF,1CA9,190)", "(4815,7337,400)",
		"DirtyShutdown", "DBState(9)", "JET_errBadLogSignature (-530)", "JET_err(-9999) (-9999)", "0xC8000212",
		`{"random":1,"created":"1999-08-19T19:47:02.000Z","computer":"SRV"}`, `{"code":-530,"name":"x"}`, "-528"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var lt ese.LogTime
		if err := lt.UnmarshalText([]byte(s)); err != nil {
			wantEseError(t, "LogTime", err)
		} else {
			// The text is a fixed point; the bytes may gain the UTC flag
			// and lose reserved bits (a time read from raw hex).
			b, _ := lt.MarshalText()
			var back ese.LogTime
			if err := back.UnmarshalText(b); err != nil {
				t.Fatalf("LogTime %q -> %v -> %q: %v", s, lt[:], b, err)
			}
			if b2, _ := back.MarshalText(); string(b2) != string(b) || back.Compare(lt) != 0 {
				t.Fatalf("LogTime %q -> %v -> %q -> %v -> %q", s, lt[:], b, back[:], b2)
			}
		}
		textRoundTrip[ese.LogPos](t, "LogPos", s)
		textRoundTrip[ese.DBState](t, "DBState", s)
		textRoundTrip[ese.Error](t, "Error", s)
		var e ese.Error
		if e.UnmarshalText([]byte(s)) == nil {
			j, _ := json.Marshal(e)
			var back ese.Error
			if err := json.Unmarshal(j, &back); err != nil || back != e {
				t.Fatalf("Error %q -> %d -> %s -> %d, %v", s, e, j, back, err)
			}
		}
		var sg ese.Signature
		if err := json.Unmarshal([]byte(s), &sg); err == nil {
			j, _ := json.Marshal(sg)
			var back ese.Signature
			if err := json.Unmarshal(j, &back); err != nil {
				t.Fatalf("Signature %q -> %s: %v", s, j, err)
			}
			// A computer name with bytes that are not UTF-8 is replaced in
			// JSON; everything else comes back.
			if back.Random != sg.Random || back.Created != sg.Created {
				t.Fatalf("Signature %q -> %s -> %+v", s, j, back)
			}
		}
	})
}

// textRoundTrip reads s into a T: an error must wrap an ese.Error, and a
// value read must write a text that reads back to the same value.
func textRoundTrip[T comparable, PT interface {
	*T
	encoding.TextMarshaler
	encoding.TextUnmarshaler
}](t *testing.T, what, s string) {
	t.Helper()
	var v T
	if err := PT(&v).UnmarshalText([]byte(s)); err != nil {
		wantEseError(t, what, err)
		return
	}
	b, _ := PT(&v).MarshalText()
	var back T
	if err := PT(&back).UnmarshalText(b); err != nil || back != v {
		t.Fatalf("%s %q -> %v -> %q -> %v, %v", what, s, v, b, back, err)
	}
}
