package calc

// blockBits sets the rows per block of a rowStore: 2¹⁶ rows, 2.5 MB.
const blockBits = 16

// rowStore holds rows in fixed-size blocks. Appending never copies rows
// already stored, which on a million-row sheet saves re-copying (and
// faulting in) the whole table each time a single slice would double.
type rowStore struct {
	blocks [][]row
	n      int
}

func (s *rowStore) len() int { return s.n }

func (s *rowStore) append(r row) {
	if s.n>>blockBits == len(s.blocks) {
		s.blocks = append(s.blocks, make([]row, 0, 1<<blockBits))
	}
	last := &s.blocks[len(s.blocks)-1]
	*last = append(*last, r)
	s.n++
}

func (s *rowStore) at(i int32) *row {
	return &s.blocks[i>>blockBits][i&(1<<blockBits-1)]
}
