package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every flag a verb defines is in its usage line and in "esekit help":
// the lines are built from the flags, so a new flag cannot be left out.
func TestUsageLinesComplete(t *testing.T) {
	_, help, _ := runText("help")
	flagLine := regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`)
	verbs := [][]string{}
	for _, c := range commands() {
		if c.raw {
			continue
		}
		verbs = append(verbs, []string{c.name})
	}
	verbs = append(verbs, []string{"rip", "parse"}, []string{"rip", "validate"}, []string{"rip", "recreate"})
	for _, v := range verbs {
		code, _, defaults := runText(append(v, "-h")...)
		flags := flagLine.FindAllStringSubmatch(defaults, -1)
		if len(flags) == 0 {
			t.Errorf("%v -h lists no flags (status %d):\n%s", v, code, defaults)
		}
		line := ""
		for _, l := range strings.Split(help, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "esekit "+strings.Join(v, " ")+" ") {
				line = l
			}
		}
		if line == "" {
			t.Errorf("help has no usage line for %v", v)
			continue
		}
		for _, f := range flags {
			if !strings.Contains(line, "-"+f[1]+" ") && !strings.Contains(line, "-"+f[1]+"]") {
				t.Errorf("usage line of %v lacks -%s: %s", v, f[1], line)
			}
		}
	}
	// The README's table of verbs lists every flag too.
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range verbs {
		row := ""
		for _, l := range strings.Split(string(readme), "\n") {
			if strings.HasPrefix(l, "| `esekit "+v[0]+" ") {
				row = l
			}
		}
		_, _, defaults := runText(append(v, "-h")...)
		for _, f := range flagLine.FindAllStringSubmatch(defaults, -1) {
			if f[1] != "json" && !regexp.MustCompile(`-`+f[1]+`\b[^-]`).MatchString(row) {
				t.Errorf("README row of %v lacks -%s", v, f[1])
			}
		}
	}
	// Required flags have no brackets; repeatable ones are marked.
	for _, want := range []string{"esekit recover -out DIR [-json]", "[-map OLD=NEW]...", "[-checkpoint FILE] [-hard]"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	// A usage error prints the verb's complete line.
	if code, _, errs := runText("plan"); code != exitUsage || !strings.Contains(errs, "[-no-checkpoint]") {
		t.Errorf("plan without arguments: %d %q", code, errs)
	}
}

// Library messages reach the command line with flags, not Go option names,
// and a failed recovery reports the engine's code, never "error": 0.
func TestRecoverFailureText(t *testing.T) {
	set := sampleFolder(t)
	out := t.TempDir()
	if code, _, errs := runText("recover", "-out", out, set); code != exitOK {
		t.Fatalf("first recovery: %d %s", code, errs)
	}
	var r recoverJSON
	code, _ := runJSON(t, &r, "recover", "-json", "-out", out, set)
	if code != exitBad || r.Error != -1814 || len(r.Databases) != 1 || r.Databases[0].Error != -1814 {
		t.Fatalf("recovery over an existing output: status %d, error %d, %+v", code, r.Error, r.Databases)
	}
	for _, m := range []string{r.Message, r.Databases[0].Message} {
		if !strings.Contains(m, "give -overwrite") || strings.Contains(m, "Overwrite") {
			t.Errorf("message %q", m)
		}
	}
	if got := cliText("the logs create database x: replay skips its records unless RecoverOptions.CreateMissing is set"); got != "the logs create database x: replay skips its records unless -create is given" {
		t.Errorf("cliText: %q", got)
	}
	for in, want := range map[string]string{
		"recovery: x.edb: eselog: bad header [JET_errLogFileCorrupt]": "x.edb: bad header [JET_errLogFileCorrupt]",
		"-rip: rip: .reg line 1: bad header":                          "-rip: .reg line 1: bad header",
	} {
		if got := cliText(in); got != want {
			t.Errorf("cliText(%q) = %q, want %q", in, got, want)
		}
	}
}

// Generations print in hexadecimal in every readable report, as the
// engine prints positions: the sample's current log is generation 0x52.
func TestReadableGenerationsHex(t *testing.T) {
	set := sampleFolder(t)
	_, hdr, _ := runText("header", set+"/SRU.log", set+"/SRUDB.dat", set+"/SRU.chk")
	for _, want := range []string{"  generation:", " 0x52\n", "gen min required:", " 0x51\n", "deletable below:"} {
		if !strings.Contains(hdr, want) {
			t.Errorf("header lacks %q:\n%s", want, hdr)
		}
	}
	for _, bad := range []string{" 82\n", " 81\n"} {
		if strings.Contains(hdr, bad) {
			t.Errorf("header prints a generation in decimal (%q)", bad)
		}
	}
	if _, logs, _ := runText("logs", set+"/SRU.log"); !strings.Contains(logs, "generation:      0x52, format") {
		t.Errorf("logs: %s", logs)
	}
}

// errcode answers "unknown code" (status 1) for a number esekit has no
// name for, still with its printed forms, and for text that is no code in
// any form; never the name of the parser's own error.
func TestErrcodeUnknown(t *testing.T) {
	var got []errcodeJSON
	code, _ := runJSON(t, &got, "errcode", "-json", "-1500", "12345", "0")
	if code != exitBad || len(got) != 3 {
		t.Fatalf("status %d, %d answers", code, len(got))
	}
	u, n, z := got[0], got[1], got[2]
	if u.Known || !strings.HasPrefix(u.Error, "unknown code") || u.UnsignedHex != "0xFFFFFA24" || u.HardRecoveryHex != "0xC80005DC" || len(u.Forms) != 5 {
		t.Errorf("-1500: %+v", u)
	}
	if !strings.HasPrefix(n.Error, "unknown code") || strings.Contains(n.Error, "InvalidParameter") || len(n.Forms) != 0 {
		t.Errorf("12345: %+v", n)
	}
	if !z.Known || z.Name != "JET_errSuccess" || z.Error != "" {
		t.Errorf("0: %+v", z)
	}
	_, out, _ := runText("errcode", "12345", "-1500")
	if !strings.Contains(out, "12345: unknown code") || !strings.Contains(out, "-1500  unknown code") || strings.Contains(out, "InvalidParameter") || strings.Contains(out, "JET_err(") {
		t.Errorf("readable:\n%s", out)
	}
}
