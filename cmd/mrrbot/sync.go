package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/notify"
	"github.com/mrrbot/mrrbot/report"
	"github.com/mrrbot/mrrbot/sheets"
)

// syncFlags are the flags of `mrrbot sync`.
type syncFlags struct {
	spreadsheet string
	workbook    string
	credentials string
	tab         string
	currency    string
	locale      string
	names       report.TabNames
	segments    segmentList
	dryRun      bool
	per         period
	// ledger holds extra entries for a workbook's _mrrbot tab.
	ledger map[string]string
	// books is --books: live or locked.
	books string
	// today bounds the plausible dates; see sheets.Options.Today.
	today calc.Date
	// report names the report under serve, for metrics.
	report string
}

// The ways to treat closed months (--books).
const (
	booksLive   = "live"
	booksLocked = "locked"
)

// newSyncFlags returns the defaults of the flags a command does not
// register: the bot's tab names, the subscriptions tab.
func newSyncFlags() syncFlags {
	return syncFlags{names: report.DefaultTabNames, tab: sheets.DefaultTab, currency: sheets.DefaultCurrency}
}

// The flags of syncFlags come in groups, so that each command registers
// the ones it uses and no other: a flag a command would ignore is refused.

// registerStore registers where the subscriptions are: --spreadsheet,
// --workbook and --credentials.
func (f *syncFlags) registerStore(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&f.spreadsheet, "spreadsheet", getenv("MRRBOT_SPREADSHEET"), "Google spreadsheet `ID|URL` (default: MRRBOT_SPREADSHEET)")
	fs.StringVar(&f.workbook, "workbook", "", "local workbook `FILE.xlsx` instead of a Google spreadsheet")
	fs.StringVar(&f.credentials, "credentials", "", "service account key `FILE` (default: GOOGLE_APPLICATION_CREDENTIALS, then the saved login, then ADC)")
}

// registerRead registers how the subscriptions are read: --tab,
// --currency and --locale.
func (f *syncFlags) registerRead(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&f.tab, "tab", sheets.DefaultTab, "the `NAME` of the tab that holds the subscriptions")
	fs.StringVar(&f.currency, "currency", envOr(getenv, "MRRBOT_CURRENCY", sheets.DefaultCurrency), "reporting currency, an ISO `CODE` (default: MRRBOT_CURRENCY, then USD)")
	fs.StringVar(&f.locale, "locale", "", "`LOCALE` for dates such as 03/04/2025 (en_US reads month first, en_GB day first; default: the spreadsheet's)")
}

// registerSegments registers --segment.
func (f *syncFlags) registerSegments(fs *flag.FlagSet) {
	fs.Var(&f.segments, "segment", "break MRR down by the sheet's `COLUMN` too, beside the plan (repeatable)")
}

// registerTabNames registers the names of the tabs mrrbot writes.
func (f *syncFlags) registerTabNames(fs *flag.FlagSet) {
	fs.StringVar(&f.names.Summary, "summary-tab", report.DefaultTabNames.Summary, "`NAME` of the summary tab mrrbot writes")
	fs.StringVar(&f.names.Movements, "movements-tab", report.DefaultTabNames.Movements, "`NAME` of the movements tab mrrbot writes")
	fs.StringVar(&f.names.Issues, "issues-tab", report.DefaultTabNames.Issues, "`NAME` of the data issues tab mrrbot writes")
	fs.StringVar(&f.names.Cohorts, "cohorts-tab", report.DefaultTabNames.Cohorts, "`NAME` of the cohorts tab mrrbot writes")
	fs.StringVar(&f.names.Segments, "segments-tab", report.DefaultTabNames.Segments, "`NAME` of the segments tab mrrbot writes")
}

// registerBooks registers --books, how closed months are reported.
func (f *syncFlags) registerBooks(fs *flag.FlagSet) {
	fs.Func("books", "`MODE`: live (recompute every month and flag restated closed months; the default) or locked (months closed with `mrrbot books close` keep their recorded figures)", func(v string) error {
		if v != booksLive && v != booksLocked {
			return fmt.Errorf("want live or locked")
		}
		f.books = v
		return nil
	})
}

func (f *syncFlags) options() sheets.Options {
	return sheets.Options{Currency: f.currency, Tab: f.tab, Locale: f.locale, Segments: f.segments, Today: f.today}
}

// synced is what a sync computed and wrote.
type synced struct {
	report  string // the report's name under serve, "" otherwise
	title   string // the spreadsheet's title or the workbook's path
	link    string // where people open it
	loaded  *sheets.Loaded
	result  *calc.Result
	errors  []calc.Issue        // rows left out, subscriptions then FX
	remarks []calc.Issue        // remarks on rows, the reader's and the engine's
	written *sheets.WriteResult // nil on a dry run
	// The bot's tabs, made by makeTabs on first use (see tabs).
	makeTabs func() []sheets.Tab
	tabsOnce sync.Once
	tabList  []sheets.Tab
	// ledger is where posted digests are recorded: with the data.
	ledger notify.Ledger
	// restated are the closed months that changed since the last sync
	// recorded them; books is what this sync records.
	restated []calc.Restatement
	books    *calc.Books
	// write writes tabs to where they were read from.
	write func(ctx context.Context, tabs []sheets.Tab) (*sheets.WriteResult, error)
}

func (c *cli) sync(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	f := newSyncFlags()
	f.registerStore(fs, c.getenv)
	f.registerRead(fs, c.getenv)
	f.registerSegments(fs)
	f.registerTabNames(fs)
	f.registerBooks(fs)
	f.per.register(fs)
	fs.BoolVar(&f.dryRun, "dry-run", false, "compute and show what would be written, without writing")
	c.logFlags(fs)
	config := fs.String("config", c.getenv("MRRBOT_CONFIG"), "config `FILE` listing several reports: sync each (default: MRRBOT_CONFIG)")
	var limit problemLimit
	limit.register(fs)
	if help, err := c.parseFlags(fs, args); help || err != nil {
		return err
	}
	if err := storeOrConfig(fs, *config); err != nil {
		return err
	}
	if *config == "" {
		s, err := c.runSync(ctx, &f)
		if err != nil {
			return err
		}
		c.printSynced(s, f.dryRun)
		return limit.check(s.leftOutRows(), "")
	}
	bots, err := c.bots(&f, *config, "off")
	if err != nil {
		return err
	}
	var failed []string
	var over []error // reports with more rows with problems than the limit
	for _, b := range bots {
		bf := b.flags
		if bf.per.through == "" && bf.per.asOf == "" {
			bf.per.asOf = calc.DateFromTime(c.now().In(b.loc)).String()
		}
		s, err := c.runSync(ctx, &bf)
		if err != nil {
			fmt.Fprintf(c.stderr, "report %s: %v\n", b.name, err)
			failed = append(failed, b.name)
			continue
		}
		c.printSynced(s, bf.dryRun)
		if err := limit.check(s.leftOutRows(), b.name); err != nil {
			over = append(over, err)
		}
	}
	if len(failed) > 0 {
		// A failed sync is the worse news: exit 1, and say the rest.
		for _, err := range over {
			fmt.Fprintf(c.stderr, "%v\n", err)
		}
		return fmt.Errorf("sync failed for %s", strings.Join(failed, ", "))
	}
	return errors.Join(over...)
}

// runSync reads the source, computes, and (unless a dry run) writes the
// bot's tabs, counting it in the sync metrics.
func (c *cli) runSync(ctx context.Context, f *syncFlags) (s *synced, err error) {
	start := time.Now()
	defer func() { c.metrics.observeSync(time.Since(start), s, err) }()
	return c.readSync(ctx, f)
}

// readSync is runSync without the metrics: serve's refreshes, which
// count themselves, call it.
func (c *cli) readSync(ctx context.Context, f *syncFlags) (s *synced, err error) {
	if err := f.checkStore(); err != nil {
		return nil, err
	}
	loc, err := c.location()
	if err != nil {
		return nil, err
	}
	asOf, err := f.per.day(c.now(), loc)
	if err != nil {
		return nil, err
	}
	f.today = calc.DateFromTime(c.now().In(loc))
	st, what, err := c.openStore(ctx, f)
	if err != nil {
		return nil, err
	}
	if c.storeHook != nil {
		st = c.storeHook(st)
	}
	c.step("opening %s", what)
	layout, err := st.Layout(ctx)
	if err != nil {
		return nil, err
	}
	c.step("reading tab %q of %q", f.tab, layout.Title)
	loaded, err := st.Load(ctx, f.options())
	if err != nil {
		return nil, err
	}
	s = compute(loaded, asOf, f)
	s.report = f.report
	s.title, s.link = layout.Title, layout.Link
	s.ledger, s.write = st.Ledger(), st.Write
	if f.dryRun {
		return s, nil
	}
	// The books read and the books to record are not needed beyond the
	// history tab (the books command uses them, on a dry run): at a
	// million rows they hold about 200 MB, which making and writing the
	// tabs can use instead.
	s.books, s.loaded.Books = nil, nil
	tabs := s.tabs()
	c.step("writing %s", tabSizes(tabs))
	if s.written, err = s.write(ctx, tabs); err != nil {
		return nil, err
	}
	return s, nil
}

// step reports a step of a long run on the terminal.
func (c *cli) step(format string, args ...any) {
	if c.progress != nil {
		fmt.Fprintf(c.progress, "… "+format+"\n", args...)
	}
}

// compute turns what was read into figures, with the closed-books policy
// of --books, and knows how to make the bot's tabs.
func compute(loaded *sheets.Loaded, asOf calc.Date, f *syncFlags) *synced {
	live := loaded.Book.Compute(asOf)
	closing := calc.CloseBooks(live, loaded.Book.Prints(), loaded.Books, f.books == booksLocked)
	res, books := closing.Result, closing.Books
	s := &synced{loaded: loaded, result: res, errors: withFXErrors(loaded), remarks: rowWarnings(loaded, res)}
	s.restated, s.books = closing.Restated, books
	warnings := append(slices.Clone(s.remarks), restatementIssues(closing.Restated, live.Customers, res.Currency)...)
	names := f.names
	s.makeTabs = func() []sheets.Tab {
		// The history tab first, so that the books (a fingerprint of
		// every row) can go before the other tabs are made.
		var history []sheets.Tab
		if books != nil {
			history = append(history, sheets.HistoryTab(*books))
			books = nil
		}
		return append(report.Tabs(res, s.errors, warnings, names), history...)
	}
	return s
}

// tabs returns the bot's tabs, made on first use: a digest or a /mrr
// answer needs the figures, not a million rows of movements.
func (s *synced) tabs() []sheets.Tab {
	s.tabsOnce.Do(func() {
		s.tabList = s.makeTabs()
		s.makeTabs = nil // nor is what it holds, once the tabs are made
	})
	return s.tabList
}

// restatementIssues lists restatements on the Data Issues tab.
func restatementIssues(rs []calc.Restatement, customers []calc.Customer, currency string) []calc.Issue {
	names := customerNames(customers)
	out := make([]calc.Issue, 0, len(rs))
	for _, r := range rs {
		row := 0
		if len(r.Rows) > 0 {
			row = r.Rows[0].Row
		}
		out = append(out, calc.Issue{
			Row:     row,
			Column:  "restated",
			Value:   r.Month.String() + " " + r.Customer,
			Message: "closed month restated: " + report.RestatedLine(r, names[r.Customer], currency),
		})
	}
	return out
}

func customerNames(customers []calc.Customer) map[string]string {
	m := make(map[string]string, len(customers))
	for _, c := range customers {
		m[c.ID] = c.Name
	}
	return m
}

// withFXErrors returns the rows left out of the subscriptions and then of
// the FX table, whose columns are named "FX currency", "FX rate".
func withFXErrors(loaded *sheets.Loaded) []calc.Issue {
	errs := append([]calc.Issue(nil), loaded.Errors...)
	for _, is := range loaded.FXErrors {
		is.Column = "FX " + is.Column
		if is.Header != "" {
			is.Header = "FX " + is.Header
		}
		errs = append(errs, is)
	}
	return errs
}

// rowWarnings returns the remarks on the sheet's rows, by row: the
// reader's (total rows left out, a discount of 0.2, IDs that differ only
// in case) and the engine's (overlapping rows), each naming the column as
// the sheet heads it.
func rowWarnings(loaded *sheets.Loaded, res *calc.Result) []calc.Issue {
	w := append(slices.Clone(loaded.Warnings), res.Warnings...)
	loaded.Label(w)
	slices.SortStableFunc(w, func(a, b calc.Issue) int { return cmp.Compare(a.Row, b.Row) })
	return w
}

func (c *cli) printSynced(s *synced, dryRun bool) {
	verb := "Wrote"
	if dryRun {
		verb = "Would write"
	}
	fmt.Fprintf(c.stdout, "%s to %s:\n", verb, s.title)
	for _, t := range s.tabs() {
		if t.Hidden {
			continue
		}
		fmt.Fprintf(c.stdout, "  %-16s %d rows\n", t.Name, len(t.Rows))
	}
	if n := len(s.result.Months); n > 0 {
		last := s.result.Months[n-1]
		fmt.Fprintf(c.stdout, "MRR %s as of %s: %s\n", s.result.Currency, s.result.AsOf,
			report.Money(last.Ending.Decimal(), s.result.Currency))
	}
	switch n := report.IssueRows(s.errors, s.remarks); {
	case len(s.result.Months) == 0 && s.allLeftOut():
		fmt.Fprintf(c.stdout, "%s: see the %s tab.\n", report.LeftOutMessage(s.loaded.Rows), tabName(s.tabs(), sheets.RoleIssues))
	case n > 0:
		fmt.Fprintf(c.stdout, "%d rows have problems: see the %s tab.\n", n, tabName(s.tabs(), sheets.RoleIssues))
	}
	if len(s.restated) > 0 {
		fmt.Fprintf(c.stdout, "Restated since the last sync recorded them:\n")
		for _, line := range report.RestatedLines(s.restated, customerNames(s.result.Customers), s.result.Currency) {
			fmt.Fprintf(c.stdout, "  %s\n", line)
		}
	}
	if s.link != "" {
		fmt.Fprintln(c.stdout, s.link)
	}
}

// tabSizes describes tabs for progress lines: `MRR Summary (25 rows), …`.
func tabSizes(tabs []sheets.Tab) string {
	parts := make([]string, len(tabs))
	for i, t := range tabs {
		parts[i] = fmt.Sprintf("%s (%d rows)", t.Name, len(t.Rows))
	}
	return strings.Join(parts, ", ")
}

func tabName(tabs []sheets.Tab, role string) string {
	for _, t := range tabs {
		if t.Role == role {
			return t.Name
		}
	}
	return role
}

// logger returns the command's logger on stderr: JSON lines under serve,
// where a log collector reads them, text elsewhere; at --log-level.
func (c *cli) logger() *slog.Logger {
	if c.log == nil {
		opts := &slog.HandlerOptions{Level: c.logLevel}
		if c.logJSON {
			c.log = slog.New(slog.NewJSONHandler(c.stderr, opts))
		} else {
			c.log = slog.New(slog.NewTextHandler(c.stderr, opts))
		}
	}
	return c.log
}

// logFlags registers --log-level.
func (c *cli) logFlags(fs *flag.FlagSet) {
	fs.Func("log-level", "log `LEVEL`: debug, info, warn or error (default info)", func(s string) error {
		return c.logLevel.UnmarshalText([]byte(s))
	})
}
