package ese

import (
	"errors"
	"testing"
	"unicode/utf16"
)

func utf16Units(s string) int { return len(utf16.Encode([]rune(s))) }

// docs/logs.md#attach-list: the attach list of the corpus file appdata/edb0000D.log at offset 671.
func TestAttachListEdb0000D(t *testing.T) {
	log := corpus(t, "appdata/edb0000D.log")
	area := log[671 : 671+AttachListSize]
	list, used, err := DecodeAttachList(area)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("got %d entries, want 2", len(list))
	}
	a, b := list[0], list[1]
	if a.DBID != 1 || a.Flags != 0x60 || len(a.Names) != 230 || a.DBTime != 0x29D || a.LastObjectID != 14 {
		t.Errorf("entry 0 = dbid %d flags %#x names %d dbtime %#x objid %d", a.DBID, a.Flags, len(a.Names), a.DBTime, a.LastObjectID)
	}
	if a.AttachPos != (LogPos{Generation: 0xA, Sector: 92, Offset: 616}) || a.ConsistentPos != (LogPos{Generation: 0xA, Sector: 90, Offset: 49}) {
		t.Errorf("entry 0 positions %v %v", a.AttachPos, a.ConsistentPos)
	}
	if a.DbSignature.Random != 0x832091FC || b.DbSignature.Random != 0x6257A652 {
		t.Errorf("signatures %#x %#x", a.DbSignature.Random, b.DbSignature.Random)
	}
	if b.DBID != 2 || len(b.Names) != 238 || b.AttachPos != (LogPos{Generation: 0xA, Sector: 93, Offset: 54}) {
		t.Errorf("entry 1 = %+v", b)
	}
	if p := a.Path(); utf16Units(p) != 114 || p[len(p)-len(`\CacheStorage.edb`):] != `\CacheStorage.edb` {
		t.Errorf("entry 0 path has %d units", utf16Units(p))
	}
	// The list ends with its terminator at 0x4F3 (file offset).
	if 671+used != 0x4F3+1 {
		t.Errorf("list used %d bytes, ends at %#x", used, 671+used-1)
	}
	out := make([]byte, AttachListSize)
	copy(out, area)
	if _, err := EncodeAttachList(out, list); err != nil {
		t.Fatal(err)
	}
	if string(out) != string(area) {
		t.Error("attach list does not re-encode byte-exact")
	}
}

func TestAttachListHostile(t *testing.T) {
	area := make([]byte, 100)
	area[0] = 1
	area[2], area[3] = 0xFF, 0xFF // name size runs past the area
	if _, _, err := DecodeAttachList(area); err == nil {
		t.Fatal("no error for an overlong name")
	}
	for i := range area {
		area[i] = 0x11
	}
	if _, _, err := DecodeAttachList(area[:64]); err == nil {
		t.Fatal("no error for an unterminated list")
	}
	list, used, err := DecodeAttachList([]byte{0})
	if err != nil || len(list) != 0 || used != 1 {
		t.Fatalf("empty list: %v %d %v", list, used, err)
	}
}

// Decoding errors are FormatErrors wrapping ErrLogFileCorrupt; encoding
// errors (the caller's list) wrap ErrInvalidParameter.
func TestAttachListErrors(t *testing.T) {
	area := make([]byte, 100)
	area[0] = 1
	area[2], area[3] = 0xFF, 0xFF
	var fe *FormatError
	if _, _, err := DecodeAttachList(area); !errors.As(err, &fe) || !errors.Is(err, ErrLogFileCorrupt) || fe.Offset != 0 {
		t.Errorf("overlong name: %v", err)
	}
	if _, _, err := DecodeAttachList(area[:1]); !errors.Is(err, ErrLogFileCorrupt) {
		t.Errorf("truncated entry: %v", err)
	}
	for name, list := range map[string][]AttachInfo{
		"dbid 0":    {{DBID: 0}},
		"long name": {{DBID: 1, Names: make([]byte, 0x10000)}},
		"too big":   {{DBID: 1, Names: make([]byte, 40)}},
	} {
		if _, err := EncodeAttachList(make([]byte, 100), list); !errors.Is(err, ErrInvalidParameter) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
