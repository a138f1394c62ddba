package esedb

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/esekit/esekit/internal/xpress"
)

// TestCompressedValueSchemes: a tagged value stored compressed decodes
// whatever scheme the engine chose: 7-bit ASCII, LZ4 (EncodeLZ4) and
// Xpress9 (an engine-made vector); Xpress10 is reported, not guessed.
func TestCompressedValueSchemes(t *testing.T) {
	file, err := SampleDatabase(4096)
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(bytes.NewReader(file), int64(len(file)), nil)
	if err != nil {
		t.Fatal(err)
	}
	tb := db.Tables[0]
	photo := tb.Column("Photo")
	plain := bytes.Repeat([]byte("compressed column value "), 40)
	seven, _ := xpress.Encode7Bit(plain, false)
	x9c, _ := os.ReadFile(filepath.Join("..", "internal", "xpress", "testdata", "xpress9", "text-8192.x9"))
	x9p, _ := os.ReadFile(filepath.Join("..", "internal", "xpress", "testdata", "xpress9", "text-8192.bin"))
	for name, c := range map[string]struct{ stored, want []byte }{
		"7-bit":   {seven, plain},
		"LZ4":     {xpress.EncodeLZ4(plain), plain},
		"Xpress9": {x9c, x9p},
	} {
		if len(c.stored) == 0 || len(c.want) == 0 {
			t.Fatalf("%s: no test data", name)
		}
		data, err := EncodeRecord(tb, false, []FieldValue{{Column: tb.Column("Id"), Values: [][]byte{le32(9)}}, {Column: photo, Values: [][]byte{c.stored}, Compressed: true}})
		if err != nil {
			t.Fatal(err)
		}
		r, err := db.DecodeRecord(context.Background(), tb, data)
		if err != nil {
			t.Fatal(err)
		}
		v, err := r.Value(photo)
		if err != nil || !v.Compressed || !bytes.Equal(v.Data, c.want) {
			t.Errorf("%s: %d bytes, compressed %v, %v", name, len(v.Data), v.Compressed, err)
		}
	}
	data, _ := EncodeRecord(tb, false, []FieldValue{{Column: photo, Values: [][]byte{{6 << 3, 0, 0, 0}}, Compressed: true}})
	r, _ := db.DecodeRecord(context.Background(), tb, data)
	if _, err := r.Value(photo); !errors.Is(err, xpress.ErrUnknownScheme) {
		t.Errorf("Xpress10: %v", err)
	}
}
