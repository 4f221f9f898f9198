package files

import (
	"crypto/sha256"
	"io"
	"os"
	"sync/atomic"
)

// copyHashed copies src into f and returns the SHA-256 of what it copied. Reading the
// network, hashing and writing the disk run side by side on a few 1 MB buffers, and the
// kernel is asked to start writing each buffer back at once, so the final fsync has
// little left to do. Memory stays at depth × copyBuffer whatever the file's size.
func copyHashed(f *os.File, src io.Reader) ([]byte, int64, error) {
	const depth = 4
	free := make(chan *chunk, depth)
	for range depth {
		free <- &chunk{buf: make([]byte, copyBuffer)}
	}
	release := func(c *chunk) {
		if c.refs.Add(-1) == 0 {
			free <- c
		}
	}
	hashQ, writeQ := make(chan *chunk, depth), make(chan *chunk, depth)
	h := sha256.New()
	hashed := make(chan struct{})
	go func() {
		defer close(hashed)
		for c := range hashQ {
			h.Write(c.buf[:c.n])
			release(c)
		}
	}()
	written := make(chan error, 1)
	go func() {
		var err error
		var off int64
		for c := range writeQ {
			if err == nil {
				if _, err = f.Write(c.buf[:c.n]); err == nil {
					startWriteback(f, off, c.n)
					off += int64(c.n)
				}
			}
			release(c)
		}
		written <- err
	}()

	var total int64
	var readErr error
	for {
		c := <-free
		n, err := fill(src, c.buf)
		c.n, total = n, total+int64(n)
		if n > 0 {
			c.refs.Store(2)
			hashQ <- c
			writeQ <- c
		} else {
			free <- c
		}
		if err != nil {
			if err != io.EOF {
				readErr = err
			}
			break
		}
	}
	close(hashQ)
	close(writeQ)
	<-hashed
	if err := <-written; err != nil && readErr == nil {
		readErr = err
	}
	if readErr != nil {
		return nil, total, readErr
	}
	return h.Sum(nil), total, nil
}

type chunk struct {
	buf  []byte
	n    int
	refs atomic.Int32 // the hasher and the writer each release it once
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
