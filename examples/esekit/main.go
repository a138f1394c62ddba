// Command esekit is the command-line face of the esekit library: the
// inspection and recovery verbs of Microsoft's eseutil, on any OS, for
// Extensible Storage Engine ("JET Blue") databases, logs, checkpoints and
// patch files.
//
// Usage:
//
//	esekit                      inspect the sample set embedded in the binary
//	esekit identify [-json] FILE...
//	esekit header   [-json] FILE...
//	esekit verify   [-json] FILE...
//	esekit errcode  [-json] CODE...
//	esekit logs     [-json] [-records [-type T,...] [-db DB]] [-allow-corrupt] FILE|DIR...
//	esekit check    [-json] [-checkpoint FILE] DIR [DB...]
//	esekit plan     [-json] [-hard] [-rip FILE.reg] [-map OLD=NEW] DIR|DB...
//	esekit recover  [-json] -out DIR [-cache MiB] [-max-size MiB] [-create] DIR...
//	esekit restore  [-json] -out DIR [-cache MiB] [-max-size MiB] [-rip FILE.reg] [-map OLD=NEW] RESTOREDIR [LOGDIR]
//	esekit rip      parse|validate|recreate [-json] ...
//	esekit tables   [-json] [-no-verify] DB
//	esekit dump     [-json|-csv] [-table NAME] [-index NAME] [-where COL=VALUE,...] [-deleted] [-logs DIR] [-no-verify] [-skip-damaged] DB
//
// Every verb prints a readable report by default and one JSON document on
// stdout with -json. Exit status: 0 when all is well, 1 when a file is bad
// or a verdict is negative, 2 for a usage error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK    = 0
	exitBad   = 1
	exitUsage = 2
)

// env is what a verb runs with: where to write and how.
type env struct {
	stdout, stderr io.Writer
	json           bool
}

// command is one verb.
type command struct {
	name    string
	args    string // synopsis of the arguments after the flags
	summary string
	// setup registers the verb's own flags (besides -json); may be nil.
	setup func(fs *flag.FlagSet) any
	// raw verbs parse their own arguments (sub-verbs with their own
	// flags); run gets them untouched.
	raw bool
	// run carries out the verb; opts is what setup returned.
	run func(e *env, opts any, args []string) int
}

// commands returns every verb, in the order usage lists them.
func commands() []command {
	return []command{
		cmdIdentify(),
		cmdHeader(),
		cmdVerify(),
		cmdLogs(),
		cmdCheck(),
		cmdPlan(),
		cmdRecover(),
		cmdRestore(),
		cmdRip(),
		cmdTables(),
		cmdDump(),
		cmdErrcode(),
	}
}

// run is main without the process: it parses args, runs the verb and
// returns the exit status. Tests call it in-process.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return runSample(&env{stdout: stdout, stderr: stderr}, false)
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return exitOK
	case "-json", "--json", "sample":
		e := &env{stdout: stdout, stderr: stderr}
		fs := flag.NewFlagSet("esekit sample", flag.ContinueOnError)
		fs.SetOutput(stderr)
		fs.BoolVar(&e.json, "json", false, "print one JSON document")
		rest := args
		if name == "sample" {
			rest = args[1:]
		}
		if err := fs.Parse(rest); err != nil {
			return exitUsage
		}
		return runSample(e, e.json)
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		e := &env{stdout: stdout, stderr: stderr}
		if c.raw {
			return c.run(e, nil, args[1:])
		}
		fs := flag.NewFlagSet("esekit "+c.name, flag.ContinueOnError)
		fs.SetOutput(stderr)
		fs.BoolVar(&e.json, "json", false, "print one JSON document on stdout")
		var opts any
		if c.setup != nil {
			opts = c.setup(fs)
		}
		fs.Usage = func() {
			fmt.Fprintf(stderr, "usage: esekit %s [flags] %s\n%s\n\nflags:\n", c.name, c.args, c.summary)
			fs.PrintDefaults()
		}
		if err := fs.Parse(interleaveFlags(fs, args[1:])); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK
			}
			return exitUsage
		}
		return c.run(e, opts, fs.Args())
	}
	fmt.Fprintf(stderr, "esekit: unknown verb %q\n\n", name)
	usage(stderr)
	return exitUsage
}

// interleaveFlags moves flags written after the file arguments in front of
// them, so "esekit header FILE -json" works like "esekit header -json FILE".
// A lone "--" ends flag parsing.
func interleaveFlags(fs *flag.FlagSet, args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		if len(a) > 1 && a[0] == '-' && !isNumber(a) {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if strings.Contains(name, "=") {
				continue
			}
			// A non-boolean flag takes the next argument as its value.
			if f := fs.Lookup(name); f != nil {
				if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !bf.IsBoolFlag() {
					if i+1 < len(args) {
						i++
						flags = append(flags, args[i])
					}
				}
			}
			continue
		}
		rest = append(rest, a)
	}
	return append(append(flags, "--"), rest...)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "esekit: inspect, verify and recover ESE (JET Blue) databases, logs and checkpoints")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "usage:")
	fmt.Fprintln(w, "  esekit                      inspect the sample set embedded in the binary")
	for _, c := range commands() {
		if c.raw {
			fmt.Fprintf(w, "  esekit %-8s %s\n      %s\n", c.name, c.args, c.summary)
			continue
		}
		fmt.Fprintf(w, "  esekit %-8s [-json] %s\n      %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "-json prints one JSON document on stdout. Exit status 1 means a file is bad")
	fmt.Fprintln(w, "or a verdict is negative; 2 means a usage error.")
}

// isNumber reports whether a looks like a negative number (an error code
// such as -530), which is an argument, not a flag.
func isNumber(a string) bool {
	_, err := strconv.ParseInt(a, 0, 64)
	return err == nil
}
