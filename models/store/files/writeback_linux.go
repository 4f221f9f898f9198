package files

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to begin writing a just-written range to disk without
// waiting for it, so data flows to the disk during the upload rather than all at the
// fsync. It is only a hint: an error changes nothing, the fsync still guarantees.
func startWriteback(w tempFile, off int64, n int) {
	if f, ok := w.(*os.File); ok {
		_ = unix.SyncFileRange(int(f.Fd()), off, int64(n), unix.SYNC_FILE_RANGE_WRITE)
	}
}
