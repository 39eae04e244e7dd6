package report

import (
	"testing"

	"github.com/shopspring/decimal"

	"github.com/mrrbot/mrrbot/calc"
)

func TestMoney(t *testing.T) {
	tests := []struct {
		amount, currency, want string
	}{
		{"12480.5", "USD", "$12,480.50"},
		{"-1099", "USD", "−$1,099.00"},
		{"0", "USD", "$0.00"},
		{"-0.004", "USD", "$0.00"},  // rounds to zero: no sign
		{"-0.005", "USD", "−$0.01"}, // half away from zero
		{"28.305", "USD", "$28.31"},
		{"-128.305", "USD", "−$128.31"},
		{"999.995", "USD", "$1,000.00"},
		{"123456789012.3", "USD", "$123,456,789,012.30"},
		{"950", "EUR", "€950.00"},
		{"1234567.891", "EUR", "€1,234,567.89"},
		{"-45.5", "GBP", "−£45.50"},
		{"1234.5", "JPY", "¥1,235"},
		{"1234.4", "JPY", "¥1,234"},
		{"-1234.5", "JPY", "−¥1,235"},
		{"999.5", "jpy", "¥1,000"},
		{"1234", "CHF", "CHF 1,234.00"},
		{"-1234.567", "CHF", "−CHF 1,234.57"},
		{"1234.5675", "KWD", "KWD 1,234.568"},
		{"1000000", "KRW", "KRW 1,000,000"},
	}
	for _, tt := range tests {
		t.Run(tt.currency+" "+tt.amount, func(t *testing.T) {
			if got := Money(decimal.RequireFromString(tt.amount), tt.currency); got != tt.want {
				t.Errorf("Money(%s, %s) = %q, want %q", tt.amount, tt.currency, got, tt.want)
			}
		})
	}
}

func TestCurrencyPattern(t *testing.T) {
	tests := []struct {
		currency, pattern string
		minor             int32
	}{
		{"USD", `"$"#,##0.00`, 2},
		{"EUR", `"€"#,##0.00`, 2},
		{"GBP", `"£"#,##0.00`, 2},
		{"JPY", `"¥"#,##0`, 0},
		{"CHF", `"CHF "#,##0.00`, 2},
		{"KRW", `"KRW "#,##0`, 0},
		{"KWD", `"KWD "#,##0.000`, 3},
	}
	for _, tt := range tests {
		if got := currencyPattern(tt.currency); got != tt.pattern {
			t.Errorf("currencyPattern(%s) = %s, want %s", tt.currency, got, tt.pattern)
		}
		if got := minorUnits(tt.currency); got != tt.minor {
			t.Errorf("minorUnits(%s) = %d, want %d", tt.currency, got, tt.minor)
		}
	}
}

func TestLiterals(t *testing.T) {
	tests := []struct {
		amount, currency, rounded string
	}{
		{"1250", "USD", "1250.00"},
		{"172.8", "USD", "172.80"},
		{"28.305", "USD", "28.31"},
		{"-83.333333333", "USD", "-83.33"},
		{"3333.5", "JPY", "3334"},
		{"3333", "JPY", "3333"},
	}
	for _, tt := range tests {
		d := decimal.RequireFromString(tt.amount)
		if got := roundedLiteral(d, tt.currency); got != tt.rounded {
			t.Errorf("roundedLiteral(%s, %s) = %s, want %s", tt.amount, tt.currency, got, tt.rounded)
		}
	}
}

// TestMovementAmounts: the movements tab's amounts (Fixed.AppendFixed to
// the currency's places) are the text roundedLiteral gives through decimal.
func TestMovementAmounts(t *testing.T) {
	for _, code := range []string{"USD", "JPY", "KWD"} {
		for _, f := range []calc.Fixed{1_234_567_891_234, -5_000_000, 83_333_333_333} {
			if got, want := string(f.AppendFixed(nil, minorUnits(code))), roundedLiteral(f.Decimal(), code); got != want {
				t.Errorf("%s, %d: %s, want roundedLiteral's %s", code, int64(f), got, want)
			}
		}
	}
}
