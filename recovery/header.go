package recovery

import (
	"encoding/binary"
	"hash/fnv"
	"io"

	"github.com/esekit/esekit/ese"
)

// writeDBHeader writes h as both header copies of a database file
// (HEADERS.md §4.3): the header page with a fresh checksum at offset 0 and
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
// (LOGSTREAM.md §4.7 step 6, §3.18 step 7 for a detach): state
// CleanShutdown; lgposConsistent = lgposDetach = at, with their times;
// lgposLastResize = at when the format keeps it; the required and
// committed generations and their times cleared (DBFILEHDR::SetDbstate);
// lGenRecovering 0; dbtimeDirtied and objidLast raised to the highest
// seen; backup information as ErrIOTermUpdateAndWriteDatabaseHeader
// leaves it; a new header-flush signature.
func markClean(h *ese.DBHeader, at ese.LogPos, tm ese.LogTime, maxDbTime uint64, maxObjid uint32, hard bool) {
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
	h.DbTimeDirtied = max(h.DbTimeDirtied, maxDbTime)
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
}

// flushSignature derives the header-flush signature written with a clean
// header. The engine draws a random one at every header write so that a
// flush map (.jfm) written before no longer matches; this package derives
// it from the header's identity and consistent position instead, so that
// the same inputs always give the same bytes, and it still differs from
// the one the dirty header carried.
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

// nextLogPositions returns where the engine writes the records that end
// recovery (LOGSTREAM.md §4.7 steps 2 and 5) in a log whose valid data
// ends at end: the RecoveryUndo2 (unless the log's last record was a
// shutdown mark, withUndo false) and the ShutDownMark whose position
// becomes every database's lgposConsistent.
//
// Modern logs: writing resumes in a fresh segment (the engine's
// lgposLastRec is the start of the segment after the last valid one); its
// first record takes ib 0 and the next follow the 40-byte segment header,
// so the pair lands at (g,s,0) and (g,s,0x31), the pattern edb0000D.log
// shows 26 times. A full file rolls over to the next generation first.
// Legacy logs: a new LRCHECKSUM range opens at end (22 bytes), and the
// records follow it; this placement is derived from the legacy format and
// not checked against an engine-written sample.
//
// When open transactions are rolled back, the engine logs their Undo and
// Rollback records between the RecoveryUndo2 and the shutdown mark, so
// its mark lands later than computed here; this package does not write
// logs and keeps the position computed without them.
//
// When the last log replayed is not the current log (an archived
// generation, or a backup's log in hard recovery: the current log is
// never on tape), the engine first creates the next generation (§4.7
// step 1), and the records open its first data sector.
func nextLogPositions(end ese.LogPos, legacy bool, fileSectors, headerSectors uint16, withUndo, newGen bool) (undo, shutdown ese.LogPos) {
	const undo2Size = 9
	if newGen {
		end = ese.LogPos{Generation: end.Generation + 1, Sector: headerSectors}
	}
	if legacy {
		p := end
		p.Offset += 22 // LRCHECKSUM opening the new range
		undo = p
		if withUndo {
			p.Offset += undo2Size
		}
		return undo, p
	}
	if fileSectors > 1 && end.Sector >= fileSectors-1 {
		end = ese.LogPos{Generation: end.Generation + 1, Sector: headerSectors}
	}
	undo = ese.LogPos{Generation: end.Generation, Sector: end.Sector}
	if !withUndo {
		return undo, undo
	}
	return undo, ese.LogPos{Generation: end.Generation, Sector: end.Sector, Offset: 40 + undo2Size}
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
