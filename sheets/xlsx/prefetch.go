package xlsx

import (
	"io"
	"sync"
)

// prefetchMin is the size of a part, unpacked, from which the reader
// unpacks it on a goroutine of its own while it scans: on two cores
// inflating and scanning take turns no more.
const prefetchMin = 4 << 20

// prefetchChunk is how much the goroutine unpacks at a time; it runs at
// most prefetchAhead chunks ahead of the scanner.
const (
	prefetchChunk = 256 << 10
	prefetchAhead = 4
)

// prefetcher reads r on a goroutine of its own, ahead of its reader.
type prefetcher struct {
	r      io.ReadCloser
	chunks chan []byte // filled chunks, in order
	free   chan []byte // chunks read, to fill again
	done   chan struct{}
	wg     sync.WaitGroup
	err    error  // the error that ended the reading, once chunks is closed
	chunk  []byte // the chunk being read
	cur    []byte // what is left of it
	closed bool
}

// prefetch returns a reader of r that reads it ahead on a goroutine.
// Closing it stops the goroutine, then closes r.
func prefetch(r io.ReadCloser) io.ReadCloser {
	p := &prefetcher{
		r:      r,
		chunks: make(chan []byte, prefetchAhead),
		free:   make(chan []byte, prefetchAhead+2),
		done:   make(chan struct{}),
	}
	for range prefetchAhead + 2 {
		p.free <- make([]byte, prefetchChunk)
	}
	p.wg.Add(1)
	go p.run()
	return p
}

func (p *prefetcher) run() {
	defer p.wg.Done()
	defer close(p.chunks)
	for {
		var buf []byte
		select {
		case buf = <-p.free:
		case <-p.done:
			return
		}
		n, err := io.ReadFull(p.r, buf[:cap(buf)])
		if n > 0 {
			select {
			case p.chunks <- buf[:n]:
			case <-p.done:
				return
			}
		}
		if err != nil {
			if err == io.ErrUnexpectedEOF {
				err = io.EOF // a short last chunk
			}
			p.err = err
			return
		}
	}
}

func (p *prefetcher) Read(b []byte) (int, error) {
	for len(p.cur) == 0 {
		chunk, ok := <-p.chunks
		if !ok {
			return 0, p.err // set before chunks was closed
		}
		p.chunk, p.cur = chunk, chunk
	}
	n := copy(b, p.cur)
	p.cur = p.cur[n:]
	if len(p.cur) == 0 {
		// The chunk is read: hand it back to be filled again.
		p.free <- p.chunk[:cap(p.chunk)]
		p.chunk = nil
	}
	return n, nil
}

func (p *prefetcher) Close() error {
	if !p.closed {
		p.closed = true
		close(p.done)
		p.wg.Wait()
	}
	return p.r.Close()
}
