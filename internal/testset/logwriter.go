package testset

import (
	"errors"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/bin"
)

// ErrLogFull is returned by LogWriter.Add when the log file has no room
// left for the record.
var ErrLogFull = errors.New("testset: log file full")

// minFragment is the smallest room at the end of a segment that the
// writer fills with the start of a record (a FragmentBegin); below it the
// rest of the segment stays zero (a NOP fill) and the record starts in
// the next segment.
const minFragment = 32

// LogWriter packs records into the 4 KiB segments of a modern log file as
// the engine's log buffer does (LOG_WRITE_BUFFER::FLGIAddLogRec in
// dev/ese/src/ese/_log/logwrite.cxx): a record that fits goes whole into
// the current segment; one that does not is cut into a FragmentBegin and
// Fragments at the start of the following segments; a segment with less
// than 32 bytes left is closed with a zero fill and the record takes the
// fill's position. Each full segment is sealed with its header and
// checksum; Finish seals the last partial segment and writes its shadow
// copy into the next sector. The last segment of the file is reserved and
// never written.
type LogWriter struct {
	gen     ese.Generation
	file    []byte
	last    int // last data segment (the final one is reserved)
	isec    int
	off     int
	pending *ese.LogPos // position of a zero fill the next record takes
	tm      ese.LogTime
	lastOff int64 // file offset of the last record's first byte
	cut     int   // records cut into fragments
	fills   int   // zero fills left at the end of a segment
}

// Cut returns how many records were cut into fragments, Fills how many
// segments were closed with a zero fill.
func (w *LogWriter) Cut() int   { return w.cut }
func (w *LogWriter) Fills() int { return w.fills }

// LastOffset returns the file offset of the first byte of the record the
// last Add placed (its FragmentBegin when it was cut).
func (w *LogWriter) LastOffset() int64 { return w.lastOff }

// Used returns how many segments hold records (the last may be partial).
func (w *LogWriter) Used() int {
	if w.off == eselog.SegmentHeaderSize {
		return w.isec - 1
	}
	return w.isec
}

// NewLogWriter returns a writer of a log file of generation gen, sectors
// segments long (header and reserved last segment included), whose
// segments carry start time tm. The header segment is left zero: copy an
// encoded eselog.FileHeader into File().
func NewLogWriter(gen ese.Generation, sectors int, tm ese.LogTime) *LogWriter {
	return &LogWriter{gen: gen, file: make([]byte, sectors*eselog.SegmentSize), last: sectors - 2, isec: 1,
		off: eselog.SegmentHeaderSize, tm: tm}
}

// File returns the whole log file as written so far.
func (w *LogWriter) File() []byte { return w.file }

// Next is the position the next record gets: the write position before it
// is placed ((gen,isec,0) at a segment start, the zero fill's start when
// the previous segment was filled).
func (w *LogWriter) Next() ese.LogPos {
	if w.pending != nil {
		return *w.pending
	}
	if w.off == eselog.SegmentHeaderSize {
		return ese.LogPos{Generation: w.gen, Sector: uint16(w.isec)}
	}
	return ese.LogPos{Generation: w.gen, Sector: uint16(w.isec), Offset: uint16(w.off)}
}

func (w *LogWriter) seg(i int) []byte {
	return w.file[i*eselog.SegmentSize : (i+1)*eselog.SegmentSize]
}

// seal writes the current segment's header and checksum.
func (w *LogWriter) seal() {
	s := w.seg(w.isec)
	eselog.SegmentHeader{Pos: ese.LogPos{Generation: w.gen, Sector: uint16(w.isec)}, StartTime: w.tm,
		Flags: eselog.SegmentFlagNewChecksum}.Put(s)
	ese.SetPageChecksum(s, uint32(w.isec))
}

func (w *LogWriter) advance() error {
	w.seal()
	if w.isec+1 > w.last {
		return ErrLogFull
	}
	w.isec++
	w.off = eselog.SegmentHeaderSize
	return nil
}

// Room reports whether a record of n bytes still fits, with keep bytes
// left for the records that end the log.
func (w *LogWriter) Room(n, keep int) bool {
	free := (w.last-w.isec)*(eselog.SegmentSize-eselog.SegmentHeaderSize-8) + eselog.SegmentSize - w.off
	return n+keep < free
}

// Add places one whole record and returns its position.
func (w *LogWriter) Add(rec []byte) (ese.LogPos, error) {
	at := w.Next()
	rem := eselog.SegmentSize - w.off
	switch {
	case len(rec) <= rem:
		w.lastOff = int64(w.isec*eselog.SegmentSize + w.off)
		copy(w.seg(w.isec)[w.off:], rec)
		w.off += len(rec)
		w.pending = nil
		if w.off == eselog.SegmentSize {
			if err := w.advance(); err != nil {
				return at, err
			}
		}
		return at, nil
	case rem < minFragment:
		if w.pending == nil {
			p := at
			w.pending = &p
			w.fills++
		}
		if err := w.advance(); err != nil {
			return at, err
		}
		return w.Add(rec)
	}
	// FragmentBegin (u8 type, u32 total, u16 piece) then Fragments (u8
	// type, u16 piece) at the start of the following segments.
	s := w.seg(w.isec)[w.off:]
	w.lastOff = int64(w.isec*eselog.SegmentSize + w.off)
	piece := rem - 7
	s[0] = byte(eselog.RecFragmentBegin)
	bin.PutU32(s, 1, uint32(len(rec)))
	bin.PutU16(s, 5, uint16(piece))
	copy(s[7:], rec[:piece])
	rest := rec[piece:]
	w.pending = nil
	w.cut++
	for len(rest) > 0 {
		if err := w.advance(); err != nil {
			return at, err
		}
		n := min(len(rest), eselog.SegmentSize-eselog.SegmentHeaderSize-3)
		s := w.seg(w.isec)[w.off:]
		s[0] = byte(eselog.RecFragment)
		bin.PutU16(s, 1, uint16(n))
		copy(s[3:], rest[:n])
		rest = rest[n:]
		w.off += 3 + n
	}
	if w.off == eselog.SegmentSize {
		if err := w.advance(); err != nil {
			return at, err
		}
	}
	return at, nil
}

// Finish seals the last partial segment and writes its shadow copy in the
// next sector, as ErrLGIWritePartialSector does.
func (w *LogWriter) Finish() {
	if w.off == eselog.SegmentHeaderSize {
		return
	}
	w.seal()
	copy(w.seg(w.isec+1), w.seg(w.isec))
}

// Fill seals the current segment and every following one up to the
// reserved last: the rest of the file is zero fill, as in an archived
// generation, which the engine writes full. Add has no room after it.
func (w *LogWriter) Fill() {
	for w.advance() == nil {
	}
}
