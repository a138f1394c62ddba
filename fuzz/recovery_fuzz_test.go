package fuzz

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/testcorpus"
	"github.com/esekit/esekit/recovery"
)

// recoveryPool is the set of real files the planner fuzzer combines: the
// headers (first 16 KiB) of logs, checkpoints, databases and patch files.
var recoveryPool = []struct{ rel, name string }{
	{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU0004F.log", "SRU0004F.log"},
	{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU00050.log", "SRU00050.log"},
	{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU00051.log", "SRU00051.log"},
	{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU.log", "SRU.log"},
	{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU.chk", "SRU.chk"},
	{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRUDB.dat", "SRUDB.dat"},
	{"appdata/edb0000D.log", "SRU0004E.log"},
	{"wlm-danyquenneville-backup/WindowsMail.pat", "SRUDB.pat"},
	{"wlm-danyquenneville-backup/edb00001.log", "SRU00052.log"},
}

// FuzzRecoveryPlan picks corpus files by the input's first byte (a bit
// mask), corrupts them with the rest of the input (offset, xor pairs) and
// plans soft and hard recovery over them. The planner must never panic.
func FuzzRecoveryPlan(f *testing.F) {
	files := map[string][]byte{}
	if d := testcorpus.Dir(); d != "" {
		for _, p := range recoveryPool {
			b, err := os.ReadFile(filepath.Join(d, filepath.FromSlash(p.rel)))
			if err == nil {
				files[p.name] = b
			}
		}
	}
	f.Add([]byte{0xFF})
	f.Add([]byte{0x2F, 0x2c, 0x00, 0x01, 0x00, 0x00, 0x00})
	f.Add([]byte{0x3F, 0x10, 0x00, 0x00, 0x00, 0x52})
	f.Fuzz(func(t *testing.T, data []byte) { planOnce(files, data) })
}

// planOnce is FuzzRecoveryPlan's body. Files the corruptions leave alone
// are shared with files, not copied: the planner only reads them, and
// copying the several megabytes of the pool on every call made the target
// run a few hundred inputs a second.
func planOnce(files map[string][]byte, data []byte) {
	if len(data) == 0 {
		return
	}
	mask := data[0]
	data = data[1:]
	fsys := fstest.MapFS{}
	var names []string
	for i, p := range recoveryPool {
		b, ok := files[p.name]
		if !ok || (i < 8 && mask&(1<<i) == 0) {
			continue
		}
		names = append(names, p.name)
		fsys[p.name] = &fstest.MapFile{Data: b}
	}
	if len(names) == 0 {
		fsys["SRU.log"] = &fstest.MapFile{Data: data}
		names = append(names, "SRU.log")
	}
	// Corruptions: (file index, u32 offset, xor byte), header fixed
	// half of the time so deeper checks run. A file is copied the first
	// time a corruption touches it.
	copied := map[string]bool{}
	for len(data) >= 6 {
		fi, off, x := int(data[0]), binary.LittleEndian.Uint32(data[1:]), data[5]
		data = data[6:]
		name := names[fi%len(names)]
		mf := fsys[name]
		if len(mf.Data) == 0 {
			continue
		}
		if !copied[name] {
			mf.Data = bytes.Clone(mf.Data)
			copied[name] = true
		}
		o := int(off % uint32(len(mf.Data)))
		mf.Data[o] ^= x
		if fi&0x80 != 0 && len(mf.Data) >= 4096 {
			binary.LittleEndian.PutUint32(mf.Data, ese.HeaderChecksum(mf.Data[:4096]))
		}
	}
	var dbs []recovery.DatabaseFile
	if mf, ok := fsys["SRUDB.dat"]; ok {
		dbs = append(dbs, recovery.DatabaseFile{Name: "SRUDB.dat", R: bytes.NewReader(mf.Data)})
	}
	in := recovery.SoftInput{Logs: fsys, Databases: dbs}
	if _, ok := fsys["SRU.chk"]; ok {
		in.Checkpoint = recovery.CheckpointSource{Name: "SRU.chk"}
	}
	recovery.PlanSoft(context.Background(), in, nil)
	recovery.PlanHard(context.Background(), recovery.HardInput{Restore: fsys, Databases: dbs}, nil)
}

// FuzzRecoveryRemap resolves hostile logged paths through hostile restore
// maps: a result must always lie inside the target folder.
func FuzzRecoveryRemap(f *testing.F) {
	for _, s := range [][2]string{
		{`C:\Windows\System32\sru\SRUDB.dat`, `SRUDB.dat`},
		{`\\OLDSERVER\c$\exchsrvr\MDBDATA\PRIV.EDB`, `\\NEWSERVER\d$\exchsrvr\MDBDATA\PRIV.EDB`},
		{`..\..\etc\passwd`, `sub/x.edb`},
		{`\\.\PhysicalDrive0`, `C:\x.edb`},
		{"x\x00.edb", `a/../../b`},
	} {
		f.Add(s[0], s[1], true)
	}
	tgt := filepath.Join(f.TempDir(), "target") // need not exist
	f.Fuzz(func(t *testing.T, logged, to string, useMap bool) {
		var m *recovery.RestoreMap
		var err error
		if useMap {
			m, err = recovery.NewRestoreMap([]string{tgt}, recovery.MapEntry{From: logged, To: to})
			if err != nil {
				return
			}
		} else {
			m, _ = recovery.NewRestoreMap([]string{tgt})
		}
		p, err := m.Resolve(logged)
		if err != nil {
			return
		}
		rel, rerr := filepath.Rel(tgt, p)
		if rerr != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) || rel == "." {
			t.Fatalf("%q -> %q resolved to %q, outside %q", logged, to, p, tgt)
		}
	})
}
