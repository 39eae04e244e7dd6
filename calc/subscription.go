package calc

import (
	"fmt"
	"strconv"
	"strings"
)

// Interval is a billing period: Per payments every Months months. The zero
// Interval is monthly.
type Interval struct {
	Per    int32 // payments in the span
	Months int32 // the span in months
}

// Common intervals.
var (
	Monthly    = Interval{1, 1}
	Quarterly  = Interval{1, 3}
	Semiannual = Interval{1, 6}
	Annual     = Interval{1, 12}
	Biennial   = Interval{1, 24}
	Weekly     = Interval{52, 12}
)

func (iv Interval) norm() Interval {
	if iv.Per <= 0 || iv.Months <= 0 {
		return Monthly
	}
	return iv
}

// String names the interval as a person would write it.
func (iv Interval) String() string {
	iv = iv.norm()
	switch iv {
	case Monthly:
		return "monthly"
	case Quarterly:
		return "quarterly"
	case Semiannual:
		return "semiannual"
	case Annual:
		return "annual"
	case Biennial:
		return "biennial"
	case Weekly:
		return "weekly"
	}
	if iv.Per == 1 {
		return strconv.Itoa(int(iv.Months)) + " months"
	}
	return fmt.Sprintf("%d per %d months", iv.Per, iv.Months)
}

// ParseInterval reads a billing interval: monthly, quarterly, semiannual
// (semi-annual, half-yearly), annual (annually, yearly), biennial (2 years),
// weekly, "N months", "N years" and their singular and short forms. Case,
// spaces, hyphens and underscores are ignored. Blank is monthly.
func ParseInterval(s string) (Interval, error) {
	// Fast path for the words sheets use most.
	switch s {
	case "", "monthly", "Monthly":
		return Monthly, nil
	case "annual", "Annual", "yearly", "Yearly", "annually", "Annually":
		return Annual, nil
	case "quarterly", "Quarterly":
		return Quarterly, nil
	}
	// Keep letters and digits; drop the spaces, hyphens and underscores
	// between words. Anything else ("1.5 years", "-3 months") is refused
	// rather than read as something it is not.
	var buf [32]byte
	b := buf[:0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case len(b) == len(buf):
			return Interval{}, badInterval(s)
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b = append(b, c)
		case c == ' ' || c == '\t' || c == '_':
		case c == '-' && i > 0 && i+1 < len(s) && isLetter(s[i-1]) && isLetter(s[i+1]):
		default:
			return Interval{}, badInterval(s)
		}
	}
	// The compiler does not allocate for a switch on string(b).
	k := string(b)
	switch k {
	case "", "monthly", "month", "months", "1month", "everymonth", "permonth", "mo", "m", "1m":
		return Monthly, nil
	case "quarterly", "quarter", "3months", "3month", "q", "3m", "perquarter":
		return Quarterly, nil
	case "semiannual", "semiannually", "halfyearly", "halfyear", "biannual", "biannually", "6months", "6month", "6m":
		return Semiannual, nil
	case "annual", "annually", "yearly", "year", "1year", "12months", "12month", "y", "1y", "12m", "peryear", "everyyear":
		return Annual, nil
	case "biennial", "biennially", "2years", "2year", "24months", "24month", "2y", "24m":
		return Biennial, nil
	case "weekly", "week", "1week", "perweek", "everyweek", "w", "1w":
		return Weekly, nil
	}
	// "N months", "N years", "every N months"
	k = strings.TrimPrefix(k, "every")
	for _, u := range [...]struct {
		suffix string
		months int
	}{{"months", 1}, {"month", 1}, {"mo", 1}, {"m", 1}, {"years", 12}, {"year", 12}, {"y", 12}} {
		if num, ok := strings.CutSuffix(k, u.suffix); ok {
			if n, err := strconv.Atoi(num); err == nil && n > 0 && n <= 1200 {
				return Interval{1, int32(n * u.months)}, nil
			}
		}
	}
	return Interval{}, badInterval(s)
}

func badInterval(s string) error {
	return fmt.Errorf("%q is not a billing interval (use monthly, quarterly, annual, weekly, \"N months\" or \"N years\")", s)
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// Status is a subscription's state in the sheet.
type Status uint8

// Statuses. Trial and free rows are kept out of MRR; a cancelled row counts
// until its end date.
const (
	Active Status = iota
	Trial
	Free
	Cancelled
)

// String returns the status's name.
func (s Status) String() string {
	switch s {
	case Trial:
		return "trial"
	case Free:
		return "free"
	case Cancelled:
		return "cancelled"
	}
	return "active"
}

// ParseStatus reads a status, ignoring case and surrounding space. Blank is
// active.
func ParseStatus(s string) (Status, error) {
	switch s {
	case "", "active", "Active", "ACTIVE":
		return Active, nil
	}
	var buf [16]byte
	t := strings.TrimSpace(s)
	if len(t) > len(buf) {
		return 0, fmt.Errorf("%q is not a status (use active, trial, free or cancelled)", s)
	}
	b := buf[:len(t)]
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	switch string(b) {
	case "", "active", "paying", "live":
		return Active, nil
	case "trial", "trialing", "trialling", "in trial":
		return Trial, nil
	case "free":
		return Free, nil
	case "cancelled", "canceled", "churned", "ended":
		return Cancelled, nil
	}
	return 0, fmt.Errorf("%q is not a status (use active, trial, free or cancelled)", s)
}

// Discount is money off a row's price per billing period.
type Discount struct {
	// Percent is true when Value is a fraction of amount × quantity (0.2
	// for 20%); otherwise Value is a fixed amount off per billing period.
	Percent bool
	Value   Fixed
}

// Subscription is one row of the subscriptions tab, typed and checked for
// form. [Book.Add] checks the rules between fields.
type Subscription struct {
	Row          int    // the row number the spreadsheet shows
	CustomerID   string // who pays
	CustomerName string
	Plan         string
	Amount       Fixed  // price per billing period and unit
	Currency     string // ISO code; "" is the reporting currency
	Interval     Interval
	Quantity     Fixed // units; a blank cell is One
	Discount     Discount
	Start        Date
	End          Date // last day of service, inclusive; NoEnd when ongoing
	Status       Status
	SetupFee     Fixed // one-time; never MRR
	// Segments are the row's values of the book's segment columns (see
	// [Book.SetSegments]), in the same order; missing values are blank.
	Segments []string
}

// Field names, as they appear in issues.
const (
	FieldCustomerID   = "customer_id"
	FieldCustomerName = "customer_name"
	FieldPlan         = "plan"
	FieldAmount       = "amount"
	FieldCurrency     = "currency"
	FieldInterval     = "interval"
	FieldQuantity     = "quantity"
	FieldDiscount     = "discount"
	FieldStartDate    = "start_date"
	FieldEndDate      = "end_date"
	FieldStatus       = "status"
	FieldSetupFee     = "setup_fee"
)

// Issue is a problem with one row: an error (the row is left out) or a
// warning (the row is counted, unless LeftOut says otherwise).
type Issue struct {
	Row     int    // the row number the spreadsheet shows
	Column  string // the field, e.g. "start_date"
	Value   string // the cell as written, when there is one
	Message string
	// Header is the column's header as the sheet writes it ("Start Date"),
	// when the issue is about a column the sheet has; people see it in
	// place of Column.
	Header string
	// LeftOut marks a warning about a row that is left out on purpose,
	// such as a total row: it is not an error in the sheet, and it is not
	// counted either.
	LeftOut bool
}

// Error formats the issue as "row 30, Start Date: message": the column as
// the sheet heads it, or else the field.
func (e *Issue) Error() string {
	col := e.Column
	if e.Header != "" {
		col = e.Header
	}
	if e.Row > 0 {
		return fmt.Sprintf("row %d, %s: %s", e.Row, col, e.Message)
	}
	return fmt.Sprintf("%s: %s", col, e.Message)
}
