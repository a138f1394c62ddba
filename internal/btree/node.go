package btree

import (
	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// Node flags: the three bits kept with each tag (ese.NodeVersioned,
// ese.NodeDeleted, ese.NodeCompressed).
const (
	NodeVersioned  = ese.NodeVersioned
	NodeDeleted    = ese.NodeDeleted
	NodeCompressed = ese.NodeCompressed
)

// KeyLenMask masks the key-length words of a node (usNDCbKeyMask); on
// large pages the top 3 bits of the node's first word are the flags.
const KeyLenMask = 0x1FFF

// Node is one decoded line of a page (a B-tree node).
type Node struct {
	// Flags are NodeVersioned, NodeDeleted and NodeCompressed.
	Flags uint8
	// PrefixLen is the number of leading key bytes taken from the page's
	// key prefix; it is stored (as a u16) only when NodeCompressed is set.
	PrefixLen int
	// Suffix is the rest of the key, stored in the node.
	Suffix []byte
	// Data is the node's data.
	Data []byte
}

// DecodeNode splits node bytes (flag bits included) into a Node. The
// slices alias b.
func DecodeNode(b []byte, flags uint8) (Node, error) {
	var n Node
	if err := n.Decode(b, flags); err != nil {
		return Node{}, err
	}
	return n, nil
}

// Decode is DecodeNode filling n in place (for hot paths, where a Node
// returned by value is copied through memory).
func (n *Node) Decode(b []byte, flags uint8) error {
	n.Flags, n.PrefixLen = flags, 0
	off := 0
	if flags&NodeCompressed != 0 {
		if len(b) < 2 {
			return ese.NewFormatError("database node", -1, ese.ErrDatabaseCorrupted, "compressed node of %d bytes has no prefix count", len(b))
		}
		n.PrefixLen = int(bin.U16(b, 0) & KeyLenMask)
		off = 2
	}
	if len(b) < off+2 {
		return ese.NewFormatError("database node", -1, ese.ErrDatabaseCorrupted, "node of %d bytes has no key length", len(b))
	}
	cbSuffix := int(bin.U16(b, off) & KeyLenMask)
	off += 2
	if off+cbSuffix > len(b) {
		return ese.NewFormatError("database node", -1, ese.ErrDatabaseCorrupted, "key suffix of %d bytes runs past the %d-byte node", cbSuffix, len(b))
	}
	n.Suffix = b[off : off+cbSuffix : off+cbSuffix]
	n.Data = b[off+cbSuffix : len(b) : len(b)]
	return nil
}

// Key returns the node's full key: the first PrefixLen bytes of prefix
// (the page's key prefix) followed by the suffix, in a new slice. A prefix
// count longer than prefix is ese.ErrDatabaseCorrupted.
func (n Node) Key(prefix []byte) ([]byte, error) {
	if n.PrefixLen > len(prefix) {
		return nil, ese.NewFormatError("database node", -1, ese.ErrDatabaseCorrupted, "node uses %d prefix bytes, the page prefix has %d", n.PrefixLen, len(prefix))
	}
	key := make([]byte, 0, n.PrefixLen+len(n.Suffix))
	return append(append(key, prefix[:n.PrefixLen]...), n.Suffix...), nil
}

// KeyPrefix returns the key bytes that the compressed nodes of a page
// share, given the page's external header (tag 0) and flags: the whole
// external header on non-root pages, the external header after its
// 16-byte split buffer on space-tree roots, and nothing on other root
// pages (NDIGetKeydataflags). The result aliases extHdr.
func KeyPrefix(extHdr []byte, flags ese.PageFlags) []byte {
	if flags&ese.PageRoot == 0 {
		return extHdr
	}
	if flags&ese.PageSpaceTree != 0 && len(extHdr) >= 16 {
		return extHdr[16:]
	}
	return nil
}
