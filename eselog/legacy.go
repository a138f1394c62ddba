package eselog

import (
	"io"

	"github.com/esekit/esekit/internal/bin"
	"github.com/esekit/esekit/internal/logfill"
)

// Legacy (7.3704.x) body format constants (docs/logs.md#legacy-format).
const (
	// LRChecksumSize is the size of an LRCHECKSUM record (type 42).
	LRChecksumSize = 22
	// lrckSeed, lrckShortSeed and lrckShadowXor are the range checksum
	// seed, the short checksum seed and the value XORed into the range
	// checksum of a shadow sector's copy.
	lrckSeed      = 0xFEEDBEAF
	lrckShortSeed = 0xDEADC0DE
	lrckShadowXor = 0x5AD05EC7
	// LogExtendPatternSize is the size of the block that legacy writers
	// repeat over unused log space.
	LogExtendPatternSize = logfill.BlockSize
)

// LogExtendPattern returns the 512-byte log-extend fill pattern of legacy
// logs and reserve files (_osu/fileu.cxx ErrOSULogPatternInit): 0xDA
// everywhere except every 16th byte k, which is (0xDA + k) mod 256.
func LogExtendPattern() [LogExtendPatternSize]byte { return logfill.Block }

// IsLogExtendPattern reports whether b consists of the log-extend pattern
// repeated from its start (len(b) should be a multiple of 512).
func IsLogExtendPattern(b []byte) bool { return logfill.Matches(b, 0) }

// lrck is a decoded LRCHECKSUM and its file offset.
type lrck struct {
	off                       int64
	typ                       byte
	back, fwd, next, sum, shr uint32
	useShort                  byte
}

func decodeLRCK(b []byte, off int64) lrck {
	return lrck{off: off, typ: b[0], back: bin.U32(b, 1), fwd: bin.U32(b, 5), next: bin.U32(b, 9),
		sum: bin.U32(b, 13), shr: bin.U32(b, 17), useShort: b[21]}
}

// xorWords is LGChecksum::UlChecksumBytes: seed XOR the little-endian u32
// words of b, a trailing partial word zero-extended in its low bytes.
func xorWords(b []byte, seed uint32) uint32 {
	var acc uint64
	i := 0
	for ; i+8 <= len(b); i += 8 {
		acc ^= bin.U64(b, i)
	}
	s := seed ^ uint32(acc) ^ uint32(acc>>32)
	if i+4 <= len(b) {
		s ^= bin.U32(b, i)
		i += 4
	}
	for k := 0; i < len(b); i, k = i+1, k+1 {
		s ^= uint32(b[i]) << (8 * k)
	}
	return s
}

// rangeChunk is the read size for checksumming long LRCHECKSUM ranges.
const rangeChunk = 64 << 10

// legacyScanner verifies LRCHECKSUM records of one file during Open.
type legacyScanner struct {
	l     *Log
	cbSec int64
	buf   []byte // scratch for range reads
}

// read reads n bytes at off into the scratch buffer (n is bounded by the
// file size, which the caller checked).
func (s *legacyScanner) read(off, n int64) ([]byte, error) {
	if int64(cap(s.buf)) < n {
		s.buf = make([]byte, n)
	}
	b := s.buf[:n]
	if err := s.l.readLegacy(off, b); err != nil {
		return nil, err
	}
	return b, nil
}

// lrckAt reads the LRCHECKSUM-sized bytes at off.
func (s *legacyScanner) lrckAt(off int64) (lrck, bool, error) {
	if off < 0 || off+LRChecksumSize > s.l.Size {
		return lrck{}, false, nil
	}
	b, err := s.read(off, LRChecksumSize)
	if err != nil {
		return lrck{}, false, err
	}
	return decodeLRCK(b, off), true, nil
}

// fields XORs the five trailing fields into a checksum.
func (c lrck) fields(gen int32) uint32 {
	return c.back ^ c.fwd ^ c.next ^ uint32(c.useShort) ^ uint32(gen)
}

// rangeSum is UlComputeChecksum of the record c as if it sat at position
// at (the data are read around at; c.off is where c's bytes were read).
func (s *legacyScanner) rangeSum(c lrck, at int64) (uint32, error) {
	sum := uint32(lrckSeed)
	if c.back > 0 {
		b, err := s.read(at-int64(c.back), int64(c.back))
		if err != nil {
			return 0, err
		}
		sum = xorWords(b, sum)
	}
	// The forward range can span many sectors: XOR it in chunks whose
	// size is a multiple of 4, which keeps the word alignment of the range.
	for off, left := at+LRChecksumSize, int64(c.fwd); left > 0; {
		n := min(left, rangeChunk)
		b, err := s.read(off, n)
		if err != nil {
			return 0, err
		}
		sum = xorWords(b, sum)
		off, left = off+n, left-n
	}
	return sum ^ c.fields(int32(s.l.Header.Generation)), nil
}

// shortSum is UlComputeShortChecksum: the backward range and the rest of
// the record's sector after it.
func (s *legacyScanner) shortSum(c lrck, at int64) (uint32, error) {
	secStart := at - at%s.cbSec
	b, err := s.read(secStart, s.cbSec)
	if err != nil {
		return 0, err
	}
	ib := at - secStart
	sum := xorWords(b[ib-int64(c.back):ib], lrckShortSeed)
	sum = xorWords(b[ib+LRChecksumSize:], sum)
	return sum ^ c.fields(int32(s.l.Header.Generation)), nil
}

// validRecord is FValidLRCKRecord for c sitting at position at.
func (s *legacyScanner) validRecord(c lrck, at int64) (bool, error) {
	cbSec := s.cbSec
	if c.typ != byte(RecChecksum) || int64(c.back) > cbSec-LRChecksumSize {
		return false, nil
	}
	ib := at % cbSec
	if ib+LRChecksumSize > cbSec {
		return false, nil
	}
	// The engine tests cbBackwards against the offset after the short
	// checksum; testing it first gives the same verdict and keeps the
	// checksum's backward range inside the sector.
	if c.back != 0 && int64(c.back) != ib {
		return false, nil
	}
	multi := false
	switch c.useShort {
	case ShortChecksumOn:
		sum, err := s.shortSum(c, at)
		if err != nil || sum != c.shr {
			return false, err
		}
		multi = true
	case ShortChecksumOff:
		if c.shr != 0 {
			return false, nil
		}
	default:
		return false, nil
	}
	if at+LRChecksumSize+int64(c.fwd) > s.l.Size {
		return false, nil
	}
	cbRange := int64(c.back) + LRChecksumSize + int64(c.fwd)
	if cbRange > cbSec {
		if !multi {
			return false, nil
		}
		if cbRange%cbSec != 0 && c.back != 0 {
			return false, nil
		}
	}
	cbRange = ib + LRChecksumSize + int64(c.fwd)
	if cbRange > cbSec {
		if !multi || cbRange%cbSec != 0 {
			return false, nil
		}
	} else if multi {
		return false, nil
	}
	if c.next != 0 {
		if cbRange < cbSec || cbRange%cbSec != 0 {
			return false, nil
		}
		nextAt := at + LRChecksumSize + int64(c.next)
		if nextAt/cbSec != at/cbSec+cbRange/cbSec {
			return false, nil
		}
	}
	return true, nil
}

// validShadow is FValidLRCKShadow: the copy c (read from the sector after
// at's) is a valid single-sector, last-in-chain record whose range checksum
// carries the shadow mark.
func (s *legacyScanner) validShadow(c lrck, at int64) (bool, error) {
	ok, err := s.validRecord(c, c.off)
	if err != nil || !ok || c.useShort != ShortChecksumOff || c.next != 0 {
		return false, err
	}
	sum, err := s.rangeSum(c, c.off)
	if err != nil {
		return false, err
	}
	return sum^lrckShadowXor == c.sum, nil
}

// validShadowAnyNext is FValidLRCKShadowWithoutCheckingCBNext: a valid
// single-sector record carrying the shadow mark, whatever its cbNext.
func (s *legacyScanner) validShadowAnyNext(c lrck) (bool, error) {
	t := c
	t.next = 0 // the structural check ignores where cbNext points
	ok, err := s.validRecord(t, c.off)
	if err != nil || !ok || c.useShort != ShortChecksumOff {
		return false, err
	}
	sum, err := s.rangeSum(c, c.off)
	if err != nil {
		return false, err
	}
	return sum^lrckShadowXor == c.sum, nil
}

// scanLegacy finds the end of valid data of a legacy log the way the
// engine's ErrLGCheckReadLastLogRecordFF_Legacy does (docs/logs.md#legacy-end-of-data):
// it follows the LRCHECKSUM chain from the first data sector, verifying
// each record and its range checksum, checks that only the log-extend
// pattern follows the data, and walks the records of the last range to
// find the last complete record and a closing Term.
func (l *Log) scanLegacy() error {
	h := l.Header
	cbSec := int64(h.SectorSize)
	s := &legacyScanner{l: l, cbSec: cbSec}
	first := int64(h.DataSectors()) * cbSec
	l.States = make([]SegmentState, h.FileSectors)
	for i := 0; i < h.DataSectors(); i++ {
		l.States[i] = SegHeader
	}
	l.End = l.PosAt(first)
	cur := first
	last := int64(-1) // lgposLast: the last LRCHECKSUM of the chain before the end
	var end int64
	for steps := 0; ; steps++ {
		if steps > int(h.FileSectors) {
			return l.corruptAt(cur, "LRCHECKSUM chain does not end")
		}
		c, have, err := s.lrckAt(cur)
		if err != nil {
			return err
		}
		ok := false
		if have {
			if ok, err = s.validRecord(c, cur); err != nil {
				return err
			}
		}
		rangeOK := false
		if ok {
			sum, err := s.rangeSum(c, cur)
			if err != nil {
				return err
			}
			rangeOK = sum == c.sum
		}
		if !ok || !rangeOK {
			return l.legacyBadTail(s, cur, last, c, ok)
		}
		if c.next == 0 {
			end = cur + LRChecksumSize + int64(c.fwd)
			if c.fwd != 0 {
				last = cur
			}
			break
		}
		last = cur
		cur += LRChecksumSize + int64(c.next)
	}
	if last < 0 {
		last = first
	}
	// Only the log-extend pattern may follow the data (the sector right
	// after it is the shadow of a partial last sector and is skipped).
	isec := end / cbSec
	if end%cbSec != 0 {
		isec++
	}
	isec++
	if err := l.checkPatternFrom(s, isec, nil); err != nil {
		return err
	}
	return l.legacyFinish(s, last, end)
}

// checkPatternFrom marks sectors isec.. as holding the log-extend pattern.
// The first sector that does not is corruption: the error notPattern
// returns, or, when notPattern is nil, one naming that sector.
func (l *Log) checkPatternFrom(s *legacyScanner, isec int64, notPattern func() error) error {
	for i := isec; i < int64(l.Header.FileSectors); i++ {
		b, err := s.read(i*s.cbSec, s.cbSec)
		if err != nil {
			return err
		}
		if !IsLogExtendPattern(b) {
			if notPattern != nil {
				return notPattern()
			}
			return l.corrupt(int(i), "sector after the end of data is not the log-extend pattern")
		}
		l.States[i] = SegPattern
	}
	return nil
}

// legacyBadTail handles an LRCHECKSUM that fails its checks at cur: the
// shadow copy in the next sector, or a torn last write followed only by
// the log-extend pattern. Both are repairs the engine makes only when it
// owns the log (soft recovery of edb.log); in read-only use, and here
// without Options.RepairLegacyTail, they are ese.ErrLogFileCorrupt. In a
// hard restore (Options.HardRestore) the engine's rules decide.
func (l *Log) legacyBadTail(s *legacyScanner, cur, last int64, c lrck, recordOK bool) error {
	cbSec := s.cbSec
	cursec := cur / cbSec
	// The engine marks the data as ending at the start of this sector.
	l.End = l.PosAt(cursec * cbSec)
	l.markData(cursec * cbSec)
	if recordOK && c.useShort == ShortChecksumOn {
		// A multi-sector flush whose first sector verified but whose range
		// did not: a torn write if only the pattern follows the range.
		scanFrom := (cur + LRChecksumSize + int64(c.fwd) + cbSec - 1) / cbSec
		if err := l.checkPatternFrom(s, scanFrom, l.corruptFunc(cursec, "LRCHECKSUM range checksum mismatch")); err != nil {
			return err
		}
		if err := l.legacyRepair(int(cursec), "torn multi-sector write (LRCHECKSUM range checksum mismatch)"); err != nil {
			return err
		}
		l.TornWrite = true
		// Data end within the record's own (verified) sector.
		return l.legacyFinish(s, cur, (cursec+1)*cbSec)
	}
	if recordOK && last >= 0 && last/cbSec == cursec-1 && last%cbSec == cur%cbSec {
		// The "record" here is the shadow copy of the previous sector's
		// single-sector flush: the process stopped after rewriting that
		// sector (now pointing here) and before writing this one. The
		// data end with the previous sector (fSkipScanAndApplyPatch).
		ok, err := s.validShadow(c, cur)
		if err != nil {
			return err
		}
		if ok {
			if err := l.legacyRepair(int(cursec), "torn write: the next flush's sector still holds the previous shadow"); err != nil {
				return err
			}
			l.TornWrite = true
			return l.legacyFinish(s, last, cursec*cbSec)
		}
	}
	tookJump := recordOK
	// Try the shadow of this sector in the next one.
	if sc, have, err := s.lrckAt(cur + cbSec); err != nil {
		return err
	} else if have {
		ok, err := s.validShadow(sc, cur)
		if err != nil {
			return err
		}
		if ok {
			if err := l.legacyRepair(int(cursec), "torn write: LRCHECKSUM invalid, its shadow sector is valid"); err != nil {
				return err
			}
			l.TornWrite = true
			l.legacyShadowAt = int(cursec)
			end := cur + LRChecksumSize + int64(sc.fwd)
			if sc.fwd != 0 || last < 0 {
				last = cur
			}
			if err := l.checkPatternFrom(s, (end+cbSec-1)/cbSec+1, nil); err != nil {
				return err
			}
			return l.legacyFinish(s, last, end)
		}
	}
	if !tookJump && last >= 0 && cursec == last/cbSec+1 {
		// Single-sector torn write: this sector holds the shadow of the
		// last good LRCHECKSUM's sector, so the next LRCHECKSUM was never
		// written. The data end with the previous sector; after the shadow
		// only the pattern may follow.
		sc, have, err := s.lrckAt(last + cbSec)
		if err != nil {
			return err
		}
		if have {
			ok, err := s.validShadowAnyNext(sc)
			if err != nil {
				return err
			}
			if ok {
				if err := l.checkPatternFrom(s, cursec+1, l.corruptFunc(cursec, "single-sector torn write followed by data")); err != nil {
					return err
				}
				if err := l.legacyRepair(int(cursec), "single-sector torn write"); err != nil {
					return err
				}
				l.TornWrite = true
				l.States[cursec] = SegTail
				return l.legacyFinish(s, last, cursec*cbSec)
			}
		}
	}
	// A torn write leaves only the pattern after this sector.
	if err := l.checkPatternFrom(s, cursec, l.corruptFunc(cursec, "invalid LRCHECKSUM record and no valid shadow")); err != nil {
		return err
	}
	if err := l.legacyRepair(int(cursec), "torn write: invalid LRCHECKSUM followed by the log-extend pattern"); err != nil {
		return err
	}
	l.TornWrite = true
	if last < 0 {
		return nil // nothing before the tear
	}
	return l.legacyFinish(s, last, cursec*cbSec)
}

// corruptFunc returns a function giving the corruption error msg for
// sector isec, for checkPatternFrom.
func (l *Log) corruptFunc(isec int64, msg string) func() error {
	return func() error { return l.corrupt(int(isec), "%s", msg) }
}

// legacyRepair decides whether a torn legacy tail may be repaired: in a
// hard restore as the engine decides (tornRefused), otherwise only with
// Options.RepairLegacyTail.
func (l *Log) legacyRepair(isec int, what string) error {
	if l.opts.HardRestore != nil {
		return l.tornRefused(isec)
	}
	if !l.opts.RepairLegacyTail {
		return l.corrupt(isec, "%s", what)
	}
	return nil
}

// markData marks the sectors [first data sector, end) as holding data and
// the sectors after it (not yet marked) as tail.
func (l *Log) markData(end int64) {
	cbSec := int64(l.Header.SectorSize)
	for i := l.Header.DataSectors(); i < len(l.States); i++ {
		switch {
		case int64(i)*cbSec < end:
			l.States[i] = SegData
		case l.States[i] == SegUnscanned:
			l.States[i] = SegTail
		}
	}
}

// legacyFinish walks the records from the LRCHECKSUM at last to end like
// the engine's final record scan: the last record that ends inside the data
// sets End, and a Term/Term2/RecoveryQuit not followed by other records
// (NOP and LRCHECKSUM aside) means the log was closed normally.
func (l *Log) legacyFinish(s *legacyScanner, last, end int64) error {
	cbSec := s.cbSec
	cur := last + LRChecksumSize
	c, _, err := s.lrckAt(last)
	if err != nil {
		return err
	}
	next := int64(0)
	if c.next != 0 {
		next = last + LRChecksumSize + int64(c.next)
		nc, have, err := s.lrckAt(next)
		if err != nil {
			return err
		}
		ok := false
		if have {
			if ok, err = s.validRecord(nc, next); err != nil {
				return err
			}
		}
		if !ok || int64(nc.back) == next%cbSec || next >= end {
			next = 0
		}
	}
	got := false
	var term int64
	var t RecordType
	jump := func(need int64) bool { return next != 0 && (cur+need)/cbSec == next/cbSec }
	for cur < end {
		if cur+1 > end {
			break
		}
		if jump(1) {
			cur, next = next, 0
			continue
		}
		b, err := s.read(cur, 1)
		if err != nil {
			return err
		}
		t = RecordType(b[0])
		if !t.Valid() {
			l.markData(cur)
			l.End = l.PosAt(cur)
			return l.corruptAt(cur, "invalid record type %d", b[0])
		}
		need := int64(FixedSize(t))
		if cur+need > end {
			break
		}
		if jump(need) {
			cur, next = next, 0
			continue
		}
		if b, err = s.read(cur, need); err != nil {
			return err
		}
		sz, err := RecordSize(b)
		if err != nil {
			l.markData(cur)
			l.End = l.PosAt(cur)
			return l.corruptAt(cur, "%v", err)
		}
		need = int64(sz)
		if cur+need > end {
			break
		}
		if jump(need) {
			cur, next = next, 0
			continue
		}
		switch t {
		case RecTerm, RecTerm2, RecRecoveryQuit, RecRecoveryQuit2:
			got, term = true, cur
		case RecNOP, RecChecksum:
		default:
			got = false
		}
		cur += need
	}
	if cur > end {
		cur = end
	}
	l.End = l.PosAt(cur)
	l.ClosedNormally = got
	if got {
		l.LastTerm = l.PosAt(term)
	}
	l.markData(cur)
	return nil
}

// readLegacy reads file bytes at off into b, with the sector the scan
// replaced by its shadow taken from the shadow.
func (l *Log) readLegacy(off int64, b []byte) error {
	if err := l.readFull(off, b); err != nil {
		return err
	}
	if l.legacyShadowAt >= 0 {
		cbSec := int64(l.Header.SectorSize)
		s := int64(l.legacyShadowAt) * cbSec
		lo, hi := max(off, s), min(off+int64(len(b)), s+cbSec)
		if lo < hi {
			return l.readFull(lo+cbSec, b[lo-off:hi-off])
		}
	}
	return nil
}

// legacyCursor walks the records of a legacy log the way the engine's
// ErrLGGetNextRecFF_Legacy does: records follow each other in one byte
// stream; when a record does not fit in the current LRCHECKSUM's range the
// next LRCHECKSUM is fetched, and when that one does not continue the
// stream (its backward range does not start at its sector) the reader jumps
// to it. Runs of 0x00 NOP bytes are consumed, not returned.
type legacyCursor struct {
	l       *Log
	end     int64
	first   int64
	started bool
	pbNext  int64
	size    int64 // size of the record at pbNext
	ck      lrck  // m_pbLastChecksum
	win     []byte
	winOff  int64
	big     []byte
	prevNOP bool
}

// legacyWindow is the read window of the legacy cursor.
const legacyWindow = 64 << 10

func newLegacyCursor(l *Log) *legacyCursor {
	first := int64(l.Header.DataSectors()) * int64(l.Header.SectorSize)
	return &legacyCursor{l: l, end: l.endOffset(), first: first, winOff: -1}
}

// bytesAt returns the n file bytes at off (off+n ≤ end), valid until the
// next call.
func (c *legacyCursor) bytesAt(off, n int64) ([]byte, error) {
	if c.winOff >= 0 && off >= c.winOff && off+n <= c.winOff+int64(len(c.win)) {
		return c.win[off-c.winOff : off-c.winOff+n], nil
	}
	if n > legacyWindow/2 {
		if int64(cap(c.big)) < n {
			c.big = make([]byte, n)
		}
		b := c.big[:n]
		if err := c.l.readLegacy(off, b); err != nil {
			return nil, err
		}
		return b, nil
	}
	w := min(int64(legacyWindow), c.l.Size-off)
	if c.win == nil {
		c.win = make([]byte, legacyWindow)
	}
	c.winOff = -1
	if err := c.l.readLegacy(off, c.win[:w]); err != nil {
		return nil, err
	}
	c.win = c.win[:w]
	c.winOff = off
	return c.win[:n], nil
}

func (c *legacyCursor) readCk(off int64) error {
	b, err := c.bytesAt(off, LRChecksumSize)
	if err != nil {
		return err
	}
	c.ck = decodeLRCK(b, off)
	return nil
}

func (c *legacyCursor) next(a *accounting, out *RawRecord) error {
	for {
		r, err := c.step(a)
		if err != nil {
			return err
		}
		if r.Type == RecNOP {
			a.nop++
			if !c.prevNOP {
				a.nopRuns++
			}
			c.prevNOP = true
			continue
		}
		c.prevNOP = false
		a.records += int64(len(r.Bytes))
		*out = r
		return nil
	}
}

// step returns the next record, NOPs included. Like the engine it ends
// quietly (io.EOF) when the next record would run past the end of data;
// the bytes left are counted in a.unread.
func (c *legacyCursor) step(a *accounting) (RawRecord, error) {
	if !c.started {
		c.started = true
		if c.end < c.first+LRChecksumSize {
			a.unread = max(0, c.end-c.first)
			return RawRecord{}, io.EOF
		}
		if err := c.readCk(c.first); err != nil {
			return RawRecord{}, err
		}
		c.pbNext, c.size = c.first, LRChecksumSize
		return c.record(c.first, LRChecksumSize)
	}
	if c.pbNext >= c.end {
		return RawRecord{}, io.EOF
	}
	c.pbNext += c.size
	if c.pbNext >= c.end {
		return RawRecord{}, io.EOF
	}
	ckEnd := c.ck.off + LRChecksumSize + int64(c.ck.fwd)
	avail := uint64(ckEnd - c.pbNext) // wraps like the engine's UINT when negative
	need := int64(1)
	for it := 0; it < 3; it++ {
		if it > 0 {
			hb, err := c.bytesAt(c.pbNext, min(8, c.end-c.pbNext))
			if err != nil {
				return RawRecord{}, err
			}
			t := RecordType(hb[0])
			if t >= RecTypeMax || !t.Valid() {
				return RawRecord{}, c.l.corruptAt(c.pbNext, "invalid record type %d", hb[0])
			}
			if it == 1 {
				need = int64(FixedSize(t))
			} else {
				if c.pbNext+need > c.end {
					a.unread = c.end - c.pbNext
					return RawRecord{}, io.EOF
				}
				b, err := c.bytesAt(c.pbNext, need)
				if err != nil {
					return RawRecord{}, err
				}
				n, err := RecordSize(b)
				if err != nil {
					return RawRecord{}, c.l.corruptAt(c.pbNext, "%v", err)
				}
				need = int64(n)
			}
		}
		if c.pbNext+need > c.end {
			a.unread = c.end - c.pbNext
			return RawRecord{}, io.EOF
		}
		if avail < uint64(need) {
			// ErrLGIGetNextChecksumFF.
			if c.ck.next == 0 {
				return RawRecord{}, c.l.corruptAt(c.pbNext, "record runs past the last LRCHECKSUM range")
			}
			nextCk := c.ck.off + LRChecksumSize + int64(c.ck.next)
			if nextCk < c.pbNext {
				return RawRecord{}, c.l.corruptAt(c.pbNext, "record overlaps the next LRCHECKSUM at offset %d", nextCk)
			}
			if nextCk+LRChecksumSize > c.end {
				a.unread = c.end - c.pbNext
				return RawRecord{}, io.EOF
			}
			if err := c.readCk(nextCk); err != nil {
				return RawRecord{}, err
			}
			if int64(c.ck.back) != nextCk%int64(c.l.Header.SectorSize) {
				// The stream resumes at the LRCHECKSUM itself.
				a.gap += nextCk - c.pbNext
				c.pbNext, c.size = nextCk, LRChecksumSize
				return c.record(nextCk, LRChecksumSize)
			}
			avail = uint64(nextCk - c.pbNext)
			if avail == 0 {
				avail = LRChecksumSize
			}
		}
	}
	c.size = need
	return c.record(c.pbNext, need)
}

func (c *legacyCursor) record(off, n int64) (RawRecord, error) {
	b, err := c.bytesAt(off, n)
	if err != nil {
		return RawRecord{}, err
	}
	return RawRecord{Type: RecordType(b[0]), Pos: c.l.PosAt(off), Offset: off, Bytes: b}, nil
}
