package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/shopspring/decimal"
	"github.com/slack-go/slack"
)

// The digest's deeper views: the FX impact of the month, the segment that
// moved most, and the MRR committed and scheduled to churn after the day
// the month was measured on.

// Block IDs of the views.
const (
	blockSegment = "mrr-segment"
	blockOutlook = "mrr-outlook"
)

// atRiskNames is how many customers a digest names as scheduled to churn.
const atRiskNames = 5

// SegmentMove is the segment whose MRR moved most in a month.
type SegmentMove struct {
	Column, Value string
	NetNew        decimal.Decimal // signed
	Ending        decimal.Decimal
}

// Outlook is the MRR committed and scheduled to churn after a day.
type Outlook struct {
	From      calc.Date
	MRR       decimal.Decimal
	Committed decimal.Decimal
	Horizons  []Horizon
}

// Horizon is the MRR scheduled to go within Days days.
type Horizon struct {
	Days      int
	AtRisk    decimal.Decimal
	Customers int
	// Top are the biggest drops, at most five; only the longest horizon
	// with customers at risk lists them.
	Top []AtRiskCustomer
}

// AtRiskCustomer is a customer whose MRR is scheduled to drop.
type AtRiskCustomer struct {
	CustomerID, Customer string
	Drop                 decimal.Decimal // a positive magnitude
	LastDay              calc.Date       // its last day of service at that MRR
	Churns               bool            // true when nothing is left after it
}

// views fills the digest's FX impact, top segment and outlook from res.
func (d *Digest) views(res *calc.Result, wf calc.Waterfall) {
	d.MonthlyFX = res.MonthlyFX
	d.FXImpact = wf.FXImpact.Decimal()
	d.TopSegment = topSegment(res, wf.Month)
	d.Outlook = newOutlook(res, d.Through)
}

// topSegment returns the segment whose Net New MRR in month is largest in
// size, among columns that have at least two segments, or nil when no
// segment moved. Equal sizes keep the first in calc.Result.Segments order.
func topSegment(res *calc.Result, month calc.Month) *SegmentMove {
	segs := res.Segments()
	perColumn := map[string]int{}
	for _, s := range segs {
		perColumn[s.Column]++
	}
	var best *SegmentMove
	var size decimal.Decimal
	for _, s := range segs {
		if perColumn[s.Column] < 2 {
			continue
		}
		i := int(month - s.Months[0].Month)
		if i < 0 || i >= len(s.Months) {
			continue
		}
		net := s.Months[i].NetNew.Decimal()
		if net.IsZero() || best != nil && net.Abs().LessThanOrEqual(size) {
			continue
		}
		best = &SegmentMove{Column: s.Column, Value: SegmentValue(s), NetNew: net, Ending: s.Months[i].Ending.Decimal()}
		size = net.Abs()
	}
	return best
}

func newOutlook(res *calc.Result, from calc.Date) *Outlook {
	o := res.Outlook(from)
	if o.MRR.Sign() == 0 {
		return nil
	}
	out := &Outlook{From: from, MRR: o.MRR.Decimal(), Committed: o.Committed.Decimal()}
	for i, h := range o.Horizons {
		hz := Horizon{Days: h.Days, AtRisk: h.AtRisk.Decimal(), Customers: len(h.Customers)}
		if i == lastWithCustomers(o.Horizons) {
			for _, c := range h.Customers[:min(len(h.Customers), atRiskNames)] {
				cust := res.Customers[c.Customer]
				hz.Top = append(hz.Top, AtRiskCustomer{
					CustomerID: cust.ID,
					Customer:   customerName(cust),
					Drop:       c.Drop().Decimal(),
					LastDay:    c.LastDay,
					Churns:     c.After == 0,
				})
			}
		}
		out.Horizons = append(out.Horizons, hz)
	}
	return out
}

// lastWithCustomers returns the index of the longest horizon with
// customers at risk, or −1.
func lastWithCustomers(hs []calc.Horizon) int {
	for i := len(hs) - 1; i >= 0; i-- {
		if len(hs[i].Customers) > 0 {
			return i
		}
	}
	return -1
}

// fxText is " · FX impact +$12.34" when the book has monthly rates, else "".
func (d *Digest) fxText() string {
	if !d.MonthlyFX {
		return ""
	}
	return " · FX impact " + signedMoney(d.FXImpact, d.Currency)
}

// segmentLine is "Moved most: Plan Pro +$1,200.00 (now $5,000.00)", or ""
// when no segment moved.
func (d *Digest) segmentLine(escape func(string) string) string {
	s := d.TopSegment
	if s == nil {
		return ""
	}
	return fmt.Sprintf("Moved most: %s %s %s (now %s)", escape(s.Column), escape(shortName(s.Value)),
		signedMoney(s.NetNew, d.Currency), Money(s.Ending, d.Currency))
}

// outlookLines are the committed MRR and the MRR scheduled to churn, then
// the customers behind the longest horizon's:
//
//	Committed MRR $9,100.00 (MRR less what is scheduled to churn within 90 days) · scheduled to churn within 30 days: $300.00 (1 customer) · within 90 days: $900.00 (2 customers)
//	Scheduled: Acme Corp −$600.00 (last day 2026-12-15, churns), Initech −$300.00 (last day 2026-11-30)
//
// Each horizon counts from the day the month was measured on and holds
// the shorter ones ("within"), so that a reader does not add them up.
func (d *Digest) outlookLines(escape func(string) string) []string {
	o := d.Outlook
	if o == nil {
		return nil
	}
	days := 0
	if n := len(o.Horizons); n > 0 {
		days = o.Horizons[n-1].Days
	}
	if !slices.ContainsFunc(o.Horizons, func(h Horizon) bool { return h.Customers > 0 }) {
		return []string{fmt.Sprintf("Committed MRR %s · nothing scheduled to churn within %d days", Money(o.Committed, d.Currency), days)}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Committed MRR %s (MRR less what is scheduled to churn within %d days) · scheduled to churn", Money(o.Committed, d.Currency), days)
	for i, h := range o.Horizons {
		if i > 0 {
			b.WriteString(" ·")
		}
		fmt.Fprintf(&b, " within %d days: %s (%s)", h.Days, Money(h.AtRisk, d.Currency), plural(h.Customers, "customer", "customers"))
	}
	lines := []string{b.String()}
	// The customers of the longest horizon that has any (a renewal after
	// a gap can leave a later horizon with none).
	if i := slices.IndexFunc(o.Horizons, func(h Horizon) bool { return len(h.Top) > 0 }); i >= 0 {
		h := o.Horizons[i]
		var parts []string
		for _, c := range h.Top {
			p := fmt.Sprintf("%s %s (last day %s", escape(shortName(c.Customer)), minus+Money(c.Drop, d.Currency), c.LastDay)
			if c.Churns {
				p += ", churns"
			}
			parts = append(parts, p+")")
		}
		line := "Scheduled: " + strings.Join(parts, ", ")
		if more := h.Customers - len(h.Top); more > 0 {
			line += fmt.Sprintf(" and %d more", more)
		}
		lines = append(lines, line)
	}
	return lines
}

// viewText adds the views' lines to a plain-text digest.
func (d *Digest) viewText(b *strings.Builder) {
	if l := d.segmentLine(noEscape); l != "" {
		b.WriteString(l + "\n")
	}
	for _, l := range d.outlookLines(noEscape) {
		b.WriteString(l + "\n")
	}
}

func noEscape(s string) string { return s }

// segmentBlock is the segment that moved most, or nil.
func (d *Digest) segmentBlock() slack.Block {
	l := d.segmentLine(EscapeMrkdwn)
	if l == "" {
		return nil
	}
	return slack.NewContextBlock(blockSegment, sheetMrkdwn(l))
}

// outlookBlock is the committed MRR and the MRR scheduled to churn, with
// the customers, or nil when nothing is paying.
func (d *Digest) outlookBlock() slack.Block {
	lines := d.outlookLines(EscapeMrkdwn)
	if len(lines) == 0 {
		return nil
	}
	// "*Committed MRR $9,100.00* (MRR less …)", then what is scheduled
	// to churn on a line of its own.
	head, rest, _ := strings.Cut(lines[0], " · ")
	amount, note, _ := strings.Cut(head, " (")
	if note != "" {
		note = " (" + note
	}
	lines[0] = "*" + amount + "*" + note + "\n" + strings.ToUpper(rest[:1]) + rest[1:]
	return slack.NewSectionBlock(sheetMrkdwn(truncate(strings.Join(lines, "\n"), 2900)), nil, nil, slack.SectionBlockOptionBlockID(blockOutlook))
}
