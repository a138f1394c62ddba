package esedb

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/btree"
)

// bigSample returns SampleDatabase(pageSize) with the data tree of table
// "people" replaced by a tree of at least leaves leaf pages (a root over
// parents of leaves, leaves linked left to right) holding rows Id 1..n:
// Age i%100, Score i/4, Name "name-i" (Unicode), Nick "nick-i-" then
// 'x' to 160 bytes, Tags ["t<i%7>", "u"]; Bio and Photo are absent (Bio
// reads as its default). It returns the file and n.
func bigSample(pageSize, leaves int) ([]byte, int, error) {
	file, err := SampleDatabase(pageSize)
	if err != nil {
		return nil, 0, err
	}
	t := peopleTable()
	large := ese.IsLargePage(pageSize)
	fv := func(name string, v ...[]byte) FieldValue { return FieldValue{Column: t.Column(name), Values: v} }
	room := pageSize - ese.HeaderSize(pageSize) - 64
	const leafFlags = ese.PageLeaf | ese.PageNewRecordFormat
	const firstNew = 14 // the sample's pages end at 13
	var pages [][]byte
	var seps [][]byte // first key of each leaf
	id := 0
	for len(pages) < leaves {
		var nodes []btree.Node
		used := 0
		for {
			i := id + 1
			nick := fmt.Appendf(nil, "nick-%d-", i)
			nick = append(nick, bytes.Repeat([]byte("x"), 160-len(nick))...)
			rec, err := EncodeRecord(t, large, []FieldValue{
				fv("Id", le32(uint32(i))), fv("Age", le16(uint16(i%100))), fv("Score", le64f(float64(i)/4)),
				fv("Name", utf16le("name-"+strconv.Itoa(i))), fv("Nick", nick), fv("Tags", fmt.Appendf(nil, "t%d", i%7), []byte("u")),
			})
			if err != nil {
				return nil, 0, err
			}
			n := btree.Node{Suffix: samplePrimaryKey(int32(i)), Data: rec}
			cost := 2 + len(n.Suffix) + len(n.Data) + 4 + 8
			if used+cost > room {
				break
			}
			used += cost
			nodes = append(nodes, n)
			id = i
		}
		pgno := uint32(firstNew + len(pages))
		var prev, next uint32
		if len(pages) > 0 {
			prev = pgno - 1
		}
		if len(pages)+1 < leaves {
			next = pgno + 1
		}
		b, err := btree.EncodePage(pageSize, pgno, ese.PageHeader{ObjidFDP: t.Objid, Flags: leafFlags, PrevPage: prev, NextPage: next}, nil, nodes)
		if err != nil {
			return nil, 0, err
		}
		pages = append(pages, b)
		seps = append(seps, nodes[0].Suffix)
	}
	// Parents of leaves: as many children as fit, each node keyed by the
	// next child's first key (the last one has no key).
	perParent := room / (2 + len(seps[0]) + 4 + 4 + 8)
	var rootNodes []btree.Node
	for lo := 0; lo < len(seps); lo += perParent {
		hi := min(lo+perParent, len(seps))
		var nodes []btree.Node
		for c := lo; c < hi; c++ {
			n := btree.Node{Data: le32(uint32(firstNew + c))}
			if c+1 < hi {
				n.Suffix = seps[c+1]
			}
			nodes = append(nodes, n)
		}
		pgno := uint32(firstNew + len(pages))
		b, err := btree.EncodePage(pageSize, pgno, ese.PageHeader{ObjidFDP: t.Objid, Flags: ese.PageParentOfLeaf}, nil, nodes)
		if err != nil {
			return nil, 0, err
		}
		pages = append(pages, b)
		n := btree.Node{Data: le32(pgno)}
		if hi < len(seps) {
			n.Suffix = seps[hi]
		}
		rootNodes = append(rootNodes, n)
	}
	root, err := btree.EncodePage(pageSize, t.PgnoFDP, ese.PageHeader{ObjidFDP: t.Objid, Flags: ese.PageRoot}, make([]byte, 16), rootNodes)
	if err != nil {
		return nil, 0, err
	}
	copy(file[(int(t.PgnoFDP)+1)*pageSize:], root)
	for _, p := range pages {
		file = append(file, p...)
	}
	return file, id, nil
}

// TestBigSample reads a generated three-level tree back: every row in key
// order with the values bigSample gave it.
func TestBigSample(t *testing.T) {
	file, n, err := bigSample(4096, 40)
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(bytes.NewReader(file), int64(len(file)), nil)
	if err != nil {
		t.Fatal(err)
	}
	people, err := db.Table("people")
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	var vals []Value
	for r, err := range db.Rows(context.Background(), people, nil) {
		if err != nil {
			t.Fatal(err)
		}
		got++
		if vals, err = r.AppendValues(vals[:0]); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("[%d %d %g name-%d nick-%d-", got, got%100, float64(got)/4, got, got)
		var s []any
		for _, v := range vals {
			s = append(s, v.Any())
		}
		if txt := fmt.Sprint(s); len(txt) < len(want) || txt[:len(want)] != want || vals[5].Count() != 2 || vals[6].Any() != "none" {
			t.Fatalf("row %d: %s", got, txt)
		}
	}
	if got != n || n < 40*10 {
		t.Errorf("%d rows read, %d written", got, n)
	}
}

// TestWriteBigSample writes, when ESEDB_BIG_SAMPLE names a new file, a
// database of 32 KiB pages and ESEDB_BIG_SAMPLE_MB (default 256) MiB of
// rows of bigSample, for the whole-process reading benchmarks of
// BENCHMARKS.md.
func TestWriteBigSample(t *testing.T) {
	path := os.Getenv("ESEDB_BIG_SAMPLE")
	if path == "" {
		t.Skip("ESEDB_BIG_SAMPLE not set")
	}
	mb := 256
	if s := os.Getenv("ESEDB_BIG_SAMPLE_MB"); s != "" {
		var err error
		if mb, err = strconv.Atoi(s); err != nil {
			t.Fatal(err)
		}
	}
	const ps = 32768
	file, n, err := bigSample(ps, int(math.Ceil(float64(mb)*(1<<20)/ps)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(file); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d bytes, %d rows", path, len(file), n)
}
