//go:build unix

package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDumpHelperProcess is the CLI run as a child process by
// TestDumpLogsClosedPipe (it does nothing in a normal test run).
func TestDumpHelperProcess(t *testing.T) {
	if os.Getenv("ESEKIT_TEST_HELPER") != "1" {
		t.Skip("helper process")
	}
	os.Exit(run(strings.Split(os.Getenv("ESEKIT_TEST_ARGS"), "\n"), os.Stdout, os.Stderr))
}

// `esekit dump -logs DIR DB | head`: the reader goes away after a few
// rows. The dump must end through its normal path, so that the recovered
// copy of the evidence in the temporary folder is removed, rather than
// die of SIGPIPE and leave it behind.
func TestDumpLogsClosedPipe(t *testing.T) {
	set := sampleFolder(t)
	tmp := t.TempDir()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDumpHelperProcess$")
	cmd.Env = append(os.Environ(), "ESEKIT_TEST_HELPER=1", "TMPDIR="+tmp,
		"ESEKIT_TEST_ARGS="+strings.Join([]string{"dump", "-json", "-logs", set, filepath.Join(set, "SRUDB.dat")}, "\n"))
	cmd.Stdout = w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	head := make([]byte, 512)
	if _, err := io.ReadFull(r, head); err != nil {
		t.Fatalf("no rows: %v", err)
	}
	r.Close()
	err = cmd.Wait()
	if st := cmd.ProcessState; st == nil || !st.Exited() {
		t.Errorf("the dump did not exit by itself: %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(tmp, "esedb-recovered-*"))
	if len(left) != 0 {
		t.Errorf("recovered copy left behind: %q", left)
	}
}
