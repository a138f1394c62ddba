package esepatch

import (
	"fmt"
	"strings"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// HeaderSize is the number of bytes of PATCHHDR at the start of its page.
const HeaderSize = 148

// Offsets of the PATCHHDR fields (docs/patch.md#patch-header).
const (
	offBackup          = 40
	offDBSignature     = 64
	offLogSignature    = 92
	offGenMinRequired  = 120
	offGenMaxRequired  = 124
	offGenMaxCommitted = 128
	offGenMaxReqTime   = 132
	offGenMaxComTime   = 140
)

// Header is PATCHHDR, the patch header page: the first two pages of a .pat
// file and the trailer page a streaming backup appends to the database
// copy. It starts shaped like a database page header (PGHDR, 40 bytes) of
// which only the checksum is set, and the rest of the page after the 148
// bytes below is zero when the engine writes it. Offsets are from the start
// of the page.
type Header struct {
	// Checksum (+0, u32) is the header checksum (docs/pages.md#header-checksum, 0x89ABCDEF
	// XOR every other u32 of the page) over the whole page.
	Checksum uint32 `json:"checksum"`
	// PageHeaderRest (+4..+39) is the rest of the PGHDR-shaped start of the
	// page; the engine leaves it zero. Kept so encoding gives back the bytes.
	PageHeaderRest [36]byte `json:"-"`
	// Backup (+40, BKINFO) is the full backup this patch data belongs to,
	// what ESEUTIL /MH prints as "Current Full Backup": Mark and MarkTime
	// identify it, GenLow..GenHigh are the logs copied with it ("Log Gen:
	// 36-3f" in KB Q200941).
	Backup ese.BackupInfo `json:"backup"`
	// DBSignature (+64) is the signature of the database; it must equal the
	// database header's.
	DBSignature ese.Signature `json:"db_signature"`
	// LogSignature (+92) is the signature of the log stream; it must equal
	// the database header's and every log's.
	LogSignature ese.Signature `json:"log_signature"`
	// GenMinRequired (+120, u32) is the database header's GenMinRequired at
	// the end of the backup (0 when the engine did not record it).
	GenMinRequired ese.Generation `json:"gen_min_required"`
	// GenMaxRequired (+124, u32) is the database's GenMaxRequired then.
	GenMaxRequired ese.Generation `json:"gen_max_required"`
	// GenMaxCommitted (+128, u32) is the database's GenMaxCommitted then.
	GenMaxCommitted ese.Generation `json:"gen_max_committed"`
	// GenMaxRequiredTime (+132) is the creation time of log GenMaxRequired.
	GenMaxRequiredTime ese.LogTime `json:"gen_max_required_time"`
	// GenMaxCommittedTime (+140) is the creation time of log GenMaxCommitted.
	GenMaxCommittedTime ese.LogTime `json:"gen_max_committed_time"`
	// Tail is the page after byte 148 when it is not all zero (nil when it
	// is, as the engine writes it). Kept so encoding gives back the bytes.
	Tail []byte `json:"-"`
}

// DecodeHeader decodes a whole patch header page (len(page) is the page
// size) and verifies its checksum: a mismatch is a FormatError wrapping
// ese.ErrBadPatchPage (-535), as the engine raises for a bad trailer. The
// decoded header is returned with the error so callers can still look.
func DecodeHeader(page []byte) (*Header, error) {
	if !ese.ValidPageSize(len(page)) {
		return nil, ese.NewFormatError("patch header", -1, ese.ErrBadPatchPage,
			"page of %d bytes: a patch page is 2, 4, 8, 16 or 32 KiB", len(page))
	}
	h := decodeHeader(page)
	if sum := ese.HeaderChecksum(page); sum != h.Checksum {
		return h, ese.NewFormatError("patch header", 0, ese.ErrBadPatchPage,
			"checksum 0x%08X stored, 0x%08X computed", h.Checksum, sum)
	}
	return h, nil
}

func decodeHeader(page []byte) *Header {
	h := &Header{
		Checksum:            bin.U32(page, 0),
		Backup:              ese.DecodeBackupInfo(page[offBackup:]),
		DBSignature:         ese.DecodeSignature(page[offDBSignature:]),
		LogSignature:        ese.DecodeSignature(page[offLogSignature:]),
		GenMinRequired:      ese.Generation(bin.I32(page, offGenMinRequired)),
		GenMaxRequired:      ese.Generation(bin.I32(page, offGenMaxRequired)),
		GenMaxCommitted:     ese.Generation(bin.I32(page, offGenMaxCommitted)),
		GenMaxRequiredTime:  ese.DecodeLogTime(page[offGenMaxReqTime:]),
		GenMaxCommittedTime: ese.DecodeLogTime(page[offGenMaxComTime:]),
	}
	copy(h.PageHeaderRest[:], page[4:40])
	if !bin.IsZero(page[HeaderSize:]) {
		h.Tail = append([]byte{}, page[HeaderSize:]...)
	}
	return h
}

// Put stores h at the start of page, which must hold at least HeaderSize
// bytes: the fields as they are (Checksum included, not recomputed), then
// Tail (as much as fits) after them. Bytes of page past the header and
// Tail are left unchanged. This is ese.DBHeader.Put's contract; Encode
// gives a whole page with its checksum computed.
func (h *Header) Put(page []byte) {
	bin.PutU32(page, 0, h.Checksum)
	copy(page[4:40], h.PageHeaderRest[:])
	h.Backup.Put(page[offBackup:])
	h.DBSignature.Put(page[offDBSignature:])
	h.LogSignature.Put(page[offLogSignature:])
	bin.PutI32(page, offGenMinRequired, int32(h.GenMinRequired))
	bin.PutI32(page, offGenMaxRequired, int32(h.GenMaxRequired))
	bin.PutI32(page, offGenMaxCommitted, int32(h.GenMaxCommitted))
	h.GenMaxRequiredTime.Put(page[offGenMaxReqTime:])
	h.GenMaxCommittedTime.Put(page[offGenMaxComTime:])
	copy(page[HeaderSize:], h.Tail)
}

// Encode returns the header as a page of pageSize bytes (0: 4096) with its
// checksum computed (h.Checksum is not used or changed). For a header
// decoded from a good page it gives back that page. Like
// ese.DBHeader.Encode it never fails: the size is kept between 152 bytes
// and ese.MaxPageSize and rounded down to a multiple of 8.
func (h *Header) Encode(pageSize int) []byte {
	if pageSize <= 0 {
		pageSize = ese.DefaultPageSize
	}
	pageSize = min(max(pageSize, HeaderSize+7), ese.MaxPageSize) &^ 7 // HeaderChecksum needs a multiple of 8
	page := make([]byte, pageSize)
	h.Put(page)
	bin.PutU32(page, 0, ese.HeaderChecksum(page))
	return page
}

// LogGen returns the backup's log range the way KB Q200941's ESEUTIL /MH
// prints it: low and high generation in lowercase hexadecimal, "36-3f".
func (h *Header) LogGen() string {
	return fmt.Sprintf("%x-%x", h.Backup.GenLow, h.Backup.GenHigh)
}

// CurrentFullBackup returns the "Current Full Backup" block of ESEUTIL /MH
// on a patch file, in the form KB Q200941 shows:
//
//	Current Full Backup:
//	        Log Gen: - 36-3f
//	           Mark: (58,1409,199)
//	           Mark: 8/19/1999 19:47:2
//
// The Log Gen range is hexadecimal (the log file names: Edb00036.log to
// Edb0003f.log); the Mark position is decimal.
func (h *Header) CurrentFullBackup() string {
	var b strings.Builder
	b.WriteString("Current Full Backup:\n")
	fmt.Fprintf(&b, "        Log Gen: - %s\n", h.LogGen())
	fmt.Fprintf(&b, "           Mark: %s\n", h.Backup.Mark.Decimal())
	fmt.Fprintf(&b, "           Mark: %s\n", h.Backup.MarkTime)
	return b.String()
}

// Covers reports whether log generation gen is one of the logs copied with
// the full backup (GenLow <= gen <= GenHigh).
func (h *Header) Covers(gen ese.Generation) bool {
	return h.Backup.GenLow != 0 && gen >= h.Backup.GenLow && gen <= h.Backup.GenHigh
}
