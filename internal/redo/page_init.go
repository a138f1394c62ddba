package redo

import (
	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// Marker values the engine stores in the checksum fields of a freshly
// formatted large page (CPAGE::PreInitializeNewPage_). Writing the page
// replaces them with real checksums.
const (
	preInitChecksum0 = 0xdeadbeefbaadf00d
	preInitChecksum1 = 0x6570755320455345
	preInitChecksum2 = 0x524f584343452072
	preInitChecksum3 = 0x6d75736b63656843
)

// FormatPreInit formats the page as a new "pre-initialised" page, as the
// engine does for a NewPage record or before building a tree root
// (CPAGE::PreInitializeNewPage_): all bytes zero, flags PreInit and
// NewRecordFormat, no tags, every data byte free, the given dbtime and
// owner, and on large pages the page's own number.
func (p *Page) FormatPreInit(pgno, objidFDP uint32, dbtime uint64) {
	clear(p.b)
	bin.PutU32(p.b, pgObjid, objidFDP)
	p.setFreeBytes(p.dataArea())
	p.SetDBTime(dbtime)
	if p.large {
		bin.PutU32(p.b, pgLargePgno, pgno)
		bin.PutU64(p.b, 0, preInitChecksum0)
		bin.PutU64(p.b, 40, preInitChecksum1)
		bin.PutU64(p.b, 48, preInitChecksum2)
		bin.PutU64(p.b, 56, preInitChecksum3)
	}
	p.SetFlags(ese.PagePreInit | ese.PageNewRecordFormat)
	p.checked = true
}

// ConsumePreInit turns a pre-initialised page into a used one
// (CPAGE::ConsumePreInitPage): it adds the empty external-header tag and
// sets the page flags to flags|NewRecordFormat without PreInit.
func (p *Page) ConsumePreInit(flags ese.PageFlags) {
	if p.ReservedTagFormat {
		bin.PutU16(p.b, pgTagState, 1<<tagResvShift|1)
	} else {
		bin.PutU16(p.b, pgTagState, 1)
	}
	p.setFreeBytes(p.FreeBytes() - tagBytes)
	p.setTagIb(0, 0)
	p.setTagCb(0, 0)
	p.setTagFlags(0, 0)
	p.SetFlags((flags | ese.PageNewRecordFormat) &^ ese.PagePreInit)
	p.checked = false
}
