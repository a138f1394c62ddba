package ese

import (
	"errors"
	"fmt"
	"testing"
)

// KB Q200941: "3355443730 (decimal) or 0xc8000212 (hexadecimal) ... During an
// ordinary startup ... 4294966766 or 0xfffffdee. All of these error numbers
// correspond to -530 (JET_errBadLogSignature)."
func TestErrorFormsQ200941(t *testing.T) {
	e := ErrBadLogSignature
	if e.Code() != -530 || e.Unsigned() != 4294966766 || e.Unsigned() != 0xFFFFFDEE {
		t.Errorf("ordinary forms of -530: %d %d", e.Code(), e.Unsigned())
	}
	if e.HardRecovery() != 3355443730 || e.HardRecovery() != 0xC8000212 {
		t.Errorf("hard-recovery form of -530 = %d (%#x)", e.HardRecovery(), e.HardRecovery())
	}
	want := []string{"-530", "4294966766", "0xFFFFFDEE", "3355443730", "0xC8000212"}
	if got := e.Forms(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Forms = %v, want %v", got, want)
	}
	for _, s := range append(want, "0xfffffdee", "0xc8000212", "JET_errBadLogSignature", "badlogsignature", " -530 ", "530") {
		got, err := ParseError(s)
		if err != nil || got != ErrBadLogSignature {
			t.Errorf("ParseError(%q) = %v, %v", s, got, err)
		}
	}
	// The printed forms of -528 (docs/errors.md).
	m := ErrMissingLogFile
	if m.Unsigned() != 0xFFFFFDF0 || m.HardRecovery() != 0xC8000210 || m.Name() != "JET_errMissingLogFile" {
		t.Errorf("-528 forms: %#x %#x %s", m.Unsigned(), m.HardRecovery(), m.Name())
	}
}

func TestErrorParseRejects(t *testing.T) {
	for _, s := range []string{"", "0x12345678", "12345678", "JET_errNoSuchThing", "0xZZ", "0xC8001000", "-99999999999"} {
		if e, err := ParseError(s); !errors.Is(err, ErrInvalidParameter) {
			t.Errorf("ParseError(%q) = %v, %v; want an error wrapping ErrInvalidParameter", s, e, err)
		}
	}
	for _, s := range []string{"", "(1,2)", "(0x1,10000,0)", "(4294967296,0,0)", "x"} {
		if p, err := ParseLogPos(s); !errors.Is(err, ErrInvalidParameter) {
			t.Errorf("ParseLogPos(%q) = %v, %v; want an error wrapping ErrInvalidParameter", s, p, err)
		}
	}
}

func TestErrorWrapping(t *testing.T) {
	err := fmt.Errorf("replay stopped: %w", NewFormatError("log header", 0, ErrLogFileCorrupt, "bad checksum"))
	if !errors.Is(err, ErrLogFileCorrupt) || errors.Is(err, ErrMissingLogFile) {
		t.Fatalf("errors.Is does not see the wrapped code in %v", err)
	}
	var je Error
	if !errors.As(err, &je) || je != -501 {
		t.Fatalf("errors.As gave %v", je)
	}
	if got := ErrLogFileCorrupt.Error(); got != "JET_errLogFileCorrupt (-501): log file header or segment checksum or structure is bad" {
		t.Errorf("Error() = %q", got)
	}
	if got := Error(-9999).Error(); got != "JET_err(-9999) (-9999)" {
		t.Errorf("unknown code prints %q", got)
	}
	// Every code of docs/errors.md has a name and a round trip through each form.
	for _, e := range KnownErrors() {
		for _, f := range e.Forms() {
			if got, err := ParseError(f); err != nil || got != e {
				t.Errorf("%s: form %q parses to %v, %v", e.Name(), f, got, err)
			}
		}
		if got, err := ParseError(e.Name()); err != nil || got != e {
			t.Errorf("name %q parses to %v, %v", e.Name(), got, err)
		}
	}
}
