package eselog

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/esekit/esekit/ese"
)

// FileStatus says what the set scanner made of one file.
type FileStatus string

// File statuses.
const (
	StatusMember     FileStatus = "member"     // a generation of the set, found by the engine under its name
	StatusForeign    FileStatus = "foreign"    // a log of another log stream (another signature)
	StatusMisnamed   FileStatus = "misnamed"   // a log of the set whose name is not its generation's name
	StatusDuplicate  FileStatus = "duplicate"  // a second file holding a generation already in the set
	StatusStale      FileStatus = "stale"      // a temp or reserve log carrying a recycled header; not part of the set
	StatusUnused     FileStatus = "unused"     // a pre-formatted reserve/temp log without a header (zero or pattern filled)
	StatusCeiling    FileStatus = "ceiling"    // an archived log above the current log: never replayed, blocks new logs
	StatusNotALog    FileStatus = "not-a-log"  // no valid log header (corrupt, or another file type)
	StatusIgnored    FileStatus = "ignored"    // a log-named file of another base name
	StatusUnreadable FileStatus = "unreadable" // the file could not be read
)

// SetFile is one file of a scanned log folder.
type SetFile struct {
	// File is the file name inside the folder.
	File string `json:"file"`
	// Role is what the name says (current, archived, temp, reserve, other).
	Role FileRole `json:"role"`
	// NameGeneration is the generation an archived name carries.
	NameGeneration ese.Generation `json:"name_generation,omitempty"`
	// Generation is the generation in the header (lGeneration, offset 4);
	// 0 when the file has no valid log header.
	Generation ese.Generation `json:"generation"`
	// Size is the file size in bytes.
	Size int64 `json:"size"`
	// Format is the log version, e.g. "8.4000.60.140"; "" without header.
	Format string `json:"format,omitempty"`
	// Signature is the log stream signature (offset 44).
	Signature ese.Signature `json:"-"`
	// Created and PrevCreated are tmCreate and tmPrevGen (offsets 16, 24).
	Created     ese.LogTime `json:"-"`
	PrevCreated ese.LogTime `json:"-"`
	// Flags is fLGFlags (offset 639).
	Flags uint8 `json:"flags"`
	// PrevAccumulated is the previous generation's accumulated segment
	// checksum (offset 653).
	PrevAccumulated uint64 `json:"-"`
	// SectorSize and FileSectors give the expected file size.
	SectorSize  uint16 `json:"sector_size,omitempty"`
	FileSectors uint16 `json:"file_sectors,omitempty"`
	// Attached is the header's list of attached databases.
	Attached []ese.AttachInfo `json:"-"`
	// Header is the decoded log header, nil when the file has none.
	Header *FileHeader `json:"-"`
	// Status is the scanner's verdict on the file.
	Status FileStatus `json:"status"`
	// Note explains Status in words.
	Note string `json:"note,omitempty"`
	// Err is why the header did not decode, when it did not.
	Err error `json:"-"`

	// open reopens the file for body checks; nil when the set was built
	// from headers alone.
	open func() (io.ReaderAt, io.Closer, error)
	body *bodyInfo
}

// bodyInfo caches what the body scan of a log found.
type bodyInfo struct {
	acc      uint64     // accumulated segment checksum (modern logs)
	closed   bool       // the last record is Term/Term2/RecoveryQuit
	lastTerm ese.LogPos // that record's position
	end      ese.LogPos // the end of valid data (lgposLastRec)
	tailErr  error      // corruption found by the tail scan
	// closeKnown says closed and lastTerm were computed (the current
	// log's scan, or any legacy log's).
	closeKnown bool
	err        error // the file could not be opened or scanned at all
}

// HasHeader reports whether the file carries a valid log header.
func (f *SetFile) HasHeader() bool { return f.Generation > 0 }

// CircularLogging reports whether the header says circular logging is on.
func (f *SetFile) CircularLogging() bool { return f.Flags&LogFlagCircularLogging != 0 }

// GenRange is an inclusive range of log generations.
type GenRange struct {
	Low  ese.Generation `json:"low"`
	High ese.Generation `json:"high"`
}

// Count returns the number of generations in r (0 when High < Low).
func (r GenRange) Count() int64 {
	if r.High < r.Low {
		return 0
	}
	return int64(r.High) - int64(r.Low) + 1
}

func (r GenRange) String() string {
	if r.Low == r.High {
		return fmt.Sprintf("0x%X", r.Low)
	}
	return fmt.Sprintf("0x%X-0x%X", r.Low, r.High)
}

// CurrentLog names the current log (edb.log, SRU.log, USS.jtx...).
type CurrentLog struct {
	File       string         `json:"file"`
	Generation ese.Generation `json:"generation"`
}

// Problem kinds, stable for programs.
const (
	ProblemGap             = "gap"
	ProblemDuplicate       = "duplicate"
	ProblemForeign         = "foreign"
	ProblemNameMismatch    = "name-mismatch"
	ProblemChain           = "chain"
	ProblemChecksumChain   = "checksum-chain"
	ProblemCurrentMissing  = "current-missing"
	ProblemCurrentMismatch = "current-generation"
	ProblemCeiling         = "ceiling"
	ProblemCircular        = "circular"
	ProblemCorrupt         = "corrupt"
	ProblemSizeMismatch    = "size-mismatch"
	ProblemStaleTemp       = "stale-temp"
	ProblemMixedFormat     = "mixed-format"
	ProblemNoLogs          = "no-logs"
)

// Problem is one finding about a log set.
type Problem struct {
	// Kind is one of the Problem* constants.
	Kind string `json:"kind"`
	// Code is the JET error the engine would raise for it, or 0 when the
	// finding does not stop recovery.
	Code ese.Error `json:"error"`
	// Files are the files involved.
	Files []string `json:"files,omitempty"`
	// Generations are the generations involved.
	Generations []ese.Generation `json:"generations,omitempty"`
	// Message says what is wrong.
	Message string `json:"message"`
	// Remedy says what KB Q296787's procedures do about it, when they say.
	Remedy string `json:"remedy,omitempty"`
}

// Set is a scanned folder of log files: the generations of one log stream,
// identified by the bytes of their headers, and what stands in the way of
// replaying them. Field names map to the JSON of `esekit check`. A Set
// caches what body scans find, so it is not safe for concurrent use.
type Set struct {
	// Base is the three-character base name ("edb", "SRU", "USS").
	Base string `json:"base"`
	// Ext is the log extension in use, ".log" or ".jtx".
	Ext string `json:"ext"`
	// Signature is the log stream signature the set was built around.
	Signature ese.Signature `json:"-"`
	// SignatureText is Signature in the engine's print form.
	SignatureText string `json:"signature"`
	// Files lists every file looked at, sorted by name.
	Files []*SetFile `json:"files"`
	// Generations is the sorted list of generations present as members
	// (the current log included).
	Generations []ese.Generation `json:"generations"`
	// Gaps are the ranges of generations missing between the lowest member
	// and the current log (or the highest member).
	Gaps []GenRange `json:"gaps"`
	// Foreign lists files that are logs of another log stream.
	Foreign []string `json:"foreign"`
	// Current is the current log, nil when there is none.
	Current *CurrentLog `json:"current"`
	// TempLog names a <base>tmp file, present or not a member.
	TempLog string `json:"temp_log,omitempty"`
	// Circular reports that circular logging is on in the set: logs are
	// deleted as the checkpoint passes them, so an offline roll-forward
	// from an older backup is impossible (KB Q296787).
	Circular bool `json:"circular"`
	// Problems are the findings, in the order the engine would meet them.
	Problems []Problem `json:"problems"`

	byGen map[ese.Generation]*SetFile
	// byNameGen maps the generation in an archived name to its file, as
	// the engine finds files.
	byNameGen map[ese.Generation]*SetFile
}

// ScanOptions tune ScanFS.
type ScanOptions struct {
	// Base selects the base name when the folder holds logs of several
	// (case-insensitive). Empty: the base of the current log, else the one
	// with the most logs.
	Base string
	// Signature, when non-nil, is the log stream the set is built around
	// (for example a database's log signature). Otherwise the current
	// log's signature is used, else the most common one.
	Signature *ese.Signature
}

// ScanDir scans the log folder at dir on the operating system's file system.
func ScanDir(dir string, opts *ScanOptions) (*Set, error) {
	return ScanFS(os.DirFS(dir), ".", opts)
}

// ScanFS scans the folder dir of fsys (not its subfolders). Every regular
// file is identified by its bytes: only a valid log header makes a file a
// log, whatever its name. Headers are read first (4096 bytes a file); the
// bodies of member logs are scanned only when a check needs them (the
// accumulated-checksum chain, -590; tail corruption, -501), and only when
// fsys files implement io.ReaderAt (os.DirFS and fstest.MapFS do). Files
// are read on up to GOMAXPROCS goroutines at once, so fsys must allow
// concurrent use (os.DirFS and fstest.MapFS do). It
// returns an error only when the folder cannot be listed; everything wrong
// with the files is in Set.Problems.
func ScanFS(fsys fs.FS, dir string, opts *ScanOptions) (*Set, error) {
	if opts == nil {
		opts = &ScanOptions{}
	}
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		if e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	files := make([]*SetFile, len(names))
	forEachParallel(len(names), func() func(int) {
		buf := make([]byte, HeaderSize)
		return func(i int) { files[i] = readSetFile(fsys, path.Join(dir, names[i]), names[i], buf) }
	})
	return buildSet(files, opts), nil
}

// forEachParallel calls the function newWorker returns for every index
// below n, on up to GOMAXPROCS goroutines, each with its own function (and
// so its own buffers). Indexes are handed out in order.
func forEachParallel(n int, newWorker func() func(int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		if n > 0 {
			work := newWorker()
			for i := range n {
				work(i)
			}
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work := newWorker()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				work(i)
			}
		}()
	}
	wg.Wait()
}

// readSetFile reads the header of one file into buf (HeaderSize bytes,
// reused by the caller). Only the first 4096 bytes are read, whatever the
// file's size.
func readSetFile(fsys fs.FS, full, name string, buf []byte) *SetFile {
	f := &SetFile{File: name}
	ln := parseLogName(name)
	f.Role = ln.Role
	f.NameGeneration = ln.Gen
	fh, err := fsys.Open(full)
	if err != nil {
		f.Status, f.Err, f.Note = StatusUnreadable, err, err.Error()
		return f
	}
	defer fh.Close()
	if st, err := fh.Stat(); err == nil {
		f.Size = st.Size()
	}
	n, err := io.ReadFull(fh, buf[:HeaderSize])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		f.Status, f.Err, f.Note = StatusUnreadable, err, err.Error()
		return f
	}
	h, herr := decodeSetHeader(buf[:n])
	if herr != nil {
		f.Err = herr
		return f
	}
	f.applyHeader(h)
	f.open = func() (io.ReaderAt, io.Closer, error) {
		fh, err := fsys.Open(full)
		if err != nil {
			return nil, nil, err
		}
		ra, ok := fh.(io.ReaderAt)
		if !ok {
			fh.Close()
			return nil, nil, errors.New("eselog: file system does not give random access")
		}
		return ra, fh, nil
	}
	return f
}

// NewSetFile describes a file from its name, size and first 4096 bytes,
// for BuildSet callers that do not read from an fs.FS.
func NewSetFile(name string, size int64, head []byte) *SetFile {
	f := &SetFile{File: name, Size: size}
	ln := parseLogName(name)
	f.Role, f.NameGeneration = ln.Role, ln.Gen
	h, err := decodeSetHeader(head)
	if err != nil {
		f.Err = err
		return f
	}
	f.applyHeader(h)
	return f
}

func (f *SetFile) applyHeader(h *FileHeader) {
	f.Header = h
	f.Generation = h.Generation
	f.Format = h.Version()
	f.Signature = h.LogSignature
	f.Created = h.CreateTime
	f.PrevCreated = h.PrevGenCreateTime
	f.Flags = h.LogFlags
	f.PrevAccumulated = h.PrevLogAccumulatedChecksum
	f.SectorSize = h.SectorSize
	f.FileSectors = h.FileSectors
	f.Attached = h.Attached
}

// scanBody opens the log body once (tail scan, accumulated checksum) and
// caches the outcome. current says the file is the current log, whose torn
// legacy tail the engine repairs and whose clean close the replay walk
// asks about.
func (f *SetFile) scanBody(current bool) *bodyInfo {
	return f.scanBodyWith(current, nil)
}

// scanBodyWith is scanBody with the tail scan's buffers lent by sc (nil:
// allocated).
func (f *SetFile) scanBodyWith(current bool, sc *scanScratch) *bodyInfo {
	if f.body != nil && (f.body.closeKnown || !current) {
		return f.body
	}
	f.body = &bodyInfo{closeKnown: current}
	if f.open == nil {
		f.body.err = errors.New("eselog: no access to the file body")
		return f.body
	}
	r, c, err := f.open()
	if err != nil {
		f.body.err = err
		return f.body
	}
	defer c.Close()
	if sc == nil {
		sc = &scanScratch{}
	}
	// Only the current log's clean close matters to the checks.
	sc.skipClose, sc.once = !current, true
	h := f.Header
	if h == nil {
		if h, err = ReadFileHeader(r); err != nil {
			f.body.err = err
			return f.body
		}
	}
	l, err := openWithHeader(r, f.Size, h, Options{AllowCorruptTail: true, RepairLegacyTail: current}, sc)
	if err != nil {
		f.body.err = err
		return f.body
	}
	f.body.acc, f.body.tailErr = l.AccumulatedChecksum, l.TailErr
	f.body.closed, f.body.lastTerm, f.body.end = l.ClosedNormally, l.LastTerm, l.End
	f.body.closeKnown = current || h.Legacy()
	return f.body
}

// scanBodies scans the bodies of the members on several goroutines, each
// with its own buffers, before the checks ask for them one by one.
func (s *Set) scanBodies() {
	var todo []*SetFile
	for _, g := range s.Generations {
		if f := s.byGen[g]; f.open != nil && f.body == nil {
			todo = append(todo, f)
		}
	}
	forEachParallel(len(todo), func() func(int) {
		sc := &scanScratch{}
		return func(i int) {
			f := todo[i]
			f.scanBodyWith(s.Current != nil && f.File == s.Current.File, sc)
		}
	})
}

// BuildSet builds a set from files whose headers have already been read
// (for callers that do not read from an fs.FS). Status fields are
// recomputed.
func BuildSet(files []*SetFile, opts *ScanOptions) *Set {
	if opts == nil {
		opts = &ScanOptions{}
	}
	return buildSet(files, opts)
}

func buildSet(files []*SetFile, opts *ScanOptions) *Set {
	sort.Slice(files, func(i, j int) bool { return files[i].File < files[j].File })
	s := &Set{Files: files, byGen: map[ese.Generation]*SetFile{}, byNameGen: map[ese.Generation]*SetFile{}}
	s.Generations, s.Gaps, s.Foreign, s.Problems = []ese.Generation{}, []GenRange{}, []string{}, []Problem{}

	// 1. The base name: asked for, else the current log's, else the most
	// common among files that are logs by their bytes.
	s.Base, s.Ext = chooseBase(files, opts.Base)

	// 2. The reference signature.
	var cur *SetFile
	for _, f := range files {
		ln := parseLogName(f.File)
		if ln.Role == RoleCurrent && strings.EqualFold(ln.Base, s.Base) && strings.EqualFold(ln.Ext, s.Ext) {
			cur = f
		}
	}
	switch {
	case opts.Signature != nil:
		s.Signature = *opts.Signature
	case cur != nil && cur.HasHeader():
		s.Signature = cur.Signature
	default:
		s.Signature = commonSignature(files, s.Base)
	}
	s.SignatureText = s.Signature.String()

	// 3. Classify every file.
	for _, f := range files {
		s.classify(f)
	}
	s.pickMembers(cur)
	s.checkChain()
	return s
}

func chooseBase(files []*SetFile, want string) (string, string) {
	type cnt struct {
		base, ext string
		n         int
		cur       bool
	}
	var order []string
	counts := map[string]*cnt{}
	for _, f := range files {
		ln := parseLogName(f.File)
		if ln.Base == "" || ln.Ext == ".jrs" {
			continue
		}
		k := strings.ToLower(ln.Base + ln.Ext)
		c := counts[k]
		if c == nil {
			c = &cnt{base: ln.Base, ext: ln.Ext}
			counts[k] = c
			order = append(order, k)
		}
		if f.HasHeader() {
			c.n++
		}
		if ln.Role == RoleCurrent {
			c.cur = true
			c.base = ln.Base // prefer the spelling of the current log
		}
	}
	if want != "" {
		for _, k := range order {
			if strings.EqualFold(counts[k].base, want) {
				return counts[k].base, counts[k].ext
			}
		}
		return want, ".log"
	}
	var best *cnt
	for _, k := range order {
		c := counts[k]
		if best == nil || (c.cur && !best.cur) || (c.cur == best.cur && c.n > best.n) {
			best = c
		}
	}
	if best == nil {
		return "edb", ".log"
	}
	return best.base, best.ext
}

// commonSignature is the signature most logs of base carry; ties go to the
// stream holding the highest generation.
func commonSignature(files []*SetFile, base string) ese.Signature {
	type cnt struct {
		n   int
		max ese.Generation
	}
	m := map[ese.Signature]*cnt{}
	var best ese.Signature
	var bc *cnt
	for _, f := range files {
		ln := parseLogName(f.File)
		if !f.HasHeader() || !strings.EqualFold(ln.Base, base) || (ln.Role != RoleArchived && ln.Role != RoleCurrent) {
			continue
		}
		c := m[f.Signature]
		if c == nil {
			c = &cnt{}
			m[f.Signature] = c
		}
		c.n++
		c.max = max(c.max, f.Generation)
		if bc == nil || c.n > bc.n || (c.n == bc.n && c.max > bc.max) {
			best, bc = f.Signature, c
		}
	}
	return best
}

func (s *Set) inBase(ln logName) bool {
	if ln.Role == RoleReserve && ln.Base == "" {
		return true // res1.log, res2.log
	}
	if !strings.EqualFold(ln.Base, s.Base) {
		return false
	}
	return ln.Ext == ".jrs" || strings.EqualFold(ln.Ext, s.Ext)
}

// classify gives every file a first status; members are chosen afterwards.
func (s *Set) classify(f *SetFile) {
	ln := parseLogName(f.File)
	if f.Status == StatusUnreadable {
		return
	}
	if ln.Role != RoleOther && !s.inBase(ln) {
		f.Status = StatusIgnored
		f.Note = "log-folder name of another base name or extension"
		return
	}
	switch ln.Role {
	case RoleTemp, RoleReserve:
		if ln.Role == RoleTemp {
			s.TempLog = f.File
		}
		if !f.HasHeader() {
			f.Status = StatusUnused
			f.Note = "pre-formatted log without a header (zero or pattern filled)"
			return
		}
		f.Status = StatusStale
		f.Note = fmt.Sprintf("carries a recycled header of generation 0x%X; a %s log is not part of the set", f.Generation, ln.Role)
		return
	}
	if !f.HasHeader() {
		f.Status = StatusNotALog
		if f.Err != nil {
			f.Note = f.Err.Error()
		}
		if ln.Role == RoleArchived || ln.Role == RoleCurrent {
			code := ese.ErrLogFileCorrupt
			if errors.Is(f.Err, ese.ErrBadLogVersion) {
				code = ese.ErrBadLogVersion
			}
			s.add(Problem{Kind: ProblemCorrupt, Code: code, Files: []string{f.File},
				Message: fmt.Sprintf("%s has a log name but no valid log header: %s", f.File, f.Note),
				Remedy:  "move it aside; restore that generation from a backup"})
		}
		return
	}
	if !f.Signature.Equal(s.Signature) {
		f.Status = StatusForeign
		f.Note = "log of another log stream: " + f.Signature.String()
		s.Foreign = append(s.Foreign, f.File)
		return
	}
	switch ln.Role {
	case RoleArchived:
		if ln.Gen != f.Generation {
			f.Status = StatusMisnamed
			f.Note = fmt.Sprintf("name says generation 0x%X, header says 0x%X", ln.Gen, f.Generation)
			return
		}
		f.Status = StatusMember
	case RoleCurrent:
		f.Status = StatusMember
	default:
		f.Status = StatusMisnamed
		f.Note = fmt.Sprintf("a log of generation 0x%X under a name the engine does not look for", f.Generation)
	}
}

func (s *Set) add(p Problem) { s.Problems = append(s.Problems, p) }

// pickMembers settles duplicates, the current-log rule and the ceiling,
// then lists generations and gaps.
func (s *Set) pickMembers(cur *SetFile) {
	// Archived members by generation; duplicates are reported.
	for _, f := range s.Files {
		ln := parseLogName(f.File)
		if ln.Role == RoleArchived && s.inBase(ln) {
			if o, ok := s.byNameGen[ln.Gen]; !ok || (o.Status != StatusMember && f.Status == StatusMember) {
				s.byNameGen[ln.Gen] = f
			}
		}
		if f.Status != StatusMember || ln.Role != RoleArchived {
			continue
		}
		if o := s.byGen[f.Generation]; o != nil {
			f.Status = StatusDuplicate
			f.Note = "generation already held by " + o.File
			s.add(Problem{Kind: ProblemDuplicate, Code: 0, Files: []string{o.File, f.File}, Generations: []ese.Generation{f.Generation},
				Message: fmt.Sprintf("generation 0x%X is held by two files", f.Generation), Remedy: "keep one, move the other aside"})
			continue
		}
		s.byGen[f.Generation] = f
	}
	// Logs named for another generation.
	for _, f := range s.Files {
		if f.Status != StatusMisnamed {
			continue
		}
		want := archivedName(s.Base, s.Ext, f.Generation, 5)
		rem := fmt.Sprintf("rename %s to %s", f.File, want)
		if s.byGen[f.Generation] != nil {
			rem = fmt.Sprintf("generation 0x%X is already present as %s: move %s aside", f.Generation, s.byGen[f.Generation].File, f.File)
		}
		code := ese.ErrLogGenerationMismatch
		s.add(Problem{Kind: ProblemNameMismatch, Code: code, Files: []string{f.File}, Generations: []ese.Generation{f.Generation},
			Message: fmt.Sprintf("%s holds generation 0x%X (%s)", f.File, f.Generation, f.Note), Remedy: rem})
	}

	highest := ese.Generation(0)
	for g := range s.byGen {
		highest = max(highest, g)
	}
	// The current log (KB Q296787, roll-forward steps 6 and 7).
	switch {
	case cur == nil:
		if highest > 0 {
			code := ese.ErrMissingLogFile
			msg := fmt.Sprintf("the current log %s%s is missing", s.Base, s.Ext)
			if s.TempLog != "" {
				code = 0
				msg += fmt.Sprintf("; %s exists, so the engine assumes a crash during log rollover and ends replay at generation 0x%X", s.TempLog, highest)
			}
			s.add(Problem{Kind: ProblemCurrentMissing, Code: code, Generations: []ese.Generation{highest}, Message: msg,
				Remedy: fmt.Sprintf("for an offline roll-forward, rename the highest numbered log %s to %s%s (KB Q296787, roll-forward step 7)",
					s.byGen[highest].File, s.Base, s.Ext)})
		}
	case cur.Status == StatusMember:
		if o := s.byGen[cur.Generation]; o != nil {
			s.add(Problem{Kind: ProblemCurrentMismatch, Code: ese.ErrInvalidLogSequence, Files: []string{cur.File, o.File}, Generations: []ese.Generation{cur.Generation},
				Message: fmt.Sprintf("%s has generation 0x%X, the same as %s; it must be one above the highest numbered log", cur.File, cur.Generation, o.File),
				Remedy:  fmt.Sprintf("remove (move aside) %s, then rename the highest numbered log to %s (KB Q296787, roll-forward steps 6-7)", cur.File, cur.File)})
			cur.Status = StatusDuplicate
			cur.Note = "same generation as " + o.File
			s.Current = &CurrentLog{File: cur.File, Generation: cur.Generation}
		} else {
			s.byGen[cur.Generation] = cur
			s.Current = &CurrentLog{File: cur.File, Generation: cur.Generation}
			if highest > 0 && cur.Generation != highest+1 {
				if cur.Generation < highest {
					var above []string
					var ag []ese.Generation
					for g, f := range s.byGen {
						if g > cur.Generation {
							above = append(above, f.File)
							ag = append(ag, g)
						}
					}
					sort.Strings(above)
					sortGens(ag)
					for _, g := range ag {
						s.byGen[g].Status = StatusCeiling
						s.byGen[g].Note = fmt.Sprintf("above the current log %s (0x%X): never replayed", cur.File, cur.Generation)
						delete(s.byGen, g)
					}
					s.add(Problem{Kind: ProblemCeiling, Code: 0, Files: above, Generations: ag,
						Message: fmt.Sprintf("%s is generation 0x%X but higher numbered logs exist; the engine stops at the current log and the higher logs become a ceiling that blocks new log files", cur.File, cur.Generation),
						Remedy:  fmt.Sprintf("either remove (move aside) %s and rename the highest numbered log to %s, or move the logs above 0x%X out of the way (KB Q296787, roll-forward steps 6-7)", cur.File, cur.File, cur.Generation)})
				} else {
					s.add(Problem{Kind: ProblemCurrentMismatch, Code: 0, Files: []string{cur.File}, Generations: []ese.Generation{cur.Generation},
						Message: fmt.Sprintf("%s is generation 0x%X, not one above the highest numbered log 0x%X", cur.File, cur.Generation, highest),
						Remedy:  fmt.Sprintf("if the logs between are lost, remove (move aside) %s and rename the highest numbered log to %s (KB Q296787, roll-forward steps 6-7)", cur.File, cur.File)})
				}
			}
		}
	case cur.Status == StatusForeign:
		rem := fmt.Sprintf("remove (move aside) %s (KB Q296787, roll-forward step 6)", cur.File)
		if highest > 0 {
			rem += fmt.Sprintf(", then rename the highest numbered log %s to %s (step 7)", s.byGen[highest].File, cur.File)
		}
		s.add(Problem{Kind: ProblemForeign, Code: ese.ErrBadLogSignature, Files: []string{cur.File},
			Message: fmt.Sprintf("the current log %s belongs to another log stream (%s)", cur.File, cur.Signature), Remedy: rem})
	}
	if len(s.Foreign) > 0 {
		var fs []string
		for _, f := range s.Foreign {
			if cur == nil || f != cur.File {
				fs = append(fs, f)
			}
		}
		if len(fs) > 0 {
			s.add(Problem{Kind: ProblemForeign, Code: ese.ErrBadLogSignature, Files: fs,
				Message: fmt.Sprintf("%d log file(s) carry another log signature than %s", len(fs), s.Signature),
				Remedy:  "remove (move aside) every log that does not match the anchor log's signature before replay (KB Q296787, roll-forward step 8)"})
		}
	}
	// Generations and gaps.
	for g := range s.byGen {
		s.Generations = append(s.Generations, g)
	}
	sortGens(s.Generations)
	for i := 1; i < len(s.Generations); i++ {
		if a, b := s.Generations[i-1], s.Generations[i]; b > a+1 {
			r := GenRange{a + 1, b - 1}
			s.Gaps = append(s.Gaps, r)
			names := s.RangeNames(r.Low, r.High)
			s.add(Problem{Kind: ProblemGap, Code: gapCode(cur, r), Generations: []ese.Generation{r.Low, r.High},
				Message: fmt.Sprintf("%s (generation(s) %s) missing between %s and %s", names, r, s.byGen[a].File, s.byGen[b].File),
				Remedy: fmt.Sprintf("restore %s from a backup; replay cannot cross a gap. When no database needs %s or the logs below it, moving the logs below the gap aside is enough",
					names, s.byGen[a].File)})
		}
	}
	for _, f := range s.byGen {
		if f.CircularLogging() {
			s.Circular = true
		}
	}
	if s.Circular {
		s.add(Problem{Kind: ProblemCircular, Code: 0,
			Message: "circular logging is on: the engine deletes logs once the checkpoint passes them, so only soft recovery is possible; an offline backup can only be restored point in time, not rolled forward (KB Q296787)"})
	}
	if len(s.byGen) == 0 && cur == nil {
		s.add(Problem{Kind: ProblemNoLogs, Code: 0, Message: "no log files of this stream in the folder"})
	}
	// Unnamed copies of a missing generation.
	for _, f := range s.Files {
		if f.Status == StatusMisnamed && s.byGen[f.Generation] == nil {
			f.Note += "; it could fill the missing generation if renamed"
		}
	}
}

// checkChain checks that each member chains to the one below it:
// tmPrevGen must equal the previous generation's tmCreate (-515), and the
// logs of a recovery must share one size (-541).
func (s *Set) checkChain() {
	s.scanBodies()
	for i := 1; i < len(s.Generations); i++ {
		a, b := s.byGen[s.Generations[i-1]], s.byGen[s.Generations[i]]
		if b.Generation != a.Generation+1 {
			continue
		}
		if b.PrevCreated != a.Created {
			s.add(Problem{Kind: ProblemChain, Code: ese.ErrInvalidLogSequence, Files: []string{a.File, b.File}, Generations: []ese.Generation{a.Generation, b.Generation},
				Message: fmt.Sprintf("%s (0x%X) says its previous generation was created %s, but %s was created %s", b.File, b.Generation, b.PrevCreated, a.File, a.Created),
				Remedy:  fmt.Sprintf("%s is not the log that came before %s: find the right generation 0x%X", a.File, b.File, a.Generation)})
		}
	}
	for i := 1; i < len(s.Generations); i++ {
		a, b := s.byGen[s.Generations[i-1]], s.byGen[s.Generations[i]]
		if b.Generation != a.Generation+1 || !accumulatedChecked(b.Header) || b.PrevCreated != a.Created {
			continue
		}
		if bi := a.scanBody(false); bi.err == nil && bi.tailErr == nil && bi.acc != b.PrevAccumulated {
			s.add(Problem{Kind: ProblemChecksumChain, Code: ese.ErrLogSequenceChecksumMismatch, Files: []string{a.File, b.File}, Generations: []ese.Generation{a.Generation, b.Generation},
				Message: fmt.Sprintf("%s expects the segments of generation 0x%X to XOR to 0x%016X, %s gives 0x%016X", b.File, a.Generation, b.PrevAccumulated, a.File, bi.acc),
				Remedy:  fmt.Sprintf("%s is not the complete log that came before %s", a.File, b.File)})
		}
	}
	for _, g := range s.Generations {
		f := s.byGen[g]
		if bi := f.scanBody(s.Current != nil && f.File == s.Current.File); bi.err == nil && bi.tailErr != nil {
			s.add(Problem{Kind: ProblemCorrupt, Code: ese.ErrLogFileCorrupt, Files: []string{f.File}, Generations: []ese.Generation{g},
				Message: fmt.Sprintf("%s is corrupt: %v", f.File, bi.tailErr), Remedy: "records before the damage replay; restore this generation from a backup"})
		}
		if want := int64(f.FileSectors) * int64(f.SectorSize); f.Size > 0 && want > 0 && f.Size != want {
			s.add(Problem{Kind: ProblemSizeMismatch, Code: ese.ErrLogFileSizeMismatch, Files: []string{f.File}, Generations: []ese.Generation{g},
				Message: fmt.Sprintf("%s is %d bytes, its header says %d sectors of %d bytes", f.File, f.Size, f.FileSectors, f.SectorSize)})
		}
	}
}

// Log returns the member file holding generation g, or nil.
func (s *Set) Log(g ese.Generation) *SetFile { return s.byGen[g] }

// Lowest returns the lowest member generation, 0 when there is none.
func (s *Set) Lowest() ese.Generation {
	if len(s.Generations) == 0 {
		return 0
	}
	return s.Generations[0]
}

// Highest returns the highest member generation (the current log's when
// there is one), 0 when there is none.
func (s *Set) Highest() ese.Generation {
	if len(s.Generations) == 0 {
		return 0
	}
	return s.Generations[len(s.Generations)-1]
}

// File returns the scanned file named name (exact name), or nil.
func (s *Set) File(name string) *SetFile {
	for _, f := range s.Files {
		if f.File == name {
			return f
		}
	}
	return nil
}

// FirstError returns the first problem that carries an engine error, or
// nil.
func (s *Set) FirstError() *Problem {
	for i := range s.Problems {
		if s.Problems[i].Code != 0 {
			return &s.Problems[i]
		}
	}
	return nil
}

func sortGens(g []ese.Generation) { sort.Slice(g, func(i, j int) bool { return g[i] < g[j] }) }

// gapCode is the error replay stops with at the gap r, as the replay walk
// decides (ReplayWith): when the current log exists and holds a later
// generation, the engine opens it in place of the missing archived name
// and finds the wrong generation, JET_errInvalidLogSequence (-515);
// without it, the missing file is JET_errMissingLogFile (-528,
// GAP_LOG_FILE_GEN_ID).
func gapCode(cur *SetFile, r GenRange) ese.Error {
	if cur != nil && cur.HasHeader() && cur.Generation > r.High {
		return ese.ErrInvalidLogSequence
	}
	return ese.ErrMissingLogFile
}
