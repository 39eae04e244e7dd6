package calc

// blockBits sets the items per block of a chunks: 2¹⁶.
const blockBits = 16

// chunks is an append-only list kept in fixed-size blocks. Appending never
// copies what is already stored, which on a million-row sheet saves
// re-copying (and faulting in fresh memory for) the whole table each time a
// single slice would double.
type chunks[T any] struct {
	blocks [][]T
	n      int
}

func (s *chunks[T]) len() int { return s.n }

func (s *chunks[T]) append(v T) {
	switch {
	case len(s.blocks) == 0:
		// A small sheet should not pay for a whole block: the first one
		// starts small and grows like a slice until it is full.
		s.blocks = append(s.blocks, make([]T, 0, 256))
	case len(s.blocks[len(s.blocks)-1]) == 1<<blockBits:
		s.blocks = append(s.blocks, make([]T, 0, 1<<blockBits))
	}
	last := &s.blocks[len(s.blocks)-1]
	*last = append(*last, v)
	s.n++
}

func (s *chunks[T]) at(i int32) *T {
	return &s.blocks[i>>blockBits][i&(1<<blockBits-1)]
}
