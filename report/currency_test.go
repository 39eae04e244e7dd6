package report

import (
	"math"
	"math/rand/v2"
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

// TestAppendRounded: the movements tab's amounts are the text
// roundedLiteral gives through decimal, for every number of places a
// currency can have and amounts at the edges of a Fixed.
func TestAppendRounded(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	cases := []calc.Fixed{0, 1, -1, 4, 5, -5, 6, calc.One / 200, -calc.One / 200, calc.One/200 - 1, 49_999_999, 50_000_000, -50_000_000,
		999_999_999, calc.One, -calc.One, 83_333_333_333, math.MaxInt64, math.MinInt64, math.MinInt64 + 1}
	for range 20_000 {
		cases = append(cases, calc.Fixed(r.Int64()), calc.Fixed(r.Int64N(1e15)-5e14), calc.Fixed(r.Int64N(1e6))*calc.One/1000)
	}
	for places := int32(0); places <= calc.Scale; places++ {
		for _, f := range cases {
			want := f.Decimal().StringFixed(places)
			if got := string(appendRounded(nil, f, places)); got != want {
				t.Fatalf("appendRounded(%d, %d) = %s, want %s", int64(f), places, got, want)
			}
		}
	}
	for _, code := range []string{"USD", "JPY", "KWD"} {
		f := calc.Fixed(1_234_567_891_234)
		if got, want := string(appendRounded(nil, f, minorUnits(code))), roundedLiteral(f.Decimal(), code); got != want {
			t.Errorf("%s: %s, want roundedLiteral's %s", code, got, want)
		}
	}
}
