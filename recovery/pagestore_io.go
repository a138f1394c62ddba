package recovery

// vectorWriter writes bufs one after the other at off with as few system
// calls as it can (a gathered write), or returns an error.
type vectorWriter func(bufs [][]byte, off int64) error
