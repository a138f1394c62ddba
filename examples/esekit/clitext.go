package main

import (
	"regexp"
	"strings"
)

// libraryWords maps the library's option names, which its messages use, to
// the flags that set them: the CLI's text names flags, never Go fields.
var libraryWords = strings.NewReplacer(
	"set Overwrite", "give -overwrite",
	"RecoverOptions.CreateMissing is off", "-create is not given",
	"RecoverOptions.CreateMissing is set", "-create is given",
	"RecoverOptions.CreateMissing", "-create",
	"RecoverOptions.OutDir", "-out",
	"RecoverOptions.MaxFileBytes", "-max-size",
	"RecoverOptions.CacheBytes", "-cache",
	"Options.RestoreMap", "-map",
	"use InPlace to recover in place", "name another -out folder",
)

// packagePrefix is the "ese: " a library error starts with, at the start of
// a message or after the ": " of the message it is wrapped in.
var packagePrefix = regexp.MustCompile(`(^|: )(ese|eselog|esechk|esepatch|recovery|rip): `)

// cliText rewrites a library message for the command line: flags for
// option names, no package prefixes.
func cliText(s string) string {
	return packagePrefix.ReplaceAllString(libraryWords.Replace(s), "$1")
}

// cliTexts rewrites each message of a list; nil stays nil.
func cliTexts(ss []string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = cliText(s)
	}
	return out
}
