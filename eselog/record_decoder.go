package eselog

import (
	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

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

// Offsets of the fields of the records the Decoder reuses, beyond LRPAGE_
// and LRNODE_ (see offProcid). Their layouts (fields methods, which encode
// them) and the hand-written decode methods below both use these names,
// so each offset is still stated once; the decode methods exist because
// replay decodes nearly every record through them, and reading the fields
// straight from b is faster than going through a codec. The synthetic
// round trips (decode here, encode through the layout) hold the two to
// the same layout.
const (
	offTrxLevel       = 3  // Begin: the levels byte; Commit: levelCommitTo
	offTrxTime        = 4  // Begin0: trxBegin0; Commit0: trxCommit0
	offInsertCbSuffix = 44 // Insert: u16 cbSuffix
	offInsertCbPrefix = 46 // Insert: u16 cbPrefix
	offInsertCbData   = 48 // Insert: u16 cbData
	offReplaceCb      = 44 // Replace: u16 cb (payload length, DIFFHDR2 flag)
	offReplaceCbOld   = 46 // Replace: u16 cbOldData
	offReplaceCbNew   = 48 // Replace: u16 cbNewData
	offDeltaValue     = 48 // Delta: i32 delta (i64 for Delta64)
	offDeltaOffset    = 52 // Delta: u16 cbOffset
	offDelta64Offset  = 56 // Delta64: u16 cbOffset
)

// decode fills h from b field by field (a header built aside and copied
// over costs more than its fields).
func (h *PageHeader) decode(b []byte, base RecordBase) {
	h.RecordBase = base
	h.Procid = bin.U16(b, offProcid)
	h.Dbid = b[offDBID]
	h.PageNumber = bin.U32(b, offPgno)
	h.After = bin.U64(b, offDBTime)
	h.Before = bin.U64(b, offDBTimeBefore)
	h.TrxBegin0 = bin.U32(b, offTrxBegin0)
	h.Level = b[offLevel]
	h.Line = bin.U16(b, offILine)
	h.Flags = NodeFlags(b[offNodeFlags])
}

func (h *NodeHeader) decode(b []byte, base RecordBase) {
	h.PageHeader.decode(b, base)
	h.RCEID = bin.U32(b, offRCEID)
	h.PgnoFDP = bin.U32(b, offPgnoFDP)
	h.ObjidFDP = bin.U32(b, offObjidFDP)
}

func (r *Insert) decode(b []byte, base RecordBase) {
	r.NodeHeader.decode(b, base)
	c := decoding(b, base.Lrtyp)
	r.KeyPrefix = c.take(int(bin.U16(b, offInsertCbPrefix)))
	r.KeySuffix = c.take(int(bin.U16(b, offInsertCbSuffix)))
	r.Data = c.take(int(bin.U16(b, offInsertCbData)))
}

func (r *Replace) decode(b []byte, base RecordBase) {
	cb := bin.U16(b, offReplaceCb)
	r.NodeHeader.decode(b, base)
	r.Diff2 = cb&^replaceCbMask != 0
	r.CbOldData = bin.U16(b, offReplaceCbOld)
	r.CbNewData = bin.U16(b, offReplaceCbNew)
	c := decoding(b, base.Lrtyp)
	r.Payload = c.take(int(cb & replaceCbMask))
}

func (r *Delta) decode(b []byte, base RecordBase) {
	r.NodeHeader.decode(b, base)
	if base.Lrtyp == RecDelta64 {
		r.Delta = bin.I64(b, offDeltaValue)
		r.Offset = bin.U16(b, offDelta64Offset)
	} else {
		r.Delta = int64(bin.I32(b, offDeltaValue))
		r.Offset = bin.U16(b, offDeltaOffset)
	}
	c := decoding(b, base.Lrtyp)
	r.BookmarkKey = c.take(int(bin.U16(b, offCbKey)))
	r.BookmarkData = c.take(int(bin.U16(b, offCbData)))
}

func (r *Begin) decode(b []byte, base RecordBase) {
	l := b[offTrxLevel]
	*r = Begin{base, bin.U16(b, offProcid), l & 0xF, l >> 4}
}

func (r *Begin0) decode(b []byte, base RecordBase) {
	r.Begin.decode(b, base)
	r.TrxBegin0 = bin.U32(b, offTrxTime)
}

func (r *Commit) decode(b []byte, base RecordBase) {
	*r = Commit{base, bin.U16(b, offProcid), b[offTrxLevel]}
}

func (r *Commit0) decode(b []byte, base RecordBase) {
	r.Commit.decode(b, base)
	r.TrxCommit0 = bin.U32(b, offTrxTime)
}

// decodeFresh decodes b into a new T with its hand-written decode method:
// DecodeRecord's decoder for the types the Decoder reuses.
func decodeFresh[T any, P interface {
	*T
	Record
	decode(b []byte, base RecordBase)
}](b []byte, base RecordBase) Record {
	r := P(new(T))
	r.decode(b, base)
	return r
}
