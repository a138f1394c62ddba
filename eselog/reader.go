package eselog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"math/bits"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// Options changes how Open treats a damaged tail. The zero value behaves
// like the engine reading a log it does not own (log dump, or soft recovery
// of an archived generation).
type Options struct {
	// AllowCorruptTail makes Open succeed when the end-of-log scan finds
	// corruption: the Log then ends before the first bad segment (or LRCK
	// range) and TailErr holds the error the engine would have returned.
	// Records before that point can still be read (forensic use).
	AllowCorruptTail bool
	// RepairLegacyTail makes a legacy log whose last flush was torn usable
	// the way soft recovery repairs the current log (edb.log): a valid
	// shadow sector replaces the torn one, or the data ends before a torn
	// write followed only by the log-extend pattern. Without it such a log
	// gives an error wrapping ese.ErrLogFileCorrupt, as the engine does in
	// read-only mode. Modern logs are always repaired from their shadow
	// segment, as the engine does in every mode.
	RepairLegacyTail bool
	// HardRestore, when set, makes damage get the codes of a hard restore
	// (restoring a backup set) instead of ese.ErrLogFileCorrupt, and
	// decides the torn-write repairs the way the engine does then.
	HardRestore *HardRestore
}

// HardRestore describes the hard restore a log is read for.
type HardRestore struct {
	// GenHigh is the highest generation of the backup set being restored.
	// Damage in a generation ≤ GenHigh is ese.ErrLogCorruptDuringHardRestore
	// (-573), a torn write there ese.ErrLogTornWriteDuringHardRestore
	// (-570); later generations get ese.ErrLogCorruptDuringHardRecovery
	// (-574), and a torn write ese.ErrLogTornWriteDuringHardRecovery (-571)
	// unless the file is the current log.
	GenHigh ese.Generation
	// CurrentLog says the file is the current log (edb.log, edb.jtx...),
	// the only one whose torn tail the engine repairs after the backup set.
	CurrentLog bool
}

// Log is one opened log file: its header and where its valid data ends,
// found exactly as the engine's tail scan finds it. Records are read with
// NewReader or Records; Walk verifies and accounts for the whole file.
// A Log holds no file data, only the per-sector states, so many readers can
// share it.
type Log struct {
	// Header is the file header.
	Header *FileHeader
	// Size is the file size in bytes.
	Size int64
	// States holds the scan's verdict on every sector of the file
	// (FileSectors entries).
	States []SegmentState
	// End is the engine's lgposLastRec: the first position past the valid
	// data. Modern logs: (gen, last valid segment + 1, 0). Legacy logs:
	// the end of the last record of the last LRCHECKSUM range.
	End ese.LogPos
	// ClosedNormally reports that the last record (NOP and NOP2 aside) is
	// Term, Term2 or a RecoveryQuit: the generation was closed cleanly.
	ClosedNormally bool
	// LastTerm is the position the engine reports for that closing record
	// (ib is 0 when it opens its segment); zero when not ClosedNormally.
	LastTerm ese.LogPos
	// AccumulatedChecksum is the XOR of the checksums of every valid
	// segment (modern logs): the value the next generation's header must
	// carry in PrevLogAccumulatedChecksum.
	AccumulatedChecksum uint64
	// TornWrite reports that the tail was repaired: a modern segment
	// replaced by its shadow, or (with RepairLegacyTail) a legacy sector
	// replaced by its shadow or a torn last flush dropped. During hard
	// restore the engine refuses such a repair for generations in the
	// backup set (ese.ErrLogTornWriteDuringHardRestore) and for generations
	// after it other than the current log
	// (ese.ErrLogTornWriteDuringHardRecovery).
	TornWrite bool
	// TailErr is the corruption found by the scan when Open was told to
	// allow it (Options.AllowCorruptTail); nil otherwise.
	TailErr error

	r    io.ReaderAt
	opts Options
	// legacy scan results
	legacyLastCk   int64 // offset of the last LRCHECKSUM of the chain
	legacyShadowAt int   // sector replaced by its shadow (repair), or -1
	secShift       uint  // log2 of the sector size (a power of two, checked by DecodeFileHeader)
	// segCRC holds the CRC-32C of every segment the scan found SegValid:
	// a reader checks a segment it reads again against it, which costs a
	// fraction of the segment checksum.
	segCRC []uint32
}

// Open reads the header of the log file in r (size bytes), checks the file's
// geometry and finds the end of its valid data. It is OpenOptions with zero
// Options.
func Open(r io.ReaderAt, size int64) (*Log, error) { return OpenOptions(r, size, Options{}) }

// OpenOptions is Open with options. Errors: those of DecodeFileHeader; a
// size that differs from FileSectors × SectorSize,
// ese.ErrLogFileSizeMismatch (-541); a corrupt tail, ese.ErrLogFileCorrupt
// (-501), unless opts.AllowCorruptTail.
func OpenOptions(r io.ReaderAt, size int64, opts Options) (*Log, error) {
	h, err := ReadFileHeader(r)
	if err != nil {
		return nil, err
	}
	return openWithHeader(r, size, h, opts, nil)
}

// openWithHeader is OpenOptions for a header already read from r. sc, when
// not nil, lends the tail scan its buffers (the set check reuses them
// across thousands of logs); the Log does not keep them.
func openWithHeader(r io.ReaderAt, size int64, h *FileHeader, opts Options, sc *scanScratch) (*Log, error) {
	var err error
	if h.FileSize() != size {
		return nil, ese.NewFormatError("log file", size, ese.ErrLogFileSizeMismatch, "file is %d bytes, header says %d sectors of %d", size, h.FileSectors, h.SectorSize)
	}
	if int(h.FileSectors) <= h.DataSectors() {
		return nil, ese.NewFormatError("log header", 12, ese.ErrLogFileCorrupt, "file of %d sectors has no room for data after a %d-sector header", h.FileSectors, h.DataSectors())
	}
	l := &Log{Header: h, Size: size, r: r, opts: opts, legacyShadowAt: -1, secShift: uint(bits.TrailingZeros16(h.SectorSize))}
	if h.Legacy() {
		err = l.scanLegacy()
	} else {
		err = l.scanModern(sc)
	}
	if err != nil {
		var fe *ese.FormatError
		if opts.AllowCorruptTail && errors.As(err, &fe) {
			l.TailErr = err
			return l, nil
		}
		return nil, err
	}
	return l, nil
}

// Legacy reports whether the log uses the legacy LRCHECKSUM body format.
func (l *Log) Legacy() bool { return l.Header.Legacy() }

// SectorSize returns the sector (modern: segment) size in bytes.
func (l *Log) SectorSize() int { return int(l.Header.SectorSize) }

// PosAt converts a byte offset in this file to a log position.
func (l *Log) PosAt(off int64) ese.LogPos {
	return ese.LogPos{Generation: l.Header.Generation, Sector: uint16(off >> l.secShift), Offset: uint16(off & (1<<l.secShift - 1))}
}

// OffsetOf converts a log position of this generation to a byte offset in
// the file (sector × sector size + offset).
func (l *Log) OffsetOf(p ese.LogPos) int64 {
	return int64(p.Sector)*int64(l.Header.SectorSize) + int64(p.Offset)
}

// endOffset is End as a file offset.
func (l *Log) endOffset() int64 { return l.OffsetOf(l.End) }

// readFull reads len(b) bytes at off; a file that ends early is corrupt.
func (l *Log) readFull(off int64, b []byte) error {
	n, err := l.r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF || err == io.ErrUnexpectedEOF {
		return ese.NewFormatError("log file", off+int64(n), ese.ErrLogFileCorrupt, "file ends inside the %d bytes read at offset %d", len(b), off)
	}
	return fmt.Errorf("eselog: read at offset %d: %w", off, err)
}

// corrupt builds the error for a corrupt sector.
func (l *Log) corrupt(isec int, format string, args ...any) error {
	e := ese.NewFormatError(fmt.Sprintf("log generation 0x%X sector %d", l.Header.Generation, isec),
		int64(isec)*int64(l.Header.SectorSize), l.corruptCode(), format, args...)
	return e
}

// corruptAt builds the error for corrupt record data at file offset off.
func (l *Log) corruptAt(off int64, format string, args ...any) error {
	return ese.NewFormatError(fmt.Sprintf("log record at %v", l.PosAt(off)), off, l.corruptCode(), format, args...)
}

// corruptCode is the engine's error for damaged log data in this mode.
func (l *Log) corruptCode() ese.Error {
	hr := l.opts.HardRestore
	switch {
	case hr == nil:
		return ese.ErrLogFileCorrupt
	case l.Header.Generation <= hr.GenHigh:
		return ese.ErrLogCorruptDuringHardRestore
	}
	return ese.ErrLogCorruptDuringHardRecovery
}

// tornRefused returns the engine's error when it would refuse to repair a
// torn write in sector isec (hard restore inside the backup set, or after
// it in a file other than the current log), else nil.
func (l *Log) tornRefused(isec int) error {
	hr := l.opts.HardRestore
	if hr == nil {
		return nil
	}
	code := ese.Error(0)
	switch {
	case l.Header.Generation <= hr.GenHigh:
		code = ese.ErrLogTornWriteDuringHardRestore
	case !hr.CurrentLog:
		code = ese.ErrLogTornWriteDuringHardRecovery
	default:
		return nil
	}
	return ese.NewFormatError(fmt.Sprintf("log generation 0x%X sector %d", l.Header.Generation, isec),
		int64(isec)*int64(l.Header.SectorSize), code, "torn write; the engine does not patch it during a hard restore")
}

// RawRecord is one record as the reader found it, before decoding.
type RawRecord struct {
	// Type is the record type (its first byte).
	Type RecordType
	// Pos is the record's log position as the engine assigns it
	// (docs/logs.md#positions): the write position before the record was
	// placed. For a modern log that is (gen, isec, 0) for the first record
	// of a segment and the start of a NOP run for a record that follows
	// one.
	Pos ese.LogPos
	// Offset is the file offset of the record's first byte (of its
	// FragmentBegin when it was fragmented).
	Offset int64
	// Bytes is the whole record (reassembled when fragmented). It is only
	// valid until the next call to the reader.
	Bytes []byte
	// Fragments is the number of pieces the record was split into (0 when
	// it was stored whole).
	Fragments int
}

// DBID returns the database the record is about and true, or false for
// records that name no database (transaction, session and log-structure
// records). It reads the dbid byte in place, without decoding, and agrees
// with DatabaseRecord.DBID of the decoded record.
func (r RawRecord) DBID() (uint8, bool) { return recordDBID(r.Bytes) }

// Filter selects records. The zero Filter selects every record.
type Filter struct {
	// Types, when non-empty, keeps only records of these types.
	Types []RecordType
	// DBIDs, when non-empty, keeps only records that name one of these
	// databases (RawRecord.DBID); records that name no database are
	// dropped.
	DBIDs []uint8
}

// compiled filter: bitmaps.
type filterSet struct {
	types [4]uint64 // 256 bits
	dbids [4]uint64
	anyT  bool
	anyD  bool
	all   bool
}

func (f Filter) compile() filterSet {
	var s filterSet
	s.anyT = len(f.Types) == 0
	s.anyD = len(f.DBIDs) == 0
	for _, t := range f.Types {
		s.types[t>>6] |= 1 << (t & 63)
	}
	for _, d := range f.DBIDs {
		s.dbids[d>>6] |= 1 << (d & 63)
	}
	s.all = s.anyT && s.anyD
	return s
}

func (s *filterSet) keep(r *RawRecord) bool {
	if !s.anyT && s.types[r.Type>>6]&(1<<(r.Type&63)) == 0 {
		return false
	}
	if !s.anyD {
		d, ok := r.DBID()
		if !ok || s.dbids[d>>6]&(1<<(d&63)) == 0 {
			return false
		}
	}
	return true
}

// recordDBID returns the dbid a whole record b names and true, or false
// when its type carries no dbid or b is too short. Offsets follow
// docs/log-records.md#common-headers (LRPAGE_ records keep it at +3). It is the
// raw-bytes form of DatabaseRecord.DBID (TestDBIDAgreesWithRaw checks every
// type), used to filter records without decoding them.
func recordDBID(b []byte) (uint8, bool) {
	if len(b) == 0 {
		return 0, false
	}
	off := -1
	switch RecordType(b[0]) {
	case RecCreateMultipleExtentFDP, RecCreateSingleExtentFDP, RecConvertFDP, RecSplit, RecMerge,
		RecInsert, RecFlagInsert, RecFlagInsertAndReplaceData, RecFlagDelete, RecReplace, RecReplaceD,
		RecDelete, RecUndoInfo, RecDelta, RecSetExternalHeader, RecUndo, RecEmptyTree, RecConvertFDP2,
		RecSplit2, RecMerge2, RecScrub, RecPageMove, RecDelta64,
		RecCreateDB, RecAttachDB, RecDetachDB, RecNewPage, RecCreateDBFinish:
		off = 3
	case RecPagePatchRequest, RecScanCheck2, RecShrinkDB, RecShrinkDB2, RecShrinkDB3, RecTrimDB,
		RecSetDbVersion, RecSignalAttachDb, RecExtentFreed, RecExtentFreed2:
		off = 1
	case RecExtendDB, RecScanCheck, RecReAttach, RecMacroInfo2, RecFreeFDP:
		off = 5
	case RecBackup2:
		off = 7
	case RecRootPageMove:
		off = 9
	}
	if off < 0 || off >= len(b) {
		return 0, false
	}
	return b[off], true
}

// bodyCursor yields the raw records of one body format in order.
type bodyCursor interface {
	next(acct *accounting, r *RawRecord) error // io.EOF after the last
}

// accounting counts where the bytes of the used part of a file went.
type accounting struct {
	segHeader  int64 // LGSEGHDR bytes (modern)
	records    int64 // whole-record bytes (reassembled size for fragments)
	fragHeader int64 // FragmentBegin/Fragment headers
	nop        int64 // 0x00 NOP bytes
	nopRuns    int
	dropped    int64 // pieces of fragments the engine discards
	skipped    int64 // continuation pieces at the start of the file
	gap        int64 // legacy: bytes skipped between an LRCHECKSUM range and the next LRCHECKSUM
	unread     int64 // legacy: bytes before the end of data after the reader stopped
}

// Reader reads the records of a Log in order. It holds one segment (or a
// few sectors) and at most one reassembled record.
type Reader struct {
	l      *Log
	ctx    context.Context
	c      bodyCursor
	filter filterSet
	acct   accounting
	err    error
	last   ese.LogPos
	n      int
	// cur is the record NextRaw fills: kept here so that a RawRecord
	// need not be allocated per record (its address reaches the cursor
	// through an interface call, which would move a local to the heap).
	cur RawRecord
}

// NewReader returns a reader over l's records that keeps those f selects.
// ctx cancels a long read: Next then returns ctx.Err(). A Log opened with
// AllowCorruptTail reads up to the corruption and then returns its TailErr.
func (l *Log) NewReader(ctx context.Context, f Filter) *Reader {
	if ctx == nil {
		ctx = context.Background()
	}
	rd := &Reader{l: l, ctx: ctx, filter: f.compile()}
	if l.Legacy() {
		rd.c = newLegacyCursor(l)
	} else {
		rd.c = newModernCursor(l)
	}
	return rd
}

// NewReaderAt is NewReader starting where the engine starts redo for a
// checkpoint or other start position (ErrLGLocateFirstRedoLogRecFF). In a
// modern log of start's generation it starts at the beginning of start's
// segment (clamped to the valid data), skips the records before start's
// offset, and skips Fragment pieces that continue a record begun earlier;
// the first record can therefore have a position before start (one that
// follows a NOP run of the previous segment), exactly as in the engine.
// In other generations, and in legacy logs (where the engine always starts
// at the beginning of the file), it is NewReader. A start offset that does
// not fall on a record boundary moves to the next record; damage found on
// the way is returned by the first Next.
func (l *Log) NewReaderAt(ctx context.Context, f Filter, start ese.LogPos) *Reader {
	rd := l.NewReader(ctx, f)
	mc, ok := rd.c.(*modernCursor)
	if !ok || start.Generation != l.Header.Generation {
		return rd
	}
	first := l.Header.DataSectors()
	sec := max(int(start.Sector), first)
	sec = min(sec, int(l.End.Sector))
	mc.pbNext = int64(sec) * SegmentSize
	mc.skipPart = sec == int(start.Sector)
	if sec == int(start.Sector) && sec < int(l.End.Sector) {
		seg, err := mc.load(sec)
		if err != nil {
			rd.err = err
			return rd
		}
		segStart := int64(sec) * SegmentSize
		redo := segStart + int64(min(int(start.Offset), SegmentSize))
		for mc.pbNext < redo {
			if mc.pbNext == segStart {
				mc.pbNext += SegmentHeaderSize
				continue
			}
			ib := mc.pbNext - segStart
			if ib >= SegmentSize {
				break
			}
			n, err := RecordSize(seg[ib:])
			if err != nil || n <= 0 {
				rd.err = l.corruptAt(mc.pbNext, "no record boundary before the start position %v", start)
				return rd
			}
			mc.pbNext += int64(n)
		}
	}
	return rd
}

// NextRaw returns the next selected record without decoding it. At the end
// of the valid data it returns io.EOF (or the Log's TailErr). The record's
// Bytes are a slice of the reader's buffer (the segment or sectors it
// holds, or the buffer a fragmented record was reassembled in), valid only
// until the next call: a caller that keeps them must copy them.
// DecodeRecord's result does not retain them. The RawRecord itself is the
// reader's, also valid until the next call (and nil with an error): no
// record is copied on its way out.
func (rd *Reader) NextRaw() (*RawRecord, error) {
	if err := rd.nextRaw(&rd.cur); err != nil {
		return nil, err
	}
	return &rd.cur, nil
}

// nextRaw fills r with the next selected record.
func (rd *Reader) nextRaw(r *RawRecord) error {
	if rd.err != nil {
		return rd.err
	}
	for {
		if rd.n&63 == 0 {
			if err := rd.ctx.Err(); err != nil {
				rd.err = err
				return err
			}
		}
		rd.n++
		if err := rd.c.next(&rd.acct, r); err != nil {
			if err == io.EOF && rd.l.TailErr != nil {
				err = rd.l.TailErr
			}
			rd.err = err
			*r = RawRecord{}
			return err
		}
		rd.last = r.Pos
		if rd.filter.all || rd.filter.keep(r) {
			return nil
		}
	}
}

// Next returns the next selected record, decoded (DecodeRecord). At the end
// it returns nil, io.EOF.
func (rd *Reader) Next() (Record, error) {
	r, err := rd.NextRaw()
	if err != nil {
		return nil, err
	}
	rec, err := DecodeRecord(r.Bytes, r.Pos)
	if err != nil {
		var fe *ese.FormatError
		if errors.As(err, &fe) {
			fe.Offset = r.Offset
		}
		return nil, err
	}
	return rec, nil
}

// Records returns an iterator over the records of l that f selects, each
// decoded and carrying its log position. The iteration stops after the
// first error, which it yields with a nil Record; reaching the end of the
// valid data is not an error.
func (l *Log) Records(ctx context.Context, f Filter) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		rd := l.NewReader(ctx, f)
		for {
			rec, err := rd.Next()
			if err == io.EOF {
				return
			}
			if !yield(rec, err) || err != nil {
				return
			}
		}
	}
}

// RawRecords is Records without decoding: the RawRecord's Bytes are valid
// only during the loop body.
func (l *Log) RawRecords(ctx context.Context, f Filter) iter.Seq2[RawRecord, error] {
	return func(yield func(RawRecord, error) bool) {
		rd := l.NewReader(ctx, f)
		for {
			r, err := rd.NextRaw()
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(RawRecord{}, err)
				return
			}
			if !yield(*r, nil) {
				return
			}
		}
	}
}

// modernCursor walks the records of a modern log the way the engine's
// ErrLGIGetRecordAtPbNext does, keeping m_pbNext (next) as the position
// given to each record.
type modernCursor struct {
	l      *Log
	end    int64 // End as a file offset
	pbNext int64 // m_pbNext: position of the next record
	// seg is segment segIdx, verified: a part of chunk, or of one for a
	// segment the scan repaired from its shadow.
	seg    []byte
	segIdx int
	// chunk holds chunkLen segments from chunkFirst on, as read from the
	// file with one call (not yet verified).
	chunk                []byte
	chunkFirst, chunkLen int
	one                  []byte
	asm                  []byte
	skipPart             bool // skip Fragment pieces at the start (fSkipPartialLR)
}

func newModernCursor(l *Log) *modernCursor {
	first := int64(l.Header.DataSectors()) * SegmentSize
	return &modernCursor{l: l, end: l.endOffset(), pbNext: first, segIdx: -1, skipPart: true}
}

// load returns segment isec, verified against its checksum.
func (c *modernCursor) load(isec int) ([]byte, error) {
	if isec == c.segIdx {
		return c.seg, nil
	}
	c.segIdx = -1
	var err error
	if c.l.States[isec] == SegRepaired {
		if c.one == nil {
			c.one = make([]byte, SegmentSize)
		}
		c.seg, err = c.l.readSegment(isec, c.one)
	} else {
		if isec < c.chunkFirst || isec >= c.chunkFirst+c.chunkLen {
			// The segments up to the one holding the end of data.
			n := min(scanChunkSegments, max(1, int((c.end+SegmentSize-1)/SegmentSize)-isec))
			if c.chunk == nil {
				c.chunk = make([]byte, scanChunkSegments*SegmentSize)
			}
			c.chunkLen = 0
			if err := c.l.readFull(int64(isec)*SegmentSize, c.chunk[:n*SegmentSize]); err != nil {
				return nil, err
			}
			c.chunkFirst, c.chunkLen = isec, n
		}
		at := (isec - c.chunkFirst) * SegmentSize
		c.seg, err = c.l.verifySegment(isec, c.chunk[at:at+SegmentSize:at+SegmentSize])
	}
	if err != nil {
		return nil, err
	}
	c.segIdx = isec
	return c.seg, nil
}

func (c *modernCursor) next(a *accounting, out *RawRecord) error {
	cur := c.pbNext
	inFrag := false
	var total int64
	var pieces int
	var pieceBytes int64 // header+data bytes of the open fragment
	var fragStart int64
	drop := func() {
		if inFrag {
			a.dropped += pieceBytes
		}
		inFrag, pieceBytes, pieces = false, 0, 0
	}
	for {
		if cur >= c.end {
			drop()
			c.pbNext = cur
			return io.EOF
		}
		isec := int(cur / SegmentSize)
		seg, err := c.load(isec)
		if err != nil {
			return err
		}
		ib := int(cur % SegmentSize)
		if ib == 0 {
			ib = SegmentHeaderSize
			cur += SegmentHeaderSize
			a.segHeader += SegmentHeaderSize
		}
		b := seg[ib:]
		switch RecordType(b[0]) {
		case RecFragmentBegin:
			if len(b) < 8 {
				return c.l.corruptAt(cur, "FragmentBegin header runs past its segment")
			}
			if inFrag && (ib != SegmentHeaderSize || RecordType(b[7]) != RecUndoInfo) {
				return c.l.corruptAt(cur, "FragmentBegin inside an open fragmented record")
			}
			drop()
			t := bin.U32(b, 1)
			piece := int(bin.U16(b, 5))
			if uint32(piece) >= t || piece > len(b)-7 {
				return c.l.corruptAt(cur, "FragmentBegin piece of %d bytes of a %d-byte record does not fit", piece, t)
			}
			// The declared total is not trusted for allocation: the buffer
			// grows with the pieces actually read, which the end of data
			// bounds.
			total = int64(t)
			c.asm = append(c.asm[:0], b[7:7+piece]...)
			inFrag, c.skipPart = true, false
			pieces, pieceBytes, fragStart = 1, int64(7+piece), cur
			cur += int64(7 + piece)
		case RecFragment:
			if len(b) < 3 {
				return c.l.corruptAt(cur, "Fragment header runs past its segment")
			}
			piece := int(bin.U16(b, 1))
			if piece > len(b)-3 {
				return c.l.corruptAt(cur, "Fragment piece of %d bytes runs past its segment", piece)
			}
			if c.skipPart {
				// A continuation of a record that began before the start
				// of this file: skipped, and the next record starts after.
				cur += int64(3 + piece)
				a.skipped += int64(3 + piece)
				c.pbNext = cur
				continue
			}
			if !inFrag {
				return c.l.corruptAt(cur, "Fragment outside a fragmented record")
			}
			if int64(piece) > total-int64(len(c.asm)) {
				return c.l.corruptAt(cur, "Fragment piece of %d bytes overflows the %d-byte record", piece, total)
			}
			c.asm = append(c.asm, b[3:3+piece]...)
			pieces++
			pieceBytes += int64(3 + piece)
			cur += int64(3 + piece)
			if int64(len(c.asm)) == total {
				if err := checkAssembled(c.asm); err != nil {
					return c.l.corruptAt(fragStart, "reassembled record: %v", err)
				}
				a.records += total
				a.fragHeader += pieceBytes - total
				*out = RawRecord{Type: RecordType(c.asm[0]), Pos: c.l.PosAt(c.pbNext), Offset: fragStart, Bytes: c.asm, Fragments: pieces}
				c.pbNext = cur
				c.skipPart = false
				return nil
			}
		case RecNOP:
			n := 1
			for n < len(b) && b[n] == 0 {
				n++
			}
			a.nop += int64(n)
			a.nopRuns++
			cur += int64(n)
		default:
			if inFrag {
				t := RecordType(b[0])
				if ib == SegmentHeaderSize && (t == RecRecoveryUndo || t == RecRecoveryUndo2 || t == RecUndoInfo) {
					// The previous process died in the middle of a
					// fragmented record; it is dropped and this record
					// takes the position of its segment's start.
					drop()
					c.pbNext = int64(isec) * SegmentSize
				} else {
					return c.l.corruptAt(cur, "%v record inside an open fragmented record", t)
				}
			}
			if RecordType(b[0]) >= RecTypeMax {
				return c.l.corruptAt(cur, "invalid record type %d", b[0])
			}
			n, err := RecordSize(b)
			if err != nil {
				if errors.Is(err, ErrShortRecord) {
					return c.l.corruptAt(cur, "%v record header runs past its segment", RecordType(b[0]))
				}
				return c.l.corruptAt(cur, "%v", err)
			}
			if n > len(b) || n <= 0 {
				return c.l.corruptAt(cur, "%v record of %d bytes runs past its segment (%d bytes left)", RecordType(b[0]), n, len(b))
			}
			a.records += int64(n)
			// Field by field: a composite literal would be built aside
			// and copied over out.
			out.Type, out.Pos, out.Offset, out.Bytes, out.Fragments = RecordType(b[0]), c.l.PosAt(c.pbNext), cur, b[:n], 0
			c.pbNext = cur + int64(n)
			c.skipPart = false // only the first record search skips pieces
			return nil
		}
	}
}

// checkAssembled applies the engine's checks to a reassembled record: a
// known type, a fixed part no larger than the record and a computed size
// equal to the reassembled size.
func checkAssembled(b []byte) error {
	t := RecordType(b[0])
	if t >= RecTypeMax {
		return fmt.Errorf("invalid record type %d", b[0])
	}
	if FixedSize(t) > len(b) {
		return fmt.Errorf("%v needs %d bytes, record has %d", t, FixedSize(t), len(b))
	}
	n, err := RecordSize(b)
	if err != nil {
		return err
	}
	if n != len(b) {
		return fmt.Errorf("%v record says %d bytes, %d were reassembled", t, n, len(b))
	}
	return nil
}
