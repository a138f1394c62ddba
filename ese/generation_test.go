package ese

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
)

func TestGenerationForms(t *testing.T) {
	g := Generation(0x51)
	if s := g.String(); s != "0x51" {
		t.Errorf("String = %q, want 0x51", s)
	}
	if s := fmt.Sprint(Generation(0x12CF)); s != "0x12CF" {
		t.Errorf("Sprint = %q, want 0x12CF", s)
	}
	if s := fmt.Sprintf("%d", g); s != "81" {
		t.Errorf("%%d = %q, want 81", s)
	}
	for format, want := range map[string]string{"%v": "0x51", "%s": "0x51", "%6v": "  0x51", "0x%X": "0x51", "%#x": "0x51", "%d": "81", "%04d": "0081"} {
		if s := fmt.Sprintf(format, g); s != want {
			t.Errorf("Sprintf(%q) = %q, want %q", format, s, want)
		}
	}
	if s := fmt.Sprintf("0x%X %d", Generation(-1), Generation(-1)); s != "0xFFFFFFFF -1" {
		t.Errorf("generation -1 prints %q", s)
	}
	if b, _ := g.MarshalText(); string(b) != "0x51" {
		t.Errorf("MarshalText = %s, want 0x51", b)
	}
	b, err := json.Marshal(struct {
		G Generation `json:"g"`
	}{g})
	if err != nil || string(b) != `{"g":81}` {
		t.Errorf("json = %s, %v; want {\"g\":81}", b, err)
	}
	// A LogPos's generation prints the same way.
	if p := (LogPos{Generation: 0x51, Sector: 0x1CA9, Offset: 0x190}); p.String() != "("+g.String()+",1CA9,190)" {
		t.Errorf("LogPos %s does not print generation as %s", p, g)
	}
}

func TestGenerationParse(t *testing.T) {
	for in, want := range map[string]Generation{
		`81`: 81, `"81"`: 81, `"0x51"`: 0x51, `"0X51"`: 0x51, `0`: 0, `"0x7FFFFFFF"`: 0x7FFFFFFF, `"0xFFFFFFFF"`: -1, `-1`: -1,
	} {
		var g Generation
		if err := json.Unmarshal([]byte(in), &g); err != nil || g != want {
			t.Errorf("UnmarshalJSON(%s) = %d, %v; want %d", in, g, err, want)
		}
	}
	var g Generation
	if err := g.UnmarshalText([]byte("0x1ab9")); err != nil || g != 0x1AB9 {
		t.Errorf("UnmarshalText(0x1ab9) = %d, %v", g, err)
	}
	for _, bad := range []string{`""`, `"0x"`, `"0x100000000"`, `"2147483648"`, `"51h"`, `1.5`, `true`} {
		err := json.Unmarshal([]byte(bad), &g)
		if !errors.Is(err, ErrInvalidParameter) {
			t.Errorf("UnmarshalJSON(%s) = %v, want ErrInvalidParameter", bad, err)
		}
	}
}
