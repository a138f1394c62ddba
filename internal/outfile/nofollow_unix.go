//go:build unix

package outfile

import "syscall"

// oNoFollow makes open fail on a symbolic link at the last component.
const oNoFollow = syscall.O_NOFOLLOW
