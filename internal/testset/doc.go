// Package testset builds small, complete and deterministic ESE file sets
// for tests, with the module's own encoders: modern (segmented) log files
// whose records sit where the engine's log writer puts them, log headers,
// checkpoints, and whole log sets of several generations. Every builder
// returns the bytes it wrote together with what they hold (record
// positions and types, generations, signatures), so that a test can state
// the values it expects instead of reading them from a real file. A set
// takes milliseconds to build; tests that need a property of
// Windows-written bytes keep using internal/testcorpus.
//
// testset depends on ese, eselog and esechk only, so that the tests of
// every other package (recovery's own included) can use it; the tests of
// those three packages use it from their external test packages.
package testset
