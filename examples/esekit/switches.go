package main

import (
	"flag"
	"fmt"

	"github.com/esekit/esekit/recovery"
)

// switchFlags are the engine's recovery switches on the command line of
// plan, recover and restore (recovery.Switches).
type switchFlags struct {
	allowMissingCurrent bool
	ignoreMissingDB     bool
	withoutUndo         bool
	allowBackup         bool
}

func addSwitchFlags(fs *flag.FlagSet, sf *switchFlags) {
	const a = "replay without the current log, to the end of the highest numbered log present, and bring databases clean even when committed (not required) logs are lost (JET_bitAllowMissingCurrentLog and JET_bitReplayIgnoreLostLogs, eseutil /r /a); soft recovery only"
	fs.BoolVar(&sf.allowMissingCurrent, "allow-missing-current-log", false, a)
	fs.BoolVar(&sf.allowMissingCurrent, "a", false, "same as -allow-missing-current-log")
	fs.BoolVar(&sf.ignoreMissingDB, "ignore-missing-db", false, "skip databases the logs attach that are not given, even when the logs leave them attached (JET_bitReplayIgnoreMissingDB, eseutil /r /i); hard recovery always does")
	fs.BoolVar(&sf.withoutUndo, "without-undo", false, "replay without the undo phase: open transactions stay open and the databases stay dirty, so a later run with more logs goes on from them (JET_bitRecoveryWithoutUndo; implies allowing a missing current log and a backup copy); soft recovery only")
	fs.BoolVar(&sf.allowBackup, "allow-backup", false, "soft recovery of a database that is a copy from an online backup, from the logs at hand and without its patch file (JET_bitAllowSoftRecoveryOnBackup)")
}

// switches returns the recovery switches the flags ask for.
func (sf *switchFlags) switches() recovery.Switches {
	return recovery.Switches{
		AllowMissingCurrentLog: sf.allowMissingCurrent,
		IgnoreLostLogs:         sf.allowMissingCurrent,
		IgnoreMissingDB:        sf.ignoreMissingDB,
		WithoutUndo:            sf.withoutUndo,
		AllowBackup:            sf.allowBackup,
	}
}

// hardRefusal reports, for hard recovery, a switch the engine cannot be
// given there: a restore takes no recovery grbits.
func (sf *switchFlags) hardRefusal(verb string) error {
	switch {
	case sf.allowMissingCurrent:
		return fmt.Errorf("esekit %s: -allow-missing-current-log (-a) is soft recovery only: hard recovery already replays without the current log, and the engine never ignores lost logs in a restore", verb)
	case sf.withoutUndo:
		return fmt.Errorf("esekit %s: -without-undo is soft recovery only: a restore cannot be told to skip its undo phase", verb)
	}
	return nil
}
