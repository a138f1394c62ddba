package recovery

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/testcorpus"
)

// editDBHeaderFields rewrites both header copies of a database through
// ese.DBHeader (decode, change fields, Encode with a fresh checksum); the
// pages after the two header copies are left alone.
func editDBHeaderFields(t *testing.T, file string, fn func(h *ese.DBHeader)) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	h, err := ese.DecodeDBHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	ps := h.EffectivePageSize()
	fn(h)
	page := h.Encode(ps)
	copy(b[0:ps], page)
	copy(b[ps:2*ps], page)
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The dirty SRUM set attaches SRUDB.dat three times in generation 0x50
// and twice in 0x51: AttachDB records at (0x51,7,268), consistent
// (0x51,5,EA8), and (0x51,A,268), consistent (0x51,8,0), the attach the
// database header records. SRU00051.log's attach list carries the
// attachment of (0x50,B,268), consistent (0x50,9,31). SRU.chk (0x51,9,0)
// has no attach list, so replay starts at the beginning of 0x51 with that
// list. These scenarios move the header's lgposAttach/lgposConsistent to
// hit each branch of the lgposAttach rule (docs/recovery.md#attach-rules, step 3).
func TestPlanAttachPosRule(t *testing.T) {
	for _, sc := range []struct {
		name   string
		edit   func(h *ese.DBHeader)
		code   ese.Error
		action string
		at     ese.LogPos // TruncateAt, when code != 0
	}{
		{name: "unchanged: the last AttachDB equals the header's attach", code: 0, action: ActionReplay},
		{
			// Header attach older than the AttachDB of (0x51,A,268), same
			// consistent time, signLog of the record = the header's: the
			// AttachDB redoes the attachment. (The AttachDB of
			// (0x51,7,268) logs consistent (0x51,5,EA8), older than the
			// header's: "consistent in the future", deferred.)
			name: "AttachDB with matching signLog attaches over an older header attach",
			edit: func(h *ese.DBHeader) { h.AttachPos = ese.LogPos{Generation: 0x51, Sector: 7, Offset: 0x268} },
			code: 0, action: ActionReplay,
		},
		{
			// An older copy of the file: attached at (0x50,8,268),
			// consistent (0x50,9,31) as SRU00051.log's list says, but the
			// list's attach is (0x50,B,268). Attach-list entries cannot
			// redo an attachment: -1216.
			name: "attach-list entry newer than the header's attach stops with -1216",
			edit: func(h *ese.DBHeader) {
				h.AttachPos = ese.LogPos{Generation: 0x50, Sector: 8, Offset: 0x268}
				h.ConsistentPos = ese.LogPos{Generation: 0x50, Sector: 9, Offset: 0x31}
			},
			code: ese.ErrAttachedDatabaseMismatch, action: ActionFail, at: ese.LogPos{Generation: 0x51},
		},
		{
			// Same file, but with a zero consistent position (never
			// consistent since): the rule applies all the same.
			name: "zero header consistent position with an older attach stops with -1216",
			edit: func(h *ese.DBHeader) {
				h.AttachPos = ese.LogPos{Generation: 0x50, Sector: 8, Offset: 0x268}
				h.ConsistentPos = ese.LogPos{}
			},
			code: ese.ErrAttachedDatabaseMismatch, action: ActionFail, at: ese.LogPos{Generation: 0x51},
		},
		{
			// Header attach equal to the list's entry: attached before
			// the first record; the logged detach and re-attaches of 0x51
			// then rewrite the header, so no later check applies.
			name: "header attach equal to the list's entry attaches now",
			edit: func(h *ese.DBHeader) {
				h.AttachPos = ese.LogPos{Generation: 0x50, Sector: 0xB, Offset: 0x268}
				h.ConsistentPos = ese.LogPos{Generation: 0x50, Sector: 9, Offset: 0x31}
			},
			code: 0, action: ActionReplay,
		},
	} {
		t.Run(sc.name, func(t *testing.T) {
			dir := testcorpus.CopySet(t, dirtySRUM)
			db := filepath.Join(dir, "SRUDB.dat")
			if sc.edit != nil {
				editDBHeaderFields(t, db, sc.edit)
			}
			p, err := PlanSoftDir(context.Background(), dir, []string{db}, CheckpointSource{Find: true}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if p.Error != sc.code {
				t.Fatalf("error %d, want %d: %s", p.Error, sc.code, p.Message)
			}
			pd := p.Databases[0]
			if pd.Action != sc.action {
				t.Errorf("action %s, want %s: %s", pd.Action, sc.action, pd.Message)
			}
			if sc.code != 0 {
				if pd.Error != sc.code || pd.TruncateAt == nil || *pd.TruncateAt != sc.at || !strings.Contains(p.Message, "-1216") {
					t.Errorf("database %+v at %v", pd, pd.TruncateAt)
				}
				if p.Err() == nil {
					t.Error("Err() is nil")
				}
			}
		})
	}
}

// A database the logs attach (no CreateDB) that is not given: a skipped
// event with -1216 that does not claim recovery must stop (a later detach
// would release it); the plan follows the detaches, and these logs leave
// it attached, so its verdict is -1216, as Recover's is.
func TestPlanUnmatchedAttachEvent(t *testing.T) {
	dir := testcorpus.CopySet(t, dirtySRUM)
	p, err := PlanSoftDir(context.Background(), dir, nil, CheckpointSource{Find: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Error != ese.ErrAttachedDatabaseMismatch {
		t.Fatalf("plan error %d: %s", p.Error, p.Message)
	}
	n := 0
	for _, e := range p.Events {
		if e.Kind == EventSkipped && strings.Contains(e.Message, "SRUDB.dat") {
			n++
			if e.Code != ese.ErrAttachedDatabaseMismatch || !strings.Contains(e.Message, "attach database") || !strings.Contains(e.Message, "if the logs leave it attached") {
				t.Errorf("event %+v", e)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d events for SRUDB.dat", n)
	}
}

// appdata's edb.log creates IndexedDB.edb (CreateDB at (1,1,268)): planned
// without it, the event says replay skips it unless CreateMissing is set,
// with no error code.
func TestPlanUnmatchedCreateEvent(t *testing.T) {
	dir := testcorpus.CopySet(t, "appdata", "IndexedDB.edb", "edb0000D.log", "edb.chk")
	p, err := PlanSoftDir(context.Background(), dir, nil, CheckpointSource{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range p.Events {
		if e.Kind == EventSkipped && strings.Contains(e.Message, "IndexedDB.edb") {
			found = true
			if e.Code != 0 || !strings.Contains(e.Message, "unless RecoverOptions.CreateMissing is set") || strings.Contains(e.Message, "-1216") {
				t.Errorf("event %+v", e)
			}
		}
	}
	if !found {
		t.Errorf("no event for IndexedDB.edb: %+v", p.Events)
	}
}

// ErrLGRICheckRedoCreateDb (docs/recovery.md#attach-rules, step 6): appdata's edb.log
// creates IndexedDB.edb at (1,1,268), the attach its header records. Moved
// back to (1,1,0) in a dirty header, the file looks like an earlier
// database of the same name: the engine does not overwrite it and defers
// the attachment, so replay into it stops at the CreateDB. A JustCreated
// header is recreated from the log instead.
func TestPlanCreateDBOverOlderAttach(t *testing.T) {
	create := ese.LogPos{Generation: 1, Sector: 1, Offset: 0x268}
	for _, sc := range []struct {
		name   string
		state  ese.DBState
		action string
	}{
		{"dirty header with an older attach: deferred at the CreateDB", ese.DBStateDirtyShutdown, ActionTruncate},
		{"JustCreated header: created from the log", ese.DBStateJustCreated, ActionReplay},
	} {
		t.Run(sc.name, func(t *testing.T) {
			dir := testcorpus.CopySet(t, "appdata", "edb0000D.log")
			db := filepath.Join(dir, "IndexedDB.edb")
			editDBHeaderFields(t, db, func(h *ese.DBHeader) {
				h.State = sc.state
				h.AttachPos = ese.LogPos{Generation: 1, Sector: 1}
				h.ConsistentPos = ese.LogPos{}
			})
			p, err := PlanSoftDir(context.Background(), dir, []string{db}, CheckpointSource{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			pd := p.Databases[0]
			if p.Error != 0 || pd.Error != 0 || pd.Action != sc.action {
				t.Fatalf("plan error %d, database %s error %d: %s / %s", p.Error, pd.Action, pd.Error, p.Message, pd.Message)
			}
			if sc.action == ActionTruncate {
				if pd.TruncateAt == nil || *pd.TruncateAt != create || !strings.Contains(pd.Message, "defers the attachment") {
					t.Errorf("truncated at %v: %s", pd.TruncateAt, pd.Message)
				}
			} else if pd.TruncateAt != nil {
				t.Errorf("truncated at %v: %s", pd.TruncateAt, pd.Message)
			}
		})
	}
}
