package recovery

import (
	"fmt"
	"strings"

	"github.com/esekit/esekit/ese"
)

// ErrSameOutputName is wrapped by the refusal of a plan in which two
// databases would be written under one output name: two input files of
// the same file name in different folders, both recovered into one
// OutDir. Recovery refuses it before writing anything, as the engine
// cannot attach two databases at one path either. It carries
// ese.ErrInvalidParameter (JET_errInvalidParameter, -1003): the inputs
// given, not a database, are at fault. Recover them in separate runs (or
// into separate folders).
var ErrSameOutputName = ese.NewSentinel("two databases have the same output name", ese.ErrInvalidParameter)

// checkOutputNames refuses two databases of the plan that would be
// written to the same output path. Names are compared without regard to
// case, as they are on the file systems the logs come from.
func checkOutputNames(plan *Plan, o *RecoverOptions) error {
	seen := map[string]string{}
	for i := range plan.Databases {
		pd := &plan.Databases[i]
		if pd.Action == ActionFail || o.InPlace && pd.Action != ActionReplay && pd.Action != ActionTruncate {
			continue // nothing is written for it (prepare)
		}
		out, _, err := outputPaths(pd.File, o)
		if err != nil {
			continue // prepare reports it
		}
		key := strings.ToLower(out)
		if first, ok := seen[key]; ok {
			return fmt.Errorf("recovery: the databases %s and %s would both be written as %s: recover them separately: %w", first, pd.File, out, ErrSameOutputName)
		}
		seen[key] = pd.File
	}
	return nil
}
