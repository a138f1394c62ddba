package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/outfile"
	"github.com/esekit/esekit/rip"
)

// The rip verb has sub-verbs with their own flags, so it parses its
// arguments itself (command.raw).
func cmdRip() command {
	return command{
		name: "rip",
		args: "parse|validate|recreate ...",
		lines: []string{
			"parse [-json] FILE.reg...",
			"validate [-json] [-highest-log HEX] [-pat FILE.pat]... FILE.reg",
			"recreate [-json] [-o FILE.reg] [-regedit4] [-worksheet FILE] [-service NAME] [-logs DIR] [-working DIR] [-databases N] [-from SERVER] [-to SERVER] [-lowlog HEX] [-highlog HEX] [-original PATH]... [-restored PATH]...",
		},
		summary: "the Restore in Progress key (KB Q200941): parse a .reg file to JSON, validate it, or re-create it from the restore worksheet (-worksheet, or the flags after it)",
		raw:     true,
		run:     runRip,
	}
}

// typeRipKey is the "type" of a Restore in Progress key report.
const typeRipKey = "rip_key"

// ripKeyJSON is a parsed key.
type ripKeyJSON struct {
	File   string `json:"file"`
	Type   string `json:"type"`
	Format string `json:"format"`
	*rip.Key
}

// ripProblemsJSON is what validate reports.
type ripProblemsJSON struct {
	File     string        `json:"file"`
	Type     string        `json:"type"`
	Problems []rip.Problem `json:"problems"`
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

func runRip(e *env, _ any, args []string) int {
	if len(args) == 0 {
		return e.usage()
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "-h", "-help", "--help", "help":
		fmt.Fprintf(e.stdout, "usage: %s\n", e.synopsis)
		return exitOK
	}
	fs := flag.NewFlagSet("esekit rip "+sub, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.BoolVar(&e.json, "json", false, "print one JSON document on stdout")
	switch sub {
	case "parse":
		if err := fs.Parse(interleaveFlags(fs, rest)); err != nil {
			return exitUsage
		}
		return ripParse(e, fs.Args())
	case "validate":
		var pats multiFlag
		fs.Var(&pats, "pat", "a restored .pat file: its backup log range is the evidence LowLog/HighLog are checked against (repeatable)")
		highest := fs.String("highest-log", "", "highest numbered log restored (hex, e.g. 3f)")
		if err := fs.Parse(interleaveFlags(fs, rest)); err != nil {
			return exitUsage
		}
		return ripValidate(e, fs.Args(), pats, *highest)
	case "recreate":
		var w rip.Worksheet
		var orig, restored multiFlag
		sheet := fs.String("worksheet", "", "worksheet file (the form of KB Q200941, one \"Label: value\" per line)")
		out := fs.String("o", "", "write the .reg file here, as a new file: an existing one is not replaced (default: stdout, or inside the JSON)")
		v4 := fs.Bool("regedit4", false, "write REGEDIT4 (ANSI) instead of Windows Registry Editor Version 5.00 (UTF-16)")
		fs.StringVar(&w.Service, "service", "", "MSExchangeIS (default) or MSExchangeDS")
		fs.StringVar(&w.TransactionLogsPath, "logs", "", "transaction logs path on the restore server")
		fs.StringVar(&w.WorkingPath, "working", "", "working path (where the checkpoint lives)")
		fs.IntVar(&w.NumberOfDatabases, "databases", 0, "number of databases (default: the number of -original paths)")
		fs.StringVar(&w.BackupServer, "from", "", "server the backup was taken from")
		fs.StringVar(&w.RestoreServer, "to", "", "server the backup is restored to")
		lowlog := fs.String("lowlog", "", "LowLog Number (hex, the .pat file's low generation)")
		highlog := fs.String("highlog", "", "HighLog Number (hex)")
		fs.Var(&orig, "original", "original database path (repeatable, in order)")
		fs.Var(&restored, "restored", "restored database path (repeatable, same order; default: the original paths)")
		if err := fs.Parse(interleaveFlags(fs, rest)); err != nil {
			return exitUsage
		}
		if *sheet != "" {
			f, err := os.Open(*sheet)
			if err != nil {
				fmt.Fprintf(e.stderr, "esekit rip recreate: -worksheet: %s\n", cliText(err.Error()))
				return statusOf(err)
			}
			ws, err := rip.ParseWorksheet(f)
			f.Close()
			if err != nil {
				fmt.Fprintf(e.stderr, "esekit rip recreate: %s\n", cliText(err.Error()))
				return exitBad
			}
			w = *ws
		} else {
			var err error
			if *lowlog != "" {
				if w.LowLog, err = rip.ParseHexLog(*lowlog); err != nil {
					fmt.Fprintf(e.stderr, "esekit rip recreate: -lowlog: %s\n", cliText(err.Error()))
					return exitUsage
				}
			}
			if *highlog != "" {
				if w.HighLog, err = rip.ParseHexLog(*highlog); err != nil {
					fmt.Fprintf(e.stderr, "esekit rip recreate: -highlog: %s\n", cliText(err.Error()))
					return exitUsage
				}
			}
			w.OriginalDatabasePaths = orig
			w.DatabasePaths = restored
		}
		format := rip.Regedit5
		if *v4 {
			format = rip.Regedit4
		}
		return ripRecreate(e, &w, *out, format)
	}
	fmt.Fprintf(e.stderr, "esekit rip: unknown sub-verb %q (parse, validate, recreate)\n", sub)
	return exitUsage
}

// readKey reads the Restore in Progress key of a .reg file.
func readKey(name string) (*rip.Key, rip.RegFormat, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, 0, err
	}
	if len(b) > rip.MaxRegFileSize {
		return nil, 0, fmt.Errorf("%s: file too large for a .reg file", name)
	}
	f, err := rip.ParseRegFile(b)
	if err != nil {
		return nil, 0, err
	}
	k, err := rip.FromRegFile(f)
	return k, f.Format, err
}

func ripParse(e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "usage: esekit rip parse [-json] FILE.reg...")
		return exitUsage
	}
	status := exitOK
	var out []any
	for _, name := range args {
		k, format, err := readKey(name)
		if err != nil {
			fe := errorObject(name, typeRipKey, err)
			status = max(status, fe.status)
			out = append(out, fe)
			continue
		}
		out = append(out, ripKeyJSON{File: name, Type: typeRipKey, Format: format.String(), Key: k})
	}
	return e.emitFiles(out, status, func(x any) {
		if v, ok := x.(ripKeyJSON); ok {
			printKey(e.stdout, v)
		}
	})
}

func printKey(w io.Writer, v ripKeyJSON) {
	k := v.Key
	fmt.Fprintf(w, "%s (%s)\n", v.File, v.Format)
	fmt.Fprintf(w, "  key:                    %s\n", k.Path)
	fmt.Fprintf(w, "  service:                %s\n", k.Service)
	fmt.Fprintf(w, "  LowLog Number:          0x%X\n", k.LowLog)
	fmt.Fprintf(w, "  HighLog Number:         0x%X\n", k.HighLog)
	fmt.Fprintf(w, "  EDB_RstMap Size:        %d\n", k.RstMapSize)
	for i, p := range k.Pairs() {
		fmt.Fprintf(w, "  EDB_RstMap[%d]:          %s\n", i, p.Before)
		fmt.Fprintf(w, "                   ->     %s\n", p.After)
	}
	fmt.Fprintf(w, "  LogPath:                %s\n", k.LogPath)
	fmt.Fprintf(w, "  BackupLogPath:          %s\n", k.BackupLogPath)
	fmt.Fprintf(w, "  CheckpointFilePath:     %s\n", k.CheckpointFilePath)
	fmt.Fprintf(w, "  EDB Database recovered: %v\n", k.Recovered)
}

func ripValidate(e *env, args []string, pats []string, highest string) int {
	if len(args) != 1 {
		fmt.Fprintln(e.stderr, "usage: esekit rip validate [-json] [-pat FILE.pat]... [-highest-log HEX] FILE.reg")
		return exitUsage
	}
	name := args[0]
	k, _, err := readKey(name)
	if err != nil {
		if e.json {
			e.emit(errorObject(name, typeRipKey, err))
		} else {
			fmt.Fprintf(e.stderr, "esekit rip validate: %s\n", cliText(err.Error()))
		}
		return statusOf(err)
	}
	var ev *rip.Evidence
	if len(pats) > 0 || highest != "" {
		ev = &rip.Evidence{PatchFiles: len(pats)}
		for _, p := range pats {
			in, c, err := openInput(p)
			if err != nil {
				fmt.Fprintf(e.stderr, "esekit rip validate: -pat: %s\n", cliText(err.Error()))
				return statusOf(err)
			}
			pf, err := esepatch.Open(in.r)
			c.Close()
			if err != nil {
				fmt.Fprintf(e.stderr, "esekit rip validate: %s: %s\n", p, cliText(err.Error()))
				return exitBad
			}
			if ev.PatchGenLow == 0 || pf.Header.Backup.GenLow < ev.PatchGenLow {
				ev.PatchGenLow = pf.Header.Backup.GenLow
			}
			ev.PatchGenHigh = max(ev.PatchGenHigh, pf.Header.Backup.GenHigh)
		}
		if highest != "" {
			h, err := rip.ParseHexLog(highest)
			if err != nil {
				fmt.Fprintf(e.stderr, "esekit rip validate: -highest-log: %s\n", cliText(err.Error()))
				return exitUsage
			}
			ev.HighestRestoredLog = h
		}
	}
	probs := rip.Validate(k, ev)
	if probs == nil {
		probs = []rip.Problem{}
	}
	for i := range probs {
		probs[i].Message = cliText(probs[i].Message)
	}
	if e.json {
		e.emit(ripProblemsJSON{File: name, Type: typeRipKey, Problems: probs})
	} else {
		for _, p := range probs {
			fmt.Fprintln(e.stdout, p.String())
		}
		if len(probs) == 0 {
			fmt.Fprintf(e.stdout, "%s: no problems found\n", name)
		}
	}
	if len(probs) > 0 {
		return exitBad
	}
	return exitOK
}

// ripRecreateJSON is what recreate reports with -json.
type ripRecreateJSON struct {
	File string   `json:"file"`
	Type string   `json:"type"`
	Key  *rip.Key `json:"key"`
	// Reg is the .reg text when it was not written to a file (Regedit4
	// only; a version 5 file is UTF-16 and is not embedded).
	Reg string `json:"reg,omitempty"`
}

func ripRecreate(e *env, w *rip.Worksheet, out string, format rip.RegFormat) int {
	if out != "" && isFolderName(out) {
		fmt.Fprintf(e.stderr, "esekit rip recreate: -o %s names a folder: give the .reg file's path\n", out)
		return exitUsage
	}
	k, err := w.Key()
	if err != nil {
		fmt.Fprintf(e.stderr, "esekit rip recreate: %s\n", cliText(err.Error()))
		return exitBad
	}
	reg := k.Marshal(format)
	if out != "" {
		// A new file: never over an existing one or through a link.
		if err := outfile.WriteFile(filepath.Dir(out), filepath.Base(out), reg, false); err != nil {
			fmt.Fprintf(e.stderr, "esekit rip recreate: %s\n", cliText(err.Error()))
			return exitBad
		}
	}
	if e.json {
		r := ripRecreateJSON{File: out, Type: typeRipKey, Key: k}
		if out == "" {
			r.Reg = string(regText(reg, format))
		}
		e.emit(r)
		return exitOK
	}
	if out == "" {
		e.stdout.Write(reg)
		return exitOK
	}
	fmt.Fprintf(e.stdout, "wrote %s (%s)\n", out, format)
	printKey(e.stdout, ripKeyJSON{File: out, Type: typeRipKey, Format: format.String(), Key: k})
	return exitOK
}

// regText returns the .reg text as a Go string: decoded from UTF-16LE for
// a version 5 file.
func regText(b []byte, format rip.RegFormat) []byte {
	if format != rip.Regedit5 {
		return b
	}
	b = bytes.TrimPrefix(b, []byte{0xFF, 0xFE})
	u := make([]rune, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, rune(uint16(b[i])|uint16(b[i+1])<<8))
	}
	return []byte(string(u))
}

// isFolderName reports whether the output path p names a folder: it ends
// in a separator or a "." or ".." element, or it is an existing folder.
func isFolderName(p string) bool {
	if strings.HasSuffix(p, "/") || strings.HasSuffix(p, string(filepath.Separator)) {
		return true
	}
	if b := filepath.Base(p); b == "." || b == ".." {
		return true
	}
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
