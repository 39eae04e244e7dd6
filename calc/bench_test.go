package calc_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/calc/calctest"
	"github.com/shopspring/decimal"
)

// benchSubscriptions turns generated rows into Subscriptions, skipping the
// few with mistakes: the benchmark measures the engine, not the parsing.
func benchSubscriptions(b *testing.B, n int) []calc.Subscription {
	b.Helper()
	var subs []calc.Subscription
	for i, rec := range calctest.Rows(n, 1) {
		amount, err1 := calc.ParseFixed(strings.NewReplacer("$", "", ",", "").Replace(rec[3]))
		iv, err2 := calc.ParseInterval(rec[5])
		q, err3 := strconv.Atoi(rec[6])
		start, err4 := calc.ParseDate(rec[8])
		st, err5 := calc.ParseStatus(rec[10])
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil || err5 != nil || rec[0] == "" || amount < 0 {
			continue
		}
		end := calc.NoEnd
		if rec[9] != "" {
			end, _ = calc.ParseDate(rec[9])
		}
		var disc calc.Discount
		switch rec[7] {
		case "10%":
			disc = calc.Discount{Percent: true, Value: calc.One / 10}
		case "5":
			disc = calc.Discount{Value: 5 * calc.One}
		}
		subs = append(subs, calc.Subscription{
			Row: i + 2, CustomerID: rec[0], CustomerName: rec[1], Plan: rec[2],
			Amount: amount, Currency: rec[4], Interval: iv, Quantity: calc.Fixed(q) * calc.One,
			Discount: disc, Start: start, End: end, Status: st,
		})
	}
	return subs
}

// BenchmarkBook measures adding rows to a Book and computing every month
// through 2026-03: the engine alone, without reading a file.
func BenchmarkBook(b *testing.B) {
	asOf, _ := calc.ParseDate("2026-03-15")
	rates := map[string]decimal.Decimal{"EUR": decimal.RequireFromString("1.0834")}
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		subs := benchSubscriptions(b, n)
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				book, err := calc.NewBook("USD", rates)
				if err != nil {
					b.Fatal(err)
				}
				for i := range subs {
					_ = book.Add(&subs[i])
				}
				res := book.Compute(asOf)
				if len(res.Months) == 0 {
					b.Fatal("no months")
				}
			}
		})
	}
}
