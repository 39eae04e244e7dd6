package calc

import (
	"slices"
	"testing"
)

// TestAllocate: the largest remainder method, in cents (unit 10⁷).
func TestAllocate(t *testing.T) {
	const c = 10_000_000 // a cent
	tests := []struct {
		name  string
		total Fixed
		exact []Fixed
		want  []Fixed
	}{
		{"exact cents", 300 * c, []Fixed{100 * c, 200 * c}, []Fixed{100 * c, 200 * c}},
		{"thirds: the largest remainder takes the cent", 100000 * c,
			[]Fixed{333333333333, 333333333333, 333333333334}, []Fixed{33333 * c, 33333 * c, 33334 * c}},
		{"equal remainders: the first takes the cent", 100000 * c,
			[]Fixed{333333333333, 333333333333, 333333333333}, []Fixed{33334 * c, 33333 * c, 33333 * c}},
		{"largest remainder", 101 * c, []Fixed{c/2 - 1, 100*c + c/2 + 1}, []Fixed{0, 101 * c}},
		{"a part worth nothing gets nothing", 1 * c, []Fixed{0, c / 2, c / 2}, []Fixed{0, c, 0}},
		{"nothing to share", 0, []Fixed{c / 4, c / 4}, []Fixed{0, 0}},
		// Converted one by one, the parts may add up to a little more than
		// the customer's total: a unit is taken back from the smallest
		// remainder.
		{"parts over the total", 2 * c, []Fixed{c + 1, c + 3}, []Fixed{c, c}},
		{"parts over the total, by a unit", 1 * c, []Fixed{c + 5, c + 1}, []Fixed{c, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := make([]Fixed, len(tt.exact))
			allocate(tt.total, tt.exact, got, c)
			if !slices.Equal(got, tt.want) {
				t.Errorf("allocate(%d, %v) = %v, want %v", tt.total, tt.exact, got, tt.want)
			}
		})
	}
}
