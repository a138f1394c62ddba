package main

import (
	"os"
	"strings"
	"testing"
)

// sampleReport is the part of `esekit -json` the tests read.
type sampleReport struct {
	Files []struct {
		File, Type, Format string
		Generation         int32
	}
	Headers []map[string]any
	Verify  []struct {
		File                 string
		Pages, Uninitialized int64
		OK                   bool
		BadChecksums         []uint32 `json:"bad_checksums"`
	}
	Check struct {
		Generations []int32
		Current     struct {
			File       string
			Generation int32
		}
		Circular  bool
		Databases []struct {
			State      string
			Replayable bool
			Required   struct{ Low, High int32 }
			Missing    []int32
			Error      int32
		}
	}
	Deletable []int32 `json:"deletable_logs"`
	Plan      struct {
		Mode       string
		Error      int32
		Start, End struct{ Generation, Sector, Offset int32 }
		Logs       []struct {
			File       string
			Generation int32
		}
		Databases []struct {
			Action     string
			ReplayFrom int32 `json:"replay_from"`
			ReplayTo   int32 `json:"replay_to"`
		}
	}
	Recover struct {
		Mode         string
		Out          string
		LogsReplayed []string `json:"logs_replayed"`
		Records      int64
		Error        int32
		Databases    []struct {
			File                   string
			Output                 string
			StateBefore            string `json:"state_before"`
			StateAfter             string `json:"state_after"`
			LogsReplayed           int    `json:"logs_replayed"`
			RecordsRedone          int64  `json:"records_redone"`
			RecordsSkipped         int64  `json:"records_skipped"`
			TransactionsRolledBack int    `json:"transactions_rolled_back"`
			Consistent             struct{ Generation, Sector, Offset int32 }
			Error                  int32
		}
	}
	RecoveredHeaders []map[string]any `json:"recovered_headers"`
	RecoveredVerify  []struct {
		File                       string
		OK                         bool
		Pages, Good, Uninitialized int64
		BadChecksums               []uint32 `json:"bad_checksums"`
	} `json:"recovered_verify"`
}

// TestSample runs esekit with no arguments: the embedded SRUM set (the
// corpus's museum-srum-win10-belkasoftctf-insiderthreat-dirty) is
// identified, its headers read, its pages verified, its log set checked,
// soft recovery planned and then carried out into a temporary folder that
// is gone afterwards.
func TestSample(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // os.MkdirTemp("") lands here: the test sees it removed
	code, out, errs := runText()
	if code != exitOK {
		t.Fatalf("status %d, stderr %s", code, errs)
	}
	for _, want := range []string{
		"sample/SRUDB.dat       database, format 0x620,20, 4096-byte pages",
		"sample/SRU.chk         checkpoint, generation 0x51",
		"sample/SRU0004E.log    log, format 8.4000.5.16",
		"sample/SRU.log         log, format 8.4000.60.140",
		"state:            DirtyShutdown",
		"logs required:    0x51 (committed up to 0x51)",
		"last consistent:  (0x51,8,0)",
		"last attach:      (0x51,A,268)",
		// The log signature a3dd42de@2020-08-01 21:48:10 in the engine's form.
		"log signature:    Create time:8/1/2020 21:48:10 Rand:2749186782 Computer:\n",
		"log signature:  Create time:8/1/2020 21:48:10 Rand:2749186782 Computer:\n",
		"checkpoint:     SRU.chk at (0x51,9,0)",
		"checkpoint:       (0x51,9,0)",
		"782 pages seen (4096-byte pages)",
		"generations:    0x4E-0x52 (5 logs)",
		"current log:    SRU.log (generation 0x52)",
		"deletable logs: 0x4E-0x50 (below the checkpoint generation",
		"0x51       SRU00051.log",
		"6. Soft recovery, carried out into a temporary folder",
		"logs replayed:      SRU00051.log, SRU.log (273 records",
		"sample/SRUDB.dat -> recovered/SRUDB.dat",
		"state:            DirtyShutdown -> CleanShutdown",
		"records:          0 redone, 156 skipped",
		"consistent at:    (0x52,1,31)",
		"page checksums:   782 pages seen, 647 good, 0 bad, 135 uninitialized: all good",
		"header:           CleanShutdown, logs required none",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(out, tmp) {
		t.Errorf("report names the temporary folder %s", tmp)
	}
	if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
		t.Errorf("temporary folder left behind: %v", ents)
	}

	var rep sampleReport
	code, _ = runJSON(t, &rep, "-json")
	if code != exitOK || len(rep.Files) != 7 {
		t.Fatalf("status %d, %d files", code, len(rep.Files))
	}
	types := map[string]string{}
	for _, f := range rep.Files {
		types[f.File] = f.Type
	}
	if types["sample/SRUDB.dat"] != "database" || types["sample/SRU.chk"] != "checkpoint" ||
		types["sample/SRU.log"] != "log" || types["sample/SRU00051.log"] != "log" {
		t.Errorf("types %v", types)
	}
	var db map[string]any
	for _, h := range rep.Headers {
		if h["file"] == "sample/SRUDB.dat" {
			db = h
		}
	}
	if db["state"] != "DirtyShutdown" || db["gen_min_required"] != float64(0x51) || db["gen_max_required"] != float64(0x51) {
		t.Errorf("database header: state %v required %v-%v", db["state"], db["gen_min_required"], db["gen_max_required"])
	}
	if len(rep.Verify) != 1 || !rep.Verify[0].OK || rep.Verify[0].Pages != 3211264/4096-2 ||
		rep.Verify[0].Uninitialized != 135 || len(rep.Verify[0].BadChecksums) != 0 {
		t.Errorf("verify %+v", rep.Verify)
	}
	c := rep.Check
	if len(c.Generations) != 5 || c.Generations[0] != 0x4e || c.Generations[4] != 0x52 ||
		c.Current.File != "SRU.log" || c.Current.Generation != 0x52 || !c.Circular {
		t.Errorf("check %+v", c)
	}
	if len(c.Databases) != 1 || c.Databases[0].State != "DirtyShutdown" || !c.Databases[0].Replayable ||
		c.Databases[0].Required.Low != 0x51 || c.Databases[0].Required.High != 0x51 ||
		len(c.Databases[0].Missing) != 0 || c.Databases[0].Error != 0 {
		t.Errorf("check databases %+v", c.Databases)
	}
	if len(rep.Deletable) != 3 || rep.Deletable[0] != 0x4e || rep.Deletable[2] != 0x50 {
		t.Errorf("deletable %v", rep.Deletable)
	}
	p := rep.Plan
	if p.Mode != "soft" || p.Error != 0 || p.Start.Generation != 0x51 || p.End.Generation != 0x52 ||
		len(p.Logs) != 2 || p.Logs[0].File != "SRU00051.log" || p.Logs[1].File != "SRU.log" ||
		len(p.Databases) != 1 || p.Databases[0].Action != "replay" || p.Databases[0].ReplayFrom != 0x51 || p.Databases[0].ReplayTo != 0x52 {
		t.Errorf("plan %+v", p)
	}

	r := rep.Recover
	if r.Mode != "soft" || r.Error != 0 || len(r.LogsReplayed) != 2 || r.LogsReplayed[0] != "SRU00051.log" ||
		r.LogsReplayed[1] != "SRU.log" || r.Records != 273 || len(r.Databases) != 1 {
		t.Fatalf("recover %+v", r)
	}
	d := r.Databases[0]
	if d.File != "sample/SRUDB.dat" || d.Output != "recovered/SRUDB.dat" || d.StateBefore != "DirtyShutdown" ||
		d.StateAfter != "CleanShutdown" || d.LogsReplayed != 2 || d.RecordsRedone != 0 || d.RecordsSkipped != 156 ||
		d.TransactionsRolledBack != 0 || d.Error != 0 {
		t.Errorf("recovered database %+v", d)
	}
	// Consistent at the end of SRU.log's data: (0x52,1,0x31), where the
	// engine would log its shutdown mark.
	if d.Consistent.Generation != 0x52 || d.Consistent.Sector != 1 || d.Consistent.Offset != 0x31 {
		t.Errorf("consistent %+v", d.Consistent)
	}
	if len(rep.RecoveredVerify) != 1 || !rep.RecoveredVerify[0].OK || rep.RecoveredVerify[0].File != "recovered/SRUDB.dat" ||
		rep.RecoveredVerify[0].Pages != 782 || rep.RecoveredVerify[0].Good != 647 || len(rep.RecoveredVerify[0].BadChecksums) != 0 {
		t.Errorf("recovered verify %+v", rep.RecoveredVerify)
	}
	if len(rep.RecoveredHeaders) != 1 {
		t.Fatalf("recovered headers %v", rep.RecoveredHeaders)
	}
	h := rep.RecoveredHeaders[0]
	if h["state"] != "CleanShutdown" || h["gen_min_required"] != float64(0) || h["gen_max_required"] != float64(0) {
		t.Errorf("recovered header: state %v required %v-%v", h["state"], h["gen_min_required"], h["gen_max_required"])
	}
	if cons, _ := h["consistent"].(map[string]any); cons["generation"] != float64(0x52) || cons["offset"] != float64(0x31) {
		t.Errorf("recovered header consistent %v", h["consistent"])
	}
	if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
		t.Errorf("temporary folder left behind: %v", ents)
	}
}
