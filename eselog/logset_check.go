package eselog

import (
	"fmt"
	"strings"

	"github.com/esekit/esekit/ese"
)

// CheckpointInfo is what the set check needs from a checkpoint file.
type CheckpointInfo struct {
	// File names the checkpoint (for messages).
	File string
	// Pos is lgposCheckpoint: where soft recovery starts.
	Pos ese.LogPos
	// Signature is the checkpoint's log signature.
	Signature ese.Signature
}

// Replay is the engine's walk over a log folder in soft recovery
// (docs/recovery.md#open-the-tail to docs/recovery.md#ceiling): which
// generation it starts at, which it ends at,
// and the error it stops with. Files are found by NAME, as the engine finds
// them, and checked by their bytes.
type Replay struct {
	// Start is the first generation replayed, 0 when nothing is.
	Start ese.Generation `json:"start"`
	// End is the last generation replayed (the current log's when it is
	// reached).
	End ese.Generation `json:"end"`
	// FromCheckpoint reports that Start came from the checkpoint rather
	// than from the lowest numbered log.
	FromCheckpoint bool `json:"from_checkpoint"`
	// NewStream reports a folder without any log: the engine would start
	// a new log stream at generation 1 and delete the checkpoint.
	NewStream bool `json:"new_stream"`
	// NoRecovery reports the engine's fast path (docs/recovery.md#open-the-tail,
	// step 3): the current log was closed normally and the checkpoint is at its
	// closing record, so no recovery runs at all.
	NoRecovery bool `json:"no_recovery"`
	// End position of the valid data of the last log walked (the
	// engine's lgposLastRec), zero when its body was not read.
	EndPos ese.LogPos `json:"end_pos"`
	// Files are the files replayed, in order.
	Files []string `json:"files"`
	// Error is the engine error recovery stops with, 0 when it reaches
	// the end.
	Error ese.Error `json:"error"`
	// FailedAt is the generation being opened when Error was raised.
	FailedAt ese.Generation `json:"failed_at,omitempty"`
	// Message explains Error.
	Message string `json:"message,omitempty"`
	// Signature is the log stream signature the walk established.
	Signature ese.Signature `json:"-"`
	// Missing is the range of generations whose absence stopped the walk
	// (a gap, the log the checkpoint points into, the current log), nil
	// otherwise; MissingFiles names those files ("SRU00050.log", or
	// "SRU00050.log through SRU00052.log").
	Missing      *GenRange `json:"missing,omitempty"`
	MissingFiles string    `json:"missing_files,omitempty"`
	// NoCurrentLog reports a walk that ended at the highest numbered log
	// because the current log is missing: a temp log shows a crash
	// during rollover, or ReplayOptions.AllowMissingCurrentLog allowed it.
	NoCurrentLog bool `json:"no_current_log,omitempty"`
}

// Err returns the walk's verdict as an error, nil when it reaches the
// end. A walk stopped by a missing log gives an *ese.MissingLogError, so
// that errors.Is matches both ese.ErrMissingLog and the engine code.
func (r *Replay) Err() error {
	if r == nil || r.Error == 0 {
		return nil
	}
	if r.Missing != nil {
		return &ese.MissingLogError{Code: r.Error, Low: r.Missing.Low, High: r.Missing.High, Files: r.MissingFiles, Msg: r.Message}
	}
	return fmt.Errorf("%s: %w", r.Message, r.Error)
}

// ReplayOptions are the engine's recovery switches (JetInit3 grbits,
// dev/ese/published/inc/jethdr.w) that change the walk and the verdict.
// The zero value is the engine's default.
type ReplayOptions struct {
	// AllowMissingCurrentLog lets the walk end at the highest numbered
	// log when the current log (and the temp log) is missing, as
	// JET_bitAllowMissingCurrentLog and JET_bitReplayIgnoreLostLogs do
	// (the JET_sntMissingLog callback turns the -528 into success,
	// dev/ese/src/ese/tm.cxx).
	AllowMissingCurrentLog bool
	// IgnoreLostLogs is JET_bitReplayIgnoreLostLogs: it allows a missing
	// current log as AllowMissingCurrentLog does, and a database whose
	// committed (but not required) generations are beyond the end of the
	// logs is brought clean with warning JET_wrnCommittedLogFilesLost
	// (585) instead of failing with JET_errCommittedLogFilesMissing
	// (-582). Missing required logs still fail (-543).
	IgnoreLostLogs bool
	// AllowBackup is JET_bitAllowSoftRecoveryOnBackup: soft recovery of
	// a copy from an online backup (bkinfoFullCur.genLow set, genHigh 0)
	// instead of JET_errSoftRecoveryOnBackupDatabase (-544).
	AllowBackup bool
}

// maxWalk bounds the replay walk; every step needs a distinct file, so it
// never needs more steps than there are files.
func (s *Set) maxWalk() int { return len(s.Files) + 2 }

func (s *Set) currentFile() *SetFile {
	for _, f := range s.Files {
		ln := parseLogName(f.File)
		if ln.Role == RoleCurrent && s.inBase(ln) {
			return f
		}
	}
	return nil
}

// Replay walks the folder as the engine's soft recovery would, starting at
// ckpt when it is non-nil (a readable checkpoint), else at the lowest
// numbered log.
func (s *Set) Replay(ckpt *CheckpointInfo) Replay { return s.ReplayWith(ckpt, nil) }

// ReplayWith is Replay with the engine's recovery switches (nil: none).
func (s *Set) ReplayWith(ckpt *CheckpointInfo, opts *ReplayOptions) Replay {
	var o ReplayOptions
	if opts != nil {
		o = *opts
	}
	var r Replay
	cur := s.currentFile()
	highName := ese.Generation(0)
	lowName := ese.Generation(0)
	for g := range s.byNameGen {
		highName = max(highName, g)
		if lowName == 0 || g < lowName {
			lowName = g
		}
	}
	end := ese.Generation(0)
	haveSig := false
	fail := func(code ese.Error, g ese.Generation, format string, args ...any) Replay {
		r.Error, r.FailedAt, r.Message = code, g, fmt.Sprintf(format, args...)
		return r
	}
	// missing notes the generations from g up to the next log present
	// as the ones whose absence stops the walk, and names them.
	missing := func(g ese.Generation) string {
		hi := s.gapEnd(g, cur)
		r.Missing = &GenRange{g, hi}
		r.MissingFiles = s.RangeNames(g, hi)
		if hi > g {
			return fmt.Sprintf("%s (generations 0x%X-0x%X) are missing", r.MissingFiles, g, hi)
		}
		return fmt.Sprintf("%s (generation 0x%X) is missing", r.MissingFiles, g)
	}
	if cur != nil {
		if !cur.HasHeader() {
			return fail(ese.ErrLogFileCorrupt, 0, "the current log %s has no valid header: %v", cur.File, cur.Err)
		}
		r.Signature, haveSig = cur.Signature, true
		end = cur.Generation
	} else if len(s.byNameGen) > 0 {
		if s.TempLog == "" && !o.AllowMissingCurrentLog && !o.IgnoreLostLogs {
			r.Missing = &GenRange{highName + 1, highName + 1}
			r.MissingFiles = s.Base + s.Ext
			return fail(ese.ErrMissingLogFile, highName+1, "the current log %s%s is missing and no %stmp%s shows a crash during rollover; allowing a missing current log (JET_bitAllowMissingCurrentLog, eseutil /r /a) replays up to the end of %s", s.Base, s.Ext, s.Base, s.Ext, s.RangeNames(highName, highName))
		}
		r.NoCurrentLog = true
		end = highName
	} else {
		r.NewStream = true
		r.Message = "no log files: the engine would start a new log stream at generation 1 and delete the checkpoint"
		return r
	}

	start := lowName
	if start == 0 {
		start = end
	}
	if ckpt != nil {
		if haveSig && !ckpt.Signature.Equal(r.Signature) {
			return fail(ese.ErrBadCheckpointSignature, ckpt.Pos.Generation, "the checkpoint %s belongs to log stream %s, the current log to %s", ckpt.File, ckpt.Signature, r.Signature)
		}
		if cur != nil {
			if bi := cur.scanBody(true); bi.err == nil && bi.tailErr == nil && bi.closed && bi.lastTerm == ckpt.Pos {
				r.NoRecovery = true
				r.Start, r.End, r.EndPos = cur.Generation, cur.Generation, bi.end
				r.Message = fmt.Sprintf("%s was closed normally and the checkpoint is at its closing record %s: no recovery runs", cur.File, ckpt.Pos)
				return r
			}
		}
		start = ckpt.Pos.Generation
		r.FromCheckpoint = true
	}
	r.Start = start
	var prev *SetFile
	g := start
	for step := 0; step < s.maxWalk(); step++ {
		// The engine opens the archived name first, then the current log
		// (whatever generation it holds: the header check follows).
		f := s.byNameGen[g]
		if f == nil && cur != nil && (prev != nil || cur.Generation == g) {
			f = cur
		}
		if f == nil {
			switch {
			case prev == nil && r.FromCheckpoint:
				return fail(ese.ErrMissingLogFile, g, "the checkpoint points into generation 0x%X, but %s", g, missing(g))
			case prev == nil:
				return fail(ese.ErrMissingPreviousLogFile, g, "the first log to replay: %s", missing(g))
			case cur == nil && g > highName:
				r.End = g - 1
				return r // the end of the logs, with a temp log present
			default:
				// A gap with no current log: GAP_LOG_FILE_GEN_ID, -528
				// (ErrLGIRedoFill, dev/ese/src/ese/_log/logredo.cxx).
				return fail(ese.ErrMissingLogFile, g, "%s: replay cannot cross the gap after %s", missing(g), prev.File)
			}
		}
		if !f.HasHeader() {
			return fail(ese.ErrLogFileCorrupt, g, "%s has no valid log header: %v", f.File, f.Err)
		}
		if f.Generation != g {
			if prev == nil {
				return fail(ese.ErrMissingPreviousLogFile, g, "%s should hold generation 0x%X but holds 0x%X", f.File, g, f.Generation)
			}
			if f == cur && s.byNameGen[g] == nil && f.Generation > g {
				// The archived name is missing, so the engine opens the
				// current log in its place and finds a later generation.
				return fail(ese.ErrInvalidLogSequence, g, "%s, so the engine opens the current log %s in its place, which holds generation 0x%X: replay cannot cross the gap after %s", missing(g), f.File, f.Generation, prev.File)
			}
			return fail(ese.ErrInvalidLogSequence, g, "%s should hold generation 0x%X but holds 0x%X", f.File, g, f.Generation)
		}
		if !haveSig {
			r.Signature, haveSig = f.Signature, true
			if ckpt != nil && !ckpt.Signature.Equal(r.Signature) {
				return fail(ese.ErrBadCheckpointSignature, g, "the checkpoint %s belongs to log stream %s, the logs to %s", ckpt.File, ckpt.Signature, r.Signature)
			}
		}
		if !f.Signature.Equal(r.Signature) {
			return fail(ese.ErrBadLogSignature, g, "%s belongs to log stream %s, not %s", f.File, f.Signature, r.Signature)
		}
		if want := int64(f.FileSectors) * int64(f.SectorSize); f.Size > 0 && want > 0 && f.Size != want {
			return fail(ese.ErrLogFileSizeMismatch, g, "%s is %d bytes, its header says %d", f.File, f.Size, want)
		}
		if prev != nil && f.PrevCreated != prev.Created {
			return fail(ese.ErrInvalidLogSequence, g, "%s does not chain to %s: its previous-generation time is %s, %s was created %s", f.File, prev.File, f.PrevCreated, prev.File, prev.Created)
		}
		if prev != nil && accumulatedChecked(f.Header) {
			if bi := prev.scanBody(false); bi.err == nil && bi.tailErr == nil && bi.acc != f.PrevAccumulated {
				return fail(ese.ErrLogSequenceChecksumMismatch, g, "%s expects the segments of %s to XOR to 0x%016X, they give 0x%016X", f.File, prev.File, f.PrevAccumulated, bi.acc)
			}
		}
		if bi := f.scanBody(f == cur); bi.err == nil && bi.tailErr != nil {
			r.Files = append(r.Files, f.File)
			r.End = g
			return fail(ese.ErrLogFileCorrupt, g, "%s is corrupt; records before the damage are replayed: %v", f.File, bi.tailErr)
		}
		r.Files = append(r.Files, f.File)
		r.End = g
		if bi := f.scanBody(f == cur); bi.err == nil {
			r.EndPos = bi.end
		}
		prev = f
		if f == cur || (cur == nil && g == highName) {
			return r
		}
		g++
	}
	return fail(ese.ErrMissingLogFile, g, "replay walk did not reach the current log")
}

// Verdict is the answer for one database: which generations it needs,
// which are missing, and whether soft recovery in this folder brings it
// clean. Field names map to the per-database JSON of `esekit check`.
type Verdict struct {
	// File names the database.
	File string `json:"file"`
	// State is the database state.
	State string `json:"state"`
	// Anchor is the anchor log generation (Database.Anchor).
	Anchor ese.Generation `json:"anchor"`
	// Required is the range of generations the database needs; zero for a
	// clean database.
	Required GenRange `json:"required"`
	// Missing lists required generations not present as members of the
	// set (at most maxMissingList of them; MissingCount has the total).
	Missing      []ese.Generation `json:"missing"`
	MissingCount int64            `json:"missing_count"`
	// Replayable reports that the engine would bring the database clean.
	Replayable bool `json:"replayable"`
	// Error is the engine error the engine would stop with, 0 if none.
	Error ese.Error `json:"error"`
	// Message explains the verdict in words a person can act on.
	Message string `json:"message"`
	// Replay is the engine's walk over the folder.
	Replay Replay `json:"replay"`
	// Remedy says what would let recovery go ahead, when the verdict
	// knows (a gap in the logs).
	Remedy string `json:"remedy,omitempty"`
	// LostLogs reports a database brought clean without some of its
	// committed logs (ReplayOptions.IgnoreLostLogs): the engine ends with
	// warning JET_wrnCommittedLogFilesLost (585).
	LostLogs bool `json:"lost_logs,omitempty"`
}

// Err returns the verdict as an error, nil when the database is
// replayable. A verdict stopped by a missing log gives an
// *ese.MissingLogError (errors.Is matches ese.ErrMissingLog and the code).
func (v *Verdict) Err() error {
	if v == nil || v.Error == 0 {
		return nil
	}
	if v.Replay.Missing != nil && v.Error == v.Replay.Error {
		m := v.Replay.Missing
		return &ese.MissingLogError{Code: v.Error, Low: m.Low, High: m.High, Files: v.Replay.MissingFiles, Msg: v.Message}
	}
	return fmt.Errorf("%s: %w", v.Message, v.Error)
}

// maxMissingList bounds Verdict.Missing: a hostile header can claim two
// billion required generations.
const maxMissingList = 1024

// Check gives the verdict for db against the set, with the checkpoint ckpt
// when one is present and readable (nil otherwise). Without a database or
// a set the verdict carries ese.ErrInvalidParameter.
func (s *Set) Check(db *Database, ckpt *CheckpointInfo) Verdict { return s.CheckWith(db, ckpt, nil) }

// CheckWith is Check with the engine's recovery switches (nil: none).
func (s *Set) CheckWith(db *Database, ckpt *CheckpointInfo, opts *ReplayOptions) Verdict {
	if db == nil || s == nil {
		return Verdict{Missing: []ese.Generation{}, Error: ese.ErrInvalidParameter,
			Message: "no database or no log set to check it against"}
	}
	var o ReplayOptions
	if opts != nil {
		o = *opts
	}
	v := Verdict{File: db.File, State: db.State.String(), Anchor: db.Anchor(), Missing: []ese.Generation{}}
	v.Replay = s.ReplayWith(ckpt, &o)
	rp := &v.Replay
	set := func(code ese.Error, format string, args ...any) Verdict {
		v.Error, v.Message = code, fmt.Sprintf(format, args...)
		v.Replayable = code == 0
		return v
	}
	switch db.State {
	case ese.DBStateCleanShutdown:
		if rp.NoRecovery {
			return set(0, "the database is clean and the logs were closed normally: nothing to replay")
		}
		if rp.Error != 0 {
			return set(rp.Error, "the database is clean, but the engine would not start in this log folder: %s", rp.Message)
		}
		return set(0, "the database is clean (Last Consistent %s): nothing to replay", db.ConsistentPos.Decimal())
	case ese.DBStateDirtyShutdown, ese.DBStateDirtyAndPatchedShutdown:
	case ese.DBStateJustCreated:
		return set(ese.ErrDatabaseCorrupted, "the database's creation never finished (JustCreated); recovery defers it and it cannot be attached, unless the replayed logs hold its own CreateDB, which recreates it (this check reads headers only; a recovery plan reads the records)")
	case ese.DBStateIncrementalReseedInProgress:
		return set(ese.ErrDatabaseIncompleteIncrementalReseed, "an incremental reseed of the database did not finish (JET_errDatabaseIncompleteIncrementalReseed)")
	case ese.DBStateRevertInProgress:
		return set(ese.ErrDatabaseIncompleteRevert, "a revert of the database did not finish (JET_errDatabaseIncompleteRevert)")
	default:
		return set(ese.ErrDatabaseCorrupted, "database state %s is not one recovery accepts", db.State)
	}

	low, high := db.GenMinRequired, db.GenMaxRequired
	if low <= 0 {
		low = max(db.AttachPos.Generation, 1)
	}
	high = max(high, low)
	top := max(high, db.GenMaxCommitted)
	v.Required = GenRange{low, high}
	// Count what is present, then list what is not; the listing stops
	// after maxMissingList entries, so a hostile range costs nothing.
	present := func(g ese.Generation) bool {
		f := s.byGen[g]
		return f != nil && f.Signature.Equal(db.LogSignature)
	}
	v.MissingCount = GenRange{low, top}.Count()
	for g := range s.byGen {
		if g >= low && g <= top && present(g) {
			v.MissingCount--
		}
	}
	for g := int64(low); g <= int64(top) && int64(len(v.Missing)) < min(v.MissingCount, maxMissingList); g++ {
		if !present(ese.Generation(g)) {
			v.Missing = append(v.Missing, ese.Generation(g))
		}
	}
	need := fmt.Sprintf("generations %s of log stream %s", v.Required, db.LogSignature)
	backup := ""
	if db.IsBackupCopy() {
		backup = fmt.Sprintf("the database is a copy from an online backup (backup generations from 0x%X): it needs hard recovery (restore) with its patch file and backup logs, not soft recovery", db.CurFullBackup.GenLow)
	}
	if backup != "" && o.AllowBackup {
		// JET_bitAllowSoftRecoveryOnBackup: the JET_sntSignalErrorCondition
		// callback turns -544 into success (dev/ese/src/ese/tm.cxx).
		backup = ""
	}
	if rp.Error != 0 && backup != "" {
		return set(rp.Error, "%s; besides, %s", rp.Message, backup)
	}
	if backup != "" {
		return set(ese.ErrSoftRecoveryOnBackupDatabase, "%s; allowing soft recovery on a backup (JET_bitAllowSoftRecoveryOnBackup) replays it from these logs without its patch file", backup)
	}
	if rp.NoRecovery {
		return set(ese.ErrDatabaseDirtyShutdown, "the database is dirty, but %s; the engine would refuse to attach it", rp.Message)
	}
	if rp.NewStream {
		return set(ese.ErrDatabaseDirtyShutdown, "the database is dirty and needs %s, but the folder holds no log files: the engine would start a new log stream and refuse to attach the database; find those logs (or repair it, losing data)", need)
	}
	if rp.Error != 0 {
		v = set(rp.Error, "%s (the database needs %s)", rp.Message, need)
		v.Remedy = s.gapRemedy(rp, low, ckpt)
		return v
	}
	if !db.LogSignature.Equal(rp.Signature) {
		return set(ese.ErrBadLogSignature, "the database belongs to log stream %s but these logs are stream %s: replay would not touch it and it stays dirty; it needs %s", db.LogSignature, rp.Signature, need)
	}
	if rp.Start > low {
		msg := fmt.Sprintf("replay would begin at generation 0x%X, after the first log the database needs (0x%X)", rp.Start, low)
		if rp.FromCheckpoint && s.byGen[low] != nil {
			msg += "; the checkpoint points past it: move the checkpoint aside so replay starts at the lowest log (KB Q296787, roll-forward step 9)"
		} else {
			msg += "; restore the missing logs"
		}
		return set(ese.ErrRequiredLogFilesMissing, "%s", msg)
	}
	if rp.End < high {
		return set(ese.ErrRequiredLogFilesMissing, "the logs end at generation 0x%X but the database needs %s", rp.End, need)
	}
	if rp.End < db.GenMaxCommitted && !o.IgnoreLostLogs {
		return set(ese.ErrCommittedLogFilesMissing, "the logs end at generation 0x%X but the database holds committed data up to generation 0x%X; ignoring lost logs (JET_bitReplayIgnoreLostLogs, eseutil /r /a) brings it clean without them", rp.End, db.GenMaxCommitted)
	}
	if rp.End < db.GenMaxCommitted {
		v = set(0, "replayable with lost logs: soft recovery replays generations 0x%X-0x%X (%s); the database needs %s and holds committed data up to generation 0x%X, which is lost (warning 585, JET_wrnCommittedLogFilesLost)", rp.Start, rp.End, strings.Join(rp.Files, ", "), v.Required, db.GenMaxCommitted)
		v.LostLogs = true
		return v
	}
	if f := s.byGen[high]; f != nil && !db.GenMaxRequiredTime.IsZero() && f.Created != db.GenMaxRequiredTime {
		return set(ese.ErrRequiredLogFilesMissing, "%s has the right generation (0x%X) but was created %s, not %s as the database expects: it is a different log", f.File, high, f.Created, db.GenMaxRequiredTime)
	}
	return set(0, "replayable: soft recovery replays generations 0x%X-0x%X (%s) and the database needs %s", rp.Start, rp.End, strings.Join(rp.Files, ", "), v.Required)
}

// gapRemedy says what lets replay go ahead when a gap stopped the walk:
// when the database needs no log at or below the gap (low is the first
// generation it needs), moving the logs below the gap aside is enough
// (with the checkpoint, when it points below the gap); otherwise the
// missing logs must come back.
func (s *Set) gapRemedy(rp *Replay, low ese.Generation, ckpt *CheckpointInfo) string {
	m := rp.Missing
	switch {
	case m == nil:
		return ""
	case rp.MissingFiles == s.Base+s.Ext:
		return fmt.Sprintf("allow a missing current log (JET_bitAllowMissingCurrentLog) to replay up to the end of %s, or find %s", s.RangeNames(m.Low-1, m.Low-1), rp.MissingFiles)
	case m.Low <= rp.Start:
		return fmt.Sprintf("restore %s from a backup", rp.MissingFiles)
	case low <= m.High:
		return fmt.Sprintf("restore %s from a backup: the database needs generation 0x%X and later, so replay must cross the gap", rp.MissingFiles, low)
	}
	first := rp.Start
	if l := s.Lowest(); l > 0 && l < first {
		first = l
	}
	below := s.RangeNames(first, m.Low-1)
	r := fmt.Sprintf("the database needs generation 0x%X and later, above the gap: moving %s (the logs below the gap) aside is enough, and replay starts at the lowest log left", low, below)
	if ckpt != nil && rp.FromCheckpoint {
		r += fmt.Sprintf("; move the checkpoint %s aside too, as it points below the gap", ckpt.File)
	}
	return r
}
