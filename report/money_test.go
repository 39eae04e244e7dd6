package report

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestAmounts(t *testing.T) {
	tests := []struct {
		in             string
		cents, grouped string
	}{
		{"0", "0.00", "0.00"},
		{"1250", "1250.00", "1,250.00"},
		{"12480.505", "12480.51", "12,480.51"},
		{"-1099", "-1099.00", "-1,099.00"},
		{"-128.305", "-128.31", "-128.31"},
		{"999999.995", "1000000.00", "1,000,000.00"},
		{"0.004", "0.00", "0.00"},
		{"123456789012.3", "123456789012.30", "123,456,789,012.30"},
	}
	for _, tt := range tests {
		d := decimal.RequireFromString(tt.in)
		if got := Cents(d); got != tt.cents {
			t.Errorf("Cents(%s) = %s, want %s", tt.in, got, tt.cents)
		}
		if got := Grouped(d); got != tt.grouped {
			t.Errorf("Grouped(%s) = %s, want %s", tt.in, got, tt.grouped)
		}
	}
}

func TestRatios(t *testing.T) {
	if got := Percent(decimal.NullDecimal{}); got != "" {
		t.Errorf("empty ratio as percent = %q, want empty", got)
	}
	if got := Ratio(decimal.NullDecimal{}); got != "" {
		t.Errorf("empty ratio = %q, want empty", got)
	}
	r := decimal.NewNullDecimal(decimal.RequireFromString("0.05234"))
	if got := Percent(r); got != "5.2%" {
		t.Errorf("Percent = %q, want 5.2%%", got)
	}
	if got := Ratio(r); got != "0.0523" {
		t.Errorf("Ratio = %q, want 0.0523", got)
	}
}
