// Package fuzz holds the native Go fuzz targets over every esekit decoder.
// Each target is seeded from the real files of ../shared/corpus when that
// folder is present, and from small synthetic inputs otherwise. Run one with
//
//	go test -run='^$' -fuzz='^FuzzEseDBHeader$' -fuzztime=30s ./fuzz/
//
// .ci/run runs every target for 10 seconds.
package fuzz
