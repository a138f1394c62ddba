package main

// patchHeaderObject reports a patch file. The esepatch package has not
// landed yet, so its fields say so.
func patchHeaderObject(in input, id identity) any {
	return otherHeaderJSON{identity: id, Header: notDecoded}
}
