package recovery

import "github.com/esekit/esekit/internal/redo"

// ErrRedoNotImplemented is wrapped by the error recovery stops with when
// a page-touching log record is of a kind this package cannot redo yet
// (such as a page image compressed with Xpress10).
var ErrRedoNotImplemented = redo.ErrRedoNotImplemented

// DBTimeMismatchError is the error recovery stops with (wrapped) for a
// page whose dbtime is neither the log record's "before" dbtime nor
// already at or past its "after" dbtime (ErrLGRIReportDbtimeMismatch in
// dev/ese/src/ese/_log/logredo.cxx). errors.As finds it; its Err field is
// ese.ErrDBTimeTooOld (a lost flush), ese.ErrDBTimeTooNew or
// ese.ErrDBTimeBeyondMaxRequired, and errors.Is matches those codes.
type DBTimeMismatchError = redo.DBTimeMismatchError
