package calc

import "github.com/shopspring/decimal"

// Cohort is the customers whose first paying month is Month, followed
// month by month. Reactivation and expansion count towards a cohort's MRR
// as contraction and churn count against it, so its MRR as a share of its
// first month's is its net revenue retention; a customer that churns and
// returns stays in the cohort of its first month.
type Cohort struct {
	Month Month
	// MRR[k] is the cohort's MRR at the end of month Month+k, through the
	// result's last month; MRR[0] is the New MRR of its customers.
	MRR []Sum
	// Paying[k] is the number of the cohort's customers paying at the end
	// of month Month+k; Paying[0] is the cohort's size.
	Paying []int
}

// Customers returns the number of customers in the cohort.
func (c Cohort) Customers() int { return c.Paying[0] }

// Retention returns the cohort's MRR k months after its first as a share
// of its first month's: net revenue retention, 1 for k = 0. It is empty
// when the cohort started with no MRR or k is out of range.
func (c Cohort) Retention(k int) decimal.NullDecimal {
	if k < 0 || k >= len(c.MRR) {
		return decimal.NullDecimal{}
	}
	return ratio(c.MRR[k].Decimal(), c.MRR[0].Decimal())
}

// LogoRetention returns the share of the cohort's customers paying k
// months after its first month, 1 for k = 0, or empty when k is out of
// range.
func (c Cohort) LogoRetention(k int) decimal.NullDecimal {
	if k < 0 || k >= len(c.Paying) {
		return decimal.NullDecimal{}
	}
	return ratio(decimal.NewFromInt(int64(c.Paying[k])), decimal.NewFromInt(int64(c.Paying[0])))
}

// cohortTable collects, for each cohort i of a result's n months and each
// month j from i on, the change in the cohort's MRR and paying customers in
// month j. A cohort's row is made when its first customer comes, so a
// sheet whose months span centuries because of one mistyped year costs one
// long row, not months².
type cohortTable struct {
	n      int
	mrr    [][]Sum   // [i][j-i]; nil for a month in which no customer first paid
	paying [][]int32 // likewise
}

func newCohortTable(n int) *cohortTable {
	return &cohortTable{n: n, mrr: make([][]Sum, n), paying: make([][]int32, n)}
}

// customer adds one customer's movements, in month order, to its cohort:
// the month of its first movement, which is always New.
func (t *cohortTable) customer(moves []Movement, first Month) {
	if len(moves) == 0 {
		return
	}
	i := int(moves[0].Month - first)
	if t.mrr[i] == nil {
		t.mrr[i], t.paying[i] = make([]Sum, t.n-i), make([]int32, t.n-i)
	}
	mrr, paying := t.mrr[i], t.paying[i]
	for _, mv := range moves {
		j := int(mv.Month-first) - i
		mrr[j].Add(mv.After - mv.Before)
		switch {
		case mv.Before == 0 && mv.After != 0:
			paying[j]++
		case mv.After == 0 && mv.Before != 0:
			paying[j]--
		}
	}
}

// merge adds the customers of u to t.
func (t *cohortTable) merge(u *cohortTable) {
	for i := range u.mrr {
		switch {
		case u.mrr[i] == nil:
		case t.mrr[i] == nil:
			t.mrr[i], t.paying[i] = u.mrr[i], u.paying[i]
		default:
			for j := range u.mrr[i] {
				t.mrr[i][j].AddSum(u.mrr[i][j])
				t.paying[i][j] += u.paying[i][j]
			}
		}
	}
}

// Cohorts returns the result's cohorts, oldest first: one for each month
// in which some customer first paid.
func (r *Result) Cohorts() []Cohort {
	t := r.cohorts
	if t == nil || len(r.Months) == 0 {
		return nil
	}
	first := r.Months[0].Month
	var out []Cohort
	for i := range t.n {
		if t.mrr[i] == nil {
			continue
		}
		c := Cohort{Month: first + Month(i), MRR: make([]Sum, t.n-i), Paying: make([]int, t.n-i)}
		var mrr Sum
		paying := 0
		for k := range t.mrr[i] {
			mrr.AddSum(t.mrr[i][k])
			paying += int(t.paying[i][k])
			c.MRR[k], c.Paying[k] = mrr, paying
		}
		out = append(out, c)
	}
	return out
}
