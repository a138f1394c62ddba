package recovery

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/outfile"
)

// ErrUnsafePath is wrapped by every refusal of a path that could resolve
// outside the target folders: a NUL byte, a ".." component, a device path
// (\\.\ or \\?\), a reserved device name (CON, NUL, COM1...), an alternate
// data stream (":"), or a UNC or absolute path where only a name may go;
// and of an output or temporary file name taken by a symbolic link or
// anything else that is not a regular file, or by one of the inputs.
var ErrUnsafePath = outfile.ErrUnsafePath

// ErrNotMapped is returned by Resolve when a restore map exists and does
// not name the logged database: the engine skips such an attachment
// (docs/recovery.md#attach-rules, step 1).
var ErrNotMapped = errors.New("recovery: database not in the restore map")

// MapEntry is one pair of the restore map (EDB_RstMap): the path a
// database had when it was logged, and where it is now.
type MapEntry struct {
	// From is the original path, as logs record it (Windows form).
	From string `json:"from"`
	// To is the new location: a Windows path (only its last component is
	// used) or a slash-separated path relative to the first target folder.
	To string `json:"to"`
}

// RestoreMap renames database paths found in log headers and attach
// records to files inside the caller's target folders. Paths compare as
// Windows compares them: case-insensitively, with / and \ alike.
type RestoreMap struct {
	// Entries are the pairs; an empty list means "no map": logged paths
	// resolve by their file name.
	Entries []MapEntry
	// Targets are the local folders databases may live in. Nothing
	// resolves outside them.
	Targets []string
}

// NewRestoreMap builds a map over targets from pairs, checking every
// destination now so a bad map fails before any planning. An entry whose
// source names no path component ("", blanks, only separators) is refused
// with an error wrapping ese.ErrInvalidParameter: the engine would fill
// such a source in by database signature (ErrBuildRstmapForSoftRecovery,
// dev/ese/src/ese/_log/rstmap.cxx), which this map, matching by path
// only, cannot do.
func NewRestoreMap(targets []string, pairs ...MapEntry) (*RestoreMap, error) {
	if len(targets) == 0 {
		return nil, fmt.Errorf("recovery: a restore map needs at least one target folder")
	}
	m := &RestoreMap{Targets: targets}
	for i, p := range pairs {
		if strings.IndexByte(p.From, 0) >= 0 || strings.IndexByte(p.To, 0) >= 0 {
			return nil, fmt.Errorf("%w: NUL byte in restore map entry", ErrUnsafePath)
		}
		if len(winComponents(strings.TrimSpace(p.From))) == 0 {
			return nil, fmt.Errorf("recovery: restore map entry %d (to %q) has an empty source path: name the path the logs know the database by: %w",
				i+1, p.To, ese.ErrInvalidParameter)
		}
		if _, err := destRel(p.To, true); err != nil {
			return nil, err
		}
		m.Entries = append(m.Entries, p)
	}
	return m, nil
}

// RestoreMapFromRstMap builds a map from the EDB_RstMap value of the
// Restore in Progress key: odd lines are "before", even lines "after"
// (KB Q200941; docs/rip.md#key-values). An odd number of lines is an error.
func RestoreMapFromRstMap(lines []string, targets []string) (*RestoreMap, error) {
	if len(lines)%2 != 0 {
		return nil, fmt.Errorf("recovery: EDB_RstMap has %d lines; it needs before/after pairs", len(lines))
	}
	var pairs []MapEntry
	for i := 0; i+1 < len(lines); i += 2 {
		pairs = append(pairs, MapEntry{From: lines[i], To: lines[i+1]})
	}
	return NewRestoreMap(targets, pairs...)
}

// RestoreMapFromGo builds a map from a Go map of original path to new
// location.
func RestoreMapFromGo(m map[string]string, targets []string) (*RestoreMap, error) {
	var pairs []MapEntry
	for k, v := range m {
		pairs = append(pairs, MapEntry{From: k, To: v})
	}
	return NewRestoreMap(targets, pairs...)
}

// winNorm puts a Windows path in a comparable form: backslashes, upper
// case (Windows compares paths without regard to case).
func winNorm(p string) string {
	return strings.ToUpper(strings.ReplaceAll(p, "/", `\`))
}

// winComponents splits a Windows path into its non-empty components.
func winComponents(p string) []string {
	var out []string
	for _, c := range strings.Split(strings.ReplaceAll(p, "/", `\`), `\`) {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

// reservedNames are Windows device names, refused as file names with or
// without an extension.
var reservedNames = map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true, "CONIN$": true, "CONOUT$": true, "CLOCK$": true}

func init() {
	for i := 1; i <= 9; i++ {
		reservedNames[fmt.Sprintf("COM%d", i)] = true
		reservedNames[fmt.Sprintf("LPT%d", i)] = true
	}
}

// checkComponent refuses a single path component that is not a plain file
// or folder name.
func checkComponent(c string) error {
	switch {
	case c == "" || c == "." || c == "..":
		return fmt.Errorf("%w: component %q", ErrUnsafePath, c)
	case strings.ContainsAny(c, "\x00:*?\"<>|"):
		return fmt.Errorf("%w: component %q has a character Windows forbids in names", ErrUnsafePath, c)
	case strings.TrimRight(c, ". ") != c:
		return fmt.Errorf("%w: component %q ends in a dot or space", ErrUnsafePath, c)
	}
	for _, r := range c {
		if r < 0x20 {
			return fmt.Errorf("%w: control character in %q", ErrUnsafePath, c)
		}
	}
	stem := strings.ToUpper(c)
	if i := strings.IndexByte(stem, '.'); i >= 0 {
		stem = stem[:i]
	}
	if reservedNames[strings.TrimRight(stem, " ")] {
		return fmt.Errorf("%w: %q is a device name", ErrUnsafePath, c)
	}
	return nil
}

// checkLogged refuses logged paths that are hostile whatever the map says:
// NUL bytes, device-namespace prefixes and ".." components.
func checkLogged(p string) error {
	if strings.IndexByte(p, 0) >= 0 {
		return fmt.Errorf("%w: NUL byte in %q", ErrUnsafePath, strings.ReplaceAll(p, "\x00", `\0`))
	}
	n := strings.ReplaceAll(p, "/", `\`)
	if strings.HasPrefix(n, `\\.\`) || strings.HasPrefix(n, `\\?\`) || strings.HasPrefix(n, `\??\`) {
		return fmt.Errorf("%w: device path %q", ErrUnsafePath, p)
	}
	for _, c := range winComponents(n) {
		if c == ".." {
			return fmt.Errorf("%w: %q climbs out with ..", ErrUnsafePath, p)
		}
	}
	return nil
}

// destRel turns a destination into a relative, slash-separated path of
// checked components. A Windows absolute or UNC path keeps only its last
// component (where the file lives is the caller's choice of target, never
// the log's); a relative path keeps its components. fromMap allows
// relative sub-paths; logged paths always reduce to their last component.
func destRel(p string, fromMap bool) (string, error) {
	if err := checkLogged(p); err != nil {
		return "", err
	}
	n := strings.ReplaceAll(p, "/", `\`)
	abs := strings.HasPrefix(n, `\`)
	if len(n) >= 2 && n[1] == ':' && isDriveLetter(n[0]) {
		// Drive-relative "C:x.edb" or absolute "C:\x.edb": drop the drive.
		n, abs = n[2:], true
	}
	comps := winComponents(n)
	if len(comps) == 0 {
		return "", fmt.Errorf("%w: %q names no file", ErrUnsafePath, p)
	}
	if strings.HasPrefix(n, `\\`) && len(comps) < 3 {
		return "", fmt.Errorf("%w: UNC path %q names no file", ErrUnsafePath, p)
	}
	if abs || !fromMap {
		comps = comps[len(comps)-1:]
	}
	for _, c := range comps {
		if err := checkComponent(c); err != nil {
			return "", err
		}
	}
	return strings.Join(comps, "/"), nil
}

// Lookup finds the entry for a logged path: exact (case-insensitive)
// match first, then the longest trailing match of whole components (the
// engine's ErrReplaceRstMapEntryByName). ok is false when none matches.
func (m *RestoreMap) Lookup(logged string) (MapEntry, bool) {
	i := m.lookupIndex(logged)
	if i < 0 {
		return MapEntry{}, false
	}
	return m.Entries[i], true
}

// lookupIndex is Lookup's answer as an index into Entries, -1 for none.
func (m *RestoreMap) lookupIndex(logged string) int {
	if m == nil {
		return -1
	}
	want := winNorm(logged)
	for i, e := range m.Entries {
		if winNorm(e.From) == want {
			return i
		}
	}
	lc := winComponents(want)
	best, bestN := -1, 0
	for i, e := range m.Entries {
		ec := winComponents(winNorm(e.From))
		n := 0
		for n < len(ec) && n < len(lc) && ec[len(ec)-1-n] == lc[len(lc)-1-n] {
			n++
		}
		if n > bestN {
			best, bestN = i, n
		}
	}
	return best
}

// MapUse says whether one restore map entry renames a database path the
// logs of a plan name.
type MapUse struct {
	Entry MapEntry `json:"entry"`
	// Used says some logged path resolves through the entry.
	Used bool `json:"used"`
	// Logged are those paths (at most 16).
	Logged []string `json:"logged,omitempty"`
}

// Use reports, for every entry, whether one of the logged paths resolves
// through it (by Lookup's rules), in entry order.
func (m *RestoreMap) Use(logged []string) []MapUse {
	if m == nil || len(m.Entries) == 0 {
		return nil
	}
	out := make([]MapUse, len(m.Entries))
	seen := map[string]bool{}
	for i, e := range m.Entries {
		out[i].Entry = e
	}
	for _, l := range logged {
		if seen[winNorm(l)] {
			continue
		}
		seen[winNorm(l)] = true
		if i := m.lookupIndex(l); i >= 0 {
			out[i].Used = true
			if len(out[i].Logged) < 16 {
				out[i].Logged = append(out[i].Logged, l)
			}
		}
	}
	return out
}

// Resolve returns the local file a logged database path stands for: the
// map's destination (or, without map entries, the logged file name) inside
// the first target folder that holds it, else inside the first target
// folder. The result is always inside a target folder. Errors wrap
// ErrUnsafePath or ErrNotMapped.
func (m *RestoreMap) Resolve(logged string) (string, error) {
	if m == nil || len(m.Targets) == 0 {
		return "", fmt.Errorf("recovery: no target folder to resolve %q in", logged)
	}
	if err := checkLogged(logged); err != nil {
		return "", err
	}
	dest := logged
	fromMap := false
	if len(m.Entries) > 0 {
		e, ok := m.Lookup(logged)
		if !ok {
			return "", fmt.Errorf("%w: %s", ErrNotMapped, logged)
		}
		dest, fromMap = e.To, true
	} else if strings.HasPrefix(strings.ReplaceAll(logged, "/", `\`), `\\`) {
		return "", fmt.Errorf("%w: UNC path %q in the log and no restore map entry for it", ErrUnsafePath, logged)
	}
	rel, err := destRel(dest, fromMap)
	if err != nil {
		return "", err
	}
	var first string
	for i, t := range m.Targets {
		p := filepath.Join(t, filepath.FromSlash(rel))
		if !within(t, p) {
			return "", fmt.Errorf("%w: %q leaves %s", ErrUnsafePath, dest, t)
		}
		if i == 0 {
			first = p
		}
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return first, nil
}

// within reports whether p lies inside dir (both cleaned).
func within(dir, p string) bool {
	rel, err := filepath.Rel(filepath.Clean(dir), filepath.Clean(p))
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func isDriveLetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }
