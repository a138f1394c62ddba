package redo

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/bin"
)

// ErrUndoUnsafe is wrapped by the error of Undo when an operation cannot
// be rolled back safely: its before-image is unknown, its node cannot be
// found on its page, or it is of a kind this package does not undo.
// Package recovery re-exports it.
var ErrUndoUnsafe = errors.New("recovery: an open transaction cannot be rolled back safely")

// UndoOp is what undoing one versioned node operation on its page needs
// (the page-level half of the engine's version-store entry, RCE).
type UndoOp struct {
	// Desc names the operation in errors.
	Desc fmt.Stringer
	// Pgno is the page the operation changed.
	Pgno uint32
	// Op is the operation: Insert, FlagInsert, FlagInsertAndReplaceData,
	// Replace, ReplaceD, FlagDelete, Delta or Delta64.
	Op eselog.RecordType
	// ILine is the line the operation was logged at (-1 when unknown).
	ILine int
	// Key is the node's whole key; BmData the bookmark data of a
	// non-unique tree (the node's data), nil when unknown or unique.
	// KeyKnown reports that Key identifies the node.
	Key, BmData []byte
	KeyKnown    bool
	// Before is the node's data before a Replace or
	// FlagInsertAndReplaceData; HaveBefore says it is known.
	Before     []byte
	HaveBefore bool
	// Delta and Offset undo a Delta; Is64 selects Delta64.
	Delta  int64
	Offset int
	Is64   bool
}

// findNode locates the node of an undo operation on its page: the logged
// line when its key (and bookmark data) match, else the only line that
// matches.
func findNode(p *Page, u *UndoOp) (int, error) {
	match := func(i int) bool {
		k, err := p.Key(i)
		if err != nil || !bytes.Equal(k, u.Key) {
			return false
		}
		if len(u.BmData) == 0 {
			return true
		}
		n, err := p.Node(i)
		return err == nil && bytes.Equal(n.Data, u.BmData)
	}
	if !u.KeyKnown {
		return 0, fmt.Errorf("%w: %v: the node's key is unknown", ErrUndoUnsafe, u.Desc)
	}
	if u.ILine >= 0 && u.ILine < p.Lines() && match(u.ILine) {
		return u.ILine, nil
	}
	found := -1
	for i := 0; i < p.Lines(); i++ {
		if match(i) {
			if found >= 0 {
				return 0, fmt.Errorf("%w: %v: more than one node on page %d carries its key", ErrUndoUnsafe, u.Desc, u.Pgno)
			}
			found = i
		}
	}
	if found < 0 {
		return 0, fmt.Errorf("%w: %v: its node is no longer on page %d", ErrUndoUnsafe, u.Desc, u.Pgno)
	}
	return found, nil
}

// Undo applies the inverse of u to page p (VERRedoPhysicalUndo,
// ErrVERIUndoInsertPhysical): an insert (or un-delete) becomes a deleted
// node, a flag-delete is cleared, a replace gets its before-image back, a
// delta is subtracted.
func Undo(p *Page, u *UndoOp) error {
	if !u.HaveBefore {
		return fmt.Errorf("%w: %v: its page was already newer than the record and no UndoInfo record gave the before-image", ErrUndoUnsafe, u.Desc)
	}
	i, err := findNode(p, u)
	if err != nil {
		return err
	}
	f, err := p.LineFlags(i)
	if err != nil {
		return err
	}
	switch u.Op {
	case eselog.RecInsert, eselog.RecFlagInsert:
		return p.SetLineFlags(i, f|NodeDeleted)
	case eselog.RecFlagInsertAndReplaceData:
		if err := p.ReplaceNodeData(i, u.Before, f); err != nil {
			return err
		}
		f, _ = p.LineFlags(i)
		return p.SetLineFlags(i, f|NodeDeleted)
	case eselog.RecReplace, eselog.RecReplaceD:
		return p.ReplaceNodeData(i, u.Before, f)
	case eselog.RecFlagDelete:
		return p.SetLineFlags(i, f&^NodeDeleted)
	case eselog.RecDelta, eselog.RecDelta64:
		n, err := p.Node(i)
		if err != nil {
			return err
		}
		size := 4
		if u.Is64 {
			size = 8
		}
		if u.Offset < 0 || u.Offset+size > len(n.Data) {
			return fmt.Errorf("%w: %v: counter at %d is outside the node's %d data bytes", ErrUndoUnsafe, u.Desc, u.Offset, len(n.Data))
		}
		if u.Is64 {
			bin.PutU64(n.Data, u.Offset, bin.U64(n.Data, u.Offset)-uint64(u.Delta))
		} else {
			bin.PutU32(n.Data, u.Offset, bin.U32(n.Data, u.Offset)-uint32(u.Delta))
		}
		return nil
	}
	return fmt.Errorf("%w: %v: undo of this operation is not implemented", ErrUndoUnsafe, u.Desc)
}
