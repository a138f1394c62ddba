package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/esekit/esekit/internal/testcorpus"
)

type logsOut struct {
	File          string
	Type          string
	Generation    int32
	Format        string
	ValidSegments int `json:"valid_segments"`
	End           struct{ Generation, Sector, Offset int }
	Records       int
	Histogram     map[string]int
	Unaccounted   int64 `json:"unaccounted_bytes"`
	RecordList    []struct {
		Position struct{ Generation, Sector, Offset int }
		Type     string
		Error    string
	} `json:"record_list"`
	Error string
}

// TestLogsAppdata checks the corpus's own values: the two appdata logs, their
// record counts, ends, valid segments and their combined histogram.
func TestLogsAppdata(t *testing.T) {
	a := testcorpus.Path(t, "appdata/edb.log")
	d := testcorpus.Path(t, "appdata/edb0000D.log")
	var got []logsOut
	code, _ := runJSON(t, &got, "logs", "-json", a, d)
	if code != exitOK || len(got) != 2 {
		t.Fatalf("status %d, %d objects", code, len(got))
	}
	e, f := got[0], got[1]
	if e.Type != "log" || e.Generation != 1 || e.Format != "8.4000.60.140" || e.Records != 1812 || e.ValidSegments != 34 ||
		e.End.Generation != 1 || e.End.Sector != 0x23 || e.End.Offset != 0 || e.Unaccounted != 0 {
		t.Errorf("edb.log: %+v", e)
	}
	if f.Generation != 13 || f.Records != 1461 || f.ValidSegments != 126 || f.End.Generation != 0xD || f.End.Sector != 0x7F || f.Unaccounted != 0 {
		t.Errorf("edb0000D.log: gen %d records %d valid %d end %+v", f.Generation, f.Records, f.ValidSegments, f.End)
	}
	want := map[string]int{
		"Insert": 1002, "Commit": 833, "Begin": 669, "NOP2": 131, "Begin0": 74, "Commit0": 74, "Delete": 68, "FlagDelete": 53,
		"NewPage": 40, "Replace": 35, "CreateSingleExtentFDP": 29, "AttachDB": 28, "ShutDownMark": 27, "Init2": 27,
		"ReplaceD": 26, "RecoveryUndo2": 26, "RecoveryQuit2": 26, "SetExternalHeader": 26, "Trace": 15, "UndoInfo": 13,
		"Delta": 11, "CreateMultipleExtentFDP": 10, "SetDbVersion": 6, "ConvertFDP2": 5, "DetachDB": 4, "ExtendDB": 4,
		"Split2": 2, "CreateDB": 2, "CreateDBFinish": 2, "MacroBegin": 1, "MacroCommit": 1, "MacroInfo2": 1,
		"FlagInsertAndReplaceData": 1, "Term2": 1,
	}
	sum := map[string]int{}
	total := 0
	for _, o := range got {
		for k, v := range o.Histogram {
			sum[k] += v
			total += v
		}
	}
	if total != 3273 {
		t.Errorf("combined records %d, want 3273", total)
	}
	for k, v := range want {
		if sum[k] != v {
			t.Errorf("histogram[%s] = %d, want %d", k, sum[k], v)
		}
	}
	if len(sum) != len(want) {
		t.Errorf("histogram has %d types, want %d: %v", len(sum), len(want), sum)
	}
}

// TestLogsFolderAndRecords walks the SRUM folder (logs found by their
// bytes) and lists the records of one log.
func TestLogsFolderAndRecords(t *testing.T) {
	dir := filepath.Dir(testcorpus.Path(t, "museum-srum-server2022-apt-1daylater/SRU.log"))
	var got []logsOut
	code, _ := runJSON(t, &got, "logs", "-json", dir)
	if code != exitOK {
		t.Fatalf("status %d", code)
	}
	gens := map[string]int32{}
	for _, o := range got {
		gens[filepath.Base(o.File)] = o.Generation
		if o.Unaccounted != 0 || o.Error != "" {
			t.Errorf("%s: unaccounted %d error %q", o.File, o.Unaccounted, o.Error)
		}
	}
	// SRUtmp.log carries a recycled header of generation 2 (MANIFEST).
	if gens["SRU.log"] != 5 || gens["SRU00003.log"] != 3 || gens["SRU00004.log"] != 4 || gens["SRUtmp.log"] != 2 {
		t.Errorf("generations %v", gens)
	}
	code, _ = runJSON(t, &got, "logs", "-json", "-records", "-type", "Term2,Init2", filepath.Join(dir, "SRU.log"))
	if code != exitOK || len(got) != 1 {
		t.Fatalf("status %d", code)
	}
	recs := got[0].RecordList
	if len(recs) != got[0].Histogram["Term2"]+got[0].Histogram["Init2"] || len(recs) == 0 {
		t.Fatalf("%d records listed, histogram %v", len(recs), got[0].Histogram)
	}
	for _, r := range recs {
		if (r.Type != "Term2" && r.Type != "Init2") || r.Position.Generation != 5 || r.Error != "" {
			t.Errorf("record %+v", r)
		}
	}
	code, out, _ := runText("logs", "-records", filepath.Join(dir, "SRU.log"))
	if code != exitOK || !strings.Contains(out, "Init2") || !strings.Contains(out, "(0x5,") {
		t.Errorf("readable: %d", code)
	}
	if code, _, _ := runText("logs", "-type", "NoSuchType", dir); code != exitUsage {
		t.Errorf("bad -type: status %d", code)
	}
}

// TestLogsLegacy walks the Windows Live Mail logs: legacy 7.3704.15
// format, 512-byte sectors (kimberli13) and 4096-byte sectors (the backup
// set), every byte accounted for.
func TestLogsLegacy(t *testing.T) {
	cases := []struct {
		rel    string
		gen    int32
		sector int
	}{
		{"wlm-kimberli13/edb00001.log", 1, 512},
		{"wlm-kimberli13/edb.log", 2, 512},
		{"wlm-danyquenneville-backup/edb00001.log", 1, 4096},
	}
	for _, tc := range cases {
		var got []struct {
			logsOut
			Legacy     bool
			SectorSize int `json:"sector_size"`
		}
		code, _ := runJSON(t, &got, "logs", "-json", testcorpus.Path(t, tc.rel))
		if code != exitOK || len(got) != 1 {
			t.Fatalf("%s: status %d", tc.rel, code)
		}
		o := got[0]
		if o.Generation != tc.gen || o.Format != "7.3704.15" || !o.Legacy || o.SectorSize != tc.sector ||
			o.Unaccounted != 0 || o.Error != "" || o.Records == 0 || o.ValidSegments == 0 || o.End.Generation != int(tc.gen) {
			t.Errorf("%s: %+v", tc.rel, o)
		}
	}
}
