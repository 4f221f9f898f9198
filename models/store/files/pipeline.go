package files

import (
	"crypto/sha256"
	"io"
	"sync"
	"sync/atomic"
)

// copyHashed copies src into f, syncs f, and returns the SHA-256 of what it wrote; more
// than limit bytes fail with ErrTooLarge. Three goroutines share the work so a large
// upload runs at the speed of its slowest part, not of their sum: this one reads the
// network into a few 1 MB buffers; a writer writes each to the file, asks the kernel to
// start writing back at once, fsyncs in the background every earlySyncEvery bytes, hands
// the buffer on, and fsyncs the whole file once the last byte is written; a hasher
// hashes each buffer after the writer has written it, straight from memory (reading it
// back from the page cache would cost one more copy of the whole file), and frees it for
// the next read. The hashing of the last buffers overlaps the fsync. Memory stays at
// depth × copyBuffer whatever the file's size.
//
// However it ends (the end of src, an error on either side, or a panic in src.Read),
// copyHashed returns only after the writer, the hasher and the background fsyncs have
// ended, and gives every buffer back to the pool: a failed upload leaks nothing. A
// failed write stops the reading at once, so a full disk is not read to the end of a
// 200 MB upload first.
func copyHashed(f tempFile, src io.Reader, limit int64) (sum []byte, total int64, err error) {
	const depth = 6
	free := make(chan []byte, depth)
	full, written := make(chan []byte, depth), make(chan []byte, depth)
	for range depth {
		free <- getBuffer()
	}
	var aborted, failed atomic.Bool
	var wg sync.WaitGroup
	wg.Add(2)

	synced := make(chan error, 1)
	go func() { // the writer
		defer wg.Done()
		early := startEarlySyncs(f)
		var err error
		var off, kicked int64
		for b := range full {
			if err == nil && !aborted.Load() {
				if _, err = f.Write(b); err == nil {
					startWriteback(f, off, len(b))
					off += int64(len(b))
					if off-kicked >= earlySyncEvery {
						early.kick()
						kicked = off
					}
				} else {
					failed.Store(true)
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
		defer wg.Done()
		h := sha256.New()
		for b := range written {
			if !aborted.Load() {
				h.Write(b)
			}
			free <- b[:cap(b)]
		}
		hashed <- h.Sum(nil)
	}()

	closed := false
	defer func() { // also on a panic in src.Read: end both goroutines, return the buffers
		if !closed {
			aborted.Store(true)
			close(full)
		}
		wg.Wait()
		for range len(free) {
			putBuffer(<-free)
		}
	}()

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
		if err == nil && total > limit {
			err = ErrTooLarge
		}
		if err == nil && failed.Load() {
			break // the writer's error is the answer
		}
		if err != nil {
			if err != io.EOF {
				readErr = err
				aborted.Store(true)
			}
			break
		}
	}
	if readErr == nil && total > limit {
		readErr = ErrTooLarge
		aborted.Store(true)
	}
	closed = true
	close(full)
	werr := <-synced
	sum = <-hashed
	switch {
	case werr != nil:
		// a write that failed is the server's fault, whatever the reading met after it
		return nil, total, storageErr("writing the upload", werr)
	case readErr != nil:
		return nil, total, readErr
	}
	return sum, total, nil
}

// tempFile is what copyHashed writes to: an *os.File, or in tests one whose writes fail.
type tempFile interface {
	io.Writer
	Sync() error
}

// buffers keeps the copy buffers between uploads: 6 MB per upload need not be new
// garbage each time.
var buffers = sync.Pool{New: func() any { b := make([]byte, copyBuffer); return &b }}

func getBuffer() []byte { return *(buffers.Get().(*[]byte)) }

func putBuffer(b []byte) {
	if cap(b) == copyBuffer {
		b = b[:copyBuffer]
		buffers.Put(&b)
	}
}

// earlySyncEvery is how much is written between fsyncs started during the upload. An
// fsync's cost grows with what it has to flush (here some 80 ms for 200 MB, mostly the
// disk's own cache flush, on top of the writeback); syncing as the file arrives leaves
// the final fsync, which still covers the whole file, only the last few megabytes.
const earlySyncEvery = 16 << 20

// earlySyncs runs fsyncs in the background while the writer goes on writing, at most
// one at a time: a kick while one runs is merged into the next.
type earlySyncs struct {
	f     tempFile
	kicks chan struct{}
	done  chan error
}

func startEarlySyncs(f tempFile) *earlySyncs {
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
