package main

import (
	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esechk"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/bin"
)

// identity is what identification found about one file, by its bytes.
type identity struct {
	File string `json:"file"`
	Type string `json:"type"`
	// Size is the file size in bytes.
	Size int64 `json:"size"`
	// PageSize is the database page size (databases, patch files, and the
	// page size a log was written for); 0 when not applicable.
	PageSize int `json:"page_size"`
	// SectorSize is the log sector size; 0 when not applicable.
	SectorSize int `json:"sector_size"`
	// Format is the format version: "0x620,20" for databases,
	// "8.4000.60.140" for logs; "" when not applicable.
	Format string `json:"format"`
	// Detail says more in words (why a file is unknown, a generation...).
	Detail string `json:"detail,omitempty"`
}

// headProbe is how many leading bytes identification looks at.
const headProbe = 2 * 32768

// identifyInput classifies in by its bytes, never by its name.
func identifyInput(in input) identity {
	id := identity{File: in.name, Type: typeUnknown, Size: in.size}
	if in.size == 0 {
		id.Detail = "empty file"
		return id
	}
	if c, err := ese.ReadDBHeader(in.r); err == nil {
		h := c.Header
		id.Type = typeDatabase
		if h.IsTemp() {
			id.Type = typeTempDatabase
		}
		id.PageSize = c.PageSize
		id.Format = h.Format()
		id.Detail = h.State.String()
		return id
	}
	head := in.readHead(headProbe)
	if ps, ok := patchPageSize(head); ok {
		id.Type = typePatch
		id.PageSize = ps
		return id
	}
	if _, err := esechk.Read(in.r); err == nil {
		id.Type = typeCheckpoint
		return id
	}
	if h, err := eselog.ReadFileHeader(in.r); err == nil {
		id.Type = typeLog
		id.PageSize = h.PageSize()
		id.SectorSize = int(h.SectorSize)
		id.Format = h.Version()
		return id
	}
	if len(head) >= 8192 && ese.FileType(bin.U32(head, 667)) == ese.FileTypeFlushMap &&
		ese.HeaderChecksum(head[:8192]) == bin.U32(head, 0) {
		id.Type = typeFlushMap
		return id
	}
	if fill, ok := uniformFill(in); ok {
		id.Type = typeReserveLog
		if fill == 0 {
			id.Detail = "zero-filled, never used"
		} else {
			id.Detail = "filled with the legacy log-extend pattern, never used"
		}
		return id
	}
	id.Detail = "not an ESE file this tool recognises"
	return id
}

// patchPageSize recognises a PATCHHDR page: page-header bytes 4..39 zero,
// a header checksum over a whole page of one of the page sizes, and a log
// signature.
func patchPageSize(b []byte) (int, bool) {
	if len(b) < 4096 || !bin.IsZero(b[4:40]) || bin.IsZero(b[92:120]) {
		return 0, false
	}
	for ps := 4096; ps <= 32768 && ps <= len(b); ps *= 2 {
		if ese.HeaderChecksum(b[:ps]) == bin.U32(b, 0) && bin.IsZero(b[148:ps]) {
			return ps, true
		}
	}
	return 0, false
}

// uniformFill reports whether the whole file is one repeated byte: 0 for a
// never-used reserve or temp log, 0xDA for the legacy log-extend pattern.
// It reads the file in bounded chunks.
func uniformFill(in input) (byte, bool) {
	if in.size < 4096 {
		return 0, false
	}
	first := in.readHead(1)
	if len(first) != 1 || (first[0] != 0 && first[0] != 0xDA) {
		return 0, false
	}
	fill := first[0]
	const chunk = 1 << 20
	for off := int64(0); off < in.size; off += chunk {
		n := int(min(chunk, in.size-off))
		b, err := bin.ReadAt(in.r, off, n)
		if err != nil {
			return 0, false
		}
		for i, c := range b {
			if c != fillByte(fill, off+int64(i)) {
				return 0, false
			}
		}
	}
	return fill, true
}

// fillByte is byte i of a fill: all zero, or the legacy log-extend
// pattern, 0xDA except every 16th byte of each 512-byte block, which is
// 0xDA plus its offset in the block (LOGSTREAM.md §1.4.3).
func fillByte(fill byte, i int64) byte {
	if fill == 0 {
		return 0
	}
	if i%16 == 0 {
		return byte(0xDA + i%512)
	}
	return 0xDA
}
