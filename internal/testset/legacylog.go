package testset

import (
	"fmt"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
)

// LegacySectorSize is the sector size of the legacy logs BuildLegacyLog
// writes.
const LegacySectorSize = 512

// legacyFlushSectors is how many sectors one flush covers when its records
// fit (a flush that begins with a longer record covers as many as it
// needs).
const legacyFlushSectors = 8

// BuildLegacyLog generates the log spec describes in the legacy body
// format (7.3704.x): after the 4 KiB header, one byte stream of records
// cut into flushes, each opened by an LRCHECKSUM at a sector start whose
// range covers the flush's whole sectors (the short checksum on when it
// covers more than one) and whose cbNext points at the next flush's. The
// last flush is a single partial sector, written again into the next
// sector as its shadow; the log-extend pattern fills the file after that
// (dev/ese/src/ese/_log/logread_legacy.cxx reads it so). The bytes of a
// flush after its last record stay zero, which readers see as NOP
// records.
func BuildLegacyLog(spec LogSpec) (*Log, error) {
	spec.defaults(1024)
	const cbSec = LegacySectorSize
	first := eselog.HeaderSize
	if spec.Segments*cbSec < first+3*cbSec || spec.Segments > 0xFFFF {
		return nil, fmt.Errorf("testset: legacy log of %d sectors", spec.Segments)
	}
	h := LegacyLogHeader(spec.Gen, spec.Segments, spec.PageSize, spec.Signature, spec.Created, spec.PrevCreated)
	hb, err := h.Encode()
	if err != nil {
		return nil, err
	}
	file := make([]byte, spec.Segments*cbSec)
	copy(file, hb)
	tm := ese.LogTimeOf(spec.Created)
	out := &Log{Header: h}
	initAt := ese.LogPos{Generation: spec.Gen, Sector: uint16(first / cbSec), Offset: eselog.LRChecksumSize}
	recs := workload(spec, h.DbmsParam, tm, initAt, out)

	// Group the records into flushes.
	var groups [][]record
	size := func(g []record) int {
		n := eselog.LRChecksumSize
		for _, r := range g {
			n += len(r.b)
		}
		return n
	}
	for _, r := range recs {
		if n := len(groups); n > 0 && size(groups[n-1])+len(r.b) <= legacyFlushSectors*cbSec {
			groups[n-1] = append(groups[n-1], r)
			continue
		}
		groups = append(groups, []record{r})
	}
	// The last flush is one partial sector: move records into it from the
	// end while they fit.
	if g := groups[len(groups)-1]; size(g) > cbSec && len(g) > 1 {
		k := len(g) - 1
		for k > 1 && size(g[k-1:]) <= cbSec {
			k--
		}
		groups = append(groups[:len(groups)-1], g[:k], g[k:])
	}

	off := first
	for i, g := range groups {
		last := i == len(groups)-1
		k := (size(g) + cbSec - 1) / cbSec
		if off+(k+2)*cbSec > len(file) {
			return nil, fmt.Errorf("testset: %d records do not fit in %d sectors: %w", len(out.Positions), spec.Segments, ErrLogFull)
		}
		ck := &eselog.Checksum{CbForwards: uint32(k*cbSec - eselog.LRChecksumSize), UseShortChecksum: eselog.ShortChecksumOff}
		if k > 1 {
			ck.UseShortChecksum = eselog.ShortChecksumOn
		}
		if last && k == 1 {
			ck.CbForwards = uint32(size(g) - eselog.LRChecksumSize)
		}
		if !last {
			ck.CbNext = ck.CbForwards
		}
		out.Flushes = append(out.Flushes, int64(off))
		at := off + eselog.LRChecksumSize
		for _, r := range g {
			copy(file[at:], r.b)
			out.Positions = append(out.Positions, ese.LogPos{Generation: spec.Gen, Sector: uint16(at / cbSec), Offset: uint16(at % cbSec)})
			out.Offsets = append(out.Offsets, int64(at))
			out.Types = append(out.Types, r.typ)
			out.Records = append(out.Records, r.b)
			at += len(r.b)
		}
		if err := eselog.SealLRChecksum(file, int64(off), cbSec, spec.Gen, ck, false); err != nil {
			return nil, err
		}
		off += k * cbSec
		if last {
			out.Segments = (off - first) / cbSec
			if k == 1 {
				copy(file[off:off+cbSec], file[off-cbSec:off])
				shadow := *ck
				if err := eselog.SealLRChecksum(file, int64(off), cbSec, spec.Gen, &shadow, true); err != nil {
					return nil, err
				}
			}
			off += cbSec
		}
	}
	pattern := eselog.LogExtendPattern()
	for ; off < len(file); off += cbSec {
		copy(file[off:], pattern[:])
	}
	out.File = file
	return out, nil
}
