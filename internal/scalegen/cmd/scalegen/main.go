// Command scalegen writes the inputs of the scale benchmarks in
// BENCHMARKS.md: a folder of chained logs and a database whose every page
// verifies.
//
//	go run ./internal/scalegen/cmd/scalegen -logs 10000 -dir /tmp/logs10k
//	go run ./internal/scalegen/cmd/scalegen -db-pages 131072 -db /tmp/db1g.edb
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/esekit/esekit/internal/scalegen"
)

func main() {
	logs := flag.Int("logs", 0, "number of log generations to write into -dir (created when missing)")
	dir := flag.String("dir", "", "folder for the logs")
	sectors := flag.Int("sectors", 0, "size of each log in 4 KiB sectors (0: 16)")
	pages := flag.Int64("db-pages", 0, "number of pages of the database written to -db")
	pageSize := flag.Int("page-size", 0, "database page size (0: 8192)")
	db := flag.String("db", "", "database file to create")
	flag.Parse()
	if (*logs > 0) == (*dir == "") || (*pages > 0) == (*db == "") || (*logs == 0 && *pages == 0) || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if *logs > 0 {
		if err := os.MkdirAll(*dir, 0o755); err != nil {
			fail(err)
		}
		if err := scalegen.LogFolder(*dir, scalegen.LogSpec{Logs: *logs, FileSectors: *sectors}); err != nil {
			fail(err)
		}
	}
	if *pages > 0 {
		if err := scalegen.Database(*db, scalegen.DBSpec{PageSize: *pageSize, Pages: *pages}); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "scalegen:", err)
	os.Exit(1)
}
