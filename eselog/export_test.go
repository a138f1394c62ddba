package eselog

// Helpers of the package's own tests, for the external test package's
// tests of generated logs.
var (
	Walk                  = walk
	CheckRechecksSegments = checkRechecksSegments
	CheckReaderCancel     = checkReaderCancel
	Mutate                = mutate
)
