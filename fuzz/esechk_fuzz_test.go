package fuzz

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esechk"
	"github.com/esekit/esekit/internal/testcorpus"
)

// addCheckpointSeeds adds every corpus checkpoint (by name; the files are
// known) plus a small synthetic one.
func addCheckpointSeeds(f *testing.F) {
	for _, rel := range testcorpus.Glob("*.chk") {
		if b := testcorpus.Head(rel, -1); b != nil {
			f.Add(b)
		}
	}
	c := &esechk.Checkpoint{FileType: 4}
	c.Checkpoint.Generation = 7
	c.Checkpoint.Sector = 3
	if b, err := c.EncodeFile(); err == nil {
		f.Add(b)
		f.Add(b[:esechk.Size])
	}
	f.Add([]byte{})
}

// FuzzEsechkRead reads arbitrary bytes as a checkpoint file. It must never
// panic, and whatever decodes must re-encode to a copy that decodes to the
// same bytes again.
func FuzzEsechkRead(f *testing.F) {
	addCheckpointSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, st, err := esechk.ReadCopies(bytes.NewReader(data))
		wantEseError(t, "ReadCopies", err)
		if err != nil {
			return
		}
		enc, err := c.Encode()
		if err != nil {
			t.Fatalf("decoded checkpoint does not encode: %v", err)
		}
		if !bytes.Equal(enc, data[st.Used:st.Used+esechk.Size]) {
			t.Fatalf("round trip differs")
		}
		_ = c.CheckpointInfo("fuzz")
	})
}

// FuzzEsechkDecode mutates one copy with a fixed-up checksum, so the fuzzer
// reaches the field and attach-list decoding behind the checksum check.
func FuzzEsechkDecode(f *testing.F) {
	addCheckpointSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		b := make([]byte, esechk.Size)
		copy(b, data)
		esechkFixChecksum(b)
		c, err := esechk.Decode(b)
		wantEseError(t, "Decode", err)
		if err != nil {
			return
		}
		enc, err := c.Encode()
		if err != nil {
			t.Fatalf("decoded checkpoint does not encode: %v", err)
		}
		if !bytes.Equal(enc, b) {
			t.Fatalf("round trip differs")
		}
	})
}

// esechkFixChecksum stores the header checksum of b in its first 4 bytes.
func esechkFixChecksum(b []byte) {
	binary.LittleEndian.PutUint32(b, ese.HeaderChecksum(b))
}
