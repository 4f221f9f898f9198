package files

import (
	"crypto/sha256"
	"io"
	"os"
	"sync/atomic"
)

// copyHashed copies src into f, syncs f, and returns the SHA-256 of what it wrote. Three
// goroutines share the work so a large upload runs at the speed of its slowest part,
// not of their sum: this one reads the network into a few 1 MB buffers; a writer writes
// each to the file, asks the kernel to start writing back at once, fsyncs in the
// background every earlySyncEvery bytes, hands the buffer on, and fsyncs the whole file
// once the last byte is written; a hasher hashes each buffer after the
// writer has written it, straight from memory (reading it back from the page cache
// would cost one more copy of the whole file), and frees it for the next read. The
// hashing of the last buffers overlaps the fsync. Memory stays at depth × copyBuffer
// whatever the file's size.
func copyHashed(f *os.File, src io.Reader) ([]byte, int64, error) {
	const depth = 6
	free := make(chan []byte, depth)
	full, written := make(chan []byte, depth), make(chan []byte, depth)
	for range depth {
		free <- make([]byte, copyBuffer)
	}
	var aborted atomic.Bool

	synced := make(chan error, 1)
	go func() { // the writer
		early := startEarlySyncs(f)
		var err error
		var off, kicked int64
		for b := range full {
			if err == nil {
				if _, err = f.Write(b); err == nil {
					startWriteback(f, off, len(b))
					off += int64(len(b))
					if off-kicked >= earlySyncEvery && !aborted.Load() {
						early.kick()
						kicked = off
					}
				}
			}
			written <- b
		}
		close(written)
		if serr := early.stop(); err == nil {
			err = serr
		}
		if err == nil && !aborted.Load() {
			err = f.Sync()
		}
		synced <- err
	}()

	hashed := make(chan []byte, 1)
	go func() { // the hasher, behind the writer
		h := sha256.New()
		for b := range written {
			h.Write(b)
			free <- b[:cap(b)]
		}
		hashed <- h.Sum(nil)
	}()

	var total int64
	var readErr error
	for {
		b := <-free
		n, err := fill(src, b)
		total += int64(n)
		if n > 0 {
			full <- b[:n]
		} else {
			free <- b
		}
		if err != nil {
			if err != io.EOF {
				readErr = err
				aborted.Store(true)
			}
			break
		}
	}
	close(full)
	werr := <-synced
	sum := <-hashed
	switch {
	case readErr != nil:
		return nil, total, readErr
	case werr != nil:
		return nil, total, werr
	}
	return sum, total, nil
}

// earlySyncEvery is how much is written between fsyncs started during the upload. An
// fsync's cost grows with what it has to flush (here some 80 ms for 200 MB, mostly the
// disk's own cache flush, on top of the writeback); syncing as the file arrives leaves
// the final fsync, which still covers the whole file, only the last few megabytes.
const earlySyncEvery = 16 << 20

// earlySyncs runs fsyncs in the background while the writer goes on writing, at most
// one at a time: a kick while one runs is merged into the next.
type earlySyncs struct {
	f     *os.File
	kicks chan struct{}
	done  chan error
}

func startEarlySyncs(f *os.File) *earlySyncs {
	e := &earlySyncs{f: f, kicks: make(chan struct{}, 1), done: make(chan error, 1)}
	go func() {
		var err error
		for range e.kicks {
			// Linux reports a writeback error to one fsync per open file only, so an
			// error here must fail the upload: the final fsync would not see it again.
			if serr := f.Sync(); err == nil {
				err = serr
			}
		}
		e.done <- err
	}()
	return e
}

func (e *earlySyncs) kick() {
	select {
	case e.kicks <- struct{}{}:
	default: // one is already waiting to run
	}
}

// stop waits for the running fsync and returns the first error any of them met.
func (e *earlySyncs) stop() error {
	close(e.kicks)
	return <-e.done
}

// fill reads until buf is full or src ends: a network body arrives in small reads, and
// writing each as it comes would cost a system call per few kilobytes.
func fill(src io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		k, err := src.Read(buf[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
