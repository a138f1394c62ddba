package eselog_test

import (
	"bytes"
	"context"
	"fmt"
	"log"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esechk"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/sampleset"
)

// The examples read the sample set of the esekit command: the logs of a
// SRUM database of Windows 10 (SRU0004E.log to SRU00051.log, and SRU.log,
// the current log, generation 0x52), its checkpoint SRU.chk and the
// database SRUDB.dat, which needs generation 0x51.

// Open a log, count the records that touch database 1 by type, then
// verify the whole file.
func ExampleOpen() {
	b, err := sampleset.Read("SRU00051.log") // or an *os.File and its size
	if err != nil {
		log.Fatal(err)
	}
	l, err := eselog.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		log.Fatal(err) // e.g. JET_errLogFileCorrupt (-501), JET_errBadLogVersion (-514)
	}
	fmt.Printf("generation 0x%X, format %s, valid data ends in sector %d\n", l.Header.Generation, l.Header.Version(), l.End.Sector)
	n := map[eselog.RecordType]int{}
	for rec, err := range l.Records(context.Background(), eselog.Filter{DBIDs: []uint8{1}}) {
		if err != nil {
			log.Fatal(err)
		}
		n[rec.Type()]++
	}
	fmt.Println("database 1:", n[eselog.RecInsert], "inserts,", n[eselog.RecReplace], "replaces,", n[eselog.RecDelete], "delete")
	stats, err := l.Walk(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(stats.Records, "records,", stats.Unaccounted, "bytes unaccounted")
	// Output:
	// generation 0x51, format 8.4000.5.16, valid data ends in sector 12
	// database 1: 148 inserts, 2 replaces, 1 delete
	// 273 records, 0 bytes unaccounted
}

// Start reading where soft recovery starts: at the checkpoint.
func ExampleLog_NewReaderAt() {
	ck, err := sampleset.Read("SRU.chk")
	if err != nil {
		log.Fatal(err)
	}
	chk, err := esechk.Read(bytes.NewReader(ck))
	if err != nil {
		log.Fatal(err)
	}
	b, err := sampleset.Read("SRU00051.log")
	if err != nil {
		log.Fatal(err)
	}
	l, err := eselog.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		log.Fatal(err)
	}
	rd := l.NewReaderAt(context.Background(), eselog.Filter{}, chk.Checkpoint)
	for range 3 {
		rec, err := rd.Next()
		if err != nil {
			break // io.EOF at the end of the valid data
		}
		p := rec.Pos()
		fmt.Printf("(0x%X,%X,%X) %v\n", p.Generation, p.Sector, p.Offset, rec.Type())
	}
	// Output:
	// (0x51,9,0) Term2
	// (0x51,9,42) Init2
	// (0x51,A,268) AttachDB
}

// Check a log folder against a database: which generations it needs,
// whether they are all there, and what soft recovery would replay.
func ExampleSet_Check() {
	folder, err := sampleset.FS()
	if err != nil {
		log.Fatal(err)
	}
	db, err := eselog.ReadDatabase(bytes.NewReader(folder["SRUDB.dat"].Data), "SRUDB.dat")
	if err != nil {
		log.Fatal(err)
	}
	chk, err := esechk.Read(bytes.NewReader(folder["SRU.chk"].Data))
	if err != nil {
		log.Fatal(err)
	}
	ckpt := &eselog.CheckpointInfo{File: "SRU.chk", Pos: chk.Checkpoint, Signature: chk.LogSignature}

	set, err := eselog.ScanFS(folder, ".", nil) // eselog.ScanDir for a folder on disk
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s logs %X, current %s\n", set.Base, set.Generations, set.Current.File)
	v := set.Check(db, ckpt)
	fmt.Printf("needs 0x%X-0x%X, replayable %v, replays %v\n", v.Required.Low, v.Required.High, v.Replayable, v.Replay.Files)

	// Without the log the database needs:
	delete(folder, "SRU00051.log")
	set, err = eselog.ScanFS(folder, ".", nil)
	if err != nil {
		log.Fatal(err)
	}
	v = set.Check(db, ckpt)
	fmt.Printf("missing %X, replayable %v, error %d (%v)\n", v.Missing, v.Replayable, v.Error.Code(), v.Error == ese.ErrMissingLogFile)
	// Output:
	// SRU logs [4E 4F 50 51 52], current SRU.log
	// needs 0x51-0x51, replayable true, replays [SRU00051.log SRU.log]
	// missing [51], replayable false, error -528 (true)
}
