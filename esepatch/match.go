package esepatch

import (
	"fmt"
	"strings"

	"github.com/esekit/esekit/ese"
)

// Comparison says field by field whether a patch header (from a .pat file
// or a backup trailer) belongs to a database header, with the engine's
// rules (ErrDBCheckDBHeaderAndTrailer, docs/patch.md#trailer-rules-at-restore).
type Comparison struct {
	// BackupCopy says the database header marks a backup copy
	// (CurFullBackup.GenLow != 0). When false, hard recovery on it is
	// ese.ErrRestoreOfNonBackupDatabase (-615).
	BackupCopy bool `json:"backup_copy"`
	// DBSignature and LogSignature say the signatures are equal.
	DBSignature  bool `json:"db_signature"`
	LogSignature bool `json:"log_signature"`
	// Mark says the patch's backup mark equals the database's
	// CurFullBackup mark.
	Mark bool `json:"mark"`
	// GenHighSet says the patch records the end of its log range
	// (GenHigh != 0); the engine refuses a patch header without it.
	GenHighSet bool `json:"gen_high_set"`
	// PrevFullBackup says the patch's mark equals the database's
	// PrevFullBackup mark: the patch is the leftover of a backup that was
	// taken of this (live) database.
	PrevFullBackup bool `json:"prev_full_backup"`
}

// Compare compares db and p field by field.
func Compare(db *ese.DBHeader, p *Header) Comparison {
	return Comparison{
		BackupCopy:     db.IsBackupCopy(),
		DBSignature:    db.DbSignature.Equal(p.DBSignature),
		LogSignature:   db.LogSignature.Equal(p.LogSignature),
		Mark:           db.CurFullBackup.Mark == p.Backup.Mark,
		GenHighSet:     p.Backup.GenHigh != 0,
		PrevFullBackup: !db.PrevFullBackup.Mark.IsZero() && db.PrevFullBackup.Mark == p.Backup.Mark,
	}
}

// Belongs reports whether the patch data belongs to the database by
// identity alone: same database and log signatures.
func (c Comparison) Belongs() bool { return c.DBSignature && c.LogSignature }

// Err is nil when the engine would accept the patch for hard recovery of
// the database; otherwise ese.ErrRestoreOfNonBackupDatabase (-615) when
// the database is not a backup copy, or ese.ErrDatabasePatchFileMismatch
// (-552) naming every field that differs.
func (c Comparison) Err() error {
	var bad []string
	if !c.DBSignature {
		bad = append(bad, "database signature differs")
	}
	if !c.LogSignature {
		bad = append(bad, "log signature differs")
	}
	if !c.GenHighSet {
		bad = append(bad, "patch header has no high log generation (GenHigh 0)")
	}
	if c.BackupCopy && !c.Mark {
		bad = append(bad, "backup mark differs from the database's current full backup")
	}
	if len(bad) > 0 {
		return fmt.Errorf("esepatch: patch data does not match the database: %s: %w", strings.Join(bad, "; "), ese.ErrDatabasePatchFileMismatch)
	}
	if !c.BackupCopy {
		msg := "the database is not a backup copy (CurFullBackup.GenLow is 0)"
		if c.PrevFullBackup {
			msg += "; the patch file is left from a backup taken of it (it matches PrevFullBackup)"
		}
		return fmt.Errorf("esepatch: %s: %w", msg, ese.ErrRestoreOfNonBackupDatabase)
	}
	return nil
}

// Match is Compare(db, p).Err(): nil when p is the patch data of the
// backup copy db.
func Match(db *ese.DBHeader, p *Header) error { return Compare(db, p).Err() }

// FindPatchFiles returns the patch files among the names in a restore
// directory (case-insensitive ".pat" extension); an empty result is the
// engine's ese.ErrPatchFileMissing (-538).
func FindPatchFiles(names []string) ([]string, error) {
	var out []string
	for _, n := range names {
		if len(n) > 4 && strings.EqualFold(n[len(n)-4:], ".pat") {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("esepatch: no .pat file in the restore set: %w", ese.ErrPatchFileMissing)
	}
	return out, nil
}

// PatchName returns the patch file name of a database file: the name
// without its extension, plus ".pat" (WindowsMail.MSMessageStore →
// WindowsMail.pat, PRIV.EDB → PRIV.pat).
func PatchName(dbFile string) string {
	base := dbFile
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	dir := dbFile[:len(dbFile)-len(base)]
	if i := strings.LastIndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	return dir + base + ".pat"
}

// Replay is the evidence of what hard recovery has replayed so far. Fill
// whichever is known.
type Replay struct {
	// Generations are the log generations whose replay was reported (for
	// example by the "replaying log file" events, KB Q200941).
	Generations []ese.Generation `json:"generations,omitempty"`
	// DB is the restored database's current header.
	DB *ese.DBHeader `json:"-"`
}

// Progress says whether hard recovery has replayed every log of the full
// backup (KB Q200941, "How to Tell If Hard Recovery Has Finished"), and so
// whether the patch data is still needed.
type Progress struct {
	// LogGen is the full backup's log range, "36-3f".
	LogGen string `json:"log_gen"`
	// Finished says every log from GenLow to GenHigh has been replayed.
	Finished bool `json:"finished"`
	// Missing lists generations of the range not known to be replayed
	// (at most 64 listed; MissingCount has the total).
	Missing      []ese.Generation `json:"missing,omitempty"`
	MissingCount int              `json:"missing_count"`
	// PatchDataNeeded says deleting the Restore in Progress key now would
	// corrupt pages: the patch file has page images and the replay is not
	// finished.
	PatchDataNeeded bool `json:"patch_data_needed"`
	// Reason says how the answer was reached.
	Reason string `json:"reason"`
}

// maxRangeScan bounds how many generations HardRecoveryFinished checks
// one by one (a range wider than this is reported by count).
const maxRangeScan = 1 << 20

// HardRecoveryFinished compares the patch header's full-backup log range
// with what was replayed. images is the number of page images in the patch
// file (0 for an empty one: then the patch data is never needed). The
// database header, when given, decides first: a CleanShutdown database
// whose consistent position is at or after GenHigh, or a dirty one whose
// GenMinRequired is above GenHigh, has every backup log in it. Otherwise
// the list of replayed generations is checked one by one.
func HardRecoveryFinished(p *Header, images int, ev Replay) (pr Progress) {
	low, high := p.Backup.GenLow, p.Backup.GenHigh
	pr.LogGen = p.LogGen()
	defer func() { pr.PatchDataNeeded = images != 0 && !pr.Finished }()
	if low == 0 || high < low {
		pr.Reason = fmt.Sprintf("the patch header has no usable full-backup log range (%s)", pr.LogGen)
		return pr
	}
	if db := ev.DB; db != nil {
		switch {
		case db.State == ese.DBStateCleanShutdown && db.ConsistentPos.Generation >= high:
			pr.Finished = true
			pr.Reason = fmt.Sprintf("the database is consistent at %s, at or after the last backup log %x", db.ConsistentPos.Decimal(), high)
			return pr
		case db.State != ese.DBStateCleanShutdown && db.GenMinRequired > 0 && db.GenMinRequired > high:
			pr.Finished = true
			pr.Reason = fmt.Sprintf("the database needs logs from %x on only, past the last backup log %x", db.GenMinRequired, high)
			return pr
		}
	}
	if ev.Generations == nil {
		pr.MissingCount = int(int64(high) - int64(low) + 1)
		pr.Reason = fmt.Sprintf("no evidence that any of logs %s was replayed", pr.LogGen)
		if ev.DB != nil {
			pr.Reason = fmt.Sprintf("the database header does not show logs %s replayed (state %v, GenMinRequired %x)", pr.LogGen, ev.DB.State, ev.DB.GenMinRequired)
		}
		return pr
	}
	seen := make(map[ese.Generation]bool, len(ev.Generations))
	for _, g := range ev.Generations {
		seen[g] = true
	}
	if uint64(int64(high)-int64(low)) >= maxRangeScan {
		pr.MissingCount = int(int64(high) - int64(low) + 1)
		pr.Reason = fmt.Sprintf("log range %s is too wide to check generation by generation", pr.LogGen)
		return pr
	}
	for g := low; ; g++ {
		if !seen[g] {
			pr.MissingCount++
			if len(pr.Missing) < 64 {
				pr.Missing = append(pr.Missing, g)
			}
		}
		if g == high {
			break
		}
	}
	pr.Finished = pr.MissingCount == 0
	if pr.Finished {
		pr.Reason = fmt.Sprintf("every log from %x to %x was replayed", low, high)
	} else {
		pr.Reason = fmt.Sprintf("%d of logs %s not replayed (first: Edb%05x.log)", pr.MissingCount, pr.LogGen, pr.Missing[0])
	}
	return pr
}
