package calc

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// TestComputeParallel computes one book on one goroutine and on two (the
// split is forced, so a few thousand customers prove what a large book
// would): every figure of every view is the same.
func TestComputeParallel(t *testing.T) {
	if testing.Short() {
		t.Skip("large book")
	}
	book, err := NewBook("USD", map[string]decimal.Decimal{"GBP": decimal.RequireFromString("1.27")})
	if err != nil {
		t.Fatal(err)
	}
	jan := MonthOf(2024, 1)
	var monthly []MonthlyRate
	for i := range 30 {
		monthly = append(monthly, MonthlyRate{Currency: "EUR", Month: jan + Month(i), Rate: decimal.New(105+int64(i%7), -2)})
	}
	if err := book.SetMonthlyRates(monthly); err != nil {
		t.Fatal(err)
	}
	if err := book.SetSegments([]string{"Region"}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	plans := []string{"Basic", "Pro", "Team", ""}
	regions := []string{"EU", "NA", "APAC"}
	currencies := []string{"", "", "EUR", "GBP"}
	row := 2
	for c := range 4_000 {
		for range 1 + rng.IntN(3) {
			start := jan.FirstDay() + Date(rng.IntN(800))
			end := NoEnd
			if rng.IntN(2) == 0 {
				end = start + Date(rng.IntN(400))
			}
			s := Subscription{
				Row: row, CustomerID: fmt.Sprintf("C%05d", c), Plan: plans[rng.IntN(len(plans))],
				Amount: Fixed(1+rng.IntN(500)) * One, Quantity: One, Currency: currencies[rng.IntN(len(currencies))],
				Start: start, End: end, Segments: []string{regions[rng.IntN(len(regions))]},
			}
			row++
			if err := book.Add(&s); err != nil {
				t.Fatal(err)
			}
		}
	}
	asOf := (jan + 26).FirstDay() + 14

	one := book.compute(asOf, 1<<30)
	two := book.compute(asOf, 1)

	opts := cmp.AllowUnexported(Sum{})
	for _, v := range []struct {
		name     string
		one, two any
	}{
		{"months", one.Months, two.Months},
		{"warnings", one.Warnings, two.Warnings},
		{"cohorts", one.Cohorts(), two.Cohorts()},
		{"segments", one.Segments(), two.Segments()},
		{"outlook", one.Outlook(asOf), two.Outlook(asOf)},
		{"movements", one.Movements(), two.Movements()},
	} {
		if diff := cmp.Diff(v.one, v.two, opts); diff != "" {
			t.Errorf("%s (-one goroutine +two):\n%s", v.name, diff)
		}
	}
	if len(one.Months) == 0 || one.Months[len(one.Months)-1].FXImpact.Sign() == 0 && one.Months[10].FXImpact.Sign() == 0 {
		t.Error("the book has no FX impact: the test does not cover monthly rates")
	}
}
