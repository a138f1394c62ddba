package fuzz

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/esekit/esekit/ese"
	"github.com/esekit/esekit/esepatch"
	"github.com/esekit/esekit/internal/testcorpus"
)

// addPatchSeeds adds every corpus .pat file and a small synthetic patch
// file with two 2 KiB page images.
func addPatchSeeds(f *testing.F) {
	for _, rel := range testcorpus.Glob("*.pat") {
		if b := testcorpus.Head(rel, -1); b != nil {
			f.Add(b)
		}
	}
	h := &esepatch.Header{Backup: ese.BackupInfo{Mark: ese.LogPos{Generation: 58, Sector: 1409, Offset: 199}, GenLow: 0x36, GenHigh: 0x3f}}
	h.DBSignature.Random = 39623424
	h.LogSignature.Random = 24842
	var images [][]byte
	for i, legacy := range []bool{false, true} {
		p := make([]byte, 2048)
		flags := uint32(ese.PageLeaf)
		if !legacy {
			flags |= uint32(ese.PageNewChecksumFormat)
		}
		binary.LittleEndian.PutUint32(p[36:], flags)
		p[100] = byte(i + 1)
		esepatch.SealImage(p, uint32(10+i))
		images = append(images, p)
	}
	if b, err := esepatch.Encode(h, 2048, images); err == nil {
		f.Add(b)
	}
	if b, err := esepatch.Encode(h, 4096, nil); err == nil {
		f.Add(b)
	}
	f.Add([]byte{})
}

// FuzzEsepatchHeader decodes arbitrary bytes as one patch header page.
// Whatever verifies must re-encode to the same bytes.
func FuzzEsepatchHeader(f *testing.F) {
	addPatchSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := esepatch.DecodeHeader(data)
		wantEseError(t, "DecodeHeader", err)
		if err != nil {
			return
		}
		if !bytes.Equal(h.Encode(len(data)), data) {
			t.Fatal("verified header page does not re-encode byte-exact")
		}
		_ = h.CurrentFullBackup()
	})
}

// FuzzEsepatchFile reads arbitrary bytes as a patch file. It must never
// panic; whatever opens must re-encode (header pages and images) to the
// same bytes when both header copies were identical and good.
func FuzzEsepatchFile(f *testing.F) {
	addPatchSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		pf, err := esepatch.Decode(data)
		wantEseError(t, "Decode", err)
		if err != nil {
			return
		}
		var images [][]byte
		for i, im := range pf.Images {
			b, err := pf.ReadImage(i)
			if err != nil {
				t.Fatalf("indexed image %d does not read: %v", i, err)
			}
			if i > 64 {
				return // enough: big inputs only repeat the work
			}
			_, err = pf.Page(im.Pgno)
			wantEseError(t, "Page", err)
			if err != nil && im.ChecksumOK {
				t.Fatalf("verified image of page %d not found: %v", im.Pgno, err)
			}
			images = append(images, b)
		}
		_ = pf.Summary()
		if !pf.ShadowOK {
			return
		}
		out, err := esepatch.Encode(pf.Header, pf.PageSize, images)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, data) {
			t.Fatal("patch file does not re-encode byte-exact")
		}
	})
}
