package files

import (
	"crypto/sha256"
	"io"
	"os"
	"sync"
	"sync/atomic"
)

// copyHashed copies src into f, syncs f, and returns the SHA-256 of what it wrote. Three
// goroutines share the work so a large upload runs at the speed of its slowest part,
// not of their sum: this one reads the network into a few 1 MB buffers; a writer writes
// them to the file, asks the kernel to start writing back at once, and fsyncs as soon as
// the last byte is written; a hasher reads the written bytes back from the page cache
// (pread, behind the writer) and hashes them, so the fsync's fixed cost overlaps the
// hashing. Memory stays at (depth+1) × copyBuffer whatever the file's size.
func copyHashed(f *os.File, src io.Reader) ([]byte, int64, error) {
	const depth = 4
	free, full := make(chan []byte, depth), make(chan []byte, depth)
	for range depth {
		free <- make([]byte, copyBuffer)
	}
	var aborted atomic.Bool
	p := &progress{}
	p.cond = sync.NewCond(&p.mu)

	written := make(chan error, 1)
	go func() { // the writer
		var err error
		var off int64
		for b := range full {
			if err == nil {
				if _, err = f.Write(b); err == nil {
					startWriteback(f, off, len(b))
					off += int64(len(b))
					p.advance(off)
				}
			}
			free <- b[:cap(b)]
		}
		if err == nil && !aborted.Load() {
			err = f.Sync()
		}
		p.finish(err)
		written <- err
	}()

	type digest struct {
		sum []byte
		err error
	}
	hashed := make(chan digest, 1)
	go func() { // the hasher, reading back what the writer wrote
		h := sha256.New()
		buf := make([]byte, copyBuffer)
		var at int64
		for {
			target, done, err := p.wait(at)
			if err != nil || aborted.Load() {
				hashed <- digest{err: err}
				return
			}
			for at < target {
				n := min(int64(len(buf)), target-at)
				if _, err := f.ReadAt(buf[:n], at); err != nil {
					hashed <- digest{err: err}
					return
				}
				h.Write(buf[:n])
				at += n
			}
			if done {
				hashed <- digest{sum: h.Sum(nil)}
				return
			}
		}
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
	werr := <-written
	d := <-hashed
	switch {
	case readErr != nil:
		return nil, total, readErr
	case werr != nil:
		return nil, total, werr
	case d.err != nil:
		return nil, total, d.err
	}
	return d.sum, total, nil
}

// progress is how far the writer has got, for the hasher to follow.
type progress struct {
	mu   sync.Mutex
	cond *sync.Cond
	off  int64
	done bool
	err  error
}

func (p *progress) advance(off int64) {
	p.mu.Lock()
	p.off = off
	p.mu.Unlock()
	p.cond.Signal()
}

func (p *progress) finish(err error) {
	p.mu.Lock()
	p.done, p.err = true, err
	p.mu.Unlock()
	p.cond.Signal()
}

// wait blocks until the writer is past at or has finished.
func (p *progress) wait(at int64) (off int64, done bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.off <= at && !p.done {
		p.cond.Wait()
	}
	return p.off, p.done, p.err
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
