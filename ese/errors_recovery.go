package ese

// ErrLogOperationInconsistentWithDatabase is JET_errLogOperationInconsistentWithDatabase
// (published/inc/jethdr.w): a log record cannot be applied to the current
// state of a page (for example a Scrub record that lists a scrub operation
// for a different number of lines than the page holds).
const ErrLogOperationInconsistentWithDatabase Error = -626
