// Package ese holds what every on-disk format of Microsoft's Extensible
// Storage Engine ("JET Blue") shares, and the database file itself.
//
// Shared types: log positions (LogPos, with the engine's hex and decimal
// print forms), log times (LogTime ⇄ time.Time), signatures (Signature),
// backup info (BackupInfo), the run-time parameter block (DBMSParam), the
// enumerations (FileType, DBState, BackupType, PageFlags) and the engine's
// error codes (Error, with sentinels such as ErrMissingLogFile usable with
// errors.Is, and every printed form of a code). Decoders report bad bytes
// as *FormatError wrapping the Error the engine would raise.
//
// Databases:
//
//   - DBHeader is the 748-byte database header; ReadDBHeader applies the
//     engine's rules to its two copies (page-size detection, checksum,
//     shadow fallback) and DBHeader.Encode gives back identical bytes.
//   - PageHeader, Tags, TagData and PutTag read and write database pages
//     (PGHDR on pages up to 8 KiB, PGHDR2 on 16 and 32 KiB pages).
//   - HeaderChecksum, XEChecksum, ComputePageChecksums, SetPageChecksum and
//     CorrectPage implement the header checksum and the page checksums
//     (legacy XOR and XOR+ECC with single-bit correction); CheckPage
//     classifies one page and ScanDatabase verifies a whole file in
//     parallel, the job of "esefile /s" or "eseutil /k".
//
// Files: Identify tells from bytes alone whether a file is a database, a
// temporary database, a log, a checkpoint, a patch file, a flush map or an
// unused reserve log. ParseLogName, LogFileName and their siblings map log
// generations to the file names of a log set (edb0000D.log, SRU.log,
// USStmp.jtx, edbres00001.jrs, edb.chk) and AnchorLogName applies the
// anchor-log rule of restore procedures.
//
// A minimal check of a database:
//
//	f, _ := os.Open("IndexedDB.edb")
//	c, err := ese.ReadDBHeader(f)
//	if err != nil { ... }
//	fmt.Println(c.Header.State, c.Header.Format(), c.Header.ConsistentPos.Decimal())
//	res, err := ese.ScanDatabase(ctx, f, nil)
//	fmt.Println(res.Pages, res.Good, res.Uninitialized, res.BadChecksums)
//
// Conventions shared by esekit's packages: DecodeX(b) decodes bytes
// already in memory and ReadX(r io.ReaderAt) reads them; every error they
// return for bad bytes wraps an Error (usually as *FormatError), and an
// error about the caller's arguments wraps ErrInvalidParameter. A header
// that fills a page (DBHeader, esepatch.Header) has Put(page), which stores
// the fields as they are, and Encode(pageSize) []byte, which returns a
// whole page with its checksum computed and cannot fail; a 4096-byte header
// that carries an attach list (eselog.FileHeader, esechk.Checkpoint) has
// Encode() ([]byte, error), which fails only when the list does not fit.
// Encoding a decoded header gives back the bytes it came from.
//
// Byte layouts follow docs/README.md (the project's format notes, drawn from
// Microsoft's MIT-licensed ESE source) and were checked against real files
// written by the engine.
package ese
