package calc_test

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/mrrbot/mrrbot/calc"
)

func TestParseFixed(t *testing.T) {
	tests := []struct {
		in   string
		want string // the exact value
	}{
		{"0", "0"},
		{"-0", "0"},
		{"1200", "1200"},
		{"+7", "7"},
		{"-3.5", "-3.5"},
		{".25", "0.25"},
		{"-.25", "-0.25"},
		{"1.", "1"},
		{"007.50", "7.5"},
		{"0.000000001", "0.000000001"},
		{"-0.000000001", "-0.000000001"},
		{"123456789.123456789", "123456789.123456789"},
		{"00000000000000000000000000001.5", "1.5"},
		{"1.500000000000000000000000000", "1.5"},

		// Past nine places: rounded half away from zero.
		{"0.0000000005", "0.000000001"},
		{"0.00000000049999999", "0"},
		{"-0.0000000005", "-0.000000001"},
		{"-0.00000000049", "0"},
		{"1.2345678904", "1.23456789"},
		{"1.2345678905", "1.234567891"},
		{"1.23456789050", "1.234567891"},
		{"2.9999999995", "3"},
		{"-2.9999999995", "-3"},
		{"2.99999999949", "2.999999999"},
		{"0.33333333333333333333333333333", "0.333333333"},
		{"0.66666666666666666666666666666", "0.666666667"},

		// The ends of the range.
		{"9223372036.854775807", "9223372036.854775807"},
		{"-9223372036.854775807", "-9223372036.854775807"},
		{"9223372036.8547758074", "9223372036.854775807"},
		{"9223372036.854775799", "9223372036.854775799"},
		{"9223372036", "9223372036"},
		{"-9223372036", "-9223372036"},

		// Scientific notation, which some sources render.
		{"1e3", "1000"},
		{"1E3", "1000"},
		{"2.5e-3", "0.0025"},
		{"-1.5e2", "-150"},
		{"1e-10", "0"},
		{"5e-10", "0.000000001"},
		{"12345678901234567890e-10", "1234567890.123456789"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := calc.ParseFixed(tt.in)
			if err != nil {
				t.Fatalf("ParseFixed(%q): %v, want %s", tt.in, err, tt.want)
			}
			if want := decimal.RequireFromString(tt.want); !got.Decimal().Equal(want) {
				t.Errorf("ParseFixed(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseFixedErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"9223372036.854775808", calc.ErrRange},
		{"9223372036.8547758075", calc.ErrRange}, // rounds up past the top
		{"-9223372036.854775809", calc.ErrRange},
		{"9223372037", calc.ErrRange},
		{"10000000000", calc.ErrRange},
		{"-10000000000", calc.ErrRange},
		{"99999999999999999999999999", calc.ErrRange},
		{"1e10", calc.ErrRange},
		{"-1e10", calc.ErrRange},
		{"1e400", calc.ErrRange},

		{"", calc.ErrSyntax},
		{"-", calc.ErrSyntax},
		{"+", calc.ErrSyntax},
		{".", calc.ErrSyntax},
		{"-.", calc.ErrSyntax},
		{"abc", calc.ErrSyntax},
		{"1.2.3", calc.ErrSyntax},
		{"1,200", calc.ErrSyntax},
		{"$12", calc.ErrSyntax},
		{" 1", calc.ErrSyntax},
		{"1 ", calc.ErrSyntax},
		{"--1", calc.ErrSyntax},
		{"+-1", calc.ErrSyntax},
		{"-+1", calc.ErrSyntax},
		{"1-", calc.ErrSyntax},
		{"1e", calc.ErrSyntax},
		{"e5", calc.ErrSyntax},
		{".e5", calc.ErrSyntax},
		{"1e5.5", calc.ErrSyntax},
		{"0x10", calc.ErrSyntax},
		{"NaN", calc.ErrSyntax},
		{"Inf", calc.ErrSyntax},
		{"1_000", calc.ErrSyntax},
		{"20%", calc.ErrSyntax},
		{"١", calc.ErrSyntax}, // an Arabic-Indic digit
		{"1.0000000000x", calc.ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := calc.ParseFixed(tt.in)
			if !errors.Is(err, tt.want) {
				t.Errorf("ParseFixed(%q) = %s, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestFixedFromDecimal(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"1.5", "1.5", nil},
		{"-0.0000000015", "-0.000000002", nil},
		{"0.00000000149", "0.000000001", nil},
		{"9223372036.854775807", "9223372036.854775807", nil},
		{"-9223372036.854775808", "-9223372036.854775808", nil},
		{"9223372036.854775808", "", calc.ErrRange},
		{"1e30", "", calc.ErrRange},
	}
	for _, tt := range tests {
		got, err := calc.FixedFromDecimal(decimal.RequireFromString(tt.in))
		if !errors.Is(err, tt.err) {
			t.Errorf("FixedFromDecimal(%s) error %v, want %v", tt.in, err, tt.err)
			continue
		}
		if err == nil && !got.Decimal().Equal(decimal.RequireFromString(tt.want)) {
			t.Errorf("FixedFromDecimal(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestFixedFormat(t *testing.T) {
	tests := []struct {
		f          calc.Fixed
		str, cents string
	}{
		{fixed("1200"), "1200", "1200.00"},
		{fixed("66.666666667"), "66.666666667", "66.67"},
		{fixed("0.005"), "0.005", "0.01"},
		{fixed("-0.005"), "-0.005", "-0.01"},
		{fixed("-3.5"), "-3.5", "-3.50"},
		{0, "0", "0.00"},
		{calc.Fixed(math.MaxInt64), "9223372036.854775807", "9223372036.85"},
	}
	for _, tt := range tests {
		if got := tt.f.String(); got != tt.str {
			t.Errorf("Fixed(%d).String() = %q, want %q", int64(tt.f), got, tt.str)
		}
		if got := tt.f.StringFixed(2); got != tt.cents {
			t.Errorf("Fixed(%d).StringFixed(2) = %q, want %q", int64(tt.f), got, tt.cents)
		}
	}
	if calc.One.String() != "1" {
		t.Errorf("One = %s, want 1", calc.One)
	}
}

// bigOf is the exact value of a Sum's units, for comparing with math/big.
func sumUnits(s calc.Sum) *big.Int {
	return s.Decimal().Shift(calc.Scale).BigInt()
}

func TestSum(t *testing.T) {
	maxF, minF := calc.Fixed(math.MaxInt64), calc.Fixed(math.MinInt64)
	tests := []struct {
		name string
		adds []calc.Fixed
		want string
		sign int
	}{
		{"empty", nil, "0", 0},
		{"one", []calc.Fixed{fixed("1.5")}, "1.5", 1},
		{"negatives", []calc.Fixed{5, -7}, "-0.000000002", -1},
		{"back to zero", []calc.Fixed{fixed("-3"), fixed("1"), fixed("2")}, "0", 0},
		{"crossing 2^63", []calc.Fixed{maxF, 1}, "9223372036.854775808", 1},
		{"twice the max", []calc.Fixed{maxF, maxF}, "18446744073.709551614", 1},
		{"past 2^64", []calc.Fixed{maxF, maxF, 2}, "18446744073.709551616", 1},
		{"three times the max", []calc.Fixed{maxF, maxF, maxF}, "27670116110.564327421", 1},
		{"below −2^63", []calc.Fixed{minF, -1}, "-9223372036.854775809", -1},
		{"twice the min", []calc.Fixed{minF, minF}, "-18446744073.709551616", -1},
		{"up and back down", []calc.Fixed{maxF, maxF, maxF, -maxF, -maxF, -maxF}, "0", 0},
		{"down and back up", []calc.Fixed{minF, minF, -maxF, maxF, 1, 1}, "-18446744073.709551614", -1},
		{"-1 after a carry", []calc.Fixed{maxF, maxF, 2, -1}, "18446744073.709551615", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s calc.Sum
			for _, f := range tt.adds {
				s.Add(f)
			}
			if want := decimal.RequireFromString(tt.want); !s.Decimal().Equal(want) {
				t.Errorf("Decimal() = %s, want %s", s.Decimal(), tt.want)
			}
			if s.String() != decimal.RequireFromString(tt.want).String() {
				t.Errorf("String() = %s, want %s", s.String(), tt.want)
			}
			if s.Sign() != tt.sign {
				t.Errorf("Sign() = %d, want %d", s.Sign(), tt.sign)
			}
			if n := s.Neg(); !n.Decimal().Equal(s.Decimal().Neg()) {
				t.Errorf("Neg() = %s, want %s", n.Decimal(), s.Decimal().Neg())
			}
		})
	}
}

// TestSumLarge adds a million times the largest Fixed: far past one Fixed,
// exact all the way.
func TestSumLarge(t *testing.T) {
	var s calc.Sum
	const n = 1_000_000
	for range n {
		s.Add(math.MaxInt64)
	}
	want := decimal.RequireFromString("9223372036.854775807").Mul(decimal.NewFromInt(n))
	if !s.Decimal().Equal(want) {
		t.Errorf("Decimal() = %s, want %s", s.Decimal(), want)
	}
	var m calc.Sum
	m.AddSum(s.Neg())
	m.AddSum(s.Neg())
	if !m.Decimal().Equal(want.Mul(decimal.NewFromInt(-2))) {
		t.Errorf("−2 × it = %s, want %s", m.Decimal(), want.Mul(decimal.NewFromInt(-2)))
	}
	m.AddSum(s)
	m.AddSum(s)
	if m.Sign() != 0 || !m.Decimal().IsZero() {
		t.Errorf("back to zero: %s", m.Decimal())
	}
}

// TestSumRandom compares Add, AddSum and Neg with math/big over random
// walks that swing across zero and across ±2⁶³ and ±2⁶⁴ units.
func TestSumRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for walk := range 200 {
		var s, t2 calc.Sum
		ref, ref2 := new(big.Int), new(big.Int)
		for step := range 200 {
			var f calc.Fixed
			switch rng.IntN(4) {
			case 0:
				f = calc.Fixed(rng.Int64N(2000) - 1000)
			case 1:
				f = calc.Fixed(rng.Int64())
			case 2:
				f = calc.Fixed(-rng.Int64())
			default:
				f = calc.Fixed(math.MinInt64 + rng.Int64N(3))
			}
			s.Add(f)
			ref.Add(ref, big.NewInt(int64(f)))
			if rng.IntN(3) == 0 {
				t2.AddSum(s)
				ref2.Add(ref2, ref)
			} else {
				t2.AddSum(s.Neg())
				ref2.Sub(ref2, ref)
			}
			if got := sumUnits(s); got.Cmp(ref) != 0 {
				t.Fatalf("walk %d step %d: Sum = %s units, want %s", walk, step, got, ref)
			}
			if got := sumUnits(t2); got.Cmp(ref2) != 0 {
				t.Fatalf("walk %d step %d: AddSum total = %s units, want %s", walk, step, got, ref2)
			}
			if s.Sign() != ref.Sign() || t2.Sign() != ref2.Sign() {
				t.Fatalf("walk %d step %d: Sign() = %d, %d, want %d, %d", walk, step, s.Sign(), t2.Sign(), ref.Sign(), ref2.Sign())
			}
		}
	}
}

// FuzzParseFixed: ParseFixed never panics, fails only with ErrSyntax or
// ErrRange, and when it succeeds its result is the input rounded half away
// from zero to nine places.
func FuzzParseFixed(f *testing.F) {
	for _, s := range []string{"0", "1200", "-3.5", ".25", "1.0000000005", "9223372036.854775807", "2.5e-3", "abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := calc.ParseFixed(s)
		if err != nil {
			if !errors.Is(err, calc.ErrSyntax) && !errors.Is(err, calc.ErrRange) {
				t.Fatalf("ParseFixed(%q) error %v is neither ErrSyntax nor ErrRange", s, err)
			}
			return
		}
		d, derr := decimal.NewFromString(s)
		if derr != nil {
			t.Fatalf("ParseFixed(%q) = %s, but it is not a decimal number: %v", s, got, derr)
		}
		if want := d.Round(calc.Scale); !got.Decimal().Equal(want) {
			t.Fatalf("ParseFixed(%q) = %s, want %s", s, got, want)
		}
	})
}

// fixedCases are amounts at the edges of a Fixed, halves at every place,
// and random ones.
func fixedCases() []calc.Fixed {
	r := rand.New(rand.NewPCG(7, 11))
	cases := []calc.Fixed{0, 1, -1, 4, 5, -5, 6, calc.One / 200, -calc.One / 200, calc.One/200 - 1, 49_999_999, 50_000_000, -50_000_000,
		999_999_999, calc.One, -calc.One, 10 * calc.One, calc.One / 100, 83_333_333_333, 123_456_789_012,
		math.MaxInt64, math.MinInt64, math.MinInt64 + 1}
	for range 10_000 {
		cases = append(cases, calc.Fixed(r.Int64()), calc.Fixed(r.Int64N(1e15)-5e14),
			calc.Fixed(r.Int64N(1e6))*calc.One/1000, calc.Fixed(r.Int64N(1e12))*calc.One/100)
	}
	return cases
}

// TestFixedText: String and Append give decimal's exact text, and
// StringFixed and AppendFixed its text rounded half away from zero to
// every number of places a Fixed has, written without decimal.
func TestFixedText(t *testing.T) {
	for _, f := range fixedCases() {
		want := f.Decimal().String()
		if got := string(f.Append([]byte("x"))); got != "x"+want || f.String() != want {
			t.Fatalf("Fixed(%d): Append %s, String %s, want %s", int64(f), got, f.String(), want)
		}
		for places := int32(0); places <= calc.Scale; places++ {
			want := f.Decimal().StringFixed(places)
			if got := string(f.AppendFixed(nil, places)); got != want || f.StringFixed(places) != want {
				t.Fatalf("Fixed(%d), %d places: AppendFixed %s, StringFixed %s, want %s", int64(f), places, got, f.StringFixed(places), want)
			}
		}
	}
}
