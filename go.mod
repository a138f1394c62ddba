module github.com/esekit/esekit

go 1.24.0

require (
	github.com/dsnet/golib v0.0.0-20171103203638-1ea166775780
	github.com/google/go-cmp v0.7.0
	golang.org/x/exp v0.0.0-20260209203927-2842357ff358
)
