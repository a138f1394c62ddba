package recovery_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esechk"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/sampleset"
	"github.com/esekit/esekit/recovery"
)

// The examples work on the sample set of the esekit command: a SRUM
// folder of Windows 10 collected while the service ran. SRUDB.dat is in
// DirtyShutdown state and needs generation 0x51; SRU.chk points into
// 0x51; the logs are SRU0004E.log to SRU00051.log and SRU.log, the
// current log (generation 0x52).

// Plan soft recovery of a dirty database: which logs are replayed, from
// where to where, and the engine's verdict, before any page is written.
func ExamplePlanSoftDir() {
	dir, err := sampleset.TempDir() // a new folder holding the sample set
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// CheckpointSource{Find: true} takes the checkpoint (SRU.chk) from the log folder.
	plan, err := recovery.PlanSoftDir(context.Background(), dir, []string{filepath.Join(dir, "SRUDB.dat")}, recovery.CheckpointSource{Find: true}, nil)
	if err != nil {
		log.Fatal(err) // the folder or a file could not be read
	}
	if err := plan.Err(); err != nil {
		log.Fatal(err) // the engine's verdict: errors.Is(err, ese.ErrMissingLogFile)...
	}
	fmt.Println("mode:", plan.Mode)
	fmt.Printf("replay from (0x%X,%X,%X) to (0x%X,%X,%X)\n",
		plan.Start.Generation, plan.Start.Sector, plan.Start.Offset,
		plan.End.Generation, plan.End.Sector, plan.End.Offset)
	for _, l := range plan.Logs {
		fmt.Printf("log %s, generation 0x%X\n", l.File, l.Generation)
	}
	for _, d := range plan.Databases {
		fmt.Printf("%s: %s 0x%X-0x%X\n", filepath.Base(d.File), d.Action, d.ReplayFrom, d.ReplayTo)
	}
	// Output:
	// mode: soft
	// replay from (0x51,1,0) to (0x52,1,0)
	// log SRU00051.log, generation 0x51
	// log SRU.log, generation 0x52
	// SRUDB.dat: replay 0x51-0x52
}

// Recover the database into a new folder, as the engine's soft recovery
// would at its next start. The inputs are only read.
func ExampleRecover() {
	dir, err := sampleset.TempDir() // a new folder holding the sample set
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db := filepath.Join(dir, "SRUDB.dat")

	plan, err := recovery.PlanSoftDir(context.Background(), dir, []string{db}, recovery.CheckpointSource{Find: true}, nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := plan.Err(); err != nil {
		log.Fatal(err)
	}
	// The plan carries its inputs: Recover needs only where to write, a
	// folder outside the inputs' (one inside them is refused).
	parent, err := os.MkdirTemp("", "esekit-recovered-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(parent)
	out := filepath.Join(parent, "recovered") // created by Recover
	res, err := recovery.Recover(context.Background(), plan, &recovery.RecoverOptions{OutDir: out})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("logs replayed:", res.LogsReplayed, res.Records, "records")
	for _, d := range res.Databases {
		fmt.Println(filepath.Base(d.File), d.StateBefore, "->", d.StateAfter)
		fmt.Println("page records:", d.RecordsRedone, "redone,", d.RecordsSkipped, "already on the pages")
		p := d.ConsistentPos
		fmt.Printf("consistent at (0x%X,%X,%X)\n", p.Generation, p.Sector, p.Offset)
	}

	// The output is an ordinary clean database.
	f, err := os.Open(filepath.Join(out, "SRUDB.dat"))
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	h, err := ese.ReadDBHeader(f)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(h.Header.State == ese.DBStateCleanShutdown, "logs required:", h.Header.GenMinRequired, h.Header.GenMaxRequired)
	// Output:
	// logs replayed: [SRU00051.log SRU.log] 273 records
	// SRUDB.dat DirtyShutdown -> CleanShutdown
	// page records: 0 redone, 156 already on the pages
	// consistent at (0x52,1,31)
	// true logs required: 0x0 0x0
}

// Restore an online backup on another machine: the database lived at
// C:\Windows\System32\sru\SRUDB.dat where the backup was taken; here the
// copy is in its own folder, and a restore map says so.
func ExampleRestore() {
	// A backup set made from the sample: the database copy of a full
	// backup of logs 0x51-0x52 with its trailer page, the backup's logs,
	// and the zero-length SRUDB.pat that today's engines leave as a marker.
	set, err := sampleset.NewBackup()
	if err != nil {
		log.Fatal(err)
	}
	backup := set.Folder(esepatch.FormMarkerTrailer)
	target, err := os.MkdirTemp("", "esekit-restore-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(target)
	db := recovery.DatabaseFile{Name: "SRUDB.dat", R: bytes.NewReader(set.DB)}

	m, err := recovery.NewRestoreMap([]string{target},
		recovery.MapEntry{From: `C:\Windows\System32\sru\SRUDB.dat`, To: "SRUDB.dat"})
	if err != nil {
		log.Fatal(err)
	}
	plan, err := recovery.PlanHard(context.Background(), recovery.HardInput{Restore: backup, Databases: []recovery.DatabaseFile{db}},
		&recovery.Options{RestoreMap: m})
	if err != nil {
		log.Fatal(err)
	}
	if err := plan.Err(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("backup logs 0x%X-0x%X, %d patch file\n", plan.PatchRange.Low, plan.PatchRange.High, plan.PatchFiles)
	for _, u := range plan.RestoreMap {
		fmt.Println("map entry used:", u.Used, "for", u.Logged)
	}
	for _, d := range plan.Databases {
		fmt.Println(d.File, d.Patch, d.PatchForm)
	}

	out := filepath.Join(target, "recovered") // created by Restore
	res, err := recovery.Restore(context.Background(), plan, &recovery.RestoreOptions{
		RecoverOptions: recovery.RecoverOptions{OutDir: out},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range res.Databases {
		fmt.Println(d.File, d.StateBefore, "->", d.StateAfter, "after", d.LogsReplayed, "logs")
	}
	// Output:
	// backup logs 0x51-0x52, 1 patch file
	// map entry used: true for [C:\Windows\system32\SRU\SRUDB.dat]
	// SRUDB.dat SRUDB.pat marker+trailer
	// SRUDB.dat DirtyShutdown -> CleanShutdown after 2 logs
}

// What an incremental backup must copy, and which logs may go once it is
// taken.
func ExampleIncrementalBackup() {
	dir, err := sampleset.TempDir() // a new folder holding the sample set
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	set, err := eselog.ScanDir(dir, nil)
	if err != nil {
		log.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "SRUDB.dat"))
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	c, err := ese.ReadDBHeader(f)
	if err != nil {
		log.Fatal(err)
	}
	hdr := c.Header

	// The SRUM database was never backed up: nothing to build on.
	a := recovery.IncrementalBackup(set, hdr)
	fmt.Println(a.Error == ese.ErrMissingFullBackup, a.Error.Code())

	// Had a full backup copied logs up to 0x4F, the incremental backup
	// copies every later log, the current one included.
	hdr.PrevFullBackup = ese.BackupInfo{GenLow: 0x4E, GenHigh: 0x4F}
	a = recovery.IncrementalBackup(set, hdr)
	fmt.Printf("copy 0x%X-0x%X: %v, error %d\n", a.Since, a.Through, a.Logs, a.Error.Code())

	// Once the logs are backed up, those below the checkpoint and below
	// what the dirty database still needs may be removed.
	ck, err := os.Open(filepath.Join(dir, "SRU.chk"))
	if err != nil {
		log.Fatal(err)
	}
	defer ck.Close()
	chk, err := esechk.Read(ck)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("checkpoint in 0x%X, database needs 0x%X\n", chk.Checkpoint.Generation, hdr.GenMinRequired)
	fmt.Println("truncatable:", recovery.TruncatableLogs(set, chk.Checkpoint.Generation, hdr))
	// Output:
	// true -560
	// copy 0x50-0x52: [SRU00050.log SRU00051.log SRU.log], error 0
	// checkpoint in 0x51, database needs 0x51
	// truncatable: [SRU0004E.log SRU0004F.log SRU00050.log]
}

// Plan over an in-memory folder from which a log the database needs is
// gone: the plan carries the error the engine would stop with.
func ExamplePlanSoft() {
	folder, err := sampleset.FS() // any fs.FS: os.DirFS, a zip, a forensic image
	if err != nil {
		log.Fatal(err)
	}
	delete(folder, "SRU00051.log")

	plan, err := recovery.PlanSoft(context.Background(), recovery.SoftInput{
		Logs:       folder,
		Databases:  []recovery.DatabaseFile{{Name: "SRUDB.dat", R: bytes.NewReader(folder["SRUDB.dat"].Data)}},
		Checkpoint: recovery.CheckpointSource{Name: "SRU.chk"}, // in the log folder
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	err = plan.Err()
	fmt.Println(errors.Is(err, ese.ErrMissingLogFile), plan.Error.Code())
	for _, d := range plan.Databases {
		fmt.Println(d.File, d.Action, d.Error.Code())
	}
	// Output:
	// true -528
	// SRUDB.dat fail -528
}
