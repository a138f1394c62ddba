package redo

import (
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/btree"
)

// Node flags (src/inc/node.hxx), kept with each tag: those of
// internal/btree, where the node layout lives.
const (
	// NodeVersioned marks a node with a version-store entry.
	NodeVersioned = btree.NodeVersioned
	// NodeDeleted marks a node flagged for deletion.
	NodeDeleted = btree.NodeDeleted
	// NodeCompressed marks a node whose key starts with a count of bytes
	// shared with the page's key prefix (the external header).
	NodeCompressed = btree.NodeCompressed
)

// nodeKeyLenMask masks the key-length words of a node (usNDCbKeyMask).
const nodeKeyLenMask = btree.KeyLenMask

// Node is one decoded line of a page (a B-tree node); the node layout
// lives in internal/btree.
type Node = btree.Node

// decodeNode splits node bytes (flag bits included) into a Node. The
// slices alias b.
func decodeNode(b []byte, flags uint8) (Node, error) { return btree.DecodeNode(b, flags) }

// nodeParts builds the stored form of a node in parts, to be copied into
// the page without joining them first: btree.NodeHeader, the suffix, the
// data (CdataNDIKeydataflagsToDataflags; the joined form is
// btree.EncodeNode). The compressed flag is set exactly when
// prefixLen > 0.
func nodeParts(prefixLen int, suffix, data []byte, flags uint8) ([][]byte, uint8) {
	lens, flags := btree.NodeHeader(prefixLen, len(suffix), flags)
	return [][]byte{lens, suffix, data}, flags
}

// Node decodes line iline. The returned slices alias the page.
func (p *Page) Node(iline int) (Node, error) {
	it, err := p.lineTag(iline)
	if err != nil {
		return Node{}, err
	}
	b, err := p.TagBytes(it)
	if err != nil {
		return Node{}, err
	}
	return decodeNode(b, p.tagFlags(it))
}

// KeyPrefix returns the key bytes that the compressed nodes of this page
// share: the external header on non-root pages, the external header after
// its 16-byte split buffer on space-tree roots, and nothing on other root
// pages (NDIGetKeydataflags).
func (p *Page) KeyPrefix() ([]byte, error) {
	b, err := p.KeyPrefixView()
	if b == nil || err != nil {
		return nil, err
	}
	return append([]byte{}, b...), nil
}

// KeyPrefixView is KeyPrefix without the copy: it aliases the page (read
// it before the page changes).
func (p *Page) KeyPrefixView() ([]byte, error) {
	h, err := p.externalHeaderView()
	if err != nil {
		return nil, err
	}
	return btree.KeyPrefix(h, p.Flags()), nil
}

// Key returns the full key of line iline: the shared prefix bytes followed
// by the node's suffix.
func (p *Page) Key(iline int) ([]byte, error) {
	n, err := p.Node(iline)
	if err != nil {
		return nil, err
	}
	var key []byte
	if n.PrefixLen > 0 {
		pre, err := p.KeyPrefix()
		if err != nil {
			return nil, err
		}
		if n.PrefixLen > len(pre) {
			return nil, p.corrupt("line %d uses %d prefix bytes, the page prefix has %d", iline, n.PrefixLen, len(pre))
		}
		key = append(key, pre[:n.PrefixLen]...)
	}
	return append(key, n.Suffix...), nil
}

// InsertNode inserts n as line iline (NDInsert). The compressed flag is
// derived from n.PrefixLen.
func (p *Page) InsertNode(iline int, n Node) error {
	if err := p.ensure(); err != nil {
		return err
	}
	if iline < 0 || iline > p.Lines() {
		return p.corrupt("insert at line %d, page has %d lines", iline, p.Lines())
	}
	parts, f := nodeParts(n.PrefixLen, n.Suffix, n.Data, n.Flags&7)
	if need := totalLen(parts) + tagBytes; need > p.FreeBytes()-p.UncommittedFreeBytes() {
		p.reclaimUncommitted(need)
	}
	return p.insertTag(iline+p.ReservedTags(), parts, f)
}

// reclaimUncommitted follows FVERCheckUncommittedFreedSpace during
// recovery: when an operation needs more than the committed free space and
// the page's free space covers it, the uncommitted free count is dropped
// to 0 (no transaction of the crashed instance can still reclaim it).
func (p *Page) reclaimUncommitted(need int) {
	if need <= p.FreeBytes() && p.UncommittedFreeBytes() != 0 {
		bin.PutU16(p.b, pgUncFree, 0)
	}
}

// ReplaceNodeData replaces the data of line iline, keeping its key, and
// stores flags (the compressed flag follows the node's prefix count)
// (NDReplace / ErrNDReplace).
func (p *Page) ReplaceNodeData(iline int, data []byte, flags uint8) error {
	it, err := p.lineTag(iline)
	if err != nil {
		return err
	}
	b, err := p.TagBytes(it)
	if err != nil {
		return err
	}
	n, err := decodeNode(b, p.tagFlags(it))
	if err != nil {
		return err
	}
	suffix := append([]byte{}, n.Suffix...)
	if grow := len(data) - len(n.Data); grow > 0 {
		p.reclaimUncommitted(grow)
	}
	parts, f := nodeParts(n.PrefixLen, suffix, data, flags&7)
	return p.replaceTag(it, parts, f)
}
