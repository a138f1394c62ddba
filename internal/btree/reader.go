package btree

import (
	"bytes"
	"container/list"
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/esekit/esekit/ese"
)

// PageSource gives the bytes of a database page by its number (the
// logical page number: page 1 is the first page after the two header
// pages). The returned slice is the whole page; the reader does not change
// it and may keep it in its cache.
type PageSource interface {
	ReadPage(pgno uint32) ([]byte, error)
}

// MaxDepth is the deepest tree a Reader walks: the engine's trees are a
// few levels deep, so a deeper descent means the page links are damaged.
const MaxDepth = 32

// ErrPageBudget is returned when a Reader has read as many pages as its
// Budget allows.
var ErrPageBudget = errors.New("btree: page budget exhausted")

// Reader reads pages through a PageSource with a bounded LRU cache and
// walks the B-trees they hold. A Reader is not safe for concurrent use.
type Reader struct {
	src PageSource
	// Verify makes every page read check its checksum; a page whose
	// stored checksum differs gives a *PageError wrapping
	// ese.ErrReadVerifyFailure.
	Verify bool
	// Budget, when above 0, is the most pages the Reader reads from its
	// source (cache hits do not count); the next read is ErrPageBudget.
	Budget int
	// Reads counts the pages read from the source.
	Reads int

	max   int
	lru   list.List
	cache map[uint32]*list.Element
}

// NewReader returns a Reader over src that caches up to cacheSize decoded
// pages (at least 1).
func NewReader(src PageSource, cacheSize int) *Reader {
	return &Reader{src: src, max: max(cacheSize, 1), cache: map[uint32]*list.Element{}}
}

// Page returns page pgno, from the cache or the source.
func (r *Reader) Page(pgno uint32) (*Page, error) {
	if e, ok := r.cache[pgno]; ok {
		r.lru.MoveToFront(e)
		return e.Value.(*Page), nil
	}
	if r.Budget > 0 && r.Reads >= r.Budget {
		return nil, &PageError{Pgno: pgno, Err: ErrPageBudget}
	}
	r.Reads++
	b, err := r.src.ReadPage(pgno)
	if err != nil {
		return nil, &PageError{Pgno: pgno, Err: err}
	}
	if r.Verify {
		if c := ese.ComputePageChecksums(b, pgno); !c.OK() {
			return nil, &PageError{Pgno: pgno, Err: fmt.Errorf("stored checksum %#x, computed %#x: %w", c.Stored[0], c.Computed[0], ese.ErrReadVerifyFailure)}
		}
	}
	p, err := NewPage(pgno, b)
	if err != nil {
		return nil, err
	}
	r.cache[pgno] = r.lru.PushFront(p)
	for r.lru.Len() > r.max {
		old := r.lru.Back()
		r.lru.Remove(old)
		delete(r.cache, old.Value.(*Page).Pgno)
	}
	return p, nil
}

// Entry is one leaf line of a tree.
type Entry struct {
	// Page is the leaf page that holds the line.
	Page *Page
	// Line is the line's number on the page.
	Line int
	// Node is the decoded line; its slices alias the page.
	Node Node
}

// Key returns the entry's full key in a new slice.
func (e Entry) Key() ([]byte, error) { return e.Page.Key(e.Node) }

// Deleted reports whether the line is flagged deleted.
func (e Entry) Deleted() bool { return e.Node.Flags&NodeDeleted != 0 }

// WalkOptions control a walk. The zero value stops at the first error.
type WalkOptions struct {
	// SkipDamaged makes a walk go on after a page below the root that
	// cannot be read or is malformed: the page (and the subtree under it)
	// is left out, OnSkip is told, and the walk continues with the next
	// child of its parent.
	SkipDamaged bool
	// OnSkip, when set, is called for each page left out.
	OnSkip func(pgno uint32, err error)
}

type frame struct {
	p    *Page
	line int
}

// Walk yields every leaf line of the tree rooted at page root in key
// order, deleted-flagged lines included (see Entry.Deleted). The order
// comes from the parent pages, so a damaged leaf can be skipped without
// losing its right siblings. A page that belongs to another tree, a page
// reached twice, or a descent deeper than MaxDepth ends the walk with a
// *PageError wrapping ese.ErrDatabaseCorrupted. An error is yielded with a
// zero Entry; after it the walk stops.
func (r *Reader) Walk(ctx context.Context, root uint32, opt *WalkOptions) iter.Seq2[Entry, error] {
	return r.Seek(ctx, root, nil, opt)
}

// Seek is Walk starting at the first leaf line whose key is at least key
// (bytes.Compare order, the engine's key order). A nil key walks the whole
// tree.
func (r *Reader) Seek(ctx context.Context, root uint32, key []byte, opt *WalkOptions) iter.Seq2[Entry, error] {
	if opt == nil {
		opt = &WalkOptions{}
	}
	return func(yield func(Entry, error) bool) {
		rp, err := r.Page(root)
		if err != nil {
			yield(Entry{}, err)
			return
		}
		if !rp.IsRoot() {
			yield(Entry{}, pageErr(root, ese.ErrDatabaseCorrupted, "page is not a tree root (flags %#x)", uint32(rp.Flags())))
			return
		}
		objid := rp.Header.ObjidFDP
		seen := map[uint32]bool{root: true}
		stack := []frame{{p: rp, line: r.firstLine(rp, key)}}
		for len(stack) > 0 {
			if err := ctx.Err(); err != nil {
				yield(Entry{}, err)
				return
			}
			top := &stack[len(stack)-1]
			p := top.p
			if top.line >= p.Lines() {
				stack = stack[:len(stack)-1]
				continue
			}
			line := top.line
			top.line++
			n, err := p.Node(line)
			if err != nil {
				yield(Entry{}, err)
				return
			}
			if p.IsLeaf() {
				if key != nil {
					k, err := p.Key(n)
					if err != nil {
						yield(Entry{}, err)
						return
					}
					if bytes.Compare(k, key) < 0 {
						continue
					}
					key = nil // keys after this one are larger
				}
				if !yield(Entry{Page: p, Line: line, Node: n}, nil) {
					return
				}
				continue
			}
			child, err := p.Child(n)
			if err == nil {
				err = r.checkChild(child, objid, len(stack), seen)
			}
			var cp *Page
			if err == nil {
				cp, err = r.Page(child)
			}
			if err == nil && cp.Header.ObjidFDP != objid {
				err = pageErr(child, ese.ErrDatabaseCorrupted, "page belongs to object %d, its parent %d to object %d", cp.Header.ObjidFDP, p.Pgno, objid)
			}
			if err != nil {
				if opt.SkipDamaged {
					if opt.OnSkip != nil {
						opt.OnSkip(child, err)
					}
					continue
				}
				yield(Entry{}, err)
				return
			}
			seen[child] = true
			stack = append(stack, frame{p: cp, line: r.firstLine(cp, key)})
		}
	}
}

// checkChild rejects a child page already reached and a descent past
// MaxDepth.
func (r *Reader) checkChild(child, objid uint32, depth int, seen map[uint32]bool) error {
	switch {
	case child == 0:
		return pageErr(child, ese.ErrDatabaseCorrupted, "child page number 0 in tree %d", objid)
	case seen[child]:
		return &PageError{Pgno: child, Err: fmt.Errorf("page reached twice in tree %d (the page links loop): %w", objid, ese.ErrDatabaseCorrupted)}
	case depth >= MaxDepth:
		return &PageError{Pgno: child, Err: fmt.Errorf("tree %d deeper than %d levels: %w", objid, MaxDepth, ese.ErrDatabaseCorrupted)}
	}
	return nil
}

// firstLine returns the line a walk starts at on p: 0 without a key; on an
// internal page the first line whose separator key is at least key (the
// last line, whose key may be empty, stands for every larger key); on a
// leaf 0 (the walk skips smaller keys itself).
func (r *Reader) firstLine(p *Page, key []byte) int {
	if key == nil || p.IsLeaf() {
		return 0
	}
	lo, hi := 0, p.Lines()-1
	for lo < hi {
		mid := (lo + hi) / 2
		n, err := p.Node(mid)
		if err != nil {
			return 0
		}
		k, err := p.Key(n)
		if err != nil {
			return 0
		}
		if bytes.Compare(k, key) >= 0 {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return max(lo, 0)
}
