package ese_test

import (
	"bytes"
	"context"
	"fmt"
	"log"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/sampleset"
)

// The anchor-log rule of an offline restore (KB Q296787): "Last
// Consistent: (4815,7337,400)" names the first log a restored database
// needs.
func ExampleAnchorLogName() {
	lc, _ := ese.ParseLogPos("(4815,7337,400)")
	fmt.Println(lc, ese.AnchorLogName(lc, "Edb", ese.ExtLog, 5))
	// Output: (0x12CF,1CA9,190) Edb012CF.log
}

func ExampleParseLogName() {
	for _, name := range []string{"SRU0004E.log", "USS.jtx", "edbres00002.jrs", "E000000000D.log"} {
		n, err := ese.ParseLogName(name)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(n.Kind, n.Base, n.Generation, n.Ordinal)
	}
	// Output:
	// Numbered SRU 0x4E 0
	// Current USS 0x0 0
	// Reserve edb 0x0 2
	// Numbered E00 0xD 0
}

// Building a database header page and reading it back.
func ExampleDBHeader_Encode() {
	h := &ese.DBHeader{
		Magic: ese.DBMagic, FormatVersion: ese.DBFormatVersion, FormatUpdateMajor: 20,
		PageSize: 4096, State: ese.DBStateCleanShutdown, DBID: 1, FileType: ese.FileTypeDatabase,
	}
	page := h.Encode(4096)
	file := append(page, page...) // primary and shadow copy
	c, err := ese.ReadDBHeader(bytes.NewReader(file))
	if err != nil {
		panic(err)
	}
	fmt.Println(c.PageSize, c.Header.Format(), c.Header.State, c.HeaderChecksumOK, c.ShadowOK)
	id, _ := ese.Identify(bytes.NewReader(file))
	fmt.Println(id.Kind, id.PageSize, id.Format)
	// Output:
	// 4096 0x620,20 CleanShutdown true true
	// database 4096 0x620,20
}

// The examples below read the sample set of the esekit command: a SRUM
// database of Windows 10 (SRUDB.dat, 4 KiB pages) copied while the
// service ran, with its checkpoint and logs.

// Read the header of a database that was not shut down cleanly.
func ExampleReadDBHeader() {
	db, err := sampleset.Read("SRUDB.dat")
	if err != nil {
		log.Fatal(err)
	}
	c, err := ese.ReadDBHeader(bytes.NewReader(db))
	if err != nil {
		log.Fatal(err) // e.g. errors.Is(err, ese.ErrDatabaseCorrupted)
	}
	h := c.Header
	fmt.Println(c.PageSize, h.Format(), h.State, c.HeaderChecksumOK, c.ShadowOK)
	fmt.Printf("needs logs 0x%X-0x%X, last consistent in generation 0x%X\n",
		h.GenMinRequired, h.GenMaxRequired, h.ConsistentPos.Generation)
	// Output:
	// 4096 0x620,20 DirtyShutdown true true
	// needs logs 0x51-0x51, last consistent in generation 0x51
}

// Verify every page checksum of a database.
func ExampleScanDatabase() {
	db, err := sampleset.Read("SRUDB.dat")
	if err != nil {
		log.Fatal(err)
	}
	r, err := ese.ScanDatabase(context.Background(), bytes.NewReader(db), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.PageSize, r.Pages, r.Good, r.Uninitialized, len(r.BadChecksums), r.OK())
	// Output:
	// 4096 782 647 135 0 true
}

// A page with one flipped bit: the ECC checksum locates the bit and
// CorrectPage puts it back.
func ExampleCorrectPage() {
	db, err := sampleset.Read("SRUDB.dat")
	if err != nil {
		log.Fatal(err)
	}
	const pageSize, pgno = 4096, 1
	page := db[(pgno+1)*pageSize : (pgno+2)*pageSize] // pages follow the two header copies
	fmt.Println(ese.CheckPage(page, pgno, 0).Status)

	page[100] ^= 0x08 // bit 3 of byte 100
	c := ese.CheckPage(page, pgno, 0)
	fmt.Println(c.Status, c.Bit, c.Err() != nil)

	bit, ok := ese.CorrectPage(page, pgno)
	fmt.Println(bit, ok, ese.CheckPage(page, pgno, 0).Status)
	// Output:
	// Good
	// Correctable 803 true
	// 803 true Good
}

// Identify each file of a folder by its bytes, whatever its name.
func ExampleIdentify() {
	for _, name := range []string{"SRUDB.dat", "SRU.chk", "SRU00051.log", "SRU.log"} {
		b, err := sampleset.Read(name)
		if err != nil {
			log.Fatal(err)
		}
		id, err := ese.Identify(bytes.NewReader(b))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %v, format %q, generation 0x%X, header ok %v\n", name, id.Kind, id.Format, id.Generation, id.HeaderOK)
	}
	// Output:
	// SRUDB.dat: database, format "0x620,20", generation 0x0, header ok true
	// SRU.chk: checkpoint, format "", generation 0x51, header ok true
	// SRU00051.log: log, format "8.4000.5.16", generation 0x51, header ok true
	// SRU.log: log, format "8.4000.60.140", generation 0x52, header ok true
}

// One code, every printed form: the event log of a restore shows
// 0xC8000210 for what an ordinary start shows as -528.
func ExampleParseError() {
	for _, s := range []string{"0xC8000210", "-528", "4294966768", "MissingLogFile"} {
		e, err := ese.ParseError(s)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(s, "=", e.Code(), e.Name())
	}
	e := ese.ErrMissingLogFile
	fmt.Printf("%d 0x%X 0x%X\n", e.Unsigned(), e.Unsigned(), e.HardRecovery())
	// Output:
	// 0xC8000210 = -528 JET_errMissingLogFile
	// -528 = -528 JET_errMissingLogFile
	// 4294966768 = -528 JET_errMissingLogFile
	// MissingLogFile = -528 JET_errMissingLogFile
	// 4294966768 0xFFFFFDF0 0xC8000210
}
