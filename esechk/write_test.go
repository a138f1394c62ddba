package esechk

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/testcorpus"
)

// TestWriteFile writes a moved checkpoint to a file and reads it back:
// both copies identical, the new position kept, the rest unchanged.
func TestWriteFile(t *testing.T) {
	raw := testcorpus.Read(t, "museum-srum-win10-belkasoftctf-insiderthreat-dirty/SRU.chk")
	c, err := Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c.Checkpoint = ese.LogPos{Generation: 0x52, Sector: 1}
	p := filepath.Join(t.TempDir(), "SRU.chk")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Write(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != FileSize || !bytes.Equal(b[:Size], b[Size:]) {
		t.Fatalf("written file: %d bytes, copies identical %v", len(b), bytes.Equal(b[:Size], b[Size:]))
	}
	d, st, err := ReadCopies(bytes.NewReader(b))
	if err != nil || !st.OK() {
		t.Fatalf("read back: %v %+v", err, st)
	}
	if d.Checkpoint != c.Checkpoint || d.LogSignature != c.LogSignature || d.DbmsParam != c.DbmsParam {
		t.Errorf("read back %v", d.Checkpoint)
	}
	// Only the checkpoint field and the checksum changed.
	for i := range Size {
		if b[i] != raw[i] && (i < offCheckpoint || i >= offCheckpoint+8) && i >= 4 {
			t.Fatalf("byte %#x changed", i)
		}
	}
}

// TestConsistencyPosFallback: the domain controller checkpoint stores a
// zero DbConsistencyPos; readers use the checkpoint instead.
func TestConsistencyPosFallback(t *testing.T) {
	c, err := Read(bytes.NewReader(testcorpus.Read(t, "museum-ntds-win2012r2/edb.chk")))
	if err != nil {
		t.Fatal(err)
	}
	if !c.DbConsistencyPos.IsZero() || c.ConsistencyPos() != c.Checkpoint || c.Checkpoint.Generation != 3 {
		t.Errorf("ConsistencyPos %v, checkpoint %v", c.ConsistencyPos(), c.Checkpoint)
	}
	t.Run("secedit-horrorandscifi", func(t *testing.T) {
		s, err := Read(bytes.NewReader(testcorpus.Read(t, "secedit-horrorandscifi/edb.chk")))
		if err != nil {
			t.Fatal(err)
		}
		if s.ConsistencyPos() != s.DbConsistencyPos || !s.AttachInfoPresent() {
			t.Errorf("secedit: %v %v", s.ConsistencyPos(), s.AttachInfoPresent())
		}
	})
}
