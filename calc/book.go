package calc

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// Book collects the rows of a subscriptions table, normalised to monthly
// amounts in the reporting currency and stored compactly, ready for
// [Book.Compute]. A Book is not safe for concurrent use.
type Book struct {
	currency string
	rates    map[string]rate

	rows  chunks[row]
	ids   interner // customer IDs; a customer's index is its ID's
	names nameList // customer names, by customer index
	plans interner

	// monthly holds the rates of the currencies that have a rate per
	// month; a row in one of them keeps its MRR in that currency and is
	// converted month by month. monthly[k-1] is for row.cur == k.
	monthly []monthlyRates

	// segNames are the segment columns; segs[d] interns the values of
	// segNames[d] and segVals[d] holds each row's value index.
	segNames []string
	segs     []interner
	segVals  []chunks[uint32]
}

// Customer is a paying account: the rows that share a customer ID.
type Customer struct {
	ID   string
	Name string // the first name given for the customer, if any
}

// row is a normalised subscription row. It holds no pointers, so a million
// of them cost the garbage collector nothing to scan.
type row struct {
	mrr   Fixed
	start Date
	end   Date
	cust  uint32
	plan  uint32
	line  int32
	cur   uint16 // 0, or k when mrr is in the currency of Book.monthly[k-1]
}

// rate converts an amount into the reporting currency: ×mant÷10^exp.
type rate struct {
	mant int64
	pow  uint64 // 10^exp
	dec  decimal.Decimal
	// monthly is k when the currency has monthly rates (Book.monthly[k-1]);
	// the other fields are then unused.
	monthly uint16
}

var unitRate = rate{mant: 1, pow: 1, dec: decimal.NewFromInt(1)}

// NewBook returns an empty Book that reports in currency (an ISO code such
// as "USD"). rates gives, for each other currency, the units of currency per
// one unit of it. A rate must be positive.
func NewBook(currency string, rates map[string]decimal.Decimal) (*Book, error) {
	b := &Book{
		currency: strings.ToUpper(strings.TrimSpace(currency)),
		rates:    make(map[string]rate, len(rates)+1),
		ids:      newInterner(),
		plans:    newInterner(),
	}
	for code, r := range rates {
		code = strings.ToUpper(strings.TrimSpace(code))
		if !r.IsPositive() {
			return nil, fmt.Errorf("fx rate for %s: %s is not a positive number", code, r)
		}
		b.rates[code] = newRate(r)
	}
	b.rates[b.currency] = unitRate
	b.rates[""] = unitRate
	return b, nil
}

func newRate(d decimal.Decimal) rate {
	r := rate{dec: d}
	exp := d.Exponent()
	coef := d.Coefficient()
	if exp >= 0 {
		coef.Mul(coef, decimal.New(1, exp).BigInt())
		exp = 0
	}
	if coef.IsInt64() && -exp <= 18 {
		r.mant = coef.Int64()
		r.pow = 1
		for range -exp {
			r.pow *= 10
		}
	}
	// mant == 0 sends every conversion by the decimal path.
	return r
}

// Currency returns the reporting currency.
func (b *Book) Currency() string { return b.currency }

// Len returns the number of rows that count towards MRR.
func (b *Book) Len() int { return b.rows.len() }

// Customers returns the number of customers with rows that count: a reader
// learns from it that the row it added brought a new customer.
func (b *Book) Customers() int { return b.ids.len() }

// Add checks s against the rules between its fields and, when it counts
// towards MRR, stores its monthly amount. It returns an *Issue naming the
// field at fault when the row must be left out. Trial, free and zero-value
// rows are accepted and not stored.
func (b *Book) Add(s *Subscription) error {
	bad := func(field, value, format string, args ...any) error {
		return &Issue{Row: s.Row, Column: field, Value: value, Message: fmt.Sprintf(format, args...)}
	}
	if s.CustomerID == "" {
		return bad(FieldCustomerID, "", "customer is missing")
	}
	if s.Amount < 0 {
		return bad(FieldAmount, s.Amount.String(), "amount %s is negative", s.Amount)
	}
	if s.Quantity < 0 {
		return bad(FieldQuantity, s.Quantity.String(), "quantity %s is negative", s.Quantity)
	}
	if s.Status == Cancelled && s.End == NoEnd {
		return bad(FieldEndDate, "", "cancelled without an end date (give the last day of service)")
	}
	if s.End < s.Start {
		return bad(FieldEndDate, s.End.String(), "ends on %s, before it starts on %s", s.End, s.Start)
	}
	r, ok := b.rates[s.Currency]
	if !ok {
		r, ok = b.rates[strings.ToUpper(strings.TrimSpace(s.Currency))]
	}
	if !ok {
		return bad(FieldCurrency, s.Currency, "no FX rate for %s (add it to the FX tab)", s.Currency)
	}
	gross, ok := mulDiv(int64(s.Amount), int64(s.Quantity), uint64(one))
	if !ok {
		return bad(FieldAmount, s.Amount.String(), "amount × quantity is too large")
	}
	net := gross
	switch d := s.Discount; {
	case d.Value < 0 && d.Percent:
		return bad(FieldDiscount, "", "discount %s%% is negative", d.Value.Decimal().Shift(2))
	case d.Value < 0:
		return bad(FieldDiscount, "", "discount %s is negative", d.Value)
	case d.Percent && d.Value > one:
		return bad(FieldDiscount, d.Value.String(), "discount %s%% is larger than the price", d.Value.Decimal().Shift(2))
	case d.Percent:
		net, _ = mulDiv(gross, int64(one-d.Value), uint64(one))
	case d.Value > Fixed(gross):
		return bad(FieldDiscount, d.Value.String(), "discount %s is larger than the price %s", d.Value, Fixed(gross))
	default:
		net = gross - int64(d.Value)
	}
	if s.Status == Trial || s.Status == Free || net == 0 {
		return nil
	}
	cur := r.monthly
	if cur != 0 {
		r = unitRate // kept in its own currency, converted month by month
	}
	mrr, ok := monthly(net, s.Interval.norm(), r)
	if !ok {
		return bad(FieldAmount, s.Amount.String(), "amount is too large")
	}
	if mrr == 0 {
		return nil
	}
	if b.rows.len() >= math.MaxInt32 {
		return bad(FieldCustomerID, "", "too many rows")
	}
	b.rows.append(row{
		mrr:   mrr,
		start: s.Start,
		end:   s.End,
		cust:  b.customer(s),
		plan:  b.plan(s.Plan),
		line:  int32(s.Row),
		cur:   cur,
	})
	for d := range b.segs {
		v := ""
		if d < len(s.Segments) {
			v = s.Segments[d]
		}
		i, _ := b.segs[d].lookup(v)
		b.segVals[d].append(i)
	}
	return nil
}

// SetSegments names the columns, beyond the plan, by which [Result.Segments]
// breaks MRR down; each row gives its values in Subscription.Segments, in
// this order. Call it before the first Add.
func (b *Book) SetSegments(columns []string) error {
	if b.rows.len() > 0 {
		return fmt.Errorf("set segments: the book already has rows")
	}
	b.segNames = slices.Clone(columns)
	b.segs = make([]interner, len(columns))
	b.segVals = make([]chunks[uint32], len(columns))
	for d := range b.segs {
		b.segs[d] = newInterner()
	}
	return nil
}

// monthly converts net, an amount per billing period, into a monthly amount
// in the reporting currency: net × per × rate ÷ months.
func monthly(net int64, iv Interval, r rate) (Fixed, bool) {
	if r.mant > 0 && r.mant <= math.MaxInt64/int64(iv.Per) && r.pow <= math.MaxUint64/uint64(iv.Months) {
		v, ok := mulDiv(net, r.mant*int64(iv.Per), r.pow*uint64(iv.Months))
		return Fixed(v), ok
	}
	d := decimal.New(net, -Scale).Mul(decimal.NewFromInt32(iv.Per)).Mul(r.dec).
		DivRound(decimal.NewFromInt32(iv.Months), Scale+2)
	f, err := FixedFromDecimal(d)
	return f, err == nil
}

func (b *Book) customer(s *Subscription) uint32 {
	i, added := b.ids.lookup(s.CustomerID)
	if added {
		b.names.spans = append(b.names.spans, span{})
	}
	if s.CustomerName != "" && b.names.spans[i].len == 0 {
		b.names.set(i, s.CustomerName)
	}
	return i
}

// nameList keeps the first name given for each customer, in one arena.
type nameList struct {
	arena []byte
	spans []span
}

type span struct{ off, len uint32 }

func (l *nameList) set(i uint32, name string) {
	l.spans[i] = span{uint32(len(l.arena)), uint32(len(name))}
	l.arena = append(l.arena, name...)
}

// customers returns the customers in index order.
func (b *Book) customers() []Customer {
	ids := b.ids.strings()
	names := string(b.names.arena)
	out := make([]Customer, len(ids))
	for i, id := range ids {
		sp := b.names.spans[i]
		out[i] = Customer{ID: id, Name: names[sp.off : sp.off+sp.len]}
	}
	return out
}

func (b *Book) plan(p string) uint32 {
	i, _ := b.plans.lookup(p)
	return i
}
