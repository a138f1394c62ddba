package esechk

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// Copies says which of the two 4096-byte copies of a checkpoint file were
// good (header checksum matches) and which one was used.
type Copies struct {
	// PrimaryOK reports that the copy at offset 0 has a good checksum.
	PrimaryOK bool
	// ShadowOK reports that the copy at offset 4096 has a good checksum.
	ShadowOK bool
	// Identical reports that both copies are good and byte-identical.
	Identical bool
	// Used is the file offset of the copy that was decoded: 0 or 4096.
	Used int64
}

// OK reports whether both copies are good and identical: the state the
// engine leaves a checkpoint in. Anything else is a damaged shadow that the
// engine would rewrite from the good copy when opening read-write.
func (s Copies) OK() bool { return s.PrimaryOK && s.ShadowOK && s.Identical }

// Read reads a checkpoint file from r using the engine's shadow rules
// (docs/database.md#shadowed-header): exactly 4096-byte copies, no size detection; the copy
// at 0 is used when its checksum is good, else the copy at 4096; when
// neither is good the error wraps ese.ErrCheckpointCorrupt (-533). A good
// copy whose file type is neither checkpoint nor 0 wraps
// ese.ErrFileInvalidType (-1812).
func Read(r io.ReaderAt) (*Checkpoint, error) {
	c, _, err := ReadCopies(r)
	return c, err
}

// ReadCopies is Read that also reports the state of both copies.
func ReadCopies(r io.ReaderAt) (*Checkpoint, Copies, error) {
	var st Copies
	buf := make([]byte, FileSize)
	n, err := r.ReadAt(buf, 0)
	if err != nil && err != io.EOF && !errors.Is(err, io.ErrUnexpectedEOF) && n < FileSize {
		return nil, st, fmt.Errorf("esechk: read checkpoint: %w", err)
	}
	buf = buf[:n]
	good := func(off int) bool {
		if len(buf) < off+Size {
			return false
		}
		b := buf[off : off+Size]
		return ese.HeaderChecksum(b) == bin.U32(b, offChecksum)
	}
	st.PrimaryOK = good(0)
	st.ShadowOK = good(Size)
	st.Identical = st.PrimaryOK && st.ShadowOK && bytes.Equal(buf[:Size], buf[Size:FileSize])
	switch {
	case st.PrimaryOK:
		st.Used = 0
	case st.ShadowOK:
		st.Used = Size
	default:
		if len(buf) < Size {
			return nil, st, ese.NewFormatError("checkpoint", int64(len(buf)), ese.ErrCheckpointCorrupt,
				"file has %d bytes, a checkpoint copy needs %d", len(buf), Size)
		}
		return nil, st, ese.NewFormatError("checkpoint", -1, ese.ErrCheckpointCorrupt,
			"neither copy (at 0 and at %d) has a good header checksum", Size)
	}
	c, err := Decode(buf[st.Used : st.Used+Size])
	if err != nil {
		var fe *ese.FormatError
		if errors.As(err, &fe) && fe.Offset >= 0 {
			fe.Offset += st.Used
		}
		return nil, st, err
	}
	return c, st, nil
}

// Write writes c to w as a complete checkpoint file: the same encoded copy
// at offset 0 and at offset 4096.
func (c *Checkpoint) Write(w io.WriterAt) error {
	b, err := c.EncodeFile()
	if err != nil {
		return err
	}
	_, err = w.WriteAt(b, 0)
	return err
}
