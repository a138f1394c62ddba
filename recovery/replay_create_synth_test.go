package recovery

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/internal/testset"
	"github.com/esekit/esekit/internal/testset/testdb"
)

// TestRecoverFolderCreatesSynth recovers a folder holding only a
// generated legacy (7.3704.15) edb.log that creates new.edb with the
// implicit create (version 1.0) and detaches it: with CreateMissing the
// database is built by the engine's create code, every page the create
// builds is the page BuildImplicitCreate builds, and the header is clean
// at the DetachDB with the logged signatures; without CreateMissing
// nothing is created; a 7.3704 log before update 15 is refused (-1225).
func TestRecoverFolderCreatesSynth(t *testing.T) {
	const ps = 8192
	spec := testset.LogSpec{Gen: 1, PageSize: ps, Create: "new.edb", Term: true}
	lg, err := testset.BuildLegacyLog(spec)
	if err != nil {
		t.Fatal(err)
	}
	in := t.TempDir()
	if err := os.WriteFile(filepath.Join(in, "edb.log"), lg.File, 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	res, err := RecoverFolder(context.Background(), FolderInput{Logs: in}, &RecoverOptions{OutDir: out, CreateMissing: true})
	if err != nil {
		t.Fatalf("%v\n%+v", err, res)
	}
	if len(res.Databases) != 1 {
		t.Fatalf("%d databases", len(res.Databases))
	}
	d := res.Databases[0]
	detach := lg.Positions[len(lg.Positions)-3] // DetachDB, ShutDownMark, Term2
	if d.Action != ActionCreate || d.StateBefore != StateMissing || d.StateAfter != "CleanShutdown" || d.Output != filepath.Join(out, "new.edb") ||
		d.LogsReplayed != 1 || d.Error != 0 {
		t.Errorf("result %+v", d)
	}
	h := readHeader(t, d.Output)
	if h.State != ese.DBStateCleanShutdown || h.DbSignature != testset.Signature(2) || h.LogSignature != testset.Signature(1) ||
		h.AttachPos != lg.Positions[1] || h.ConsistentPos != detach || h.PageSize != ps {
		t.Errorf("header: state %v sig %v log sig %v attach %v consistent %v (detach at %v)", h.State, h.DbSignature, h.LogSignature,
			h.AttachPos, h.ConsistentPos, detach)
	}
	got, err := os.ReadFile(d.Output)
	if err != nil {
		t.Fatal(err)
	}
	tdb, err := testdb.Build(ps)
	if err != nil {
		t.Fatal(err)
	}
	want, built := tdb.File, tdb.Create
	if len(got) != len(want) {
		t.Fatalf("file of %d bytes, the create builds %d", len(got), len(want))
	}
	for _, pg := range built.Pages {
		off := (int(pg) + 1) * ps
		if !bytes.Equal(got[off:off+ps], want[off:off+ps]) {
			t.Errorf("page %d differs from the implicit create's", pg)
		}
	}

	out2 := t.TempDir()
	if res, err := RecoverFolder(context.Background(), FolderInput{Logs: in}, &RecoverOptions{OutDir: out2}); err != nil || len(res.Databases) != 0 {
		t.Errorf("without CreateMissing: %v %+v", err, res)
	}
	if ents, _ := os.ReadDir(out2); len(ents) != 0 {
		t.Errorf("%d files created without CreateMissing", len(ents))
	}

	old := bytes.Clone(lg.File)
	editHeaderBytes(old, func(h []byte) { h[40] = 13 }) // 7.3704.13
	if err := os.WriteFile(filepath.Join(in, "edb.log"), old, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = RecoverFolder(context.Background(), FolderInput{Logs: in}, &RecoverOptions{OutDir: t.TempDir(), CreateMissing: true})
	if !errors.Is(err, ese.ErrInvalidCreateDbVersion) {
		t.Errorf("7.3704.13 log: %v", err)
	}
}
