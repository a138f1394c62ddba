package recovery_test

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/esekit/esekit/recovery"
)

// writeInspectSample writes the SRUM sample the esekit CLI embeds (a Windows 10
// SRUM folder collected while the service ran) into a new folder.
func writeInspectSample() (string, error) {
	const src = "../examples/esekit/testdata/sample"
	dir, err := os.MkdirTemp("", "esekit-sample")
	if err != nil {
		return "", err
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		return "", err
	}
	for _, e := range ents {
		f, err := os.Open(filepath.Join(src, e.Name()))
		if err != nil {
			return "", err
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			return "", err
		}
		b, err := io.ReadAll(zr)
		f.Close()
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dir, strings.TrimSuffix(e.Name(), ".gz")), b, 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// A backup agent asks of a log folder: is it complete and replayable,
// which logs may it truncate once they are on tape, and what must an
// incremental backup copy. Inspect answers all three in one call.
func ExampleInspect() {
	dir, err := writeInspectSample()
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ins, err := recovery.Inspect(context.Background(), os.DirFS(dir), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("logs 0x%X-0x%X, checkpoint %s at generation 0x%X\n", ins.Set.Lowest(), ins.Set.Highest(),
		ins.Checkpoint.File, ins.Checkpoint.Checkpoint.Checkpoint.Generation)
	for _, d := range ins.Databases {
		v := d.Verdict
		fmt.Printf("%s (%s): needs %v, replayable %v\n", d.File, v.State, v.Required, v.Replayable)
	}
	fmt.Printf("folder verdict: error %d\n", ins.Error)
	for _, l := range ins.Truncatable {
		fmt.Printf("truncatable once backed up: %s\n", l.File)
	}
	if a := ins.Incremental; a != nil {
		fmt.Printf("incremental backup: %s (%d): %s\n", a.Error.Name(), a.Error, a.Message)
	}
	// Output:
	// logs 0x4E-0x52, checkpoint SRU.chk at generation 0x51
	// SRUDB.dat (DirtyShutdown): needs 0x51, replayable true
	// folder verdict: error 0
	// truncatable once backed up: SRU0004E.log
	// truncatable once backed up: SRU0004F.log
	// truncatable once backed up: SRU00050.log
	// incremental backup: JET_errMissingFullBackup (-560): the database header records no full backup: an incremental backup needs one to build on
}
