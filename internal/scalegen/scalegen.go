// Package scalegen writes the generated inputs of the scale benchmarks and
// their small CI versions: a folder of chained log files
// (LogFolder) and a database whose every page carries a valid checksum
// (Database). Both are built with the project's own encoders, so their
// expected verdicts are known: the folder is one log stream without gaps
// or problems, and every page of the database verifies.
package scalegen

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/bin"
)

// Signature is the log signature of every generated log and database.
var Signature = ese.Signature{Random: 0x5CA1E000, Created: ese.LogTimeOf(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC))}

// LogSpec describes a generated log folder.
type LogSpec struct {
	// Logs is the number of generations: edb00001.log up to the
	// generation below the last, and the current log edb.log holding
	// generation Logs.
	Logs int
	// FileSectors is the size of each log in 4 KiB sectors (header,
	// data sectors, the reserved last sector); 0 means 16 (64 KiB).
	FileSectors int
}

// LogFolder writes the logs of spec into dir, which must exist and must
// not hold files of the same names (they are created new). Every archived
// log is full: each data sector is a valid segment. The current log has
// one valid segment. Each header names the previous generation's creation
// time and the XOR of its segment checksums (update-minor 13), so the
// set's time chain and accumulated-checksum chain both hold.
func LogFolder(dir string, spec LogSpec) error {
	if spec.Logs <= 0 || spec.Logs > 0xFFFFF {
		return fmt.Errorf("scalegen: %d logs: %w", spec.Logs, ese.ErrInvalidParameter)
	}
	sectors := spec.FileSectors
	if sectors == 0 {
		sectors = 16
	}
	if sectors < 3 || sectors > 0xFFFF {
		return fmt.Errorf("scalegen: %d sectors a log: %w", sectors, ese.ErrInvalidParameter)
	}
	file := make([]byte, sectors*eselog.SegmentSize)
	var acc uint64
	for g := ese.Generation(1); g <= ese.Generation(spec.Logs); g++ {
		used := sectors - 2 // data sectors 1..sectors-2; the last is reserved
		name := ese.LogFileName("edb", g, ".log", 5)
		if g == ese.Generation(spec.Logs) {
			used, name = 1, "edb.log"
		}
		h := &eselog.FileHeader{Generation: g, SectorSize: eselog.SegmentSize, HeaderSectors: 1,
			FileSectors: uint16(sectors), DbPageSize: 8192, CreateTime: created(g),
			VersionMajor: eselog.VersionMajorSegment, VersionMinor: eselog.VersionMinorSegment,
			VersionUpdateMajor: 20, VersionUpdateMinor: 13, LogSignature: Signature,
			PrevLogAccumulatedChecksum: acc, FileType: ese.FileTypeLog}
		if g > 1 {
			h.PrevGenCreateTime = created(g - 1)
		}
		head, err := h.Encode()
		if err != nil {
			return err
		}
		clear(file)
		copy(file, head)
		acc = 0
		for i := 1; i <= used; i++ {
			seg := file[i*eselog.SegmentSize : (i+1)*eselog.SegmentSize]
			eselog.SegmentHeader{Pos: ese.LogPos{Generation: g, Sector: uint16(i)}, StartTime: created(g),
				Flags: eselog.SegmentFlagNewChecksum}.Put(seg)
			ese.SetPageChecksum(seg, uint32(i))
			acc ^= bin.U64(seg, 0)
		}
		if err := writeNew(filepath.Join(dir, name), file); err != nil {
			return err
		}
	}
	return nil
}

// created is the creation time of generation g: one minute per
// generation after the signature's time.
func created(g ese.Generation) ese.LogTime {
	return ese.LogTimeOf(Signature.Created.Time().Add(time.Duration(g) * time.Minute))
}

func writeNew(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	return errors.Join(err, f.Close())
}

// DBSpec describes a generated database.
type DBSpec struct {
	// PageSize is the page size in bytes; 0 means 8192.
	PageSize int
	// Pages is the number of pages after the two header pages.
	Pages int64
}

// Database writes a database of spec to path (created new): the header
// page and its shadow (clean shutdown, the generated log signature), then
// Pages pages, each filled with non-zero bytes and carrying a valid ECC
// checksum for its page number (large pages also carry the number in
// their header). A whole-file verify finds every page good.
func Database(path string, spec DBSpec) error {
	ps := spec.PageSize
	if ps == 0 {
		ps = 8192
	}
	if !ese.ValidPageSize(ps) || spec.Pages < 0 || spec.Pages >= 1<<32-1 {
		return fmt.Errorf("scalegen: page size %d, %d pages: %w", ps, spec.Pages, ese.ErrInvalidParameter)
	}
	h := &ese.DBHeader{Magic: ese.DBMagic, FormatVersion: ese.DBFormatVersion, FormatUpdateMajor: 20,
		PageSize: uint32(ps), State: ese.DBStateCleanShutdown, DBID: 1, FileType: ese.FileTypeDatabase,
		LogSignature: Signature}
	head := h.Encode(ps)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 4<<20)
	w.Write(head)
	w.Write(head)
	page := make([]byte, ps)
	for i := range page {
		page[i] = byte(i*7 + 1)
	}
	ph := ese.PageHeader{Flags: ese.PageNewChecksumFormat | ese.PageLeaf}
	for pgno := uint32(1); int64(pgno) <= spec.Pages; pgno++ {
		ph.Pgno = pgno
		ph.ObjidFDP = 2
		ph.Put(page)
		ese.SetPageChecksum(page, pgno)
		if _, err := w.Write(page); err != nil {
			break
		}
	}
	err = w.Flush()
	return errors.Join(err, f.Close())
}

// ReportMaxRSS adds the process's peak resident size (MaxRSSMiB) to a
// benchmark's results as maxRSS-MiB, where the platform reports it.
func ReportMaxRSS(b interface{ ReportMetric(float64, string) }) {
	if m, ok := MaxRSSMiB(); ok {
		b.ReportMetric(m, "maxRSS-MiB")
	}
}
