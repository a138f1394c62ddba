package fuzz

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/testcorpus"
	"github.com/esekit/esekit/recovery"
)

// replayFuzzSegments is how much of a log the replay fuzzer varies: the
// 4096-byte header and the first segments.
const replayFuzzSegments = 6

// replayFuzzDB returns the two header pages of a JustCreated database for
// the replay fuzzer: IndexedDB.edb's header (the database edb.log
// creates) when the corpus is there, else a minimal synthetic one.
func replayFuzzDB() []byte {
	const ps = 32768
	var h *ese.DBHeader
	if b, err := os.ReadFile(filepath.Join(testcorpus.Dir(), "appdata", "IndexedDB.edb")); err == nil && len(b) >= ps {
		h, _ = ese.DecodeDBHeader(b[:ps])
	}
	if h == nil {
		h = &ese.DBHeader{Magic: ese.DBMagic, FormatVersion: 0x620, FormatUpdateMajor: 20, PageSize: ps, FileType: ese.FileTypeDatabase}
	}
	h.State = ese.DBStateJustCreated
	h.ConsistentPos, h.DetachPos = ese.LogPos{}, ese.LogPos{}
	h.GenMinRequired, h.GenMaxRequired = 1, 1
	out := make([]byte, 2*ps)
	hb := h.Encode(ps)
	copy(out, hb)
	copy(out[ps:], hb)
	return out
}

// FuzzRecoveryReplay replays a log whose header and first segments are
// fuzzed (the header's file size and checksum and the segment checksums
// are recomputed so the records themselves get exercised) into a
// JustCreated database through recovery.Recover: whatever the records say,
// recovery must not panic, hang, write outside its output folder or grow
// the database past the size limit, and a database it reports recovered
// must be CleanShutdown.
func FuzzRecoveryReplay(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join(testcorpus.Dir(), "appdata", "edb.log")); err == nil && len(b) >= replayFuzzLogSize {
		f.Add(b[:(1+replayFuzzSegments)*4096])
		f.Add(b[:3*4096])
	}
	f.Add(make([]byte, 4096))
	db := replayFuzzDB()
	f.Fuzz(func(t *testing.T, head []byte) { replayOnce(t, db, head) })
}

// replayFuzzLogSize is the size of the log the replay fuzzer builds: the
// header, the fuzzed segments and one empty segment after them. (A whole
// 512 KiB log, as edb.log is, made recovery checksum 120 empty segments
// on every call.)
const replayFuzzLogSize = (1 + replayFuzzSegments + 1) * 4096

// replayOnce is FuzzRecoveryReplay's body: it builds a log from head,
// replays it into a copy of db and checks the outcome.
//
// Recovery syncs every file it writes, so on a disk-backed temporary folder
// each call waits for the disk: .ci/run and fuzz/campaign.sh point TMPDIR
// at a memory file system when there is one.
func replayOnce(t *testing.T, db, head []byte) {
	if len(head) > (1+replayFuzzSegments)*4096 {
		head = head[:(1+replayFuzzSegments)*4096]
	}
	logb := make([]byte, replayFuzzLogSize)
	copy(logb, head)
	binary.LittleEndian.PutUint16(logb[8:], 4096) // sector size
	binary.LittleEndian.PutUint16(logb[12:], replayFuzzLogSize/4096)
	binary.LittleEndian.PutUint32(logb, ese.HeaderChecksum(logb[:4096]))
	for i := 1; (i+1)*4096 <= len(head); i++ {
		seg := logb[i*4096 : (i+1)*4096]
		if !bin.IsZero(seg) {
			ese.SetPageChecksum(seg, uint32(i))
		}
	}
	in := t.TempDir()
	dbPath := filepath.Join(in, "IndexedDB.edb")
	if err := os.WriteFile(dbPath, db, 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	plan := &recovery.Plan{Mode: recovery.ModeSoft, Start: ese.LogPos{Generation: 1, Sector: 1},
		Logs:      []recovery.PlanLog{{File: "edb.log", Generation: 1}},
		Databases: []recovery.PlanDatabase{{File: dbPath, ReplayFrom: 1, ReplayTo: 1, Action: recovery.ActionReplay}},
		Inputs:    recovery.PlanInputs{Logs: fstest.MapFS{"edb.log": &fstest.MapFile{Data: logb}}}}
	res, err := recovery.Recover(context.Background(), plan, &recovery.RecoverOptions{OutDir: out,
		CacheBytes: 1 << 20, MaxFileBytes: 8 << 20})
	ents, _ := os.ReadDir(out)
	if err != nil {
		if len(ents) != 0 {
			t.Fatalf("failed recovery left %d files", len(ents))
		}
		return
	}
	if len(ents) != 1 || res.Databases[0].StateAfter != "CleanShutdown" {
		t.Fatalf("recovered: %d files, %+v", len(ents), res.Databases[0])
	}
	st, err := os.Stat(filepath.Join(out, "IndexedDB.edb"))
	if err != nil || st.Size() > 8<<20 {
		t.Fatalf("output %v, %v", st, err)
	}
}
