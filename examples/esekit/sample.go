package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esechk"
	"github.com/esekit/esekit/recovery"
)

// The sample set: museum-srum-win10-belkasoftctf-insiderthreat-dirty from
// the corpus, a SRUM folder of Windows 10 collected while the service ran:
// the database in DirtyShutdown state (it needs generation 0x51), its
// checkpoint and logs 0x4E-0x52 (SRU.log is the current one),
// gzip-compressed. It is what the library is for: the report brings the
// database clean.
//
//go:embed testdata/sample/*.gz
var sampleFS embed.FS

// sampleName is what the report calls the embedded folder.
const sampleName = "sample"

// sampleMaxFile bounds the size of one decompressed sample file.
const sampleMaxFile = 16 << 20

// loadSample decompresses the embedded sample into an in-memory folder.
func loadSample() (fstest.MapFS, []string, error) {
	ents, err := fs.ReadDir(sampleFS, "testdata/sample")
	if err != nil {
		return nil, nil, err
	}
	m := fstest.MapFS{}
	var names []string
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".gz") {
			continue
		}
		f, err := sampleFS.Open(path.Join("testdata/sample", e.Name()))
		if err != nil {
			return nil, nil, err
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			return nil, nil, err
		}
		b, err := io.ReadAll(io.LimitReader(zr, sampleMaxFile+1))
		f.Close()
		if err != nil {
			return nil, nil, err
		}
		if len(b) > sampleMaxFile {
			return nil, nil, fmt.Errorf("sample file %s is too large", e.Name())
		}
		name := strings.TrimSuffix(e.Name(), ".gz")
		m[name] = &fstest.MapFile{Data: b, Mode: 0o444}
		names = append(names, name)
	}
	sort.Strings(names)
	return m, names, nil
}

// sampleJSON is the whole report of the sample set.
type sampleJSON struct {
	Sample    string           `json:"sample"`
	Files     []identity       `json:"files"`
	Headers   []any            `json:"headers"`
	Verify    []verifyJSON     `json:"verify"`
	Check     *checkJSON       `json:"check"`
	Deletable []ese.Generation `json:"deletable_logs"`
	Plan      *planJSON        `json:"plan"`
	// Recover is the soft recovery carried out into a temporary folder
	// (removed before the report is printed); RecoveredHeaders and
	// RecoveredVerify are the headers and page checksums of its outputs,
	// named "recovered/<file>".
	Recover          *recoverJSON `json:"recover"`
	RecoveredHeaders []any        `json:"recovered_headers"`
	RecoveredVerify  []verifyJSON `json:"recovered_verify"`
}

// recoveredName is how the report names a recovered database.
func recoveredName(output string) string {
	return "recovered/" + filepath.Base(output)
}

// recoverSample replays plan p into copies of its databases written to a
// temporary folder, reads back each output's header and page checksums,
// and removes the folder. Nothing is written anywhere else: the sample itself lives in
// memory.
func recoverSample(ctx context.Context, p *recovery.Plan, rep *sampleJSON) error {
	dir, err := os.MkdirTemp("", "esekit-sample-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	res, rerr := recovery.Recover(ctx, p, &recovery.RecoverOptions{OutDir: dir})
	if res == nil {
		if rerr == nil {
			rerr = fmt.Errorf("no result")
		}
		return rerr
	}
	rj := recoverToJSON(sampleName, "a temporary folder, removed afterwards", res)
	rj.setFailure(rerr)
	for i, d := range rj.Databases {
		if d.Output == "" {
			continue
		}
		name := recoveredName(d.Output)
		in, c, err := openInput(d.Output)
		if err != nil {
			return err
		}
		in.name = name
		h, _ := headerObject(in)
		rep.RecoveredHeaders = append(rep.RecoveredHeaders, h)
		rep.RecoveredVerify = append(rep.RecoveredVerify, verifyInput(ctx, in, 0))
		c.Close()
		rj.Databases[i].Output = name
	}
	// The messages name the temporary folder, which is gone by now.
	rj.Message = strings.ReplaceAll(rj.Message, dir+string(filepath.Separator), "recovered/")
	for i := range rj.Databases {
		rj.Databases[i].Message = strings.ReplaceAll(rj.Databases[i].Message, dir+string(filepath.Separator), "recovered/")
	}
	for i := range rj.Events {
		rj.Events[i].Message = strings.ReplaceAll(rj.Events[i].Message, dir+string(filepath.Separator), "recovered/")
		for j, f := range rj.Events[i].Files {
			if strings.HasPrefix(f, dir+string(filepath.Separator)) {
				rj.Events[i].Files[j] = recoveredName(f)
			}
		}
	}
	rep.Recover = &rj
	return rerr
}

// runSample inspects the embedded sample: what `esekit` with no arguments
// does.
func runSample(e *env, js bool) int {
	m, names, err := loadSample()
	if err != nil {
		fmt.Fprintf(e.stderr, "esekit: reading the embedded sample: %v\n", err)
		return exitBad
	}
	label := func(n string) string { return sampleName + "/" + n }
	rep := sampleJSON{Sample: sampleName, Deletable: []ese.Generation{}, RecoveredHeaders: []any{}, RecoveredVerify: []verifyJSON{}}
	var ckpt *esechk.Checkpoint
	var ckptName string
	var dbs []recovery.DatabaseFile
	status := exitOK
	for _, n := range names {
		in := memInput(label(n), m[n].Data)
		id := identifyInput(in)
		rep.Files = append(rep.Files, id)
		h, ok := headerObject(in)
		if !ok {
			status = exitBad
		}
		rep.Headers = append(rep.Headers, h)
		if id.Type == typeDatabase || id.Type == typeTempDatabase {
			v := verifyInput(context.Background(), in, 0)
			if !v.OK {
				status = exitBad
			}
			rep.Verify = append(rep.Verify, v)
			dbs = append(dbs, recovery.DatabaseFile{Name: in.name, R: in.r})
		}
		if id.Type == typeCheckpoint && ckpt == nil {
			ckpt, _ = esechk.Read(in.r)
			ckptName = n
		}
	}
	c, err := checkFolder(m, sampleName, label, nil, nil, true)
	if err != nil {
		fmt.Fprintf(e.stderr, "esekit: checking the sample: %v\n", err)
		status = exitBad
	} else {
		rep.Check = &c
		if c.Error != 0 {
			status = exitBad
		}
		rep.Deletable = append(rep.Deletable, c.DeletableLogs...)
	}
	in := recovery.SoftInput{Logs: m, Databases: dbs}
	if ckptName != "" {
		in.Checkpoint = recovery.CheckpointSource{Name: ckptName}
	}
	if p, err := recovery.PlanSoft(context.Background(), in, nil); err != nil {
		fmt.Fprintf(e.stderr, "esekit: planning the sample: %v\n", err)
		status = exitBad
	} else {
		pj := planToJSON(sampleName, p)
		rep.Plan = &pj
		if pj.Error != 0 {
			status = exitBad
		} else if err := recoverSample(context.Background(), p, &rep); err != nil {
			fmt.Fprintf(e.stderr, "esekit: recovering the sample: %v\n", err)
			status = exitBad
		}
	}
	if rep.Recover != nil && rep.Recover.Error != 0 {
		status = exitBad
	}
	for _, v := range rep.RecoveredVerify {
		if !v.OK {
			status = exitBad
		}
	}
	if js {
		if err := writeJSON(e.stdout, rep); err != nil {
			return exitBad
		}
		return status
	}
	printSample(e.stdout, rep)
	return status
}

func printSample(w io.Writer, rep sampleJSON) {
	fmt.Fprintln(w, "esekit: ESE (JET Blue) files, read without Windows.")
	fmt.Fprintln(w, "No arguments given, so this inspects the sample set embedded in the binary:")
	fmt.Fprintln(w, "a SRUM folder from Windows 10, collected while the service ran: the database")
	fmt.Fprintln(w, "was not shut down cleanly. The report identifies every file, reads the headers,")
	fmt.Fprintln(w, "verifies the pages, checks the log set, plans soft recovery and then carries")
	fmt.Fprintln(w, "it out into a temporary folder, as the engine would at its next start.")
	fmt.Fprintln(w, "Run `esekit help` for the verbs; every verb takes -json.")
	section(w, "1. What each file is (identified by its bytes, not its name)   [esekit identify]")
	for _, id := range rep.Files {
		fmt.Fprintf(w, "  %-22s %s\n", id.File, describeIdentity(id))
	}
	section(w, "2. Headers   [esekit header]")
	for i, h := range rep.Headers {
		if i > 0 {
			fmt.Fprintln(w)
		}
		printHeaderSummary(w, h)
	}
	section(w, "3. Page checksums   [esekit verify]")
	for _, v := range rep.Verify {
		var b bytes.Buffer
		printVerify(&env{stdout: &b}, v)
		io.Copy(w, &b)
	}
	section(w, "4. The log set: can the database be brought clean?   [esekit check]")
	if rep.Check != nil {
		printCheck(w, *rep.Check)
	}
	section(w, "5. Soft recovery, decided before any page is written   [esekit plan]")
	if rep.Plan != nil {
		printPlan(w, *rep.Plan)
	}
	section(w, "6. Soft recovery, carried out into a temporary folder   [esekit recover -out DIR]")
	if rep.Recover == nil {
		fmt.Fprintln(w, "  not run")
		return
	}
	printSampleRecovery(w, rep)
}

// printSampleRecovery prints what recovery did and what the recovered
// database looks like.
func printSampleRecovery(w io.Writer, rep sampleJSON) {
	r := rep.Recover
	fmt.Fprintf(w, "  the inputs stay in memory; the outputs went to %s\n", r.Out)
	if len(r.LogsReplayed) > 0 {
		fmt.Fprintf(w, "  logs replayed:      %s (%d records, %d bytes)\n", strings.Join(r.LogsReplayed, ", "), r.Records, r.LogBytes)
	}
	for _, d := range r.Databases {
		fmt.Fprintf(w, "  %s -> %s\n", d.File, orNone(d.Output))
		fmt.Fprintf(w, "    state:            %s -> %s\n", d.StateBefore, d.StateAfter)
		fmt.Fprintf(w, "    logs replayed:    %d\n", d.LogsReplayed)
		fmt.Fprintf(w, "    records:          %d redone, %d skipped (already on the page by its dbtime, or gated by session or attachment)\n", d.RecordsRedone, d.RecordsSkipped)
		fmt.Fprintf(w, "    rolled back:      %d open transaction(s); %d page(s) written\n", d.TransactionsRolledBack, d.PagesWritten)
		fmt.Fprintf(w, "    consistent at:    %s\n", posText(d.Consistent))
		if d.Error != 0 {
			fmt.Fprintf(w, "    error %d (%s): %s\n", d.Error, ese.Error(d.Error).Name(), d.Message)
		}
		for _, v := range rep.RecoveredVerify {
			if v.File != d.Output {
				continue
			}
			verdict := "all good"
			if !v.OK {
				verdict = "BAD"
			}
			fmt.Fprintf(w, "    page checksums:   %d pages seen, %d good, %d bad, %d uninitialized: %s\n",
				v.Pages, v.Good, len(v.BadChecksums), v.Uninitialized, verdict)
		}
		for _, h := range rep.RecoveredHeaders {
			if hj, ok := h.(dbHeaderJSON); ok && hj.File == d.Output {
				fmt.Fprintf(w, "    header:           %s, logs required %s\n", hj.State, requiredText(hj.GenMinRequired, hj.GenMaxRequired))
			}
		}
	}
	if r.Error != 0 {
		fmt.Fprintf(w, "  verdict: stopped with %d (%s): %s\n", r.Error, ese.Error(r.Error).Name(), r.Message)
	} else {
		fmt.Fprintf(w, "  verdict: %s\n", orNone(r.Message))
	}
}

// requiredText prints a required-generation range in the engine's hex
// form, "none" when the database needs no log.
func requiredText(lo, hi ese.Generation) string {
	switch {
	case lo == 0 && hi == 0:
		return "none"
	case lo == hi:
		return lo.String()
	}
	return lo.String() + "-" + hi.String()
}

func section(w io.Writer, title string) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, title)
}

// printHeaderSummary prints the fields that matter most of one header;
// `esekit header` prints them all.
func printHeaderSummary(w io.Writer, h any) {
	switch v := h.(type) {
	case dbHeaderJSON:
		fmt.Fprintf(w, "  %s: database, format %s, %d-byte pages\n", v.File, v.Format, v.PageSize)
		fmt.Fprintf(w, "    state:            %s\n", v.State)
		fmt.Fprintf(w, "    last consistent:  %s at %s\n", posText(v.Consistent), v.ConsistentTime)
		fmt.Fprintf(w, "    last attach:      %s at %s\n", posText(v.Attach), v.AttachTime)
		fmt.Fprintf(w, "    log signature:    %s\n", v.LogSignature)
		fmt.Fprintf(w, "    logs required:    %s (committed up to %s)\n", requiredText(v.GenMinRequired, v.GenMaxRequired), v.GenMaxCommitted)
		fmt.Fprintf(w, "    header copies:    checksum ok %v, shadow ok %v\n", v.HeaderChecksumOK, v.ShadowOK)
	case checkpointJSON:
		fmt.Fprintf(w, "  %s: checkpoint\n", v.File)
		fmt.Fprintf(w, "    checkpoint:       %s (soft recovery starts here)\n", posText(v.Checkpoint))
		fmt.Fprintf(w, "    log signature:    %s\n", v.LogSignature)
		fmt.Fprintf(w, "    attached:         %d database(s)\n", len(v.Attached))
		fmt.Fprintf(w, "    copies:           checksum ok %v, shadow ok %v\n", v.HeaderChecksumOK, v.ShadowOK)
	case logHeaderJSON:
		fmt.Fprintf(w, "  %s: log generation 0x%X, format %s, %d x %d-byte sectors\n", v.File, v.Generation, v.Format, v.FileSectors, v.SectorSize)
		fmt.Fprintf(w, "    created:          %s (previous generation %s)\n", v.Created, orNone(v.PreviousGenerationCreated))
		fmt.Fprintf(w, "    log signature:    %s\n", v.LogSignature)
		fmt.Fprintf(w, "    circular logging: %v, attached databases: %d\n", v.CircularLogging, len(v.Attached))
	case fileError:
		fmt.Fprintf(w, "  %s: error: %s\n", v.File, v.Error)
	default:
		printReadable(w, h)
	}
}

// posText is the engine's hex print form of a log position, (0x51,9,0).
func posText(p posJSON) string {
	return ese.LogPos{Generation: p.Generation, Sector: p.Sector, Offset: p.Offset}.String()
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
