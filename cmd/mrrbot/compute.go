package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/report"
	"github.com/mrrbot/mrrbot/sheets"
)

// sourceFlags are the flags that say where the subscriptions come from and
// how to read them.
type sourceFlags struct {
	input       string
	fx          string
	spreadsheet string
	credentials string
	tab         string
	currency    string
	locale      string
	segments    segmentList
	// tabSet is whether --tab was given, which a CSV file cannot use.
	tabSet bool
	// today bounds the plausible dates; see sheets.Options.Today.
	today calc.Date
}

func (s *sourceFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&s.input, "input", "", "subscriptions file: `FILE`.csv, .tsv or .xlsx")
	fs.StringVar(&s.fx, "fx", "", "FX rates for CSV or TSV input: `FILE`.csv with columns currency, rate (and optionally month)")
	fs.StringVar(&s.spreadsheet, "spreadsheet", "", "Google spreadsheet `ID|URL` instead of --input (default: MRRBOT_SPREADSHEET, when --input is not given)")
	fs.StringVar(&s.credentials, "credentials", "", "with --spreadsheet: service account key `FILE` (default: GOOGLE_APPLICATION_CREDENTIALS, then the saved login, then ADC)")
	fs.StringVar(&s.tab, "tab", "Subscriptions", "the `NAME` of the workbook or spreadsheet tab that holds the subscriptions (not for CSV)")
	fs.StringVar(&s.currency, "currency", envOr(getenv, "MRRBOT_CURRENCY", "USD"), "reporting currency, an ISO `CODE` (default: MRRBOT_CURRENCY, then USD)")
	fs.StringVar(&s.locale, "locale", "", "the sheet's `LOCALE`, to read dates such as 03/04/2025 (en_US reads month first, en_GB day first; default: a spreadsheet's own)")
	fs.Var(&s.segments, "segment", "with --format json: break MRR down by the sheet's `COLUMN` too, beside the plan (repeatable)")
}

// segmentList is a repeatable --segment: each names a column.
type segmentList []string

func (l *segmentList) String() string { return strings.Join(*l, ", ") }

func (l *segmentList) Set(v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		return fmt.Errorf("name a column")
	}
	*l = append(*l, v)
	return nil
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// options are the reading options of the flags.
func (s *sourceFlags) options() sheets.Options {
	return sheets.Options{Currency: s.currency, Tab: s.tab, Locale: s.locale, Segments: s.segments, Today: s.today}
}

// period holds --through and --as-of, which pick the day the report runs to.
type period struct {
	through string
	asOf    string
}

func (p *period) register(fs *flag.FlagSet) {
	fs.StringVar(&p.through, "through", "", "report through the end of `YYYY-MM`")
	fs.StringVar(&p.asOf, "as-of", "", "measure the last month on `YYYY-MM-DD` (default today)")
}

// day resolves the as-of date; today is the calendar day of now in loc.
func (p *period) day(now time.Time, loc *time.Location) (calc.Date, error) {
	switch {
	case p.through != "" && p.asOf != "":
		return 0, usagef("give --through or --as-of, not both")
	case p.through != "":
		m, err := calc.ParseMonth(p.through)
		if err != nil {
			return 0, usagef("--through: %v", err)
		}
		return m.LastDay(), nil
	case p.asOf != "":
		d, err := calc.ParseDate(p.asOf)
		if err != nil {
			return 0, usagef("--as-of: %v", err)
		}
		return d, nil
	}
	return calc.DateFromTime(now.In(loc)), nil
}

// location is MRRBOT_TIMEZONE, or the machine's zone.
func (c *cli) location() (*time.Location, error) {
	name := c.getenv("MRRBOT_TIMEZONE")
	if name == "" {
		return time.Local, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("MRRBOT_TIMEZONE %q: %w", name, err)
	}
	return loc, nil
}

func (c *cli) compute(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("compute", flag.ContinueOnError)
	var src sourceFlags
	var per period
	src.register(fs, c.getenv)
	per.register(fs)
	format := fs.String("format", "table", "output `FORMAT`: table, json or csv")
	var limit problemLimit
	limit.register(fs)
	if help, err := c.parseFlags(fs, args); help || err != nil {
		return err
	}
	src.tabSet = setFlags(fs)["tab"]
	switch *format {
	case "table", "json", "csv":
	default:
		return usagef("--format %q: want table, json or csv", *format)
	}
	if len(src.segments) > 0 && *format != "json" {
		return usagef("--segment is for --format json, whose segments it adds to; the %s shows the whole waterfall (`mrrbot sync --segment` writes the MRR by Segment tab)", *format)
	}
	loc, err := c.location()
	if err != nil {
		return err
	}
	asOf, err := per.day(c.now(), loc)
	if err != nil {
		return err
	}
	src.today = calc.DateFromTime(c.now().In(loc))
	input, err := c.openInput(ctx, &src)
	if err != nil {
		return err
	}
	loaded, err := input.Load(ctx, src.options())
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	res := loaded.Book.Compute(asOf)
	fig := &report.Figures{Result: res, Errors: withFXErrors(loaded), Warnings: rowWarnings(loaded, res), Rows: loaded.Rows}
	switch *format {
	case "json":
		if err := report.WriteJSON(c.stdout, fig); err != nil {
			return err
		}
		return limit.check(report.IssueRows(fig.Errors), "")
	case "csv":
		if err := report.WriteCSV(c.stdout, fig); err != nil {
			return err
		}
	default:
		if err := report.WriteTable(c.stdout, fig); err != nil {
			return err
		}
	}
	// Beside a table or CSV on stdout, the issues go to stderr.
	report.WriteIssues(c.stderr, "Rows left out", fig.Errors)
	report.WriteIssues(c.stderr, "Warnings", fig.Warnings)
	return limit.check(report.IssueRows(fig.Errors), "")
}
