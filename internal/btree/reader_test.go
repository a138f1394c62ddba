package btree

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"github.com/esekit/esekit/ese"
)

// memPages is a PageSource over pages held in memory.
type memPages map[uint32][]byte

func (m memPages) ReadPage(pgno uint32) ([]byte, error) {
	b, ok := m[pgno]
	if !ok {
		return nil, fmt.Errorf("no page %d: %w", pgno, ese.ErrReadVerifyFailure)
	}
	return b, nil
}

func child(pgno uint32) []byte { return binary.LittleEndian.AppendUint32(nil, pgno) }

// buildTree makes, for page size ps, a tree of object 7: root page 1
// (internal) over leaves 2 and 3, linked left to right. Leaf 2 holds keys
// "a01".."a05" (stored with the 1-byte prefix "a"), leaf 3 "b01".."b03";
// line "a03" is flagged deleted. Each node's data is its key upper-cased.
func buildTree(t *testing.T, ps int) memPages {
	t.Helper()
	m := memPages{}
	put := func(pgno uint32, flags ese.PageFlags, prev, next uint32, ext []byte, nodes []Node) {
		b, err := EncodePage(ps, pgno, ese.PageHeader{ObjidFDP: 7, Flags: flags, PrevPage: prev, NextPage: next}, ext, nodes)
		if err != nil {
			t.Fatal(err)
		}
		m[pgno] = b
	}
	var l2, l3 []Node
	for i := 1; i <= 5; i++ {
		n := Node{PrefixLen: 1, Suffix: fmt.Appendf(nil, "%02d", i), Data: fmt.Appendf(nil, "A%02d", i)}
		if i == 3 {
			n.Flags = NodeDeleted
		}
		l2 = append(l2, n)
	}
	for i := 1; i <= 3; i++ {
		l3 = append(l3, Node{Suffix: fmt.Appendf(nil, "b%02d", i), Data: fmt.Appendf(nil, "B%02d", i)})
	}
	put(2, ese.PageLeaf, 0, 3, []byte("a"), l2)
	put(3, ese.PageLeaf, 2, 0, nil, l3)
	put(1, ese.PageRoot|ese.PageParentOfLeaf, 0, 0, make([]byte, 16), []Node{{Suffix: []byte("b"), Data: child(2)}, {Data: child(3)}})
	return m
}

func collect(t *testing.T, r *Reader, key []byte, opt *WalkOptions) (keys []string, err error) {
	t.Helper()
	for e, err := range r.Seek(context.Background(), 1, key, opt) {
		if err != nil {
			return keys, err
		}
		k, err := e.Key()
		if err != nil {
			return keys, err
		}
		if string(e.Node.Data) != string(bytesUpper(k)) {
			t.Errorf("line %d of page %d: key %q data %q", e.Line, e.Page.Pgno, k, e.Node.Data)
		}
		s := string(k)
		if e.Deleted() {
			s += "(deleted)"
		}
		keys = append(keys, s)
	}
	return keys, nil
}

func bytesUpper(b []byte) []byte {
	out := append([]byte{}, b...)
	if len(out) > 0 && out[0] >= 'a' && out[0] <= 'z' {
		out[0] -= 'a' - 'A'
	}
	return out
}

func TestWalkAndSeek(t *testing.T) {
	for _, ps := range []int{4096, 8192, 32768} {
		t.Run(fmt.Sprint(ps), func(t *testing.T) {
			r := NewReader(buildTree(t, ps), 2)
			r.Verify = true
			keys, err := collect(t, r, nil, nil)
			want := "[a01 a02 a03(deleted) a04 a05 b01 b02 b03]"
			if err != nil || fmt.Sprint(keys) != want {
				t.Fatalf("walk: %v %v, want %s", keys, err, want)
			}
			for key, want := range map[string]string{
				"a03":  "[a03(deleted) a04 a05 b01 b02 b03]",
				"a031": "[a04 a05 b01 b02 b03]",
				"b":    "[b01 b02 b03]",
				"b03":  "[b03]",
				"c":    "[]",
				"":     want,
			} {
				keys, err := collect(t, r, []byte(key), nil)
				if err != nil || fmt.Sprint(keys) != want {
					t.Errorf("seek %q: %v %v, want %s", key, keys, err, want)
				}
			}
		})
	}
}

// TestWalkDamaged: a missing leaf ends the walk with a PageError naming
// it, or is skipped and reported with SkipDamaged; a page whose checksum
// does not match is ese.ErrReadVerifyFailure; a child link back to the
// root ends the walk instead of looping; a child of another object is
// corrupt.
func TestWalkDamaged(t *testing.T) {
	m := buildTree(t, 4096)
	delete(m, 2)
	r := NewReader(m, 4)
	_, err := collect(t, r, nil, nil)
	if pg, ok := IsPageError(err); !ok || pg != 2 {
		t.Errorf("missing leaf: %v", err)
	}
	var skipped []uint32
	keys, err := collect(t, NewReader(m, 4), nil, &WalkOptions{SkipDamaged: true, OnSkip: func(pgno uint32, err error) { skipped = append(skipped, pgno) }})
	if err != nil || fmt.Sprint(keys) != "[b01 b02 b03]" || fmt.Sprint(skipped) != "[2]" {
		t.Errorf("skip: %v %v %v", keys, skipped, err)
	}

	m = buildTree(t, 4096)
	m[3][100] ^= 1
	r = NewReader(m, 4)
	r.Verify = true
	if _, err := collect(t, r, nil, nil); !errors.Is(err, ese.ErrReadVerifyFailure) {
		t.Errorf("bad checksum: %v", err)
	}

	for name, target := range map[string]uint32{"loop to the root": 1, "self loop": 9} {
		m = buildTree(t, 4096)
		b, _ := EncodePage(4096, 9, ese.PageHeader{ObjidFDP: 7, Flags: ese.PageParentOfLeaf}, nil, []Node{{Data: child(target)}})
		m[9] = b
		b, _ = EncodePage(4096, 1, ese.PageHeader{ObjidFDP: 7, Flags: ese.PageRoot}, make([]byte, 16), []Node{{Suffix: []byte("b"), Data: child(2)}, {Data: child(9)}})
		m[1] = b
		if keys, err := collect(t, NewReader(m, 4), nil, nil); !errors.Is(err, ese.ErrDatabaseCorrupted) || len(keys) != 5 {
			t.Errorf("%s: %v %v", name, keys, err)
		}
	}

	m = buildTree(t, 4096)
	b, _ := EncodePage(4096, 3, ese.PageHeader{ObjidFDP: 8, Flags: ese.PageLeaf}, nil, nil)
	m[3] = b
	if _, err := collect(t, NewReader(m, 4), nil, nil); !errors.Is(err, ese.ErrDatabaseCorrupted) {
		t.Errorf("foreign page: %v", err)
	}
	r = NewReader(buildTree(t, 4096), 4)
	r.Budget = 2
	if _, err := collect(t, r, nil, nil); !errors.Is(err, ErrPageBudget) {
		t.Errorf("budget: %v", err)
	}
}

// TestEncodeNodeRoundTrip: EncodeNode and DecodeNode are inverse.
func TestEncodeNodeRoundTrip(t *testing.T) {
	for _, n := range []Node{{Suffix: []byte("k"), Data: []byte("d")}, {Flags: NodeDeleted | NodeVersioned, PrefixLen: 3, Suffix: []byte("xy"), Data: nil}} {
		b, f := EncodeNode(n)
		got, err := DecodeNode(b, f)
		if err != nil || got.PrefixLen != n.PrefixLen || string(got.Suffix) != string(n.Suffix) || string(got.Data) != string(n.Data) || got.Flags&^NodeCompressed != n.Flags {
			t.Errorf("%+v: %+v %v", n, got, err)
		}
	}
	if _, err := DecodeNode([]byte{5, 0, 1}, 0); !errors.Is(err, ese.ErrDatabaseCorrupted) {
		t.Errorf("short suffix: %v", err)
	}
}

// TestChain: the sibling-link walk gives the same lines as Walk; it still
// reaches the leaves when the root's second child link is bad; a link
// loop (leaf 3 pointing back to leaf 2) ends with ese.ErrDatabaseCorrupted
// naming page 2.
func TestChain(t *testing.T) {
	chain := func(m memPages) (keys []string, err error) {
		for e, err := range NewReader(m, 2).Chain(context.Background(), 1) {
			if err != nil {
				return keys, err
			}
			k, _ := e.Key()
			keys = append(keys, string(k))
		}
		return keys, nil
	}
	m := buildTree(t, 4096)
	keys, err := chain(m)
	if err != nil || fmt.Sprint(keys) != "[a01 a02 a03 a04 a05 b01 b02 b03]" {
		t.Fatalf("chain: %v %v", keys, err)
	}
	b, _ := EncodePage(4096, 1, ese.PageHeader{ObjidFDP: 7, Flags: ese.PageRoot | ese.PageParentOfLeaf}, make([]byte, 16), []Node{{Suffix: []byte("b"), Data: child(2)}, {Data: child(0)}})
	m[1] = b
	if keys, err := chain(m); err != nil || len(keys) != 8 {
		t.Errorf("bad second child: %v %v", keys, err)
	}
	m = buildTree(t, 4096)
	var l3 []Node
	for i := 1; i <= 3; i++ {
		l3 = append(l3, Node{Suffix: fmt.Appendf(nil, "b%02d", i), Data: fmt.Appendf(nil, "B%02d", i)})
	}
	b, _ = EncodePage(4096, 3, ese.PageHeader{ObjidFDP: 7, Flags: ese.PageLeaf, PrevPage: 2, NextPage: 2}, nil, l3)
	m[3] = b
	keys, err = chain(m)
	if pg, ok := IsPageError(err); !ok || pg != 2 || !errors.Is(err, ese.ErrDatabaseCorrupted) || len(keys) != 8 {
		t.Errorf("loop: %v %v", keys, err)
	}
}
