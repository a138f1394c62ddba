package redo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/esekit/esekit/eselog"
)

type undoName string

func (n undoName) String() string { return string(n) }

// TestUndoOnPage undoes each kind of node operation on a leaf of three
// nodes (keys "a", "b", "c"; "b" holds the counters 10 and 1<<40, and is
// flagged deleted only for the flag-delete case) and checks node "b"
// afterwards; the logged line is only a hint, the key decides. Refused
// undos leave the page unchanged.
func TestUndoOnPage(t *testing.T) {
	build := func(t *testing.T, bFlags uint8) *Page {
		p := newEmptyTestPage(t, 4096)
		data := counters(10, 1<<40)
		for i, n := range []Node{{Suffix: []byte("a"), Data: []byte("A")}, {Suffix: []byte("b"), Data: data, Flags: bFlags}, {Suffix: []byte("c"), Data: []byte("C")}} {
			if err := p.InsertNode(i, n); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	for _, c := range []struct {
		name      string
		u         UndoOp
		had, want uint8 // flags of "b" before and after
		data      []byte
	}{
		{"insert", UndoOp{Op: eselog.RecInsert, ILine: 0, Key: []byte("b")}, 0, NodeDeleted, nil},
		{"flag-delete", UndoOp{Op: eselog.RecFlagDelete, ILine: 1, Key: []byte("b")}, NodeDeleted, 0, nil},
		{"replace", UndoOp{Op: eselog.RecReplace, ILine: 2, Key: []byte("b"), Before: []byte("old")}, 0, 0, []byte("old")},
		{"flag-insert-and-replace", UndoOp{Op: eselog.RecFlagInsertAndReplaceData, ILine: -1, Key: []byte("b"), Before: []byte("xy")}, 0, NodeDeleted, []byte("xy")},
		{"delta", UndoOp{Op: eselog.RecDelta, ILine: 1, Key: []byte("b"), Delta: 3}, 0, 0, counters(7, 1<<40)},
		{"delta64", UndoOp{Op: eselog.RecDelta64, ILine: 1, Key: []byte("b"), Offset: 4, Delta: -5, Is64: true}, 0, 0, counters(10, 1<<40+5)},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := build(t, c.had)
			u := c.u
			u.KeyKnown, u.HaveBefore, u.Desc = true, true, undoName(c.name)
			if err := Undo(p, &u); err != nil {
				t.Fatal(err)
			}
			n, err := p.Node(1)
			if err != nil {
				t.Fatal(err)
			}
			want := c.data
			if want == nil {
				want = counters(10, 1<<40)
			}
			if n.Flags != c.want || !bytes.Equal(n.Data, want) || p.Lines() != 3 {
				t.Errorf("node b: flags %#x data %x (%d lines), want %#x %x", n.Flags, n.Data, p.Lines(), c.want, want)
			}
			if err := p.Check(); err != nil {
				t.Error(err)
			}
		})
	}
	for _, c := range []struct {
		name, msg string
		u         UndoOp
	}{
		{"before unknown", "no UndoInfo record gave the before-image", UndoOp{Op: eselog.RecReplace, Key: []byte("b"), KeyKnown: true}},
		{"key unknown", "the node's key is unknown", UndoOp{Op: eselog.RecInsert, HaveBefore: true}},
		{"node gone", "its node is no longer on page 9", UndoOp{Op: eselog.RecInsert, Key: []byte("z"), KeyKnown: true, HaveBefore: true}},
		{"counter outside", "counter at 10 is outside the node's 12 data bytes", UndoOp{Op: eselog.RecDelta, Key: []byte("b"), KeyKnown: true, HaveBefore: true, Offset: 10}},
		{"not undone", "undo of this operation is not implemented", UndoOp{Op: eselog.RecDelete, Key: []byte("b"), KeyKnown: true, HaveBefore: true}},
	} {
		p := build(t, 0)
		before := bytes.Clone(p.Bytes())
		u := c.u
		u.Desc, u.Pgno = undoName("op"), 9
		err := Undo(p, &u)
		if !errors.Is(err, ErrUndoUnsafe) || !strings.HasPrefix(err.Error(), ErrUndoUnsafe.Error()+": op: ") || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v", c.name, err)
		}
		if !bytes.Equal(p.Bytes(), before) {
			t.Errorf("%s: the page changed", c.name)
		}
	}
}

// counters is node data holding a 32-bit and a 64-bit counter.
func counters(a uint32, b uint64) []byte {
	return binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint32(nil, a), b)
}
