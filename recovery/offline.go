package recovery

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/internal/outfile"
)

// Offline procedure kinds (KB Q296787).
const (
	ProcedureRollForward = "roll-forward"
	ProcedurePointInTime = "point-in-time"
)

// Action operations. Nothing is ever deleted: files are moved aside.
const (
	OpMoveAside = "move-aside" // move File into the aside folder
	OpRename    = "rename"     // rename File to To in the same folder
)

// AsideDir is the folder, inside the log folder, that files are moved to.
const AsideDir = "esekit-aside"

// Fingerprint identifies a file's content for the preconditions of an
// action: its size and the SHA-256 of its first 64 KiB (every header).
type Fingerprint struct {
	Size int64 `json:"size"`
	// Head is the hex SHA-256 of the first 64 KiB.
	Head string `json:"sha256_head"`
}

const fingerprintBytes = 64 << 10

func fingerprint(path string) (Fingerprint, bool) {
	f, err := os.Open(path)
	if err != nil {
		return Fingerprint{}, false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return Fingerprint{}, false
	}
	h := sha256.New()
	if _, err := io.CopyN(h, f, fingerprintBytes); err != nil && err != io.EOF {
		return Fingerprint{}, false
	}
	return Fingerprint{Size: st.Size(), Head: hex.EncodeToString(h.Sum(nil))}, true
}

// Action is one step of an offline procedure.
type Action struct {
	Op string `json:"op"`
	// File is the file's name in the folder.
	File string `json:"file"`
	// To is the destination, relative to the folder (slash-separated).
	To string `json:"to"`
	// Reason says which rule of KB Q296787 asks for the step.
	Reason string `json:"reason"`
	// Want is the content File must have for the step to run.
	Want Fingerprint `json:"want"`
}

// Procedure is a checked list of actions that prepares a folder for an
// offline restore (KB Q296787): roll forward (replay logs into a restored
// offline backup) or point in time (no replay).
type Procedure struct {
	Kind string `json:"kind"`
	// Dir is the log folder the actions work in.
	Dir string `json:"dir"`
	// Anchor is the anchor log generation (roll forward).
	Anchor ese.Generation `json:"anchor,omitempty"`
	// Through is the last generation of the unbroken series (roll forward).
	Through ese.Generation `json:"through,omitempty"`
	// Possible is false when the procedure cannot be carried out; Error
	// and Message say why.
	Possible bool      `json:"possible"`
	Error    ese.Error `json:"error"`
	Message  string    `json:"message"`
	// Warnings are findings that do not stop the procedure.
	Warnings []string `json:"warnings,omitempty"`
	Actions  []Action `json:"actions"`
}

// ErrPrecondition is wrapped when Apply finds the folder no longer as the
// procedure expects; nothing is changed then.
var ErrPrecondition = errors.New("recovery: folder does not match the procedure's preconditions")

func (p *Procedure) add(op, file, to, reason string) {
	fp, _ := fingerprint(filepath.Join(p.Dir, file))
	p.Actions = append(p.Actions, Action{Op: op, File: file, To: to, Reason: reason, Want: fp})
}

func (p *Procedure) moveAside(file, reason string) {
	p.add(OpMoveAside, file, p.asideName(file), reason)
}

// asideName picks a name in the aside folder not already taken.
func (p *Procedure) asideName(file string) string {
	name := AsideDir + "/" + file
	for i := 1; ; i++ {
		taken := false
		if _, err := os.Lstat(filepath.Join(p.Dir, filepath.FromSlash(name))); err == nil {
			taken = true
		}
		for _, a := range p.Actions {
			if a.To == name {
				taken = true
			}
		}
		if !taken {
			return name
		}
		name = fmt.Sprintf("%s/%s.%d", AsideDir, file, i)
	}
}

func checkpointFiles(dir, base string) []string {
	var out []string
	for _, ext := range []string{".chk", ".jcp"} {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.EqualFold(e.Name(), base+ext) {
				out = append(out, e.Name())
			}
		}
	}
	return out
}

// PlanRollForward builds the roll-forward procedure of KB Q296787 for the
// restored databases (paths) and the log folder dir:
//  1. the anchor log is the lowest Last Consistent generation (step 2);
//  2. its signature must be the databases' log signature (step 3);
//  3. its header should list each database under the same file name
//     (step 4; a warning otherwise);
//  4. the unbroken series from the anchor is kept, every other log moved
//     aside: foreign, misnamed, below the anchor, above a gap (steps 5, 8);
//  5. the current log must be one above the highest numbered log, else it
//     is moved aside and the highest renamed to the current name, logs
//     above it moved out of the way (steps 6, 7 and the ceiling);
//  6. the checkpoint is moved aside (step 9).
//
// Circular logging makes it impossible (a point-in-time restore remains).
func PlanRollForward(dir string, databases []string) (*Procedure, error) {
	p := &Procedure{Kind: ProcedureRollForward, Dir: dir, Actions: []Action{}}
	if len(databases) == 0 {
		return nil, errors.New("recovery: roll forward needs at least one database")
	}
	var dbs []*eselog.Database
	for _, d := range databases {
		f, err := os.Open(d)
		if err != nil {
			return nil, err
		}
		db, err := eselog.ReadDatabase(f, filepath.Base(d))
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("recovery: %s: %w", d, err)
		}
		dbs = append(dbs, db)
	}
	sig := dbs[0].LogSignature
	anchor := ese.Generation(0)
	for _, db := range dbs {
		if !db.LogSignature.Equal(sig) {
			p.Error, p.Message = ese.ErrBadLogSignature, fmt.Sprintf("%s and %s belong to different log streams", dbs[0].File, db.File)
			return p, nil
		}
		if a := db.Anchor(); a > 0 && (anchor == 0 || a < anchor) {
			anchor = a
		}
	}
	p.Anchor = anchor
	set, err := eselog.ScanDir(dir, &eselog.ScanOptions{Signature: &sig})
	if err != nil {
		return nil, err
	}
	if anchor == 0 {
		p.Error, p.Message = ese.ErrMissingLogFile, "the databases name no anchor log (Last Consistent is zero): only a point-in-time restore is possible"
		return p, nil
	}
	if set.Circular {
		p.Message = "circular logging is on: logs after the backup are gone, so a roll-forward restore is impossible; restore point in time (KB Q296787)"
		return p, nil
	}
	cur := (*eselog.SetFile)(nil)
	for _, f := range set.Files {
		if f.Role == eselog.RoleCurrent && strings.EqualFold(f.File, set.Base+set.Ext) {
			cur = f
		}
	}
	al := set.Log(anchor)
	if al == nil {
		for _, f := range set.Files {
			if f.Generation == anchor && f.Status == eselog.StatusForeign {
				p.Error, p.Message = ese.ErrBadLogSignature, fmt.Sprintf("the anchor log generation 0x%X is present as %s but with another log signature (%s): do not replay; restore point in time", anchor, f.File, f.Signature)
				return p, nil
			}
		}
		p.Error, p.Message = ese.ErrMissingLogFile, fmt.Sprintf("the anchor log, generation 0x%X (%s), is not available: do not replay any log; restore point in time (KB Q296787, roll-forward step 3)", anchor, fmt.Sprintf("%s%05X%s", set.Base, anchor, set.Ext))
		return p, nil
	}
	// Path check (step 4): the anchor's header, or the next one's.
	for _, db := range dbs {
		found := false
		for g := anchor; g <= anchor+1 && !found; g++ {
			if f := set.Log(g); f != nil {
				for _, a := range f.Attached {
					if a.DbSignature.Equal(db.DbSignature) || strings.EqualFold(winBase(a.Path()), db.File) {
						found = true
						if !strings.EqualFold(winBase(a.Path()), db.File) {
							p.Warnings = append(p.Warnings, fmt.Sprintf("the logs know %s as %s: restore it to that path, or replay stops where the path changed (KB Q296787, roll-forward step 4)", db.File, a.Path()))
						}
					}
				}
			}
		}
	}
	through := anchor
	for set.Log(through+1) != nil {
		through++
	}
	p.Through = through
	keep := map[string]bool{}
	for g := anchor; g <= through; g++ {
		keep[set.Log(g).File] = true
	}
	for _, f := range set.Files {
		if keep[f.File] || f.Status == eselog.StatusUnused || f.Status == eselog.StatusIgnored || f.Status == eselog.StatusStale || f == cur {
			continue
		}
		isLogName := f.Role == eselog.RoleArchived || f.Role == eselog.RoleCurrent
		switch {
		case f.Status == eselog.StatusForeign && (isLogName || f.HasHeader()):
			p.moveAside(f.File, "another log signature than the anchor log (step 8)")
		case f.Status == eselog.StatusMember && f.Generation < anchor:
			p.moveAside(f.File, fmt.Sprintf("below the anchor log 0x%X (step 10)", anchor))
		case f.Status == eselog.StatusMember || f.Status == eselog.StatusCeiling:
			p.moveAside(f.File, fmt.Sprintf("above the gap after 0x%X: it would be a ceiling (step 7)", through))
		case f.Status == eselog.StatusMisnamed || f.Status == eselog.StatusDuplicate:
			p.moveAside(f.File, "its name is not its generation's (steps 8, 10)")
		case f.Status == eselog.StatusNotALog && isLogName:
			p.moveAside(f.File, "a log name without a valid log header")
		}
	}
	curName := set.Base + set.Ext
	last := set.Log(through)
	if cur != nil && last != cur {
		p.moveAside(cur.File, fmt.Sprintf("its generation is not one above the highest numbered log 0x%X (step 6)", through))
		curName = cur.File
	}
	if last != cur {
		p.add(OpRename, last.File, curName, "the highest log of the series is renamed to the current log name (step 7)")
	}
	for _, c := range checkpointFiles(dir, set.Base) {
		p.moveAside(c, "without a checkpoint replay starts at the lowest log (step 9)")
	}
	p.Possible = true
	p.Message = fmt.Sprintf("roll forward from anchor 0x%X through 0x%X", anchor, through)
	return p, nil
}

// PlanPointInTime builds the point-in-time procedure of KB Q296787: the
// checkpoint and every transaction log of the folder are moved aside, so
// the restored consistent databases start a new log stream.
func PlanPointInTime(dir string) (*Procedure, error) {
	p := &Procedure{Kind: ProcedurePointInTime, Dir: dir, Actions: []Action{}, Possible: true}
	set, err := eselog.ScanDir(dir, nil)
	if err != nil {
		return nil, err
	}
	for _, f := range set.Files {
		if f.Role != eselog.RoleOther && f.Status != eselog.StatusIgnored || (f.Role == eselog.RoleOther && f.HasHeader()) {
			p.moveAside(f.File, "point in time: no log may remain (KB Q296787, point-in-time step 1)")
		}
	}
	for _, c := range checkpointFiles(dir, set.Base) {
		p.moveAside(c, "point in time: the checkpoint is moved aside (KB Q296787, point-in-time step 1)")
	}
	p.Message = fmt.Sprintf("move aside %d file(s); the databases then start a new log stream", len(p.Actions))
	return p, nil
}

// ApplyResult says what Apply did.
type ApplyResult struct {
	Done    []Action `json:"done"`    // carried out now
	Already []Action `json:"already"` // found already carried out (a resumed list)
}

// Apply carries out the procedure in its folder. It first checks every
// step against the folder as it is (simulating the earlier steps): a step
// is pending when File has the content it had at planning and To is free,
// already done when File is gone and To has that content. Any other state
// refuses the whole list with ErrPrecondition and changes nothing. Then the
// pending steps run in order. Files are renamed, never deleted.
func (p *Procedure) Apply(opts *Options) (*ApplyResult, error) {
	if !p.Possible {
		return nil, fmt.Errorf("recovery: procedure %s is not possible: %s", p.Kind, p.Message)
	}
	em := &emitter{opts: opts}
	type state struct {
		fp      Fingerprint
		present bool
	}
	virt := map[string]state{}
	look := func(name string) state {
		if s, ok := virt[name]; ok {
			return s
		}
		fp, ok := fingerprint(filepath.Join(p.Dir, filepath.FromSlash(name)))
		if !ok {
			if _, err := os.Lstat(filepath.Join(p.Dir, filepath.FromSlash(name))); err == nil {
				return state{present: true} // something that is not a regular file
			}
		}
		return state{fp: fp, present: ok}
	}
	res := &ApplyResult{}
	pending := make([]bool, len(p.Actions))
	for i, a := range p.Actions {
		if !safeRel(a.File) || !safeRel(a.To) {
			return nil, fmt.Errorf("%w: step %d names an unsafe path", ErrUnsafePath, i+1)
		}
		src, dst := look(a.File), look(a.To)
		switch {
		case src.present && src.fp == a.Want && !dst.present:
			pending[i] = true
			virt[a.To] = src
			virt[a.File] = state{}
		case !src.present && dst.present && dst.fp == a.Want:
			res.Already = append(res.Already, a)
		case src.present && src.fp == a.Want && dst.present && dst.fp == a.Want && sameInode(p.Dir, a.File, a.To):
			// Both names hold the file: a rename killed between its two
			// steps (outfile.Rename), which this one completes.
			pending[i] = true
			virt[a.To] = src
			virt[a.File] = state{}
		default:
			return nil, fmt.Errorf("%w: step %d (%s %s -> %s): the file changed or the destination is taken", ErrPrecondition, i+1, a.Op, a.File, a.To)
		}
	}
	for i, a := range p.Actions {
		if !pending[i] {
			continue
		}
		to := filepath.Join(p.Dir, filepath.FromSlash(a.To))
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return res, err
		}
		// The folder a file goes to is a folder inside Dir, not a link
		// out of it.
		if st, err := os.Lstat(filepath.Dir(to)); err != nil || !st.IsDir() {
			return res, fmt.Errorf("%w: step %d: %s is not a folder inside %s", ErrUnsafePath, i+1, filepath.Dir(a.To), p.Dir)
		}
		// Never onto a file that appeared since the check above.
		if err := outfile.Rename(filepath.Join(p.Dir, a.File), to, false); err != nil {
			return res, err
		}
		res.Done = append(res.Done, a)
		em.emit(Event{Kind: EventAction, Files: []string{a.File, a.To}, Message: fmt.Sprintf("%s %s -> %s: %s", a.Op, a.File, a.To, a.Reason)})
	}
	return res, nil
}

// sameInode reports whether the relative names a and b in dir are one
// file (not following links).
func sameInode(dir, a, b string) bool {
	sa, err1 := os.Lstat(filepath.Join(dir, filepath.FromSlash(a)))
	sb, err2 := os.Lstat(filepath.Join(dir, filepath.FromSlash(b)))
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// safeRel reports a relative slash path of plain components.
func safeRel(p string) bool {
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, `\`) {
		return false
	}
	for _, c := range strings.Split(p, "/") {
		if checkComponent(c) != nil {
			return false
		}
	}
	return true
}
