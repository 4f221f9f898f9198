package files

import (
	"errors"
	"io"
)

// ErrTooLarge is returned by a Checked reader once more than its limit has been read.
var ErrTooLarge = errors.New("files: upload over the size limit")

// Checked wraps an upload: it fails with ErrTooLarge past limit bytes, keeps the first
// headSize and last tailSize bytes, and at the end calls check on them. A failing check
// replaces io.EOF with its error, so the Store sees a failed read and keeps nothing: a
// refused file never reaches its final name.
type Checked struct {
	r     io.Reader
	limit int64
	n     int64
	head  []byte
	tail  ring
	check func(head, tail []byte, size int64) error
	err   error
}

// NewChecked builds the wrapper.
func NewChecked(r io.Reader, limit int64, headSize, tailSize int, check func(head, tail []byte, size int64) error) *Checked {
	return &Checked{r: r, limit: limit, head: make([]byte, 0, headSize), tail: ring{buf: make([]byte, tailSize)}, check: check}
}

// Size is the number of bytes read so far.
func (c *Checked) Size() int64 { return c.n }

func (c *Checked) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	// Filling p before looking at it means the tail is copied once per large read
	// rather than once per network read: of a 1 MB read only the last tailSize bytes.
	n, err := fill(c.r, p)
	c.n += int64(n)
	if c.n > c.limit {
		c.err = ErrTooLarge
		return 0, c.err
	}
	if room := cap(c.head) - len(c.head); room > 0 {
		c.head = append(c.head, p[:min(n, room)]...)
	}
	c.tail.write(p[:n])
	if err == io.EOF {
		if cerr := c.check(c.head, c.tail.bytes(), c.n); cerr != nil {
			c.err = cerr
			return 0, cerr
		}
	}
	if err != nil {
		c.err = err
	}
	return n, err
}

// ring keeps the last len(buf) bytes written.
type ring struct {
	buf   []byte
	start int // index of the oldest byte once full
	full  bool
	n     int
}

func (r *ring) write(p []byte) {
	size := len(r.buf)
	if len(p) >= size {
		copy(r.buf, p[len(p)-size:])
		r.start, r.full, r.n = 0, true, size
		return
	}
	for len(p) > 0 {
		end := (r.start + r.n) % size
		if r.full {
			end = r.start
		}
		k := copy(r.buf[end:], p)
		p = p[k:]
		if r.full {
			r.start = (r.start + k) % size
		} else {
			r.n += k
			if r.n == size {
				r.full, r.start = true, 0
			}
		}
	}
}

func (r *ring) bytes() []byte {
	if !r.full {
		return append([]byte(nil), r.buf[:r.n]...)
	}
	return append(append([]byte(nil), r.buf[r.start:]...), r.buf[:r.start]...)
}
