package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/recovery"
)

func cmdRecover() command {
	return command{
		name:     "recover",
		args:     "DIR...",
		required: []string{"out"},
		summary:  "soft recovery: replay the logs into copies of the databases written to -out and leave them clean (the inputs are never written)",
		setup:    func(fs *flag.FlagSet) any { return recoverFlags(fs, false) },
		run:      runRecover,
	}
}

func cmdRestore() command {
	return command{
		name:     "restore",
		args:     "RESTOREDIR [LOGDIR]",
		required: []string{"out"},
		summary:  "hard recovery of an online backup: patch data, backup logs and logs on disk replayed into copies written to -out; the Restore in Progress key is written back marked recovered",
		setup:    func(fs *flag.FlagSet) any { return recoverFlags(fs, true) },
		run:      runRestore,
	}
}

type recoverOpts struct {
	out       string
	cacheMiB  int64
	maxMiB    int64
	overwrite bool
	create    bool
	ripFile   string
	maps      multiFlag
	sw        switchFlags
}

func recoverFlags(fs *flag.FlagSet, hard bool) *recoverOpts {
	o := &recoverOpts{}
	fs.StringVar(&o.out, "out", "", "folder the recovered databases are written to (required)")
	fs.Int64Var(&o.cacheMiB, "cache", 256, "page cache of the whole recovery, shared by all its databases, in MiB")
	fs.Int64Var(&o.maxMiB, "max-size", 0, "largest size, in MiB, the logs (or a patch file's page images) may grow a database to; 0: for logs the engine's bound of 2^32 pages, for page images the size the database copy and the logs justify")
	fs.BoolVar(&o.overwrite, "overwrite", false, "replace files already in -out")
	if !hard {
		fs.BoolVar(&o.create, "create", false, "create, in -out, a database the logs create (CreateDB) when no file of it is given")
	}
	if hard {
		fs.StringVar(&o.ripFile, "rip", "", "Restore in Progress key (.reg): LowLog/HighLog, EDB_RstMap; written back to -out (which must not be its folder) marked recovered")
		fs.Var(&o.maps, "map", "restore map entry OLD=NEW (repeatable)")
	}
	addSwitchFlags(fs, &o.sw)
	return o
}

// recoverDBJSON is what recovery did to one database (issue 6).
type recoverDBJSON struct {
	File                   string  `json:"file"`
	Type                   string  `json:"type"`
	Output                 string  `json:"output,omitempty"`
	Action                 string  `json:"action"`
	StateBefore            string  `json:"state_before"`
	StateAfter             string  `json:"state_after"`
	LogsReplayed           int     `json:"logs_replayed"`
	RecordsRedone          int64   `json:"records_redone"`
	RecordsSkipped         int64   `json:"records_skipped"`
	TransactionsRolledBack int     `json:"transactions_rolled_back"`
	PagesWritten           int64   `json:"pages_written"`
	Consistent             posJSON `json:"consistent"`
	Error                  int32   `json:"error"`
	Message                string  `json:"message,omitempty"`
}

// recoverJSON is the outcome of recover or restore.
type recoverJSON struct {
	File         string          `json:"file"`
	Type         string          `json:"type"`
	Mode         string          `json:"mode"`
	Out          string          `json:"out"`
	Databases    []recoverDBJSON `json:"databases"`
	LogsReplayed []string        `json:"logs_replayed"`
	Records      int64           `json:"records"`
	LogBytes     int64           `json:"log_bytes"`
	RIP          string          `json:"rip,omitempty"`
	Error        int32           `json:"error"`
	Message      string          `json:"message"`
	Events       []planEventJSON `json:"events"`
}

// typeRecovery is the "type" of a recover/restore report.
const typeRecovery = "recovery"

func recoverToJSON(label, out string, r *recovery.RecoverResult) recoverJSON {
	o := recoverJSON{File: label, Type: typeRecovery, Mode: string(r.Mode), Out: out,
		Databases: []recoverDBJSON{}, LogsReplayed: append([]string{}, r.LogsReplayed...),
		Records: r.Records, LogBytes: r.LogBytes, RIP: r.RIP, Error: int32(r.Error), Message: cliText(r.Message),
		Events: []planEventJSON{}}
	for _, d := range r.Databases {
		o.Databases = append(o.Databases, recoverDBJSON{File: d.File, Type: typeDatabase, Output: d.Output,
			Action: d.Action, StateBefore: d.StateBefore, StateAfter: d.StateAfter, LogsReplayed: d.LogsReplayed,
			RecordsRedone: d.RecordsRedone, RecordsSkipped: d.RecordsSkipped,
			TransactionsRolledBack: d.TransactionsRolledBack, PagesWritten: d.PagesWritten,
			Consistent: pos(d.ConsistentPos), Error: int32(d.Error), Message: cliText(d.Message)})
	}
	for _, e := range r.Events {
		o.Events = append(o.Events, planEventJSON{Kind: string(e.Kind), Message: cliText(e.Message), Files: e.Files,
			Generation: e.Generation, Error: int32(e.Code)})
	}
	return o
}

// setFailure records err, the error recovery returned with its result: a
// failure always reports an engine code (ese.CodeOf), never "error": 0,
// and a message.
func (r *recoverJSON) setFailure(err error) {
	if err == nil {
		return
	}
	if r.Error == 0 {
		r.Error = int32(ese.CodeOf(err))
	}
	if r.Message == "" {
		r.Message = cliText(err.Error())
	}
}

// checkRecoverArgs checks what recover and restore need.
func checkRecoverArgs(e *env, verb string, o *recoverOpts, args []string) bool {
	if o.out == "" || len(args) == 0 {
		e.usage()
		return false
	}
	for _, d := range args {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			fmt.Fprintf(e.stderr, "esekit %s: %s is not a folder\n", verb, d)
			return false
		}
		// Not an input folder, nor inside one (compared as folders: a
		// link or another spelling is the same folder); checked before
		// -out is created.
		if err := recovery.CheckOutDir(o.out, d); err != nil {
			fmt.Fprintf(e.stderr, "esekit %s: -out must not be an input folder or inside one (the inputs are never written): %s\n", verb, cliText(err.Error()))
			return false
		}
	}
	// The key is written back to -out under its own name: its folder is an
	// input folder too.
	if o.ripFile != "" && recovery.CheckOutDir(o.out, filepath.Dir(o.ripFile)) != nil {
		fmt.Fprintf(e.stderr, "esekit %s: -out must not be the folder of -rip, nor inside it (the key read is never replaced)\n", verb)
		return false
	}
	if o.ripFile != "" {
		if st, err := os.Stat(o.ripFile); err != nil || st.IsDir() {
			fmt.Fprintf(e.stderr, "esekit %s: -rip %s is not a file\n", verb, o.ripFile)
			return false
		}
	}
	if o.cacheMiB <= 0 || o.cacheMiB > 1<<20 {
		fmt.Fprintf(e.stderr, "esekit %s: -cache %d MiB is out of range\n", verb, o.cacheMiB)
		return false
	}
	if o.maxMiB < 0 || o.maxMiB > 1<<30 {
		fmt.Fprintf(e.stderr, "esekit %s: -max-size %d MiB is out of range\n", verb, o.maxMiB)
		return false
	}
	// An existing path must be a folder; a missing one is created by
	// recovery, which removes it again when it fails having written
	// nothing.
	if st, err := os.Stat(o.out); err == nil && !st.IsDir() {
		fmt.Fprintf(e.stderr, "esekit %s: -out %s is not a folder\n", verb, o.out)
		return false
	}
	return true
}

func recoveryOptions(o *recoverOpts) recovery.RecoverOptions {
	return recovery.RecoverOptions{OutDir: o.out, Overwrite: o.overwrite, CacheBytes: o.cacheMiB << 20, MaxFileBytes: o.maxMiB << 20,
		CreateMissing: o.create, Switches: o.sw.switches()}
}

func runRecover(e *env, opts any, args []string) int {
	o := opts.(*recoverOpts)
	if !checkRecoverArgs(e, "recover", o, args) {
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ro := recoveryOptions(o)
	res, err := recovery.RecoverFolder(ctx, recovery.FolderInput{Logs: args[0], Databases: args[1:]}, &ro)
	return reportRecovery(e, "recover", args[0], o.out, res, err)
}

func runRestore(e *env, opts any, args []string) int {
	o := opts.(*recoverOpts)
	if err := o.sw.hardRefusal("restore"); err != nil {
		fmt.Fprintln(e.stderr, err)
		return exitUsage
	}
	if !checkRecoverArgs(e, "restore", o, args) {
		return exitUsage
	}
	var maps []recovery.MapEntry
	for _, m := range o.maps {
		from, to, ok := strings.Cut(m, "=")
		if !ok || from == "" || to == "" {
			fmt.Fprintf(e.stderr, "esekit restore: -map %q: want OLD=NEW\n", m)
			return exitUsage
		}
		maps = append(maps, recovery.MapEntry{From: from, To: to})
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ro := recovery.RestoreOptions{RecoverOptions: recoveryOptions(o)}
	in := recovery.RestoreFolderInput{Restore: args[0], RIPFile: o.ripFile, Maps: maps}
	if len(args) > 1 {
		in.Target = args[1]
	}
	res, err := recovery.RestoreFolder(ctx, in, &ro)
	return reportRecovery(e, "restore", args[0], o.out, res, err)
}

// reportRecovery prints the outcome; exit status 1 on any error.
func reportRecovery(e *env, verb, label, out string, res *recovery.RecoverResult, err error) int {
	if res == nil {
		if err == nil {
			err = fmt.Errorf("no result")
		}
		if e.json {
			fe := errorObject(label, typeRecovery, err)
			e.emit(fe)
		} else {
			fmt.Fprintf(e.stderr, "esekit %s: %s\n", verb, cliText(err.Error()))
		}
		return exitBad
	}
	rj := recoverToJSON(label, out, res)
	rj.setFailure(err)
	if e.json {
		e.emit(rj)
	} else {
		printRecovery(e.stdout, rj)
	}
	if err != nil || rj.Error != 0 {
		return exitBad
	}
	for _, d := range rj.Databases {
		if d.Error != 0 {
			return exitBad
		}
	}
	return exitOK
}

func printRecovery(w io.Writer, r recoverJSON) {
	fmt.Fprintf(w, "%s recovery of %s into %s\n", r.Mode, r.File, r.Out)
	if len(r.LogsReplayed) > 0 {
		fmt.Fprintf(w, "  logs replayed: %s (%d records, %d bytes)\n", strings.Join(r.LogsReplayed, ", "), r.Records, r.LogBytes)
	}
	for _, d := range r.Databases {
		fmt.Fprintf(w, "  database %s: %s -> %s\n", d.File, d.StateBefore, d.StateAfter)
		if d.Output != "" {
			fmt.Fprintf(w, "      written to %s\n", d.Output)
		}
		fmt.Fprintf(w, "      %d logs replayed, %d records redone, %d skipped, %d transactions rolled back, %d pages written\n",
			d.LogsReplayed, d.RecordsRedone, d.RecordsSkipped, d.TransactionsRolledBack, d.PagesWritten)
		if d.StateAfter != d.StateBefore {
			fmt.Fprintf(w, "      consistent at %s\n", posText(d.Consistent))
		}
		if d.Error != 0 {
			fmt.Fprintf(w, "      error %d (%s): %s\n", d.Error, ese.Error(d.Error).Name(), d.Message)
		} else if d.Message != "" {
			fmt.Fprintf(w, "      %s\n", d.Message)
		}
	}
	printMapEntries(w, r.Events)
	if r.RIP != "" {
		fmt.Fprintf(w, "  Restore in Progress key written, marked recovered: %s\n", r.RIP)
	}
	if r.Error != 0 {
		fmt.Fprintf(w, "  verdict: stopped with %d (%s): %s\n", r.Error, ese.Error(r.Error).Name(), r.Message)
	} else {
		fmt.Fprintf(w, "  verdict: %s\n", orNone(r.Message))
	}
}
