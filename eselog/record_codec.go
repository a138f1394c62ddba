package eselog

import (
	"fmt"
	"slices"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
)

// checkWhole returns RecordSize(b) and checks that b holds exactly that.
func checkWhole(b []byte) (int, error) {
	n, err := RecordSize(b)
	if err != nil {
		return 0, err
	}
	if len(b) < n {
		return 0, shortRecord(len(b), "%s record of %d bytes, have %d", RecordType(b[0]), n, len(b))
	}
	if len(b) > n {
		return 0, ese.NewFormatError("log record", int64(n), ese.ErrLogFileCorrupt,
			"%s record is %d bytes but %d were given", RecordType(b[0]), n, len(b))
	}
	return n, nil
}

// extend grows dst by n zero bytes and returns it with the new window.
func extend(dst []byte, n int) ([]byte, []byte) {
	l := len(dst)
	dst = slices.Grow(dst, n)[:l+n]
	w := dst[l:]
	clear(w)
	return dst, w
}

// clip16 limits b to what a u16 length field can describe.
func clip16(b []byte) []byte {
	if len(b) > 0xFFFF {
		return b[:0xFFFF]
	}
	return b
}

// clip32 limits b to what a u32 length field can describe.
func clip32(b []byte) []byte {
	if uint64(len(b)) > 0xFFFFFFFF {
		return b[:0xFFFFFFFF]
	}
	return b
}

// Each record type states its layout once, in a fields method (all of them
// are in record_layout.go): the offset from the record's first byte of
// each field and the struct field it maps to, given by a call per field
// (u16, u32...) or by seq for fields packed one after another. Decoding
// runs the method with a reading codec and encoding with a writing one, so
// the two cannot drift apart. The type byte (+0) is not part of a layout:
// decoding takes it from RecordBase and encoding writes Lrtyp.
//
// A layout lists its fixed fields first, then its variable parts in the
// order they follow the fixed part: each is a slice whose length is a
// field of the fixed part (var16, var32) or that runs to the end of the
// record (rest).

// layout is a record type that states its fields through a codec. The
// codec goes in and comes back by value (a pointer passed through the
// interface would make every decode and encode allocate it).
type layout interface {
	Record
	fields(c codec) codec
	recordBase() *RecordBase
}

// recordBase returns the record's RecordBase, for decodeLayout.
func (r *RecordBase) recordBase() *RecordBase { return r }

// codec reads a record's fields out of b (enc false) or writes them into
// it (enc true). Offsets are from the record's first byte, b[start].
type codec struct {
	b     []byte
	start int
	// p is where the next variable part starts (decoding).
	p   int
	enc bool
	// short reports that decoding met a record shorter than its layout
	// (see at).
	short bool
	// end is the offset after the last field seq laid out.
	end int
}

// decoding returns a codec that reads the whole record b of type t, its
// variable part starting at the type's fixed size.
func decoding(b []byte, t RecordType) codec {
	return codec{b: b, p: int(fixedSizes[t])}
}

// decodeLayout decodes b into a new T through its layout. Every decoder
// receives exactly one whole record whose size fields agree with len(b).
func decodeLayout[T any, P interface {
	*T
	layout
}](b []byte, base RecordBase) Record {
	r := P(new(T))
	*r.recordBase() = base
	r.fields(decoding(b, base.Lrtyp))
	return r
}

// decodeIgnorable is decodeLayout for a member of the ignorable family
// whose known layout (see known) may be longer than the record's payload;
// such a record decodes as *Ignored.
func decodeIgnorable[T any, P interface {
	*T
	layout
}](b []byte, base RecordBase) Record {
	r := P(new(T))
	*r.recordBase() = base
	if r.fields(decoding(b, base.Lrtyp)).short {
		return decodeIgnored(b, base)
	}
	return r
}

// appendLayout appends r's bytes to dst through its layout. The fixed part
// is the type's fixed size (grown if r's type does not match its struct,
// so that no type value can make encoding fail). An ignorable record's
// u32 cb (+1) is set to the size of what follows it.
func appendLayout(dst []byte, r layout) []byte {
	t := r.Type()
	start := len(dst)
	dst, w := extend(dst, max(FixedSize(t), 1))
	w[0] = byte(t)
	c := r.fields(codec{b: dst, start: start, enc: true})
	if t.IsIgnorable() {
		c.put32(offIgnorableCb, uint32(len(c.b)-start-5))
	}
	return c.b
}

// window returns the n bytes of the record at off for encoding, growing
// the record with zeros first when off+n reaches past its end.
func (c *codec) window(off, n int) []byte {
	i := c.ensure(off, n)
	return c.b[i : i+n]
}

// ensure grows the record with zeros, when needed, so that it holds n
// bytes at off, and returns the index of off in c.b (encoding).
func (c *codec) ensure(off, n int) int {
	i := c.start + off
	if i+n > len(c.b) {
		c.grow(i + n)
	}
	return i
}

// grow extends the record with zeros to end at c.b[end].
//
//go:noinline
func (c *codec) grow(end int) { c.b, _ = extend(c.b, end-len(c.b)) }

// at says that the variable part starts at off rather than at the type's
// fixed size: a layout longer than the engine's fixed structure (the
// ignorable family, the optional version block of CreateDB). Decoding a
// record shorter than off reads nothing more: at reports false, and the
// layout must stop there (decodeIgnorable then keeps the record as
// *Ignored). Encoding grows the record to off bytes.
func (c *codec) at(off int) bool {
	if c.enc {
		c.window(0, off)
		return true
	}
	if off > len(c.b) {
		c.short = true
		return false
	}
	c.p = off
	return true
}

// The field methods below read inline and write out of line, so that
// decoding, the hot path, inlines them.

func (c *codec) u8(off int, v *uint8) {
	if c.enc {
		c.put8(off, *v)
		return
	}
	*v = c.b[off]
}

func (c *codec) u16(off int, v *uint16) {
	if c.enc {
		c.put16(off, *v)
		return
	}
	*v = bin.U16(c.b, off)
}

func (c *codec) u32(off int, v *uint32) {
	if c.enc {
		c.put32(off, *v)
		return
	}
	*v = bin.U32(c.b, off)
}

func (c *codec) u64(off int, v *uint64) {
	if c.enc {
		c.put64(off, *v)
		return
	}
	*v = bin.U64(c.b, off)
}

// put8, put16, put32 and put64 store v at off (encoding). They are kept
// out of line so that the field methods inline for decoding.

//go:noinline
func (c *codec) put8(off int, v uint8) { c.b[c.ensure(off, 1)] = v }

//go:noinline
func (c *codec) put16(off int, v uint16) { bin.PutU16(c.b, c.ensure(off, 2), v) }

//go:noinline
func (c *codec) put32(off int, v uint32) { bin.PutU32(c.b, c.ensure(off, 4), v) }

//go:noinline
func (c *codec) put64(off int, v uint64) { bin.PutU64(c.b, c.ensure(off, 8), v) }

// bytes is a fixed-size byte field (reserved bytes).
func (c *codec) bytes(off int, v []byte) {
	if c.enc {
		copy(c.window(off, len(v)), v)
	} else {
		copy(v, c.b[off:])
	}
}

// field is a fixed-size structure of package ese (LGPOS, LOGTIME,
// SIGNATURE, BKINFO, DBMS_PARAM) of size bytes, read with its decode
// function; it returns size.
func field[T interface{ Put([]byte) }](c *codec, off, size int, v *T, decode func([]byte) T) int {
	if c.enc {
		(*v).Put(c.window(off, size))
	} else {
		*v = decode(c.b[off:])
	}
	return size
}

// take returns the next n bytes of the variable part (decoding). The
// decoders only run after RecordSize has shown that the length fields add
// up to len(b), so it never runs past the buffer; it still clamps.
func (c *codec) take(n int) []byte {
	end := min(c.p+n, len(c.b))
	s := c.b[c.p:end:end]
	c.p = end
	return s
}

// var16 is a variable part whose length is the u16 at off. Encoding cuts
// a longer slice to 0xFFFF bytes.
func (c *codec) var16(off int, v *[]byte) {
	n := uint16(len(clip16(*v)))
	c.u16(off, &n)
	c.part(int(n), v)
}

// var32 is a variable part whose length is the u32 at off.
func (c *codec) var32(off int, v *[]byte) {
	n := uint32(len(clip32(*v)))
	c.u32(off, &n)
	c.part(int(n), v)
}

// part is the next n bytes of the variable part: decoding takes them,
// encoding appends the first n bytes of *v.
func (c *codec) part(n int, v *[]byte) {
	if c.enc {
		c.b = append(c.b, (*v)[:n]...)
	} else {
		*v = c.take(n)
	}
}

// rest is a variable part that runs to the end of the record.
func (c *codec) rest(v *[]byte) {
	if c.enc {
		c.b = append(c.b, *v...)
	} else {
		*v = c.take(len(c.b) - c.p)
	}
}

// entries is a variable part of n-byte entries, each laid out by f at
// offsets from its own start, then tail bytes that do not make a whole
// entry; it runs to the end of the record. Encoding keeps at most limit
// bytes (entries first). It returns the part's length.
func entries[T any](c *codec, n, limit int, items *[]T, tail *[]byte, f func(e *T, c codec) codec) int {
	if !c.enc {
		rest := c.b[c.p:]
		*items = make([]T, len(rest)/n)
		for i := range *items {
			f(&(*items)[i], codec{b: rest[n*i : n*(i+1)]})
		}
		*tail = rest[n*len(*items):]
		c.p = len(c.b)
		return len(rest)
	}
	es, t := *items, *tail
	es = es[:min(len(es), limit/n)]
	t = t[:min(len(t), limit-n*len(es))]
	base := len(c.b)
	c.b, _ = extend(c.b, n*len(es))
	for i := range es {
		f(&es[i], codec{b: c.b[base+n*i : base+n*(i+1)], enc: true})
	}
	c.b = append(c.b, t...)
	return len(c.b) - base
}

// seq lays out fields packed one after another from off, each as wide as
// its type (the engine's log record structures are packed), and returns c
// with end set to the offset after the last. A field is a pointer to a
// uint8, uint16, uint32, uint64, int16, int32, int64, ese.LogPos,
// ese.LogTime, ese.Signature, ese.BackupInfo or ese.DBMSParam, or a byte
// slice for reserved bytes.
func (c codec) seq(off int, fields ...any) codec {
	for _, f := range fields {
		switch v := f.(type) {
		case *uint8:
			c.u8(off, v)
			off++
		case *uint16:
			c.u16(off, v)
			off += 2
		case *uint32:
			c.u32(off, v)
			off += 4
		case *uint64:
			c.u64(off, v)
			off += 8
		case *int16:
			off += signed(&c, off, v, (*codec).u16, 2)
		case *int32:
			off += signed(&c, off, v, (*codec).u32, 4)
		case *int64:
			off += signed(&c, off, v, (*codec).u64, 8)
		case *ese.LogPos:
			off += field(&c, off, ese.LogPosSize, v, ese.DecodeLogPos)
		case *ese.LogTime:
			off += field(&c, off, ese.LogTimeSize, v, ese.DecodeLogTime)
		case *ese.Signature:
			off += field(&c, off, ese.SignatureSize, v, ese.DecodeSignature)
		case *ese.BackupInfo:
			off += field(&c, off, ese.BackupInfoSize, v, ese.DecodeBackupInfo)
		case *ese.DBMSParam:
			off += field(&c, off, ese.DBMSParamSize, v, ese.DecodeDBMSParam)
		case []byte:
			c.bytes(off, v)
			off += len(v)
		default:
			fieldSize(f) // panics: a layout names a field seq cannot lay out
		}
	}
	c.end = off
	return c
}

// signed lays out a signed field of size bytes through f, the method of
// its unsigned twin, and returns size. Encoding leaves *v untouched.
func signed[S int16 | int32 | int64, U uint16 | uint32 | uint64](c *codec, off int, v *S, f func(*codec, int, *U), size int) int {
	u := U(*v)
	f(c, off, &u)
	if !c.enc {
		*v = S(u)
	}
	return size
}

// fieldSize is the width of a field of seq; it panics on a type seq does
// not know, a mistake in a layout that any test of the record finds.
func fieldSize(f any) int {
	switch v := f.(type) {
	case *uint8:
		return 1
	case *uint16, *int16:
		return 2
	case *uint32, *int32:
		return 4
	case *uint64, *int64:
		return 8
	case *ese.LogPos:
		return ese.LogPosSize
	case *ese.LogTime:
		return ese.LogTimeSize
	case *ese.Signature:
		return ese.SignatureSize
	case *ese.BackupInfo:
		return ese.BackupInfoSize
	case *ese.DBMSParam:
		return ese.DBMSParamSize
	case []byte:
		return len(v)
	}
	panic(fmt.Sprintf("eselog: no layout for a field of type %T", f))
}

// known starts the layout of a member of the ignorable family: its known
// fields packed from +5 (after u8 type and u32 cb), its variable part
// after them (see at). It reports false, having read nothing, when
// decoding a record too short for them.
func (c *codec) known(fields ...any) bool {
	end := 5
	for _, f := range fields {
		end += fieldSize(f)
	}
	if !c.at(end) {
		return false
	}
	*c = c.seq(5, fields...)
	return true
}
