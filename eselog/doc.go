// Package eselog reads and writes the transaction logs of Microsoft's
// Extensible Storage Engine (ESE): the log file header (LGFILEHDR), both
// body formats, the records they carry, and log-set checks.
//
// # Files
//
// Every log file starts with a 4096-byte FileHeader (DecodeFileHeader,
// ReadFileHeader, FileHeader.Encode). The body that follows comes in two
// formats, chosen by the header's major version:
//
//   - modern (8.4000.x, Windows 8 and later): 4 KiB segments, each with a
//     40-byte segment header and an XOR+ECC checksum; a partially written
//     segment is also written to the next segment as a shadow copy.
//     Records are packed from offset 40 of each segment, and records that
//     do not fit are split into FragmentBegin/Fragment pieces.
//   - legacy (7.3704.x, Windows XP..7, Exchange 2003..2010): after the
//     header the file is one byte stream of records over 512- or 4096-byte
//     sectors, protected by in-line LRCHECKSUM records (type 42) with range
//     and short checksums and shadow sectors.
//
// Open validates the header and the file's geometry and finds the end of
// valid data exactly as the engine's tail scan does; Log.Records (or
// Log.NewReader and Reader.Next) then yields the records in order, each
// with the log position the engine gives it: the positions stored in
// checkpoints and database headers (lgposConsistent, lgposAttach) match the
// positions reported here. Log.Walk verifies a whole file and accounts for
// every byte of its used part.
//
// A Log keeps only the header, one state byte per sector and, for modern
// logs, the CRC-32C of each valid segment; a Reader keeps 16 segments read
// with one call (legacy: a 64 KiB window) plus the one record being
// reassembled, which grows only with the pieces actually read, so memory is
// bounded by the reader's buffers and never by a length read from the file.
// Modern segments are checksummed by the tail scan, and a segment the reader
// loads again is checked against the CRC-32C the scan took of it (with the
// full checksum when that differs), so a file changed after Open is refused;
// legacy LRCHECKSUM ranges are verified by the tail scan.
//
// Reader.NextRaw hands out each record's bytes without decoding them.
// DecodeRecord returns a value that keeps nothing of its input; a Decoder
// decodes the commonest records (transactions, ReplaceD, Insert,
// FlagDelete, Delta) into values it reuses, without allocating, for callers
// that handle one record at a time and keep a record only through
// Decoder.Keep (or CloneRecord).
// Every error that comes from the bytes is an *ese.FormatError wrapping the
// JET error the engine would report, so errors.Is(err, ese.ErrLogFileCorrupt)
// works.
//
// A typical use:
//
//	f, _ := os.Open("edb.log")
//	st, _ := f.Stat()
//	l, err := eselog.Open(f, st.Size())
//	if err != nil { ... }                  // -501, -514, -541, -1812...
//	for rec, err := range l.Records(ctx, eselog.Filter{DBIDs: []uint8{1}}) {
//		if err != nil { ... }
//		fmt.Println(rec.Pos(), rec.Type())  // (0x1,1,268) CreateDB
//	}
//	stats, err := l.Walk(ctx)              // counts, histogram, byte accounting
package eselog
