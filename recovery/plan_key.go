package recovery

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/rip"
)

// PlanHardKey plans a hard recovery driven by a Restore in Progress key
// (KB Q200941): LowLog and HighLog come from the key, and its EDB_RstMap
// becomes the restore map over targets (the local folders the databases
// are restored to; nothing resolves outside them). The key's problems
// (rip.Validate, checked against the patch files) are delivered as events
// first. A key whose "EDB Database recovered" is 01 is no longer obeyed:
// the engine deletes it at startup and runs soft recovery instead.
func PlanHardKey(ctx context.Context, k *rip.Key, in HardInput, targets []string, opts *Options) (*Plan, error) {
	if k == nil {
		return nil, fmt.Errorf("recovery: PlanHardKey needs a key")
	}
	em := &emitter{opts: opts}
	// The key's own problems (KB Q200941), as events: their severity is in
	// the message; the plan's verdict comes from the files.
	for _, pr := range rip.Validate(k, nil) {
		em.emit(Event{Kind: EventLogProblem, Message: "Restore in Progress key: " + pr.String()})
	}
	if k.Recovered {
		p := &Plan{Mode: ModeSoft, Logs: []PlanLog{}, Databases: []PlanDatabase{},
			Message: "the key's \"EDB Database recovered\" is 01: the engine deletes the key instead of obeying it; the next start runs soft recovery"}
		em.emit(Event{Kind: EventCheckpointIgnored, Message: p.Message})
		p.Events = em.events
		return p, nil
	}
	o := Options{}
	if opts != nil {
		o = *opts
	}
	if len(k.RstMap) > 0 {
		m, err := RestoreMapFromRstMap(k.RstMap, targets)
		if err != nil {
			return nil, err
		}
		o.RestoreMap = m
	}
	in2 := in
	in2.LowLog, in2.HighLog = k.LowLog, k.HighLog
	if k.LowLog > 0x7FFFFFFF || k.HighLog > 0x7FFFFFFF {
		return nil, fmt.Errorf("recovery: key log range 0x%X-0x%X out of range", k.LowLog, k.HighLog)
	}
	p, err := PlanHard(ctx, in2, &o)
	if p != nil {
		// Check the key again with what the restore folder shows.
		if p.PatchRange != nil {
			ev := &rip.Evidence{PatchGenLow: p.PatchRange.Low, PatchGenHigh: p.PatchRange.High, PatchFiles: p.PatchFiles}
			for _, l := range p.Logs {
				if l.FromBackup {
					ev.HighestRestoredLog = max(ev.HighestRestoredLog, l.Generation)
				}
			}
			seen := map[string]bool{}
			for _, e := range em.events {
				seen[e.Message] = true
			}
			for _, pr := range rip.Validate(k, ev) {
				msg := "Restore in Progress key: " + pr.String()
				if !seen[msg] {
					em.emit(Event{Kind: EventLogProblem, Message: msg})
				}
			}
		}
		p.Events = append(em.events, p.Events...)
	}
	return p, err
}

// hardLogBody scans a restore-set log's body and maps what it finds to the
// hard-recovery errors of docs/recovery.md#hard-recovery, step 5: a torn write or a
// corruption inside the backup set (-570, -573) or after it (-571, -574).
// current says the file is the current log, the only one whose torn tail
// may be repaired after the backup set. It returns 0 when the body is
// sound or cannot be examined.
func hardLogBody(fsys fs.FS, dir string, f *eselog.SetFile, inBackup, current bool) (ese.Error, string) {
	fh, err := fsys.Open(path.Join(dir, f.File))
	if err != nil {
		return 0, ""
	}
	defer fh.Close()
	ra, ok := fh.(io.ReaderAt)
	if !ok {
		return 0, ""
	}
	l, err := eselog.OpenOptions(ra, f.Size, eselog.Options{AllowCorruptTail: true, RepairLegacyTail: true})
	if err != nil {
		return 0, ""
	}
	switch {
	case l.TailErr != nil && inBackup:
		return ese.ErrLogCorruptDuringHardRestore, fmt.Sprintf("%s, a log of the backup set, is corrupt: %v", f.File, l.TailErr)
	case l.TailErr != nil:
		return ese.ErrLogCorruptDuringHardRecovery, fmt.Sprintf("%s, a log after the backup set, is corrupt: %v", f.File, l.TailErr)
	case l.TornWrite && inBackup:
		return ese.ErrLogTornWriteDuringHardRestore, fmt.Sprintf("%s, a log of the backup set, ends in a torn write; hard recovery does not repair backup logs", f.File)
	case l.TornWrite && !current:
		return ese.ErrLogTornWriteDuringHardRecovery, fmt.Sprintf("%s ends in a torn write; after the backup set only the current log may be repaired", f.File)
	}
	return 0, ""
}
