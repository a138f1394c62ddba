package main

import (
	"strings"
	"testing"
)

// TestSample runs esekit with no arguments: the embedded SRUM set (the
// corpus's museum-srum-server2022-apt-1daylater) is identified, its
// headers read, its pages verified and its log set checked.
func TestSample(t *testing.T) {
	code, out, errs := runText()
	if code != exitOK {
		t.Fatalf("status %d, stderr %s", code, errs)
	}
	for _, want := range []string{
		"sample/SRUDB.dat       database, format 0x620,180.400, 4096-byte pages",
		"sample/SRU.chk         checkpoint, generation 0x5",
		"sample/SRU00003.log    log, format 8.4000.90.200",
		"state:            CleanShutdown",
		"Rand:0xED8673F7",
		"0 bad checksums",
		"current log:    SRU.log (generation 0x5)",
		"deletable logs: 0x3-0x4 (below the checkpoint generation",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	var rep struct {
		Files []struct {
			File, Type, Format string
			Generation         int32
		}
		Verify []struct {
			Pages, Uninitialized int64
			OK                   bool
			BadChecksums         []uint32 `json:"bad_checksums"`
		}
		Check struct {
			Generations []int32
			Current     struct{ Generation int32 }
			Databases   []struct {
				State      string
				Replayable bool
			}
		}
		Deletable []int32 `json:"deletable_logs"`
		Plan      struct {
			Mode      string
			Error     int32
			Databases []struct{ Action string }
		}
	}
	code, _ = runJSON(t, &rep, "-json")
	if code != exitOK || len(rep.Files) != 5 {
		t.Fatalf("status %d, %d files", code, len(rep.Files))
	}
	types := map[string]string{}
	for _, f := range rep.Files {
		types[f.File] = f.Type
	}
	if types["sample/SRUDB.dat"] != "database" || types["sample/SRU.chk"] != "checkpoint" || types["sample/SRU.log"] != "log" {
		t.Errorf("types %v", types)
	}
	if len(rep.Verify) != 1 || !rep.Verify[0].OK || rep.Verify[0].Pages != 655360/4096-2 || len(rep.Verify[0].BadChecksums) != 0 {
		t.Errorf("verify %+v", rep.Verify)
	}
	if len(rep.Check.Generations) != 3 || rep.Check.Generations[0] != 3 || rep.Check.Current.Generation != 5 {
		t.Errorf("check %+v", rep.Check)
	}
	if len(rep.Check.Databases) != 1 || rep.Check.Databases[0].State != "CleanShutdown" || !rep.Check.Databases[0].Replayable {
		t.Errorf("databases %+v", rep.Check.Databases)
	}
	if rep.Plan.Mode != "soft" || rep.Plan.Error != 0 || len(rep.Plan.Databases) != 1 || rep.Plan.Databases[0].Action != "none" {
		t.Errorf("plan %+v", rep.Plan)
	}
	if len(rep.Deletable) != 2 || rep.Deletable[0] != 3 || rep.Deletable[1] != 4 {
		t.Errorf("deletable %v", rep.Deletable)
	}
}
