package main

import (
	"fmt"
	"strconv"

	"github.com/esekit/esekit/ese"
)

// errcodeJSON is one code in every printed form. Error is set, and the
// exit status is 1, for a code esekit has no name for ("unknown code"; the
// forms are still given) and for text that is no code in any form.
type errcodeJSON struct {
	Input string `json:"input"`
	// Code is the signed engine code, e.g. -530.
	Code    int32  `json:"code"`
	Name    string `json:"name"`
	Meaning string `json:"meaning"`
	Known   bool   `json:"known"`
	// Unsigned and UnsignedHex are the forms of an ordinary startup:
	// 4294966766 and 0xFFFFFDEE for -530.
	Unsigned    uint32 `json:"unsigned"`
	UnsignedHex string `json:"unsigned_hex"`
	// HardRecovery and HardRecoveryHex are the forms printed during hard
	// recovery (restore): 3355443730 and 0xC8000212 for -530; 0 and ""
	// for codes without that form.
	HardRecovery    uint32   `json:"hard_recovery"`
	HardRecoveryHex string   `json:"hard_recovery_hex"`
	Forms           []string `json:"forms"`
	Error           string   `json:"error,omitempty"`
}

func cmdErrcode() command {
	return command{
		name:    "errcode",
		args:    "CODE...",
		summary: "every form of each JET error code (-530, 4294966766, 0xFFFFFDEE, 0xC8000212, JET_errBadLogSignature), its name and meaning",
		run:     runErrcode,
	}
}

func errcodeOf(s string) errcodeJSON {
	out := errcodeJSON{Input: s}
	e, err := ese.ParseError(s)
	if err != nil {
		out.Error = fmt.Sprintf("unknown code: %q is no JET error code in any printed form (-530, 4294966766, 0xFFFFFDEE, 0xC8000212, JET_errBadLogSignature)", s)
		return out
	}
	out.Code = e.Code()
	out.Name = e.Name()
	out.Meaning = e.Meaning()
	out.Known = e.Known()
	out.Unsigned = e.Unsigned()
	out.UnsignedHex = fmt.Sprintf("0x%08X", e.Unsigned())
	if h := e.HardRecovery(); h != 0 {
		out.HardRecovery = h
		out.HardRecoveryHex = fmt.Sprintf("0x%08X", h)
	}
	out.Forms = e.Forms()
	if !out.Known {
		out.Error = fmt.Sprintf("unknown code: esekit has no name for %d", e.Code())
	}
	return out
}

func runErrcode(e *env, _ any, args []string) int {
	if len(args) == 0 {
		return e.usage()
	}
	status := exitOK
	var out []errcodeJSON
	for _, a := range args {
		c := errcodeOf(a)
		if c.Error != "" {
			status = exitBad
		}
		out = append(out, c)
	}
	if e.json {
		e.emit(out)
		return status
	}
	for i, c := range out {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		if len(c.Forms) == 0 {
			fmt.Fprintf(e.stdout, "%s: %s\n", c.Input, c.Error)
			continue
		}
		if c.Known {
			fmt.Fprintf(e.stdout, "%s  %s\n", strconv.Itoa(int(c.Code)), c.Name)
		} else {
			fmt.Fprintf(e.stdout, "%s  %s\n", strconv.Itoa(int(c.Code)), c.Error)
		}
		if c.Meaning != "" {
			fmt.Fprintf(e.stdout, "  meaning:        %s\n", c.Meaning)
		}
		fmt.Fprintf(e.stdout, "  ordinary start: %d = %s\n", c.Unsigned, c.UnsignedHex)
		if c.HardRecovery != 0 {
			fmt.Fprintf(e.stdout, "  hard recovery:  %d = %s\n", c.HardRecovery, c.HardRecoveryHex)
		}
	}
	return status
}
