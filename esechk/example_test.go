package esechk_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esechk"
	"github.com/esekit/esekit/internal/sampleset"
)

// Read the checkpoint of a SRUM log stream (the sample set of the esekit
// command): where soft recovery starts, and which databases were attached.
func ExampleRead() {
	b, err := sampleset.Read("SRU.chk") // or an *os.File
	if err != nil {
		log.Fatal(err)
	}
	c, copies, err := esechk.ReadCopies(bytes.NewReader(b))
	if err != nil {
		log.Fatal(err) // e.g. errors.Is(err, ese.ErrCheckpointCorrupt)
	}
	p := c.Checkpoint
	fmt.Printf("soft recovery starts at (0x%X,%X,%X)\n", p.Generation, p.Sector, p.Offset)
	fmt.Println("copies good:", copies.PrimaryOK, copies.ShadowOK, "identical:", copies.Identical)
	fmt.Println("attach list present:", c.AttachInfoPresent(), "entries:", len(c.Attached))
	// Output:
	// soft recovery starts at (0x51,9,0)
	// copies good: true true identical: true
	// attach list present: false entries: 0
}

// Write a checkpoint file, damage its first copy, and read it back from
// the second, as the engine does.
func ExampleCheckpoint_EncodeFile() {
	c := &esechk.Checkpoint{
		Checkpoint:   ese.LogPos{Generation: 0x1234, Sector: 8, Offset: 0x1C},
		LogSignature: ese.Signature{Random: 0x5EED},
		FileType:     ese.FileTypeCheckpoint,
	}
	file, err := c.EncodeFile()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(file), "bytes")
	file[20] ^= 0xFF // inside the primary copy's log signature
	got, copies, err := esechk.ReadCopies(bytes.NewReader(file))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("primary good:", copies.PrimaryOK, "used copy at", copies.Used)
	fmt.Printf("checkpoint generation 0x%X, signature 0x%X\n", got.Checkpoint.Generation, got.LogSignature.Random)
	// Output:
	// 8192 bytes
	// primary good: false used copy at 4096
	// checkpoint generation 0x1234, signature 0x5EED
}

// Hand a checkpoint to the log-set checks: soft recovery of the sample's
// folder starts at the checkpoint's position. (Which logs may be removed
// once backed up is recovery.TruncatableLogs, or recovery.Inspect for a
// whole folder.)
func ExampleCheckpoint_CheckpointInfo() {
	b, err := sampleset.Read("SRU.chk")
	if err != nil {
		log.Fatal(err)
	}
	c, err := esechk.Read(bytes.NewReader(b))
	if err != nil {
		log.Fatal(err)
	}
	info := c.CheckpointInfo("SRU.chk")
	fmt.Printf("%s: start at generation 0x%X, sector %d\n", info.File, info.Pos.Generation, info.Pos.Sector)
	// Output:
	// SRU.chk: start at generation 0x51, sector 9
}
