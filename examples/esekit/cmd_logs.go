package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esedb"
	"github.com/esekit/esekit/eselog"
)

func cmdLogs() command {
	return command{
		name:    "logs",
		args:    "FILE|DIR...",
		summary: "walk transaction logs: header, valid segments/sectors, where each log ends, record-type histogram; -records lists every record",
		setup: func(fs *flag.FlagSet) any {
			o := &logsOpts{}
			fs.BoolVar(&o.records, "records", false, "list every record with its position, type and fields")
			fs.StringVar(&o.types, "type", "", "with -records: only records of these types (comma-separated names, e.g. Insert,Commit0)")
			fs.BoolVar(&o.allowCorrupt, "allow-corrupt", false, "read up to a corrupt tail instead of failing (forensic use)")
			fs.StringVar(&o.dbPath, "db", "", "with -records: attribute each page record to its table and tree with the catalog of database `DB`, and decode the rows of inserts and replaces on a table's primary tree")
			return o
		},
		run: runLogs,
	}
}

type logsOpts struct {
	records      bool
	types        string
	allowCorrupt bool
	dbPath       string
	// rows is the -db decoder, shared by the logs of one run (in order).
	rows *esedb.LogDecoder
}

// recordJSON is one record of -records.
type recordJSON struct {
	Position posJSON `json:"position"`
	Type     string  `json:"type"`
	Size     int     `json:"size"`
	// Fields is the decoded record: its fields under snake_case keys
	// (record_json.go).
	Fields any    `json:"fields,omitempty"`
	Error  string `json:"error,omitempty"`
	// With -db: the table and tree the record changes ("primary",
	// "index:NAME", "long_values", "space"), and the row it writes to a
	// primary tree, as `esekit dump -json` prints values.
	Table  string          `json:"table,omitempty"`
	Tree   string          `json:"tree,omitempty"`
	Values json.RawMessage `json:"values,omitempty"`
}

// logsJSON is the walk of one log file (issue 3).
type logsJSON struct {
	File       string         `json:"file"`
	Type       string         `json:"type"`
	Generation ese.Generation `json:"generation"`
	Format     string         `json:"format"`
	Legacy     bool           `json:"legacy"`
	SectorSize int            `json:"sector_size"`
	Sectors    int            `json:"sectors"`
	// DataSectors is how many sectors can hold data.
	DataSectors int `json:"data_sectors"`
	// ValidSegments counts valid segments (modern logs) or the sectors
	// the record stream uses (legacy logs).
	ValidSegments  int     `json:"valid_segments"`
	End            posJSON `json:"end"`
	LastRecord     posJSON `json:"last_record"`
	ClosedNormally bool    `json:"closed_normally"`
	TornWrite      bool    `json:"torn_write"`
	// Records counts records: padding (NOP2) included, a fragmented
	// record once.
	Records             int            `json:"records"`
	Fragmented          int            `json:"fragmented"`
	Histogram           map[string]int `json:"histogram"`
	AccumulatedChecksum string         `json:"accumulated_checksum"`
	UsedBytes           int64          `json:"used_bytes"`
	Unaccounted         int64          `json:"unaccounted_bytes"`
	TailBytes           int64          `json:"tail_bytes"`
	Segments            map[string]int `json:"segment_states"`
	RecordList          []recordJSON   `json:"record_list,omitempty"`
	Error               string         `json:"error,omitempty"`
	ErrorCode           int32          `json:"error_code,omitempty"`
}

// logFilesOf expands the arguments: files stay, folders give their logs
// (identified by bytes), sorted by name; a folder without a log is an
// error.
func logFilesOf(args []string) ([]string, []fileError) {
	var files []string
	var errs []fileError
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			errs = append(errs, errorObject(a, typeUnknown, err))
			continue
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		ents, err := os.ReadDir(a)
		if err != nil {
			errs = append(errs, errorObject(a, typeUnknown, err))
			continue
		}
		var names []string
		for _, e := range ents {
			if !e.Type().IsRegular() {
				continue
			}
			p := filepath.Join(a, e.Name())
			in, c, err := openInput(p)
			if err != nil {
				continue
			}
			if identifyInput(in).Type == typeLog {
				names = append(names, p)
			}
			c.Close()
		}
		if len(names) == 0 {
			// A folder with nothing to walk answers like a file that is
			// not a log.
			errs = append(errs, errorObject(a, typeUnknown, fmt.Errorf("no log file in the folder: %w", ese.ErrFileNotFound)))
			continue
		}
		sort.Strings(names)
		files = append(files, names...)
	}
	return files, errs
}

// walkLog opens and walks one log.
func walkLog(ctx context.Context, in input, o *logsOpts, filter eselog.Filter) logsJSON {
	out := logsJSON{File: in.name, Type: typeLog, Histogram: map[string]int{}, Segments: map[string]int{}}
	fail := func(err error) logsJSON {
		out.Error = err.Error()
		if c, ok := engineCode(err); ok {
			out.ErrorCode = c
		}
		return out
	}
	if id := identifyInput(in); id.Type != typeLog {
		out.Type = id.Type
		return fail(fmt.Errorf("not a log file (identified as %s)", id.Type))
	}
	l, err := eselog.OpenOptions(in.r, in.size, eselog.Options{AllowCorruptTail: o.allowCorrupt, RepairLegacyTail: o.allowCorrupt})
	if err != nil {
		if h, herr := eselog.ReadFileHeader(in.r); herr == nil {
			out.Generation, out.Format = h.Generation, h.Version()
		}
		return fail(err)
	}
	out.Generation = l.Header.Generation
	out.Format = l.Header.Version()
	st, werr := l.Walk(ctx)
	if st != nil {
		out.Legacy = st.Legacy
		out.SectorSize = st.SectorSize
		out.Sectors = st.Sectors
		out.DataSectors = st.DataSectors
		out.ValidSegments = st.Valid
		out.End = pos(st.End)
		out.LastRecord = pos(st.LastRecord)
		out.ClosedNormally = st.ClosedNormally
		out.TornWrite = st.TornWrite
		out.Records = st.Records
		out.Fragmented = st.Fragmented
		for k, v := range st.Histogram {
			out.Histogram[k] = v
		}
		out.AccumulatedChecksum = fmt.Sprintf("0x%016X", st.AccumulatedChecksum)
		out.UsedBytes = st.UsedBytes
		out.Unaccounted = st.Unaccounted
		out.TailBytes = st.TailBytes
	}
	for _, s := range l.States {
		out.Segments[s.String()]++
	}
	if werr != nil {
		return fail(werr)
	}
	if l.TailErr != nil {
		out.Error = "tail: " + l.TailErr.Error()
		if c, ok := engineCode(l.TailErr); ok {
			out.ErrorCode = c
		}
	}
	if o.records {
		out.RecordList = []recordJSON{}
		rd := l.NewReader(ctx, filter)
		for {
			raw, err := rd.NextRaw()
			if err == io.EOF {
				break
			}
			if err != nil {
				out.RecordList = append(out.RecordList, recordJSON{Error: err.Error()})
				break
			}
			rj := recordJSON{Position: pos(raw.Pos), Type: raw.Type.String(), Size: len(raw.Bytes)}
			if rec, err := eselog.DecodeRecord(raw.Bytes, raw.Pos); err != nil {
				rj.Error = err.Error()
			} else {
				rj.Fields = recordFields(rec)
				if o.rows != nil {
					attributeRecord(ctx, o.rows, rec, &rj)
				}
			}
			out.RecordList = append(out.RecordList, rj)
		}
	}
	return out
}

func runLogs(e *env, opts any, args []string) int {
	o := opts.(*logsOpts)
	if len(args) == 0 {
		return e.usage()
	}
	var filter eselog.Filter
	if o.types != "" {
		for _, n := range strings.Split(o.types, ",") {
			t, ok := eselog.ParseRecordType(strings.TrimSpace(n))
			if !ok {
				fmt.Fprintf(e.stderr, "esekit logs: unknown record type %q\n", n)
				return exitUsage
			}
			filter.Types = append(filter.Types, t)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if o.dbPath != "" {
		if !o.records {
			fmt.Fprintln(e.stderr, "esekit logs: -db needs -records")
			return exitUsage
		}
		db, closeDB, err := openDB(o.dbPath, false)
		if err != nil {
			fmt.Fprintf(e.stderr, "esekit logs: %s: %v\n", o.dbPath, err)
			return exitBad
		}
		defer closeDB()
		o.rows = db.NewLogDecoder()
	}
	files, errs := logFilesOf(args)
	status := exitOK
	var out []any
	for _, fe := range errs {
		status = max(status, fe.status)
		out = append(out, fe)
	}
	for _, name := range files {
		in, c, err := openInput(name)
		if err != nil {
			fe := errorObject(name, typeUnknown, err)
			status = max(status, fe.status)
			out = append(out, fe)
			continue
		}
		lj := walkLog(ctx, in, o, filter)
		c.Close()
		if lj.Error != "" {
			status = exitBad
		}
		out = append(out, lj)
	}
	return e.emitFiles(out, status, func(x any) {
		if v, ok := x.(logsJSON); ok {
			printLogs(e.stdout, v)
		}
	})
}

// attributeRecord fills the -db fields of rj: the table and tree rec
// changes and, for a row written to a primary tree, its values.
func attributeRecord(ctx context.Context, d *esedb.LogDecoder, rec eselog.Record, rj *recordJSON) {
	row, ok, err := d.Decode(ctx, rec)
	if !ok {
		return
	}
	rj.Tree = row.Tree
	if row.Table != nil {
		rj.Table = row.Table.Name
	}
	if err != nil {
		rj.Error = err.Error()
		return
	}
	if row.Record == nil {
		return
	}
	vals, err := row.Record.Values()
	if err != nil {
		rj.Error = err.Error()
		return
	}
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	writeValuesJSON(w, vals)
	w.Flush()
	rj.Values = json.RawMessage(b.Bytes())
}

func printLogs(w io.Writer, v logsJSON) {
	fmt.Fprintf(w, "%s (%s)\n", v.File, v.Type)
	if v.Generation != 0 {
		fmt.Fprintf(w, "  generation:      %s, format %s\n", genText(v.Generation), v.Format)
	}
	if v.Sectors != 0 {
		unit := "segments"
		if v.Legacy {
			unit = "sectors"
		}
		fmt.Fprintf(w, "  %-16s %d of %d (%d-byte sectors, %d in the file)\n", "valid "+unit+":", v.ValidSegments, v.DataSectors, v.SectorSize, v.Sectors)
		fmt.Fprintf(w, "  end of data:     %s, last record at %s\n", posText(v.End), posText(v.LastRecord))
		fmt.Fprintf(w, "  closed normally: %v, torn write repaired: %v\n", v.ClosedNormally, v.TornWrite)
		fmt.Fprintf(w, "  records:         %d (%d fragmented), unaccounted bytes %d\n", v.Records, v.Fragmented, v.Unaccounted)
		keys := make([]string, 0, len(v.Histogram))
		for k := range v.Histogram {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if v.Histogram[keys[i]] != v.Histogram[keys[j]] {
				return v.Histogram[keys[i]] > v.Histogram[keys[j]]
			}
			return keys[i] < keys[j]
		})
		for _, k := range keys {
			fmt.Fprintf(w, "    %-28s %d\n", k, v.Histogram[k])
		}
	}
	if v.Error != "" {
		fmt.Fprintf(w, "  error: %s\n", v.Error)
	}
	for _, r := range v.RecordList {
		if r.Error != "" && r.Type == "" {
			fmt.Fprintf(w, "  error: %s\n", r.Error)
			continue
		}
		fields := ""
		if r.Fields != nil {
			if b, err := json.Marshal(r.Fields); err == nil {
				fields = string(b)
			}
		}
		if r.Error != "" {
			fields = "error: " + r.Error
		}
		if r.Table != "" {
			fields = fmt.Sprintf("[%s %s] ", r.Table, r.Tree) + fields
		}
		if r.Values != nil {
			fields += " values " + string(r.Values)
		}
		fmt.Fprintf(w, "  %-18s %-24s %s\n", posText(r.Position), r.Type, fields)
	}
}
