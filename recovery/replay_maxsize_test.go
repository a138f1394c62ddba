package recovery

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/testcorpus"
)

// TestMaxFileBytesBoundsEveryPageOfARecord: RecoverOptions.MaxFileBytes
// bounds every page a record names, not only its own. appdata/edb.log's
// first CreateMultipleExtentFDP (at (1,2,0x3A): FDP page 1, OE root 2, AE
// root 3) gets an AE root of 0x9000000; recovered with CreateMissing
// under an 8 MiB limit, the log must stop recovery with an error wrapping
// JET_errDatabaseCorrupted that names that page, and leave no file. Before
// the fix only the FDP page was checked: the AE root was written 4.5 TiB
// into the file (a sparse file) and recovery went on (FuzzRecoveryReplay
// found a log that then recovered "successfully" to a 4.5 TiB database).
// The unchanged log recovers under the same limit.
func TestMaxFileBytesBoundsEveryPageOfARecord(t *testing.T) {
	raw := testcorpus.Read(t, "appdata/edb.log")
	l, err := eselog.Open(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	var fdp *eselog.CreateMultipleExtentFDP
	for rec, err := range l.Records(context.Background(), eselog.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if r, ok := rec.(*eselog.CreateMultipleExtentFDP); ok {
			fdp = r
			break
		}
	}
	if fdp == nil || fdp.At != (ese.LogPos{Generation: 1, Sector: 2, Offset: 0x3A}) || fdp.PgnoAE != 3 {
		t.Fatalf("first CreateMultipleExtentFDP: %+v", fdp)
	}
	const hostile = 0x9000000
	bad := bytes.Clone(raw)
	seg := bad[int(fdp.At.Sector)*4096 : int(fdp.At.Sector+1)*4096]
	binary.LittleEndian.PutUint32(seg[int(fdp.At.Offset)+40:], hostile) // pgnoAE
	ese.SetPageChecksum(seg, uint32(fdp.At.Sector))

	for _, c := range []struct {
		name string
		log  []byte
		fail bool
	}{{"unchanged", raw, false}, {"hostile AE root", bad, true}} {
		t.Run(c.name, func(t *testing.T) {
			in, out := t.TempDir(), t.TempDir()
			if err := os.WriteFile(filepath.Join(in, "edb.log"), c.log, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := RecoverFolder(context.Background(), FolderInput{Logs: in}, &RecoverOptions{OutDir: out, CreateMissing: true, MaxFileBytes: 8 << 20})
			ents, _ := os.ReadDir(out)
			if !c.fail {
				if err != nil || len(ents) != 1 {
					t.Fatalf("%v; %d files in the output folder", err, len(ents))
				}
				return
			}
			if !errors.Is(err, ese.ErrDatabaseCorrupted) || !strings.Contains(err.Error(), "page 150994944") {
				t.Fatalf("error %v, want one wrapping JET_errDatabaseCorrupted naming page 150994944", err)
			}
			if len(ents) != 0 {
				st, _ := os.Stat(filepath.Join(out, ents[0].Name()))
				t.Fatalf("failed recovery left %d files (%s: %d bytes)", len(ents), ents[0].Name(), st.Size())
			}
		})
	}
}
