package eselog

import (
	"io"

	"github.com/esekit/esekit/ese"
)

// Database holds the database header fields that decide whether a log set
// can bring the database to a clean state (docs/database.md#database-header). Fill it from a
// decoded database header, or read it with ReadDatabase.
type Database struct {
	// File names the database file (for reports only).
	File string `json:"file"`
	// State is the database state (header offset 52).
	State ese.DBState `json:"state"`
	// DbSignature is the database's own signature (offset 24).
	DbSignature ese.Signature `json:"-"`
	// LogSignature is the signature of the log stream the database belongs
	// to (offset 108); zero for databases never attached to a log stream.
	LogSignature ese.Signature `json:"-"`
	// ConsistentPos is the last consistent position (offset 56): its
	// generation is the anchor log of an offline roll-forward.
	ConsistentPos ese.LogPos `json:"consistent"`
	// AttachPos is the position of the last attach (offset 80).
	AttachPos ese.LogPos `json:"attach"`
	// GenMinRequired and GenMaxRequired are the log generations a dirty
	// database needs (offsets 296 and 300); 0 when clean.
	GenMinRequired ese.Generation `json:"gen_min_required"`
	GenMaxRequired ese.Generation `json:"gen_max_required"`
	// GenMaxCommitted is the last generation holding committed data for
	// the database (offset 416).
	GenMaxCommitted ese.Generation `json:"gen_max_committed"`
	// GenMaxRequiredTime is the creation time of log GenMaxRequired
	// (offset 672; older engines leave it zero).
	GenMaxRequiredTime ese.LogTime `json:"-"`
	// CurFullBackup is bkinfoFullCur (offset 184): GenLow != 0 marks a copy
	// taken by an online backup.
	CurFullBackup ese.BackupInfo `json:"-"`
	// PageSize is the database page size in bytes (offset 236, 0 = 4096).
	PageSize uint32 `json:"page_size"`
}

// Dirty reports whether the database needs log replay before use: states
// DirtyShutdown and DirtyAndPatchedShutdown.
func (d *Database) Dirty() bool {
	return d.State == ese.DBStateDirtyShutdown || d.State == ese.DBStateDirtyAndPatchedShutdown
}

// IsBackupCopy reports whether the header marks a database restored from
// an online backup whose hard recovery has not yet run: GenLow set,
// GenHigh not yet filled in.
func (d *Database) IsBackupCopy() bool {
	return d.CurFullBackup.GenLow != 0 && d.CurFullBackup.GenHigh == 0
}

// Anchor returns the anchor log generation (docs/recovery.md#anchor-log): the first log an
// offline roll-forward or a soft recovery needs. For a dirty database it is
// GenMinRequired; otherwise the generation of the Last Consistent position.
// 0 means the database names no log.
func (d *Database) Anchor() ese.Generation {
	if d.Dirty() && d.GenMinRequired > 0 {
		return d.GenMinRequired
	}
	return d.ConsistentPos.Generation
}

// DatabaseFromHeader takes the fields the set check needs from a decoded
// database header.
func DatabaseFromHeader(h *ese.DBHeader, name string) *Database {
	return &Database{
		File:               name,
		State:              h.State,
		DbSignature:        h.DbSignature,
		LogSignature:       h.LogSignature,
		ConsistentPos:      h.ConsistentPos,
		AttachPos:          h.AttachPos,
		GenMinRequired:     h.GenMinRequired,
		GenMaxRequired:     h.GenMaxRequired,
		GenMaxCommitted:    h.GenMaxCommitted,
		GenMaxRequiredTime: h.GenMaxRequiredTime,
		CurFullBackup:      h.CurFullBackup,
		PageSize:           uint32(h.EffectivePageSize()),
	}
}

// ReadDatabase reads the database header of r with the engine's shadow
// rules (ese.ReadDBHeader) and returns its recovery facts. name is used in
// messages only.
func ReadDatabase(r io.ReaderAt, name string) (*Database, error) {
	c, err := ese.ReadDBHeader(r)
	if err != nil {
		return nil, err
	}
	return DatabaseFromHeader(c.Header, name), nil
}
