package ese

import (
	"fmt"

	"github.com/esekit/esekit/internal/bin"
)

// AttachListSize is the size of the attach-list area in log headers (at
// offset 671) and checkpoints (at offset 679).
const AttachListSize = 2048

// attachFixedSize is the size of the fixed part of one ATTACHINFO entry.
const attachFixedSize = 64

// AttachInfo flag bits.
const (
	AttachUnicodeNames = 0x20 // names are UTF-16LE (fATCHINFOUnicodeNames)
	AttachSparseFile   = 0x40 // the file is sparse-capable
)

// AttachInfo is one ATTACHINFO entry: a database attached to a log stream,
// as listed in a log file header or a checkpoint. Entries are 64 fixed bytes
// followed by NamesSize bytes of name data.
type AttachInfo struct {
	// DBID is the attachment slot, 1..6 (+0). A 0 here ends the list.
	DBID uint8
	// Flags (+1): AttachUnicodeNames, AttachSparseFile.
	Flags uint8
	// DBTime is the last DBTIME known when the list was written (+4).
	DBTime uint64
	// LastObjectID is the highest object id (+12).
	LastObjectID uint32
	// MaxDbSizePages is cpgDatabaseSizeMax (+16).
	MaxDbSizePages int32
	// AttachPos is the log position of the attach (+20).
	AttachPos LogPos
	// ConsistentPos is the database's consistent position when it is in
	// this stream, else zero (+28).
	ConsistentPos LogPos
	// DbSignature is the database's signature (+36).
	DbSignature Signature
	// Names is the raw name data (+64, NamesSize bytes at +2), including
	// its NUL terminator: UTF-16LE when Flags has AttachUnicodeNames,
	// 8-bit ANSI otherwise.
	Names []byte
}

// Path returns the first NUL-terminated name, decoded per Flags.
func (a AttachInfo) Path() string {
	if a.Flags&AttachUnicodeNames != 0 {
		return bin.UTF16String(a.Names)
	}
	return bin.CString(a.Names)
}

// SetPath stores p as the entry's name in the entry's encoding, with its
// NUL terminator.
func (a *AttachInfo) SetPath(p string) {
	if a.Flags&AttachUnicodeNames != 0 {
		a.Names = append(bin.AppendUTF16(nil, p), 0, 0)
		return
	}
	a.Names = append(bin.AppendLatin1(make([]byte, 0, len(p)+1), p), 0)
}

// encodedSize is the entry's size on disk.
func (a AttachInfo) encodedSize() int { return attachFixedSize + len(a.Names) }

// DecodeAttachList decodes an ATTACHINFO list from area (normally the 2048
// bytes at the list's offset). The list ends at the first entry whose DBID
// is 0. An entry whose name data runs past the area is an error wrapping
// ErrLogFileCorrupt; there are at most 2048/65 entries, so the result is
// bounded by the area's size. It also returns the number of bytes the list
// used, including the terminating zero byte.
func DecodeAttachList(area []byte) ([]AttachInfo, int, error) {
	var out []AttachInfo
	off := 0
	for {
		if off >= len(area) {
			return out, off, NewFormatError("attach list", int64(off), ErrLogFileCorrupt, "list is not terminated within %d bytes", len(area))
		}
		if area[off] == 0 {
			return out, off + 1, nil
		}
		if off+attachFixedSize > len(area) {
			return out, off, NewFormatError("attach list", int64(off), ErrLogFileCorrupt, "entry header runs past the list area")
		}
		e := area[off:]
		n := int(bin.U16(e, 2))
		if off+attachFixedSize+n > len(area) {
			return out, off, NewFormatError("attach list", int64(off), ErrLogFileCorrupt, "name of %d bytes runs past the list area", n)
		}
		a := AttachInfo{
			DBID:           e[0],
			Flags:          e[1],
			DBTime:         bin.U64(e, 4),
			LastObjectID:   bin.U32(e, 12),
			MaxDbSizePages: bin.I32(e, 16),
			AttachPos:      DecodeLogPos(e[20:]),
			ConsistentPos:  DecodeLogPos(e[28:]),
			DbSignature:    DecodeSignature(e[36:]),
			Names:          append([]byte(nil), e[attachFixedSize:attachFixedSize+n]...),
		}
		out = append(out, a)
		off += attachFixedSize + n
	}
}

// EncodeAttachList writes list followed by its terminating zero byte into
// area, which must be large enough; the rest of area is left unchanged. It
// returns the number of bytes written. A list that does not fit, an entry
// with DBID 0 or a name longer than 65535 bytes is an error wrapping
// ErrInvalidParameter.
func EncodeAttachList(area []byte, list []AttachInfo) (int, error) {
	need := 1
	for _, a := range list {
		need += a.encodedSize()
		if a.DBID == 0 {
			return 0, fmt.Errorf("ese: attach entry with DBID 0 would end the list: %w", ErrInvalidParameter)
		}
		if len(a.Names) > 0xFFFF {
			return 0, fmt.Errorf("ese: attach name of %d bytes is too long: %w", len(a.Names), ErrInvalidParameter)
		}
	}
	if need > len(area) {
		return 0, fmt.Errorf("ese: attach list needs %d bytes, area has %d: %w", need, len(area), ErrInvalidParameter)
	}
	off := 0
	for _, a := range list {
		e := area[off:]
		e[0] = a.DBID
		e[1] = a.Flags
		bin.PutU16(e, 2, uint16(len(a.Names)))
		bin.PutU64(e, 4, a.DBTime)
		bin.PutU32(e, 12, a.LastObjectID)
		bin.PutI32(e, 16, a.MaxDbSizePages)
		a.AttachPos.Put(e[20:])
		a.ConsistentPos.Put(e[28:])
		a.DbSignature.Put(e[36:])
		copy(e[attachFixedSize:], a.Names)
		off += a.encodedSize()
	}
	area[off] = 0
	return off + 1, nil
}
