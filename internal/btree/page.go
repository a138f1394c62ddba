package btree

import (
	"errors"
	"fmt"

	"github.com/esekit/esekit/ese"
)

// PageError is the error for a page that cannot be read or is malformed.
// It names the page; Err wraps the cause (an ese.FormatError, a read
// error, or an ese.Error such as ese.ErrReadVerifyFailure).
type PageError struct {
	// Pgno is the page number.
	Pgno uint32
	// Err is the cause.
	Err error
}

func (e *PageError) Error() string { return fmt.Sprintf("page %d: %v", e.Pgno, e.Err) }

// Unwrap returns the cause.
func (e *PageError) Unwrap() error { return e.Err }

// pageErr builds a PageError wrapping a FormatError with code.
func pageErr(pgno uint32, code ese.Error, format string, args ...any) error {
	return &PageError{Pgno: pgno, Err: ese.NewFormatError("database page", -1, code, format, args...)}
}

// Page is a read-only view of one database page: its header, its tags
// and the nodes they point at. The page bytes are not changed.
type Page struct {
	// Pgno is the page's number.
	Pgno uint32
	// Header is the decoded page header.
	Header ese.PageHeader
	b      []byte
	tags   []ese.Tag
	resv   int
	prefix []byte
}

// NewPage decodes the header and tag array of b, the whole page pgno. Every
// tag is checked to lie inside the data area; a page that fails gives a
// *PageError wrapping ese.ErrDatabaseCorrupted.
func NewPage(pgno uint32, b []byte) (*Page, error) {
	h, err := ese.DecodePageHeader(b)
	if err != nil {
		return nil, &PageError{Pgno: pgno, Err: err}
	}
	tags, err := ese.Tags(b)
	if err != nil {
		return nil, &PageError{Pgno: pgno, Err: err}
	}
	p := &Page{Pgno: pgno, Header: h, b: b, tags: tags, resv: h.ReservedTags()}
	if len(tags) == 0 {
		p.resv = 0
	}
	if p.resv > len(tags) {
		return nil, pageErr(pgno, ese.ErrDatabaseCorrupted, "%d reserved tags, %d tags", p.resv, len(tags))
	}
	if len(tags) > 0 {
		ext, _ := ese.TagData(b, tags[0])
		p.prefix = KeyPrefix(ext, h.Flags)
	}
	return p, nil
}

// Bytes returns the page's bytes.
func (p *Page) Bytes() []byte { return p.b }

// Flags returns the page flags.
func (p *Page) Flags() ese.PageFlags { return p.Header.Flags }

// IsLeaf reports whether the page is a leaf of its tree.
func (p *Page) IsLeaf() bool { return p.Header.Flags&ese.PageLeaf != 0 }

// IsRoot reports whether the page is its tree's root.
func (p *Page) IsRoot() bool { return p.Header.Flags&ese.PageRoot != 0 }

// IsParentOfLeaf reports whether the page's children are leaves.
func (p *Page) IsParentOfLeaf() bool { return p.Header.Flags&ese.PageParentOfLeaf != 0 }

// Lines returns the number of lines (nodes), reserved tags excluded.
func (p *Page) Lines() int { return len(p.tags) - p.resv }

// ExternalHeader returns tag 0's bytes (nil when the page has no tags).
// The slice aliases the page; on large pages its first u16 keeps the tag
// flag bits.
func (p *Page) ExternalHeader() []byte {
	if len(p.tags) == 0 {
		return nil
	}
	b, _ := ese.TagData(p.b, p.tags[0])
	return b
}

// KeyPrefix returns the key bytes the compressed nodes of the page share
// (see the package-level KeyPrefix). It aliases the page.
func (p *Page) KeyPrefix() []byte { return p.prefix }

// Node decodes line i. The slices alias the page.
func (p *Page) Node(i int) (Node, error) {
	if i < 0 || i >= p.Lines() {
		return Node{}, pageErr(p.Pgno, ese.ErrDatabaseCorrupted, "line %d out of range (%d lines)", i, p.Lines())
	}
	t := p.tags[i+p.resv]
	b, err := ese.TagData(p.b, t)
	if err != nil {
		return Node{}, &PageError{Pgno: p.Pgno, Err: err}
	}
	n, err := DecodeNode(b, t.Flags)
	if err != nil {
		return Node{}, &PageError{Pgno: p.Pgno, Err: fmt.Errorf("line %d: %w", i, err)}
	}
	return n, nil
}

// Key returns the full key of n, a node of this page, in a new slice.
func (p *Page) Key(n Node) ([]byte, error) {
	k, err := n.Key(p.prefix)
	if err != nil {
		return nil, &PageError{Pgno: p.Pgno, Err: err}
	}
	return k, nil
}

// Child returns the child page number an internal node points at: the
// first four bytes of its data.
func (p *Page) Child(n Node) (uint32, error) {
	if len(n.Data) < 4 {
		return 0, pageErr(p.Pgno, ese.ErrDatabaseCorrupted, "internal node of %d data bytes has no child page", len(n.Data))
	}
	return uint32(n.Data[0]) | uint32(n.Data[1])<<8 | uint32(n.Data[2])<<16 | uint32(n.Data[3])<<24, nil
}

// IsPageError reports whether err names a page (it is or wraps a
// *PageError) and returns that page.
func IsPageError(err error) (uint32, bool) {
	var pe *PageError
	if errors.As(err, &pe) {
		return pe.Pgno, true
	}
	return 0, false
}
