package ese_test

import (
	"bytes"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/sampleset"
	"github.com/esekit/esekit/internal/testcorpus"
	"github.com/esekit/esekit/internal/testset"
)

// TestIdentifyCommittedAndGenerated identifies by their bytes the files
// the module commits (the two SRUM folders: databases, checkpoint, logs of
// two formats, flush map, an unused log) and the files testset generates
// (modern and legacy logs, a .pat of the backup set): each gets its kind,
// sizes, format and generation.
func TestIdentifyCommittedAndGenerated(t *testing.T) {
	const srum, server = testcorpus.SampleSet + "/", "museum-srum-server2022-apt-1daylater/"
	files := map[string][]byte{}
	for _, rel := range []string{srum + "SRUDB.dat", srum + "SRU.chk", srum + "SRU00051.log", srum + "SRU.log", srum + "SRUDB.jfm",
		srum + "SRUtmp.log", server + "SRUDB.dat", server + "SRUtmp.log"} {
		files[rel] = testcorpus.Read(t, rel)
	}
	modern, err := testset.BuildLog(testset.LogSpec{Gen: 9, Transactions: 10})
	if err != nil {
		t.Fatal(err)
	}
	legacy, err := testset.BuildLegacyLog(testset.LogSpec{Gen: 4, Transactions: 10, Term: true})
	if err != nil {
		t.Fatal(err)
	}
	files["modern.log"], files["legacy.log"] = modern.File, legacy.File
	files["SRUDB.pat"] = testset.SampleBackup(t).Folder(esepatch.FormPatchFile)[sampleset.BackupPatch].Data

	for rel, want := range map[string]ese.Identity{
		srum + "SRUDB.dat":    {Kind: ese.KindDatabase, PageSize: 4096, Format: "0x620,20", FileType: ese.FileTypeDatabase, HeaderOK: true},
		srum + "SRU.chk":      {Kind: ese.KindCheckpoint, FileType: ese.FileTypeCheckpoint, Generation: 0x51, HeaderOK: true},
		srum + "SRU00051.log": {Kind: ese.KindLog, PageSize: 4096, SectorSize: 4096, Format: "8.4000.5.16", FileType: ese.FileTypeLog, Generation: 0x51, HeaderOK: true},
		srum + "SRU.log":      {Kind: ese.KindLog, PageSize: 4096, SectorSize: 4096, Format: "8.4000.60.140", FileType: ese.FileTypeLog, Generation: 0x52, HeaderOK: true},
		srum + "SRUDB.jfm":    {Kind: ese.KindFlushMap, Format: "FM 3.0.0", FileType: ese.FileTypeFlushMap, HeaderOK: true},
		srum + "SRUtmp.log":   {Kind: ese.KindReserveLog, Note: "zero-filled"},
		server + "SRUDB.dat":  {Kind: ese.KindDatabase, PageSize: 4096, Format: "0x620,180.400", FileType: ese.FileTypeDatabase, HeaderOK: true},
		server + "SRUtmp.log": {Kind: ese.KindLog, PageSize: 4096, SectorSize: 4096, Format: "8.4000.90.200", FileType: ese.FileTypeLog, Generation: 2, HeaderOK: true},
		"modern.log":          {Kind: ese.KindLog, PageSize: 8192, SectorSize: 4096, Format: "8.4000.5.16", FileType: ese.FileTypeLog, Generation: 9, HeaderOK: true},
		"legacy.log":          {Kind: ese.KindLog, PageSize: 8192, SectorSize: 512, Format: "7.3704.15", FileType: ese.FileTypeLog, Generation: 4, HeaderOK: true},
		sampleset.BackupPatch: {Kind: ese.KindPatch, PageSize: 4096, HeaderOK: true},
	} {
		b := files[rel]
		got, err := ese.Identify(bytes.NewReader(b))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		want.Size = int64(len(b))
		if got != want {
			t.Errorf("%s:\n got %+v\nwant %+v", rel, got, want)
		}
	}
}
