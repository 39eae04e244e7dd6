package calc_test

import (
	"strings"
	"testing"

	"github.com/mrrbot/mrrbot/calc"
)

// TestOverflowWarningNamesTheRow: two rows of one customer at 5e9 a month
// each fit a Fixed, their sum does not. The warning names the row that
// did not fit, as the spreadsheet numbers it, not row 0.
func TestOverflowWarningNamesTheRow(t *testing.T) {
	b, err := calc.NewBook("USD", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []calc.Subscription{
		sub(2, "big", "A", "5000000000", "2025-01-01", ""),
		sub(7, "big", "B", "5000000000", "2025-02-01", ""),
	} {
		if err := b.Add(&s); err != nil {
			t.Fatal(err)
		}
	}
	res := b.Compute(day("2025-03-31"))
	if len(res.Warnings) == 0 {
		t.Fatal("no warning for an MRR past the range of a Fixed")
	}
	w := res.Warnings[0]
	if w.Row != 7 || w.Column != calc.FieldAmount || !strings.Contains(w.Message, `customer "big"`) || !strings.Contains(w.Message, "9223372036.85") {
		t.Errorf("warning = %+v, want row 7, amount, naming customer big and the limit", w)
	}
}

// TestParseFixedExact: digits past the ninth decimal place are refused
// rather than rounded away, unless they are zeros.
func TestParseFixedExact(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want calc.Fixed
		err  error
	}{
		{"1.5", 1_500_000_000, nil},
		{"0.000000001", 1, nil},
		{"1.50000000000", 1_500_000_000, nil},
		{"0.0000000004", 0, calc.ErrPrecision},
		{"4E-10", 0, calc.ErrPrecision},
		{"4E-9", 4, nil},
		{"12.3456789012", 0, calc.ErrPrecision},
	} {
		got, err := calc.ParseFixedExact(tt.in)
		if got != tt.want || err != tt.err {
			t.Errorf("ParseFixedExact(%q) = %v, %v; want %v, %v", tt.in, got, err, tt.want, tt.err)
		}
		if tt.err == nil {
			continue
		}
		if _, err := calc.ParseFixed(tt.in); err != nil {
			t.Errorf("ParseFixed(%q) = %v; it rounds", tt.in, err)
		}
	}
}
