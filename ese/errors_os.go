package ese

import (
	"errors"
	"io"
	"io/fs"
	"syscall"
)

// CodeOf returns the engine code for err: the Error it wraps, if any;
// otherwise the code the engine gives the operating-system failure it
// wraps, as its mapping of Win32 errors does (dev/ese/src/os/error.cxx,
// ErrOSErrFromWin32Err): a file that exists is ErrFileAlreadyExists, a
// missing one ErrFileNotFound, a denied access ErrFileAccessDenied, a full
// disk ErrDiskFull, a path of the wrong kind ErrInvalidPath, a read past the end ErrFileIOBeyondEOF, any other I/O
// failure ErrDiskIO. Anything else is ErrInternalError, the engine's
// default. CodeOf(nil) is 0 (JET_errSuccess), and no other error maps to 0.
func CodeOf(err error) Error {
	var e Error
	switch {
	case err == nil:
		return 0
	case errors.As(err, &e) && e != 0:
		return e
	case errors.Is(err, fs.ErrExist):
		return ErrFileAlreadyExists
	case errors.Is(err, fs.ErrNotExist):
		return ErrFileNotFound
	case errors.Is(err, fs.ErrPermission):
		return ErrFileAccessDenied
	case errors.Is(err, syscall.ENOSPC):
		return ErrDiskFull
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		return ErrOutOfFileHandles
	case errors.Is(err, syscall.ENOMEM):
		return ErrOutOfMemory
	case errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.EISDIR), errors.Is(err, syscall.ENAMETOOLONG):
		return ErrInvalidPath
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return ErrFileIOBeyondEOF
	}
	var pe *fs.PathError
	if errors.As(err, &pe) || errors.Is(err, syscall.EIO) {
		return ErrDiskIO
	}
	return ErrInternalError
}
