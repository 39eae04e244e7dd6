package sheets

import (
	"errors"
	"fmt"
	"io"
	"testing"
)

// countingReader yields n rows of two cells, then err.
type countingReader struct {
	n, i  int
	err   error
	cells []Cell
}

func (r *countingReader) Next() (int, []Cell, error) {
	if r.i == r.n {
		return 0, nil, r.err
	}
	r.i++
	// Reuse the slice, as CSVReader does: the prefetcher must copy.
	r.cells = append(r.cells[:0], Cell{Kind: Text, Text: fmt.Sprint(r.i)}, Cell{Kind: Text, Text: "x"})
	return r.i + 1, r.cells, nil
}

func TestPrefetchKeepsOrderAndError(t *testing.T) {
	boom := errors.New("boom")
	for _, n := range []int{0, 1, prefetchRows - 1, prefetchRows, 3*prefetchRows + 7} {
		for _, end := range []error{io.EOF, boom} {
			t.Run(fmt.Sprintf("%d rows then %v", n, end), func(t *testing.T) {
				p := prefetch(&countingReader{n: n, err: end})
				defer p.Close()
				for i := 1; i <= n; i++ {
					row, cells, err := p.Next()
					if err != nil {
						t.Fatalf("row %d: %v", i, err)
					}
					if row != i+1 || len(cells) != 2 || cells[0].Text != fmt.Sprint(i) {
						t.Fatalf("got row %d %v, want row %d starting %d", row, cells, i+1, i)
					}
				}
				for range 2 { // the error sticks
					if _, _, err := p.Next(); !errors.Is(err, end) {
						t.Fatalf("after the rows: %v, want %v", err, end)
					}
				}
			})
		}
	}
}

func TestPrefetchCloseEarly(t *testing.T) {
	p := prefetch(&countingReader{n: 10 * prefetchRows, err: io.EOF})
	if _, _, err := p.Next(); err != nil {
		t.Fatal(err)
	}
	p.Close() // the goroutine must not block forever; -race and the leak of a blocked send would show
}
