package rip

import (
	"strings"
	"testing"
)

// seedEvidence is what ESEUTIL /MH PRIV.PAT shows in KB Q200941:
// "Current Full Backup: Log Gen: - 36-3f, Mark: (58,1409,199)", with two
// databases (PRIV.PAT and PUB.PAT).
var seedEvidence = &Evidence{PatchGenLow: 0x36, PatchGenHigh: 0x3f, PatchFiles: 2, HighestRestoredLog: 0x3f}

func TestSeedKeyIsValid(t *testing.T) {
	for _, format := range []RegFormat{Regedit4, Regedit5} {
		k, err := ParseKey(seedKey().Marshal(format))
		if err != nil {
			t.Fatal(err)
		}
		if p := Validate(k, seedEvidence); len(p) != 0 {
			t.Errorf("%v: KB Q200941's example key has problems: %v", format, p)
		}
	}
	if p := Validate(seedKey(), nil); len(p) != 0 {
		t.Errorf("typed key without evidence: %v", p)
	}
}

// replace returns seedKey's raw values with the named value replaced
// (or removed when v is nil).
func withValue(name string, v *RegValue) *Key {
	k := seedKey()
	var raw []RegValue
	for _, rv := range k.RegValues() {
		if rv.Name == name {
			if v != nil {
				raw = append(raw, *v)
			}
			continue
		}
		raw = append(raw, rv)
	}
	k.Raw = raw
	return k
}

func ptr(v RegValue) *RegValue { return &v }

func TestValidateRules(t *testing.T) {
	rstmap := func(lines ...string) *Key {
		return withValue(ValueRstMap, ptr(MultiStringValue(ValueRstMap, lines)))
	}
	const (
		oldPriv = `\\OLDSERVER\c$\exchsrvr\MDBDATA\PRIV.EDB`
		newPriv = `\\NEWSERVER\d$\exchsrvr\MDBDATA\PRIV.EDB`
		oldPub  = `\\OLDSERVER\c$\exchsrvr\MDBDATA\PUB.EDB`
		newPub  = `\\NEWSERVER\e$\exchsrvr\MDBDATA\PUB.EDB`
	)
	cases := []struct {
		name  string
		key   *Key
		ev    *Evidence
		code  string
		value string
		sev   Severity
		text  string // in the message
	}{
		{"pair count", rstmap(oldPriv, newPriv, oldPub), seedEvidence, CodeRstMapCount, ValueRstMap, SeverityError, "3 lines"},
		{"pair count, size 1", withValue(ValueRstMapSize, ptr(DWordValue(ValueRstMapSize, 1))), nil, CodeRstMapCount, ValueRstMap, SeverityError, "4 lines; EDB_RstMap Size 1 times 2 is 2"},
		{"size vs patch files", withValue(ValueRstMapSize, ptr(DWordValue(ValueRstMapSize, 1))), seedEvidence, CodeRstMapPatchFiles, ValueRstMapSize, SeverityError, "2 .pat files"},
		{"size range", withValue(ValueRstMapSize, ptr(DWordValue(ValueRstMapSize, 3))), nil, CodeRstMapSizeRange, ValueRstMapSize, SeverityError, "1 or 2"},
		{"case only", rstmap(oldPriv, strings.ToLower(oldPriv), oldPub, newPub), nil, CodeRstMapCaseOnly, ValueRstMap, SeverityWarning, "differ only in letter case"},
		{"typo in before server", rstmap(oldPriv, newPriv, `\\OLDSERVR\c$\exchsrvr\MDBDATA\PUB.EDB`, newPub), nil, CodeServerTypo, ValueRstMap, SeverityError, `"OLDSERVR", 1 letter(s) away from "OLDSERVER"`},
		{"typo in after server", withValue(ValueLogPath, ptr(StringValue(ValueLogPath, `\\NEWSEVER\f$\exchsrvr\mdbdata`))), nil, CodeServerTypo, ValueLogPath, SeverityError, `"NEWSEVER"`},
		{"different server", rstmap(oldPriv, newPriv, `\\THIRDBOX\c$\exchsrvr\MDBDATA\PUB.EDB`, newPub), nil, CodeServerMismatch, ValueRstMap, SeverityWarning, `"THIRDBOX"`},
		{"file differs", rstmap(oldPriv, newPub, oldPub, newPriv), nil, CodeRstMapFileDiffers, ValueRstMap, SeverityWarning, "PRIV.EDB, PUB.EDB"},
		{"empty line", rstmap(oldPriv, "", oldPub, newPub), nil, CodeRstMapEmptyLine, ValueRstMap, SeverityError, "line 2 is empty"},
		{"not a file", rstmap(`\\OLDSERVER\c$\exchsrvr\MDBDATA`, newPriv, oldPub, newPub), nil, CodeRstMapNotFile, ValueRstMap, SeverityWarning, "dbname.EDB"},
		{"rstmap not UNC", rstmap(`E:\EXCHSRVR\MDBDATA\PRIV.EDB`, newPriv, oldPub, newPub), nil, CodeNotUNC, ValueRstMap, SeverityError, `\\SERVERNAME\E$\EXCHSRVR\MDBDATA\PRIV.EDB`},
		{"logpath not UNC", withValue(ValueLogPath, ptr(StringValue(ValueLogPath, `f:\exchsrvr\mdbdata`))), nil, CodeNotUNC, ValueLogPath, SeverityError, "not a UNC path"},
		{"checkpoint not UNC", withValue(ValueCheckpointFilePath, ptr(StringValue(ValueCheckpointFilePath, `\\NEWSERVER`))), nil, CodeNotUNC, ValueCheckpointFilePath, SeverityError, "not a UNC path"},
		{"not a drive share", withValue(ValueLogPath, ptr(StringValue(ValueLogPath, `\\NEWSERVER\exchange\mdbdata`))), nil, CodeNotDriveShare, ValueLogPath, SeverityWarning, `share "exchange"`},
		{"key location", func() *Key {
			k := seedKey()
			k.Path = `HKEY_CURRENT_USER\Software\MSExchangeIS\Restore in Progress`
			return k
		}(), nil, CodeKeyLocation, "", SeverityError, "is not HKEY_LOCAL_MACHINE"},
		{"key location, nested", func() *Key {
			k := seedKey()
			k.Path = KeyPath(ServiceIS + `\ParametersSystem`)
			k.Service = ServiceIS
			return k
		}(), nil, CodeKeyLocation, "", SeverityError, "ParametersSystem"},
		{"backup log path", withValue(ValueBackupLogPath, ptr(StringValue(ValueBackupLogPath, `\\NEWSERVER\c$\oldlogs`))), nil, CodeBackupLogPath, ValueBackupLogPath, SeverityWarning, "not LogPath"},
		{"lowlog mismatch", withValue(ValueLowLog, ptr(DWordValue(ValueLowLog, 0x37))), seedEvidence, CodeLowLogMismatch, ValueLowLog, SeverityError, "Do not put any other number here"},
		{"lowlog zero", withValue(ValueLowLog, ptr(DWordValue(ValueLowLog, 0))), nil, CodeLowLogZero, ValueLowLog, SeverityError, "is 0"},
		{"highlog below backup", withValue(ValueHighLog, ptr(DWordValue(ValueHighLog, 0x3e))), seedEvidence, CodeHighLogBelowBackup, ValueHighLog, SeverityError, "3e is below the full backup's highest log 3f"},
		{"highlog below lowlog", withValue(ValueHighLog, ptr(DWordValue(ValueHighLog, 0x35))), nil, CodeHighLogBelowLowLog, ValueHighLog, SeverityError, "35 is below LowLog Number 36"},
		{"highlog above restored", withValue(ValueHighLog, ptr(DWordValue(ValueHighLog, 0x45))), seedEvidence, CodeHighLogAboveLogs, ValueHighLog, SeverityWarning, "above the highest log"},
		{"missing value", withValue(ValueCheckpointFilePath, nil), nil, CodeMissingValue, ValueCheckpointFilePath, SeverityError, "missing"},
		{"wrong type", withValue(ValueLowLog, ptr(StringValue(ValueLowLog, "36"))), nil, CodeWrongType, ValueLowLog, SeverityError, "value is REG_SZ; it must be REG_DWORD"},
		{"short dword", withValue(ValueHighLog, &RegValue{Name: ValueHighLog, Type: RegDWord, Data: []byte{0x3f}}), nil, CodeWrongType, ValueHighLog, SeverityError, "1 bytes"},
		{"recovered as dword", withValue(ValueRecovered, ptr(DWordValue(ValueRecovered, 0))), nil, CodeWrongType, ValueRecovered, SeverityError, "must be REG_BINARY"},
		{"recovered 02", withValue(ValueRecovered, ptr(BinaryValue(ValueRecovered, []byte{2}))), nil, CodeRecoveredValue, ValueRecovered, SeverityError, "data is 02"},
		{"recovered two bytes", withValue(ValueRecovered, ptr(BinaryValue(ValueRecovered, []byte{0, 0}))), nil, CodeRecoveredValue, ValueRecovered, SeverityError, "data is 0000"},
		{"misnamed LowLogNumber", withValue(ValueLowLog, ptr(DWordValue("LowLogNumber", 0x36))), nil, CodeMisnamedValue, "LowLogNumber", SeverityError, `exactly "LowLog Number"`},
		{"misnamed case", withValue(ValueRstMapSize, ptr(DWordValue("EDB_RstMap size", 2))), nil, CodeMisnamedValue, "EDB_RstMap size", SeverityError, "match the case"},
		{"unknown value", func() *Key { k := seedKey(); k.Raw = append(k.RegValues(), StringValue("Comment", "x")); return k }(), nil, CodeUnknownValue, "Comment", SeverityWarning, "no value of this name"},
		{"duplicate", func() *Key { k := seedKey(); k.Raw = append(k.RegValues(), DWordValue(ValueLowLog, 0x36)); return k }(), nil, CodeDuplicateValue, ValueLowLog, SeverityError, "more than once"},
		{"key name case", func() *Key {
			k := seedKey()
			k.Path = strings.Replace(k.Path, KeyName, "Restore In Progress", 1)
			return k
		}(), nil, CodeKeyName, "", SeverityWarning, "case-sensitive"},
		{"service", func() *Key { k := seedKey(); k.Service = "MSExchangeMTA"; return k }(), nil, CodeService, "", SeverityError, "MSExchangeMTA"},
		{"directory service size", func() *Key { k := seedKey(); k.Service = ServiceDS; return k }(), nil, CodeRstMapSizeDS, ValueRstMapSize, SeverityError, "directory service"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Through a .reg file too: the problem must survive the text form.
			for _, k := range []*Key{c.key, mustReparse(t, c.key)} {
				ps := Validate(k, c.ev)
				var hit *Problem
				for i := range ps {
					if ps[i].Code == c.code {
						hit = &ps[i]
						break
					}
				}
				if hit == nil {
					t.Fatalf("no %s problem; got %v", c.code, ps)
				}
				if hit.Value != c.value || hit.Severity != c.sev || !strings.Contains(hit.Message, c.text) {
					t.Errorf("problem = %+v; want value %q severity %s message containing %q", *hit, c.value, c.sev, c.text)
				}
			}
		})
	}
}

func mustReparse(t *testing.T, k *Key) *Key {
	t.Helper()
	k2, err := ParseKey(k.Marshal(Regedit5))
	if err != nil {
		t.Fatal(err)
	}
	k2.Service = k.Service // a test may set a service its path does not name
	return k2
}

func TestServerNumbersAreNotTypos(t *testing.T) {
	k := seedKey()
	k.RstMap = []string{`\\EXCH1\c$\m\PRIV.EDB`, `\\EXCH2\c$\m\PRIV.EDB`, `\\EXCH1\c$\m\PUB.EDB`, `\\EXCH2\c$\m\PUB.EDB`}
	k.LogPath, k.BackupLogPath, k.CheckpointFilePath = `\\EXCH2\f$\l`, `\\EXCH2\f$\l`, `\\EXCH2\c$\w`
	if p := Validate(k, nil); len(p) != 0 {
		t.Errorf("EXCH1 -> EXCH2 is a move, not a typo: %v", p)
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"OLDSERVER", "OLDSERVR", 1}, {"OLDSERVER", "NEWSERVER", 3}, {"NEWSERVER", "NEWSEVRER", 2}, {"", "ABC", 3}, {"ABC", "ABC", 0}} {
		if got := editDistance(c.a, c.b, 3); got != c.d {
			t.Errorf("editDistance(%q,%q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}

// manyServerKey is a hostile key: n EDB_RstMap lines, each naming its own
// server (names far apart from each other), then a typing-error pair.
func manyServerKey(n int) *Key {
	k := seedKey()
	k.RstMap = nil
	x := uint32(12345)
	for range n {
		name := make([]byte, 10)
		for j := range name {
			x = x*1664525 + 1013904223
			name[j] = 'A' + byte(x>>24)%26
		}
		k.RstMap = append(k.RstMap, `\\`+string(name)+`\c$\m\PRIV.EDB`)
	}
	k.RstMap = append(k.RstMap, `\\OLDSERVER\c$\m\PRIV.EDB`, `\\OLDSERVR\c$\m\PRIV.EDB`)
	return k
}

// The server near-miss check is quadratic in the number of distinct
// servers, so it only compares the first maxServerNames of them: a key with
// thousands of lines (already wrong) must not make Validate run for hours.
// A typing-error pair past the bound is not reported; inside it, it is.
func TestValidateBoundsServerComparison(t *testing.T) {
	typos := func(k *Key) int {
		n := 0
		for _, p := range Validate(k, nil) {
			if p.Code == CodeServerTypo {
				n++
			}
		}
		return n
	}
	if n := typos(manyServerKey(maxServerNames - 10)); n != 1 {
		t.Errorf("typo pair among %d servers: %d typo problems, want 1", maxServerNames-8, n)
	}
	if n := typos(manyServerKey(2 * maxServerNames)); n != 0 {
		t.Errorf("typo pair past the first %d servers: %d typo problems, want 0", maxServerNames, n)
	}
}

// BenchmarkValidateManyServers validates a key with 20000 EDB_RstMap lines
// naming as many servers (linear since the comparison is bounded; it took
// about 30 s for 8000 lines before).
func BenchmarkValidateManyServers(b *testing.B) {
	k := manyServerKey(20000)
	for b.Loop() {
		Validate(k, nil)
	}
}
