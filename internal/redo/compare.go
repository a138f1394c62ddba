package redo

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// PageDiff compares a page built by redo (got) with the real one (want).
// It returns "" when they are logically equal: same header fields (the
// flush-type bits, which the flush map sets at write time, aside), same
// tags and same node bytes. identical reports whether, beyond that, every
// byte of the header, the used data area and the tag array matches
// (checksums aside). Both pages must be whole pages of the same size.
func PageDiff(got, want []byte) (diff string, identical bool) {
	g, _ := NewPage(got)
	w, _ := NewPage(want)
	type field struct {
		name string
		a, b uint64
	}
	for _, f := range []field{
		{"dbtime", g.DBTime(), w.DBTime()},
		{"prev", uint64(g.PrevPage()), uint64(w.PrevPage())},
		{"next", uint64(g.NextPage()), uint64(w.NextPage())},
		{"objid", uint64(g.ObjidFDP()), uint64(w.ObjidFDP())},
		{"free", uint64(g.FreeBytes()), uint64(w.FreeBytes())},
		{"uncommitted free", uint64(g.UncommittedFreeBytes()), uint64(w.UncommittedFreeBytes())},
		{"tag state", uint64(bin.U16(got, pgTagState)), uint64(bin.U16(want, pgTagState))},
		{"flags", uint64(g.Flags() &^ ese.PageFlushTypeMask), uint64(w.Flags() &^ ese.PageFlushTypeMask)},
	} {
		if f.a != f.b {
			return fmt.Sprintf("%s %#x, real %#x", f.name, f.a, f.b), false
		}
	}
	if g.Large() && bin.U32(got, pgLargePgno) != bin.U32(want, pgLargePgno) {
		return "pgno field differs", false
	}
	if err := w.Check(); err != nil {
		return "real page: " + err.Error(), false
	}
	if err := g.Check(); err != nil {
		return "replayed page: " + err.Error(), false
	}
	for i := 0; i < w.TagCount(); i++ {
		gb, _ := g.TagBytes(i)
		wb, _ := w.TagBytes(i)
		_, _, gf, _ := g.Tag(i)
		_, _, wf, _ := w.Tag(i)
		if gf != wf || !bytes.Equal(gb, wb) {
			return fmt.Sprintf("tag %d differs (flags %#x vs %#x, %d vs %d bytes)", i, gf, wf, len(gb), len(wb)), false
		}
	}
	h, mic := g.HeaderSize(), w.FirstFreeByte()
	identical = g.FirstFreeByte() == mic && bytes.Equal(got[h:h+mic], want[h:h+mic])
	for i := 0; i < w.TagCount() && identical; i++ {
		identical = g.tagIb(i) == w.tagIb(i) && g.tagCb(i) == w.tagCb(i)
	}
	return "", identical
}

// PageComparison is the page-by-page outcome of comparing a file built by
// redo with a real database file (ComparePages).
type PageComparison struct {
	// Equal lists the pages whose dbtime matches the real page and that
	// are logically equal to it (PageDiff).
	Equal []uint32
	// LaterReal and EarlierReal list the pages whose dbtime differs: the
	// real copy holds a later (or earlier) state of the page.
	LaterReal, EarlierReal []uint32
	// Unbuilt lists pages used in the real file that redo never wrote.
	Unbuilt []uint32
	// Extra lists pages redo wrote that are empty in the real file.
	Extra []uint32
}

// ComparePages compares every page pgno 1..lastPgno of a file built by
// redo (got, which may be shorter) with the real file. problems lists the
// pages of equal dbtime that are not logically equal, and the built pages
// with bad checksums or a broken structure.
func ComparePages(got, real []byte, ps int, lastPgno uint32) (c PageComparison, problems []string) {
	for pgno := uint32(1); pgno <= lastPgno; pgno++ {
		off := int(pgno+1) * ps
		want := real[off : off+ps]
		gotPage := make([]byte, ps)
		if off+ps <= len(got) {
			gotPage = got[off : off+ps]
		}
		wz, gz := bin.IsZero(want), bin.IsZero(gotPage)
		switch {
		case wz && gz:
			continue
		case gz:
			c.Unbuilt = append(c.Unbuilt, pgno)
			continue
		case wz:
			c.Extra = append(c.Extra, pgno)
			continue
		}
		if ck := ese.ComputePageChecksums(gotPage, pgno); !ck.OK() {
			problems = append(problems, fmt.Sprintf("page %d: replayed page has bad checksums", pgno))
		}
		p, _ := NewPage(append([]byte{}, gotPage...))
		if err := p.Check(); err != nil {
			problems = append(problems, fmt.Sprintf("page %d: replayed page: %v", pgno, err))
		}
		gt, wt := bin.U64(gotPage, pgDBTime), bin.U64(want, pgDBTime)
		switch {
		case gt < wt:
			c.LaterReal = append(c.LaterReal, pgno)
		case gt > wt:
			c.EarlierReal = append(c.EarlierReal, pgno)
		default:
			if d, _ := PageDiff(gotPage, want); d != "" {
				problems = append(problems, fmt.Sprintf("page %d (dbtime %#x): %s", pgno, gt, d))
				continue
			}
			c.Equal = append(c.Equal, pgno)
		}
	}
	return c, problems
}

// Mismatch lists, one line per list, how c differs from want.
func (c PageComparison) Mismatch(want PageComparison) []string {
	var out []string
	for _, f := range []struct {
		name    string
		got, wt []uint32
	}{
		{"equal", c.Equal, want.Equal}, {"later in the copy", c.LaterReal, want.LaterReal},
		{"earlier in the copy", c.EarlierReal, want.EarlierReal}, {"not rebuilt", c.Unbuilt, want.Unbuilt},
		{"only replayed", c.Extra, want.Extra},
	} {
		if !slices.Equal(f.got, f.wt) {
			out = append(out, fmt.Sprintf("pages %s: %v, want %v", f.name, f.got, f.wt))
		}
	}
	return out
}

// NotLaidOutAlike lists the pages of pgnos that are not laid out exactly
// as the real page (PageDiff's identical: the same first free byte, data
// area bytes and tag offsets, not only the same nodes).
func NotLaidOutAlike(got, real []byte, ps int, pgnos []uint32) []string {
	var out []string
	for _, pg := range pgnos {
		off := int(pg+1) * ps
		if off+ps > len(got) || off+ps > len(real) {
			out = append(out, fmt.Sprintf("page %d: missing", pg))
			continue
		}
		if d, identical := PageDiff(bytes.Clone(got[off:off+ps]), bytes.Clone(real[off:off+ps])); d != "" || !identical {
			out = append(out, fmt.Sprintf("page %d: not laid out as the real page (%s)", pg, d))
		}
	}
	return out
}

// SameWholePage reports whether two pages are equal in every byte except
// the checksum fields and the flush-type bits of the flags.
func SameWholePage(a, b []byte) bool {
	a, b = append([]byte{}, a...), append([]byte{}, b...)
	for _, p := range [][]byte{a, b} {
		clear(p[0:8])
		if len(p) > smallPageLimit {
			clear(p[40:64])
		}
		bin.PutU32(p, pgFlags, bin.U32(p, pgFlags)&^uint32(ese.PageFlushTypeMask))
	}
	return bytes.Equal(a, b)
}
