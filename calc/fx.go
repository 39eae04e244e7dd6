package calc

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// Monthly exchange rates. With one rate per currency (NewBook's rates)
// every month converts at that rate and the waterfall is as docs/metrics.md
// describes. With a rate per month, each month converts at its own rate and
// a customer is classified at constant currency: its MRR of the month
// before is valued again at this month's rates, the change from that value
// is its movement (New, Expansion, …), and the rest, the change in value of
// what it already paid, is its FX impact. So in every month
//
//	Ending = Starting + Net New + FX impact
//
// and FX impact is never counted as expansion or contraction. A new
// customer has no FX impact in its first month; a churned one has none in
// the month it churns (Churn is its MRR of the month before).

// MonthlyRate is a currency's exchange rate from Month on, until the
// currency's next monthly rate: Rate units of the reporting currency per
// unit of Currency.
type MonthlyRate struct {
	Currency string
	Month    Month
	Rate     decimal.Decimal
}

// monthlyRates are one currency's rates, by month, oldest first.
type monthlyRates struct {
	code  string
	from  []Month
	rates []rate
}

// at returns the rate of month m: that of the latest month at or before m,
// or the first when m is before all of them.
func (mr *monthlyRates) at(m Month) rate {
	i, found := slices.BinarySearch(mr.from, m)
	if !found {
		i = max(i-1, 0)
	}
	return mr.rates[i]
}

// SetMonthlyRates gives currencies a rate for each month. A currency's rate
// holds from its month until the currency's next rate; months before its
// first rate take the rate NewBook was given for it, if any, otherwise the
// first monthly rate. Call it before the first Add. It is an error for a
// rate not to be positive, for the reporting currency to have a rate other
// than 1, or for a currency to have two rates for one month.
func (b *Book) SetMonthlyRates(rates []MonthlyRate) error {
	if b.rows.len() > 0 {
		return fmt.Errorf("set monthly rates: the book already has rows")
	}
	sorted := slices.Clone(rates)
	for i := range sorted {
		sorted[i].Currency = strings.ToUpper(strings.TrimSpace(sorted[i].Currency))
	}
	slices.SortStableFunc(sorted, func(a, b MonthlyRate) int {
		return cmp.Or(cmp.Compare(a.Currency, b.Currency), cmp.Compare(a.Month, b.Month))
	})
	for i, r := range sorted {
		switch {
		case !r.Rate.IsPositive():
			return fmt.Errorf("fx rate for %s, %s: %s is not a positive number", r.Currency, r.Month, r.Rate)
		case r.Currency == b.currency || r.Currency == "":
			if !r.Rate.Equal(decimal.NewFromInt(1)) {
				return fmt.Errorf("fx rate for %s, %s: the reporting currency's rate must be 1, not %s", b.currency, r.Month, r.Rate)
			}
			continue
		case i > 0 && sorted[i-1].Currency == r.Currency && sorted[i-1].Month == r.Month:
			return fmt.Errorf("fx rate for %s, %s: given twice", r.Currency, r.Month)
		}
		k := len(b.monthly)
		if k == 0 || b.monthly[k-1].code != r.Currency {
			if k+1 > 1<<16-1 {
				return fmt.Errorf("fx rates: too many currencies")
			}
			mr := monthlyRates{code: r.Currency}
			if fixed, ok := b.rates[r.Currency]; ok {
				// The single rate covers the months before the first.
				mr.from = append(mr.from, minMonth)
				mr.rates = append(mr.rates, fixed)
			}
			b.monthly = append(b.monthly, mr)
			k++
			b.rates[r.Currency] = rate{monthly: uint16(k)}
		}
		mr := &b.monthly[k-1]
		mr.from = append(mr.from, r.Month)
		mr.rates = append(mr.rates, newRate(r.Rate))
	}
	return nil
}

// minMonth is before any month a sheet can hold.
const minMonth = Month(-1 << 30)

// HasMonthlyRates tells whether some currency has a rate per month, so that
// months can have an FX impact.
func (b *Book) HasMonthlyRates() bool { return len(b.monthly) > 0 }

// rateTable returns, for each currency with monthly rates, its rate in each
// month from first through last: table[k-1][m-first].
func (b *Book) rateTable(first, last Month) [][]rate {
	if len(b.monthly) == 0 || last < first {
		return nil
	}
	table := make([][]rate, len(b.monthly))
	for k := range b.monthly {
		table[k] = make([]rate, int(last-first)+1)
		for i := range table[k] {
			table[k][i] = b.monthly[k].at(first + Month(i))
		}
	}
	return table
}

// convert turns an amount in a row's own currency into the reporting
// currency at r.
func convert(native Fixed, r rate) (Fixed, bool) {
	return monthly(int64(native), Monthly, r)
}
