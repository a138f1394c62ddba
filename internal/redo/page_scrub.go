package redo

import (
	"fmt"
	"slices"

	"github.com/esekit/esekit/ese"
)

// Scrub operations, one per line of a Scrub record (type 64, SCRUBOPER in
// src/inc/node.hxx).
const (
	ScrubOperNone   = 0 // leave the line as it is
	ScrubOperData   = 1 // overwrite the node's data (a deleted node)
	ScrubOperLVData = 2 // overwrite a long-value chunk, recognisably
)

// Fill bytes of database scrubbing (chSCRUBDBMaint* in src/inc/daedef.hxx).
const (
	scrubDeletedDataFill = 'D' // data of a deleted node
	scrubLVChunkFill     = 'L' // long-value chunk, after its signature byte
	scrubUsedPageFill    = 'Z' // free space of a page still in use
	scrubUnusedPageFill  = 'U' // free space of an unused page
	// scrubLVSignature is the first byte of a scrubbed long-value chunk:
	// compression scheme COMPRESS_SCRUB (4) in the top five bits, so that
	// decompression recognises it.
	scrubLVSignature = 4 << 3
)

// RedoScrub redoes a Scrub record (type 64, docs/log-records.md#scrub;
// ErrLGRIRedoScrub, ErrNDScrubOneUnusedPage, ErrNDScrubOneUsedPage). After
// the dbtime test the page gets the Scrubbed flag, then:
//
//   - unusedPage: every line is deleted (the external header and reserved
//     tags stay) and all unused space is filled with 'U';
//   - otherwise opers holds one operation per line (ScrubOper*): the data
//     of a ScrubOperData line is filled with 'D', that of a
//     ScrubOperLVData line becomes the scrubbed-chunk signature followed
//     by 'L' bytes, and both lose their Versioned flag; then all unused
//     space is filled with 'Z'.
//
// Filling unused space (CPAGE::OverwriteUnusedSpace) does not move any
// node: when the free space is fragmented, the bytes before the first
// node and the gaps between nodes are filled and the first free byte
// moves to the end of the last node; then the space up to the tag array is
// filled. A list of operations whose length is not the page's line count,
// or an unknown operation, is ese.ErrLogOperationInconsistentWithDatabase.
func RedoScrub(p *Page, op RedoOp, unusedPage bool, opers []byte) (bool, error) {
	if redo, err := op.gate(p); !redo || err != nil {
		return false, err
	}
	if err := p.ensure(); err != nil {
		return false, op.wrap("Scrub", err)
	}
	p.SetFlags(p.Flags() | ese.PageScrubbed)
	fill := byte(scrubUnusedPageFill)
	if unusedPage {
		for p.Lines() > 0 {
			if err := p.DeleteLine(0); err != nil {
				return false, op.wrap("Scrub", err)
			}
		}
	} else {
		fill = scrubUsedPageFill
		if len(opers) != p.Lines() {
			return false, op.wrap("Scrub", fmt.Errorf("%d scrub operations for a page of %d lines: %w", len(opers), p.Lines(), ese.ErrLogOperationInconsistentWithDatabase))
		}
		for iline, o := range opers {
			if o == ScrubOperNone {
				continue
			}
			if o != ScrubOperData && o != ScrubOperLVData {
				return false, op.wrap("Scrub", fmt.Errorf("unknown scrub operation %d on line %d: %w", o, iline, ese.ErrLogOperationInconsistentWithDatabase))
			}
			n, err := p.Node(iline)
			if err != nil {
				return false, op.wrap("Scrub", err)
			}
			// n.Data aliases the page.
			if o == ScrubOperData {
				for i := range n.Data {
					n.Data[i] = scrubDeletedDataFill
				}
			} else if len(n.Data) > 0 {
				n.Data[0] = scrubLVSignature
				for i := 1; i < len(n.Data); i++ {
					n.Data[i] = scrubLVChunkFill
				}
			}
			if err := p.SetLineFlags(iline, n.Flags&^NodeVersioned); err != nil {
				return false, op.wrap("Scrub", err)
			}
		}
	}
	p.overwriteUnusedSpace(fill)
	p.SetDBTime(op.DBTime)
	return true, nil
}

// overwriteUnusedSpace fills every byte of the data area that no tag
// covers with c, without moving nodes (CPAGE::OverwriteUnusedSpace and
// ZeroOutGaps_).
func (p *Page) overwriteUnusedSpace(c byte) {
	data := p.b[p.hdr:]
	if p.contiguousFree() != p.FreeBytes() {
		type span struct{ ib, cb int }
		var spans []span
		for it := 0; it < p.TagCount(); it++ {
			if cb := p.tagCb(it); cb > 0 {
				spans = append(spans, span{p.tagIb(it), cb})
			}
		}
		slices.SortFunc(spans, func(a, b span) int { return a.ib - b.ib })
		end := 0
		for _, s := range spans {
			for i := end; i < s.ib && i < len(data); i++ {
				data[i] = c
			}
			end = max(end, s.ib+s.cb)
		}
		p.setFirstFreeByte(end)
	}
	from := p.FirstFreeByte()
	to := from + p.contiguousFree()
	for i := from; i < to && i < len(data); i++ {
		data[i] = c
	}
	p.Invalidate()
}

// stampRedone gives a page changed by redo the record's dbtime and, as
// CPAGE::Dirty does for every change but a scrub, clears its Scrubbed flag.
// mark records the outcome for one page of a structural redo (split,
// merge): a page that needed the change is stamped with the macro's dbtime
// and marked dirty; one that did not is listed as skipped. A nil page (not
// part of this operation) is ignored.
func (res *RedoResult) mark(s PageAccess, pgno uint32, p *Page, upd bool, dbtime uint64) error {
	if p == nil {
		return nil
	}
	if !upd {
		res.Skipped = append(res.Skipped, pgno)
		return nil
	}
	stampRedone(p, dbtime)
	res.Pages = append(res.Pages, pgno)
	return s.MarkDirty(pgno, p)
}

func stampRedone(p *Page, dbtime uint64) {
	p.SetDBTime(dbtime)
	p.SetFlags(p.Flags() &^ ese.PageScrubbed)
}
