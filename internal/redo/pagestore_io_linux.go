//go:build linux

package redo

import (
	"os"
	"syscall"
	"unsafe"
)

// maxIovecs is the kernel's limit on the buffers of one pwritev (IOV_MAX).
const maxIovecs = 1024

// osFileOf returns the *os.File under a page file, or nil.
func osFileOf(f PageFile) *os.File {
	switch v := f.(type) {
	case *os.File:
		return v
	case noSyncFile:
		return v.f
	}
	return nil
}

// vectorWriterOf returns a gathered writer (pwritev) for a page store over
// an *os.File, or nil.
func vectorWriterOf(f PageFile) vectorWriter {
	osf := osFileOf(f)
	if osf == nil {
		return nil
	}
	rc, err := osf.SyscallConn()
	if err != nil {
		return nil
	}
	// A file opened for appending would ignore the offsets (WriteAt
	// refuses such files; so does the store, through WriteAt).
	appending := true
	if rc.Control(func(fd uintptr) {
		flags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_GETFL, 0)
		appending = errno != 0 || flags&syscall.O_APPEND != 0
	}) != nil || appending {
		return nil
	}
	return func(bufs [][]byte, off int64) error {
		for len(bufs) > 0 {
			iov := make([]syscall.Iovec, 0, min(len(bufs), maxIovecs))
			for _, b := range bufs[:cap(iov)] {
				if len(b) == 0 {
					continue
				}
				v := syscall.Iovec{Base: &b[0]}
				v.SetLen(len(b))
				iov = append(iov, v)
			}
			if len(iov) == 0 {
				return nil
			}
			var n uintptr
			var errno syscall.Errno
			err := rc.Write(func(fd uintptr) bool {
				for {
					// pwritev(fd, iov, iovcnt, pos_l, pos_h): the kernel
					// joins the two halves; on 64-bit systems pos_l holds
					// the whole offset and the high half is ignored.
					n, _, errno = syscall.Syscall6(syscall.SYS_PWRITEV, fd,
						uintptr(unsafe.Pointer(&iov[0])), uintptr(len(iov)),
						uintptr(off), uintptr(uint64(off)>>32), 0)
					if errno != syscall.EINTR {
						return true
					}
				}
			})
			if err != nil {
				return err
			}
			if errno != 0 {
				return &os.PathError{Op: "pwritev", Path: osf.Name(), Err: errno}
			}
			if n == 0 {
				return &os.PathError{Op: "pwritev", Path: osf.Name(), Err: syscall.EIO}
			}
			// Drop what was written; a short write resumes inside a buffer.
			off += int64(n)
			for n > 0 && len(bufs) > 0 {
				if uintptr(len(bufs[0])) <= n {
					n -= uintptr(len(bufs[0]))
					bufs = bufs[1:]
					continue
				}
				bufs = append([][]byte{bufs[0][n:]}, bufs[1:]...)
				n = 0
			}
		}
		return nil
	}
}
