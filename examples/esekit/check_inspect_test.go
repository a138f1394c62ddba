package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCheckSampleFolder runs check on the embedded SRUM sample written to
// a folder (no corpus needed): the report is recovery.Inspect's, printed.
// The checkpoint is at 0x51 and the dirty database needs 0x51, so
// 0x4E-0x50 may be truncated; the header records no backup, so an
// incremental backup fails with -560 (JET_errMissingFullBackup).
func TestCheckSampleFolder(t *testing.T) {
	m, names, err := loadSample()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), m[n].Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var c struct {
		DeletableLogs []int32 `json:"deletable_logs"`
		Incremental   *struct {
			Since, Through int32
			Logs           []string
			Error          int32
		} `json:"incremental"`
		Databases []struct {
			File       string `json:"file"`
			AnchorLog  string `json:"anchor_log"`
			Replayable bool   `json:"replayable"`
		} `json:"databases"`
		Error int32 `json:"error"`
	}
	code, _ := runJSON(t, &c, "check", "-json", dir)
	if code != exitOK || c.Error != 0 {
		t.Fatalf("status %d error %d", code, c.Error)
	}
	if !slices.Equal(c.DeletableLogs, []int32{0x4E, 0x4F, 0x50}) {
		t.Errorf("deletable_logs %x, want 4e-50", c.DeletableLogs)
	}
	if c.Incremental == nil || c.Incremental.Error != -560 || len(c.Incremental.Logs) != 0 {
		t.Errorf("incremental %+v, want -560", c.Incremental)
	}
	if len(c.Databases) != 1 || c.Databases[0].File != filepath.Join(dir, "SRUDB.dat") || c.Databases[0].AnchorLog != "SRU00051.log" || !c.Databases[0].Replayable {
		t.Errorf("databases %+v", c.Databases)
	}
	// Without the checkpoint nothing may be truncated; the text report
	// says so by leaving the line out.
	code, out, _ := runText("check", "-no-checkpoint", dir)
	if code != exitOK || strings.Contains(out, "deletable logs") || !strings.Contains(out, "soft recovery would replay generations 0x4E-0x52") {
		t.Errorf("-no-checkpoint: status %d\n%s", code, out)
	}
}
