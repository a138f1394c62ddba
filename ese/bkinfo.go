package ese

import "github.com/esekit/esekit/internal/bin"

// BackupInfoSize is the on-disk size of a BackupInfo.
const BackupInfoSize = 24

// BackupInfo is the engine's BKINFO: what a backup covered.
type BackupInfo struct {
	// Mark is the log position that identifies the backup (+0).
	Mark LogPos
	// MarkTime is when Mark was logged (+8).
	MarkTime LogTime
	// GenLow is the lowest log generation in the backup set (+16).
	GenLow Generation
	// GenHigh is the highest log generation in the backup set (+20).
	GenHigh Generation
}

// DecodeBackupInfo decodes b[0:24].
func DecodeBackupInfo(b []byte) BackupInfo {
	return BackupInfo{
		Mark:     DecodeLogPos(b),
		MarkTime: DecodeLogTime(b[8:]),
		GenLow:   Generation(bin.I32(b, 16)),
		GenHigh:  Generation(bin.I32(b, 20)),
	}
}

// Put stores bk in b[0:24].
func (bk BackupInfo) Put(b []byte) {
	bk.Mark.Put(b)
	bk.MarkTime.Put(b[8:])
	bin.PutI32(b, 16, int32(bk.GenLow))
	bin.PutI32(b, 20, int32(bk.GenHigh))
}

// IsZero reports whether no backup is recorded.
func (bk BackupInfo) IsZero() bool { return bk == BackupInfo{} }
