// Command esekit is the command-line face of the esekit library: the
// inspection and recovery verbs of Microsoft's eseutil, on any OS, for
// Extensible Storage Engine ("JET Blue") databases, logs, checkpoints and
// patch files.
//
// Usage: "esekit help" lists every verb with all its flags; "esekit VERB
// -h" explains each flag.
//
// Every verb prints a readable report by default and one JSON document on
// stdout with -json. Exit status, the same for every verb: 0 when all is
// well (the verdict is positive), 1 when a file is bad, is not of a type
// the verb reads, or a verdict is negative, 2 for a usage error: an unknown
// verb or flag, a malformed flag value, a missing argument, or a path that
// does not exist or is a file where a folder is needed (or the reverse).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
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
	// synopsis is the verb's complete usage line, for usage errors.
	synopsis string
}

// usage reports a usage error: the verb's usage line on stderr. It returns
// exitUsage, so a verb can end with `return e.usage()`.
func (e *env) usage() int {
	fmt.Fprintf(e.stderr, "usage: %s\n", e.synopsis)
	return exitUsage
}

// command is one verb.
type command struct {
	name    string
	args    string // synopsis of the arguments after the flags
	summary string
	// setup registers the verb's own flags (besides -json); may be nil.
	setup func(fs *flag.FlagSet) any
	// required names the flags the verb cannot run without; the usage
	// line shows them without brackets.
	required []string
	// lines are the usage lines of a raw verb (one per sub-verb); other
	// verbs' lines are built from their flags.
	lines []string
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
			e.synopsis = strings.Join(c.synopses(), "\n       ")
			return c.run(e, nil, args[1:])
		}
		fs, opts := c.flagSet(e)
		fs.SetOutput(stderr)
		e.synopsis = c.synopses()[0]
		fs.Usage = func() {
			fmt.Fprintf(stderr, "usage: %s\n%s\n\nflags:\n", e.synopsis, c.summary)
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

// flagSet builds the verb's flags: -json (into e) and the verb's own.
func (c command) flagSet(e *env) (*flag.FlagSet, any) {
	fs := flag.NewFlagSet("esekit "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&e.json, "json", false, "print one JSON document on stdout")
	var opts any
	if c.setup != nil {
		opts = c.setup(fs)
	}
	return fs, opts
}

// flagValueNames are the placeholders usage lines show for flag values.
var flagValueNames = map[string]string{
	"out": "DIR", "cache": "MiB", "max-size": "MiB", "rip": "FILE.reg", "map": "OLD=NEW",
	"checkpoint": "FILE", "type": "TYPE,...", "workers": "N",
}

// synopses returns the verb's usage lines: for a raw verb its own lines,
// otherwise one line built from every flag the verb registers, so no flag
// is left out: required flags first, then -json, then the others by name.
func (c command) synopses() []string {
	if c.raw {
		out := make([]string, len(c.lines))
		for i, l := range c.lines {
			out[i] = "esekit " + c.name + " " + l
		}
		return out
	}
	fs, _ := c.flagSet(&env{})
	req := map[string]bool{}
	for _, r := range c.required {
		req[r] = true
	}
	var first, json, rest []string
	fs.VisitAll(func(f *flag.Flag) {
		s := "-" + f.Name
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !bf.IsBoolFlag() {
			v, _ := flag.UnquoteUsage(f)
			if n, ok := flagValueNames[f.Name]; ok {
				v = n
			} else {
				v = strings.ToUpper(v)
			}
			s += " " + v
		}
		_, repeat := f.Value.(*multiFlag)
		switch {
		case req[f.Name]:
			first = append(first, s)
		case repeat:
			rest = append(rest, "["+s+"]...")
		case f.Name == "json":
			json = append(json, "["+s+"]")
		default:
			rest = append(rest, "["+s+"]")
		}
	})
	parts := append(append(append([]string{"esekit", c.name}, first...), json...), rest...)
	return []string{strings.Join(append(parts, c.args), " ")}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "esekit: inspect, verify and recover ESE (JET Blue) databases, logs and checkpoints")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "usage:")
	fmt.Fprintln(w, "  esekit")
	fmt.Fprintln(w, "      inspect the sample set embedded in the binary")
	for _, c := range commands() {
		for _, l := range c.synopses() {
			fmt.Fprintf(w, "  %s\n", l)
		}
		fmt.Fprintf(w, "      %s\n", c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "\"esekit VERB -h\" explains each flag. -json prints one JSON document on stdout.")
	fmt.Fprintln(w, "Exit status: 0 all is well; 1 a file is bad, is not of a type the verb reads,")
	fmt.Fprintln(w, "or a verdict is negative; 2 a usage error (unknown verb or flag, malformed flag")
	fmt.Fprintln(w, "value, missing argument, a path that does not exist or is of the wrong kind).")
}

// usageError marks an error as a usage error (exit status 2): a malformed
// flag value or an argument of the wrong kind.
type usageError struct{ error }

func (u usageError) Unwrap() error { return u.error }

// errIsFolder is wrapped when a file is needed and a folder is given. It
// wraps EISDIR, so its engine code is JET_errInvalidPath.
var errIsFolder error = isFolderError{}

type isFolderError struct{}

func (isFolderError) Error() string { return "is a folder, not a file" }
func (isFolderError) Unwrap() error { return syscall.EISDIR }

// statusOf is the exit status for a failure: 2 for a usage error, a path
// that does not exist or a folder given as a file; 1 for anything else (a
// file that cannot be read or is bad).
func statusOf(err error) int {
	var u usageError
	if errors.As(err, &u) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.EISDIR) {
		return exitUsage
	}
	return exitBad
}

// isNumber reports whether a looks like a negative number (an error code
// such as -530), which is an argument, not a flag.
func isNumber(a string) bool {
	_, err := strconv.ParseInt(a, 0, 64)
	return err == nil
}
