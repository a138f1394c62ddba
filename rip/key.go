package rip

import (
	"errors"
	"strings"

	"github.com/esekit/esekit/ese"
)

// KeyName is the name of the key, which KB Q200941 says to type exactly
// (case-sensitive): "Restore in Progress".
const KeyName = "Restore in Progress"

// Services under which the key lives.
const (
	// ServiceDS is the Exchange directory service.
	ServiceDS = "MSExchangeDS"
	// ServiceIS is the Exchange information store.
	ServiceIS = "MSExchangeIS"
)

// ServicesPath is the parent of the services' keys, as regedit exports it.
const ServicesPath = `HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services`

// KeyPath returns the full path of the key for a service:
// HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\<service>\Restore in Progress.
func KeyPath(service string) string { return ServicesPath + `\` + service + `\` + KeyName }

// Value names, exactly as KB Q200941 says to type them ("type the value names
// exactly, and match the case").
const (
	ValueBackupLogPath      = "BackupLogPath"
	ValueCheckpointFilePath = "CheckpointFilePath"
	ValueRecovered          = "EDB Database recovered"
	ValueRstMap             = "EDB_RstMap"
	ValueRstMapSize         = "EDB_RstMap Size"
	ValueHighLog            = "HighLog Number"
	ValueLogPath            = "LogPath"
	ValueLowLog             = "LowLog Number"
)

// ValueSpec describes one value of the key.
type ValueSpec struct {
	// Name is the exact value name.
	Name string `json:"name"`
	// Type is the registry type the engine expects.
	Type ValueType `json:"type"`
	// Meaning paraphrases KB Q200941.
	Meaning string `json:"meaning"`
}

// Values lists every value of the key in the order KB Q200941 creates them
// (and regedit sorts them).
var Values = []ValueSpec{
	{ValueBackupLogPath, RegSZ, "UNC path of the current transaction logs folder (not the \"before\" log path)"},
	{ValueCheckpointFilePath, RegSZ, "UNC path of the current working path folder (where Edb.chk lives)"},
	{ValueRecovered, RegBinary, "00 right after the restore; 01 once every log has been replayed and the database started; at 01 the service deletes the key instead of obeying it"},
	{ValueRstMap, RegMultiSZ, "before/after UNC paths of the database files: odd lines are \"before\", even lines \"after\""},
	{ValueRstMapSize, RegDWord, "number of databases attached to the service (1 or 2); twice this is the number of EDB_RstMap lines"},
	{ValueHighLog, RegDWord, "highest log generation restored from tape; at least the full backup's high generation"},
	{ValueLogPath, RegSZ, "UNC path of the current transaction logs folder"},
	{ValueLowLog, RegDWord, "first log generation hard recovery must replay: the patch file's low generation; it acts as the checkpoint"},
}

// Spec returns the spec of the value with exactly this name.
func Spec(name string) (ValueSpec, bool) {
	for _, s := range Values {
		if s.Name == name {
			return s, true
		}
	}
	return ValueSpec{}, false
}

// Pair is one database's line pair of EDB_RstMap.
type Pair struct {
	// Before is the UNC path of the database file where it was backed up.
	Before string `json:"before"`
	// After is the UNC path where it is restored.
	After string `json:"after"`
}

// Key is the Restore in Progress key: the typed values, and the raw values
// as they were read (validation works on those, so it sees wrong types and
// misnamed values that the typed fields cannot hold).
type Key struct {
	// Path is the full key path.
	Path string `json:"path"`
	// Service is MSExchangeDS or MSExchangeIS (the path component before
	// the key name), or whatever the path names.
	Service string `json:"service"`
	// LowLog is "LowLog Number" (REG_DWORD).
	LowLog ese.Generation `json:"lowlog_number"`
	// HighLog is "HighLog Number" (REG_DWORD).
	HighLog ese.Generation `json:"highlog_number"`
	// RstMap is "EDB_RstMap" (REG_MULTI_SZ): before, after, before, after...
	RstMap []string `json:"edb_rstmap"`
	// RstMapSize is "EDB_RstMap Size" (REG_DWORD): the number of databases.
	RstMapSize uint32 `json:"edb_rstmap_size"`
	// LogPath is "LogPath" (REG_SZ).
	LogPath string `json:"logpath"`
	// BackupLogPath is "BackupLogPath" (REG_SZ).
	BackupLogPath string `json:"backuplogpath"`
	// CheckpointFilePath is "CheckpointFilePath" (REG_SZ).
	CheckpointFilePath string `json:"checkpointfilepath"`
	// Recovered is "EDB Database recovered" (REG_BINARY): false for 00,
	// true for 01.
	Recovered bool `json:"edb_database_recovered"`
	// Raw holds the values as read from a .reg file or the registry, in
	// their order. Nil for a key built in code; see RegValues.
	Raw []RegValue `json:"values,omitempty"`
}

// ErrNoKey is returned when a .reg file holds no Restore in Progress key.
var ErrNoKey = errors.New("rip: no Restore in Progress key in the file")

// IsKeyPath reports whether path names a Restore in Progress key (compared
// without regard to case, as the registry does).
func IsKeyPath(path string) bool {
	i := strings.LastIndexByte(path, '\\')
	return i >= 0 && strings.EqualFold(path[i+1:], KeyName)
}

// serviceOf returns the path component before the key name.
func serviceOf(path string) string {
	parts := strings.Split(path, `\`)
	if len(parts) < 2 {
		return ""
	}
	return parts[len(parts)-2]
}

// FromRegFile finds the first Restore in Progress key section of f (a
// "[-...]" deletion section does not count) and decodes it.
func FromRegFile(f *RegFile) (*Key, error) {
	for _, k := range f.Keys {
		if !k.Delete && IsKeyPath(k.Path) {
			return FromRegKey(k), nil
		}
	}
	return nil, ErrNoKey
}

// AllFromRegFile decodes every Restore in Progress key section of f (an
// export of the whole Services key can hold one for MSExchangeDS and one
// for MSExchangeIS), in file order.
func AllFromRegFile(f *RegFile) []*Key {
	var out []*Key
	for _, k := range f.Keys {
		if !k.Delete && IsKeyPath(k.Path) {
			out = append(out, FromRegKey(k))
		}
	}
	return out
}

// ParseKey parses a .reg file and decodes its Restore in Progress key.
func ParseKey(b []byte) (*Key, error) {
	f, err := ParseRegFile(b)
	if err != nil {
		return nil, err
	}
	return FromRegFile(f)
}

// FromRegKey decodes a key section. Values with the expected name and type
// fill the typed fields; everything is kept in Raw.
func FromRegKey(rk RegKey) *Key {
	k := &Key{Path: rk.Path, Service: serviceOf(rk.Path), Raw: append([]RegValue{}, rk.Values...)}
	for _, v := range rk.Values {
		if v.Delete || v.Default {
			continue
		}
		spec, ok := Spec(v.Name)
		if !ok || spec.Type != v.Type {
			continue
		}
		switch v.Name {
		case ValueLowLog:
			d, _ := v.DWord()
			k.LowLog = ese.Generation(d)
		case ValueHighLog:
			d, _ := v.DWord()
			k.HighLog = ese.Generation(d)
		case ValueRstMapSize:
			k.RstMapSize, _ = v.DWord()
		case ValueRstMap:
			k.RstMap = v.Strings()
		case ValueLogPath:
			k.LogPath = v.String()
		case ValueBackupLogPath:
			k.BackupLogPath = v.String()
		case ValueCheckpointFilePath:
			k.CheckpointFilePath = v.String()
		case ValueRecovered:
			k.Recovered = len(v.Data) == 1 && v.Data[0] == 1
		}
	}
	return k
}

// Pairs returns EDB_RstMap as before/after pairs (an odd last line becomes
// a pair with an empty After).
func (k *Key) Pairs() []Pair {
	var out []Pair
	for i := 0; i < len(k.RstMap); i += 2 {
		p := Pair{Before: k.RstMap[i]}
		if i+1 < len(k.RstMap) {
			p.After = k.RstMap[i+1]
		}
		out = append(out, p)
	}
	return out
}

// RegValues encodes the typed fields as the eight registry values, in the
// order of Values.
func (k *Key) RegValues() []RegValue {
	rec := byte(0)
	if k.Recovered {
		rec = 1
	}
	return []RegValue{
		StringValue(ValueBackupLogPath, k.BackupLogPath),
		StringValue(ValueCheckpointFilePath, k.CheckpointFilePath),
		BinaryValue(ValueRecovered, []byte{rec}),
		MultiStringValue(ValueRstMap, k.RstMap),
		DWordValue(ValueRstMapSize, k.RstMapSize),
		DWordValue(ValueHighLog, uint32(k.HighLog)),
		StringValue(ValueLogPath, k.LogPath),
		DWordValue(ValueLowLog, uint32(k.LowLog)),
	}
}

// values returns Raw, or the encoded typed fields when Raw is nil.
func (k *Key) values() []RegValue {
	if k.Raw != nil {
		return k.Raw
	}
	return k.RegValues()
}

// SetRecovered sets "EDB Database recovered" to 01, as the engine does once
// every log has been replayed and the database has started. Raw is
// updated too.
func (k *Key) SetRecovered() {
	k.Recovered = true
	for i, v := range k.Raw {
		if v.Name == ValueRecovered && !v.Delete {
			k.Raw[i] = BinaryValue(ValueRecovered, []byte{1})
			return
		}
	}
	if k.Raw != nil {
		k.Raw = append(k.Raw, BinaryValue(ValueRecovered, []byte{1}))
	}
}

// RegFile returns a .reg file holding the key. The values are Raw when the
// key was read from a file (so an unchanged key is written back as read),
// otherwise the typed fields. An empty Path is taken as the key of Service
// (MSExchangeIS when that is empty too).
func (k *Key) RegFile(format RegFormat) *RegFile {
	p := k.Path
	if p == "" {
		svc := k.Service
		if svc == "" {
			svc = ServiceIS
		}
		p = KeyPath(svc)
	}
	return &RegFile{Format: format, Keys: []RegKey{{Path: p, Values: k.values()}}}
}

// Marshal returns the key's .reg file text in format.
func (k *Key) Marshal(format RegFormat) []byte { return k.RegFile(format).Marshal() }

// DeleteFile returns a .reg file that deletes the key when merged
// ("[-path]"), the form to keep next to a saved copy.
func (k *Key) DeleteFile(format RegFormat) *RegFile {
	f := k.RegFile(format)
	f.Keys[0].Delete = true
	f.Keys[0].Values = nil
	return f
}
