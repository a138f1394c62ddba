package eselog

import (
	"context"
	"io"

	"github.com/esekit/esekit/ese"
)

// Stats is what Walk found in one log file. The JSON names follow the
// esekit CLI's "logs -json" output (valid_segments counts sectors for
// legacy logs).
type Stats struct {
	// Generation is the file's generation.
	Generation ese.Generation `json:"generation"`
	// Format is the header's version string (FileHeader.Version).
	Format string `json:"format"`
	// Legacy is true for the LRCHECKSUM format.
	Legacy bool `json:"legacy"`
	// SectorSize is the sector (modern: segment) size in bytes.
	SectorSize int `json:"sector_size"`
	// Sectors is the file size in sectors, header included.
	Sectors int `json:"sectors"`
	// DataSectors is the number of sectors that can hold data: all but
	// the header and, for modern logs, the reserved last sector.
	DataSectors int `json:"data_sectors"`
	// Valid counts the sectors holding data: modern logs, the valid
	// segments (corrected and repaired ones included); legacy logs, the
	// sectors the record stream touches up to End.
	Valid int `json:"valid_segments"`
	// Corrected, Repaired, Shadow, Stale and Zero count modern segments in
	// those states (SegmentState); Pattern counts legacy sectors holding
	// the log-extend fill pattern and Tail the other legacy sectors after
	// the end.
	Corrected int `json:"corrected_segments"`
	Repaired  int `json:"repaired_segments"`
	Shadow    int `json:"shadow_segments"`
	Stale     int `json:"stale_segments"`
	Zero      int `json:"zero_segments"`
	Pattern   int `json:"pattern_sectors"`
	Tail      int `json:"tail_sectors"`
	// End is the engine's end of valid data (Log.End).
	End ese.LogPos `json:"end"`
	// LastRecord is the position of the last record.
	LastRecord ese.LogPos `json:"last_record"`
	// ClosedNormally and LastTerm are the engine's clean-close verdict
	// (Log.ClosedNormally, Log.LastTerm).
	ClosedNormally bool       `json:"closed_normally"`
	LastTerm       ese.LogPos `json:"last_term"`
	// TornWrite reports a repaired tail (Log.TornWrite).
	TornWrite bool `json:"torn_write"`
	// AccumulatedChecksum is the XOR of the valid segments' checksums
	// (modern logs).
	AccumulatedChecksum uint64 `json:"accumulated_checksum"`
	// Records counts the records: NOP2 and (legacy) LRCHECKSUM records
	// included, a fragmented record once, 0x00 NOP runs not at all.
	Records int `json:"records"`
	// Fragmented counts records that were split into fragments.
	Fragmented int `json:"fragmented"`
	// Histogram counts records by RecordType.String().
	Histogram map[string]int `json:"histogram"`

	// Byte accounting of the used part of the file, the bytes from the end
	// of the header to End. Their sum plus Unaccounted is UsedBytes.
	UsedBytes int64 `json:"used_bytes"`
	// SegmentHeaderBytes is 40 per data segment (modern).
	SegmentHeaderBytes int64 `json:"segment_header_bytes"`
	// RecordBytes is the size of every record (the reassembled size of
	// fragmented ones).
	RecordBytes int64 `json:"record_bytes"`
	// FragmentHeaderBytes is the 7-byte FragmentBegin and 3-byte Fragment
	// headers.
	FragmentHeaderBytes int64 `json:"fragment_header_bytes"`
	// NOPBytes is the 0x00 filler bytes, in NOPRuns runs.
	NOPBytes int64 `json:"nop_bytes"`
	NOPRuns  int   `json:"nop_runs"`
	// DroppedBytes is fragment pieces the engine discards: a fragmented
	// record cut by the end of data or abandoned by a crash.
	DroppedBytes int64 `json:"dropped_bytes"`
	// SkippedBytes is Fragment pieces at the start of the file that
	// continue a record of the previous generation; the engine skips them
	// (fSkipPartialLR) and so does the reader.
	SkippedBytes int64 `json:"skipped_bytes"`
	// GapBytes is, in legacy logs, bytes between the end of an LRCHECKSUM
	// range and the next LRCHECKSUM that no record covers.
	GapBytes int64 `json:"gap_bytes"`
	// UnreadBytes is, in legacy logs, the bytes between the point where
	// the record stream stopped (the next record would run past the end of
	// data, where the engine's reader also stops without an error) and the
	// end of data. Walk reports a non-zero value as corruption.
	UnreadBytes int64 `json:"unread_bytes"`
	// Unaccounted is UsedBytes minus every category above: 0 for a log
	// the reader fully understood.
	Unaccounted int64 `json:"unaccounted_bytes"`
	// TailBytes is the bytes after End (shadows, stale, zero or pattern
	// sectors, the unused rest of the last sector).
	TailBytes int64 `json:"tail_bytes"`
}

// Walk reads every record of l (verifying each segment's checksum again)
// and returns the statistics. It stops at the first error, returning the
// statistics so far with it; ctx cancels it.
func (l *Log) Walk(ctx context.Context) (*Stats, error) {
	h := l.Header
	s := &Stats{
		Generation:          h.Generation,
		Format:              h.Version(),
		Legacy:              h.Legacy(),
		SectorSize:          int(h.SectorSize),
		Sectors:             int(h.FileSectors),
		End:                 l.End,
		ClosedNormally:      l.ClosedNormally,
		LastTerm:            l.LastTerm,
		TornWrite:           l.TornWrite,
		AccumulatedChecksum: l.AccumulatedChecksum,
		Histogram:           make(map[string]int),
	}
	s.DataSectors = s.Sectors - h.DataSectors()
	if !s.Legacy {
		s.DataSectors--
	}
	for _, st := range l.States {
		switch st {
		case SegValid, SegData:
			s.Valid++
		case SegCorrected:
			s.Valid++
			s.Corrected++
		case SegRepaired:
			s.Valid++
			s.Repaired++
		case SegShadow:
			s.Shadow++
		case SegStale:
			s.Stale++
		case SegZero:
			s.Zero++
		case SegPattern:
			s.Pattern++
		case SegTail:
			s.Tail++
		}
	}
	end := l.endOffset()
	s.UsedBytes = end - int64(h.DataSectors())*int64(h.SectorSize)
	s.TailBytes = l.Size - end
	var counts [256]int
	rd := l.NewReader(ctx, Filter{})
	var err error
	var r RawRecord
	for {
		if err = rd.nextRaw(&r); err != nil {
			break
		}
		counts[r.Type]++
		s.Records++
		if r.Fragments > 0 {
			s.Fragmented++
		}
		s.LastRecord = r.Pos
	}
	for t, n := range counts {
		if n > 0 {
			s.Histogram[RecordType(t).String()] = n
		}
	}
	a := rd.acct
	s.SegmentHeaderBytes = a.segHeader
	s.RecordBytes = a.records
	s.FragmentHeaderBytes = a.fragHeader
	s.NOPBytes = a.nop
	s.NOPRuns = a.nopRuns
	s.DroppedBytes = a.dropped
	s.SkippedBytes = a.skipped
	s.GapBytes = a.gap
	s.UnreadBytes = a.unread
	s.Unaccounted = s.UsedBytes - a.segHeader - a.records - a.fragHeader - a.nop - a.dropped - a.skipped - a.gap - a.unread
	if err == io.EOF {
		err = nil
		if a.unread > 0 {
			err = l.corruptAt(end-a.unread, "the record stream stops %d bytes before the end of data", a.unread)
		}
	}
	return s, err
}
