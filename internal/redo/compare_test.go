package redo

import "testing"

// comparePages is ComparePages failing the test for each problem.
func comparePages(t *testing.T, got, real []byte, ps int, lastPgno uint32) PageComparison {
	t.Helper()
	c, problems := ComparePages(got, real, ps, lastPgno)
	for _, p := range problems {
		t.Error(p)
	}
	return c
}

// checkComparison fails the test when got differs from want.
func checkComparison(t *testing.T, got, want PageComparison) {
	t.Helper()
	for _, m := range got.Mismatch(want) {
		t.Error(m)
	}
}

// checkLaidOutAlike fails the test for each page of pgnos that is not
// laid out exactly as the real page (NotLaidOutAlike). The catalog pages
// of the implicit create, and the logged changes over them, come out byte
// for byte like the engine's, checksums aside.
func checkLaidOutAlike(t *testing.T, got, real []byte, ps int, pgnos []uint32) {
	t.Helper()
	for _, m := range NotLaidOutAlike(got, real, ps, pgnos) {
		t.Error(m)
	}
}
