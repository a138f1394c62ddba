package recovery

import (
	"fmt"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
)

// IncrementalAnswer says what an incremental backup must copy and whether
// it can succeed.
type IncrementalAnswer struct {
	// Since is the first generation to copy: one past the highest
	// generation of the last full or incremental backup.
	Since ese.Generation `json:"since"`
	// Through is the last generation to copy: the highest log in the folder
	// (the backup rolls the current log first, so it is copied too).
	Through ese.Generation `json:"through"`
	// Logs are the files to copy, in generation order.
	Logs []string `json:"logs"`
	// Missing lists generations in Since..Through that are not in the
	// folder (bounded like eselog.Verdict.Missing).
	Missing []ese.Generation `json:"missing"`
	// Error is why the backup would fail: ese.ErrMissingFullBackup (-560)
	// without a full backup to build on, ese.ErrMissingLogFile (-528) when
	// a required log is gone (KB Q245211's "a required Microsoft Exchange
	// database log file could not be found").
	Error   ese.Error `json:"error"`
	Message string    `json:"message"`
}

// IncrementalBackup answers for the database header hdr and the log folder
// set: which logs an incremental backup must copy since the last full (or
// incremental) backup recorded in the header, and why it would fail.
func IncrementalBackup(set *eselog.Set, hdr *ese.DBHeader) IncrementalAnswer {
	a := IncrementalAnswer{Logs: []string{}, Missing: []ese.Generation{}}
	full, inc := hdr.PrevFullBackup, hdr.PrevIncBackup
	if full.GenLow == 0 && full.GenHigh == 0 {
		a.Error = ese.ErrMissingFullBackup
		a.Message = "the database header records no full backup: an incremental backup needs one to build on"
		return a
	}
	last := full.GenHigh
	if inc.GenHigh > last {
		last = inc.GenHigh
	}
	if last < 0 || last >= 0x7FFFFFFF {
		a.Error, a.Message = ese.ErrMissingFullBackup, fmt.Sprintf("the recorded backup range ends at 0x%X, beyond any log", last)
		return a
	}
	a.Since, a.Through = last+1, set.Highest()
	if a.Through < a.Since {
		a.Message = fmt.Sprintf("no log after generation 0x%X: nothing to copy", last)
		return a
	}
	for g := int64(a.Since); g <= int64(a.Through) && len(a.Missing) < 1024; g++ {
		if f := set.Log(ese.Generation(g)); f != nil {
			a.Logs = append(a.Logs, f.File)
		} else {
			a.Missing = append(a.Missing, ese.Generation(g))
		}
	}
	if len(a.Missing) > 0 {
		a.Error = ese.ErrMissingLogFile
		a.Message = fmt.Sprintf("unable to perform an incremental backup because a required log file could not be found: generation 0x%X (KB Q245211); take a full backup", a.Missing[0])
		a.Logs = []string{}
		return a
	}
	a.Message = fmt.Sprintf("copy generations 0x%X-0x%X (%d files)", a.Since, a.Through, len(a.Logs))
	return a
}

// TruncatableLogs returns the numbered logs of set, in generation order,
// that may be removed once backed up (KB Q296787): those strictly below
// the checkpoint's generation, below the current log's generation (the
// engine's bound after a backup, dev/ese/src/ese/backup.cxx
// ErrBKIPrepareLogFiles: the lower of the checkpoint and the current
// generation) and below the minimum required generation of every dirty
// database given. The current log is never in the list. A zero checkpoint
// generation gives nothing. It is the one truncation rule of the library;
// Inspect applies it to a folder.
func TruncatableLogs(set *eselog.Set, checkpointGen ese.Generation, dbs ...*ese.DBHeader) []string {
	var out []string
	for _, g := range truncatableGens(set, checkpointGen, dbs) {
		out = append(out, set.Log(g).File)
	}
	return out
}

// truncatableGens returns the generations TruncatableLogs names, in
// ascending order.
func truncatableGens(set *eselog.Set, checkpointGen ese.Generation, dbs []*ese.DBHeader) []ese.Generation {
	if set == nil {
		return nil
	}
	limit := checkpointGen
	if set.Current != nil && set.Current.Generation > 0 {
		limit = min(limit, set.Current.Generation)
	}
	for _, h := range dbs {
		dirty := h != nil && (h.State == ese.DBStateDirtyShutdown || h.State == ese.DBStateDirtyAndPatchedShutdown)
		if dirty && h.GenMinRequired > 0 && h.GenMinRequired < limit {
			limit = h.GenMinRequired
		}
	}
	var out []ese.Generation
	for _, g := range set.Generations {
		if g <= 0 || g >= limit {
			continue
		}
		f := set.Log(g)
		if f == nil || (set.Current != nil && f.File == set.Current.File) {
			continue
		}
		out = append(out, g)
	}
	return out
}
