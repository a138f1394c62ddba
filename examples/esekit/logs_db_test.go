package main

import (
	"testing"

	"github.com/esekit/esekit/internal/testcorpus"
)

// TestLogsRecordsDB: `esekit logs -records -db` attributes the records of
// IndexedDB.edb's creation log to tables and trees and decodes the 403
// rows its Inserts write to primary trees; the catalog rows decode to
// catalog columns. Only counts and catalog names are checked (the store
// is personal data).
func TestLogsRecordsDB(t *testing.T) {
	db := testcorpus.Path(t, "appdata/IndexedDB.edb")
	log := testcorpus.Path(t, "appdata/edb.log")
	var out []struct {
		Records []struct {
			Type   string         `json:"type"`
			Table  string         `json:"table"`
			Tree   string         `json:"tree"`
			Values map[string]any `json:"values"`
		} `json:"record_list"`
	}
	code, errs := runJSON(t, &out, "logs", "-records", "-json", "-db", db, log)
	if code != exitOK || len(out) != 1 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	trees := map[string]int{}
	withValues := 0
	for _, r := range out[0].Records {
		trees[r.Tree]++
		if r.Type == "Insert" && r.Tree == "primary" && r.Values != nil {
			withValues++
		}
		if r.Table == "MSysObjects" && r.Values != nil {
			if _, ok := r.Values["ObjidTable"]; !ok {
				t.Errorf("catalog row without ObjidTable: %v", len(r.Values))
			}
		}
	}
	if withValues != 403 || trees["space"] == 0 || trees["index:Name"] != 172 {
		t.Errorf("%d inserts with values; trees %v", withValues, trees)
	}
	if code, _, _ := runText("logs", "-db", db, log); code != exitUsage {
		t.Errorf("-db without -records: exit %d", code)
	}
}
