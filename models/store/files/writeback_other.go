//go:build !linux

package files

// startWriteback is a Linux-only hint; elsewhere the final fsync does all the work.
func startWriteback(tempFile, int64, int) {}
