package report

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/mrrbot/mrrbot/calc"
)

// TestWaterfallPNG draws the fixture's last twelve months, checks the PNG
// and compares its bytes with testdata/waterfall.png; -update rewrites the
// file, which is worth a look after any change.
func TestWaterfallPNG(t *testing.T) {
	fx := loadFixture(t)
	through := calc.MonthOf(2026, time.March)
	got, err := WaterfallPNG(fx.res, through, 12)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(got))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if size := img.Bounds().Size(); size != image.Pt(960, 480) {
		t.Errorf("size = %v, want 960×480", size)
	}

	again, err := WaterfallPNG(fx.res, through, 12)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, again) {
		t.Error("two drawings of the same result differ")
	}

	path := filepath.Join("testdata", "waterfall.png")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	// Glyph outlines are rasterised in float32, which architectures with
	// fused multiply-add round differently; the golden bytes are amd64's.
	if runtime.GOARCH != "amd64" {
		t.Skipf("golden bytes are made on amd64, not %s", runtime.GOARCH)
	}
	if g, w := sha256.Sum256(got), sha256.Sum256(want); g != w {
		t.Errorf("chart sha256 = %x, want %x (%s); run with -update and look at it", g, w, path)
	}
}

// TestWaterfallColours looks at the pixels of July 2025, a month with New
// and Churn and nothing else: green above the zero line, red below.
func TestWaterfallColours(t *testing.T) {
	fx := loadFixture(t)
	through := calc.MonthOf(2026, time.March)
	c, err := newChart(fx.res, through, 12)
	if err != nil {
		t.Fatal(err)
	}
	data, err := WaterfallPNG(fx.res, through, 12)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}

	july := calc.MonthOf(2025, time.July)
	var b *bar
	for i := range c.bars {
		if c.bars[i].month == july {
			b = &c.bars[i]
		}
	}
	if b == nil {
		t.Fatalf("no bar for %s", july)
	}
	var kinds []calc.Kind
	for _, s := range b.segs {
		kinds = append(kinds, s.kind)
	}
	if len(kinds) != 2 || kinds[0] != calc.New || kinds[1] != calc.Churn {
		t.Fatalf("segments of %s = %v, want New and Churn", july, kinds)
	}
	newSeg, churnSeg := b.segs[0].rect, b.segs[1].rect
	if newSeg.Max.Y != c.zeroY || churnSeg.Min.Y != c.zeroY {
		t.Errorf("New spans y %d–%d, Churn %d–%d; want them to meet at the zero line, y %d",
			newSeg.Min.Y, newSeg.Max.Y, churnSeg.Min.Y, churnSeg.Max.Y, c.zeroY)
	}
	// New is 320 and Churn 150: New is about twice as tall.
	if r := float64(newSeg.Dy()) / float64(churnSeg.Dy()); r < 1.9 || r > 2.4 {
		t.Errorf("New is %d px tall, Churn %d px: ratio %.2f, want about 320/150", newSeg.Dy(), churnSeg.Dy(), r)
	}

	x := b.center
	for _, p := range []struct {
		name string
		y    int
		want color.RGBA
	}{
		// Sample near the zero line (the MRR line runs far above it) and
		// at the far end of Churn.
		{"New, just above zero", c.zeroY - 3, kindColors[calc.New]},
		{"Churn, at its bottom", churnSeg.Max.Y - 2, kindColors[calc.Churn]},
		{"Churn, just below zero", c.zeroY + 3, kindColors[calc.Churn]},
	} {
		if got := color.RGBAModel.Convert(img.At(x, p.y)).(color.RGBA); got != p.want {
			t.Errorf("%s: pixel (%d, %d) = %v, want %v", p.name, x, p.y, got, p.want)
		}
	}
	if p := img.At(x, c.zeroY+3); p == img.At(x, c.zeroY-3) {
		t.Errorf("same colour above and below the zero line: %v", p)
	}
}

// TestWaterfallConcurrent draws charts at the same time: each has its own
// font faces, and they share the parsed fonts.
func TestWaterfallConcurrent(t *testing.T) {
	fx := loadFixture(t)
	through := calc.MonthOf(2026, time.March)
	want, err := WaterfallPNG(fx.res, through, 12)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			got, err := WaterfallPNG(fx.res, through, 12)
			if err != nil {
				t.Error(err)
				return
			}
			if !bytes.Equal(got, want) {
				t.Error("a chart drawn concurrently differs")
			}
		})
	}
	wg.Wait()
}

func TestWaterfallLayout(t *testing.T) {
	fx := loadFixture(t)
	t.Run("fewer months than asked", func(t *testing.T) {
		c, err := newChart(fx.res, calc.MonthOf(2025, time.June), 12)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.bars) != 3 || c.title != "MRR movements, Apr 2025 – Jun 2025" {
			t.Errorf("%d bars, title %q; want 3 bars from Apr 2025", len(c.bars), c.title)
		}
		if c.partial {
			t.Error("June 2025 is complete, chart says partial")
		}
	})
	t.Run("month to date", func(t *testing.T) {
		c, err := newChart(fx.res, calc.MonthOf(2026, time.March), 12)
		if err != nil {
			t.Fatal(err)
		}
		if !c.partial || c.title != "MRR movements, Apr 2025 – Mar 2026" {
			t.Errorf("partial = %t, title %q", c.partial, c.title)
		}
		// Every bar and dot is inside the plot.
		for _, b := range c.bars {
			for _, s := range b.segs {
				if !s.rect.In(c.plot) {
					t.Errorf("%s %s: %v outside the plot %v", b.month, s.kind, s.rect, c.plot)
				}
			}
			if pt := image.Pt(int(b.dot[0]), int(b.dot[1])); !pt.In(c.plot) {
				t.Errorf("%s: MRR dot %v outside the plot %v", b.month, pt, c.plot)
			}
		}
	})
	t.Run("one month", func(t *testing.T) {
		if _, err := WaterfallPNG(fx.res, calc.MonthOf(2025, time.April), 1); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("no movement", func(t *testing.T) {
		if _, err := WaterfallPNG(fx.res, calc.MonthOf(2025, time.December), 1); err != nil {
			t.Fatal(err)
		}
	})
}

func TestWaterfallErrors(t *testing.T) {
	fx := loadFixture(t)
	for _, tt := range []struct {
		name    string
		res     *calc.Result
		through calc.Month
		months  int
		want    string
	}{
		{"no months", fx.res, calc.MonthOf(2026, time.March), 0, "0 months; want 1 to 120"},
		{"too many months", fx.res, calc.MonthOf(2026, time.March), 121, "121 months"},
		{"after the figures", fx.res, calc.MonthOf(2026, time.April), 12, "the figures run from 2025-04 through 2026-03"},
		{"empty result", &calc.Result{Currency: "USD", AsOf: fixtureAsOf}, calc.MonthOf(2026, time.March), 12, "no paying subscriptions"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := WaterfallPNG(tt.res, tt.through, tt.months)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestStack checks that segments pile up without gaps or overlaps, and
// that an amount too small for a pixel still shows.
func TestStack(t *testing.T) {
	sum := func(s string) calc.Sum {
		f, err := calc.ParseFixed(s)
		if err != nil {
			t.Fatal(err)
		}
		var x calc.Sum
		x.Add(f)
		return x
	}
	for _, dir := range []float64{-1, 1} {
		segs := stack(nil, 0, 10, 100, dir*0.1, // 0.1 px per unit
			kindAmount{calc.New, sum("1")}, kindAmount{calc.Expansion, sum("0")},
			kindAmount{calc.Reactivation, sum("2")}, kindAmount{calc.Churn, sum("300")})
		var got []string
		for _, s := range segs {
			got = append(got, fmt.Sprintf("%s %d–%d", s.kind, s.rect.Min.Y, s.rect.Max.Y))
		}
		want := []string{"New 99–100", "Reactivation 98–99", "Churn 70–98"}
		if dir > 0 {
			want = []string{"New 100–101", "Reactivation 101–102", "Churn 102–130"}
		}
		if strings.Join(got, ", ") != strings.Join(want, ", ") {
			t.Errorf("stack going %+.0f = %q, want %q", dir, got, want)
		}
	}
}

func TestNiceStep(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"0", "1"},
		{"229", "250"},
		{"250", "250"},
		{"251", "300"},
		{"1112", "1200"},
		{"1374", "1500"},
		{"0.03", "0.03"},
		{"0.031", "0.04"},
		{"7", "8"},
		{"8.5", "10"},
		{"10", "10"},
		{"1500000", "1500000"},
	} {
		got := niceStep(decimal.RequireFromString(tt.in))
		if !got.Equal(decimal.RequireFromString(tt.want)) {
			t.Errorf("niceStep(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestCompactMoney(t *testing.T) {
	for _, tt := range []struct {
		in, currency, want string
	}{
		{"0", "USD", "$0"},
		{"250", "USD", "$250"},
		{"-500", "USD", "−$500"},
		{"1000", "USD", "$1k"},
		{"1500", "USD", "$1.5k"},
		{"1250", "USD", "$1.25k"},
		{"15000", "USD", "$15k"},
		{"2500000", "EUR", "€2.5M"},
		{"12000", "CHF", "CHF 12k"},
		{"0.5", "USD", "$0.5"},
		{"3000000000", "JPY", "¥3B"},
	} {
		if got := compactMoney(decimal.RequireFromString(tt.in), tt.currency); got != tt.want {
			t.Errorf("compactMoney(%s, %s) = %q, want %q", tt.in, tt.currency, got, tt.want)
		}
	}
}

// TestWaterfallFX draws a book with monthly rates: one customer paying
// 1,000 EUR, the rate 1.10, then 1.20 (an FX gain of 100), then 1.15 (a
// loss of 50). The gain is a grey segment above the zero line, the loss one
// below it.
func TestWaterfallFX(t *testing.T) {
	book, err := calc.NewBook("USD", nil)
	if err != nil {
		t.Fatal(err)
	}
	jan := calc.MonthOf(2025, time.January)
	rate := decimal.RequireFromString
	if err := book.SetMonthlyRates([]calc.MonthlyRate{
		{Currency: "EUR", Month: jan, Rate: rate("1.10")},
		{Currency: "EUR", Month: jan + 1, Rate: rate("1.20")},
		{Currency: "EUR", Month: jan + 2, Rate: rate("1.15")},
	}); err != nil {
		t.Fatal(err)
	}
	err = book.Add(&calc.Subscription{Row: 2, CustomerID: "A", Amount: 1000 * calc.One, Currency: "EUR",
		Quantity: calc.One, Start: jan.FirstDay(), End: calc.NoEnd})
	if err != nil {
		t.Fatal(err)
	}
	res := book.Compute((jan + 2).LastDay())
	c, err := newChart(res, jan+2, 3)
	if err != nil {
		t.Fatal(err)
	}
	data, err := WaterfallPNG(res, jan+2, 3)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct {
		above bool
	}{{true}, {false}} {
		b := c.bars[i+1]
		if len(b.segs) != 1 || b.segs[0].kind != calc.FXImpact {
			t.Fatalf("%s: segments %v, want one FX impact", b.month, b.segs)
		}
		r := b.segs[0].rect
		if got := r.Max.Y == c.zeroY; got != want.above {
			t.Errorf("%s: FX segment spans y %d–%d with zero at %d; above = %t, want %t", b.month, r.Min.Y, r.Max.Y, c.zeroY, got, want.above)
		}
		mid := image.Pt(b.center, (r.Min.Y+r.Max.Y)/2)
		if got := color.RGBAModel.Convert(img.At(mid.X, mid.Y)).(color.RGBA); got != kindColors[calc.FXImpact] {
			t.Errorf("%s: pixel %v = %v, want the FX grey", b.month, mid, got)
		}
	}
	// The gain (100) is twice the loss (50).
	gain, loss := c.bars[1].segs[0].rect.Dy(), c.bars[2].segs[0].rect.Dy()
	if r := float64(gain) / float64(loss); r < 1.8 || r > 2.2 {
		t.Errorf("FX gain %d px, loss %d px: ratio %.2f, want about 2", gain, loss, r)
	}
}
