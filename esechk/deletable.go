package esechk

import "slices"

// DeletableBelow returns the generation below which numbered logs may be
// deleted (KB Q296787, backup step 6): the checkpoint generation. Every log with a
// generation strictly below it has been flushed into the databases and is
// no longer needed by soft recovery; the checkpoint's own log, and every
// later one, is still needed. Deleting logs is safe only once they are
// backed up: roll-forward from an older database backup needs them all.
// A zero checkpoint gives 0: nothing may be deleted.
func (c *Checkpoint) DeletableBelow() int32 {
	if c.Checkpoint.Generation <= 0 {
		return 0
	}
	return c.Checkpoint.Generation
}

// DeletableLogs returns, in ascending order without duplicates, the
// generations of gens that lie strictly below checkpointGen: the numbered
// logs that may be removed once backed up. The checkpoint generation itself
// is never in the result.
func DeletableLogs(gens []int32, checkpointGen int32) []int32 {
	var out []int32
	for _, g := range gens {
		if g > 0 && g < checkpointGen {
			out = append(out, g)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
