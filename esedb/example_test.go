package esedb_test

import (
	"bytes"
	"context"
	"fmt"

	"github.com/esekit/esekit/esedb"
)

// Open a database, list a table's columns and print its rows. Row 4's
// name ends in an unpaired UTF-16 surrogate, kept in its three-byte form.
func Example() {
	b, _ := esedb.SampleDatabase(4096)
	db, err := esedb.Open(bytes.NewReader(b), int64(len(b)), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	t, _ := db.Table("people")
	for _, c := range t.Columns[:4] {
		fmt.Printf("column %d %s %s\n", c.ID, c.Name, c.Type)
	}
	for r, err := range db.Rows(context.Background(), t, nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		id, _ := r.Get("Id")
		name, _ := r.Get("Name")
		tags, _ := r.Get("Tags")
		fmt.Printf("%v %q %v\n", id, name.String(), tags)
	}
	// Output:
	// column 1 Id Long
	// column 2 Age Short
	// column 3 Score IEEEDouble
	// column 128 Name Text
	// 1 "Ann" [x, y]
	// 2 "Bob" NULL
	// 4 "Émile\xed\xa0\x80" [z]
}
