package testset

import (
	"fmt"
	"math/rand/v2"
	"time"
	"unicode/utf16"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
)

// LogSpec describes a generated modern log file.
type LogSpec struct {
	// Gen is the log's generation (1 when zero).
	Gen ese.Generation
	// Segments is the file size in 4 KiB segments, header and reserved
	// last segment included (32 when zero, at least 4); for a legacy log
	// (BuildLegacyLog) in 512-byte sectors, the 8 header sectors included
	// (1024 when zero).
	Segments int
	// PageSize is the database page size the header names (8192 when
	// zero).
	PageSize int
	// Signature is the log stream's signature (Signature(1) when zero).
	Signature ese.Signature
	// Created is the log file's creation time; PrevCreated the previous
	// generation's (zero for the first generation of a stream).
	Created, PrevCreated time.Time
	// Transactions is how many transactions the log holds after its
	// Init2: each a Begin0, one to three Insert records of 20 to 200
	// data bytes on pages 100-199 of database 1, and a Commit0.
	Transactions int
	// LargeEvery, when positive, gives every LargeEvery-th transaction
	// one more Insert of 5,000 to 9,000 data bytes, longer than a
	// segment: the writer cuts it into a FragmentBegin and Fragments.
	LargeEvery int
	// Term ends the log with ShutDownMark and Term2 (a clean end of the
	// instance); otherwise it ends after the last Commit0, as after a
	// crash.
	Term bool
	// Create, when not empty, names a database (C:\testset\ + Create)
	// the log creates right after its Init2, as database 1 with signature
	// Signature(2), by a CreateDB of create version 1.0 (the engine's
	// implicit create) and a CreateDBFinish, and detaches before its
	// ShutDownMark. Transactions must then be 0: their inserts name pages
	// the create leaves empty.
	Create string
	// Seed drives the sizes and bytes.
	Seed uint64
}

// Log is a generated log file and what it holds.
type Log struct {
	// File is the whole file: header, segments, reserved last segment.
	File []byte
	// Header is the encoded header's fields.
	Header *eselog.FileHeader
	// Positions, Offsets, Types and Records list every record written
	// (fragments and fill excluded), in order: its position, the file
	// offset of its first byte (of its FragmentBegin when it was cut into
	// fragments), its type and encoded bytes.
	Positions []ese.LogPos
	Offsets   []int64
	Types     []eselog.RecordType
	Records   [][]byte
	// Fragmented counts the records the writer cut into fragments, Fill
	// the zero fills it left at the end of a segment.
	Fragmented, Fills int
	// Segments is the number of segments holding records (the last one
	// partial, with its shadow in the next sector). For a legacy log it is
	// the number of 512-byte sectors holding records, and Flushes the
	// file offsets of the LRCHECKSUMs that open its flushes.
	Segments int
	Flushes  []int64
	// Transactions counts the committed transactions, Inserts their
	// Insert records.
	Transactions, Inserts int
}

// Signature returns a deterministic log or database signature: random n,
// created on 2024-01-0n at noon UTC.
func Signature(n uint32) ese.Signature {
	return ese.Signature{Random: 0x5E7A0000 | n, Created: ese.LogTimeOf(time.Date(2024, 1, int(n%28)+1, 12, 0, 0, 0, time.UTC))}
}

// DBMSParam returns the run-time settings the generated logs and
// checkpoints carry: system and log folder C:\testset\, no circular
// logging, logFileSectors segments per log file.
func DBMSParam(logFileSectors int) ese.DBMSParam {
	var p ese.DBMSParam
	copy(p.SystemPath[:], `C:\testset\`)
	copy(p.LogFilePath[:], `C:\testset\`)
	p.MaxSessions, p.MaxOpenTables, p.MaxVerPages, p.MaxCursors = 16, 100, 64, 200
	p.LogBuffers, p.LogFileSectors, p.CacheSizeMax = 8, uint32(logFileSectors), 1024
	return p
}

// LegacyLogHeader returns the header of a legacy log file (format
// 7.3704.15 with 512-byte sectors, as Windows 7 writes it) of generation
// gen, sectors long.
func LegacyLogHeader(gen ese.Generation, sectors, pageSize int, sig ese.Signature, created, prevCreated time.Time) *eselog.FileHeader {
	h := LogHeader(gen, sectors, pageSize, sig, created, prevCreated)
	h.SectorSize, h.HeaderSectors = LegacySectorSize, eselog.HeaderSize/LegacySectorSize
	h.VersionMajor, h.VersionMinor, h.VersionUpdateMajor, h.VersionUpdateMinor = 7, 3704, 15, 0
	return h
}

// LogHeader returns the header of a modern log file (format 8.4000.5.16
// with 4 KiB sectors, as Windows 10 writes it) of generation gen.
func LogHeader(gen ese.Generation, segments, pageSize int, sig ese.Signature, created, prevCreated time.Time) *eselog.FileHeader {
	h := &eselog.FileHeader{
		Generation: gen, SectorSize: eselog.SegmentSize, HeaderSectors: 1, FileSectors: uint16(segments),
		DbPageSize: uint16(pageSize), CreateTime: ese.LogTimeOf(created),
		VersionMajor: 8, VersionMinor: 4000, VersionUpdateMajor: 5, VersionUpdateMinor: 16,
		LogSignature: sig, DbmsParam: DBMSParam(segments), FileType: ese.FileTypeLog,
	}
	if !prevCreated.IsZero() {
		h.PrevGenCreateTime = ese.LogTimeOf(prevCreated)
	}
	return h
}

// defaults fills in spec's zero fields.
func (spec *LogSpec) defaults(segments int) {
	if spec.Gen == 0 {
		spec.Gen = 1
	}
	if spec.Segments == 0 {
		spec.Segments = segments
	}
	if spec.PageSize == 0 {
		spec.PageSize = 8192
	}
	if spec.Signature == (ese.Signature{}) {
		spec.Signature = Signature(1)
	}
	if spec.Created.IsZero() {
		spec.Created = time.Date(2024, 2, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(spec.Gen) * time.Minute)
	}
}

// record is one generated record.
type record struct {
	typ eselog.RecordType
	b   []byte
}

// workload returns the records of spec's log in order: Init2, the
// transactions, ShutDownMark and Term2 (pointing back at initAt, where the
// Init2 goes) when spec.Term. It counts transactions and inserts in out.
func workload(spec LogSpec, params ese.DBMSParam, tm ese.LogTime, initAt ese.LogPos, out *Log) []record {
	var recs []record
	put := func(r interface{ AppendEncode([]byte) []byte }, ty eselog.RecordType) {
		recs = append(recs, record{ty, r.AppendEncode(nil)})
	}
	put(&eselog.Init{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecInit2}, Params: params, Time: tm}, eselog.RecInit2)
	path := utf16Path(`C:\testset\` + spec.Create)
	if spec.Create != "" {
		put(&eselog.CreateDB{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecCreateDB}, Procid: 8, Dbid: 1, SignDb: Signature(2),
			Flags: eselog.DBUnicodeNames | eselog.CreateDBVersionInfo, Version: 1, PathBytes: path}, eselog.RecCreateDB)
		put(&eselog.CreateDBFinish{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecCreateDBFinish}, Procid: 8, Dbid: 1}, eselog.RecCreateDBFinish)
	}
	rng := rand.New(rand.NewPCG(spec.Seed, spec.Seed^0x7E575E7))
	dbtime := uint64(0x1000)
	for i := range spec.Transactions {
		procid := uint16(8 + i%4)
		trx := uint32(0x100 + i)
		n := 1 + rng.IntN(3)
		var inserts [][]byte
		for range n {
			inserts = append(inserts, randBytes(rng, 20+rng.IntN(181)))
		}
		if spec.LargeEvery > 0 && (i+1)%spec.LargeEvery == 0 {
			inserts = append(inserts, randBytes(rng, 5000+rng.IntN(4001)))
		}
		put(&eselog.Begin0{Begin: eselog.Begin{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecBegin0}, Procid: procid, LevelsToBegin: 1}, TrxBegin0: trx}, eselog.RecBegin0)
		for k, d := range inserts {
			dbtime++
			put(&eselog.Insert{NodeHeader: eselog.NodeHeader{PageHeader: eselog.PageHeader{
				RecordBase: eselog.RecordBase{Lrtyp: eselog.RecInsert}, Procid: procid, Dbid: 1,
				PageNumber: uint32(100 + rng.IntN(100)), After: dbtime, Before: dbtime - 1, TrxBegin0: trx, Level: 1, Line: uint16(k),
			}, RCEID: uint32(0x2000 + out.Inserts), PgnoFDP: 99, ObjidFDP: 42},
				KeySuffix: []byte{byte(i >> 8), byte(i), byte(k)}, Data: d}, eselog.RecInsert)
			out.Inserts++
		}
		put(&eselog.Commit0{Commit: eselog.Commit{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecCommit0}, Procid: procid}, TrxCommit0: trx + 1}, eselog.RecCommit0)
		out.Transactions++
	}
	if spec.Create != "" {
		put(&eselog.DetachDB{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecDetachDB}, Procid: 8, Dbid: 1, Flags: eselog.DBUnicodeNames,
			PathBytes: path}, eselog.RecDetachDB)
	}
	if spec.Term {
		put(&eselog.Mark{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecShutDownMark}}, eselog.RecShutDownMark)
		put(&eselog.Term{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecTerm2}, Lgpos: initAt, Time: tm}, eselog.RecTerm2)
	}
	return recs
}

// BuildLog generates the modern log spec describes.
func BuildLog(spec LogSpec) (*Log, error) {
	spec.defaults(32)
	if spec.Segments < 4 || spec.Segments > 0xFFFF {
		return nil, fmt.Errorf("testset: %d segments", spec.Segments)
	}
	h := LogHeader(spec.Gen, spec.Segments, spec.PageSize, spec.Signature, spec.Created, spec.PrevCreated)
	hb, err := h.Encode()
	if err != nil {
		return nil, err
	}
	tm := ese.LogTimeOf(spec.Created)
	w := NewLogWriter(spec.Gen, spec.Segments, tm)
	copy(w.File(), hb)
	out := &Log{Header: h}
	for _, r := range workload(spec, h.DbmsParam, tm, ese.LogPos{Generation: spec.Gen, Sector: 1}, out) {
		at, err := w.Add(r.b)
		if err != nil {
			return nil, fmt.Errorf("testset: %d records do not fit in %d segments: %w", len(out.Positions), spec.Segments, err)
		}
		out.Positions = append(out.Positions, at)
		out.Offsets = append(out.Offsets, w.LastOffset())
		out.Types = append(out.Types, r.typ)
		out.Records = append(out.Records, r.b)
	}
	out.Segments, out.Fragmented, out.Fills = w.Used(), w.Cut(), w.Fills()
	w.Finish()
	out.File = w.File()
	return out, nil
}

// utf16Path is p in UTF-16LE with its terminating NUL, as CreateDB and
// DetachDB log Unicode paths.
func utf16Path(p string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(p)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return append(b, 0, 0)
}

func randBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}
