package rip

import (
	"fmt"
	"sort"
	"strings"

	"github.com/esekit/esekit/ese"
)

// Severity says how bad a problem is.
type Severity string

const (
	// SeverityError means hard recovery will not work, or will damage the
	// database, with the key as it is.
	SeverityError Severity = "error"
	// SeverityWarning means something looks wrong and needs a person to
	// check it.
	SeverityWarning Severity = "warning"
)

// Problem codes: one per malformation. They are stable and meant for
// programs; Message is for people.
const (
	CodeMissingValue       = "missing-value"           // a required value is absent
	CodeWrongType          = "wrong-type"              // a value has the wrong registry type
	CodeMisnamedValue      = "misnamed-value"          // a name that differs from a required one in case or spacing
	CodeUnknownValue       = "unknown-value"           // a value the key does not use
	CodeDuplicateValue     = "duplicate-value"         // the same value twice in one section
	CodeKeyName            = "key-name"                // key not named exactly "Restore in Progress"
	CodeService            = "service"                 // key not under MSExchangeDS or MSExchangeIS
	CodeLowLogZero         = "lowlog-zero"             // LowLog Number is 0
	CodeLowLogMismatch     = "lowlog-mismatch"         // LowLog Number is not the patch file's low generation
	CodeHighLogBelowLowLog = "highlog-below-lowlog"    // HighLog Number < LowLog Number
	CodeHighLogBelowBackup = "highlog-below-backup"    // HighLog Number < the full backup's high generation
	CodeHighLogAboveLogs   = "highlog-above-restored"  // HighLog Number names a log that was not restored
	CodeRstMapSizeRange    = "rstmap-size-range"       // EDB_RstMap Size not 1 or 2
	CodeRstMapSizeDS       = "rstmap-size-ds"          // directory service with EDB_RstMap Size other than 1
	CodeRstMapCount        = "rstmap-count"            // EDB_RstMap lines != 2 x EDB_RstMap Size
	CodeRstMapPatchFiles   = "rstmap-size-patch-files" // EDB_RstMap Size != number of .pat files restored
	CodeRstMapEmptyLine    = "rstmap-empty-line"       // an empty EDB_RstMap line
	CodeRstMapCaseOnly     = "rstmap-case-only"        // before and after differ only in letter case
	CodeRstMapFileDiffers  = "rstmap-file-differs"     // before and after name different database files
	CodeRstMapNotFile      = "rstmap-not-file"         // an EDB_RstMap line does not end in a database file name
	CodeServerTypo         = "server-typo"             // two server names one or two letters apart
	CodeServerMismatch     = "server-mismatch"         // paths that should name the same server do not
	CodeNotUNC             = "not-unc"                 // a path is not \\server\share\...
	CodeBackupLogPath      = "backuplogpath-differs"   // BackupLogPath is not LogPath
	CodeNotDriveShare      = "not-drive-share"         // a UNC path whose share is not a drive's X$ share
	CodeKeyLocation        = "key-location"            // key not under HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services
	CodeRecoveredValue     = "recovered-value"         // EDB Database recovered is not 00 or 01
	CodeUndecodable        = "undecodable-data"        // a value's name or data could not be decoded faithfully (RegValue.Problem)
)

// Problem is one thing wrong with a key.
type Problem struct {
	// Code is the stable kind of problem (the Code* constants).
	Code string `json:"code"`
	// Value is the value name the problem is about ("" for the key itself).
	Value string `json:"value"`
	// Severity is "error" or "warning".
	Severity Severity `json:"severity"`
	// Message says what is wrong and what KB Q200941 says about it.
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Value == "" {
		return fmt.Sprintf("%s: %s", p.Severity, p.Message)
	}
	return fmt.Sprintf("%s: %s: %s", p.Severity, p.Value, p.Message)
}

// Evidence is what the restored files say the key should contain. Zero
// fields are unknown and their checks are skipped.
type Evidence struct {
	// PatchGenLow is the low log generation of the patch file's "Current
	// Full Backup" (ESEUTIL /MH on the .pat: "Log Gen: 36-3f" gives 0x36).
	PatchGenLow ese.Generation `json:"patch_gen_low,omitempty"`
	// PatchGenHigh is the high generation of the same range (0x3f).
	PatchGenHigh ese.Generation `json:"patch_gen_high,omitempty"`
	// PatchFiles is the number of .pat files restored (one per database).
	PatchFiles int `json:"patch_files,omitempty"`
	// HighestRestoredLog is the highest numbered log restored from tape
	// (full and incremental backups).
	HighestRestoredLog ese.Generation `json:"highest_restored_log,omitempty"`
}

// Validate checks k against every rule of KB Q200941 and returns the
// problems found, errors first, in a stable order. ev may be nil. It works
// on the raw values (k.Raw, or the typed fields encoded when Raw is nil).
func Validate(k *Key, ev *Evidence) []Problem {
	var v validator
	v.check(k, ev)
	sort.SliceStable(v.out, func(i, j int) bool {
		return v.out[i].Severity == SeverityError && v.out[j].Severity != SeverityError
	})
	return v.out
}

type validator struct{ out []Problem }

func (v *validator) add(code, value string, sev Severity, format string, args ...any) {
	v.out = append(v.out, Problem{Code: code, Value: value, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

// normName folds case and drops spaces and underscores, to recognise
// "LowLogNumber" or "lowlog number" as a mistyped "LowLog Number".
func normName(s string) string {
	s = strings.ToLower(s)
	return strings.NewReplacer(" ", "", "_", "", "\t", "").Replace(s)
}

func (v *validator) check(k *Key, ev *Evidence) {
	if ev == nil {
		ev = &Evidence{}
	}
	// The key itself.
	if k.Path != "" {
		i := strings.LastIndexByte(k.Path, '\\')
		if name := k.Path[i+1:]; name != KeyName {
			v.add(CodeKeyName, "", SeverityWarning, "key is named \"%s\"; KB Q200941 says to type the key name exactly (case-sensitive): \"%s\"", name, KeyName)
		}
	}
	if k.Path != "" {
		if want := ServicesPath + `\` + k.Service + `\`; !strings.HasPrefix(strings.ToUpper(k.Path), strings.ToUpper(want)) || strings.Count(k.Path, `\`) != strings.Count(want, `\`) {
			v.add(CodeKeyLocation, "", SeverityError, "key path \"%s\" is not %s", k.Path, KeyPath("<service>"))
		}
	}
	svc := k.Service
	if svc != "" && !strings.EqualFold(svc, ServiceDS) && !strings.EqualFold(svc, ServiceIS) {
		v.add(CodeService, "", SeverityError, "key is under \"%s\"; it must be under %s or %s", svc, ServiceDS, ServiceIS)
	}

	// Which values are there, with what types.
	vals := k.values()
	found := map[string]RegValue{}
	for _, rv := range vals {
		if rv.Default || rv.Delete {
			continue
		}
		if _, dup := found[rv.Name]; dup {
			v.add(CodeDuplicateValue, rv.Name, SeverityError, "value appears more than once; only the last one takes effect when merged")
		}
		if rv.Problem != "" {
			// One problem per value, and no checks of the text it
			// decoded to (a misread path would fail every one of them).
			v.add(CodeUndecodable, rv.Name, SeverityError, "%s; retype the value", rv.Problem)
		}
		found[rv.Name] = rv
	}
	for _, rv := range vals {
		if rv.Default || rv.Delete {
			continue
		}
		if _, ok := Spec(rv.Name); ok {
			continue
		}
		misnamed := false
		for _, s := range Values {
			if normName(s.Name) == normName(rv.Name) {
				v.add(CodeMisnamedValue, rv.Name, SeverityError, "value name must be typed exactly \"%s\" (KB Q200941: type the value names exactly, and match the case); the engine ignores \"%s\"", s.Name, rv.Name)
				misnamed = true
				break
			}
		}
		if !misnamed {
			v.add(CodeUnknownValue, rv.Name, SeverityWarning, "the Restore in Progress key has no value of this name")
		}
	}
	ok := map[string]bool{} // present with the right type
	for _, s := range Values {
		rv, present := found[s.Name]
		switch {
		case !present:
			v.add(CodeMissingValue, s.Name, SeverityError, "required value is missing (%s: %s)", s.Type, s.Meaning)
		case rv.Type != s.Type:
			v.add(CodeWrongType, s.Name, SeverityError, "value is %s; it must be %s", rv.Type, s.Type)
		case s.Type == RegDWord && len(rv.Data) != 4:
			v.add(CodeWrongType, s.Name, SeverityError, "REG_DWORD data is %d bytes; it must be 4", len(rv.Data))
		case rv.Problem != "":
			// Reported as CodeUndecodable above.
		default:
			ok[s.Name] = true
		}
	}
	dword := func(name string) uint32 { d, _ := found[name].DWord(); return d }

	// EDB Database recovered.
	if ok[ValueRecovered] {
		d := found[ValueRecovered].Data
		if len(d) != 1 || d[0] > 1 {
			v.add(CodeRecoveredValue, ValueRecovered, SeverityError, "data is %x; it must be the single byte 00 (after restore) or 01 (recovered: the service deletes the key)", d)
		}
	}

	// Log numbers.
	var low, high ese.Generation
	if ok[ValueLowLog] {
		low = ese.Generation(dword(ValueLowLog))
		if low == 0 {
			v.add(CodeLowLogZero, ValueLowLog, SeverityError, "LowLog Number is 0; it must be the low log number from the .pat file")
		} else if ev.PatchGenLow != 0 && low != ev.PatchGenLow {
			v.add(CodeLowLogMismatch, ValueLowLog, SeverityError, "LowLog Number is %x but the patch file's full backup starts at log %x; KB Q200941: \"Low log number from the .pat file. Do not put any other number here.\"", low, ev.PatchGenLow)
		}
	}
	if ok[ValueHighLog] {
		high = ese.Generation(dword(ValueHighLog))
		if ok[ValueLowLog] && low != 0 && high < low {
			v.add(CodeHighLogBelowLowLog, ValueHighLog, SeverityError, "HighLog Number %x is below LowLog Number %x", high, low)
		}
		if ev.PatchGenHigh != 0 && high < ev.PatchGenHigh {
			v.add(CodeHighLogBelowBackup, ValueHighLog, SeverityError, "HighLog Number %x is below the full backup's highest log %x (from the .pat file); it must reflect at least the highest numbered log from the full backup tape", high, ev.PatchGenHigh)
		}
		if ev.HighestRestoredLog != 0 && high > ev.HighestRestoredLog {
			v.add(CodeHighLogAboveLogs, ValueHighLog, SeverityWarning, "HighLog Number %x is above the highest log restored from tape (%x)", high, ev.HighestRestoredLog)
		}
	}

	// EDB_RstMap Size and EDB_RstMap.
	var size uint32
	if ok[ValueRstMapSize] {
		size = dword(ValueRstMapSize)
		if size != 1 && size != 2 {
			v.add(CodeRstMapSizeRange, ValueRstMapSize, SeverityError, "EDB_RstMap Size is %d; it is the number of databases attached to the service, 1 or 2", size)
		}
		if strings.EqualFold(svc, ServiceDS) && size != 1 {
			v.add(CodeRstMapSizeDS, ValueRstMapSize, SeverityError, "EDB_RstMap Size is %d; for the directory service it is 1", size)
		}
		if ev.PatchFiles != 0 && int(size) != ev.PatchFiles {
			v.add(CodeRstMapPatchFiles, ValueRstMapSize, SeverityError, "EDB_RstMap Size is %d but %d .pat files were restored (one per database)", size, ev.PatchFiles)
		}
	}
	var lines []string
	if ok[ValueRstMap] {
		lines = found[ValueRstMap].Strings()
		if ok[ValueRstMapSize] && uint64(len(lines)) != 2*uint64(size) {
			v.add(CodeRstMapCount, ValueRstMap, SeverityError, "EDB_RstMap has %d lines; EDB_RstMap Size %d times 2 is %d (a \"before\" and an \"after\" line per database)", len(lines), size, 2*uint64(size))
		} else if !ok[ValueRstMapSize] && len(lines)%2 != 0 {
			v.add(CodeRstMapCount, ValueRstMap, SeverityError, "EDB_RstMap has an odd number of lines (%d); it needs a \"before\" and an \"after\" line per database", len(lines))
		}
		for i, l := range lines {
			if strings.TrimSpace(l) == "" {
				v.add(CodeRstMapEmptyLine, ValueRstMap, SeverityError, "line %d is empty (press ENTER only between lines, not after the last one)", i+1)
				continue
			}
			v.checkUNC(ValueRstMap, fmt.Sprintf("line %d ", i+1), l)
			if !strings.Contains(lastComponent(l), ".") {
				v.add(CodeRstMapNotFile, ValueRstMap, SeverityWarning, "line %d \"%s\" does not end in a database file name (dbpath\\dbname.EDB)", i+1, l)
			}
		}
		for i := 0; i+1 < len(lines); i += 2 {
			b, a := lines[i], lines[i+1]
			if b != a && strings.EqualFold(b, a) {
				v.add(CodeRstMapCaseOnly, ValueRstMap, SeverityWarning, "lines %d and %d differ only in letter case (\"%s\", \"%s\"); the lines of a pair only differ if servers or paths changed: check them for typing errors", i+1, i+2, b, a)
			}
			if fb, fa := lastComponent(b), lastComponent(a); fb != "" && fa != "" && !strings.EqualFold(fb, fa) {
				v.add(CodeRstMapFileDiffers, ValueRstMap, SeverityWarning, "lines %d and %d name different database files (%s, %s)", i+1, i+2, fb, fa)
			}
		}
	}

	// Paths.
	for _, name := range []string{ValueLogPath, ValueBackupLogPath, ValueCheckpointFilePath} {
		if ok[name] {
			v.checkUNC(name, "", found[name].String())
		}
	}
	if ok[ValueLogPath] && ok[ValueBackupLogPath] {
		lp, bp := found[ValueLogPath].String(), found[ValueBackupLogPath].String()
		if !strings.EqualFold(strings.TrimRight(lp, `\`), strings.TrimRight(bp, `\`)) {
			v.add(CodeBackupLogPath, ValueBackupLogPath, SeverityWarning, "BackupLogPath \"%s\" is not LogPath \"%s\"; both point to the current Transaction Logs folder (not the \"before\" log path)", bp, lp)
		}
	}
	v.checkServers(found, ok, lines)
}

// lastComponent returns the text after the last backslash.
func lastComponent(p string) string {
	return p[strings.LastIndexByte(p, '\\')+1:]
}

// uncServer returns the server of \\server\share\..., and whether p has
// that form: two backslashes, a server name, a backslash, a share name.
func uncServer(p string) (string, bool) {
	if !strings.HasPrefix(p, `\\`) {
		return "", false
	}
	rest := p[2:]
	i := strings.IndexByte(rest, '\\')
	if i <= 0 {
		return "", false
	}
	share := rest[i+1:]
	if j := strings.IndexByte(share, '\\'); j >= 0 {
		share = share[:j]
	}
	if share == "" {
		return "", false
	}
	return rest[:i], true
}

func (v *validator) checkUNC(name, where, p string) {
	if _, ok := uncServer(p); ok {
		share := strings.SplitN(p[2:], `\`, 3)[1]
		if len(share) != 2 || share[1] != '$' || !isLetter(share[0]) {
			v.add(CodeNotDriveShare, name, SeverityWarning, "%s\"%s\" uses share \"%s\"; KB Q200941 gives the form \\\\SERVERNAME\\D$\\path (the drive's administrative share)", where, p, share)
		}
		return
	}
	hint := `\\SERVERNAME\D$\path`
	if len(p) >= 2 && p[1] == ':' {
		hint = `\\SERVERNAME\` + p[:1] + `$` + p[2:]
	}
	v.add(CodeNotUNC, name, SeverityError, "%s\"%s\" is not a UNC path; KB Q200941 gives the form \\\\SERVERNAME\\D$\\path, e.g. %s", where, p, hint)
}

// maxServerNames bounds the distinct server names checkServers compares
// pairwise for typing errors.
const maxServerNames = 64

// checkServers looks at the server names of every path: the "before"
// lines name the backup server, the "after" lines and the three paths the
// server being restored to. A name one or two letters away from another
// (OLDSERVER and OLDSERVR) is almost certainly a typing error.
func (v *validator) checkServers(found map[string]RegValue, ok map[string]bool, lines []string) {
	type use struct{ server, value, where string }
	var uses []use
	var before, after []use
	for i, l := range lines {
		if s, isUNC := uncServer(l); isUNC {
			u := use{s, ValueRstMap, fmt.Sprintf("EDB_RstMap line %d", i+1)}
			uses = append(uses, u)
			if i%2 == 0 {
				before = append(before, u)
			} else {
				after = append(after, u)
			}
		}
	}
	for _, name := range []string{ValueLogPath, ValueBackupLogPath, ValueCheckpointFilePath} {
		if !ok[name] {
			continue
		}
		if s, isUNC := uncServer(found[name].String()); isUNC {
			u := use{s, name, name}
			uses = append(uses, u)
			after = append(after, u)
		}
	}
	// Near misses between distinct names.
	count := map[string]int{}
	firstUse := map[string]use{}
	var names []string
	for _, u := range uses {
		n := strings.ToUpper(u.server)
		if count[n] == 0 {
			names = append(names, n)
			firstUse[n] = u
		}
		count[n]++
	}
	// The comparison is quadratic in the number of names: only the first
	// maxServerNames take part (a valid key names one or two servers; a key
	// with thousands of EDB_RstMap lines, already reported, must not make
	// Validate run for hours).
	names = names[:min(len(names), maxServerNames)]
	typo := map[string]bool{}
	for i := 0; i < len(names); i++ {
		for j := i + 1; j < len(names); j++ {
			a, b := names[i], names[j]
			d := editDistance(a, b, 3)
			if d > 2 || max(len(a), len(b)) < 4 || digitsOnly(a, b) {
				continue
			}
			// Blame the rarer spelling (the later one on a tie).
			odd, good := b, a
			if count[a] < count[b] {
				odd, good = a, b
			}
			typo[odd] = true
			u := firstUse[odd]
			v.add(CodeServerTypo, u.value, SeverityError, "%s names server \"%s\", %d letter(s) away from \"%s\" used elsewhere in the key: a single typing error makes the restoration fail", u.where, u.server, d, good)
		}
	}
	// Consistency inside each side (names already reported as typos are
	// not reported again).
	side := func(us []use, what string) {
		first := ""
		for _, u := range us {
			n := strings.ToUpper(u.server)
			if typo[n] {
				continue
			}
			if first == "" {
				first = n
				continue
			}
			if n != first {
				v.add(CodeServerMismatch, u.value, SeverityWarning, "%s names server \"%s\" but other %s paths name \"%s\"", u.where, u.server, what, first)
			}
		}
	}
	side(before, "\"before\"")
	side(after, "current (\"after\", LogPath, BackupLogPath, CheckpointFilePath)")
}

// digitsOnly reports whether a and b differ only in digits at the same
// places (SERVER1, SERVER2): deliberate numbering, not a typing error.
func digitsOnly(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	diff := false
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] {
			if a[i] < '0' || a[i] > '9' || b[i] < '0' || b[i] > '9' {
				return false
			}
			diff = true
		}
	}
	return diff
}

// editDistance is the Levenshtein distance of a and b, or limit when it is
// at least limit (names are short; inputs are capped at 256 bytes).
func editDistance(a, b string, limit int) int {
	if len(a) > 256 || len(b) > 256 {
		return limit
	}
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}
