package btree

import (
	"encoding/binary"

	"github.com/esekit/esekit/ese"
)

// EncodeNode returns the stored bytes of n (flag bits not included): the
// prefix count when n.PrefixLen > 0, the suffix length, the suffix, the
// data (CdataNDIKeydataflagsToDataflags). The flags to store with the tag
// are n.Flags with NodeCompressed set exactly when PrefixLen > 0.
func EncodeNode(n Node) ([]byte, uint8) {
	out, f := NodeHeader(n.PrefixLen, len(n.Suffix), n.Flags)
	out = append(append(out, n.Suffix...), n.Data...)
	return out, f
}

// NodeHeader returns the bytes a node stores before its key suffix: the
// prefix count when prefixLen > 0, then the suffix length. The flags
// returned are flags with NodeCompressed set exactly when prefixLen > 0.
func NodeHeader(prefixLen, suffixLen int, flags uint8) ([]byte, uint8) {
	var out []byte
	flags &^= NodeCompressed
	if prefixLen > 0 {
		out = binary.LittleEndian.AppendUint16(out, uint16(prefixLen))
		flags |= NodeCompressed
	}
	return binary.LittleEndian.AppendUint16(out, uint16(suffixLen)), flags
}

// EncodePage builds a page of pageSize bytes from h (its tag state, free
// counts and checksum are computed here), the external header ext (tag 0)
// and the nodes, in line order. It is the inverse of NewPage for pages the
// engine keeps compact (no free gaps), and fails with a FormatError
// wrapping ese.ErrDatabaseCorrupted when the lines do not fit.
func EncodePage(pageSize int, pgno uint32, h ese.PageHeader, ext []byte, nodes []Node) ([]byte, error) {
	if !ese.ValidPageSize(pageSize) {
		return nil, ese.NewFormatError("database page", -1, ese.ErrInvalidParameter, "page size %d", pageSize)
	}
	b := make([]byte, pageSize)
	hs := ese.HeaderSize(pageSize)
	ntags := 1 + len(nodes)
	h.SetTagState(ntags, 1)
	h.Pgno = pgno
	type line struct {
		data  []byte
		flags uint8
	}
	lines := []line{{data: ext}}
	for _, n := range nodes {
		d, f := EncodeNode(n)
		lines = append(lines, line{d, f})
	}
	off := 0
	for i, l := range lines {
		if hs+off+len(l.data) > pageSize-ese.TagSize*ntags {
			return nil, ese.NewFormatError("database page", -1, ese.ErrDatabaseCorrupted, "%d lines do not fit a %d-byte page", len(lines), pageSize)
		}
		copy(b[hs+off:], l.data)
		if err := ese.PutTag(b, i, ese.Tag{Size: uint16(len(l.data)), Offset: uint16(off), Flags: l.flags}); err != nil {
			return nil, err
		}
		off += len(l.data)
	}
	h.FirstFreeByte = uint16(off)
	h.FreeBytes = uint16(pageSize - hs - off - ese.TagSize*ntags)
	h.Flags |= ese.PageNewChecksumFormat
	// Put keeps the tag flags PutTag stored in the nodes of large pages:
	// it writes only the header.
	h.Put(b)
	ese.SetPageChecksum(b, pgno)
	return b, nil
}
