package main

import (
	"encoding/json"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
)

func TestSnakeCase(t *testing.T) {
	for in, want := range map[string]string{
		"Lrtyp": "lrtyp", "At": "at", "PgnoFDP": "pgno_fdp", "FDPType": "fdp_type", "RCEIDReplace": "rceid_replace",
		"DBTimeBefore": "dbtime_before", "DBTimeRightBefore": "dbtime_right_before", "DbtimeBefore": "dbtime_before", "TrxBegin0": "trx_begin0", "ILineMerge": "i_line_merge", "CLines": "c_lines",
		"DBTime": "db_time", "PgnoAE": "pgno_ae", "Diff2": "diff2", "SignDb": "sign_db",
	} {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%q) = %q, want %q", in, got, want)
		}
	}
}

// A record's fields come out under snake_case keys in struct order, with
// the CLI's forms for positions, signatures and times and hexadecimal byte
// strings; type and position are not repeated.
func TestRecordFieldsJSON(t *testing.T) {
	created := ese.LogTime{52, 12, 14, 23, 3, 122, 1 | 126<<1, 1 << 1} // 2022-03-23T14:12:52.254Z
	in := &eselog.AttachDB{
		RecordBase: eselog.RecordBase{Lrtyp: eselog.RecAttachDB},
		Procid:     7, Dbid: 1, CpgMax: 256,
		Consistent: ese.LogPos{Generation: 0x51, Sector: 9, Offset: 0x1B},
		SignDb:     ese.Signature{Random: 2, Created: created},
		SignLog:    ese.Signature{Random: 3},
		Flags:      1, PathBytes: []byte("x.edb\x00"),
	}
	at := ese.LogPos{Generation: 0x51, Sector: 2, Offset: 0x10}
	rec, err := eselog.DecodeRecord(in.AppendEncode(nil), at)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(recordFields(rec))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"procid":7,"dbid":1,"cpg_max":256,"consistent":{"generation":81,"sector":9,"offset":27},` +
		`"sign_db":{"random":2,"created":"2022-03-23T14:12:52.254Z","computer":""},` +
		`"sign_log":{"random":3,"created":"","computer":""},"flags":1,"path_bytes":"782e65646200"}`
	if string(b) != want {
		t.Errorf("AttachDB fields\n got %s\nwant %s", b, want)
	}
	// Embedded headers flatten into the record's object.
	d := &eselog.Delta{Delta: -2, Offset: 4, BookmarkKey: []byte{0xAB}}
	d.Lrtyp, d.PgnoFDP, d.RCEID = eselog.RecDelta, 9, 5
	rec, err = eselog.DecodeRecord(d.AppendEncode(nil), at)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(recordFields(rec))
	var keys map[string]any
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]any{"rceid": 5.0, "pgno_fdp": 9.0, "delta": -2.0, "offset": 4.0, "bookmark_key": "ab", "bookmark_data": ""} {
		if keys[k] != v {
			t.Errorf("Delta %s = %v, want %v (%s)", k, keys[k], v, b)
		}
	}
	for _, k := range []string{"lrtyp", "at", "Lrtyp", "At", "RCEID"} {
		if _, ok := keys[k]; ok {
			t.Errorf("Delta JSON has %q: %s", k, b)
		}
	}
}
