package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/esekit/esekit/esechk"
	"github.com/esekit/esekit/recovery"
)

// The sample set: museum-srum-server2022-apt-1daylater from the corpus
// (a SRUM folder of Windows Server 2022, cleanly shut down): the database,
// its checkpoint and three generations of logs, gzip-compressed.
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
	Sample    string       `json:"sample"`
	Files     []identity   `json:"files"`
	Headers   []any        `json:"headers"`
	Verify    []verifyJSON `json:"verify"`
	Check     *checkJSON   `json:"check"`
	Deletable []int32      `json:"deletable_logs"`
	Plan      *planJSON    `json:"plan"`
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
	rep := sampleJSON{Sample: sampleName, Deletable: []int32{}}
	var ckpt *esechk.Checkpoint
	var ckptIn *input
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
			ckptIn = &in
		}
	}
	c, err := checkFolder(m, ".", sampleName, label, nil, nil, true)
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
	in := &recovery.SoftInput{Logs: m, LogDir: ".", Databases: dbs}
	if ckptIn != nil {
		in.Checkpoint, in.CheckpointName = ckptIn.r, path.Base(ckptIn.name)
	}
	if p, err := recovery.PlanSoft(in, nil); err != nil {
		fmt.Fprintf(e.stderr, "esekit: planning the sample: %v\n", err)
		status = exitBad
	} else {
		pj := planToJSON(sampleName, p)
		rep.Plan = &pj
		if pj.Error != 0 {
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
	fmt.Fprintln(w, "a SRUM folder from Windows Server 2022 (database, checkpoint, three logs).")
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
		fmt.Fprintf(w, "    log signature:    Rand:0x%08X Created:%s\n", v.LogSignature.Random, v.LogSignature.Created)
		fmt.Fprintf(w, "    logs required:    %d-%d (committed up to %d)\n", v.GenMinRequired, v.GenMaxRequired, v.GenMaxCommitted)
		fmt.Fprintf(w, "    header copies:    checksum ok %v, shadow ok %v\n", v.HeaderChecksumOK, v.ShadowOK)
	case checkpointJSON:
		fmt.Fprintf(w, "  %s: checkpoint\n", v.File)
		fmt.Fprintf(w, "    checkpoint:       %s (soft recovery starts here)\n", posText(v.Checkpoint))
		fmt.Fprintf(w, "    log signature:    Rand:0x%08X Created:%s\n", v.LogSignature.Random, v.LogSignature.Created)
		fmt.Fprintf(w, "    attached:         %d database(s)\n", len(v.Attached))
		fmt.Fprintf(w, "    copies:           checksum ok %v, shadow ok %v\n", v.HeaderChecksumOK, v.ShadowOK)
	case logHeaderJSON:
		fmt.Fprintf(w, "  %s: log generation 0x%X, format %s, %d x %d-byte sectors\n", v.File, v.Generation, v.Format, v.FileSectors, v.SectorSize)
		fmt.Fprintf(w, "    created:          %s (previous generation %s)\n", v.Created, orNone(v.PreviousGenerationCreated))
		fmt.Fprintf(w, "    log signature:    Rand:0x%08X Created:%s\n", v.LogSignature.Random, v.LogSignature.Created)
		fmt.Fprintf(w, "    circular logging: %v, attached databases: %d\n", v.CircularLogging, len(v.Attached))
	case fileError:
		fmt.Fprintf(w, "  %s: error: %s\n", v.File, v.Error)
	default:
		printReadable(w, h)
	}
}

func posText(p posJSON) string {
	return fmt.Sprintf("(0x%X,%X,%X)", uint32(p.Generation), p.Sector, p.Offset)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
