package recovery

import (
	"encoding/binary"
	"hash/fnv"
	"io"

	"github.com/esekit/esekit/ese"
)

// writeDBHeader writes h as both header copies of a database file
// (docs/database.md#shadowed-header): the header page with a fresh checksum at offset 0 and
// the identical page at offset pageSize.
func writeDBHeader(w io.WriterAt, h *ese.DBHeader, pageSize int) error {
	b := h.Encode(pageSize)
	if _, err := w.WriteAt(b, 0); err != nil {
		return err
	}
	_, err := w.WriteAt(b, int64(pageSize))
	return err
}

// markClean makes h the header the engine leaves at the end of recovery
// (docs/recovery.md#clean-header, step 6; docs/recovery.md#attach-rules,
// step 7 for a detach): state
// CleanShutdown; lgposConsistent = lgposDetach = at, with their times;
// lgposLastResize = at when the format keeps it; the required and
// committed generations and their times cleared (DBFILEHDR::SetDbstate);
// lGenRecovering 0; dbtimeDirtied and objidLast raised to the highest
// seen; backup information as ErrIOTermUpdateAndWriteDatabaseHeader
// leaves it; a new header-flush signature and cleared flush-map and
// revert-snapshot signatures (see flushSignature).
func markClean(h *ese.DBHeader, at ese.LogPos, tm ese.LogTime, maxDBTime uint64, maxObjid uint32, hard bool) {
	h.State = ese.DBStateCleanShutdown
	h.ConsistentPos, h.ConsistentTime = at, tm
	h.DetachPos, h.DetachTime = at, tm
	if lastResizeEnabled(h) {
		h.LastResizePos = at
	}
	h.GenMinRequired, h.GenMaxRequired = 0, 0
	h.GenMinConsistent, h.GenMaxCommitted = 0, 0
	h.GenMaxCreateTime, h.GenMaxRequiredTime = ese.LogTime{}, ese.LogTime{}
	h.GenPreRedoMinConsistent, h.GenPreRedoMinRequired = 0, 0
	h.GenRecovering = 0
	h.DBTimeDirtied = max(h.DBTimeDirtied, maxDBTime)
	h.LastObjectID = max(h.LastObjectID, maxObjid)
	// Backup information as ErrIOTermUpdateAndWriteDatabaseHeader leaves
	// it after a recovery: a copy's current backup (and snapshot and
	// previous incremental) cleared; after a hard recovery every previous
	// backup cleared too, so no incremental backup builds on the restore.
	if h.CurFullBackup.GenLow != 0 {
		h.CurFullBackup, h.CurSnapshotBackup, h.PrevIncBackup = ese.BackupInfo{}, ese.BackupInfo{}, ese.BackupInfo{}
	}
	if hard {
		h.PrevFullBackup, h.PrevIncBackup, h.PrevCopyBackup, h.PrevDiffBackup = ese.BackupInfo{}, ese.BackupInfo{}, ese.BackupInfo{}, ese.BackupInfo{}
		h.PrevFullBackupType, h.PrevIncBackupType = 0, 0
	}
	h.DbHdrFlushSignature = flushSignature(h, tm)
	h.FlushMapHdrFlushSignature = ese.Signature{}
	// No revert snapshot (.rbs) follows recovery either: the engine clears
	// a set RBSHdrFlushSignature when it attaches a database for redo
	// without one (dev/ese/src/ese/_log/logredo.cxx), so an older snapshot
	// is never applied to the recovered pages.
	h.RBSHdrFlushSignature = ese.Signature{}
}

// flushSignature derives the header-flush signature written with a clean
// header. The engine draws a random one at every header write so that a
// flush map (.jfm) written before no longer matches; this package derives
// it from the header's identity and consistent position instead, so that
// the same inputs always give the same bytes, and it still differs from
// the one the dirty header carried.
//
// Recovery here keeps no flush map, so the header is written the way the
// engine writes one for a database without a map (CFlushMap::
// EnterDbHeaderFlush in dev/ese/src/ese/flushmap.cxx, called from
// ErrUtilWriteAttachedDatabaseHeaders in dev/ese/src/ese/_osu/fileu.cxx):
// a new DbHdrFlushSignature and FlushMapHdrFlushSignature cleared to zero.
// A .jfm left beside the recovered database then matches neither
// signature (ese.FlushMapHeader.Current is false), and the engine deletes
// it at attach and starts a new one (JET_errFlushMapDatabaseMismatch)
// instead of trusting flush states that recovery's page writes made
// stale.
func flushSignature(h *ese.DBHeader, tm ese.LogTime) ese.Signature {
	f := fnv.New32a()
	var b [8]byte
	f.Write(h.DbSignature.Created[:])
	binary.LittleEndian.PutUint32(b[:], h.DbSignature.Random)
	f.Write(b[:4])
	binary.LittleEndian.PutUint64(b[:], uint64(h.ConsistentPos.Generation)<<32|uint64(h.ConsistentPos.Sector)<<16|uint64(h.ConsistentPos.Offset))
	f.Write(b[:])
	f.Write(h.DbHdrFlushSignature.Created[:])
	binary.LittleEndian.PutUint32(b[:], h.DbHdrFlushSignature.Random)
	f.Write(b[:4])
	r := f.Sum32()
	if r == h.DbHdrFlushSignature.Random {
		r ^= 0x5A5A5A5A
	}
	return ese.Signature{Random: r, Created: tm}
}

// logTail is where the engine resumes writing after the last replayed
// log (docs/recovery.md#undo, steps 1, 2 and 5): its end of valid data and the
// geometry of its files. endPositions gives where the records that end
// recovery land: the RecoveryUndo2 and the ShutDownMark whose position
// becomes every database's lgposConsistent.
type logTail struct {
	// End is the end of valid data of the last log replayed (the
	// engine's lgposLastRec: the start of the segment after the last
	// valid one in modern logs).
	End ese.LogPos
	// Legacy selects the 7.x format (LRCHECKSUM ranges, no segment
	// headers).
	Legacy bool
	// FileSectors is the file size in sectors (csecLGFile); HeaderSectors
	// the sectors of the file header (csecHeader), the first data sector.
	FileSectors, HeaderSectors uint16
	// SectorSize is the legacy sector size (512 or 4096); 0 means 512.
	SectorSize int
	// NewGen reports that the last log replayed is not the current log,
	// so the engine first creates the next generation (docs/recovery.md#undo, step 1).
	NewGen bool
}

// Sizes of the records that bracket the end of recovery.
const (
	recoveryUndo2Size = 9 // LRRECOVERYUNDO2: type and logtime
	segHeaderSize     = 40
	segmentSize       = 4096
	minFragment       = 32 // LOG_MIN_FRAGMENT_SIZE
	fragBeginSize     = 7  // LRFRAGMENTBEGIN
	fragmentSize      = 3  // LRFRAGMENT
	legacyRangeSize   = 22 // LRCHECKSUM opening the new range
)

// endPositions returns where the engine logs the RecoveryUndo2 (when
// withUndo) and the ShutDownMark whose position becomes every database's
// lgposConsistent and lgposDetach, with the records between (the
// rollback of open transactions and the abort of open macros,
// endOfRecoveryRecords) placed as the engine's log buffer places them.
//
// Modern logs: writing resumes in a fresh segment (lgposLastRec is the
// start of the segment after the last valid one). A record's lgpos is the
// write position before it is placed (docs/logs.md#positions), so the first
// record of a segment has ib 0 and the next follow the 40-byte segment
// header: with nothing between, the pair lands at (g,s,0) and (g,s,0x31),
// the pattern edb0000D.log shows 26 times. Records between follow the
// writer's rules (LOG_WRITE_BUFFER::FLGIAddLogRec): a record that does not
// fit the rest of its segment either pads it with NOPs (fewer than 32 bytes
// left; the record then keeps the lgpos of the first NOP byte) or is
// fragmented (a 7-byte FragmentBegin, then a 3-byte Fragment after each
// following segment header). A file whose data segments are used up rolls
// over to the next generation (the last segment of a file is reserved for
// the shadow and never holds data); how the engine places a record that
// would straddle two generations is not modelled: the bytes simply run on
// into the next file's first data segment.
//
// Legacy logs: a new LRCHECKSUM range opens at end (22 bytes) and the
// records follow it back to back across sectors; this placement is derived
// from the legacy format and not checked against an engine-written sample.
//
// When the last log replayed is not the current log (an archived
// generation, or a backup's log in hard recovery: the current log is
// never on tape), the engine first creates the next generation, and the
// records open its first data sector.
func (t logTail) endPositions(withUndo bool, between []endRecord) (undo, shutdown ese.LogPos) {
	end := t.End
	if t.NewGen {
		end = ese.LogPos{Generation: end.Generation + 1, Sector: t.HeaderSectors}
	}
	if t.Legacy {
		sector := t.SectorSize
		if sector <= 0 {
			sector = 512
		}
		w := legacyWriter{pos: end, sector: sector}
		w.skip(legacyRangeSize)
		undo = w.pos
		if withUndo {
			w.skip(recoveryUndo2Size)
		}
		for _, r := range between {
			w.skip(r.Size)
		}
		return undo, w.pos
	}
	w := segmentWriter{gen: end.Generation, sec: end.Sector, lastData: t.lastDataSector(), first: t.HeaderSectors}
	if w.sec > w.lastData {
		w.gen, w.sec = w.gen+1, w.first
	}
	undo = w.place(recoveryUndo2Size)
	if !withUndo {
		return undo, undo
	}
	for _, r := range between {
		w.place(r.Size)
	}
	return undo, w.place(shutDownMarkLen)
}

// lastDataSector is the last segment of a modern file that holds data
// (csecLGFile−2); a file of unknown size never fills.
func (t logTail) lastDataSector() uint16 {
	if t.FileSectors < 2 {
		return 0xFFFF
	}
	return t.FileSectors - 2
}

// segmentWriter follows the modern log writer's position: generation,
// segment, and the byte offset of the next record inside the segment (0
// for a segment not started yet: its header comes first).
type segmentWriter struct {
	gen             ese.Generation
	sec             uint16
	off             int
	first, lastData uint16
}

// next moves to the start of the next segment, or of the next generation
// after the last data segment.
func (w *segmentWriter) next() {
	w.off = 0
	if w.sec >= w.lastData {
		w.gen, w.sec = w.gen+1, w.first
		return
	}
	w.sec++
}

// place writes a record of size bytes and returns its lgpos.
func (w *segmentWriter) place(size int) ese.LogPos {
	if w.off >= segmentSize {
		w.next()
	}
	at := ese.LogPos{Generation: w.gen, Sector: w.sec, Offset: uint16(w.off)}
	if w.off == 0 {
		w.off = segHeaderSize
	}
	rem := segmentSize - w.off
	if size <= rem {
		w.off += size
		return at
	}
	if rem < minFragment {
		// NOP fill to the end of the segment; the record starts after the
		// next segment's header but keeps the lgpos of the first NOP.
		w.next()
		w.off = segHeaderSize
		if rem = segmentSize - w.off; size <= rem {
			w.off += size
			return at
		}
	}
	// Fragmented: FragmentBegin and a first piece fill this segment, then
	// each following segment opens with a Fragment header.
	left := size - (rem - fragBeginSize)
	for left > 0 {
		w.next()
		piece := min(left, segmentSize-segHeaderSize-fragmentSize)
		w.off = segHeaderSize + fragmentSize + piece
		left -= piece
	}
	return at
}

// legacyWriter follows the legacy writer's position: records run on
// across sectors of the given size.
type legacyWriter struct {
	pos    ese.LogPos
	sector int
}

func (w *legacyWriter) skip(n int) {
	off := int(w.pos.Offset) + n
	w.pos.Sector += uint16(off / w.sector)
	w.pos.Offset = uint16(off % w.sector)
}

// lastResizeEnabled reports whether the database format keeps
// lgposLastResize (JET_efvLgposLastResize: format 0x620,110.240 and
// later).
func lastResizeEnabled(h *ese.DBHeader) bool {
	const v, major, minor = 0x620, 110, 240
	switch {
	case h.FormatVersion != v:
		return h.FormatVersion > v
	case h.FormatUpdateMajor != major:
		return h.FormatUpdateMajor > major
	}
	return h.FormatUpdateMinor >= minor
}
