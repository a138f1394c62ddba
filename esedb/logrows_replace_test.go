package esedb

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"

	"github.com/esekit/esekit/eselog"
)

// TestLogDecoderReplaceDFromPage: a ReplaceD whose before-image no earlier
// record gave is applied to the line the database page holds when the
// page's dbtime is the one the record expects (77), and is left
// undecoded when it is not (78). The diff sets row 2's Score to 42.
func TestLogDecoderReplaceDFromPage(t *testing.T) {
	file, err := SampleDatabase(4096)
	if err != nil {
		t.Fatal(err)
	}
	binary.LittleEndian.PutUint64(file[11*4096+8:], 77) // page 10's dbtime
	db, err := Open(bytes.NewReader(file), int64(len(file)), &Options{NoVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	score := db.Tables[0].Column("Score")
	diff, err := eselog.AppendDiff(nil, []eselog.DiffEntry{{Offset: score.offset, Flags: eselog.DiffSameLength, OldLen: 8, New: le64f(42)}}, false)
	if err != nil {
		t.Fatal(err)
	}
	rec := func(before uint64) *eselog.Replace {
		r := &eselog.Replace{Payload: diff}
		r.Lrtyp = eselog.RecReplaceD
		r.PageNumber, r.Before, r.After, r.Line = 10, before, before+1, 1
		r.ObjidFDP, r.PgnoFDP = 8, 10
		row, _ := db.Table("people")
		r.CbNewData = uint16(len(mustRecordData(t, db, row, 2)))
		r.CbOldData = r.CbNewData
		return r
	}
	dec := db.NewLogDecoder()
	row, ok, err := dec.Decode(context.Background(), rec(77))
	if err != nil || !ok || row.Tree != TreePrimary || row.Record == nil {
		t.Fatalf("dbtime 77: %+v %v %v", row, ok, err)
	}
	for col, want := range map[string]string{"Id": "2", "Score": "42", "Name": "Bob"} {
		if v, _ := row.Record.Get(col); v.String() != want {
			t.Errorf("%s = %s, want %s", col, v.String(), want)
		}
	}
	if string(row.Key) != string(samplePrimaryKey(2)) {
		t.Errorf("key % x", row.Key)
	}
	row, ok, err = db.NewLogDecoder().Decode(context.Background(), rec(78))
	if err != nil || !ok || row.Record != nil {
		t.Errorf("dbtime 78: %+v %v %v", row, ok, err)
	}
}

// mustRecordData returns the stored record of row id.
func mustRecordData(t *testing.T, db *DB, tb *Table, id int32) []byte {
	t.Helper()
	r, err := db.Lookup(context.Background(), tb, samplePrimaryKey(id))
	if err != nil || r == nil {
		t.Fatalf("row %d: %v", id, err)
	}
	return r.Data
}
