package esepatch

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/patchsize"
)

// File is a patch (.pat) file: two copies of the patch header page, then
// page images, each one whole database page of the same page size. Modern
// engines (log format 7.3704.5 and later) write only the two header pages
// (an "empty" patch file); the engines of KB Q200941's era appended the
// "snapshots" of database pages that changed in the already-copied part of
// the database while the backup ran.
//
// Page image layout. The ESE source no longer describes the old page
// images, so this package defines them as KB Q200941 does: image i is one
// whole database page at file offset (2+i)*PageSize, exactly as it sits in
// a database file, and it names itself: its page number is read from the
// page, in the page's own checksum format —
//
//   - large pages (16, 32 KiB): the Pgno field of PGHDR2 at offset 64;
//   - small pages in the legacy checksum format (flag 0x2000 clear): bytes
//     4..7, where that format keeps the page number;
//   - small pages in the XOR+ECC format: the page number is XORed into the
//     low half of the stored checksum, so it is the stored low half XOR
//     the checksum computed for page 0, valid when the ECC half matches.
//
// An image whose checksum does not verify has ChecksumOK false and Pgno is
// the best guess from the same fields.
type File struct {
	// PageSize is the size of the header pages and of every image.
	PageSize int `json:"page_size"`
	// Header is the first header copy (offset 0) when it verifies, else
	// the second.
	Header *Header `json:"header"`
	// PrimaryOK says the copy at offset 0 verifies; ShadowOK says the copy
	// at offset PageSize verifies and equals it.
	PrimaryOK bool `json:"primary_ok"`
	ShadowOK  bool `json:"shadow_ok"`
	// Images index the page images in file order.
	Images []Image `json:"images"`
	// Primary and Shadow are the raw header pages as read.
	Primary []byte `json:"-"`
	Shadow  []byte `json:"-"`

	r     io.ReaderAt
	index map[uint32]int // pgno -> the image Page returns (buildIndex)
}

// Image is one page image of a patch file.
type Image struct {
	// Offset is the image's byte offset in the file.
	Offset int64 `json:"offset"`
	// Pgno is the database page number the image replaces.
	Pgno uint32 `json:"pgno"`
	// ChecksumOK says the page's checksum verifies for Pgno.
	ChecksumOK bool `json:"checksum_ok"`
}

// MaxImages bounds the number of page images Open indexes (a patch file
// of 32 KiB pages this long would be 32 GiB).
const MaxImages = 1 << 20

// headerCopyOK reports whether b is a patch header page that verifies.
func headerCopyOK(b []byte) bool {
	return len(b) >= 8 && bin.U32(b, 0) == ese.HeaderChecksum(b)
}

// DetectPageSize finds the page size of a patch file from its first bytes
// (at least two pages) and the file size: the smallest size at which both
// header copies verify and are identical; failing that (a damaged copy),
// the largest size at which one copy verifies, the second page is not all
// zero, and the file is a whole number of at least two pages. Because the
// header page is mostly zero, a first copy can verify at several sizes; the
// second copy decides. ese.Identify applies the same rule.
func DetectPageSize(head []byte, size int64) (int, bool) {
	return patchsize.Detect(head, size, headerCopyOK)
}

// Decode reads a patch file held in memory.
func Decode(b []byte) (*File, error) { return Open(bytes.NewReader(b)) }

// Open reads the header pages of a patch file and indexes its page images
// (reading each once to learn its page number); image data is read on
// demand with ReadImage and Page, so r must stay open. The page size is
// detected (DetectPageSize); OpenPageSize takes it from the caller.
//
// Errors (FormatError): no header copy verifies → ese.ErrBadPatchPage
// (-535); the file is shorter than two pages or not a whole number of
// pages, or ends while it is read → ese.ErrBadPatchPage; too many images →
// ese.ErrBadPatchPage. Other read errors are returned wrapped.
func Open(r io.ReaderAt) (*File, error) {
	size, err := bin.Size(r)
	if err != nil {
		return nil, fmt.Errorf("esepatch: size of patch file: %w", err)
	}
	head, err := bin.ReadAt(r, 0, int(min(size, 2*ese.MaxPageSize)))
	if err != nil {
		return nil, readError("patch header", 0, err)
	}
	ps, ok := DetectPageSize(head, size)
	if !ok {
		return nil, ese.NewFormatError("patch file", 0, ese.ErrBadPatchPage,
			"no header page verifies at any page size (file of %d bytes)", size)
	}
	return open(r, size, ps, head)
}

// OpenPageSize is Open with a known page size (for example the database
// header's). A page size other than 2, 4, 8, 16 or 32 KiB is an error
// wrapping ese.ErrInvalidParameter.
func OpenPageSize(r io.ReaderAt, pageSize int) (*File, error) {
	if !ese.ValidPageSize(pageSize) {
		return nil, badPageSize(pageSize)
	}
	size, err := bin.Size(r)
	if err != nil {
		return nil, fmt.Errorf("esepatch: size of patch file: %w", err)
	}
	head, err := bin.ReadAt(r, 0, int(min(size, int64(2*pageSize))))
	if err != nil && !errors.Is(err, bin.ErrShort) {
		return nil, readError("patch header", 0, err)
	}
	return open(r, size, pageSize, head)
}

func open(r io.ReaderAt, size int64, ps int, head []byte) (*File, error) {
	if size < int64(2*ps) || len(head) < 2*ps {
		return nil, ese.NewFormatError("patch file", size, ese.ErrBadPatchPage,
			"file of %d bytes is shorter than two %d-byte header pages", size, ps)
	}
	if size%int64(ps) != 0 {
		return nil, ese.NewFormatError("patch file", size-size%int64(ps), ese.ErrBadPatchPage,
			"file of %d bytes is not a whole number of %d-byte pages (a truncated page image)", size, ps)
	}
	f := &File{PageSize: ps, r: r,
		Primary: append([]byte{}, head[:ps]...),
		Shadow:  append([]byte{}, head[ps:2*ps]...)}
	a, errA := DecodeHeader(f.Primary)
	b, errB := DecodeHeader(f.Shadow)
	f.PrimaryOK = errA == nil
	f.ShadowOK = errB == nil && bytes.Equal(f.Primary, f.Shadow)
	switch {
	case errA == nil:
		f.Header = a
	case errB == nil:
		f.Header = b
	default:
		return nil, ese.NewFormatError("patch file", 0, ese.ErrBadPatchPage,
			"neither header copy verifies at page size %d", ps)
	}
	n := size/int64(ps) - 2
	if n > MaxImages {
		return nil, ese.NewFormatError("patch file", size, ese.ErrBadPatchPage,
			"%d page images exceed the limit of %d", n, MaxImages)
	}
	page := make([]byte, ps)
	for i := int64(0); i < n; i++ {
		off := (2 + i) * int64(ps)
		got, err := r.ReadAt(page, off)
		if got != ps {
			if err == nil || err == io.EOF || err == io.ErrUnexpectedEOF {
				err = bin.ErrShort
			}
			return nil, readError(fmt.Sprintf("page image %d", i), off+int64(got), err)
		}
		pgno, ok := ImagePgno(page)
		f.Images = append(f.Images, Image{Offset: off, Pgno: pgno, ChecksumOK: ok})
	}
	f.buildIndex()
	return f, nil
}

// ImagePgno reads the page number a database page names for itself (see
// File) and whether its checksum verifies for that number. An all-zero
// page names nothing: 0, false.
func ImagePgno(page []byte) (uint32, bool) {
	if len(page) < ese.SmallPageHeaderSize || bin.IsZero(page) {
		return 0, false
	}
	var pgno uint32
	switch {
	case ese.IsLargePage(len(page)):
		if len(page) < ese.LargePageHeaderSize {
			return 0, false
		}
		pgno = bin.U32(page, 64)
	case bin.U32(page, 36)&uint32(ese.PageNewChecksumFormat) == 0:
		pgno = bin.U32(page, 4)
	default:
		c := ese.XEChecksum(page, 0, true)
		stored := bin.U64(page, 0)
		pgno = uint32(stored) ^ uint32(c)
		if uint32(stored>>32) != uint32(c>>32) {
			return pgno, false
		}
	}
	return pgno, ese.ComputePageChecksums(page, pgno).OK()
}

// SealImage prepares a database page to be stored as page pgno: it sets
// the page number field of a large page (offset 64) and computes the
// checksum(s) in the format the page's flags select (ese.SetPageChecksum).
func SealImage(page []byte, pgno uint32) {
	if ese.IsLargePage(len(page)) {
		bin.PutU32(page, 64, pgno)
	}
	ese.SetPageChecksum(page, pgno)
}

// Empty reports whether the file holds no page images: exactly two header
// pages, what KB Q200941 calls an "empty" patch file (8 KB with 4 KB pages).
func (f *File) Empty() bool { return len(f.Images) == 0 }

// CorruptPagesIfSkipped is the number of database pages that would be
// corrupt if the patch file were not applied: KB Q200941, "for every extra
// 4 KB in the patch file, there is one corrupted page in your database"
// (one per page image, at this file's page size).
func (f *File) CorruptPagesIfSkipped() int { return len(f.Images) }

// ReadImage reads image i. An index out of range wraps
// ese.ErrInvalidParameter; a file that no longer holds the image (it
// shrank since Open) is a FormatError wrapping ese.ErrBadPatchPage.
func (f *File) ReadImage(i int) ([]byte, error) {
	if i < 0 || i >= len(f.Images) {
		return nil, fmt.Errorf("esepatch: image %d out of range (%d images): %w", i, len(f.Images), ese.ErrInvalidParameter)
	}
	if f.r == nil {
		return nil, fmt.Errorf("esepatch: file has no reader: %w", ese.ErrInvalidParameter)
	}
	b, err := bin.ReadAt(f.r, f.Images[i].Offset, f.PageSize)
	if err != nil {
		return nil, readError(fmt.Sprintf("page image %d", i), f.Images[i].Offset, err)
	}
	return b, nil
}

// Page returns the image of database page pgno. When a page was captured
// more than once the last image whose checksum verifies is returned (the
// latest good snapshot): a damaged image, whose page number is only a
// guess, never hides a verified one. No image → ese.ErrMissingPatchPage
// (-534); only images that do not verify → a FormatError wrapping
// ese.ErrBadPatchPage (-535), with the bytes of the last of them.
func (f *File) Page(pgno uint32) ([]byte, error) {
	i, ok := f.lookup(pgno)
	if !ok {
		return nil, fmt.Errorf("esepatch: no image of page %d in the patch file: %w", pgno, ese.ErrMissingPatchPage)
	}
	im := f.Images[i]
	b, err := f.ReadImage(i)
	if err != nil {
		return nil, err
	}
	if !im.ChecksumOK {
		return b, ese.NewFormatError("patch page image", im.Offset, ese.ErrBadPatchPage,
			"image of page %d does not verify", pgno)
	}
	return b, nil
}

// buildIndex maps each page number to its last verified image, or to its
// last image when none verifies.
func (f *File) buildIndex() {
	f.index = make(map[uint32]int, len(f.Images))
	for i, im := range f.Images {
		if j, ok := f.index[im.Pgno]; ok && f.Images[j].ChecksumOK && !im.ChecksumOK {
			continue
		}
		f.index[im.Pgno] = i
	}
}

// Reindex rebuilds the page-number index after a caller changed Images.
// Open builds it; Page and Has only read it, so a File may be shared by
// goroutines as long as nobody changes Images.
func (f *File) Reindex() { f.buildIndex() }

// lookup finds the image of pgno that Page returns.
func (f *File) lookup(pgno uint32) (int, bool) {
	if f.index == nil {
		f.buildIndex()
	}
	i, ok := f.index[pgno]
	if !ok || i >= len(f.Images) || f.Images[i].Pgno != pgno {
		return 0, false
	}
	return i, true
}

// Has reports whether the file holds an image of page pgno.
func (f *File) Has(pgno uint32) bool {
	_, ok := f.lookup(pgno)
	return ok
}

// Pgnos returns the distinct page numbers with images, in file order.
func (f *File) Pgnos() []uint32 {
	seen := map[uint32]bool{}
	var out []uint32
	for _, im := range f.Images {
		if !seen[im.Pgno] {
			seen[im.Pgno] = true
			out = append(out, im.Pgno)
		}
	}
	return out
}

// Encode builds a patch file: two copies of h's header page, then the
// images as given (each must be pageSize bytes, already sealed with
// SealImage). Decoding the result gives the same header and images.
func Encode(h *Header, pageSize int, images [][]byte) ([]byte, error) {
	var buf bytes.Buffer
	if err := Write(&buf, h, pageSize, images); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Write writes a patch file to w (see Encode). An invalid page size or an
// image of another size is an error wrapping ese.ErrInvalidParameter.
func Write(w io.Writer, h *Header, pageSize int, images [][]byte) error {
	if !ese.ValidPageSize(pageSize) {
		return badPageSize(pageSize)
	}
	for i, im := range images {
		if len(im) != pageSize {
			return fmt.Errorf("esepatch: image %d is %d bytes, want %d: %w", i, len(im), pageSize, ese.ErrInvalidParameter)
		}
	}
	hp := h.Encode(pageSize)
	if _, err := w.Write(hp); err != nil {
		return err
	}
	if _, err := w.Write(hp); err != nil {
		return err
	}
	for _, im := range images {
		if _, err := w.Write(im); err != nil {
			return err
		}
	}
	return nil
}

// Summary is a JSON-friendly digest of a patch file, in the terms of
// ESEUTIL /MH and KB Q200941.
type Summary struct {
	// PageSize is the page size in bytes.
	PageSize int `json:"page_size"`
	// Backup is the "Current Full Backup" of the header.
	Backup BackupSummary `json:"backup"`
	// DBSignature and LogSignature in the engine's print form.
	DBSignature  string `json:"db_signature"`
	LogSignature string `json:"log_signature"`
	// PatchPages is the number of page images.
	PatchPages int `json:"patch_pages"`
	// Empty says the file is just its two header pages.
	Empty bool `json:"empty"`
	// ShadowOK says the second header copy verifies and equals the first.
	ShadowOK bool `json:"shadow_ok"`
}

// BackupSummary is a BKINFO in printable form.
type BackupSummary struct {
	// GenLow and GenHigh are the lowest and highest log generations of
	// the backup set (BKINFO +16 and +20).
	GenLow  ese.Generation `json:"gen_low"`
	GenHigh ese.Generation `json:"gen_high"`
	// LogGen is "36-3f": the range in hexadecimal, as log names are.
	LogGen string `json:"log_gen"`
	// Mark is the decimal log position, "(58,1409,199)".
	Mark string `json:"mark"`
	// MarkTime is the engine's print form, "8/19/1999 19:47:2", and
	// MarkTimeRFC3339 the same as an RFC 3339 time (empty when unset).
	MarkTime        string `json:"mark_time"`
	MarkTimeRFC3339 string `json:"mark_time_rfc3339,omitempty"`
}

// SummarizeBackup makes a BackupSummary of bk.
func SummarizeBackup(bk ese.BackupInfo) BackupSummary {
	s := BackupSummary{
		GenLow: bk.GenLow, GenHigh: bk.GenHigh,
		LogGen:   fmt.Sprintf("%x-%x", bk.GenLow, bk.GenHigh),
		Mark:     bk.Mark.Decimal(),
		MarkTime: bk.MarkTime.String(),
	}
	if !bk.MarkTime.IsZero() {
		s.MarkTimeRFC3339 = bk.MarkTime.Time().Format("2006-01-02T15:04:05.000Z07:00")
	}
	return s
}

// Summary digests the file.
func (f *File) Summary() Summary {
	return Summary{
		PageSize:     f.PageSize,
		Backup:       SummarizeBackup(f.Header.Backup),
		DBSignature:  f.Header.DBSignature.String(),
		LogSignature: f.Header.LogSignature.String(),
		PatchPages:   len(f.Images),
		Empty:        f.Empty(),
		ShadowOK:     f.ShadowOK,
	}
}

// badPageSize is the error for a caller's page size that is not 2, 4, 8,
// 16 or 32 KiB: it wraps ese.ErrInvalidParameter.
func badPageSize(n int) error {
	return fmt.Errorf("esepatch: invalid page size %d: %w", n, ese.ErrInvalidParameter)
}

// readError wraps a failed read of what at file offset off: a file that
// ends early (bin.ErrShort) is a FormatError wrapping ese.ErrBadPatchPage;
// other read errors are returned wrapped as they are.
func readError(what string, off int64, err error) error {
	if errors.Is(err, bin.ErrShort) {
		return ese.NewFormatError("patch file", off, ese.ErrBadPatchPage, "file ends inside the %s", what)
	}
	return fmt.Errorf("esepatch: reading %s at offset %d: %w", what, off, err)
}
