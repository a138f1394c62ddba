package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"iter"
	"math"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/esekit/esekit/esedb"
)

// dumpOpts are the flags of `esekit dump`.
type dumpOpts struct {
	csv         bool
	table       string
	index       string
	where       string
	deleted     bool
	logs        string
	noVerify    bool
	skipDamaged bool
}

func cmdDump() command {
	return command{
		name:    "dump",
		args:    "DB",
		summary: "the rows of a database's tables: JSON Lines with -json (one object per row), CSV of one table with -csv",
		setup: func(fs *flag.FlagSet) any {
			o := &dumpOpts{}
			fs.BoolVar(&o.csv, "csv", false, "print one table (-table) as CSV with a header row of column names")
			fs.StringVar(&o.table, "table", "", "dump only the table `NAME` (default: every table)")
			fs.StringVar(&o.index, "index", "", "order the rows by the index `NAME` (default: the primary key)")
			fs.StringVar(&o.where, "where", "", "keep rows whose columns have these values: `COL=VALUE,...` (values as -json prints them; with -index, conditions on its first key columns seek the index)")
			fs.BoolVar(&o.deleted, "deleted", false, "also print rows flagged deleted on their page (marked \"deleted\": true)")
			fs.StringVar(&o.logs, "logs", "", "read the rows as they are after soft recovery with the logs of `DIR` (recovered into a temporary copy; the database is not written)")
			fs.BoolVar(&o.noVerify, "no-verify", false, "do not check page checksums")
			fs.BoolVar(&o.skipDamaged, "skip-damaged", false, "go on after a damaged page, reporting on stderr the pages left out")
			return o
		},
		run: runDump,
	}
}

// condition is one COL=VALUE of -where.
type condition struct {
	col   string
	value string
}

func parseWhere(s string) ([]condition, error) {
	if s == "" {
		return nil, nil
	}
	var out []condition
	for _, part := range strings.Split(s, ",") {
		col, val, ok := strings.Cut(part, "=")
		if !ok || col == "" {
			return nil, fmt.Errorf("-where %q: want COL=VALUE,...", s)
		}
		out = append(out, condition{col: col, value: val})
	}
	return out, nil
}

func runDump(e *env, opts any, args []string) int {
	o := opts.(*dumpOpts)
	var why string
	switch {
	case o.csv && e.json:
		why = "-csv and -json exclude each other"
	case o.csv && o.table == "", o.index != "" && o.table == "":
		why = "-csv and -index need -table"
	}
	if why != "" {
		fmt.Fprintf(e.stderr, "esekit dump: %s\n", why)
	}
	if why != "" || len(args) != 1 {
		return e.usage()
	}
	conds, err := parseWhere(o.where)
	if err != nil {
		fmt.Fprintf(e.stderr, "esekit dump: %v\n", err)
		return exitUsage
	}
	// Ctrl-C, a kill, or a reader that goes away (`| head`) end the dump
	// through the normal path, so that the deferred Close removes the
	// recovered copy of -logs: SIGINT and SIGTERM cancel ctx; with SIGPIPE
	// notified a write to the closed stdout fails with EPIPE instead of
	// killing the process, and the rows stop.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	pipe := make(chan os.Signal, 1)
	signal.Notify(pipe, syscall.SIGPIPE)
	defer signal.Stop(pipe)
	dbOpts := &esedb.Options{NoVerify: o.noVerify, SkipDamaged: o.skipDamaged}
	skipped := 0
	dbOpts.OnSkip = func(pgno uint32, err error) {
		skipped++
		fmt.Fprintf(e.stderr, "esekit dump: skipped page %d: %v\n", pgno, err)
	}
	var db *esedb.DB
	if o.logs != "" {
		rec, err := esedb.OpenRecovered(ctx, args[0], o.logs, dbOpts)
		if err != nil {
			fmt.Fprintf(e.stderr, "esekit dump: %s\n", cliText(err.Error()))
			return statusOf(err)
		}
		defer rec.Close()
		db = rec.DB
	} else {
		in, c, err := openUnmapped(args[0])
		if err != nil {
			fmt.Fprintf(e.stderr, "esekit dump: %s\n", cliText(err.Error()))
			return statusOf(err)
		}
		defer c.Close()
		if db, err = esedb.Open(in.r, in.size, dbOpts); err != nil {
			fmt.Fprintf(e.stderr, "esekit dump: %s: %v\n", args[0], err)
			return exitBad
		}
	}
	for _, w := range db.Warnings {
		fmt.Fprintf(e.stderr, "esekit dump: warning: %s\n", w)
	}
	tables := db.Tables
	if o.table != "" {
		t, err := db.Table(o.table)
		if err != nil {
			fmt.Fprintf(e.stderr, "esekit dump: %v\n", err)
			return exitUsage
		}
		if o.index != "" && t.Index(o.index) == nil {
			fmt.Fprintf(e.stderr, "esekit dump: table %q has no index %q\n", t.Name, o.index)
			return exitUsage
		}
		for _, c := range conds {
			if t.Column(c.col) == nil {
				fmt.Fprintf(e.stderr, "esekit dump: table %q has no column %q\n", t.Name, c.col)
				return exitUsage
			}
		}
		tables = []*esedb.Table{t}
	}
	out := &stickyWriter{w: e.stdout}
	w := bufio.NewWriterSize(out, 1<<16)
	defer w.Flush()
	var cw *csv.Writer
	if o.csv {
		cw = csv.NewWriter(w)
		defer cw.Flush()
		var head []string
		for _, c := range tables[0].Columns {
			head = append(head, c.Name)
		}
		cw.Write(head)
	}
	p := &progress{w: e.stderr, start: time.Now()}
	status := exitOK
	var vals []esedb.Value // reused from row to row
	var keys jsonKeys
tables:
	for _, t := range tables {
		if !e.json && !o.csv {
			fmt.Fprintf(w, "table %s\n", t.Name)
		}
		n := 0
		rows := db.Rows(ctx, t, &esedb.RowOptions{Index: o.index, Deleted: o.deleted})
		rest := conds
		if o.index != "" && len(conds) > 0 {
			seq, left, err := seekRows(ctx, db, t, o.index, conds, o.deleted, e.stderr)
			if err != nil {
				fmt.Fprintf(e.stderr, "esekit dump: %v\n", err)
				return exitUsage
			}
			if seq != nil {
				rows, rest = seq, left
			}
		}
		for rec, err := range rows {
			if out.err != nil || ctx.Err() != nil {
				break tables // stdout closed, or interrupted
			}
			if err != nil {
				fmt.Fprintf(e.stderr, "esekit dump: table %s: %v\n", t.Name, err)
				status = exitBad
				break
			}
			vals, err = rec.AppendValues(vals[:0])
			if err != nil {
				fmt.Fprintf(e.stderr, "esekit dump: table %s, row on page %d line %d: %v\n", t.Name, rec.Pgno, rec.Line, err)
				status = exitBad
				if o.skipDamaged {
					continue
				}
				break
			}
			if !matches(vals, rest) {
				continue
			}
			n++
			p.tick(t.Name, n)
			switch {
			case o.csv:
				row := make([]string, len(vals))
				for i, v := range vals {
					row[i] = csvValue(v)
				}
				cw.Write(row)
			case e.json:
				writeRowJSON(w, &keys, t.Name, rec.Deleted, vals)
			default:
				writeRowText(w, n, rec.Deleted, vals)
			}
		}
	}
	if skipped > 0 {
		status = exitBad
	}
	if err := ctx.Err(); err != nil {
		fmt.Fprintf(e.stderr, "esekit dump: interrupted\n")
		return exitBad
	}
	if out.err != nil {
		return exitBad // the reader went away: nothing more to say
	}
	return status
}

// stickyWriter passes writes to w until one fails, then fails every
// write with that first error (err), which the caller checks to stop.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(b []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(b)
	s.err = err
	return n, err
}

// seekRows answers -where through the index named index when the
// conditions name its first key columns: the rows come from a seek on the
// normalised key (equality as the index defines it: ASCII text ignores
// case), and the conditions left over are returned for filtering. It
// returns a nil sequence when the conditions do not start the key. When
// the key cannot be normalised here (Unicode text), the seek scans the
// table and says so on stderr.
func seekRows(ctx context.Context, db *esedb.DB, t *esedb.Table, index string, conds []condition, deleted bool, stderr io.Writer) (iter.Seq2[*esedb.Record, error], []condition, error) {
	ix := t.Index(index)
	var vals [][]byte
	used := map[int]bool{}
	for _, kc := range ix.Columns {
		c := t.ColumnByID(kc.ID)
		found := -1
		for i, cd := range conds {
			if c != nil && strings.EqualFold(cd.col, c.Name) {
				found = i
			}
		}
		if found < 0 {
			break
		}
		v, err := esedb.ParseValue(c, conds[found].value)
		if err != nil {
			return nil, nil, err
		}
		vals = append(vals, v)
		used[found] = true
	}
	if len(vals) == 0 {
		return nil, nil, nil
	}
	seq, indexed, err := db.Seek(ctx, t, index, vals, &esedb.RowOptions{Deleted: deleted})
	if err != nil {
		return nil, nil, err
	}
	if !indexed {
		fmt.Fprintf(stderr, "esekit dump: index %s: its text keys are the locale's sort keys, not computed here; scanning the table\n", index)
	}
	var rest []condition
	for i, cd := range conds {
		if !used[i] {
			rest = append(rest, cd)
		}
	}
	return seq, rest, nil
}

// progress reports long dumps on stderr every few seconds.
type progress struct {
	w     io.Writer
	start time.Time
	last  time.Time
}

func (p *progress) tick(table string, n int) {
	if n%1024 != 0 {
		return
	}
	now := time.Now()
	if now.Sub(p.start) < 5*time.Second || now.Sub(p.last) < 5*time.Second {
		return
	}
	p.last = now
	fmt.Fprintf(p.w, "esekit dump: %s: %d rows\n", table, n)
}

// matches applies -where: each named column's printed value (the JSON
// scalar form without quotes) must equal the wanted text; for a
// multi-valued column one of its values must.
func matches(vals []esedb.Value, conds []condition) bool {
	for _, c := range conds {
		ok := false
		for _, v := range vals {
			if !strings.EqualFold(v.Column.Name, c.col) {
				continue
			}
			if v.Null {
				ok = c.value == "" || c.value == "null"
				break
			}
			if l, isList := v.Any().([]any); isList {
				for _, x := range l {
					if scalarText(x) == c.value {
						ok = true
					}
				}
				break
			}
			ok = scalarText(v.Any()) == c.value
			break
		}
		if !ok {
			return false
		}
	}
	return true
}

// writeRowJSON prints one row as a JSON Lines object: {"table": ...,
// "values": {"Col": value, ...}} and "deleted": true for a flag-deleted
// row. Columns keep table order; integers are printed exactly. keys
// keeps the quoted column names between rows (nil: none kept).
func writeRowJSON(w *bufio.Writer, keys *jsonKeys, table string, deleted bool, vals []esedb.Value) {
	w.WriteString(`{"table":`)
	writeJSONString(w, table)
	if deleted {
		w.WriteString(`,"deleted":true`)
	}
	w.WriteString(`,"values":`)
	keys.writeValues(w, vals)
	w.WriteString("}\n")
}

// writeValuesJSON prints a row's values as one JSON object, columns in
// table order.
func writeValuesJSON(w *bufio.Writer, vals []esedb.Value) {
	(*jsonKeys)(nil).writeValues(w, vals)
}

// jsonKeys keeps the JSON object keys ("Name":) of the columns of the
// last row written, so that a dump quotes each column name once rather
// than once per row.
type jsonKeys struct {
	cols []*esedb.Column
	keys []string
}

// writeValues prints vals as one JSON object, columns in their order.
func (k *jsonKeys) writeValues(w *bufio.Writer, vals []esedb.Value) {
	w.WriteByte('{')
	for i, v := range vals {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteString(k.key(i, v.Column))
		writeJSONValue(w, v.Any())
	}
	w.WriteByte('}')
}

// key returns `"Name":` for column c at position i of a row.
func (k *jsonKeys) key(i int, c *esedb.Column) string {
	if k == nil {
		return string(append(appendJSONString(nil, c.Name), ':'))
	}
	if i < len(k.cols) && k.cols[i] == c {
		return k.keys[i]
	}
	if i > len(k.cols) {
		k.cols, k.keys = k.cols[:0], k.keys[:0]
		return string(append(appendJSONString(nil, c.Name), ':'))
	}
	key := string(append(appendJSONString(nil, c.Name), ':'))
	k.cols, k.keys = append(k.cols[:i], c), append(k.keys[:i], key)
	return key
}

// writeJSONString writes s as a JSON string (see appendJSONString).
func writeJSONString(w *bufio.Writer, s string) {
	w.Write(appendJSONString(w.AvailableBuffer(), s))
}

// appendJSONString appends s as a JSON string. Text that held an unpaired
// UTF-16 surrogate carries it in its three-byte (WTF-8) form (see
// esedb.DecodeText); it is written as the \uD8xx escape JSON allows, so
// the stored unit is kept rather than replaced. Other invalid bytes become
// U+FFFD, as encoding/json writes them.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	run := 0 // start of the bytes not yet appended, which need no escape
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x80 && c != '"' && c != '\\' {
			i++
			continue
		}
		b = append(b, s[run:i]...)
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
			i++
		case c < 0x20:
			b = append(b, `\u00`...)
			b = append(b, hexDigits[c>>4], hexDigits[c&0xF])
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r != utf8.RuneError || size != 1:
				b = append(b, s[i:i+size]...)
				i += size
			case c == 0xED && i+2 < len(s) && s[i+1] >= 0xA0 && s[i+1] <= 0xBF && s[i+2]&0xC0 == 0x80:
				u := rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
				b = append(b, `\u`...)
				b = strconv.AppendUint(b, uint64(u), 16)
				i += 3
			default:
				b = append(b, "\ufffd"...)
				i++
			}
		}
		run = i
	}
	b = append(b, s[run:]...)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// writeJSONValue prints one value of esedb.Value.Any: Bit as true/false,
// integers exactly, IEEE values as numbers (NaN and infinities, which JSON
// cannot hold, as the strings "NaN", "+Inf", "-Inf"), DateTime as an RFC
// 3339 UTC string, GUIDs and text as strings, binary as lowercase hex,
// NULL as null, multi-values as arrays.
func writeJSONValue(w *bufio.Writer, x any) {
	w.Write(appendJSONValue(w.AvailableBuffer(), x))
}

func appendJSONValue(b []byte, x any) []byte {
	switch x := x.(type) {
	case nil:
		return append(b, "null"...)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONValue(b, e)
		}
		return append(b, ']')
	case string:
		return appendJSONString(b, x)
	case []byte, time.Time:
		// Hex digits and RFC 3339 text need no escapes.
		b = append(b, '"')
		return append(appendScalar(b, x), '"')
	case float32:
		return appendFloat(b, float64(x), 32)
	case float64:
		return appendFloat(b, x, 64)
	}
	return appendScalar(b, x)
}

func appendFloat(b []byte, f float64, bits int) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		b = append(b, '"')
		return append(strconv.AppendFloat(b, f, 'g', -1, bits), '"')
	}
	return strconv.AppendFloat(b, f, 'g', -1, bits)
}

// scalarText is the text of one value as -json prints it, without quotes.
func scalarText(x any) string {
	if s, ok := x.(string); ok {
		return s
	}
	return string(appendScalar(nil, x))
}

// appendScalar appends the text of scalarText.
func appendScalar(b []byte, x any) []byte {
	switch x := x.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, x)
	case uint8:
		return strconv.AppendUint(b, uint64(x), 10)
	case uint16:
		return strconv.AppendUint(b, uint64(x), 10)
	case uint32:
		return strconv.AppendUint(b, uint64(x), 10)
	case int16:
		return strconv.AppendInt(b, int64(x), 10)
	case int32:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float32:
		return strconv.AppendFloat(b, float64(x), 'g', -1, 32)
	case float64:
		return strconv.AppendFloat(b, x, 'g', -1, 64)
	case time.Time:
		return x.AppendFormat(b, time.RFC3339Nano)
	case []byte:
		return hex.AppendEncode(b, x)
	case string:
		return append(b, x...)
	}
	return fmt.Append(b, x)
}

// csvValue is a cell of -csv: the scalar text, empty for NULL, a JSON
// array for several values.
func csvValue(v esedb.Value) string {
	x := v.Any()
	switch x := x.(type) {
	case nil:
		return ""
	case []any:
		var b strings.Builder
		bw := bufio.NewWriter(&b)
		writeJSONValue(bw, x)
		bw.Flush()
		return b.String()
	}
	return scalarText(x)
}

// writeRowText prints one row for people: its number, then one line per
// column.
func writeRowText(w *bufio.Writer, n int, deleted bool, vals []esedb.Value) {
	fmt.Fprintf(w, "  row %d", n)
	if deleted {
		w.WriteString(" (deleted)")
	}
	w.WriteByte('\n')
	for _, v := range vals {
		fmt.Fprintf(w, "    %s: %s\n", v.Column.Name, v.String())
	}
}
