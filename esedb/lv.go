package esedb

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/xpress"
)

// maxChunkOut bounds the decompressed size of one compressed value held in
// a record or one long-value chunk: both fit a page before compression.
const maxChunkOut = ese.MaxPageSize

// lvRootSize is the size of an LVROOT (reference count, size); an LVROOT2
// adds a flags byte (dev/ese/src/inc/rec.hxx).
const (
	lvRootSize  = 8
	lvEncrypted = 0x01
)

// readLV reads the separated long value lid (the bytes a record holds: a
// 4- or 8-byte little-endian LID) from the table's long-value tree. The
// root node (key: the big-endian LID) gives the size; the chunks (key:
// LID, then the big-endian offset) follow in key order. A chunk shorter
// than the bytes it covers was compressed (FLVCompressedChunk in
// dev/ese/src/ese/lv.cxx).
func (db *DB) readLV(ctx context.Context, t *Table, lidBytes []byte) (out []byte, compressed bool, err error) {
	var key []byte
	switch len(lidBytes) {
	case 4:
		key = binary.BigEndian.AppendUint32(nil, bin.U32(lidBytes, 0))
	case 8:
		key = binary.BigEndian.AppendUint64(nil, bin.U64(lidBytes, 0))
	default:
		return nil, false, recordErr("separated long value reference of %d bytes", len(lidBytes))
	}
	if t.LVPgnoFDP == 0 {
		return nil, false, recordErr("table %q has a separated long value but no long-value tree", t.Name)
	}
	size, next := -1, 0 // next: the lowest offset the next chunk may have
	var pending []byte  // a chunk whose length is known only from the next one
	pendingOff := 0
	flush := func(end int) error {
		if pending == nil {
			return nil
		}
		want := end - pendingOff
		d := pending
		if len(pending) < want {
			var err error
			compressed = true
			if d, err = xpress.Decode(pending, min(want, maxChunkOut)); err != nil {
				return fmt.Errorf("long value chunk at offset %d: %w: %w", pendingOff, err, ese.ErrDatabaseCorrupted)
			}
		}
		out = append(out, d...)
		pending = nil
		return nil
	}
	for e, err := range db.bt.Seek(ctx, t.LVPgnoFDP, key, db.walkOpts()) {
		if err != nil {
			return nil, false, err
		}
		k, err := e.Key()
		if err != nil {
			return nil, false, err
		}
		if !bytes.HasPrefix(k, key) {
			break
		}
		if e.Deleted() {
			continue
		}
		switch len(k) - len(key) {
		case 0:
			if len(e.Node.Data) < lvRootSize {
				return nil, false, recordErr("long value %x: root of %d bytes", key, len(e.Node.Data))
			}
			if len(e.Node.Data) > lvRootSize && e.Node.Data[lvRootSize]&lvEncrypted != 0 {
				return nil, false, fmt.Errorf("esedb: long value %x is encrypted: %w", key, ese.ErrInvalidParameter)
			}
			size = int(bin.U32(e.Node.Data, 4))
			if size > db.opts.MaxValueSize {
				return nil, false, fmt.Errorf("esedb: long value %x of %d bytes, more than Options.MaxValueSize (%d): %w", key, size, db.opts.MaxValueSize, ese.ErrInvalidParameter)
			}
		case 4:
			if size < 0 {
				return nil, false, recordErr("long value %x: chunk before its root", key)
			}
			off := int(binary.BigEndian.Uint32(k[len(key):]))
			if off < next || off >= size || (pending == nil && len(out) == 0 && off != 0) {
				return nil, false, recordErr("long value %x: chunk at offset %d (size %d, previous chunks end at %d or later)", key, off, size, next)
			}
			if err := flush(off); err != nil {
				return nil, false, err
			}
			if len(out) != off {
				return nil, false, recordErr("long value %x: chunk at offset %d after %d bytes", key, off, len(out))
			}
			pending, pendingOff, next = e.Node.Data, off, off+1
		default:
			continue
		}
	}
	if size < 0 {
		return nil, false, recordErr("long value %x not in the long-value tree", key)
	}
	if err := flush(size); err != nil {
		return nil, false, err
	}
	if len(out) != size {
		return nil, false, recordErr("long value %x: %d of %d bytes", key, len(out), size)
	}
	return out, compressed, nil
}
