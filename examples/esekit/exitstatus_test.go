package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esekit/esekit/internal/testcorpus"
)

// sampleFolder writes the sample set embedded in the binary (a dirty SRUM
// database, its logs 0x4E-0x52 and checkpoint) into a new folder.
func sampleFolder(t *testing.T) string {
	t.Helper()
	m, names, err := loadSample()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "set")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), m[n].Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestExitStatusEveryVerb runs every verb with a good input (0), a file it
// cannot use or a negative verdict (1), a malformed flag (2) and a path
// that does not exist (2). The inputs are the embedded sample set and files
// made from it, so the test needs no corpus (but restore's good input).
func TestExitStatusEveryVerb(t *testing.T) {
	set := sampleFolder(t)
	tmp := t.TempDir()
	db, log, ckpt := filepath.Join(set, "SRUDB.dat"), filepath.Join(set, "SRU.log"), filepath.Join(set, "SRU.chk")
	garbage := filepath.Join(tmp, "garbage")
	g := make([]byte, 70000)
	for i := range g {
		g[i] = byte(i*7 + i/13)
	}
	// A database without its logs: soft recovery cannot bring it clean.
	dbOnly := filepath.Join(tmp, "dbonly")
	os.Mkdir(dbOnly, 0o755)
	for p, b := range map[string][]byte{garbage: g, filepath.Join(dbOnly, "SRUDB.dat"): mustRead(t, db)} {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reg := filepath.Join(tmp, "key.reg")
	if code, _, errs := runText("rip", "recreate", "-regedit4", "-o", reg, "-from", "SRV1", "-to", "SRV1",
		"-logs", `C:\logs`, "-working", `C:\work`, "-lowlog", "1", "-highlog", "3", "-original", `C:\db\x.edb`); code != exitOK {
		t.Fatalf("rip recreate: %d %s", code, errs)
	}
	missing := filepath.Join(tmp, "no-such-file")
	out := func() string { return filepath.Join(t.TempDir(), "out") }

	type row struct {
		verb, kind string // kind: good, bad, flag, path
		args       []string
		want       int
	}
	rows := []row{
		{"sample", "good", nil, exitOK},
		{"sample", "flag", []string{"-json", "-nope"}, exitUsage},

		{"identify", "good", []string{log, db, ckpt}, exitOK},
		{"identify", "bad", []string{garbage}, exitBad},
		{"identify", "flag", []string{"-nope", log}, exitUsage},
		{"identify", "path", []string{log, missing}, exitUsage},
		{"identify", "path", []string{set}, exitUsage}, // a folder where a file is needed

		{"header", "good", []string{log, db, ckpt}, exitOK},
		{"header", "bad", []string{garbage}, exitBad},
		{"header", "flag", []string{"-nope", log}, exitUsage},
		{"header", "path", []string{missing}, exitUsage},

		{"verify", "good", []string{db}, exitOK},
		{"verify", "bad", []string{log}, exitBad}, // not a database, as logs on a database
		{"verify", "flag", []string{"-workers", "many", db}, exitUsage},
		{"verify", "path", []string{missing}, exitUsage},

		{"logs", "good", []string{log}, exitOK},
		{"logs", "good", []string{"-records", "-type", "Commit0", set}, exitOK},
		{"logs", "bad", []string{db}, exitBad},     // not a log, as verify on a log
		{"logs", "bad", []string{dbOnly}, exitBad}, // a folder without a log
		{"logs", "flag", []string{"-type", "NoSuchType", log}, exitUsage},
		{"logs", "path", []string{missing}, exitUsage},

		{"check", "good", []string{set}, exitOK},
		{"check", "bad", []string{dbOnly}, exitBad},
		{"check", "flag", []string{"-no-checkpoint=maybe", set}, exitUsage},
		{"check", "path", []string{missing}, exitUsage},
		{"check", "path", []string{log}, exitUsage}, // a file where a folder is needed
		{"check", "path", []string{set, missing}, exitUsage},
		{"check", "path", []string{"-checkpoint", missing, set}, exitUsage},

		{"plan", "good", []string{set}, exitOK},
		{"plan", "bad", []string{dbOnly}, exitBad},
		{"plan", "bad", []string{"-rip", garbage, set}, exitBad},
		{"plan", "flag", []string{"-map", "no-equals-sign", set}, exitUsage},
		{"plan", "path", []string{missing}, exitUsage},
		{"plan", "path", []string{"-rip", missing, set}, exitUsage},

		{"recover", "good", []string{"-out", out(), set}, exitOK},
		{"recover", "bad", []string{"-out", out(), dbOnly}, exitBad},
		{"recover", "flag", []string{"-cache", "lots", "-out", out(), set}, exitUsage},
		{"recover", "flag", []string{set}, exitUsage}, // -out is required
		{"recover", "path", []string{"-out", out(), missing}, exitUsage},

		{"restore", "bad", []string{"-out", out(), set}, exitBad}, // no backup in it
		{"restore", "flag", []string{"-map", "no-equals-sign", "-out", out(), set}, exitUsage},
		{"restore", "path", []string{"-out", out(), missing}, exitUsage},
		{"restore", "path", []string{"-rip", missing, "-out", out(), set}, exitUsage},

		{"tables", "good", []string{db}, exitOK},
		{"tables", "bad", []string{garbage}, exitBad},
		{"tables", "flag", []string{"-nope", db}, exitUsage},
		{"tables", "path", []string{missing}, exitUsage},

		{"dump", "good", []string{"-json", db}, exitOK},
		{"dump", "bad", []string{garbage}, exitBad},
		{"dump", "flag", []string{"-nope", db}, exitUsage},
		{"dump", "path", []string{missing}, exitUsage},

		{"rip", "good", []string{"parse", reg}, exitOK},
		{"rip", "good", []string{"validate", reg}, exitOK},
		{"rip", "bad", []string{"parse", garbage}, exitBad},
		{"rip", "bad", []string{"validate", garbage}, exitBad},
		{"rip", "bad", []string{"recreate", "-worksheet", garbage}, exitBad},
		{"rip", "flag", []string{"validate", "-highest-log", "zz", reg}, exitUsage},
		{"rip", "flag", []string{"parse", "-nope", reg}, exitUsage},
		{"rip", "flag", []string{"frobnicate"}, exitUsage},
		{"rip", "path", []string{"parse", missing}, exitUsage},
		{"rip", "path", []string{"validate", missing}, exitUsage},
		{"rip", "path", []string{"validate", "-pat", missing, reg}, exitUsage},
		{"rip", "path", []string{"recreate", "-worksheet", missing}, exitUsage},

		{"errcode", "good", []string{"-530", "JET_errSuccess"}, exitOK},
		{"errcode", "bad", []string{"12345"}, exitBad},
		{"errcode", "bad", []string{"-1500"}, exitBad},
		{"errcode", "flag", []string{"-nope", "-530"}, exitUsage},
		{"errcode", "flag", nil, exitUsage}, // no code
	}
	if d := testcorpus.Dir(); d != "" {
		if p := filepath.Join(d, "wlm-danyquenneville-backup"); isDir(p) {
			rows = append(rows, row{"restore", "good", []string{"-out", out(), p}, exitOK})
		}
	}
	seen := map[string]map[string]bool{}
	for _, r := range rows {
		args := r.args
		if r.verb != "sample" {
			args = append([]string{r.verb}, args...)
		}
		code, _, errs := runText(args...)
		if code != r.want {
			t.Errorf("esekit %s: exit status %d, want %d (%s)\n%s", strings.Join(args, " "), code, r.want, r.kind, errs)
		}
		if seen[r.verb] == nil {
			seen[r.verb] = map[string]bool{}
		}
		seen[r.verb][r.kind] = true
	}
	// Every verb is covered by every kind of input it can take.
	for _, c := range commands() {
		for _, kind := range []string{"good", "bad", "flag", "path"} {
			switch {
			case c.name == "errcode" && kind == "path", // no path arguments
				c.name == "restore" && kind == "good" && testcorpus.Dir() == "":
				continue
			}
			if !seen[c.name][kind] {
				t.Errorf("verb %s has no %s case", c.name, kind)
			}
		}
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
