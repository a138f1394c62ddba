package esedb_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/esekit/esekit/esedb"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/testcorpus"
)

// TestCorpusLogRows walks the creation log of IndexedDB.edb (edb.log
// holds its whole history) with the database's catalog: node records are
// attributed to tables and trees, and every Insert on a table's primary
// tree, followed through the later Replace records of its line, decodes
// to the row the database holds under that key, value for value (rows
// deleted later would not be in the database; a row changed by records
// the walk does not follow would be counted apart). Only
// counts are asserted and reported: the store is personal data.
func TestCorpusLogRows(t *testing.T) {
	db := openCorpus(t, "appdata/IndexedDB.edb")
	b := testcorpus.Read(t, "appdata/edb.log")
	l, err := eselog.OpenOptions(bytes.NewReader(b), int64(len(b)), eselog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rd := l.NewReader(ctx, eselog.Filter{})
	dec := db.NewLogDecoder()
	type last struct {
		table *esedb.Table
		rec   *esedb.Record
	}
	latest := map[string]last{} // table name + key -> the row's last known record
	trees := map[string]int{}
	inserts := 0
	for {
		raw, err := rd.NextRaw()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rec, err := eselog.DecodeRecord(raw.Bytes, raw.Pos)
		if err != nil {
			t.Fatal(err)
		}
		row, ok, err := dec.Decode(ctx, rec)
		if err != nil {
			t.Fatalf("%s at %v: %v", rec.Type(), raw.Pos, err)
		}
		if !ok {
			continue
		}
		trees[row.Tree]++
		if row.Record == nil || row.Key == nil {
			continue
		}
		if rec.Type() == eselog.RecInsert {
			inserts++
		}
		latest[row.Table.Name+"\x00"+string(row.Key)] = last{row.Table, row.Record}
	}
	if inserts == 0 || trees[esedb.TreePrimary] == 0 || trees[esedb.TreeSpace] == 0 {
		t.Fatalf("%d inserts decoded; trees %v", inserts, trees)
	}
	same, gone, differ := 0, 0, 0
	for k, lr := range latest {
		key := []byte(k[len(lr.table.Name)+1:])
		row, err := db.Lookup(ctx, lr.table, key)
		if err != nil {
			t.Fatal(err)
		}
		if row == nil {
			gone++
			continue
		}
		if !bytes.Equal(row.Data, lr.rec.Data) {
			differ++
			t.Logf("differs: table %s, %d vs %d bytes", lr.table.Name, len(row.Data), len(lr.rec.Data))
			continue
		}
		want, err := row.Values()
		if err != nil {
			t.Fatal(err)
		}
		got, err := lr.rec.Values()
		if err != nil {
			t.Fatalf("table %s: %v", lr.table.Name, err)
		}
		for i := range want {
			if want[i].String() != got[i].String() {
				t.Errorf("table %s column %s: the log's value differs from the database's", lr.table.Name, want[i].Column.Name)
			}
		}
		same++
	}
	t.Logf("%d inserts; %d rows as in the database, %d deleted later, %d changed in ways the walk did not follow; records by tree %v", inserts, same, gone, differ, trees)
	// Every row: HeaderTable's counters, changed by Delta (escrow)
	// records, included.
	if same != 403 || gone != 0 || differ != 0 {
		t.Errorf("%d rows match the database, %d gone, %d differ; want 403, 0, 0", same, gone, differ)
	}
}
