package esekit_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/sampleset"
	"github.com/esekit/esekit/recovery"
)

// A short session: look at a dirty database, ask whether its logs can
// bring it clean, and do it into copies, leaving the inputs untouched.
// The folder is the sample set of the esekit command, a SRUM folder of
// Windows 10 collected while the service ran.
func Example() {
	dir, err := sampleset.TempDir() // a new folder: SRUDB.dat, SRU.chk, the logs
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db := filepath.Join(dir, "SRUDB.dat")

	// The database header: both copies, their checksums, the state.
	f, err := os.Open(db)
	if err != nil {
		log.Fatal(err)
	}
	hdr, err := ese.ReadDBHeader(f)
	f.Close()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%v, needs logs 0x%X-0x%X; header copies good: %v %v\n", hdr.Header.State,
		hdr.Header.GenMinRequired, hdr.Header.GenMaxRequired, hdr.HeaderChecksumOK, hdr.ShadowOK)

	// The log folder: generations, gaps, signatures, the current log.
	set, err := eselog.ScanDir(dir, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("logs %X, %d gaps, current %s (0x%X)\n", set.Generations, len(set.Gaps), set.Current.File, set.Current.Generation)

	// The engine's verdict, before anything is written.
	plan, err := recovery.PlanSoftDir(context.Background(), dir, []string{db}, recovery.CheckpointSource{Find: true}, nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := plan.Err(); errors.Is(err, ese.ErrMissingLogFile) {
		log.Fatal("a log the database needs is gone: ", err)
	} else if err != nil {
		log.Fatal(err)
	}

	// Soft recovery into copies in a new folder outside the inputs' (one
	// inside them is refused): the plan carries its inputs.
	out, err := os.MkdirTemp("", "esekit-out-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(out)
	res, err := recovery.Recover(context.Background(), plan, &recovery.RecoverOptions{OutDir: out})
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range res.Databases {
		fmt.Printf("%s: %s -> %s, replayed %v\n", filepath.Base(d.Output), d.StateBefore, d.StateAfter, res.LogsReplayed)
	}
	// Output:
	// DirtyShutdown, needs logs 0x51-0x51; header copies good: true true
	// logs [4E 4F 50 51 52], 0 gaps, current SRU.log (0x52)
	// SRUDB.dat: DirtyShutdown -> CleanShutdown, replayed [SRU00051.log SRU.log]
}
