package calc

import "github.com/shopspring/decimal"

// Metrics are the figures derived from one month's waterfall. A ratio whose
// denominator is zero is not valid (left empty), never shown as 0.
type Metrics struct {
	ARR decimal.Decimal // Ending × 12
	// ARPA is the average MRR per paying customer: Ending ÷ Customers.
	ARPA decimal.NullDecimal
	// Growth is month-over-month: Net New ÷ Starting.
	Growth decimal.NullDecimal
	// LogoChurn is ChurnedCustomers ÷ StartingCustomers.
	LogoChurn decimal.NullDecimal
	// GrossMRRChurn is (Contraction + Churn) ÷ Starting.
	GrossMRRChurn decimal.NullDecimal
	// NetMRRChurn is (Contraction + Churn − Expansion − Reactivation) ÷
	// Starting.
	NetMRRChurn decimal.NullDecimal
	// NRR, net revenue retention, is (Starting + Expansion − Contraction −
	// Churn) ÷ Starting.
	NRR decimal.NullDecimal
	// QuickRatio is (New + Expansion + Reactivation) ÷ (Contraction +
	// Churn).
	QuickRatio decimal.NullDecimal
}

// ratioPrecision is the number of decimal places ratios keep.
const ratioPrecision = 12

// Metrics derives the month's metrics.
func (w *Waterfall) Metrics() Metrics {
	start := w.Starting.Decimal()
	end := w.Ending.Decimal()
	newD, exp, react := w.New.Decimal(), w.Expansion.Decimal(), w.Reactivation.Decimal()
	contr, churn := w.Contraction.Decimal(), w.Churn.Decimal()
	lost := contr.Add(churn)
	m := Metrics{
		ARR:        end.Mul(decimal.NewFromInt(12)),
		ARPA:       ratio(end, decimal.NewFromInt(int64(w.Customers))),
		Growth:     ratio(w.NetNew.Decimal(), start),
		LogoChurn:  ratio(decimal.NewFromInt(int64(w.ChurnedCustomers)), decimal.NewFromInt(int64(w.StartingCustomers))),
		QuickRatio: ratio(newD.Add(exp).Add(react), lost),
	}
	m.GrossMRRChurn = ratio(lost, start)
	m.NetMRRChurn = ratio(lost.Sub(exp).Sub(react), start)
	m.NRR = ratio(start.Add(exp).Sub(lost), start)
	return m
}

func ratio(num, den decimal.Decimal) decimal.NullDecimal {
	if den.IsZero() {
		return decimal.NullDecimal{}
	}
	return decimal.NewNullDecimal(num.DivRound(den, ratioPrecision))
}
