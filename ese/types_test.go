package ese

import (
	"testing"
	"time"
)

// KB Q296787: Last Consistent (4815,7337,400); the hexadecimal form names the
// generation 0x12CF.
func TestLogPosForms(t *testing.T) {
	p := LogPos{Generation: 4815, Sector: 7337, Offset: 400}
	if p.Decimal() != "(4815,7337,400)" || p.String() != "(0x12CF,1CA9,190)" {
		t.Errorf("forms %s %s", p.Decimal(), p)
	}
	for _, s := range []string{"(4815,7337,400)", "(0x12CF,1CA9,190)"} {
		q, err := ParseLogPos(s)
		if err != nil || q != p {
			t.Errorf("ParseLogPos(%q) = %v, %v", s, q, err)
		}
	}
	// KB Q200941's backup mark (58,1409,199) and the checkpoint of KB Q296787.
	if q, _ := ParseLogPos("(58,1409,199)"); q != (LogPos{Generation: 58, Sector: 1409, Offset: 199}) {
		t.Errorf("mark = %+v", q)
	}
	var b [8]byte
	p.Put(b[:])
	if DecodeLogPos(b[:]) != p || b != [8]byte{0x90, 0x01, 0xA9, 0x1C, 0xCF, 0x12, 0, 0} {
		t.Errorf("encoding % x", b)
	}
	c := LogPos{Generation: 4815, Sector: 8924, Offset: 112}
	if !p.Less(c) || c.Compare(p) != 1 || p.Compare(p) != 0 || !c.Less(LogPosMax) {
		t.Error("ordering")
	}
	if (LogPos{Generation: 1, Sector: 0xFFFF}).Compare(LogPos{Generation: 2}) != -1 {
		t.Error("generation must dominate")
	}
	if _, err := ParseLogPos("(1,2)"); err == nil {
		t.Error("short position parsed")
	}
}

// docs/types.md#logtime: bytes 34 0c 0e 17 03 7a fd 02 = 2022-03-23 14:12:52.254 UTC.
func TestLogTime(t *testing.T) {
	lt := LogTime{0x34, 0x0c, 0x0e, 0x17, 0x03, 0x7a, 0xfd, 0x02}
	want := time.Date(2022, 3, 23, 14, 12, 52, 254e6, time.UTC)
	if !lt.Time().Equal(want) || !lt.UTC() || lt.Millisecond() != 254 {
		t.Fatalf("Time() = %v", lt.Time())
	}
	if LogTimeOf(want) != lt {
		t.Errorf("LogTimeOf = % x", LogTimeOf(want))
	}
	if lt.String() != "3/23/2022 14:12:52" {
		t.Errorf("String() = %q", lt.String())
	}
	// KB Q200941's mark time prints as "8/19/1999 19:47:2".
	m := LogTimeOf(time.Date(1999, 8, 19, 19, 47, 2, 0, time.UTC))
	if m.String() != "8/19/1999 19:47:2" || !m.Valid() {
		t.Errorf("mark time %q", m.String())
	}
	if (LogTime{}).Time() != (time.Time{}) || !(LogTime{}).IsZero() {
		t.Error("null time")
	}
	if lt.Compare(m) != 1 || m.Compare(lt) != -1 || lt.Compare(lt) != 0 {
		t.Error("ordering")
	}
}

// KB Q296787: "Create time:12/29/2000 21:6:38 Rand:24842 Computer:".
func TestSignatureString(t *testing.T) {
	s := Signature{Random: 24842, Created: LogTimeOf(time.Date(2000, 12, 29, 21, 6, 38, 0, time.UTC))}
	if got := s.String(); got != "Create time:12/29/2000 21:6:38 Rand:24842 Computer:" {
		t.Errorf("String() = %q", got)
	}
	var b [28]byte
	s.Put(b[:])
	if d := DecodeSignature(b[:]); !d.Equal(s) || d.IsZero() {
		t.Error("round trip")
	}
	other := s
	other.Random++
	if s.Equal(other) {
		t.Error("different randoms compare equal")
	}
	copy(s.Computer[:], "EXCH01")
	if s.ComputerName() != "EXCH01" {
		t.Errorf("computer %q", s.ComputerName())
	}
}

func TestBackupInfoAndParams(t *testing.T) {
	bk := BackupInfo{Mark: LogPos{Generation: 58, Sector: 1409, Offset: 199}, GenLow: 0x36, GenHigh: 0x3f}
	var b [BackupInfoSize]byte
	bk.Put(b[:])
	if DecodeBackupInfo(b[:]) != bk || bk.IsZero() {
		t.Error("BKINFO round trip")
	}
	// The corpus file appdata/edb.chk carries DBMS_PARAM at offset 48
	// (docs/checkpoint.md#checkpoint-layout).
	chk := corpus(t, "appdata/edb.chk")
	p := DecodeDBMSParam(chk[48:])
	if !p.CircularLogging() || p.MaxSessions != 30000 || p.LogBuffers != 1 || p.LogFileSectors != 128 || p.CacheSizeMax != 2048 || p.MaxCursors != 0x7FFFFFFF {
		t.Errorf("DBMS_PARAM = %+v", p)
	}
	if got := p.SystemPathString(); len(got) == 0 || got[len(got)-6:] != `\EDGE\` {
		t.Errorf("system path ends %q", got)
	}
	out := make([]byte, DBMSParamSize)
	p.Put(out)
	if string(out) != string(chk[48:48+DBMSParamSize]) {
		t.Error("DBMS_PARAM does not re-encode byte-exact")
	}
}

func TestEnumStrings(t *testing.T) {
	if DBStateDirtyShutdown.String() != "DirtyShutdown" || DBState(99).String() != "DBState(99)" {
		t.Error("DBState names")
	}
	if FileTypeCheckpoint.String() != "Checkpoint" || BackupOSSnapshot.String() != "OSSnapshot" {
		t.Error("FileType/BackupType names")
	}
	// Page 1 of IndexedDB.edb: flags 0xA803 (the corpus file's value; docs/pages.md#page-flags).
	if got := PageFlags(0xA803).String(); got != "Root|Leaf|NewRecordFormat|NewChecksumFormat|FlushType1" {
		t.Errorf("flags = %q", got)
	}
}
