package redo

import (
	"bytes"

	"github.com/esekit/esekit/internal/btree"
)

// A PageStore is a btree.PageSource: btree.NewReader over a store walks
// and seeks the trees of a database under redo, decoding nodes as the
// page model does.
var _ btree.PageSource = (*PageStore)(nil)

// ReadPage returns a copy of page pgno as the store holds it now: its
// cached, possibly changed copy, else the file's (Get). The copy does not
// follow later changes, so a btree.Reader over the store sees the pages
// as they were when it read them; open a new Reader after redo changes
// them.
func (s *PageStore) ReadPage(pgno uint32) ([]byte, error) {
	p, err := s.Get(pgno)
	if err != nil {
		return nil, err
	}
	return bytes.Clone(p.Bytes()), nil
}
