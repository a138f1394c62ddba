package recovery

import (
	"fmt"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/redo"
)

// session is the redo state of one logging session (procid), as the
// engine rebuilds it during replay (ErrLGRIPpibFromProcid): its
// transaction level, whether it has replayed a Begin0 inside the replayed
// range (docs/recovery.md#redo-gates, gate 1), the macro it has open, and the version
// entries of its open transaction.
type session struct {
	procid uint16
	// level is the current transaction level (0 = no transaction).
	level int
	// afterFirstBegin0 is the engine's FAfterFirstBT: records of a session
	// are redone only after its first Begin0 in the replayed range.
	afterFirstBegin0 bool
	// begin0 is where the open level-0 transaction began.
	begin0 ese.LogPos
	// macro is the open macro, nil when none.
	macro *macro
	// versions are the version-store entries of the open transaction, in
	// the order the operations were redone.
	versions []*version
	// arena holds the entries replay captures and their bytes until the
	// outermost transaction ends (dropVersions).
	arena captureArena
}

// dropVersions empties the version store of the session when its
// outermost transaction ends, and reuses the memory of its entries for
// the next one: nothing outside versions may still refer to them.
func (s *session) dropVersions() {
	clear(s.versions)
	s.versions = s.versions[:0]
	s.arena.reset()
}

// capture records the version entry of a versioned node record of the
// open transaction (captureVersion) in the session's arena; the caller
// appends it to versions once redo succeeded. A session already holding
// maxVersions entries captures nothing (the entry would be dropped).
func (s *session) capture(st *redo.PageStore, db *dbRun, r eselog.NodeRecord) (*version, error) {
	if len(s.versions) >= maxVersions {
		return nil, nil
	}
	return s.arena.capture(st, db, r, s.level)
}

// macro is an open MacroBegin..MacroCommit of a session: the records that
// carry its dbtime are buffered until the commit (docs/recovery.md#redo-gates, gate 2).
type macro struct {
	dbtime uint64
	at     ese.LogPos
	recs   []eselog.Record
}

// maxMacroRecords bounds a macro read from hostile logs.
const maxMacroRecords = 1 << 16

// maxLevel is the engine's deepest transaction level.
const maxLevel = 15

func (s *session) begin(r *eselog.Begin, isBegin0 bool) error {
	to := int(r.LevelBeginFrom) + int(r.LevelsToBegin)
	if to > maxLevel {
		return ese.NewFormatError("Begin record", -1, ese.ErrLogCorrupted, "session %d begins level %d", s.procid, to)
	}
	if isBegin0 || r.LevelBeginFrom == 0 {
		if isBegin0 && r.LevelBeginFrom == 0 {
			s.afterFirstBegin0 = true
			s.begin0 = r.At
			s.dropVersions()
		}
	}
	s.level = to
	return nil
}

// commit commits to level to: entries of deeper levels now belong to it
// (the version store keeps them until the level-0 commit).
func (s *session) commit(to int) {
	if to < 0 {
		to = 0
	}
	s.level = to
	if to == 0 {
		s.dropVersions()
		return
	}
	for _, v := range s.versions {
		if v.level > to {
			v.level = to
		}
	}
}

// rollback rolls back n levels. The page changes of the rolled-back
// operations were logged as Undo records before the Rollback record and
// have consumed their entries; what is left of the levels is dropped.
func (s *session) rollback(n int) {
	to := max(s.level-n, 0)
	kept := s.versions[:0]
	for _, v := range s.versions {
		if v.level <= to {
			kept = append(kept, v)
		}
	}
	clear(s.versions[len(kept):])
	s.versions = kept
	if to == 0 {
		s.dropVersions()
	}
	s.level = to
}

// open reports whether the session has a transaction that redo saw begin.
func (s *session) open() bool { return s.afterFirstBegin0 && s.level > 0 }

func (s *session) String() string {
	return fmt.Sprintf("session %d (level %d, began %v)", s.procid, s.level, s.begin0)
}
