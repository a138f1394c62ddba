package eselog

import (
	"bytes"
	"fmt"

	"github.com/esekit/esekit/ese"
)

// SealLRChecksum is the legacy writer's side of an LRCHECKSUM: it
// computes c's checksums over the bytes of file (a whole legacy log file,
// header included) around offset off, as they will be read, and writes the
// record at off. The short checksum is computed when c.UseShortChecksum
// is ShortChecksumOn and must be 0 otherwise; the range checksum covers
// c.CbBackwards bytes before the record and c.CbForwards after it, so
// those bytes must be final. With shadow set the range checksum gets the
// mark of a shadow sector's copy (the engine writes a single-sector
// flush a second time into the next sector so). sectorSize is the
// header's sector size, gen its generation.
func SealLRChecksum(file []byte, off int64, sectorSize int, gen ese.Generation, c *Checksum, shadow bool) error {
	cbSec := int64(sectorSize)
	if cbSec <= LRChecksumSize || off < 0 || off%cbSec+LRChecksumSize > cbSec || int64(c.CbBackwards) > off%cbSec ||
		off+LRChecksumSize+int64(c.CbForwards) > int64(len(file)) {
		return fmt.Errorf("eselog: LRCHECKSUM at %d (backward %d, forward %d) does not fit a file of %d bytes, %d-byte sectors",
			off, c.CbBackwards, c.CbForwards, len(file), sectorSize)
	}
	c.Lrtyp = RecChecksum
	ck := lrck{typ: byte(RecChecksum), back: c.CbBackwards, fwd: c.CbForwards, next: c.CbNext, useShort: c.UseShortChecksum}
	// The scanner computes over the log's own bytes; a Log over file with
	// just the fields the sums read is enough.
	l := &Log{r: bytes.NewReader(file), Size: int64(len(file)), Header: &FileHeader{Generation: gen, SectorSize: uint16(sectorSize)},
		legacyShadowAt: -1}
	s := &legacyScanner{l: l, cbSec: cbSec}
	c.ShortChecksum = 0
	if c.UseShortChecksum == ShortChecksumOn {
		sum, err := s.shortSum(ck, off)
		if err != nil {
			return err
		}
		c.ShortChecksum = sum
	}
	// The short checksum lies inside the record, outside both ranges.
	sum, err := s.rangeSum(ck, off)
	if err != nil {
		return err
	}
	if shadow {
		sum ^= lrckShadowXor
	}
	c.Checksum = sum
	c.AppendEncode(file[off : off : off+LRChecksumSize])
	return nil
}
