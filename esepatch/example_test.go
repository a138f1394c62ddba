package esepatch_test

import (
	"fmt"
	"time"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esepatch"
)

// KB Q200941's "How to Tell If Hard Recovery Has Finished": the patch file
// names the logs of the full backup; compare them with the logs replayed.
func ExampleHardRecoveryFinished() {
	h := &esepatch.Header{Backup: ese.BackupInfo{
		Mark:     ese.LogPos{Generation: 58, Sector: 1409, Offset: 199},
		MarkTime: ese.LogTimeOf(time.Date(1999, 8, 19, 19, 47, 2, 0, time.UTC)),
		GenLow:   0x36, GenHigh: 0x3f,
	}}
	fmt.Print(h.CurrentFullBackup())
	replayed := []uint32{0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b}
	p := esepatch.HardRecoveryFinished(h, 5, esepatch.Replay{Generations: replayed})
	fmt.Println(p.Finished, p.PatchDataNeeded, p.Reason)
	// Output:
	// Current Full Backup:
	//         Log Gen: - 36-3f
	//            Mark: (58,1409,199)
	//            Mark: 8/19/1999 19:47:2
	// false true 4 of logs 36-3f not replayed (first: Edb0003c.log)
}
