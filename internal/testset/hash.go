package testset

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
)

// HashDir returns the SHA-256 of every regular file of dir, by name: taken
// before and after a run, it proves the run wrote none of them.
func HashDir(tb testing.TB, dir string) map[string][32]byte {
	tb.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string][32]byte{}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		out[e.Name()] = sha256.Sum256(b)
	}
	return out
}
