package sheets

// prefetcher reads rows ahead of the decoder on a second goroutine, in
// batches. Splitting CSV parsing from decoding and adding to the book lets
// a large file use both of a small machine's cores; each batch hands over
// many rows at once, so the channels cost little per row.
//
// The rows it hands out stay valid until the following call to Next that
// starts a new batch; the Cell texts themselves are never reused, since
// every source allocates them per row.
type prefetcher struct {
	full chan *batch
	free chan *batch
	done chan struct{}
	cur  *batch
	pos  int
}

type batch struct {
	rows  []int
	ends  []int // ends[i] is where row i's cells end in cells
	cells []Cell
	err   error // the reader's error after these rows, if any
}

const (
	prefetchRows    = 512
	prefetchBatches = 3
)

// prefetch starts reading r ahead. Close must be called when done.
func prefetch(r RowReader) *prefetcher {
	p := &prefetcher{
		full: make(chan *batch, prefetchBatches),
		free: make(chan *batch, prefetchBatches),
		done: make(chan struct{}),
	}
	for range prefetchBatches {
		p.free <- &batch{}
	}
	go p.fill(r)
	return p
}

func (p *prefetcher) fill(r RowReader) {
	for {
		var b *batch
		select {
		case b = <-p.free:
		case <-p.done:
			return
		}
		b.rows, b.ends, b.cells, b.err = b.rows[:0], b.ends[:0], b.cells[:0], nil
		for len(b.rows) < prefetchRows {
			row, cells, err := r.Next()
			if err != nil {
				b.err = err
				break
			}
			if b.cells == nil {
				// Size the batch once, from the first row's width.
				b.rows = make([]int, 0, prefetchRows)
				b.ends = make([]int, 0, prefetchRows)
				b.cells = make([]Cell, 0, prefetchRows*max(len(cells), 8))
			}
			b.rows = append(b.rows, row)
			b.cells = append(b.cells, cells...)
			b.ends = append(b.ends, len(b.cells))
		}
		select {
		case p.full <- b:
		case <-p.done:
			return
		}
		if b.err != nil {
			return
		}
	}
}

// Next returns the next row, or the reader's error once its rows are out.
func (p *prefetcher) Next() (int, []Cell, error) {
	for p.cur == nil || p.pos == len(p.cur.rows) {
		if p.cur != nil {
			if p.cur.err != nil {
				return 0, nil, p.cur.err
			}
			p.free <- p.cur
		}
		p.cur, p.pos = <-p.full, 0
	}
	i := p.pos
	p.pos++
	start := 0
	if i > 0 {
		start = p.cur.ends[i-1]
	}
	return p.cur.rows[i], p.cur.cells[start:p.cur.ends[i]:p.cur.ends[i]], nil
}

// Close stops the reading goroutine.
func (p *prefetcher) Close() { close(p.done) }
