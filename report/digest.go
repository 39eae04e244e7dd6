package report

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/shopspring/decimal"
)

// topMovers is how many customers a digest names for each kind of movement.
const topMovers = 3

// Digest is one month's figures as the monthly Slack post and the /mrr
// reply tell them. It holds the exact figures; [Digest.Text] and the Slack
// rendering round them as they present them.
type Digest struct {
	Month    calc.Month
	Currency string
	// Through is the day the month was measured on: its last day, or the
	// as-of date when the month is still running.
	Through calc.Date
	// Partial is true when Through is before the month's last day.
	Partial bool

	Ending decimal.Decimal // MRR at Through
	// NetNew is the sum of the five movements: Ending − the MRR at the end
	// of the month before, less FXImpact.
	NetNew decimal.Decimal
	// Growth is Net New ÷ starting MRR; not valid when the month started
	// from zero.
	Growth decimal.NullDecimal

	// The five movements, each a positive magnitude.
	New, Expansion, Reactivation, Contraction, Churn decimal.Decimal
	// FXImpact is the month's change in MRR from exchange rates (signed);
	// MonthlyFX tells whether the book has monthly rates, so that there can
	// be one.
	FXImpact  decimal.Decimal
	MonthlyFX bool

	ARR                  decimal.Decimal
	Customers            int // paying at Through
	NewCustomers         int
	ChurnedCustomers     int
	ReactivatedCustomers int

	// Movers are the biggest movements of each kind, in waterfall order
	// (New, Expansion, Reactivation, Contraction, Churn). A kind with no
	// movement in the month is left out.
	Movers []Movers

	// Issues is the number of sheet rows with problems; IssuesTab is the
	// tab that lists them.
	Issues    int
	IssuesTab string
	// Link is the spreadsheet's address; "" when there is none to show.
	Link string
	// Restated are closed months whose figures changed since they were
	// recorded, one line each, as RestatedLines makes them.
	Restated []string

	// TopSegment is the segment whose MRR moved most in the month, or nil.
	TopSegment *SegmentMove
	// Outlook is the MRR committed and scheduled to churn after Through,
	// or nil when nothing is paying.
	Outlook *Outlook
}

// Movers are the customers who moved most in one kind of movement.
type Movers struct {
	Kind calc.Kind
	// Top are at most three movements, biggest first; equal amounts are in
	// order of customer name.
	Top []Mover
}

// Mover is one customer's movement in a digest.
type Mover struct {
	CustomerID string
	// Customer is the customer's name, or its ID when the sheet gives no
	// name.
	Customer string
	// Amount is the signed change of the customer's MRR: positive for New,
	// Expansion and Reactivation, negative for Contraction and Churn.
	Amount decimal.Decimal
}

// NewDigest gathers the digest of month from res. issues is the number of
// sheet rows with problems (see [IssueRows]) and link the spreadsheet's
// address; either may be zero. It fails when res has no figures for month.
func NewDigest(res *calc.Result, month calc.Month, issues int, link string) (*Digest, error) {
	wf, ok := res.Month(month)
	if !ok {
		if len(res.Months) == 0 {
			return nil, fmt.Errorf("digest for %s: no paying subscriptions by %s", month, res.AsOf)
		}
		return nil, fmt.Errorf("digest for %s: the figures run from %s through %s",
			month, res.Months[0].Month, res.Months[len(res.Months)-1].Month)
	}
	m := wf.Metrics()
	through := month.LastDay()
	if res.AsOf < through {
		through = res.AsOf
	}
	d := &Digest{
		Month:                month,
		Currency:             res.Currency,
		Through:              through,
		Partial:              through < month.LastDay(),
		Ending:               wf.Ending.Decimal(),
		NetNew:               wf.NetNew.Decimal(),
		Growth:               m.Growth,
		New:                  wf.New.Decimal(),
		Expansion:            wf.Expansion.Decimal(),
		Reactivation:         wf.Reactivation.Decimal(),
		Contraction:          wf.Contraction.Decimal(),
		Churn:                wf.Churn.Decimal(),
		ARR:                  m.ARR,
		Customers:            wf.Customers,
		NewCustomers:         wf.NewCustomers,
		ChurnedCustomers:     wf.ChurnedCustomers,
		ReactivatedCustomers: wf.ReactivatedCustomers,
		Movers:               monthMovers(res, month),
		Issues:               issues,
		IssuesTab:            DefaultTabNames.Issues,
		Link:                 link,
	}
	d.views(res, wf)
	return d, nil
}

// monthMovers picks the top movers of each kind in month. It keeps three
// per kind as it goes rather than sorting a month that may hold many
// thousands of movements.
func monthMovers(res *calc.Result, month calc.Month) []Movers {
	moves := res.Movements() // by month
	lo := sort.Search(len(moves), func(i int) bool { return moves[i].Month >= month })
	hi := sort.Search(len(moves), func(i int) bool { return moves[i].Month > month })

	type candidate struct {
		size calc.Fixed // a positive magnitude
		name string
		mv   calc.Movement
	}
	// before reports whether a ranks above b.
	before := func(a, b *candidate) bool {
		if a.size != b.size {
			return a.size > b.size
		}
		if a.name != b.name {
			return a.name < b.name
		}
		return res.Customers[a.mv.Customer].ID < res.Customers[b.mv.Customer].ID
	}
	var top [calc.Churn + 1][]candidate
	for _, mv := range moves[lo:hi] {
		if mv.Kind > calc.Churn {
			continue // FX impact: a change of rates, not a customer's move
		}
		c := candidate{size: mv.Amount(), name: customerName(res.Customers[mv.Customer]), mv: mv}
		t := top[mv.Kind]
		if len(t) == topMovers && !before(&c, &t[topMovers-1]) {
			continue
		}
		if len(t) < topMovers {
			t = append(t, c)
		} else {
			t[topMovers-1] = c
		}
		for i := len(t) - 1; i > 0 && before(&t[i], &t[i-1]); i-- {
			t[i], t[i-1] = t[i-1], t[i]
		}
		top[mv.Kind] = t
	}

	var out []Movers
	for k, t := range top {
		if len(t) == 0 {
			continue
		}
		ms := Movers{Kind: calc.Kind(k), Top: make([]Mover, len(t))}
		for i, c := range t {
			ms.Top[i] = Mover{
				CustomerID: res.Customers[c.mv.Customer].ID,
				Customer:   c.name,
				Amount:     (c.mv.After - c.mv.Before).Decimal(),
			}
		}
		out = append(out, ms)
	}
	return out
}

// customerName is the name people know a customer by: its name, or its ID
// when the sheet gives none.
func customerName(c calc.Customer) string {
	if c.Name != "" {
		return c.Name
	}
	return c.ID
}

// IssueRows counts the sheet rows that have at least one issue in any of
// lists; an issue with no row (about a customer as a whole) counts alone,
// and a row of the FX table (an issue whose Column starts with "FX ") is
// not the subscriptions' row of the same number. It is the count
// [NewDigest] takes.
func IssueRows(lists ...[]calc.Issue) int {
	type key struct {
		fx  bool
		row int
	}
	rows := make(map[key]bool)
	n := 0
	for _, issues := range lists {
		for _, is := range issues {
			if is.Row <= 0 {
				n++
				continue
			}
			k := key{strings.HasPrefix(is.Column, "FX "), is.Row}
			if !rows[k] {
				rows[k] = true
				n++
			}
		}
	}
	return n
}

// Headline is the digest's first line: the month, its MRR, Net New MRR and
// MoM growth, as in "MRR for October 2026: $12,480.50 (+$1,099.00, +9.7%
// MoM)". The month in progress is marked: "MRR for March 2026 to date (as
// of 2026-03-15): …". The growth is left out when it is undefined; a
// month's FX impact, when there is one, follows Net New ("+$150.00, FX
// −$17.50"). It also serves as the fallback text of a Slack message.
func (d *Digest) Headline() string {
	var b strings.Builder
	fmt.Fprintf(&b, "MRR for %s %d", d.Month.Mon(), d.Month.Year())
	if d.Partial {
		fmt.Fprintf(&b, " to date (as of %s)", d.Through)
	}
	fmt.Fprintf(&b, ": %s (%s", Money(d.Ending, d.Currency), signedMoney(d.NetNew, d.Currency))
	if d.MonthlyFX && !d.FXImpact.IsZero() {
		fmt.Fprintf(&b, ", FX %s", signedMoney(d.FXImpact, d.Currency))
	}
	if d.Growth.Valid {
		fmt.Fprintf(&b, ", %s MoM", signedPercent(d.Growth.Decimal))
	}
	b.WriteString(")")
	return b.String()
}

// Text renders the digest as plain text, one fact per line:
//
//	MRR for October 2026: $12,480.50 (+$1,099.00, +9.7% MoM)
//	New +$1,200.00 · Expansion +$300.00 · Reactivation +$0.00 · Contraction −$150.00 · Churn −$250.50
//	ARR $149,766.00 · 42 customers (+3 new, −1 churned)
//	Top movers
//	  New: Acme Corp +$800.00, Initech +$400.00
//	Moved most: Plan Pro +$1,200.00 (now $5,000.00)
//	Committed MRR $12,180.50 (MRR less what is scheduled to churn within 90 days) · scheduled to churn within 30 days: $300.00 (1 customer) · …
//	Scheduled: Hooli −$300.00 (last day 2026-11-20, churns)
//	3 rows have problems: see the Data Issues tab.
//	https://docs.google.com/spreadsheets/d/…
//
// Each movement carries the sign of its direction, even when it is zero.
// The top movers are left out when nothing moved, the issues line when
// there are none, the link line when there is no link; FX impact follows
// the movements when the book has monthly rates.
func (d *Digest) Text() string {
	var b strings.Builder
	b.WriteString(d.Headline())
	b.WriteString("\n")

	gain := func(x decimal.Decimal) string { return "+" + Money(x, d.Currency) }
	loss := func(x decimal.Decimal) string { return minus + Money(x, d.Currency) }
	fmt.Fprintf(&b, "New %s · Expansion %s · Reactivation %s · Contraction %s · Churn %s%s\n",
		gain(d.New), gain(d.Expansion), gain(d.Reactivation), loss(d.Contraction), loss(d.Churn), d.fxText())

	fmt.Fprintf(&b, "ARR %s · %s (%s new", Money(d.ARR, d.Currency), plural(d.Customers, "customer", "customers"), signedCount(d.NewCustomers))
	if d.ReactivatedCustomers > 0 {
		fmt.Fprintf(&b, ", %s reactivated", signedCount(d.ReactivatedCustomers))
	}
	fmt.Fprintf(&b, ", %s churned)\n", signedCount(-d.ChurnedCustomers))

	if len(d.Movers) > 0 {
		b.WriteString("Top movers\n")
		for _, ms := range d.Movers {
			fmt.Fprintf(&b, "  %s: ", ms.Kind)
			for i, mv := range ms.Top {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "%s %s", mv.Customer, signedMoney(mv.Amount, d.Currency))
			}
			b.WriteString("\n")
		}
	}
	d.viewText(&b)

	if d.Issues > 0 {
		verb, tab := d.issues()
		fmt.Fprintf(&b, "%d %s: see the %s tab.\n", d.Issues, verb, tab)
	}
	if len(d.Restated) > 0 {
		b.WriteString("Restated since they were recorded\n")
		for _, r := range d.Restated {
			b.WriteString("  " + r + "\n")
		}
	}
	if d.Link != "" {
		b.WriteString(d.Link)
		b.WriteString("\n")
	}
	return b.String()
}

// issues returns the words for the rows with problems and the tab that
// lists them.
func (d *Digest) issues() (verb, tab string) {
	tab = d.IssuesTab
	if tab == "" {
		tab = DefaultTabNames.Issues
	}
	if d.Issues == 1 {
		return "row has a problem", tab
	}
	return "rows have problems", tab
}

// maxRestated is how many restatements a digest lists by name.
const maxRestated = 10

// RestatedLines describes restatements for people: "March 2025, Acme
// Corp: $1,200.00 → $1,100.00 (row 12 changed)", at most ten and a count
// of the rest. names maps customer IDs to names.
func RestatedLines(rs []calc.Restatement, names map[string]string, currency string) []string {
	var out []string
	for i, r := range rs {
		if i == maxRestated {
			out = append(out, fmt.Sprintf("and %d more: see the Data Issues tab", len(rs)-maxRestated))
			break
		}
		out = append(out, RestatedLine(r, names[r.Customer], currency))
	}
	return out
}

// RestatedLine describes one restatement.
func RestatedLine(r calc.Restatement, name, currency string) string {
	who := r.Customer
	if name != "" {
		who = name
	}
	line := fmt.Sprintf("%s %d, %s: %s → %s", r.Month.Mon(), r.Month.Year(), who,
		Money(r.Before.Decimal(), currency), Money(r.After.Decimal(), currency))
	if len(r.Rows) > 0 {
		var parts []string
		for _, rc := range r.Rows {
			parts = append(parts, fmt.Sprintf("row %d %s", rc.Row, rc.Kind))
		}
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	return line
}

// signedPercent formats a ratio as a signed percentage with one decimal:
// "+9.7%", "−2.3%", "0.0%".
func signedPercent(r decimal.Decimal) string {
	p := r.Shift(2).Round(1)
	switch p.Sign() {
	case 1:
		return "+" + p.StringFixed(1) + "%"
	case -1:
		return minus + p.Neg().StringFixed(1) + "%"
	}
	return "0.0%"
}

// signedCount formats a change in a count: "+3", "−1", "0".
func signedCount(n int) string {
	switch {
	case n > 0:
		return "+" + strconv.Itoa(n)
	case n < 0:
		return minus + strconv.Itoa(-n)
	}
	return "0"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
