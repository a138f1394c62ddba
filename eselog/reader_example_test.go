package eselog_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/esekit/esekit/eselog"
)

// Open a log, list the records that touch database 1, then verify the
// whole file.
func ExampleOpen() {
	f, err := os.Open("edb.log")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		log.Fatal(err)
	}
	l, err := eselog.Open(f, st.Size())
	if err != nil {
		log.Fatal(err) // e.g. JET_errLogFileCorrupt (-501), JET_errBadLogVersion (-514)
	}
	fmt.Println("generation", l.Header.Generation, "format", l.Header.Version(), "ends at", l.End)
	for rec, err := range l.Records(context.Background(), eselog.Filter{DBIDs: []uint8{1}}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(rec.Pos(), rec.Type())
	}
	stats, err := l.Walk(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(stats.Records, "records,", stats.Unaccounted, "bytes unaccounted")
}

// Start reading where redo would start for a checkpoint.
func ExampleLog_NewReaderAt() {
	f, err := os.Open("edb.log")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	l, err := eselog.Open(f, st.Size())
	if err != nil {
		log.Fatal(err)
	}
	rd := l.NewReaderAt(context.Background(), eselog.Filter{}, l.Header.CheckpointAtCreation)
	for {
		rec, err := rd.Next()
		if err != nil {
			break // io.EOF at the end of the valid data
		}
		fmt.Println(rec.Pos(), rec.Type())
	}
}
