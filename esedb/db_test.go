package esedb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/btree"
)

func mustSample(t *testing.T, pageSize int) []byte {
	t.Helper()
	b, err := SampleDatabase(pageSize)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func openTestDB(t *testing.T, b []byte, opts *Options) *DB {
	t.Helper()
	db, err := Open(bytes.NewReader(b), int64(len(b)), opts)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// rowsOf returns "Id: values" lines for the rows of people.
func rowsOf(t *testing.T, db *DB, opts *RowOptions) []string {
	t.Helper()
	tb, err := db.Table("people")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for r, err := range db.Rows(context.Background(), tb, opts) {
		if err != nil {
			t.Fatal(err)
		}
		vals, err := r.Values()
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, v := range vals {
			x := v.String()
			if len(x) > 12 {
				x = fmt.Sprintf("%s...(%d)", x[:12], len(v.Data))
			}
			s = append(s, v.Column.Name+"="+x)
		}
		if r.Deleted {
			s = append(s, "deleted")
		}
		out = append(out, strings.Join(s, " "))
	}
	return out
}

// TestSyntheticDB reads the database buildDB writes, on small and large
// pages: the catalog, every row with the values testDB states, deleted
// rows only when asked, index order, a separated long value in two
// chunks (the second 7-bit packed), a compressed intrinsic value, a
// default value, multi-values, a lone surrogate kept.
func TestSyntheticDB(t *testing.T) {
	for _, ps := range []int{4096, 32768} {
		t.Run(fmt.Sprint(ps), func(t *testing.T) {
			db := openTestDB(t, mustSample(t, ps), nil)
			if len(db.Tables) != 1 || db.PageSize != ps || len(db.Warnings) != 0 {
				t.Fatalf("%d tables, page size %d, warnings %q", len(db.Tables), db.PageSize, db.Warnings)
			}
			tb := db.Tables[0]
			var cols []string
			for _, c := range tb.Columns {
				cols = append(cols, fmt.Sprintf("%d:%s:%s", c.ID, c.Name, c.Type))
			}
			if got := strings.Join(cols, " "); got != "1:Id:Long 2:Age:Short 3:Score:IEEEDouble 128:Name:Text 129:Nick:Text 256:Tags:Text 257:Bio:LongText 258:Photo:LongBinary" {
				t.Errorf("columns %s", got)
			}
			if tb.LVPgnoFDP != 11 || len(tb.Indexes) != 2 || !tb.Indexes[0].Primary() || !tb.Indexes[0].Unique() || tb.Indexes[1].Primary() ||
				!reflect.DeepEqual(tb.Indexes[1].Columns, []IndexColumn{{ID: 128}}) || !reflect.DeepEqual(tb.Indexes[0].Columns, []IndexColumn{{ID: 1}}) {
				t.Errorf("LV %d, indexes %+v %+v", tb.LVPgnoFDP, tb.Indexes[0], tb.Indexes[1])
			}
			want := []string{
				"Id=1 Age=30 Score=1.5 Name=Ann Nick=a Tags=[x, y] Bio=abababababab...(3000) Photo=cafe",
				"Id=2 Age=NULL Score=-2 Name=Bob Nick=NULL Tags=NULL Bio=none Photo=68656c6c6f20...(11)",
				"Id=4 Age=-1 Score=0 Name=Émile\xed\xa0\x80 Nick=NULL Tags=[z] Bio=short Photo=NULL",
			}
			if got := rowsOf(t, db, nil); !reflect.DeepEqual(got, want) {
				t.Errorf("rows:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if links := rowsOf(t, db, &RowOptions{SiblingLinks: true}); !reflect.DeepEqual(links, want) {
				t.Errorf("by sibling links: %q", links)
			}
			withDel := rowsOf(t, db, &RowOptions{Deleted: true})
			if len(withDel) != 4 || withDel[2] != "Id=3 Age=99 Score=NULL Name=Del Nick=NULL Tags=NULL Bio=none Photo=NULL deleted" {
				t.Errorf("with deleted: %q", withDel)
			}
			byName := rowsOf(t, db, &RowOptions{Index: "ByName"})
			if len(byName) != 3 || !strings.HasPrefix(byName[0], "Id=1 ") || !strings.HasPrefix(byName[2], "Id=4 ") {
				t.Errorf("by name: %q", byName)
			}
			// A seek on the primary key and a prefix stop.
			seek := rowsOf(t, db, &RowOptions{Key: samplePrimaryKey(2), Prefix: samplePrimaryKey(2)})
			if len(seek) != 1 || !strings.HasPrefix(seek[0], "Id=2 ") {
				t.Errorf("seek 2: %q", seek)
			}
			// The separated value and the typed getters.
			for r := range db.Rows(context.Background(), tb, nil) {
				bio, _ := r.Get("Bio")
				if s, err := bio.Text(); err != nil || s != strings.Repeat("ab", 1500) || !bio.Separated || !bio.Compressed {
					t.Errorf("Bio: %d bytes, separated %v compressed %v, %v", len(s), bio.Separated, bio.Compressed, err)
				}
				age, _ := r.Get("Age")
				if n, err := age.Int(); err != nil || n != 30 {
					t.Errorf("Age: %d %v", n, err)
				}
				break
			}
			if _, err := db.Table("nope"); !errors.Is(err, ErrNotFound) {
				t.Errorf("missing table: %v", err)
			}
			for _, err := range db.Rows(context.Background(), tb, &RowOptions{Index: "nope"}) {
				if !errors.Is(err, ErrNotFound) {
					t.Errorf("missing index: %v", err)
				}
			}
		})
	}
}

// TestSyntheticDamage: a page whose checksum is wrong gives a PageError
// naming it and wrapping ese.ErrReadVerifyFailure; with SkipDamaged the
// reading goes on and the page is reported; a dirty database opens with
// a warning; a catalog page that points into itself ends with an error.
func TestSyntheticDamage(t *testing.T) {
	file := mustSample(t, 4096)
	bad := append([]byte{}, file...)
	bad[12*4096+200] ^= 0xFF // the long-value tree's page 11
	db := openTestDB(t, bad, nil)
	var err error
	for r, e := range db.Rows(context.Background(), db.Tables[0], nil) {
		if e == nil {
			_, e = r.Values() // row 1 reads its separated Bio from page 11
		}
		if e != nil {
			err = e
			break
		}
	}
	var pe *PageError // the exported name a caller outside the module uses
	if !errors.As(err, &pe) || pe.Pgno != 11 || !errors.Is(err, ese.ErrReadVerifyFailure) {
		t.Errorf("damaged long-value page: %v", err)
	}

	// A malformed record (row 2's fixed data said to end past the record):
	// an error naming page 10, or with SkipDamaged the other rows and a
	// report of the page.
	bad = append([]byte{}, file...)
	pg, err := btree.NewPage(10, bad[11*4096:12*4096])
	if err != nil {
		t.Fatal(err)
	}
	n, _ := pg.Node(1)
	n.Data[2], n.Data[3] = 0xFF, 0x7F
	db = openTestDB(t, bad, &Options{NoVerify: true})
	ids := func(db *DB) (out []string, err error) {
		for r, e := range db.Rows(context.Background(), db.Tables[0], nil) {
			if e != nil {
				return out, e
			}
			v, _ := r.Get("Id")
			out = append(out, v.String())
		}
		return out, nil
	}
	got, err := ids(db)
	if pg, ok := btree.IsPageError(err); !ok || pg != 10 || !errors.Is(err, ese.ErrDatabaseCorrupted) || fmt.Sprint(got) != "[1]" {
		t.Errorf("malformed record: %v %v", got, err)
	}
	var skipped []uint32
	db = openTestDB(t, bad, &Options{NoVerify: true, SkipDamaged: true, OnSkip: func(pgno uint32, err error) { skipped = append(skipped, pgno) }})
	if got, err := ids(db); err != nil || fmt.Sprint(got) != "[1 4]" || fmt.Sprint(skipped) != "[10]" {
		t.Errorf("skip damaged: %v %v, skipped %v", got, err, skipped)
	}

	// Dirty shutdown: opened, with a warning.
	dirty := append([]byte{}, file...)
	h, _ := ese.DecodeDBHeader(dirty[:4096])
	h.State = ese.DBStateDirtyShutdown
	copy(dirty, h.Encode(4096))
	copy(dirty[4096:], h.Encode(4096))
	db = openTestDB(t, dirty, nil)
	if len(db.Warnings) != 1 || !strings.Contains(db.Warnings[0], "DirtyShutdown") {
		t.Errorf("warnings %q", db.Warnings)
	}
	// A long value larger than MaxValueSize is refused (row 1's Bio is
	// 3000 bytes).
	db = openTestDB(t, file, &Options{MaxValueSize: 2999})
	for r := range db.Rows(context.Background(), db.Tables[0], nil) {
		if _, err := r.Get("Bio"); !errors.Is(err, ese.ErrInvalidParameter) {
			t.Errorf("MaxValueSize: %v", err)
		}
		break
	}
	// A truncated file: the catalog page is missing.
	if _, err := Open(bytes.NewReader(file[:4*4096]), 4*4096, nil); !errors.Is(err, ese.ErrDatabaseCorrupted) {
		t.Errorf("truncated: %v", err)
	}
}
