package eselog

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/esekit/esekit/ese"
)

// Describe returns a one-line summary of r: its type followed by every
// field as Name=value, embedded headers flattened. Integers print in
// decimal except 64-bit dbtimes, which print in hexadecimal; log positions
// and times print in the engine's forms; byte payloads (keys, data, diffs,
// pre-images, padding) print only as their length, Name[len], so that the
// summary never carries record contents. Paths print as text.
func Describe(r Record) string {
	var sb strings.Builder
	sb.WriteString(r.Type().String())
	v := reflect.ValueOf(r)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return sb.String()
		}
		v = v.Elem()
	}
	describeStruct(&sb, v, "")
	switch x := r.(type) {
	case *CreateDB:
		fmt.Fprintf(&sb, " Path=%q", x.Path())
	case *AttachDB:
		fmt.Fprintf(&sb, " Path=%q", x.Path())
	case *DetachDB:
		fmt.Fprintf(&sb, " Path=%q", x.Path())
	}
	return sb.String()
}

var (
	typeLogPos    = reflect.TypeFor[ese.LogPos]()
	typeLogTime   = reflect.TypeFor[ese.LogTime]()
	typeSignature = reflect.TypeFor[ese.Signature]()
	typeDBMSParam = reflect.TypeFor[ese.DBMSParam]()
	typeBase      = reflect.TypeFor[RecordBase]()
)

func describeStruct(sb *strings.Builder, v reflect.Value, prefix string) {
	t := v.Type()
	for i := range t.NumField() {
		f, fv := t.Field(i), v.Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Anonymous {
			if f.Type != typeBase {
				describeStruct(sb, fv, prefix)
			}
			continue
		}
		name := prefix + f.Name
		switch {
		case f.Type == typeLogPos:
			fmt.Fprintf(sb, " %s=%v", name, fv.Interface())
		case f.Type == typeLogTime:
			fmt.Fprintf(sb, " %s=%v", name, fv.Interface())
		case f.Type == typeSignature:
			s := fv.Interface().(ese.Signature)
			fmt.Fprintf(sb, " %s=%#x@%v", name, s.Random, s.Created)
		case f.Type == typeDBMSParam:
			p := fv.Interface().(ese.DBMSParam)
			fmt.Fprintf(sb, " %s.LogFileSectors=%d %s.MaxSessions=%d %s.Flags=%#x", name, p.LogFileSectors, name, p.MaxSessions, name, p.Flags)
		case fv.Kind() == reflect.Struct:
			describeStruct(sb, fv, name+".")
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Uint8,
			fv.Kind() == reflect.Array && fv.Type().Elem().Kind() == reflect.Uint8:
			if name != "PathBytes" {
				fmt.Fprintf(sb, " %s[%d]", name, fv.Len())
			}
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Uint32:
			fmt.Fprintf(sb, " %s=%v", name, fv.Interface())
		case fv.Kind() == reflect.Slice:
			fmt.Fprintf(sb, " %s[%d]", name, fv.Len())
		case fv.Kind() == reflect.Uint64:
			fmt.Fprintf(sb, " %s=%#x", name, fv.Uint())
		case fv.Kind() == reflect.Bool:
			fmt.Fprintf(sb, " %s=%v", name, fv.Bool())
		case fv.CanInt():
			fmt.Fprintf(sb, " %s=%d", name, fv.Int())
		case fv.CanUint():
			fmt.Fprintf(sb, " %s=%d", name, fv.Uint())
		}
	}
}
