package fuzz

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"
	"testing/fstest"

	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/testcorpus"
	"github.com/esekit/esekit/recovery"
)

// FuzzRecoveryPlanBackupForm plans hard recovery of the Windows Live Mail
// backup set in both forms (the first byte's bit 0: the .pat truncated to
// zero bytes; bit 1: the trailer page dropped from the database copy;
// bit 2: no .pat at all) after corrupting the database copy with the rest
// of the input (u32 offset from the end, xor byte). The planner must not
// panic, and must never accept a zero-length .pat for a copy whose header
// waits for a trailer that does not read and match.
func FuzzRecoveryPlanBackupForm(f *testing.F) {
	const set = "wlm-danyquenneville-backup/"
	var db, pat, lg []byte
	if testcorpus.Dir() != "" {
		db = testcorpus.Read(f, set+"WindowsMail.MSMessageStore")
		pat = testcorpus.Read(f, set+"WindowsMail.pat")
		lg = testcorpus.Read(f, set+"edb00001.log")
	}
	f.Add([]byte{0})
	f.Add([]byte{1})
	f.Add([]byte{3})
	f.Add([]byte{1, 100, 0, 0, 0, 1})
	f.Add([]byte{1, 0x10, 0x20, 0, 0, 0xFF})
	f.Fuzz(func(t *testing.T, data []byte) {
		if db == nil || len(data) == 0 {
			return
		}
		mask := data[0]
		data = data[1:]
		d := bytes.Clone(db)
		if mask&2 != 0 {
			d = d[:len(d)-8192]
		}
		for len(data) >= 5 && len(d) > 0 {
			off := int(binary.LittleEndian.Uint32(data) % uint32(len(d)))
			d[len(d)-1-off] ^= data[4]
			data = data[5:]
		}
		fsys := fstest.MapFS{"edb00001.log": {Data: lg}}
		switch {
		case mask&4 != 0:
		case mask&1 != 0:
			fsys["WindowsMail.pat"] = &fstest.MapFile{Data: nil}
		default:
			fsys["WindowsMail.pat"] = &fstest.MapFile{Data: pat}
		}
		p, err := recovery.PlanHard(context.Background(), recovery.HardInput{Restore: fsys,
			Databases: []recovery.DatabaseFile{{Name: "WindowsMail.MSMessageStore", R: bytes.NewReader(d)}}}, nil)
		if err != nil || p.Error != 0 || len(p.Databases) != 1 || p.Databases[0].PatchForm != esepatch.FormMarkerTrailer {
			return
		}
		h, _, st, terr := esepatch.ReadBackupDatabase(bytes.NewReader(d))
		if h != nil && st == esepatch.TrailerPending && terr != nil {
			t.Fatalf("zero-length .pat accepted for a pending copy whose trailer fails: %v", terr)
		}
	})
}
