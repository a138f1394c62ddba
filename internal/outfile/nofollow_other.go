//go:build !unix

package outfile

// oNoFollow is 0 where open has no such flag; O_EXCL still refuses an
// existing link.
const oNoFollow = 0
