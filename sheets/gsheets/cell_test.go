package gsheets

import (
	"strings"
	"testing"
	"unicode/utf16"
)

func TestFitCell(t *testing.T) {
	for _, c := range []struct {
		name  string
		in    string
		units int    // UTF-16 length of the result
		end   string // how it ends
	}{
		{"short", "acme", 4, "acme"},
		{"exactly the limit", strings.Repeat("a", MaxCellChars), MaxCellChars, "aaa"},
		{"over", strings.Repeat("a", 60_000), MaxCellChars, "a…"},
		{"multibyte at the limit", strings.Repeat("é", MaxCellChars), MaxCellChars, "ééé"},
		{"multibyte over", strings.Repeat("é", MaxCellChars+1), MaxCellChars, "é…"},
		// An emoji is two UTF-16 units: 30,000 of them are 60,000 units.
		{"astral", strings.Repeat("😀", 30_000), MaxCellChars - 1, "😀…"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := fitCell(c.in)
			if n := len(utf16.Encode([]rune(got))); n != c.units {
				t.Errorf("%d UTF-16 units, want %d", n, c.units)
			}
			if !strings.HasSuffix(got, c.end) || !strings.HasPrefix(c.in, strings.TrimSuffix(got, "…")) {
				t.Errorf("fitCell = …%q, want the start of the text ending in %q", got[max(0, len(got)-12):], c.end)
			}
		})
	}
}
