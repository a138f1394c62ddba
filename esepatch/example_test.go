package esepatch_test

import (
	"bytes"
	"fmt"
	"log"
	"time"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/sampleset"
)

// "How to tell if hard recovery has finished" (KB Q200941): the patch file
// names the logs of the full backup; compare them with the logs replayed.
func ExampleHardRecoveryFinished() {
	h := &esepatch.Header{Backup: ese.BackupInfo{
		Mark:     ese.LogPos{Generation: 58, Sector: 1409, Offset: 199},
		MarkTime: ese.LogTimeOf(time.Date(1999, 8, 19, 19, 47, 2, 0, time.UTC)),
		GenLow:   0x36, GenHigh: 0x3f,
	}}
	fmt.Print(h.CurrentFullBackup())
	replayed := []ese.Generation{0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b}
	p := esepatch.HardRecoveryFinished(h, 5, esepatch.Replay{Generations: replayed})
	fmt.Println(p.Finished, p.PatchDataNeeded, p.Reason)
	// Output:
	// Current Full Backup:
	//         Log Gen: - 36-3f
	//            Mark: (58,1409,199)
	//            Mark: 8/19/1999 19:47:2
	// false true 4 of logs 36-3f not replayed (first: Edb0003c.log)
}

// The examples below use a backup set built from the sample set of the
// esekit command: SRUDB.dat (4 KiB pages) as the database copy of a full
// online backup of logs 0x51-0x52, with the backup trailer page that
// today's engines append to the copy.

// Read a database copy from an online backup: its header says the
// trailer is pending, and the trailer page holds the patch header.
func ExampleReadBackupDatabase() {
	set, err := sampleset.NewBackup()
	if err != nil {
		log.Fatal(err)
	}
	hdr, tr, state, err := esepatch.ReadBackupDatabase(bytes.NewReader(set.DB))
	if err != nil {
		log.Fatal(err) // e.g. a trailer of another backup: ese.ErrDatabasePatchFileMismatch
	}
	fmt.Println("state:", state, "backup copy:", hdr.IsBackupCopy())
	fmt.Printf("trailer at offset %d (page size %d), logs 0x%X-0x%X\n",
		tr.Offset, tr.PageSize, tr.Header.Backup.GenLow, tr.Header.Backup.GenHigh)
	// Output:
	// state: pending backup copy: true
	// trailer at offset 3211264 (page size 4096), logs 0x51-0x52
}

// Write a patch file of the older engines, which carried page images
// after the two header pages, and read it back.
func ExampleEncode() {
	set, err := sampleset.NewBackup()
	if err != nil {
		log.Fatal(err)
	}
	const pgno = 5
	img := bytes.Clone(set.DB[(pgno+1)*set.Page : (pgno+2)*set.Page]) // pages follow the two header copies
	esepatch.SealImage(img, pgno)
	pat, err := esepatch.Encode(&set.Patch, set.Page, [][]byte{img})
	if err != nil {
		log.Fatal(err)
	}

	f, err := esepatch.Open(bytes.NewReader(pat))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(pat), "bytes; header copies good:", f.PrimaryOK, f.ShadowOK)
	for _, im := range f.Images {
		fmt.Println("image of page", im.Pgno, "at offset", im.Offset, "checksum ok:", im.ChecksumOK)
	}
	// The patch belongs to the database copy it was made with.
	c, err := ese.ReadDBHeader(bytes.NewReader(set.DB))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("matches the copy:", esepatch.Match(c.Header, f.Header) == nil)
	// Output:
	// 12288 bytes; header copies good: true true
	// image of page 5 at offset 8192 checksum ok: true
	// matches the copy: true
}
