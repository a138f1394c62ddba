package testset

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esechk"
	"github.com/esekit/esekit/eselog"
)

// SetSpec describes a generated log folder: the logs of generations
// First..Last of one stream, named as the engine names them (the last
// is the current log Base.log, the others BaseXXXXX.log), its checkpoint
// Base.chk, and the header of a database of it.
type SetSpec struct {
	// Base is the log base name ("edb" when empty).
	Base string
	// First and Last are the generations (1 and 3 when zero).
	First, Last ese.Generation
	// Legacy writes 7.3704 logs (BuildLegacyLog) instead of modern ones.
	Legacy bool
	// Transactions is each log's number of transactions (20 when zero);
	// every log but the last ends with ShutDownMark and Term2 unless Crash
	// is set, when the last one ends after its last Commit0.
	Transactions int
	Crash        bool
	// Signature is the stream's signature (Signature(1) when zero).
	Signature ese.Signature
	// Seed drives the records' bytes.
	Seed uint64
}

// Set is a generated log folder.
type Set struct {
	// Files holds every file by name.
	Files map[string][]byte
	// Logs holds the logs by generation.
	Logs map[ese.Generation]*Log
	// Current is the name of the current log (Base.log), Checkpoint the
	// checkpoint's.
	Current, Checkpoint string
	// DB is the header of a database of this stream, CleanShutdown and
	// consistent at the last log's last record (Database encodes it).
	DB *ese.DBHeader
}

// LogName is the engine's name of log generation gen of base base with
// the 8.3-style numbering of modern logs: base + 5 hex digits + ".log"
// (edb00001.log), or base.log for the current log.
func LogName(base string, gen ese.Generation, current bool) string {
	if current {
		return base + ".log"
	}
	return fmt.Sprintf("%s%05X.log", base, gen)
}

// BuildSet generates the folder spec describes. Each log's header names
// the previous one's creation time and (modern logs) its accumulated
// segment checksum; the checkpoint sits at the start of the last log;
// the database header says the database is attached to the stream and
// was shut down cleanly at the last log's last record.
func BuildSet(spec SetSpec) (*Set, error) {
	if spec.Base == "" {
		spec.Base = "edb"
	}
	if spec.First == 0 {
		spec.First = 1
	}
	if spec.Last == 0 {
		spec.Last = max(spec.First, 3)
	}
	if spec.Transactions == 0 {
		spec.Transactions = 20
	}
	if spec.Signature == (ese.Signature{}) {
		spec.Signature = Signature(1)
	}
	set := &Set{Files: map[string][]byte{}, Logs: map[ese.Generation]*Log{}, Current: spec.Base + ".log", Checkpoint: spec.Base + ".chk"}
	build := BuildLog
	if spec.Legacy {
		build = BuildLegacyLog
	}
	t0 := time.Date(2024, 2, 1, 8, 0, 0, 0, time.UTC)
	var prev *Log
	var prevCreated time.Time
	for gen := spec.First; gen <= spec.Last; gen++ {
		created := t0.Add(time.Duration(gen) * time.Minute)
		ls := LogSpec{Gen: gen, Signature: spec.Signature, Created: created, PrevCreated: prevCreated,
			Transactions: spec.Transactions, Term: gen < spec.Last || !spec.Crash, Seed: spec.Seed + uint64(gen)}
		lg, err := build(ls)
		if err != nil {
			return nil, err
		}
		if prev != nil && !spec.Legacy {
			// The previous log's accumulated segment checksum goes into
			// this header (modern logs of 8.4000.5.13 and later).
			l, err := eselog.Open(bytes.NewReader(prev.File), int64(len(prev.File)))
			if err != nil {
				return nil, err
			}
			lg.Header.PrevLogAccumulatedChecksum = l.AccumulatedChecksum
			hb, err := lg.Header.Encode()
			if err != nil {
				return nil, err
			}
			copy(lg.File, hb)
		}
		set.Logs[gen] = lg
		set.Files[LogName(spec.Base, gen, gen == spec.Last)] = lg.File
		prev, prevCreated = lg, created
	}
	last := set.Logs[spec.Last]
	cp := &esechk.Checkpoint{
		Checkpoint: last.Positions[0], DbConsistencyPos: last.Positions[0],
		LogSignature: spec.Signature, DbmsParam: last.Header.DbmsParam, FileType: ese.FileTypeCheckpoint,
	}
	chk, err := cp.EncodeFile()
	if err != nil {
		return nil, err
	}
	set.Files[set.Checkpoint] = chk
	end := last.Positions[len(last.Positions)-1]
	tm := ese.LogTimeOf(t0.Add(time.Duration(spec.Last) * time.Minute))
	set.DB = CleanDBHeader(last.Header.PageSize(), spec.Signature, ese.LogPos{Generation: spec.First, Sector: last.Positions[0].Sector}, end, tm)
	return set, nil
}

// CleanDBHeader returns the header of a database of pageSize-byte pages
// (format 0x620,20; signature Signature(2)) attached to the log stream
// logSig at attach and shut down cleanly at consistent (also its detach
// position), both at time tm.
func CleanDBHeader(pageSize int, logSig ese.Signature, attach, consistent ese.LogPos, tm ese.LogTime) *ese.DBHeader {
	return &ese.DBHeader{
		Magic: ese.DBMagic, FormatVersion: 0x620, FormatUpdateMajor: 20,
		CreateFormatVersion: 0x620, CreateFormatUpdate: 20,
		DbSignature: Signature(2), LogSignature: logSig,
		State: ese.DBStateCleanShutdown, DBID: 1, PageSize: uint32(pageSize), FileType: ese.FileTypeDatabase,
		AttachPos: attach, AttachTime: tm, ConsistentPos: consistent, ConsistentTime: tm, DetachPos: consistent, DetachTime: tm,
	}
}

// DBFile returns a database file of the given header (and its shadow)
// followed by pages zero pages.
func DBFile(h *ese.DBHeader, pages int) []byte {
	ps := int(h.PageSize)
	b := make([]byte, (2+pages)*ps)
	hb := h.Encode(ps)
	copy(b, hb)
	copy(b[ps:], hb)
	return b
}

// WriteDir writes every file of the set into dir, and the database (its
// header and 8 zero pages) as dbName when dbName is not empty.
func (s *Set) WriteDir(tb testing.TB, dir, dbName string) {
	tb.Helper()
	for n, b := range s.Files {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	if dbName != "" {
		if err := os.WriteFile(filepath.Join(dir, dbName), DBFile(s.DB, 8), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}
