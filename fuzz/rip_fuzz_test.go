package fuzz

import (
	"bytes"
	"strings"
	"testing"

	"github.com/esekit/esekit/rip"
)

// seedRIP is KB Q200941's example key.
func seedRIP() *rip.Key {
	return &rip.Key{
		Path: rip.KeyPath(rip.ServiceIS), Service: rip.ServiceIS, LowLog: 0x36, HighLog: 0x3f,
		RstMap: []string{
			`\\OLDSERVER\c$\exchsrvr\MDBDATA\PRIV.EDB`, `\\NEWSERVER\d$\exchsrvr\MDBDATA\PRIV.EDB`,
			`\\OLDSERVER\c$\exchsrvr\MDBDATA\PUB.EDB`, `\\NEWSERVER\e$\exchsrvr\MDBDATA\PUB.EDB`,
		},
		RstMapSize: 2, LogPath: `\\NEWSERVER\f$\exchsrvr\mdbdata`, BackupLogPath: `\\NEWSERVER\f$\exchsrvr\mdbdata`,
		CheckpointFilePath: `\\NEWSERVER\c$\exchsrvr\mdbdata`,
	}
}

// FuzzRipRegFile parses arbitrary bytes as a .reg file. It must never
// panic; what parses must marshal to text that parses to the same file and
// marshals to the same bytes again; any Restore in Progress key in it must
// validate without panicking.
func FuzzRipRegFile(f *testing.F) {
	f.Add(seedRIP().Marshal(rip.Regedit4))
	f.Add(seedRIP().Marshal(rip.Regedit5))
	f.Add([]byte("REGEDIT4\n[HKEY_LOCAL_MACHINE\\X\\Restore in Progress]\n@=\"a\\\\b\"\n\"v\"=-\n\"h\"=hex(7):41,00,\\\n  00\n; c\n[-K]\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		rf, err := rip.ParseRegFile(data)
		if err != nil {
			return
		}
		out := rf.Marshal()
		rf2, err := rip.ParseRegFile(out)
		if err != nil {
			t.Fatalf("marshalled file does not parse: %v\n%q", err, out)
		}
		if out2 := rf2.Marshal(); !bytes.Equal(out, out2) {
			t.Fatalf("second marshal differs:\n%q\n%q", out, out2)
		}
		if k, err := rip.FromRegFile(rf); err == nil {
			_ = rip.Validate(k, &rip.Evidence{PatchGenLow: 0x36, PatchGenHigh: 0x3f, PatchFiles: 2})
			_ = rip.Decide(k, rip.Disk{PatchFiles: 1, BackupLogs: 1})
		}
	})
}

// FuzzRipWorksheet parses arbitrary text as a worksheet and builds its key.
func FuzzRipWorksheet(f *testing.F) {
	f.Add([]byte("Transaction Logs Path: F:\\exchsrvr\\mdbdata\nWorking Path: C:\\exchsrvr\\mdbdata\nNumber of databases: 1\nServer from which backup was taken: OLDSERVER\nServer to which backup is being restored: NEWSERVER\nLowLog Number: 36\nHighLog Number: 3f\nOriginal database path: C:\\exchsrvr\\MDBDATA\\PRIV.EDB\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := rip.ParseWorksheet(bytes.NewReader(data))
		if err != nil {
			return
		}
		if _, err := rip.ParseWorksheet(strings.NewReader(string(w.Format()))); err != nil {
			t.Fatalf("formatted worksheet does not parse: %v", err)
		}
		if k, err := w.Key(); err == nil {
			_ = rip.Validate(k, nil)
			_ = k.Marshal(rip.Regedit5)
		}
	})
}
