package redo

import (
	"bytes"
	"context"
	"testing"

	"github.com/dsnet/golib/memfile"

	"github.com/esekit/esekit/internal/btree"
)

// TestPageStoreReadByBTree builds the implicit create in a store and
// walks MSysObjects and MSysObjectsShadow through btree.Reader over the
// store: each holds the create's 56 catalog records in strictly ascending
// key order, every line as Page.Node reads it on its page, and a seek to
// a record's key starts at that record.
func TestPageStoreReadByBTree(t *testing.T) {
	const ps = 8192
	s, err := NewPageStore(memfile.New(make([]byte, 2*ps)), ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := BuildImplicitCreate(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.CatalogRecords != 56 {
		t.Fatalf("%d catalog records, want 56", res.CatalogRecords)
	}
	r := btree.NewReader(s, 4)
	for _, root := range []uint32{res.Catalog, res.CatalogShadow} {
		var keys [][]byte
		for e, err := range r.Walk(context.Background(), root, nil) {
			if err != nil {
				t.Fatal(err)
			}
			k, err := e.Key()
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) > 0 && bytes.Compare(keys[len(keys)-1], k) >= 0 {
				t.Errorf("tree %d: key %x after %x", root, k, keys[len(keys)-1])
			}
			keys = append(keys, k)
			p, err := s.Get(e.Page.Pgno)
			if err != nil {
				t.Fatal(err)
			}
			n, err := p.Node(e.Line)
			if err != nil {
				t.Fatal(err)
			}
			pk, err := p.Key(e.Line)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(pk, k) || !bytes.Equal(n.Data, e.Node.Data) || n.Flags != e.Node.Flags {
				t.Errorf("tree %d page %d line %d: the reader and the page model disagree", root, e.Page.Pgno, e.Line)
			}
		}
		if len(keys) != res.CatalogRecords {
			t.Fatalf("tree %d: %d records, want %d", root, len(keys), res.CatalogRecords)
		}
		mid := keys[len(keys)/2]
		for e, err := range r.Seek(context.Background(), root, mid, nil) {
			if err != nil {
				t.Fatal(err)
			}
			if k, _ := e.Key(); !bytes.Equal(k, mid) {
				t.Errorf("tree %d: seek to %x starts at %x", root, mid, k)
			}
			break
		}
	}
}
