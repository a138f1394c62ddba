package esechk

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// synthCheckpoint is a checkpoint file as the engine writes one after a
// clean termination: checkpoint (0x2A,7,0), circular logging, an empty
// attach list, both copies identical.
func synthCheckpoint(t *testing.T) []byte {
	t.Helper()
	c := &Checkpoint{
		Checkpoint:       ese.LogPos{Generation: 0x2A, Sector: 7},
		DbConsistencyPos: ese.LogPos{Generation: 0x2A, Sector: 7},
		LogSignature:     ese.Signature{Random: 0x11223344, Created: ese.LogTimeOf(time.Date(2020, 5, 4, 3, 2, 1, 0, time.UTC))},
		FileType:         ese.FileTypeCheckpoint,
	}
	c.DbmsParam.Flags = 1
	b, err := c.EncodeFile()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBadAttachListSynth is TestBadAttachList over a generated checkpoint:
// a list entry that runs past the 2048-byte area is ignored (and kept
// byte for byte) while Version says the list is stale, and is -533 once
// Version says it is current.
func TestBadAttachListSynth(t *testing.T) {
	checkBadAttachList(t, synthCheckpoint(t))
}

// TestShadowRulesSynth applies the shadow rules to a generated checkpoint.
func TestShadowRulesSynth(t *testing.T) {
	checkShadowRules(t, synthCheckpoint(t), ese.LogPos{Generation: 0x2A, Sector: 7})
}

// TestSynthCheckpointRoundTrip decodes the generated file back to the
// values it was built from, and re-encodes it byte for byte.
func TestSynthCheckpointRoundTrip(t *testing.T) {
	raw := synthCheckpoint(t)
	c, st, err := ReadCopies(bytes.NewReader(raw))
	if err != nil || !st.OK() {
		t.Fatalf("%v %+v", err, st)
	}
	if c.Checkpoint != (ese.LogPos{Generation: 0x2A, Sector: 7}) || c.LogSignature.Random != 0x11223344 ||
		!c.DbmsParam.CircularLogging() || c.FileType != ese.FileTypeCheckpoint || c.AttachInfoPresent() {
		t.Errorf("decoded %+v", c)
	}
	if c.Checksum != bin.U32(raw, 0) || c.Checksum != ese.HeaderChecksum(raw[:Size]) {
		t.Errorf("checksum %#x", c.Checksum)
	}
	if ci := c.CheckpointInfo("edb.chk"); ci.File != "edb.chk" || ci.Pos != (ese.LogPos{Generation: 0x2A, Sector: 7}) || ci.Signature.Random != 0x11223344 {
		t.Errorf("CheckpointInfo = %+v", ci)
	}
	again, err := c.EncodeFile()
	if err != nil || !bytes.Equal(again, raw) {
		t.Errorf("re-encoding differs (%v)", err)
	}
	if _, err := Read(bytes.NewReader(raw[:Size-1])); !errors.Is(err, ese.ErrCheckpointCorrupt) {
		t.Errorf("short file: %v", err)
	}
}
