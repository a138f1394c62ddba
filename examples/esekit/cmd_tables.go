package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/esekit/esekit/esedb"
)

// tablesOpts are the flags of `esekit tables`.
type tablesOpts struct {
	noVerify bool
}

func cmdTables() command {
	return command{
		name:    "tables",
		args:    "DB",
		summary: "the tables of a database: columns (id, name, type, tagged, multi-valued, code page), indexes and row counts",
		setup: func(fs *flag.FlagSet) any {
			o := &tablesOpts{}
			fs.BoolVar(&o.noVerify, "no-verify", false, "do not check page checksums")
			return o
		},
		run: runTables,
	}
}

// tablesJSON is the document of `esekit tables -json`.
type tablesJSON struct {
	File     string      `json:"file"`
	PageSize int         `json:"page_size"`
	Warnings []string    `json:"warnings,omitempty"`
	Tables   []tableJSON `json:"tables"`
}

type tableJSON struct {
	Name     string       `json:"name"`
	Objid    uint32       `json:"objid"`
	Template string       `json:"template,omitempty"`
	Columns  []columnJSON `json:"columns"`
	Indexes  []indexJSON  `json:"indexes"`
	Records  int64        `json:"records"`
	Error    string       `json:"error,omitempty"`
}

type columnJSON struct {
	ID          uint32 `json:"id"`
	Name        string `json:"name"`
	Type        string `json:"type"`
	Tagged      bool   `json:"tagged"`
	MultiValued bool   `json:"multi_valued"`
	Codepage    uint32 `json:"codepage"`
}

type indexJSON struct {
	Name    string   `json:"name"`
	Columns []uint32 `json:"columns"`
	Primary bool     `json:"primary"`
	Unique  bool     `json:"unique"`
}

// openDB opens a database file for the table verbs; the caller closes the
// closer.
func openDB(name string, noVerify bool) (*esedb.DB, func(), error) {
	in, c, err := openUnmapped(name)
	if err != nil {
		return nil, nil, err
	}
	db, err := esedb.Open(in.r, in.size, &esedb.Options{NoVerify: noVerify})
	if err != nil {
		c.Close()
		return nil, nil, err
	}
	return db, func() { c.Close() }, nil
}

func runTables(e *env, opts any, args []string) int {
	o := opts.(*tablesOpts)
	if len(args) != 1 {
		return e.usage()
	}
	db, closeDB, err := openDB(args[0], o.noVerify)
	if err != nil {
		if e.json {
			e.emit(errorObject(args[0], typeDatabase, err))
		} else {
			fmt.Fprintf(e.stderr, "esekit tables: %s: %s\n", args[0], cliText(err.Error()))
		}
		return statusOf(err)
	}
	defer closeDB()
	status := exitOK
	doc := tablesJSON{File: args[0], PageSize: db.PageSize, Warnings: db.Warnings, Tables: []tableJSON{}}
	for _, t := range db.Tables {
		tj := tableJSON{Name: t.Name, Objid: t.Objid, Template: t.TemplateName, Columns: []columnJSON{}, Indexes: []indexJSON{}}
		for _, c := range t.Columns {
			tj.Columns = append(tj.Columns, columnJSON{ID: c.ID, Name: c.Name, Type: c.Type.String(), Tagged: c.Tagged(), MultiValued: c.MultiValued(), Codepage: c.Codepage})
		}
		for _, ix := range t.Indexes {
			ij := indexJSON{Name: ix.Name, Columns: []uint32{}, Primary: ix.Primary(), Unique: ix.Unique()}
			for _, kc := range ix.Columns {
				ij.Columns = append(ij.Columns, kc.ID)
			}
			tj.Indexes = append(tj.Indexes, ij)
		}
		for _, err := range db.Rows(context.Background(), t, nil) {
			if err != nil {
				tj.Error = err.Error()
				status = exitBad
				break
			}
			tj.Records++
		}
		doc.Tables = append(doc.Tables, tj)
	}
	if e.json {
		e.emit(doc)
		return status
	}
	fmt.Fprintf(e.stdout, "%s: %d-byte pages, %d tables\n", doc.File, doc.PageSize, len(doc.Tables))
	for _, w := range doc.Warnings {
		fmt.Fprintf(e.stdout, "warning: %s\n", w)
	}
	for _, t := range doc.Tables {
		fmt.Fprintf(e.stdout, "\ntable %s (objid %d): %d records\n", t.Name, t.Objid, t.Records)
		if t.Error != "" {
			fmt.Fprintf(e.stdout, "  error: %s\n", t.Error)
		}
		for _, c := range t.Columns {
			kind := "fixed"
			switch {
			case c.Tagged:
				kind = "tagged"
			case c.ID >= 128:
				kind = "variable"
			}
			mv := ""
			if c.MultiValued {
				mv = ", multi-valued"
			}
			fmt.Fprintf(e.stdout, "  column %5d %-30s %s (%s%s, code page %d)\n", c.ID, c.Name, c.Type, kind, mv, c.Codepage)
		}
		for _, ix := range t.Indexes {
			var flags string
			if ix.Primary {
				flags += " primary"
			}
			if ix.Unique {
				flags += " unique"
			}
			fmt.Fprintf(e.stdout, "  index %s on %v%s\n", ix.Name, ix.Columns, flags)
		}
	}
	return status
}
