package main

import (
	"bytes"
	"encoding"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"strings"
	"unicode"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
)

// This file is the one place that names the keys of a log record in the
// JSON of "logs -records": every exported field of the record's struct
// becomes a snake_case key (PgnoFDP -> pgno_fdp, DBTimeBefore ->
// dbtime_before), in the struct's order. Values take the CLI's forms:
// positions, times, signatures and backup info as elsewhere in the JSON,
// byte strings in hexadecimal. The record's type and position are the
// entry's "type" and "position", so the fields repeat neither.

// recordFields is the "fields" object of one record.
func recordFields(rec eselog.Record) any {
	return fieldsView(reflect.ValueOf(rec))
}

// orderedObject is a JSON object that keeps its keys in order.
type orderedObject struct {
	keys []string
	vals []any
}

func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(o.vals[i])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

var (
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
	recordBase    = reflect.TypeFor[eselog.RecordBase]()
)

// fieldsView turns a record value (or a part of one) into its JSON view.
func fieldsView(v reflect.Value) any {
	switch x := v.Interface().(type) {
	case ese.LogPos:
		return pos(x)
	case ese.LogTime:
		return logTime(x)
	case ese.Signature:
		return sig(x)
	case ese.BackupInfo:
		return backup(x)
	case ese.DBMSParam:
		return dbms(x)
	case []byte:
		return hex.EncodeToString(x)
	}
	if v.Type().Implements(textMarshaler) {
		return v.Interface()
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return fieldsView(v.Elem())
	case reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b := make([]byte, v.Len())
			reflect.Copy(reflect.ValueOf(b), v)
			return hex.EncodeToString(b)
		}
		fallthrough
	case reflect.Slice:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return []any{}
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = fieldsView(v.Index(i))
		}
		return out
	case reflect.Struct:
		var o orderedObject
		addFields(&o, v)
		return o
	}
	return v.Interface()
}

// addFields adds the exported fields of struct v to o; embedded structs
// add their fields in place, except RecordBase (type and position).
func addFields(o *orderedObject, v reflect.Value) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Anonymous && f.Type.Kind() == reflect.Struct && !f.Type.Implements(textMarshaler) {
			if f.Type != recordBase {
				addFields(o, v.Field(i))
			}
			continue
		}
		o.keys = append(o.keys, snakeCase(f.Name))
		o.vals = append(o.vals, fieldsView(v.Field(i)))
	}
}

// snakeCase turns a Go field name into a JSON key: a word starts at an
// upper-case letter after a lower-case letter or digit, and at the last
// capital of an acronym followed by a lower-case letter ("PgnoFDP" ->
// "pgno_fdp", "FDPType" -> "fdp_type", "RCEIDReplace" -> "rceid_replace",
// "TrxBegin0" -> "trx_begin0"). A name DBTime<Word> (the engine's dbtime<Word>)
// gives dbtime_<word>: "DBTimeBefore" -> "dbtime_before".
func snakeCase(name string) string {
	if rest, ok := strings.CutPrefix(name, "DBTime"); ok && rest != "" {
		return "dbtime_" + snakeCase(rest)
	}
	r := []rune(name)
	var b strings.Builder
	for i, c := range r {
		if i > 0 && unicode.IsUpper(c) {
			prev := r[i-1]
			nextLower := i+1 < len(r) && unicode.IsLower(r[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}
