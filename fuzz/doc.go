// Package fuzz holds the native Go fuzz targets over every esekit decoder.
// Each target is seeded from the real files of ../shared/corpus when that
// folder is present, and from small synthetic inputs otherwise. Run one with
//
//	go test -run='^$' -fuzz='^FuzzEseDBHeader$' -fuzztime=30s -fuzzminimizetime=1000x ./fuzz/
//
// and a campaign over all of them with fuzz/campaign.sh. .ci/run runs every
// target for 10 seconds (a few for longer) and fails one that runs fewer
// than 10,000 inputs.
//
// A target stays fast when:
//
//   - -fuzzminimizetime is an execution count. When a time-bound
//     minimisation runs out, as it always does on a kilobyte-sized input,
//     the engine restarts the worker process and drops the executions it
//     made.
//   - Seeds are small and few: a header page, a page built from its start
//     and its tag array, the first segments of a log, a handful of records
//     per type. Each seed is a round trip to a worker before fuzzing
//     starts, and every mutation of a large seed is as large.
//   - The target bounds its input where the format allows (the walk
//     targets take at most 16 log segments) and does not copy what it only
//     reads (the planner target copies a file only when it corrupts it).
//   - Work that waits for the disk goes to TMPDIR, which .ci/run and
//     campaign.sh put on a memory file system: recovery syncs every file
//     it writes.
package fuzz
