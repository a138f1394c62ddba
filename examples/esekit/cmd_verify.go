package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/esekit/esekit/ese"
)

func cmdVerify() command {
	return command{
		name:    "verify",
		args:    "FILE...",
		summary: "verify every page checksum of each database (esefile /s, eseutil /k); exit status 1 if anything is bad",
		setup: func(fs *flag.FlagSet) any {
			o := &verifyOpts{}
			fs.IntVar(&o.workers, "workers", 0, "goroutines verifying pages (0: one per CPU)")
			return o
		},
		run: runVerify,
	}
}

type verifyOpts struct {
	workers int
}

// wrongPageJSON is a page slot holding another page.
type wrongPageJSON struct {
	Page  uint32 `json:"page"`
	Found uint32 `json:"found"`
}

// pageBitJSON is a correctable single-bit error.
type pageBitJSON struct {
	Page uint32 `json:"page"`
	Bit  int    `json:"bit"`
}

// verifyJSON is the page scan of one database.
type verifyJSON struct {
	File             string          `json:"file"`
	Type             string          `json:"type"`
	OK               bool            `json:"ok"`
	PageSize         int             `json:"page_size"`
	Pages            int64           `json:"pages"`
	Good             int64           `json:"good"`
	BadChecksums     []uint32        `json:"bad_checksums"`
	Uninitialized    int64           `json:"uninitialized"`
	WrongPageNumbers []wrongPageJSON `json:"wrong_page_numbers"`
	Correctable      []pageBitJSON   `json:"correctable"`
	NotChecksummed   int64           `json:"not_checksummed"`
	TrailerPage      uint32          `json:"trailer_page"`
	TrailingBytes    int64           `json:"trailing_bytes"`
	Note             string          `json:"note,omitempty"`
	Error            string          `json:"error,omitempty"`
	ErrorCode        int32           `json:"error_code,omitempty"`
}

// verifyInput scans one file. A file that is not a database is reported
// with a note and is not OK (exit status 1), as logs answers for a file
// that is not a log.
func verifyInput(ctx context.Context, in input, workers int) verifyJSON {
	id := identifyInput(in)
	v := verifyJSON{File: in.name, Type: id.Type, BadChecksums: []uint32{},
		WrongPageNumbers: []wrongPageJSON{}, Correctable: []pageBitJSON{}}
	if id.Type != typeDatabase && id.Type != typeTempDatabase {
		v.Note = "not a database: no pages verified"
		return v
	}
	res, err := ese.ScanDatabase(ctx, in.r, &ese.ScanOptions{Workers: workers})
	if err != nil {
		v.Error = err.Error()
		if c, ok := engineCode(err); ok {
			v.ErrorCode = c
		}
		return v
	}
	v.OK = res.OK() && res.TrailingBytes == 0
	v.PageSize = res.PageSize
	v.Pages = res.Pages
	v.Good = res.Good
	v.Uninitialized = res.Uninitialized
	v.NotChecksummed = res.NotChecksummed
	v.TrailerPage = res.TrailerPage
	v.TrailingBytes = res.TrailingBytes
	v.BadChecksums = append(v.BadChecksums, res.BadChecksums...)
	for _, w := range res.WrongPageNumbers {
		v.WrongPageNumbers = append(v.WrongPageNumbers, wrongPageJSON{Page: w.Page, Found: w.Found})
	}
	for _, c := range res.Correctable {
		v.Correctable = append(v.Correctable, pageBitJSON{Page: c.Page, Bit: c.Bit})
	}
	return v
}

func runVerify(e *env, opts any, args []string) int {
	o := opts.(*verifyOpts)
	if len(args) == 0 {
		return e.usage()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	status := exitOK
	var out []any
	// Not mapped whole: the scan holds one chunk per worker at a time,
	// so the resident size stays bounded whatever the file's size.
	forEachFileMapped(args, false, func(in input) {
		v := verifyInput(ctx, in, o.workers)
		if !v.OK {
			status = max(status, exitBad)
		}
		out = append(out, v)
	}, func(name string, err error) {
		fe := errorObject(name, typeUnknown, err)
		status = max(status, fe.status)
		out = append(out, fe)
	})
	return e.emitFiles(out, status, func(x any) {
		if v, ok := x.(verifyJSON); ok {
			printVerify(e, v)
		}
	})
}

// printVerify prints a scan the way esefile /s reports it.
func printVerify(e *env, v verifyJSON) {
	w := e.stdout
	fmt.Fprintf(w, "%s (%s)\n", v.File, v.Type)
	if v.Note != "" {
		fmt.Fprintf(w, "  %s\n", v.Note)
		return
	}
	if v.Error != "" {
		fmt.Fprintf(w, "  error: %s\n", v.Error)
		return
	}
	fmt.Fprintf(w, "  %d pages seen (%d-byte pages)\n", v.Pages, v.PageSize)
	fmt.Fprintf(w, "  %d bad checksums", len(v.BadChecksums))
	if len(v.BadChecksums) > 0 {
		fmt.Fprintf(w, ": pages %v", v.BadChecksums)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  %d uninitialized pages\n", v.Uninitialized)
	fmt.Fprintf(w, "  %d wrong page numbers", len(v.WrongPageNumbers))
	for _, p := range v.WrongPageNumbers {
		fmt.Fprintf(w, " [slot %d holds page %d]", p.Page, p.Found)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  %d correctable single-bit errors", len(v.Correctable))
	for _, c := range v.Correctable {
		fmt.Fprintf(w, " [page %d bit %d]", c.Page, c.Bit)
	}
	fmt.Fprintln(w)
	if v.NotChecksummed > 0 {
		fmt.Fprintf(w, "  %d temp-database pages not checksummed\n", v.NotChecksummed)
	}
	if v.TrailerPage != 0 {
		fmt.Fprintf(w, "  backup trailer page %d\n", v.TrailerPage)
	}
	if v.TrailingBytes != 0 {
		fmt.Fprintf(w, "  %d trailing bytes after the last whole page\n", v.TrailingBytes)
	}
	if v.OK {
		fmt.Fprintln(w, "  verdict: good")
	} else {
		fmt.Fprintln(w, "  verdict: BAD")
	}
}
