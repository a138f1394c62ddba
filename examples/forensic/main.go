// Command forensic triages a seized folder of ESE files without touching
// it: every header, every log's record histogram and where its data ends,
// which databases are dirty, and, when an output folder is named, an
// offline recovery that writes only there. The SHA-256 of every evidence
// file is taken before and after, so the report proves the evidence was
// not written.
//
// It never prints record contents (the data rows, message bodies and paths
// inside log records): only record types, counts and positions. Paths found
// in headers are shortened to their file names.
//
// Usage:
//
//	forensic [-json] [-out DIR] EVIDENCEDIR
//
// Exit status 0 when the triage (and the recovery, if asked for) succeeded
// and the evidence is unchanged, 1 otherwise, 2 for a usage error.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esechk"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/recovery"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("forensic", flag.ContinueOnError)
	fs.SetOutput(stderr)
	js := fs.Bool("json", false, "print one JSON document")
	out := fs.String("out", "", "recover dirty databases into copies written to `DIR` (outside the evidence folder)")
	// Flags may come before or after the folder, as with the esekit CLI.
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: forensic [-json] [-out DIR] EVIDENCEDIR")
		return 2
	}
	dir := pos[0]
	if *out != "" && inside(*out, dir) {
		fmt.Fprintln(stderr, "forensic: -out must be outside the evidence folder")
		return 2
	}
	rep, err := triage(context.Background(), dir, *out)
	if err != nil {
		fmt.Fprintf(stderr, "forensic: %v\n", err)
		return 1
	}
	if *js {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		rep.print(stdout)
	}
	if !rep.EvidenceUntouched || (rep.Recovery != nil && rep.Recovery.Error != 0) {
		return 1
	}
	return 0
}

// inside reports whether path is the folder dir or lies under it, as
// folders (recovery.CheckOutDir: a symbolic link or another spelling of
// the evidence folder is found too), or by name when dir cannot be read.
func inside(path, dir string) bool {
	if err := recovery.CheckOutDir(path, dir); err != nil {
		return true
	}
	p, err1 := filepath.Abs(path)
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return true // when in doubt, refuse
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && (rel == "." || !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && rel != "..")
}

// report is the triage. Positions are in the engine's hex form,
// "(0x51,9,0)"; signatures in its print form.
type report struct {
	Folder            string      `json:"folder"`
	Files             []fileEntry `json:"files"`
	Dirty             []string    `json:"dirty"`
	Recovery          *recovered  `json:"recovery,omitempty"`
	EvidenceUntouched bool        `json:"evidence_untouched"`
	Changed           []string    `json:"changed"`
}

type fileEntry struct {
	File       string         `json:"file"`
	Size       int64          `json:"size"`
	SHA256     string         `json:"sha256"`
	Kind       string         `json:"kind"`
	Format     string         `json:"format,omitempty"`
	Database   *dbHeader      `json:"database,omitempty"`
	Checkpoint *ckptHeader    `json:"checkpoint,omitempty"`
	Log        *logSummary    `json:"log,omitempty"`
	Patch      *patchSummary  `json:"patch,omitempty"`
	Error      string         `json:"error,omitempty"`
	histogram  []histogramRow // sorted, for printing
}

type dbHeader struct {
	State          string         `json:"state"`
	Dirty          bool           `json:"dirty"`
	PageSize       uint32         `json:"page_size"`
	DbSignature    string         `json:"db_signature"`
	LogSignature   string         `json:"log_signature"`
	Consistent     string         `json:"consistent"`
	Attach         string         `json:"attach"`
	GenMinRequired ese.Generation `json:"gen_min_required"`
	GenMaxRequired ese.Generation `json:"gen_max_required"`
	BackupCopy     bool           `json:"backup_copy"`
	HeaderOK       bool           `json:"header_checksum_ok"`
}

type ckptHeader struct {
	Checkpoint   string   `json:"checkpoint"`
	LogSignature string   `json:"log_signature"`
	Attached     []string `json:"attached"`
}

type logSummary struct {
	Generation     ese.Generation `json:"generation"`
	Created        string         `json:"created"`
	LogSignature   string         `json:"log_signature"`
	Circular       bool           `json:"circular_logging"`
	Attached       []string       `json:"attached"`
	ValidSectors   int            `json:"valid_sectors"`
	DataSectors    int            `json:"data_sectors"`
	End            string         `json:"end"`
	LastRecord     string         `json:"last_record"`
	ClosedNormally bool           `json:"closed_normally"`
	Records        int            `json:"records"`
	Histogram      map[string]int `json:"histogram"`
	Unaccounted    int64          `json:"unaccounted_bytes"`
}

type patchSummary struct {
	BackupLogs   string `json:"backup_logs"`
	Mark         string `json:"mark"`
	DbSignature  string `json:"db_signature"`
	LogSignature string `json:"log_signature"`
	Images       int    `json:"page_images"`
}

type histogramRow struct {
	Type  string
	Count int
}

type recovered struct {
	Mode         string            `json:"mode"`
	Out          string            `json:"out"`
	LogsReplayed []string          `json:"logs_replayed"`
	Databases    []recoveredDB     `json:"databases"`
	Outputs      map[string]string `json:"outputs_sha256"`
	Error        int32             `json:"error"`
	Message      string            `json:"message"`
}

type recoveredDB struct {
	File           string `json:"file"`
	Output         string `json:"output"`
	StateBefore    string `json:"state_before"`
	StateAfter     string `json:"state_after"`
	RecordsRedone  int64  `json:"records_redone"`
	RecordsSkipped int64  `json:"records_skipped"`
	Consistent     string `json:"consistent"`
}

// triage reads every file of dir, recovers into out when it is not empty,
// and compares the evidence hashes taken before and after.
func triage(ctx context.Context, dir, out string) (*report, error) {
	before, err := hashFolder(dir)
	if err != nil {
		return nil, err
	}
	rep := &report{Folder: dir, Dirty: []string{}, Changed: []string{}}
	names := make([]string, 0, len(before))
	for n := range before {
		names = append(names, n)
	}
	sort.Strings(names)
	hasPatch := false
	for _, n := range names {
		e := inspect(ctx, filepath.Join(dir, n))
		e.File, e.SHA256 = n, before[n]
		if e.Database != nil && e.Database.Dirty {
			rep.Dirty = append(rep.Dirty, n)
		}
		hasPatch = hasPatch || e.Patch != nil
		rep.Files = append(rep.Files, e)
	}
	if out != "" && len(rep.Dirty) > 0 {
		rep.Recovery, err = recoverInto(ctx, dir, out, hasPatch)
		if err != nil && rep.Recovery == nil {
			return nil, err
		}
	}
	after, err := hashFolder(dir)
	if err != nil {
		return nil, err
	}
	rep.Changed = changed(before, after)
	rep.EvidenceUntouched = len(rep.Changed) == 0
	return rep, nil
}

// changed lists, sorted, the files whose hash differs between before and
// after, and the files that appeared or disappeared.
func changed(before, after map[string]string) []string {
	out := []string{}
	for n, h := range before {
		if a, ok := after[n]; !ok || a != h {
			out = append(out, n)
		}
	}
	for n := range after {
		if _, ok := before[n]; !ok {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// hashFolder returns the hex SHA-256 of every regular file of dir.
func hashFolder(dir string) (map[string]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		h, err := hashFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		m[e.Name()] = h
	}
	return m, nil
}

func hashFile(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// inspect identifies one file by its bytes and reads its header; a log is
// walked from end to end (types and counts only).
func inspect(ctx context.Context, name string) fileEntry {
	var e fileEntry
	f, err := os.Open(name)
	if err != nil {
		e.Error = err.Error()
		return e
	}
	defer f.Close()
	id, err := ese.Identify(f)
	if err != nil {
		e.Kind, e.Error = ese.KindUnknown.String(), err.Error()
		return e
	}
	e.Kind, e.Format, e.Size = id.Kind.String(), id.Format, id.Size
	switch id.Kind {
	case ese.KindDatabase, ese.KindTempDatabase:
		e.Database, err = readDatabase(f)
	case ese.KindCheckpoint:
		e.Checkpoint, err = readCheckpoint(f)
	case ese.KindLog:
		e.Log, err = readLog(ctx, f, id.Size)
		if e.Log != nil {
			for t, c := range e.Log.Histogram {
				e.histogram = append(e.histogram, histogramRow{t, c})
			}
			sort.Slice(e.histogram, func(i, j int) bool {
				a, b := e.histogram[i], e.histogram[j]
				return a.Count > b.Count || a.Count == b.Count && a.Type < b.Type
			})
		}
	case ese.KindPatch:
		e.Patch, err = readPatch(f)
	}
	if err != nil {
		e.Error = err.Error()
	}
	return e
}

func readDatabase(r io.ReaderAt) (*dbHeader, error) {
	c, err := ese.ReadDBHeader(r)
	if err != nil {
		return nil, err
	}
	h := c.Header
	return &dbHeader{
		State: h.State.String(), Dirty: h.State != ese.DBStateCleanShutdown, PageSize: h.PageSize,
		DbSignature: h.DbSignature.String(), LogSignature: h.LogSignature.String(),
		Consistent: h.ConsistentPos.String(), Attach: h.AttachPos.String(),
		GenMinRequired: h.GenMinRequired, GenMaxRequired: h.GenMaxRequired,
		BackupCopy: h.CurFullBackup.GenLow != 0, HeaderOK: c.HeaderChecksumOK,
	}, nil
}

func readCheckpoint(r io.ReaderAt) (*ckptHeader, error) {
	c, err := esechk.Read(r)
	if err != nil {
		return nil, err
	}
	return &ckptHeader{Checkpoint: c.Checkpoint.String(), LogSignature: c.LogSignature.String(), Attached: baseNames(c.Attached)}, nil
}

func readLog(ctx context.Context, r io.ReaderAt, size int64) (*logSummary, error) {
	l, err := eselog.Open(r, size)
	if err != nil {
		return nil, err
	}
	h := l.Header
	s := &logSummary{Generation: h.Generation, Created: h.CreateTime.String(), LogSignature: h.LogSignature.String(),
		Circular: h.DbmsParam.CircularLogging(), Attached: baseNames(h.Attached)}
	st, err := l.Walk(ctx)
	if st != nil {
		s.ValidSectors, s.DataSectors = st.Valid, st.DataSectors
		s.End, s.LastRecord = st.End.String(), st.LastRecord.String()
		s.ClosedNormally, s.Records, s.Histogram, s.Unaccounted = st.ClosedNormally, st.Records, st.Histogram, st.Unaccounted
	}
	return s, err
}

func readPatch(r io.ReaderAt) (*patchSummary, error) {
	p, err := esepatch.Open(r)
	if err != nil {
		return nil, err
	}
	h := p.Header
	return &patchSummary{BackupLogs: h.LogGen(), Mark: h.Backup.Mark.String(),
		DbSignature: h.DBSignature.String(), LogSignature: h.LogSignature.String(), Images: len(p.Images)}, nil
}

// baseNames keeps only the file name of each attached database's path.
func baseNames(list []ese.AttachInfo) []string {
	out := []string{}
	for _, a := range list {
		p := a.Path()
		out = append(out, p[strings.LastIndexAny(p, `\/`)+1:])
	}
	return out
}

// recoverInto runs offline recovery of the evidence folder into out: soft
// recovery, or hard recovery when the folder holds an online backup's
// patch files. The library opens the evidence read-only and writes only
// under out.
func recoverInto(ctx context.Context, dir, out string, hard bool) (*recovered, error) {
	opts := recovery.RecoverOptions{OutDir: out}
	var res *recovery.RecoverResult
	var err error
	if hard {
		res, err = recovery.RestoreFolder(ctx, recovery.RestoreFolderInput{Restore: dir}, &recovery.RestoreOptions{RecoverOptions: opts})
	} else {
		res, err = recovery.RecoverFolder(ctx, recovery.FolderInput{Logs: dir}, &opts)
	}
	if res == nil {
		if err == nil {
			err = errors.New("recovery returned no result")
		}
		return nil, err
	}
	rc := &recovered{Mode: string(res.Mode), Out: out, LogsReplayed: append([]string{}, res.LogsReplayed...),
		Databases: []recoveredDB{}, Outputs: map[string]string{}, Error: int32(res.Error), Message: res.Message}
	for _, d := range res.Databases {
		rc.Databases = append(rc.Databases, recoveredDB{File: filepath.Base(d.File), Output: d.Output,
			StateBefore: d.StateBefore, StateAfter: d.StateAfter, RecordsRedone: d.RecordsRedone,
			RecordsSkipped: d.RecordsSkipped, Consistent: d.ConsistentPos.String()})
		if d.Output != "" {
			if h, err := hashFile(d.Output); err == nil {
				rc.Outputs[filepath.Base(d.Output)] = h
			}
		}
	}
	if err != nil && rc.Error == 0 {
		rc.Error = -1 // not an engine error; the message says what failed
		var je ese.Error
		if errors.As(err, &je) {
			rc.Error = int32(je)
		}
		rc.Message = err.Error()
	}
	return rc, nil
}

// list prints names separated by commas, "none" for none.
func list(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// print writes the readable report.
func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "evidence folder %s (%d files)\n", r.Folder, len(r.Files))
	for _, e := range r.Files {
		what := e.Kind
		if e.Format != "" {
			what += " " + e.Format
		}
		fmt.Fprintf(w, "\n%s  %s, %d bytes\n  sha256 %s\n", e.File, what, e.Size, e.SHA256)
		switch {
		case e.Database != nil:
			d := e.Database
			fmt.Fprintf(w, "  state %s (dirty %v), %d-byte pages, header checksum ok %v\n", d.State, d.Dirty, d.PageSize, d.HeaderOK)
			fmt.Fprintf(w, "  db signature:  %s\n  log signature: %s\n", d.DbSignature, d.LogSignature)
			fmt.Fprintf(w, "  last consistent %s, last attach %s, logs required 0x%X-0x%X, online backup copy %v\n",
				d.Consistent, d.Attach, d.GenMinRequired, d.GenMaxRequired, d.BackupCopy)
		case e.Checkpoint != nil:
			fmt.Fprintf(w, "  checkpoint %s, attached: %s\n  log signature: %s\n", e.Checkpoint.Checkpoint, list(e.Checkpoint.Attached), e.Checkpoint.LogSignature)
		case e.Log != nil:
			l := e.Log
			fmt.Fprintf(w, "  generation 0x%X created %s, circular logging %v, attached: %s\n", l.Generation, l.Created, l.Circular, list(l.Attached))
			fmt.Fprintf(w, "  log signature: %s\n", l.LogSignature)
			fmt.Fprintf(w, "  %d of %d sectors valid, data ends at %s, last record at %s, closed normally %v\n",
				l.ValidSectors, l.DataSectors, l.End, l.LastRecord, l.ClosedNormally)
			fmt.Fprintf(w, "  %d records, %d bytes unaccounted:", l.Records, l.Unaccounted)
			for _, h := range e.histogram {
				fmt.Fprintf(w, " %s %d", h.Type, h.Count)
			}
			fmt.Fprintln(w)
		case e.Patch != nil:
			p := e.Patch
			fmt.Fprintf(w, "  full backup logs %s, mark %s, %d page image(s)\n  db signature:  %s\n  log signature: %s\n",
				p.BackupLogs, p.Mark, p.Images, p.DbSignature, p.LogSignature)
		}
		if e.Error != "" {
			fmt.Fprintf(w, "  error: %s\n", e.Error)
		}
	}
	fmt.Fprintln(w)
	if len(r.Dirty) == 0 {
		fmt.Fprintln(w, "no dirty database")
	} else {
		fmt.Fprintf(w, "dirty databases: %s\n", strings.Join(r.Dirty, ", "))
	}
	if rc := r.Recovery; rc != nil {
		fmt.Fprintf(w, "%s recovery into %s: logs replayed: %s\n", rc.Mode, rc.Out, list(rc.LogsReplayed))
		for _, d := range rc.Databases {
			fmt.Fprintf(w, "  %s: %s -> %s, consistent at %s, %d records redone, %d skipped\n",
				d.File, d.StateBefore, d.StateAfter, d.Consistent, d.RecordsRedone, d.RecordsSkipped)
			if h, ok := rc.Outputs[filepath.Base(d.Output)]; ok {
				fmt.Fprintf(w, "    output %s sha256 %s\n", d.Output, h)
			}
		}
		if rc.Error != 0 {
			fmt.Fprintf(w, "  recovery stopped: %d %s\n", rc.Error, rc.Message)
		}
	}
	if r.EvidenceUntouched {
		fmt.Fprintln(w, "evidence untouched: every file's sha256 is the same after as before")
	} else {
		fmt.Fprintf(w, "EVIDENCE CHANGED: %s\n", strings.Join(r.Changed, ", "))
	}
}
