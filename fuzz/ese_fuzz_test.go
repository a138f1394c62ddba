package fuzz

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/testcorpus"
)

// eseCorpusHeads returns the first n bytes of every corpus file whose
// base name matches pattern (filepath.Match), or nothing when the corpus is
// absent.
func eseCorpusHeads(pattern string, n int) [][]byte {
	var out [][]byte
	for _, rel := range testcorpus.Glob(pattern) {
		if b := testcorpus.Head(rel, n); b != nil {
			out = append(out, b)
		}
	}
	return out
}

// wantEseError fails the test unless err is nil or wraps an ese.Error: on
// an in-memory reader every decoder error must say what the engine would
// raise (errors.Is works), never be a bare message or a wrapped io error.
func wantEseError(t *testing.T, what string, err error) {
	t.Helper()
	var code ese.Error
	if err != nil && !errors.As(err, &code) {
		t.Fatalf("%s: error %q (%T) wraps no ese.Error", what, err, err)
	}
}

// eseSeedMax caps seed sizes. Inputs that find new coverage are minimized
// byte by byte, which costs time quadratic in their length: with 16 KiB or
// larger seeds a 10-second run spends all its time minimizing. Targets
// therefore take small inputs (2 KiB header pages, pages assembled from a
// head and a tail).
const eseSeedMax = 4096

// eseDatabaseHeads returns the first eseSeedMax bytes of every corpus
// database (the start of the primary header copy).
func eseDatabaseHeads() [][]byte {
	var out [][]byte
	for _, b := range eseCorpusHeads("*", eseSeedMax) {
		if len(b) >= 240 && binary.LittleEndian.Uint32(b[4:]) == ese.DBMagic {
			out = append(out, b)
		}
	}
	return out
}

// syntheticDBHeader is a valid database header page pair with 2 KiB pages,
// built from the first corpus database when there is one.
func syntheticDBHeader() []byte {
	h := &ese.DBHeader{Magic: ese.DBMagic, FormatVersion: 0x620, FormatUpdateMajor: 20,
		State: ese.DBStateCleanShutdown, DBID: 1, FileType: ese.FileTypeDatabase}
	if heads := eseDatabaseHeads(); len(heads) > 0 {
		if d, err := ese.DecodeDBHeader(heads[0]); err == nil {
			h = d
			h.Tail = nil
		}
	}
	h.PageSize = 2048
	p := h.Encode(2048)
	return append(p, p...)
}

// FuzzEseDBHeader decodes arbitrary bytes as a database header, both
// directly and with the shadow rules. Whatever decodes must put back the
// same bytes, and a verified copy must re-encode byte for byte.
func FuzzEseDBHeader(f *testing.F) {
	for _, b := range eseDatabaseHeads() {
		f.Add(b[:min(len(b), 2048)])
	}
	f.Add(syntheticDBHeader())
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		if h, err := ese.DecodeDBHeader(data); err == nil {
			out := make([]byte, len(data))
			h.Put(out)
			if !bytes.Equal(out, data) {
				t.Fatal("DecodeDBHeader/Put round trip differs")
			}
			_ = h.Format() + h.FormatUpdate()
		} else if len(data) >= ese.DBHeaderSize {
			t.Fatalf("DecodeDBHeader refused %d bytes: %v", len(data), err)
		}
		c, err := ese.ReadDBHeader(bytes.NewReader(data))
		wantEseError(t, "ReadDBHeader", err)
		if c == nil {
			return
		}
		good := c.PrimaryBytes
		if c.UsedShadow {
			good = c.ShadowBytes
		}
		if enc := c.Header.Encode(c.PageSize); !bytes.Equal(enc, good) {
			t.Fatal("verified header copy does not re-encode byte for byte")
		}
	})
}

// FuzzEseDBHeaderFields writes the fuzzer's bytes into a 2 KiB header with
// a valid checksum, magic and page size, so that every field reaches the
// shadow and attach checks.
func FuzzEseDBHeaderFields(f *testing.F) {
	for _, b := range eseDatabaseHeads() {
		f.Add(b[:min(len(b), ese.DBHeaderSize)])
	}
	f.Add(syntheticDBHeader()[:ese.DBHeaderSize])
	f.Fuzz(func(t *testing.T, data []byte) {
		page := make([]byte, 2048)
		copy(page, data)
		binary.LittleEndian.PutUint32(page[4:], ese.DBMagic)
		binary.LittleEndian.PutUint32(page[236:], 2048)
		binary.LittleEndian.PutUint32(page, ese.HeaderChecksum(page))
		c, err := ese.ReadDBHeader(bytes.NewReader(page))
		if c == nil || c.PageSize != 2048 || !c.HeaderChecksumOK {
			t.Fatalf("valid header copy not found: %+v %v", c, err)
		}
		if !bytes.Equal(c.Header.Encode(2048), page) {
			t.Fatal("round trip differs")
		}
	})
}

// pageSizes are the sizes FuzzEsePage picks from with its first byte.
var pageSizes = [...]int{2048, 4096, 8192, 16384, 32768}

// pageSeed turns a real page into a FuzzEsePage input: control bytes, the
// first 1 KiB (header and first nodes) and the last 512 bytes (tag array).
func pageSeed(sizeIndex, flags, pgno byte, page []byte) []byte {
	head := page[:1024]
	tail := page[len(page)-512:]
	out := []byte{sizeIndex | flags, pgno, 7, byte(len(head) >> 8), byte(len(head))}
	return append(append(out, head...), tail...)
}

// FuzzEsePage assembles a page from the fuzzer's bytes (byte 0: page size
// and whether to give the page a valid checksum; bytes 1-2: page number
// and a bit to flip; bytes 3-4: how many of the remaining bytes go to the
// start of the page, the rest going to its end, where the tags are), then
// decodes its header and tags, checks every node's bounds, round-trips the
// header and tags, and verifies the checksum and single-bit correction.
func FuzzEsePage(f *testing.F) {
	for _, rel := range []string{"appdata/IndexedDB.edb", "dissect-esedb-testdbs/basic.edb", "goese-qmgr/qmgr.db", "eseparser-testdbs/decompress_test.edb"} {
		b := testcorpus.Head(rel, 8*ese.MaxPageSize) // header pages and pages 1..6
		if len(b) < 240 {
			continue
		}
		ps := int(binary.LittleEndian.Uint32(b[236:]))
		for k, s := range pageSizes {
			for pg := 1; s == ps && pg <= 6 && (pg+2)*ps <= len(b); pg++ {
				f.Add(pageSeed(byte(k), 8, byte(pg), b[(pg+1)*ps:(pg+2)*ps]))
			}
		}
	}
	f.Add([]byte{1, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 5 {
			return
		}
		ps := pageSizes[int(data[0]&7)%len(pageSizes)]
		fixChecksum := data[0]&8 != 0
		pgno := uint32(data[1])
		rest := data[5:]
		nHead := min(int(binary.BigEndian.Uint16(data[3:])), len(rest), ps)
		page := make([]byte, ps)
		copy(page, rest[:nHead])
		tail := rest[nHead:]
		tail = tail[max(0, len(tail)-ps):]
		copy(page[ps-len(tail):], tail)

		h, err := ese.DecodePageHeader(page)
		if err != nil {
			t.Fatal(err)
		}
		hb := make([]byte, ps)
		h.Put(hb)
		if hs := ese.HeaderSize(ps); !bytes.Equal(hb[:hs], page[:hs]) {
			t.Fatal("page header round trip differs")
		}
		tags, err := ese.Tags(page)
		if err == nil {
			cp := bytes.Clone(page)
			for i, tg := range tags {
				nd, err := ese.TagData(page, tg)
				if err != nil {
					t.Fatalf("tag %d accepted by Tags but not TagData: %v", i, err)
				}
				if len(nd) != int(tg.Size) {
					t.Fatal("node length")
				}
				if _, err := ese.NodeData(page, tg); err != nil {
					t.Fatal(err)
				}
				if err := ese.PutTag(cp, i, tg); err != nil {
					t.Fatalf("PutTag(%d, %v): %v", i, tg, err)
				}
			}
			if !bytes.Equal(cp, page) {
				t.Fatal("PutTag of decoded tags changed the page")
			}
		}

		if !fixChecksum {
			_ = ese.CheckPage(page, pgno, 0)
			return
		}
		if ps > 8192 {
			binary.LittleEndian.PutUint32(page[64:], pgno) // PGHDR2 Pgno
		}
		ese.SetPageChecksum(page, pgno)
		if c := ese.CheckPage(page, pgno, 0); c.Status != ese.PageGood {
			t.Fatalf("page with a fresh checksum: %v", c.Status)
		}
		bit := int(binary.LittleEndian.Uint16(data[1:])) % (8 * ps)
		page[bit/8] ^= 1 << (bit % 8)
		flipped := bytes.Clone(page)
		c := ese.CheckPage(page, pgno, 0)
		if !bytes.Equal(page, flipped) {
			t.Fatal("CheckPage modified the page")
		}
		if c.Status == ese.PageCorrectable && c.Bit != bit {
			t.Fatalf("flipped bit %d, 'corrected' bit %d", bit, c.Bit)
		}
		if c.Status == ese.PageGood {
			t.Fatalf("page with bit %d flipped verifies", bit)
		}
	})
}

// FuzzEseIdentify identifies arbitrary bytes. It must not fail on an
// in-memory reader, and the kind must have a CLI name.
func FuzzEseIdentify(f *testing.F) {
	// Checkpoints, logs and flush maps verify within 8 KiB; databases are
	// represented by a 2 KiB-page header pair. Two heads of each kind the
	// corpus has are enough: more only repeat the same paths.
	perKind := map[ese.Kind]int{}
	for _, b := range eseCorpusHeads("*", 8192) {
		if id, err := ese.Identify(bytes.NewReader(b)); err == nil && perKind[id.Kind] < 2 {
			perKind[id.Kind]++
			f.Add(b)
		}
	}
	f.Add(syntheticDBHeader())
	f.Add(make([]byte, 8192))
	f.Add([]byte{0xDA})
	f.Fuzz(func(t *testing.T, data []byte) {
		id, err := ese.Identify(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := ese.ParseKind(id.Kind.String()); !ok || id.Size != int64(len(data)) {
			t.Fatalf("identity %+v", id)
		}
	})
}

// FuzzEseLogName parses arbitrary names; whatever parses must print back
// to a name that parses to the same value.
func FuzzEseLogName(f *testing.F) {
	for _, s := range []string{"edb0000D.log", "E000000000D.jtx", "SRU.log", "edbtmp.log", "edbres00001.jrs", "res1.log", "edb.chk", "USS.jcp", `C:\x\RVN7FFFF7FF.log`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		n, err := ese.ParseLogName(name)
		if err != nil {
			return
		}
		m, err := ese.ParseLogName(n.String())
		if err != nil || m != n {
			t.Fatalf("%q -> %+v -> %q -> %+v, %v", name, n, n.String(), m, err)
		}
	})
}

// FuzzEseScan scans arbitrary bytes as a database with 2 KiB pages (and
// with the page size its header gives, when it has one): every page slot
// is accounted for exactly once.
func FuzzEseScan(f *testing.F) {
	// A 2 KiB-page database: the header pair, an empty page, a page with a
	// valid checksum and tags, and one with a flipped bit.
	db := syntheticDBHeader()
	page := make([]byte, 2048)
	binary.LittleEndian.PutUint32(page[36:], uint32(ese.PageLeaf|ese.PageNewChecksumFormat))
	binary.LittleEndian.PutUint16(page[34:], 1)
	binary.LittleEndian.PutUint16(page[2044:], 16)
	ese.SetPageChecksum(page, 2)
	db = append(db, make([]byte, 2048)...)
	db = append(db, page...)
	bad := bytes.Clone(page)
	bad[1000] ^= 2
	f.Add(append(db, bad...))
	f.Add(db[:len(db)-100])
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, ps := range []int{2048, 0} {
			res, err := ese.ScanDatabase(context.Background(), bytes.NewReader(data), &ese.ScanOptions{PageSize: ps, Workers: 2})
			wantEseError(t, "ScanDatabase", err)
			if err != nil {
				continue
			}
			n := res.Good + res.Uninitialized + res.NotChecksummed + int64(len(res.BadChecksums)+len(res.WrongPageNumbers)+len(res.Correctable))
			if res.TrailerPage != 0 {
				n++
			}
			if n != res.Pages {
				t.Fatalf("%d of %d pages accounted for: %+v", n, res.Pages, res)
			}
		}
	})
}
