package recovery

import (
	"bytes"
	"errors"
	"testing"

	"github.com/esekit/esekit/ese"
)

// A database header rewritten by recovery no longer matches the flush map
// that was current for the dirty database: markClean writes the header as
// the engine writes one without a map (new DbHdrFlushSignature,
// FlushMapHdrFlushSignature zero), so the engine discards the map at
// attach (JET_errFlushMapDatabaseMismatch) instead of trusting it.
func TestMarkCleanMakesFlushMapStale(t *testing.T) {
	dbSig := ese.Signature{Random: 0x0E0D0C0B, Created: ese.LogTime{4, 3, 2, 14, 2, 121, 1, 0}}
	fmSig := ese.Signature{Random: 0x902F1DD2, Created: ese.LogTime{19, 39, 2, 14, 2, 121, 1, 0}}
	h := &ese.DBHeader{
		Magic: ese.DBMagic, FormatVersion: ese.DBFormatVersion, FormatUpdateMajor: 20, PageSize: 4096,
		State: ese.DBStateDirtyShutdown, GenMinRequired: 81, GenMaxRequired: 82,
		DbSignature:               ese.Signature{Random: 7, Created: ese.LogTime{1, 1, 1, 1, 1, 120, 1, 0}},
		DbHdrFlushSignature:       dbSig,
		FlushMapHdrFlushSignature: fmSig,
		RBSHdrFlushSignature:      ese.Signature{Random: 0x5EED, Created: ese.LogTime{1, 2, 3, 4, 5, 121, 1, 0}},
	}
	// The map as the engine leaves it when the database header was written
	// after the map's header: the database header carries its map
	// signature; the map holds an older database signature.
	fm := &ese.FlushMapHeader{
		VersionMajor: 3, FileType: ese.FileTypeFlushMap, GenMinRequired: 81,
		DbHdrFlushSignature:       ese.Signature{Random: 0x9284075F},
		FlushMapHdrFlushSignature: fmSig,
	}
	page := fm.Encode()
	fm, err := ese.ReadFlushMapHeader(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	if err := fm.Check(h, true); err != nil {
		t.Fatalf("map not usable with the dirty header: %v", err)
	}

	at := ese.LogPos{Generation: 0x52, Sector: 1, Offset: 0x31}
	tm := ese.LogTime{30, 40, 12, 15, 2, 121, 1, 0}
	markClean(h, at, tm, 0, 0, false)
	if !h.FlushMapHdrFlushSignature.IsZero() || !h.RBSHdrFlushSignature.IsZero() {
		t.Errorf("FlushMapHdrFlushSignature = %v, RBSHdrFlushSignature = %v, want both zero", h.FlushMapHdrFlushSignature, h.RBSHdrFlushSignature)
	}
	if h.DbHdrFlushSignature.IsZero() || h.DbHdrFlushSignature == dbSig || h.DbHdrFlushSignature.Created != tm {
		t.Errorf("DbHdrFlushSignature = %v, want a new one created %v", h.DbHdrFlushSignature, tm)
	}
	if fm.Current(h) {
		t.Error("the old flush map is still current for the recovered header")
	}
	if err := fm.Check(h, true); !errors.Is(err, ese.ErrFlushMapDatabaseMismatch) {
		t.Errorf("Check = %v, want JET_errFlushMapDatabaseMismatch", err)
	}
	// Even a map whose database signature equals the new one would have
	// to be written after the recovered header; the zero map signature
	// can never match (the engine needs a set signature).
	zero := &ese.FlushMapHeader{Flags: ese.FlushMapFlagClean}
	if zero.Current(h) {
		t.Error("a map with zero signatures matches the recovered header")
	}
}
