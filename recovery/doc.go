// Package recovery plans and carries out the engine's soft and hard
// recovery offline: it replays ESE transaction logs into copies of the
// databases and leaves them clean, on any OS.
//
// # Planning and offline procedures
//
// Before any page is written, this package makes every decision the engine
// makes before and during replay, and explains it:
//
//   - PlanSoft decides a soft (crash) recovery from a log folder, the
//     databases and an optional checkpoint: where replay starts (the
//     checkpoint, moved to the beginning of its generation when it carries
//     no attach list; or the lowest log when there is no usable
//     checkpoint), where it ends (the current log), what each database gets
//     (replay, nothing, a truncated replay after a signature or path
//     change, skip), or the exact engine error that stops it (-528, -509,
//     -530, -501, -515, -541, -543, -544, -550, -551, -582, -590...).
//   - PlanHard decides a hard recovery from an online backup (KB Q200941):
//     the checkpoint is ignored, LowLog..HighLog must all be present with
//     the databases' log signature, each database needs its matching patch
//     file, and patch data applies only to the logs of the full backup.
//   - A plan carries its inputs (Plan.Inputs), so that Recover and Restore
//     need only output options: folders are fs.FS values (os.DirFS; fs.Sub
//     for a folder inside one), the checkpoint a CheckpointSource (none, a
//     named file, or found in the log folder), the databases DatabaseFile
//     values. A file that gives no random access (a member of an
//     archive/zip folder) is held in memory, within
//     Options.MaxBufferBytes (64 MiB by default), or refused when the plan
//     is made with a *NoRandomAccessError wrapping ese.ErrInvalidParameter.
//   - Recover and Restore write only into their output folder, which may
//     not be one of the plan's input folders (log folders, database,
//     checkpoint, restore and target folders, given as os.DirFS or fs.Sub
//     of one) nor lie inside one (ErrOutputIsInput; CheckOutDir for
//     tools); no output may be an input file, and two databases of one
//     output name are refused before anything is written
//     (ErrSameOutputName). These refusals carry engine codes (-1023,
//     -1003) through errors.Is and ese.CodeOf.
//   - RestoreMap renames logged database paths to files inside the
//     caller's target folders, comparing paths as Windows does, and refuses
//     anything that could resolve elsewhere (ErrUnsafePath).
//   - PlanRollForward and PlanPointInTime turn KB Q296787's offline restore
//     procedures into checked action lists; Procedure.Apply carries one out
//     by moving files aside (never deleting), refuses a folder that no
//     longer matches, and resumes a half-applied list.
//   - Inspect answers the backup side of a log folder in one call: the
//     log-set verdict, what each database needs, the logs that may be
//     removed once backed up (TruncatableLogs, KB Q296787), what an
//     incremental backup must copy and why it would fail
//     (IncrementalBackup, KB Q245211), and the form of an online backup
//     set with hard recovery's verdict.
//
// Every decision is an Event with a stable EventKind, delivered to
// Options.OnEvent and, with Options.Logger, as log/slog records.
//
// # Replay
//
//   - Recover (soft) and Restore (hard) carry out a plan: logs in
//     generation order, sessions and macros, the per-database gates, the
//     file-level records and their header effects, then the rollback of
//     open transactions and the clean header the engine writes. Inputs are
//     never written: each database is rebuilt as a temporary file in the
//     output folder and renamed into place last, so a run killed at any
//     point can be run again to the same bytes. RecoverFolder and
//     RestoreFolder do the same from folders on disk.
//   - Pages are read and written through a bounded page cache over each
//     database file (RecoverOptions.CacheBytes, one budget for the whole
//     recovery), and changed as the engine changes them: tags, nodes,
//     free space, reorganisation.
//   - Each page record, and each structural macro (Split2, Merge2,
//     PageMove, RootPageMove with their node operation), is applied under
//     the engine's dbtime test; a page that fails it stops recovery with a
//     DBTimeMismatchError. Compressed page pre-images (Xpress, Xpress9,
//     LZ4, dehydrated) are rehydrated first; Xpress10 returns
//     ErrRedoNotImplemented.
//   - With RecoverOptions.CreateMissing, a database the logs create is
//     built from its CreateDB: by the logged records (create version 2.0)
//     or, for the implicit create of Windows 7 logs (1.0), by the engine's
//     legacy create code first (root, space trees and system catalog); a
//     CreateDB met over its own unfinished (JustCreated) file recreates it
//     the same way.
//   - Hard recovery uses a patch file's page images where the engine did:
//     for the new page of a split whose split page is already newer.
//   - The clean header's consistent position counts the records the engine
//     logs while rolling back open transactions (MacroAbort, UndoInfo,
//     Undo, Rollback), placed as its log writer places them.
//   - Switches (in Options and RecoverOptions) are the engine's recovery
//     grbits: a missing current log, lost committed logs, missing
//     databases, soft recovery of a backup copy, and recovery without the
//     undo phase, whose dirty output a later recovery with more logs
//     continues.
package recovery
