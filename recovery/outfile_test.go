package recovery

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/eselog"
	"github.com/esekit/esekit/rip"
)

// genCleanDB writes, as dir/name, a clean database of 8 KiB pages built
// by the implicit create (15 used pages, 258 in the file), and returns
// its bytes.
func genCleanDB(t *testing.T, dir, name string) []byte {
	t.Helper()
	const ps = 8192
	b := buildImplicit(t, ps)
	h := &ese.DBHeader{Magic: ese.DBMagic, FormatVersion: dbFormatVersion, FormatUpdateMajor: dbFormatUpdate,
		State: ese.DBStateCleanShutdown, PageSize: ps, FileType: ese.FileTypeDatabase,
		DbSignature: ese.Signature{Random: 0x1234}, DBTimeDirtied: 0xcc, LastObjectID: 5}
	hb := h.Encode(ps)
	copy(b, hb)
	copy(b[ps:], hb)
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return b
}

// copyPlan is a soft-recovery plan with nothing to replay: the clean
// database is only copied to the output folder.
func copyPlan(db string) *Plan {
	return &Plan{Mode: ModeSoft, Databases: []PlanDatabase{{File: db, Action: ActionNone}}}
}

// TestRecoverTempSymlink is issue 12's first hole: a symbolic link placed
// in the output folder under the temporary name recovery uses must not be
// followed. Pointed at the input it used to truncate the evidence (and the
// run reported success); pointed outside the output folder it used to
// write the database there. Now the run fails with ErrUnsafePath, the
// input keeps its bytes, nothing is created outside the output folder,
// and the link is left as it was.
func TestRecoverTempSymlink(t *testing.T) {
	for _, target := range []string{"input", "outside"} {
		t.Run(target, func(t *testing.T) {
			in, out, elsewhere := t.TempDir(), t.TempDir(), t.TempDir()
			want := genCleanDB(t, in, "db.edb")
			db := filepath.Join(in, "db.edb")
			// Without the link the plan copies the database.
			res, err := Recover(context.Background(), copyPlan(db), &RecoverOptions{OutDir: t.TempDir()})
			if err != nil || res.Databases[0].Output == "" {
				t.Fatalf("plain copy: %v %+v", err, res)
			}
			dest := db
			if target == "outside" {
				dest = filepath.Join(elsewhere, "stolen.edb")
			}
			link := filepath.Join(out, ".db.edb.esekit-recovering")
			if err := os.Symlink(dest, link); err != nil {
				t.Skip(err)
			}
			_, err = Recover(context.Background(), copyPlan(db), &RecoverOptions{OutDir: out})
			if !errors.Is(err, ErrUnsafePath) {
				t.Errorf("recovery through a link at its temporary name: %v, want ErrUnsafePath", err)
			}
			if got, _ := os.ReadFile(db); !bytes.Equal(got, want) {
				t.Errorf("the input changed: %d bytes, was %d", len(got), len(want))
			}
			if _, err := os.Lstat(filepath.Join(elsewhere, "stolen.edb")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a file was written outside the output folder (%v)", err)
			}
			if l, err := os.Readlink(link); err != nil || l != dest {
				t.Errorf("the link is now %q, %v", l, err)
			}
			if _, err := os.Lstat(filepath.Join(out, "db.edb")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("an output was written (%v)", err)
			}
		})
	}
}

// restoreCopy runs Restore of a hard plan that only copies the generated
// clean database in in/db.edb to out, with a Restore in Progress key to
// write back as out/key.reg (or o.RIPName).
func restoreCopy(in, out string, o RestoreOptions) (*RecoverResult, error) {
	o.OutDir = out
	o.RIP = &rip.Key{Path: rip.KeyPath(rip.ServiceIS), Service: rip.ServiceIS, LowLog: 1, HighLog: 1}
	o.RIPFormat = rip.Regedit4
	if o.RIPName == "" {
		o.RIPName = "key.reg"
	}
	plan := &Plan{Mode: ModeHard, Databases: []PlanDatabase{{File: filepath.Join(in, "db.edb"), Action: ActionNone}}}
	return Restore(context.Background(), plan, &o)
}

// TestRestoreKeyWriteBack is issue 12's second hole: the Restore in
// Progress key written back to the output folder replaces an existing
// file only with Overwrite, never follows a link at its temporary name,
// and never replaces the key file it was read from.
func TestRestoreKeyWriteBack(t *testing.T) {
	in := t.TempDir()
	genCleanDB(t, in, "db.edb")
	old := []byte("REGEDIT4\r\n\r\nthe key read\r\n")

	t.Run("existing", func(t *testing.T) {
		out := t.TempDir()
		key := filepath.Join(out, "key.reg")
		os.WriteFile(key, old, 0o644)
		_, err := restoreCopy(in, out, RestoreOptions{})
		if !errors.Is(err, fs.ErrExist) {
			t.Errorf("an existing key.reg without Overwrite: %v, want fs.ErrExist", err)
		}
		if got, _ := os.ReadFile(key); !bytes.Equal(got, old) {
			t.Errorf("key.reg replaced without Overwrite:\n%s", got)
		}
		if _, err := os.Lstat(filepath.Join(out, "db.edb")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the database was recovered before the key was refused (%v)", err)
		}
		if _, err := os.Lstat(filepath.Join(out, ".key.reg.esekit-recovering")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("temporary key left behind (%v)", err)
		}
		// With Overwrite the key is replaced, marked recovered.
		res, err := restoreCopy(in, t.TempDir(), RestoreOptions{})
		if err != nil || res.RIP == "" {
			t.Fatalf("fresh folder: %v", err)
		}
		if _, err := restoreCopy(in, out, RestoreOptions{RecoverOptions: RecoverOptions{Overwrite: true}}); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(key); !bytes.Contains(got, []byte(`"EDB Database recovered"=hex:01`)) {
			t.Errorf("key.reg with Overwrite:\n%s", got)
		}
	})

	t.Run("symlink", func(t *testing.T) {
		out, elsewhere := t.TempDir(), t.TempDir()
		dest := filepath.Join(elsewhere, "victim")
		os.WriteFile(dest, old, 0o644)
		link := filepath.Join(out, ".key.reg.esekit-recovering")
		if err := os.Symlink(dest, link); err != nil {
			t.Skip(err)
		}
		_, err := restoreCopy(in, out, RestoreOptions{})
		if !errors.Is(err, ErrUnsafePath) {
			t.Errorf("a link at the key's temporary name: %v, want ErrUnsafePath", err)
		}
		if got, _ := os.ReadFile(dest); !bytes.Equal(got, old) {
			t.Errorf("the file the link points at was written:\n%s", got)
		}
		if _, err := os.Lstat(filepath.Join(out, "key.reg")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("key.reg written through the link (%v)", err)
		}
		// Found before recovery: no database was written.
		if _, err := os.Lstat(filepath.Join(out, "db.edb")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the database was recovered before the link was refused (%v)", err)
		}
	})

	// A key named like a database would replace the recovered database
	// (with Overwrite) or fail only after recovery: it is refused first.
	t.Run("database name", func(t *testing.T) {
		out := t.TempDir()
		for _, name := range []string{"db.edb", "DB.EDB", ".db.edb.esekit-recovering"} {
			_, err := restoreCopy(in, out, RestoreOptions{RecoverOptions: RecoverOptions{Overwrite: true}, RIPName: name})
			if !errors.Is(err, ErrSameOutputName) {
				t.Errorf("key named %s: %v, want ErrSameOutputName", name, err)
			}
			if ents, _ := os.ReadDir(out); len(ents) != 0 {
				t.Errorf("key named %s: %d files written", name, len(ents))
			}
		}
	})

	// A write-back that fails after recovery reports its own cause.
	t.Run("late failure", func(t *testing.T) {
		out := t.TempDir()
		key := filepath.Join(out, "key.reg")
		o := RestoreOptions{}
		o.prepared = func() { os.WriteFile(key, old, 0o644) }
		res, err := restoreCopy(in, out, o)
		if !errors.Is(err, fs.ErrExist) {
			t.Fatalf("%v, want fs.ErrExist", err)
		}
		if res == nil || res.Error != ese.ErrFileAlreadyExists || !bytes.Contains([]byte(res.Message), []byte("Restore in Progress key")) {
			t.Errorf("result %v %q, want the key's failure", res.Error, res.Message)
		}
	})

	t.Run("input key", func(t *testing.T) {
		out := t.TempDir()
		key := filepath.Join(out, "key.reg")
		os.WriteFile(key, old, 0o644)
		_, err := restoreCopy(in, out, RestoreOptions{RecoverOptions: RecoverOptions{Overwrite: true}, ripSource: key})
		if !errors.Is(err, ErrUnsafePath) {
			t.Errorf("writing over the key read, with Overwrite: %v, want ErrUnsafePath", err)
		}
		if got, _ := os.ReadFile(key); !bytes.Equal(got, old) {
			t.Errorf("the input key was replaced:\n%s", got)
		}
	})
}

// TestRecoverCreateTempSymlink: a database the log creates (CreateMissing)
// is built in a new temporary file too; a link at its temporary name is
// refused with ErrUnsafePath and what it points at is left alone.
func TestRecoverCreateTempSymlink(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	os.Mkdir(out, 0o755)
	victim := filepath.Join(parent, "victim")
	os.WriteFile(victim, []byte("evidence"), 0o644)
	if err := os.Symlink(victim, filepath.Join(out, ".x.edb.esekit-recovering")); err != nil {
		t.Skip(err)
	}
	lh := &eselog.FileHeader{VersionMajor: 8, VersionMinor: 4000, VersionUpdateMajor: 60, DbPageSize: 32768}
	rp := &replayer{ctx: context.Background(), plan: &Plan{}, opts: &RecoverOptions{OutDir: out, CreateMissing: true},
		em: &emitter{opts: &Options{}}, curHeader: lh}
	r := &eselog.CreateDB{RecordBase: eselog.RecordBase{Lrtyp: eselog.RecCreateDB, At: ese.LogPos{Generation: 1, Sector: 1}},
		Dbid: 1, Flags: eselog.DBUnicodeNames | eselog.CreateDBVersionInfo, Version: 2, PathBytes: utf16Path(`C:\data\x.edb`)}
	err := rp.createRecord(r)
	rp.closeAll()
	if !errors.Is(err, ErrUnsafePath) {
		t.Errorf("create through a link at the temporary name: %v, want ErrUnsafePath", err)
	}
	if got, _ := os.ReadFile(victim); string(got) != "evidence" {
		t.Errorf("the link's target was written: %d bytes", len(got))
	}
}
