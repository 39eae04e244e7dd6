package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/notify"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/mrrbot/mrrbot/sheets/gsheets"
	"github.com/mrrbot/mrrbot/sheets/xlsx"
	"github.com/shopspring/decimal"
)

// doctor checks the whole setup in the order a sync and a post need it,
// and prints one line per check: "✓ what is fine", "! what is worth
// fixing" or "✗ what is wrong", the last two followed by "  fix: what to
// do". A check that cannot run because an earlier one failed prints "–
// what was not checked". Every check that can run does. Setup failures
// (credentials, access, the tab and its header, the Slack token, its
// scopes and the channel, serve's secret) fail doctor; rows with problems
// are warnings, since a sync succeeds and lists them.
func (c *cli) doctor(ctx context.Context, args []string) error {
	fset := flag.NewFlagSet("doctor", flag.ContinueOnError)
	// Where the subscriptions are and how to read them, as sync takes
	// them; nothing that only matters to a write or a report.
	f := newSyncFlags()
	f.registerStore(fset, c.getenv)
	f.registerRead(fset, c.getenv)
	f.registerSegments(fset)
	if help, err := c.parseFlags(fset, args); help || err != nil {
		return err
	}
	if err := f.checkStoreFlags(); err != nil {
		return err
	}

	d := &checkup{w: c.stdout}
	if t := c.doctorSource(ctx, d, &f); t != nil {
		checkSource(ctx, d, &f, t)
	}
	c.doctorSlack(ctx, d)
	c.doctorServe(d)
	switch d.failed {
	case 0:
		return nil
	case 1:
		return errors.New("doctor: 1 check failed")
	}
	return fmt.Errorf("doctor: %d checks failed", d.failed)
}

// checkup prints doctor's findings and counts the failures.
type checkup struct {
	w      io.Writer
	failed int
}

func (d *checkup) pass(format string, args ...any) {
	fmt.Fprintf(d.w, "✓ %s\n", fmt.Sprintf(format, args...))
}

func (d *checkup) fail(what, fix string) {
	d.failed++
	fmt.Fprintf(d.w, "✗ %s\n  fix: %s\n", what, fix)
}

// warn reports what does not stop a sync or a post but is worth fixing,
// such as rows that are left out; it leaves doctor's exit status alone.
func (d *checkup) warn(what, fix string) {
	fmt.Fprintf(d.w, "! %s\n  fix: %s\n", what, fix)
}

func (d *checkup) skip(format string, args ...any) {
	fmt.Fprintf(d.w, "– %s\n", fmt.Sprintf(format, args...))
}

// doctorSource checks what a source needs before it opens, and returns
// the source to check, or nil when it cannot be: the credentials and the
// spreadsheet's ID for a spreadsheet; nothing for a workbook.
func (c *cli) doctorSource(ctx context.Context, d *checkup, f *syncFlags) *doctorTarget {
	if f.workbook != "" {
		d.skip("Google credentials: not needed for a local workbook")
		return &doctorTarget{
			Source: &xlsx.Workbook{Path: f.workbook},
			problem: func(err error) (string, string) {
				if errors.Is(err, fs.ErrNotExist) {
					return fmt.Sprintf("workbook %s does not exist", f.workbook),
						"check the path given with --workbook, or run \"mrrbot demo\" to write a sample workbook"
				}
				return err.Error(), "give --workbook an .xlsx file (Excel, LibreOffice, or Google Sheets' File → Download → Microsoft Excel)"
			},
			noun:    "workbook",
			rowsFix: fmt.Sprintf("\"mrrbot compute --input %s\" lists each row, column and problem; correct them in the workbook", f.workbook),
		}
	}
	id, idErr := "", error(nil)
	if f.spreadsheet != "" {
		id, idErr = gsheets.SpreadsheetID(f.spreadsheet)
	}
	g, err := c.google(ctx, id, f.credentials)
	if err != nil {
		d.fail(c.credentialsProblem(f, err))
	} else {
		d.pass("Google credentials: %s", c.describeIdentity(g.Identity(), f))
	}
	// Which spreadsheet is settled without credentials.
	switch {
	case f.spreadsheet == "":
		d.fail("no spreadsheet: neither --spreadsheet nor MRRBOT_SPREADSHEET is set",
			"give --spreadsheet with the spreadsheet's URL or ID (https://docs.google.com/spreadsheets/d/ID/edit), set MRRBOT_SPREADSHEET, or use --workbook FILE.xlsx")
		return nil
	case idErr != nil:
		d.fail("--spreadsheet: "+idErr.Error(),
			"copy the spreadsheet's URL from the browser's address bar, or the ID in it (https://docs.google.com/spreadsheets/d/ID/edit)")
		return nil
	case g == nil:
		d.skip("spreadsheet not checked: it needs working credentials")
		return nil
	}
	return &doctorTarget{
		Source:  g,
		problem: g.Problem,
		noun:    "spreadsheet",
		rowsFix: `"mrrbot sync" lists each row, column and problem on the Data Issues tab; correct them in the spreadsheet`,
	}
}

// doctorTarget is a source doctor checks, with what to say of it.
type doctorTarget struct {
	sheets.Source
	// problem says why the source did not open, and what to do.
	problem func(error) (what, fix string)
	// noun is what the source is: "spreadsheet", "workbook".
	noun string
	// rowsFix says where to see the rows left out.
	rowsFix string
}

// checkSource checks that the source opens, and its tables.
func checkSource(ctx context.Context, d *checkup, f *syncFlags, t *doctorTarget) {
	layout, err := t.Layout(ctx)
	if err != nil {
		d.fail(t.problem(err))
		d.skip("tabs, header, rows and FX rates not checked: the %s must open first", t.noun)
		return
	}
	d.pass("%s opens", layout.Name)
	checkTables(d, f, layout.Name, layout.Titles(),
		func() (*sheets.Loaded, error) { return t.Load(ctx, f.options()) }, t.rowsFix)
}

// credentialsProblem says what went wrong looking for Google credentials
// and what to do.
func (c *cli) credentialsProblem(f *syncFlags, err error) (what, fix string) {
	what = "Google credentials: " + err.Error()
	switch {
	case f.credentials != "":
		return what, "give --credentials a service account key file (JSON); a new key is under IAM & Admin → Service accounts → Keys → Add key in the Google Cloud console"
	case c.getenv("GOOGLE_APPLICATION_CREDENTIALS") != "":
		return what, "point GOOGLE_APPLICATION_CREDENTIALS at a service account key file (JSON), or unset it and run \"mrrbot auth login\""
	}
	if path, perr := gsheets.DefaultTokenFile(); perr == nil {
		if _, serr := os.Stat(path); errors.Is(serr, fs.ErrNotExist) {
			what = "Google credentials: none found (no GOOGLE_APPLICATION_CREDENTIALS, no saved login, no application default credentials)"
		}
	}
	return what, "set GOOGLE_APPLICATION_CREDENTIALS to a service account key file (then share the spreadsheet with its client_email), or run \"mrrbot auth login\""
}

// describeIdentity says which credentials were found, and where.
func (c *cli) describeIdentity(who gsheets.Identity, f *syncFlags) string {
	from := "GOOGLE_APPLICATION_CREDENTIALS"
	if f.credentials != "" {
		from = "--credentials"
	}
	switch who.Kind {
	case "service account":
		return fmt.Sprintf("service account %s (key file %s, from %s)", who.Email, who.Source, from)
	case "user credentials":
		return fmt.Sprintf("user credentials from %s (from %s)", who.Source, from)
	case "saved login":
		return fmt.Sprintf("the login saved by \"mrrbot auth login\" (%s)", who.Source)
	case "application default credentials":
		if who.Email != "" {
			return "application default credentials, service account " + who.Email
		}
		return "application default credentials"
	case "none":
		return "none; requests go unauthenticated to MRRBOT_SHEETS_ENDPOINT " + redactURL(c.getenv("MRRBOT_SHEETS_ENDPOINT"))
	}
	return who.Kind
}

// redactURL drops a password from u, should it hold one.
func redactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable URL)"
	}
	return p.Redacted()
}

// checkTables checks the subscriptions tab of a source with the given
// tabs: its header, its rows, and FX rates for its currencies. load reads
// the source; rowsFix says where to see the rows left out.
func checkTables(d *checkup, f *syncFlags, where string, tabs []string, load func() (*sheets.Loaded, error), rowsFix string) {
	tab, ok := sheets.FindTab(tabs, f.tab)
	if !ok {
		d.fail(fmt.Sprintf("%s has no tab %q (tabs: %s)", where, f.tab, quoteAll(tabs)),
			fmt.Sprintf("name the subscriptions tab with --tab, or rename it to %q", f.tab))
		d.skip("header, rows and FX rates not checked: there is no subscriptions tab")
		return
	}
	d.pass("tab %q found", tab)
	fxTab, hasFX := sheets.FindTab(tabs, sheets.FXTab)
	hasFX = hasFX && fxTab != tab

	loaded, err := load()
	if !checkRead(d, tab, fxTab, err) {
		return
	}
	d.pass("header row %d: %s", loaded.HeaderRow, describeHeader(loaded.Header))
	if len(loaded.Ignored) > 0 {
		d.pass("columns not read: %s", describeIgnored(loaded.Ignored, loaded.Header))
	}
	if len(loaded.Segments) > 0 {
		cols := make([]string, len(loaded.Segments))
		for i, col := range loaded.Segments {
			cols[i] = fmt.Sprintf("%q (column %s)", col.Title, col.Letter)
		}
		d.pass("segment columns: %s", strings.Join(cols, ", "))
	}
	reporting := strings.ToUpper(strings.TrimSpace(f.currency))
	if reporting == "" {
		reporting = sheets.DefaultCurrency
	}
	noRate := checkRows(d, tab, loaded, reporting, rowsFix)
	checkRates(d, fxTab, hasFX, loaded, reporting, noRate)
}

// checkRead reports why the tables could not be read at all, and whether
// they were.
func checkRead(d *checkup, tab, fxTab string, err error) bool {
	var he *sheets.HeaderError
	var se *sheets.SegmentError
	var de *sheets.DuplicateColumnError
	switch {
	case errors.As(err, &de):
		d.fail(fmt.Sprintf("tab %q: %v", tab, de), fmt.Sprintf("keep one %s column: rename or delete the other, or hide it (a visible column wins over a hidden one)", de.Field))
		d.skip("rows and FX rates not checked: they need the header")
	case errors.As(err, &se):
		d.fail(fmt.Sprintf("tab %q: %v", tab, se), "give --segment the title of one of those columns (case, spaces and punctuation do not matter)")
		d.skip("rows and FX rates not checked: the segment columns are read with the rows")
	case errors.As(err, &he) && slices.Contains(he.Missing, "rate"):
		// Only the FX table requires a rate column.
		d.fail(fmt.Sprintf("tab %q has no header row naming currency and rate", fxTab),
			"make the FX tab's first row currency, rate, then one row per currency, such as EUR, 1.08")
		d.skip("header and rows of %q not checked: the FX tab is read first", tab)
	case he != nil:
		headerProblems(d, tab, he)
		d.skip("rows and FX rates not checked: they need the header")
	case err != nil:
		d.fail(fmt.Sprintf("cannot read tab %q: %v", tab, err), "correct what the message names and run doctor again")
	default:
		return true
	}
	return false
}

// checkRows reports the rows left out, and returns, by currency, the
// number of rows left out only because their currency has no rate: those
// are counted under the FX check, not here.
func checkRows(d *checkup, tab string, loaded *sheets.Loaded, reporting, rowsFix string) map[string]int {
	noRate := map[string]int{}
	bad := map[int]bool{}
	var first *calc.Issue
	leftOut := map[int]bool{}
	for i, is := range loaded.Errors {
		leftOut[is.Row] = true
		if code, ok := missingRate(is, loaded.Rates, reporting); ok {
			noRate[code]++
			continue
		}
		if first == nil {
			first = &loaded.Errors[i]
		}
		bad[is.Row] = true
	}
	switch {
	case loaded.Rows == 0:
		d.fail(fmt.Sprintf("tab %q has no rows below its header (row %d)", tab, loaded.HeaderRow),
			"add one row per subscription line below the header")
	case len(leftOut) == loaded.Rows:
		// No figures at all: the digest would fail.
		what := fmt.Sprintf("all %d rows have problems and are left out of MRR", loaded.Rows)
		if loaded.Rows == 1 {
			what = "the only row has problems and is left out of MRR"
		}
		d.fail(fmt.Sprintf("%s (first: %s)", what, loaded.Errors[0].Error()), rowsFix)
	case len(bad) > 0:
		// Rows with mistakes are a working setup: sync leaves them out
		// and lists them.
		d.warn(fmt.Sprintf("%d of %s %s problems and %s left out of MRR (first: %s)", len(bad), plural(loaded.Rows, "row"),
			pick(len(bad) == 1, "has", "have"), pick(len(bad) == 1, "is", "are"), first.Error()), rowsFix)
	case len(noRate) > 0:
		d.pass("%s read, none with problems other than FX rates", plural(loaded.Rows, "row"))
	default:
		d.pass("%s read, none with problems", plural(loaded.Rows, "row"))
	}
	return noRate
}

// checkRates reports the FX table's rows left out, the currencies in use
// with no rate (noRate: rows by currency), or the rates every currency
// in use has.
func checkRates(d *checkup, fxTab string, hasFX bool, loaded *sheets.Loaded, reporting string, noRate map[string]int) {
	if n := len(loaded.FXErrors); n > 0 {
		d.warn(fmt.Sprintf("%s of tab %q %s left out (first: %s)", plural(n, "row"), fxTab, pick(n == 1, "is", "are"), loaded.FXErrors[0].Error()),
			fmt.Sprintf("give each row of the FX tab a currency code such as EUR and a positive rate: how many %s one unit of it is worth", reporting))
	}
	codes := make([]string, 0, len(noRate))
	for code := range noRate {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		worth := fmt.Sprintf("%s, <how many %s one %s is worth>", code, reporting, code)
		fix := "add a row to the FX tab: " + worth
		if !hasFX {
			fix = "add a tab named FX with the header row currency, rate and a row: " + worth
		}
		d.warn(fmt.Sprintf("no FX rate for %s, used by %s (left out of MRR)", code, plural(noRate[code], "row")), fix)
	}
	if len(codes) > 0 || len(loaded.FXErrors) > 0 {
		return
	}
	if len(loaded.Rates) == 0 && len(loaded.Monthly) == 0 {
		d.pass("no FX rates needed: no row has a currency other than %s", reporting)
		return
	}
	rates := make([]string, 0, len(loaded.Rates))
	for code, r := range loaded.Rates {
		rates = append(rates, fmt.Sprintf("1 %s = %s %s", code, r, reporting))
	}
	// Monthly rates: how many months each currency has, and its latest.
	monthly := map[string]calc.MonthlyRate{}
	months := map[string]int{}
	for _, r := range loaded.Monthly {
		if r.Month >= monthly[r.Currency].Month || months[r.Currency] == 0 {
			monthly[r.Currency] = r
		}
		months[r.Currency]++
	}
	for code, r := range monthly {
		rates = append(rates, fmt.Sprintf("%s monthly, %s (latest %s: %s)", code, plural(months[code], "month"), r.Month, r.Rate))
	}
	slices.Sort(rates)
	d.pass("every currency in use has an FX rate (FX tab: %s)", strings.Join(rates, ", "))
}

// headerProblems reports a header that lacks required columns, one
// failure per column, or a table with no header row at all.
func headerProblems(d *checkup, tab string, he *sheets.HeaderError) {
	accepted := func(i int) string {
		if i < len(he.Accepted) {
			return orList(he.Accepted[i])
		}
		return he.Missing[i]
	}
	if he.Row == 0 {
		what := fmt.Sprintf("tab %q has no header row: no row names two known columns", tab)
		if len(he.Saw) > 0 {
			what += " (first row: " + quoteAll(he.Saw) + ")"
		} else {
			what = fmt.Sprintf("tab %q is empty", tab)
		}
		need := make([]string, len(he.Missing))
		for i, m := range he.Missing {
			need[i] = fmt.Sprintf("%s (%s)", m, accepted(i))
		}
		d.fail(what, "add a header row naming at least "+andList(need)+"; case, spaces and punctuation do not matter")
		return
	}
	for i, m := range he.Missing {
		d.fail(fmt.Sprintf("header row %d has no %s column (headers: %s)", he.Row, m, quoteAll(he.Saw)),
			fmt.Sprintf("add a column for %s headed %s; case, spaces and punctuation do not matter", m, accepted(i)))
	}
}

// describeHeader lists which header maps to which field, left to right.
func describeHeader(h map[string]sheets.Column) string {
	fields := make([]string, 0, len(h))
	for field := range h {
		fields = append(fields, field)
	}
	slices.SortFunc(fields, func(a, b string) int { return h[a].Index - h[b].Index })
	parts := make([]string, len(fields))
	for i, field := range fields {
		parts[i] = fmt.Sprintf("%q → %s", h[field].Title, field)
	}
	return strings.Join(parts, ", ")
}

// describeIgnored lists the columns the header row has and mrrbot does
// not read, saying why for those that name a field another column holds:
// "Notes" (K), "List Price" (C, hidden; amount is read from "Price", D).
func describeIgnored(ignored []sheets.IgnoredColumn, header map[string]sheets.Column) string {
	parts := make([]string, len(ignored))
	for i, ic := range ignored {
		var why []string
		if ic.Hidden {
			why = append(why, "hidden")
		}
		if col, ok := header[ic.Field]; ok && ic.Field != "" {
			why = append(why, fmt.Sprintf("%s is read from %q, %s", ic.Field, col.Title, col.Letter))
		}
		parts[i] = fmt.Sprintf("%q (%s", ic.Title, ic.Letter)
		if len(why) > 0 {
			parts[i] += ", " + strings.Join(why, "; ")
		}
		parts[i] += ")"
	}
	return strings.Join(parts, ", ")
}

// missingRate returns the currency of an issue that left a row out
// because its currency, a valid code, has no FX rate.
func missingRate(is calc.Issue, rates map[string]decimal.Decimal, reporting string) (string, bool) {
	// The value is the cell as written: " eur" is EUR.
	code := strings.ToUpper(strings.TrimSpace(is.Value))
	if is.Column != calc.FieldCurrency || len(code) != 3 || code == reporting {
		return "", false
	}
	for _, r := range code {
		if r < 'A' || r > 'Z' {
			return "", false
		}
	}
	if _, ok := rates[code]; ok {
		return "", false
	}
	return code, true
}

func quoteAll(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// orList joins names as "a, b or c".
func orList(names []string) string { return joinLast(names, " or ") }

// andList joins names as "a, b and c".
func andList(names []string) string { return joinLast(names, " and ") }

func joinLast(names []string, last string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + last + names[len(names)-1]
}

// plural is "1 row" or "3 rows".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

// doctorSlack checks that the digest can be posted: the bot token and its
// channel, or an incoming webhook.
func (c *cli) doctorSlack(ctx context.Context, d *checkup) {
	token, channel, hook := c.getenv("SLACK_BOT_TOKEN"), c.getenv("SLACK_CHANNEL"), c.getenv("SLACK_WEBHOOK_URL")
	const tokenFix = "check SLACK_BOT_TOKEN: it is the Bot User OAuth Token (xoxb-…) on the Slack app's OAuth & Permissions page; reinstall the app if it was revoked"
	const channelFix = "set SLACK_CHANNEL to the channel to post in: its ID (C0123456789, at the bottom of the channel's details) or #name"
	switch {
	case token == "" && hook != "":
		d.pass("Slack: incoming webhook configured in SLACK_WEBHOOK_URL (not checked: that would post)")
		return
	case token == "":
		d.fail("nowhere to post the digest: neither SLACK_BOT_TOKEN nor SLACK_WEBHOOK_URL is set",
			"set SLACK_BOT_TOKEN (the app's Bot User OAuth Token, xoxb-…) and SLACK_CHANNEL, or SLACK_WEBHOOK_URL (an incoming webhook)")
		return
	}
	sl := notify.NewSlack(notify.SlackConfig{
		Token: token, Channel: channel, APIURL: c.getenv("SLACK_API_URL"),
		HTTPClient: c.httpClient, Logger: c.logger(),
	})
	team, bot, err := sl.AuthTest(ctx)
	if err != nil {
		if code := notify.ErrorCode(err); notify.TokenRefused(code) {
			d.fail(fmt.Sprintf("Slack refused SLACK_BOT_TOKEN (%s)", code), tokenFix)
		} else {
			d.fail("cannot reach Slack: "+err.Error(), "check the network, and SLACK_API_URL if it is set")
		}
		if channel == "" {
			d.fail("SLACK_CHANNEL is not set", channelFix)
		} else {
			d.skip("Slack channel %s not checked: it needs a working token", channel)
		}
		return
	}
	d.pass("Slack token works: bot @%s in workspace %q", bot, team)
	if channel == "" {
		d.fail("SLACK_CHANNEL is not set", channelFix)
		c.doctorScopes(d, sl, nil)
		return
	}
	ch, err := sl.CanPost(ctx)
	name := "#" + ch.Name
	if ch.Name == "" {
		name = channel
	}
	switch code := notify.ErrorCode(err); {
	case err == nil:
		d.pass("@%s can post in %s (%s)", bot, name, ch.ID)
	case code == "not_in_channel":
		d.fail(fmt.Sprintf("@%s is not a member of %s, so it cannot post there", bot, name), fmt.Sprintf("/invite @%s in %s", bot, name))
	case code == "is_archived":
		d.fail(name+" is archived", "unarchive "+name+", or set SLACK_CHANNEL to another channel")
	case code == "channel_not_found":
		d.fail(fmt.Sprintf("Slack has no channel %s that @%s can see", channel, bot),
			fmt.Sprintf("check SLACK_CHANNEL: the channel's ID (C0123456789, at the bottom of its details) or #name; for a private channel, /invite @%s there first", bot))
	case code == "missing_scope":
		d.fail("cannot check SLACK_CHANNEL: the Slack app lacks the channels:read scope",
			"add the bot scopes channels:read and groups:read under OAuth & Permissions (or to the app manifest) and reinstall the app")
	case notify.TokenRefused(code):
		d.fail(fmt.Sprintf("Slack refused SLACK_BOT_TOKEN (%s)", code), tokenFix)
	default:
		d.fail("cannot check SLACK_CHANNEL: "+err.Error(), "check the network, and SLACK_API_URL if it is set")
	}
	// Which history scope the digest needs depends on the channel's kind.
	if err == nil {
		c.doctorScopes(d, sl, &ch.Private)
	} else {
		c.doctorScopes(d, sl, nil)
	}
}

// neededScope is a bot scope a configured feature needs.
type neededScope struct {
	scope, forWhat string
}

// neededScopes are the bot scopes the configured features need: the
// digest's post, its chart and its look before posting again (in the
// channel's kind of history; both when the kind is not known, private
// nil), and, when serve is configured, /mrr and its access checks (the
// channel's members, guests, and user groups when a report of
// MRRBOT_CONFIG names some). The channel lookup's own scopes are checked
// by CanPost.
func (c *cli) neededScopes(private *bool) ([]neededScope, error) {
	const digest = "the digest"
	need := []neededScope{{"chat:write", digest}, {"files:write", "the digest's chart"}}
	if private == nil || !*private {
		need = append(need, neededScope{"channels:history", "the digest's look before posting again"})
	}
	if private == nil || *private {
		need = append(need, neededScope{"groups:history", "the digest's look before posting again in a private channel"})
	}
	if c.getenv("SLACK_SIGNING_SECRET") == "" && c.getenv("SLACK_APP_TOKEN") == "" {
		return need, nil
	}
	need = append(need, neededScope{"commands", "serve's /mrr"},
		neededScope{"channels:read", "serve's check that who asks is in the report's channel"},
		neededScope{"users:read", "serve's check that who asks is not a guest"})
	if private != nil && *private {
		need = append(need, neededScope{"groups:read", "serve's check that who asks is in the report's private channel"})
	}
	config := c.getenv("MRRBOT_CONFIG")
	if config == "" {
		return need, nil
	}
	reports, err := loadConfig(config, c.getenv)
	if err != nil {
		return need, err
	}
	for _, r := range reports {
		groups := len(r.AllowUsergroups) > 0
		for _, e := range r.AllowSync {
			groups = groups || isGroupEntry(e)
		}
		if groups {
			need = append(need, neededScope{"usergroups:read", fmt.Sprintf("serve's user groups (report %s of %s)", r.Name, config)})
			break
		}
	}
	return need, nil
}

// doctorScopes checks that the bot token has the scopes the configured
// features need, as Slack listed them in its reply to auth.test.
func (c *cli) doctorScopes(d *checkup, sl *notify.Slack, private *bool) {
	need, err := c.neededScopes(private)
	if err != nil {
		d.fail(err.Error(), "correct the config file that MRRBOT_CONFIG names; serve would stop on it too")
	}
	names := make([]string, len(need))
	for i, n := range need {
		names[i] = n.scope
	}
	granted, known := sl.Scopes()
	if !known {
		d.warn("cannot tell which scopes the Slack token has: Slack's reply did not list them (no X-OAuth-Scopes header)",
			"check under the Slack app's OAuth & Permissions → Bot Token Scopes that it has "+andList(names))
		return
	}
	var missing, why []string
	for _, n := range need {
		if slices.Contains(granted, n.scope) || slices.Contains(missing, n.scope) {
			continue
		}
		missing = append(missing, n.scope)
		why = append(why, fmt.Sprintf("%s for %s", n.scope, n.forWhat))
	}
	if len(missing) == 0 {
		d.pass("Slack token has the scopes needed: %s", strings.Join(names, ", "))
		return
	}
	d.fail(fmt.Sprintf("the Slack app lacks %s: %s", pick(len(missing) == 1, "a scope", "scopes"), strings.Join(why, "; ")),
		fmt.Sprintf("add %s under the Slack app's OAuth & Permissions → Bot Token Scopes (deploy/slack-app-manifest.yaml lists every scope), then reinstall the app to the workspace", andList(missing)))
}

// doctorServe checks that serve can take /mrr: over HTTP with the signing
// secret, or over Socket Mode with an app-level token.
func (c *cli) doctorServe(d *checkup) {
	secret, app := c.getenv("SLACK_SIGNING_SECRET"), c.getenv("SLACK_APP_TOKEN")
	switch {
	case app != "" && !strings.HasPrefix(app, "xapp-"):
		d.fail("serve: SLACK_APP_TOKEN is not an app-level token (those start with xapp-)",
			"create an app-level token with the connections:write scope under the Slack app's Basic Information → App-Level Tokens, and set SLACK_APP_TOKEN to it")
	case app != "" && secret != "":
		d.pass("serve: /mrr can arrive over Socket Mode (SLACK_APP_TOKEN) and over HTTP (SLACK_SIGNING_SECRET)")
	case app != "":
		d.pass("serve: /mrr arrives over Socket Mode (SLACK_APP_TOKEN is set)")
	case secret != "":
		d.pass("serve: SLACK_SIGNING_SECRET is set to verify /mrr requests on /slack/commands")
	default:
		d.fail("serve cannot take /mrr: neither SLACK_SIGNING_SECRET nor SLACK_APP_TOKEN is set",
			"set SLACK_SIGNING_SECRET (the Slack app's Basic Information → Signing Secret) to take /mrr over HTTP, or SLACK_APP_TOKEN (an app-level token with connections:write, xapp-…) for Socket Mode")
	}
}
