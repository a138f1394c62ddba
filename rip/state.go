package rip

import (
	"fmt"

	"github.com/esekit/esekit/ese"
)

// Disk is the evidence, gathered from the files, of what a startup will
// find. The recovery code fills it from the log folder, the patch files
// and the database headers; this package only reasons about it.
type Disk struct {
	// Service is MSExchangeDS or MSExchangeIS ("" when unknown); it only
	// selects which event texts are quoted.
	Service string `json:"service,omitempty"`
	// PatchFiles is the number of .pat files in the transaction logs folder
	// (after an online restore there is one per restored database).
	PatchFiles int `json:"patch_files"`
	// PatchPages is the number of page images in those files beyond their
	// two header pages: the pages that would be corrupt without them.
	// Negative means unknown.
	PatchPages int `json:"patch_pages"`
	// BackupLogs is the number of numbered log files from the backup
	// (generations LowLog..HighLog) present.
	BackupLogs int `json:"backup_logs"`
	// BackupLogsMissing is the number of generations of the full backup's
	// range that are absent.
	BackupLogsMissing int `json:"backup_logs_missing,omitempty"`
	// CurrentLog says Edb.log (the current generation) is present. It is
	// never on a backup tape; after a restore it was on the disk before.
	CurrentLog bool `json:"current_log"`
	// FullBackupReplayed says every log of the full backup's range has
	// already been replayed into the database (KB Q200941, "How to Tell If
	// Hard Recovery Has Finished"), so the patch data is no longer needed.
	FullBackupReplayed bool `json:"full_backup_replayed,omitempty"`
	// Cluster says the service runs as a Microsoft Cluster Server resource,
	// whose registry checkpoint can overwrite the key (KB Q188674, KB Q238063; docs/rip.md#clusters).
	Cluster bool `json:"cluster,omitempty"`
}

// Action is what the engine does at startup.
type Action string

const (
	// ActionNormalStart: no key; ordinary startup (soft recovery if the
	// database is inconsistent), the checkpoint file is used.
	ActionNormalStart Action = "normal-start"
	// ActionHardRecovery: the key is present with "EDB Database recovered"
	// 00; the engine ignores Edb.chk, starts replay at LowLog Number and
	// applies the patch files.
	ActionHardRecovery Action = "hard-recovery"
	// ActionDeleteKey: "EDB Database recovered" is 01; the service deletes
	// the key instead of obeying it, then starts normally.
	ActionDeleteKey Action = "delete-key"
	// ActionHardRecoveryFails: the key is present but the files hard
	// recovery needs (.pat files and every log from tape) are not.
	ActionHardRecoveryFails Action = "hard-recovery-fails"
	// ActionMissingKey: an online restore left patch files and backup logs
	// but no key (on a cluster, the registry checkpoint overwrote it); the
	// engine does a normal start and fails with -528.
	ActionMissingKey Action = "missing-key"
	// ActionSoftRecoveryCorrupts: no key, no restore in flight that the
	// engine would notice, but patch data that a normal start would skip:
	// the database would be corrupted (one page per page image).
	ActionSoftRecoveryCorrupts Action = "soft-recovery-corrupts"
)

// Decision is what startup will do and, when it will fail, how to fix it.
type Decision struct {
	// Action is what the engine does.
	Action Action `json:"action"`
	// Error is the engine error startup ends with (0 when it succeeds).
	Error ese.Error `json:"error,omitempty"`
	// ErrorForms are the printed forms of Error (decimal, hexadecimal, and
	// the hard-recovery forms), as event logs show them.
	ErrorForms []string `json:"error_forms,omitempty"`
	// Summary says in one sentence what happens.
	Summary string `json:"summary"`
	// Events are the event-log entries the KB articles say appear.
	Events []string `json:"events,omitempty"`
	// Fix lists the steps, from the KB articles, that resolve the situation.
	Fix []string `json:"fix,omitempty"`
}

func (d *Decision) setError(e ese.Error) {
	d.Error = e
	d.ErrorForms = e.Forms()
}

// Decide says what the engine does at startup given the key (nil when the
// registry has none) and the files on disk.
func Decide(k *Key, d Disk) Decision {
	if k != nil {
		return decideWithKey(k, d)
	}
	restored := d.PatchFiles > 0 && d.BackupLogs > 0 && !d.FullBackupReplayed
	if restored && !d.CurrentLog {
		dec := Decision{
			Action:  ActionMissingKey,
			Summary: "an online restore left patch files and logs from the backup, but there is no Restore in Progress key: the database engine does not find the key, enters the normal initialization process, expects a consecutive log sequence ending in Edb.log, and fails with -528 JET_errMissingLogFile",
		}
		dec.setError(ese.ErrMissingLogFile)
		switch d.Service {
		case ServiceDS:
			dec.Events = []string{"MSExchangeDS event 1002: The Microsoft Exchange Server database (EDB) could not be initialized and returned error -528. Unrecoverable error, the directory can't continue."}
		case ServiceIS:
			dec.Events = []string{
				"MSExchangeIS event 1120: Error Current log file missing initializing the Microsoft Exchange Server Information Store database.",
				"MSExchangeIS event 5000: Unable to initialize the Microsoft Exchange Information Store service. Error Current log file missing.",
			}
		default:
			dec.Events = []string{
				"MSExchangeDS event 1002: ... could not be initialized and returned error -528.",
				"MSExchangeIS events 1120 and 5000: Error Current log file missing.",
			}
		}
		if d.Cluster {
			dec.Events = append(dec.Events, "ClusSvc event 1042: Cluster generic service failed.")
			dec.Fix = []string{
				"The cluster's registry checkpoint overwrote the Restore in Progress key when the resource was brought online (Q188674).",
				"Perform another online restore of the store so that it writes a new Restore in Progress key, or re-create the key by hand from the worksheet (Q200941; rip.Worksheet.Key).",
				"Start the service from the Services dialog box in Control Panel (or use the backup program's Start Services after Restore option), not from Cluster Administrator, so the key is read and hard recovery runs.",
				"Once it has started, bring the Exchange resource online in Cluster Administrator. The ClusSvc event 1024 (the registry checkpoint could not be restored) that follows can be ignored.",
			}
		} else {
			dec.Fix = []string{
				"Perform another online restore so that it writes a new Restore in Progress key, or re-create the key by hand from the worksheet (Q200941; rip.Worksheet.Key).",
				"Then start the service so that hard recovery applies the patch files and the logs from the backup.",
			}
		}
		return dec
	}
	if restored && d.PatchPages != 0 {
		dec := Decision{
			Action:  ActionSoftRecoveryCorrupts,
			Summary: "there is no Restore in Progress key, so a soft recovery will scan and apply the logs without the patch file information",
			Fix: []string{
				"Do not start the database: re-create the Restore in Progress key (save a copy with Regedit's Export Registry File first if one exists) so hard recovery applies the patch files.",
			},
		}
		if d.PatchPages > 0 {
			dec.Summary += fmt.Sprintf("; the patch files hold %d page images, so %d database pages would be corrupted", d.PatchPages, d.PatchPages)
		} else {
			dec.Summary += "; unless the patch files are empty, the database is guaranteed to be corrupted"
		}
		return dec
	}
	return Decision{
		Action:  ActionNormalStart,
		Summary: "no Restore in Progress key: ordinary startup, using the checkpoint file (soft recovery if the database is inconsistent)",
	}
}

func decideWithKey(k *Key, d Disk) Decision {
	if k.Recovered {
		return Decision{
			Action:  ActionDeleteKey,
			Summary: "EDB Database recovered is 01: every log was replayed and the database started; the service deletes the Restore in Progress key instead of obeying it, and it is safe to delete it by hand",
		}
	}
	var missing []string
	var code ese.Error
	if d.PatchFiles == 0 {
		missing = append(missing, "no .pat file in the transaction logs folder")
		code = ese.ErrPatchFileMissing
	}
	if d.BackupLogs == 0 || d.BackupLogsMissing > 0 {
		if d.BackupLogs == 0 {
			missing = append(missing, "no log file from the backup tape")
		} else {
			missing = append(missing, fmt.Sprintf("%d log file(s) from the backup tape are missing", d.BackupLogsMissing))
		}
		if code == 0 {
			code = ese.ErrMissingRestoreLogFiles
		}
	}
	if len(missing) > 0 {
		dec := Decision{
			Action:  ActionHardRecoveryFails,
			Summary: "the Restore in Progress key exists but the files hard recovery needs are not available, so startup does not work: " + join(missing),
			Fix: []string{
				"Restore the .pat file of each database and every log of the full backup (LowLog Number to HighLog Number) into the transaction logs folder, then start the service again.",
				"Do not delete the key while the patch data may still be needed: only when the patch files are empty or every log from the full backup has been replayed.",
			},
		}
		dec.setError(code)
		return dec
	}
	return Decision{
		Action:  ActionHardRecovery,
		Summary: fmt.Sprintf("the Restore in Progress key exists: hard recovery ignores Edb.chk, replays from log %X (LowLog Number) through %X (HighLog Number) and beyond, applying the patch files, then sets EDB Database recovered to 01", k.LowLog, k.HighLog),
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += "; "
		}
		out += x
	}
	return out
}

// SafeToDelete says whether deleting the key cannot lose patch data
// (KB Q200941; docs/rip.md#deleting-the-key): the key says recovered (01), or the patch files are empty, or
// every log from the full backup has already been replayed. The reason is
// given either way. Even when safe, KB Q200941 says to delete it only as a
// last resort and to export it first, since it also remaps paths.
func SafeToDelete(k *Key, d Disk) (bool, string) {
	switch {
	case k != nil && k.Recovered:
		return true, "EDB Database recovered is 01: it is safe to delete the Restore in Progress key"
	case d.PatchPages == 0:
		return true, "the patch files are empty (two header pages each): no patch data can be lost"
	case d.FullBackupReplayed:
		return true, "every log from the full backup has been replayed: the patch data is no longer needed (the key also remaps paths, so delete it only if paths have not changed, and export it first)"
	case d.PatchPages > 0:
		return false, fmt.Sprintf("the patch files hold %d page images not yet applied: deleting the key guarantees %d corrupted pages", d.PatchPages, d.PatchPages)
	}
	return false, "unknown whether the patch data is still needed: check the patch files and which logs have been replayed first"
}
