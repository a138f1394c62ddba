//go:build !linux

package eselog_test

import "testing"

// reportMaxRSS reports nothing where getrusage is missing.
func reportMaxRSS(*testing.B) {}
