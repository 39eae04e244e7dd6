// Package calctest makes subscription tables for tests and benchmarks:
// realistic, deterministic for a seed, and of any size.
package calctest

import (
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"
)

// Header is the header row of a generated table.
var Header = []string{"Customer ID", "Company", "Plan", "Amount", "Currency", "Interval", "Seats", "Discount", "Start Date", "End Date", "Status", "Setup Fee"}

// FX is the FX table that goes with a generated table.
var FX = [][]string{{"currency", "rate"}, {"EUR", "1.0834"}, {"GBP", "1.2675"}}

var plans = []struct {
	name   string
	amount string
}{
	{"Starter", "29.00"},
	{"Team", "99.00"},
	{"Business", "$1,200.00"},
	{"Enterprise", "4500"},
}

var intervals = []string{"monthly", "monthly", "monthly", "annual", "quarterly", "Monthly", "yearly"}

// Rows returns n data rows (without the header); see Each.
func Rows(n int, seed uint64) [][]string {
	out := make([][]string, 0, n)
	Each(n, seed, func(rec []string) {
		out = append(out, append([]string(nil), rec...))
	})
	return out
}

// customer is the running state of one generated customer's history.
type customer struct {
	next  time.Time // when the customer's next row starts
	plan  int
	seats int
	rows  int // rows emitted so far
}

// Each calls fn with each of n generated rows for n/5 customers, whose
// histories start over the three years from 2023-01-01. Each customer's
// rows follow one another as an ops team enters them: a plan is ended and
// the next begins the day after (an upgrade, a downgrade, more seats),
// sometimes after a gap (churn, then a return); the last row runs on or
// ends (churn). Customers are interleaved, as rows are appended over time.
// A few rows overlap the one before, and about one in a thousand has a
// mistake of the kind people make. The slice is reused between calls.
func Each(n int, seed uint64, fn func(rec []string)) {
	EachFor(n, n/5, seed, fn)
}

// EachFor is Each with the number of customers given.
func EachFor(n, customerCount int, seed uint64, fn func(rec []string)) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	customers := make([]customer, max(1, min(n, customerCount)))
	for i := range customers {
		customers[i] = customer{
			next:  base.AddDate(0, 0, r.IntN(3*365)),
			plan:  r.IntN(len(plans)),
			seats: 1 + r.IntN(20),
		}
	}
	perCustomer := func(c int) int {
		k := n / len(customers)
		if c < n%len(customers) {
			k++
		}
		return k
	}
	rec := make([]string, len(Header))
	for i := range n {
		c := i % len(customers)
		cu := &customers[c]
		last := cu.rows == perCustomer(c)-1
		cu.rows++
		p := plans[cu.plan]
		start := cu.next
		rec[0] = "C" + strconv.Itoa(1000000+c)
		rec[1] = "Customer " + strconv.Itoa(c)
		rec[2] = p.name
		rec[3] = p.amount
		rec[4] = ""
		if c%10 == 0 {
			rec[4] = "EUR"
			// A price written with a sign is in the row's currency.
			if p.amount[0] == '$' {
				rec[3] = "€" + p.amount[1:]
			}
		}
		rec[5] = intervals[c%len(intervals)]
		rec[6] = strconv.Itoa(cu.seats)
		rec[7] = ""
		switch c % 10 {
		case 1:
			rec[7] = "10%"
		case 2:
			rec[7] = "5"
		}
		rec[8] = start.Format(time.DateOnly)
		rec[9] = ""
		rec[10] = "active"
		end := start.AddDate(0, 1+r.IntN(9), r.IntN(28))
		switch {
		case !last:
			rec[9] = end.Format(time.DateOnly)
			cu.next = end.AddDate(0, 0, 1)
			switch r.IntN(50) {
			case 0, 1, 2, 3, 4: // churn, and come back months later
				cu.next = cu.next.AddDate(0, 2+r.IntN(6), 0)
			case 5: // entered without ending the row before
				cu.next = start.AddDate(0, 0, 1+r.IntN(20))
			}
			if r.IntN(3) == 0 {
				cu.plan = r.IntN(len(plans))
			} else {
				cu.seats = max(1, cu.seats+r.IntN(7)-3)
			}
		case r.IntN(3) == 0:
			rec[9] = end.Format(time.DateOnly)
			rec[10] = "cancelled"
		}
		if cu.rows == 1 && r.IntN(20) == 0 {
			rec[10] = "trial"
		}
		rec[11] = ""
		if cu.rows == 1 && r.IntN(4) == 0 {
			rec[11] = "500"
		}
		if r.IntN(1000) == 0 {
			switch r.IntN(4) {
			case 0:
				rec[8] = "2025-13-45"
			case 1:
				rec[0] = ""
			case 2:
				rec[3] = "-" + rec[3]
			case 3:
				rec[5] = "fortnightly"
			}
		}
		fn(rec)
	}
}

// WriteCSV writes a header and n generated rows to w.
func WriteCSV(w io.Writer, n int, seed uint64) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Header); err != nil {
		return err
	}
	var err error
	Each(n, seed, func(rec []string) {
		if err == nil {
			err = cw.Write(rec)
		}
	})
	if err != nil {
		return fmt.Errorf("write row: %w", err)
	}
	cw.Flush()
	return cw.Error()
}

// WriteFXCSV writes FX to w.
func WriteFXCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(FX); err != nil {
		return err
	}
	return cw.Error()
}

// WriteMonthlyFXCSV writes an FX table with a month column: each currency
// of FX from January 2023 through December 2026, its rate drifting a little
// from month to month, so that every month has an FX impact.
func WriteMonthlyFXCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"currency", "month", "rate"}); err != nil {
		return err
	}
	for _, row := range FX[1:] {
		base, err := strconv.ParseFloat(row[1], 64)
		if err != nil {
			return err
		}
		for i := range 48 {
			m := time.Date(2023, time.January+time.Month(i), 1, 0, 0, 0, 0, time.UTC)
			// ±2% around the base rate, four decimal places.
			rate := base * (1 + 0.02*float64(i%5-2)/2)
			if err := cw.Write([]string{row[0], m.Format("2006-01"), strconv.FormatFloat(rate, 'f', 4, 64)}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// Cases returns n, the random cases a property test tries, or a quarter
// of them (at least one) when the tests run under the race detector. The
// cases are many so that the properties meet rare inputs, which a quarter
// of them still meet now and then; the race detector looks for
// goroutines that race, not for rare inputs, and makes each case five to
// ten times slower. `go test ./...` tries every case, `go test -race` a
// quarter.
func Cases(n int) int {
	if Race {
		return max(1, n/4)
	}
	return n
}
