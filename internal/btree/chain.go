package btree

import (
	"context"
	"iter"

	"github.com/esekit/esekit/ese"
)

// Chain yields every leaf line of the tree rooted at root by the leaves'
// sibling links: it descends the first child of each internal page to the
// leftmost leaf, then follows NextPage from leaf to leaf (the order the
// engine's own scans use). It reaches leaves whose parent pages are
// damaged, where Walk cannot; a link that loops back, a leaf of another
// tree, a page that is not a leaf, or a descent deeper than MaxDepth ends
// it with a *PageError wrapping ese.ErrDatabaseCorrupted. An error is
// yielded with a zero Entry; after it the walk stops.
func (r *Reader) Chain(ctx context.Context, root uint32) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		p, err := r.Page(root)
		if err != nil {
			yield(Entry{}, err)
			return
		}
		objid := p.Header.ObjidFDP
		seen := map[uint32]bool{root: true}
		for depth := 0; !p.IsLeaf(); depth++ {
			if p.Lines() == 0 {
				yield(Entry{}, pageErr(p.Pgno, ese.ErrDatabaseCorrupted, "internal page has no lines"))
				return
			}
			n, err := p.Node(0)
			if err == nil {
				var child uint32
				if child, err = p.Child(n); err == nil {
					if err = r.checkChild(child, objid, depth+1, seen); err == nil {
						seen[child] = true
						p, err = r.Page(child)
					}
				}
			}
			if err != nil {
				yield(Entry{}, err)
				return
			}
		}
		for {
			if err := ctx.Err(); err != nil {
				yield(Entry{}, err)
				return
			}
			if !p.IsLeaf() || p.Header.ObjidFDP != objid {
				yield(Entry{}, pageErr(p.Pgno, ese.ErrDatabaseCorrupted, "sibling link leads to a page of object %d with flags %#x, not a leaf of object %d", p.Header.ObjidFDP, uint32(p.Flags()), objid))
				return
			}
			for i := 0; i < p.Lines(); i++ {
				n, err := p.Node(i)
				if err != nil {
					yield(Entry{}, err)
					return
				}
				if !yield(Entry{Page: p, Line: i, Node: n}, nil) {
					return
				}
			}
			next := p.Header.NextPage
			if next == 0 {
				return
			}
			if seen[next] {
				yield(Entry{}, pageErr(next, ese.ErrDatabaseCorrupted, "sibling links of tree %d loop back to page %d", objid, next))
				return
			}
			seen[next] = true
			if p, err = r.Page(next); err != nil {
				yield(Entry{}, err)
				return
			}
		}
	}
}
