package redo

import (
	"testing"

	"github.com/esekit/esekit/internal/steadylog"
)

// steadySRUM is the clean SRUM database of Windows Server 2022 the module
// commits (4 KiB pages).
const steadySRUM = "museum-srum-server2022-apt-1daylater/SRUDB.dat"

// TestReplaceDInPlaceSteadySRUM is TestReplaceDInPlaceSteadyLog over a
// steady log written for the committed SRUM database (4 KiB pages).
func TestReplaceDInPlaceSteadySRUM(t *testing.T) {
	checkReplaceDInPlaceSteady(t, steadylog.Spec{DB: steadySRUM, Gen: 0x21, Sectors: 40, HotPages: 12, Sessions: 2, Seed: 5}, 4096)
}

// TestRedoRecordSteadyAllocsSRUM is TestRedoRecordSteadyAllocs over a
// steady log written for the committed SRUM database.
func TestRedoRecordSteadyAllocsSRUM(t *testing.T) {
	checkRedoRecordSteadyAllocs(t, steadylog.Spec{DB: steadySRUM, Gen: 0x21, Sectors: 24, HotPages: 12, Sessions: 2, Seed: 9}, 4096)
}
