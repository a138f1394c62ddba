package eselog

import "github.com/esekit/esekit/ese"

// Decoder decodes records as DecodeRecord does, but without allocating
// for the types a replay meets on nearly every record: Begin, Begin0 and
// BeginDT, Commit, Commit0, Insert, FlagDelete, Replace and ReplaceD,
// Delta and Delta64. For those it returns a value of its own, reused by
// the next call, whose slices alias b. Such a record is valid only until
// the next Decode and while b is unchanged; keep one with Keep.
// Records of other types are DecodeRecord's and retain nothing. The zero
// Decoder is ready to use; it is not safe for concurrent use.
type Decoder struct {
	begin      Begin
	begin0     Begin0
	commit     Commit
	commit0    Commit0
	insert     Insert
	flagDelete FlagDelete
	replace    Replace
	delta      Delta
}

// Decode decodes exactly one whole record, with DecodeRecord's rules and
// errors.
func (d *Decoder) Decode(b []byte, pos ese.LogPos) (Record, error) {
	if len(b) == 0 {
		return DecodeRecord(b, pos) // its error
	}
	t := RecordType(b[0])
	if !reused(t) {
		return DecodeRecord(b, pos)
	}
	n, err := checkWhole(b)
	if err != nil {
		return nil, err
	}
	b = b[:n:n] // no slice of the record may reach past it
	base := RecordBase{Lrtyp: t, At: pos}
	switch t {
	case RecBegin:
		d.begin.decode(b, base)
		return &d.begin, nil
	case RecBegin0, RecBeginDT:
		d.begin0.decode(b, base)
		return &d.begin0, nil
	case RecCommit:
		d.commit.decode(b, base)
		return &d.commit, nil
	case RecCommit0:
		d.commit0.decode(b, base)
		return &d.commit0, nil
	case RecInsert:
		d.insert.decode(b, base)
		return &d.insert, nil
	case RecFlagDelete:
		d.flagDelete.NodeHeader.decode(b, base)
		return &d.flagDelete, nil
	case RecReplace, RecReplaceD:
		d.replace.decode(b, base)
		return &d.replace, nil
	default: // RecDelta, RecDelta64
		d.delta.decode(b, base)
		return &d.delta, nil
	}
}

// reused reports whether Decode returns records of type t as values of
// its own.
func reused(t RecordType) bool {
	switch t {
	case RecBegin, RecBegin0, RecBeginDT, RecCommit, RecCommit0, RecInsert, RecFlagDelete,
		RecReplace, RecReplaceD, RecDelta, RecDelta64:
		return true
	}
	return false
}

// Keep returns a record with r's values that stays valid after the next
// Decode: a CloneRecord of r when its type is one Decode reuses, r itself
// otherwise (DecodeRecord made it, and it retains nothing).
func (d *Decoder) Keep(r Record) (Record, error) {
	if reused(r.Type()) {
		return CloneRecord(r)
	}
	return r, nil
}

// CloneRecord returns a copy of r that shares no memory with it or with
// the bytes it was decoded from: r encoded and decoded again, which the
// byte-exact encoders make an identical record.
func CloneRecord(r Record) (Record, error) {
	return DecodeRecord(r.AppendEncode(nil), r.Pos())
}
