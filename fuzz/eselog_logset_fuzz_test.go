package fuzz

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/testcorpus"
)

// logsetNames are the names the fuzzer picks from for its files: current,
// archived, temp, reserve and odd ones.
var logsetNames = []string{"edb.log", "edb00001.log", "edb00002.log", "edb00003.log", "edbtmp.log",
	"edbres00001.jrs", "SRU.log", "SRU00051.log", "edb0000000D.log", "res1.log", "x.log", "EDB00002.LOG"}

// FuzzEselogLogSet builds a folder from the input: a sequence of chunks
// (one byte choosing the name, two bytes of length, then the bytes; the
// first 4096 bytes of a log header are enough) and scans and checks it.
// Headers are patched with a valid checksum half of the time so the
// scanner's deeper paths run.
func FuzzEselogLogSet(f *testing.F) {
	if d := testcorpus.Dir(); d != "" {
		var in []byte
		for i, rel := range []string{"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU00051.log",
			"museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU.log", "appdata/edb.log", "appdata/edb0000D.log"} {
			b, err := os.ReadFile(filepath.Join(d, filepath.FromSlash(rel)))
			if err != nil || len(b) < 4096 {
				continue
			}
			in = append(in, byte(i*2+1), 0x00, 0x10)
			in = append(in, b[:4096]...)
		}
		f.Add(in, true)
	}
	f.Add([]byte{0, 4, 0, 1, 2, 3, 4}, false)
	f.Fuzz(func(t *testing.T, data []byte, fix bool) {
		fsys := fstest.MapFS{}
		for len(data) >= 3 && len(fsys) < 8 {
			name := logsetNames[int(data[0])%len(logsetNames)]
			n := int(binary.LittleEndian.Uint16(data[1:]))
			data = data[3:]
			n = min(n, len(data))
			b := append([]byte(nil), data[:n]...)
			data = data[n:]
			if fix && len(b) >= 4096 {
				binary.LittleEndian.PutUint32(b, ese.HeaderChecksum(b[:4096]))
			}
			fsys[name] = &fstest.MapFile{Data: b}
		}
		s, err := eselog.ScanFS(fsys, ".", nil)
		if err != nil {
			return
		}
		db := &eselog.Database{State: ese.DBStateDirtyShutdown, LogSignature: s.Signature, GenMinRequired: 1, GenMaxRequired: 0x7FFFFFFF}
		v := s.Check(db, nil)
		if len(v.Missing) > 1024 {
			t.Fatalf("missing list of %d entries", len(v.Missing))
		}
		s.Check(db, &eselog.CheckpointInfo{Pos: ese.LogPos{Generation: 2}, Signature: s.Signature})
	})
}
