package recovery

import "testing"

// TestReplaceDInPlaceSteadySRUM is TestReplaceDInPlaceSteadyLog over a
// steady log written for the committed SRUM database (4 KiB pages).
func TestReplaceDInPlaceSteadySRUM(t *testing.T) {
	checkReplaceDInPlaceSteady(t, steadySpec{DB: steadySRUM, Gen: 0x21, Sectors: 40, HotPages: 12, Sessions: 2, Seed: 5}, 4096)
}

// TestRedoRecordSteadyAllocsSRUM is TestRedoRecordSteadyAllocs over a
// steady log written for the committed SRUM database.
func TestRedoRecordSteadyAllocsSRUM(t *testing.T) {
	checkRedoRecordSteadyAllocs(t, steadySpec{DB: steadySRUM, Gen: 0x21, Sectors: 24, HotPages: 12, Sessions: 2, Seed: 9}, 4096)
}
