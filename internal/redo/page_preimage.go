package redo

import (
	"fmt"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/xpress"
)

// RehydratePreImage returns the whole page of pageSize bytes that a page
// pre-image logged in a Split2 or Merge2 record stands for
// (ErrLGIDecompressPreimage). An image of the full page size is returned as
// a copy. A dehydrated image (flags has eselog.PreimageDehydrated, shorter than a
// page) keeps its header and data at the start; its last 4×(tag count)
// bytes are the tag array, which moves to the end of the page, and the
// header's free-byte count grows by the bytes added (CPAGE::RehydratePage;
// the gap is zero). A compressed image (eselog.PreimageXpress: compressed
// by ErrPKCompressData, whichever scheme it chose) is decompressed first:
// the Xpress scheme (first byte 0x18), Xpress9 (first byte 0x28, the
// CRC-32C of the page, one Xpress9 block) and LZ4 (first byte 0x38, a u16
// size, one LZ4 block) are decoded; Xpress10 (0x30, whose decoder is not
// part of the engine's public source) gives an error wrapping
// ErrRedoNotImplemented. An image that cannot be a page of this size is
// ese.ErrLogCorrupted.
func RehydratePreImage(img []byte, flags uint32, pageSize int) ([]byte, error) {
	if flags&eselog.PreimageXpress != 0 {
		// Decompression first, then rehydration (ErrLGIDecompressPreimage).
		var d []byte
		var err error
		switch {
		case len(img) > 0 && img[0]>>3 == xpress.SchemeLZ4:
			d, err = xpress.DecodeLZ4(img, pageSize)
		case len(img) > 0 && img[0]>>3 == xpress.SchemeXpress9:
			d, err = xpress.DecodeXpress9(img, pageSize)
		case len(img) >= 3 && img[0]>>3 != xpress.SchemeXpress:
			err = fmt.Errorf("%w: compression scheme %d", ErrRedoNotImplemented, img[0]>>3)
		default:
			d, err = xpress.DecodeXpress(img, pageSize)
		}
		if err != nil {
			return nil, fmt.Errorf("recovery: page pre-image: %w", err)
		}
		img = d
	}
	bad := func(format string, args ...any) error {
		return ese.NewFormatError("page pre-image", -1, ese.ErrLogCorrupted, format, args...)
	}
	hdr := smallHeader
	if pageSize > smallPageLimit {
		hdr = largeHeader
	}
	switch {
	case len(img) == pageSize:
		return append([]byte{}, img...), nil
	case len(img) > pageSize:
		return nil, bad("%d bytes for a %d-byte page", len(img), pageSize)
	case flags&eselog.PreimageDehydrated == 0:
		return nil, bad("%d bytes for a %d-byte page and not dehydrated", len(img), pageSize)
	case len(img) < hdr:
		return nil, bad("%d bytes, shorter than a page header", len(img))
	}
	cbTags := tagBytes * int(bin.U16(img, pgTagState)&tagCountMask)
	if hdr+cbTags > len(img) {
		return nil, bad("%d tags do not fit a %d-byte image", cbTags/tagBytes, len(img))
	}
	grow := pageSize - len(img)
	free := int(bin.U16(img, pgFree)) + grow
	if free > pageSize-hdr {
		return nil, bad("free bytes %d after rehydration exceed the data area", free)
	}
	b := make([]byte, pageSize)
	copy(b, img[:len(img)-cbTags])
	copy(b[pageSize-cbTags:], img[len(img)-cbTags:])
	bin.PutU16(b, pgFree, uint16(free))
	return b, nil
}

// preImagePage loads a Split2/Merge2 pre-image as the page it replaces in
// a redo (ErrReplacePageImage): the rehydrated image, its dbtime reset to
// the record's dbtimeBefore and its FDP-delete flag taken from the page on
// disk. The returned page is a scratch copy: redo changes it in memory to
// rebuild the pages that depend on it, and it is never written (the page on
// disk is already newer).
func preImagePage(cur *Page, img []byte, flags uint32, before uint64) (*Page, error) {
	b, err := RehydratePreImage(img, flags, len(cur.Bytes()))
	if err != nil {
		return nil, err
	}
	p, err := NewPage(b)
	if err != nil {
		return nil, err
	}
	p.ReservedTagFormat = cur.ReservedTagFormat
	p.SetDBTime(before)
	p.SetFlags(p.Flags()&^ese.PageFDPDelete | cur.Flags()&ese.PageFDPDelete)
	if err := p.Check(); err != nil {
		return nil, fmt.Errorf("recovery: page pre-image: %w", err)
	}
	return p, nil
}
