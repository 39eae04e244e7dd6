package calc

import "testing"

// Parsing the words of valid rows must not allocate: a sheet has a million
// of them.
func TestParseWordsDoNotAllocate(t *testing.T) {
	for _, s := range []string{"weekly", "Semi-annual", "3 months", "MONTHLY", "2 years"} {
		if n := testing.AllocsPerRun(100, func() { ParseInterval(s) }); n != 0 {
			t.Errorf("ParseInterval(%q): %v allocations", s, n)
		}
	}
	for _, s := range []string{"Trial", "Cancelled", " active ", "FREE"} {
		if n := testing.AllocsPerRun(100, func() { ParseStatus(s) }); n != 0 {
			t.Errorf("ParseStatus(%q): %v allocations", s, n)
		}
	}
}
