package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/notify/slacktest"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// doctorCheck is one check as doctor prints it.
type doctorCheck struct {
	Mark string // ✓, !, ✗ or –
	Text string
	Fix  string // after "fix: ", for ✗ and !
}

// doctorChecks parses doctor's output, failing the test on a line that is
// not a check or a fix.
func doctorChecks(t *testing.T, out string) []doctorCheck {
	t.Helper()
	var checks []doctorCheck
	for line := range strings.Lines(out) {
		line = strings.TrimSuffix(line, "\n")
		if fix, ok := strings.CutPrefix(line, "  fix: "); ok && len(checks) > 0 && (checks[len(checks)-1].Mark == "✗" || checks[len(checks)-1].Mark == "!") {
			checks[len(checks)-1].Fix = fix
			continue
		}
		mark, text, ok := strings.Cut(line, " ")
		if !ok || (mark != "✓" && mark != "✗" && mark != "!" && mark != "–") {
			t.Fatalf("doctor printed %q, which is not a check:\n%s", line, out)
		}
		checks = append(checks, doctorCheck{Mark: mark, Text: text})
	}
	for _, c := range checks {
		if (c.Mark == "✗" || c.Mark == "!") && c.Fix == "" {
			t.Errorf("%q has no fix", c.Text)
		}
	}
	return checks
}

// findCheck returns the check whose text contains s.
func findCheck(t *testing.T, checks []doctorCheck, s string) doctorCheck {
	t.Helper()
	for _, c := range checks {
		if strings.Contains(c.Text, s) {
			return c
		}
	}
	t.Fatalf("no check mentions %q in %+v", s, checks)
	return doctorCheck{}
}

// doctor runs `mrrbot doctor` with no saved login to find.
func doctor(t *testing.T, env map[string]string, args ...string) ([]doctorCheck, string, error) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", dir)
	out, stderr, err := mrrbotAt(t, fixedNow, env, append([]string{"doctor"}, args...)...)
	t.Logf("doctor %s:\n%s%s", strings.Join(args, " "), out, stderr)
	if err != nil && isUsage(err) {
		t.Fatalf("doctor: usage error %v", err)
	}
	return doctorChecks(t, out), out, err
}

// goodSheet is a small spreadsheet with nothing wrong: a title row, the
// header, three rows, one of them in euros, and an FX tab.
func goodSheet(t *testing.T, srv *sheetstest.Server) {
	t.Helper()
	srv.AddSpreadsheet(sheetID, "Subscriptions 2026", "en_US")
	srv.AddSheet(sheetID, "Subscriptions", 0, 0)
	s := sheetstest.String
	srv.SetCells(sheetID, "Subscriptions!A1", [][]*sheetsapi.CellData{
		{s("Our customers")},
		{s("Customer ID"), s("Company"), s("Price"), s("Currency"), s("Billing Cycle"), s("Start Date")},
		{s("C1"), s("Acme"), sheetstest.Currency(100), s("USD"), s("Monthly"), sheetstest.Date(2025, 1, 10)},
		{s("C2"), s("Globex"), sheetstest.FormattedNumber(90, "CURRENCY", "[$€]#,##0.00"), s("EUR"), s("Monthly"), sheetstest.Date(2025, 2, 1)},
		{s("C3"), s("Initech"), sheetstest.Currency(1200), s(""), s("Annual"), sheetstest.Date(2025, 3, 1)},
	})
	srv.AddSheet(sheetID, "FX", 0, 0)
	srv.SetCells(sheetID, "FX!A1", [][]*sheetsapi.CellData{
		{s("currency"), s("rate")},
		{s("EUR"), sheetstest.Number(1.08)},
	})
}

// doctorEnv is a setup where everything works: the stand-ins, a bot that
// is in its channel, and a signing secret.
func doctorEnv(sheetsSrv *sheetstest.Server, slackSrv *slacktest.Server) map[string]string {
	return map[string]string{
		"MRRBOT_SHEETS_ENDPOINT": sheetsSrv.URL(),
		"MRRBOT_SPREADSHEET":     sheetID,
		"SLACK_API_URL":          slackSrv.URL(),
		"SLACK_BOT_TOKEN":        slackSrv.Token(),
		"SLACK_CHANNEL":          slacktest.DefaultChannelID,
		"SLACK_SIGNING_SECRET":   signingSecret,
	}
}

func with(env map[string]string, kv ...string) map[string]string {
	out := maps.Clone(env)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(out, kv[i])
		} else {
			out[kv[i]] = kv[i+1]
		}
	}
	return out
}

func TestDoctorAllGood(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	goodSheet(t, sheetsSrv)
	slackSrv := slacktest.New(t)
	env := doctorEnv(sheetsSrv, slackSrv)
	_, out, err := doctor(t, env)
	if err != nil {
		t.Fatalf("doctor: %v", err)
	}
	want := `✓ Google credentials: none; requests go unauthenticated to MRRBOT_SHEETS_ENDPOINT ` + sheetsSrv.URL() + `
✓ spreadsheet "Subscriptions 2026" opens
✓ tab "Subscriptions" found
✓ header row 2: "Customer ID" → customer_id, "Company" → customer_name, "Price" → amount, "Currency" → currency, "Billing Cycle" → interval, "Start Date" → start_date
✓ 3 rows read, none with problems
✓ every currency in use has an FX rate (FX tab: 1 EUR = 1.08 USD)
✓ Slack token works: bot @mrrbot in workspace "Slacktest Inc"
✓ @mrrbot can post in #mrr (C0MRRBOT)
✓ Slack token has the scopes needed: chat:write, files:write, channels:history, commands, channels:read, users:read
✓ serve: SLACK_SIGNING_SECRET is set to verify /mrr requests on /slack/commands
`
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	if n := len(slackSrv.Messages()); n != 0 {
		t.Errorf("doctor posted %d messages", n)
	}
	if findSheet(sheetsSrv.Spreadsheet(sheetID), "MRR Summary") != nil {
		t.Error("doctor wrote to the spreadsheet")
	}
}

// TestDoctorFailures runs doctor against one thing wrong at a time and
// checks the failing line and its fix.
func TestDoctorFailures(t *testing.T) {
	for _, tc := range []struct {
		name    string
		setup   func(t *testing.T, sheetsSrv *sheetstest.Server, slackSrv **slacktest.Server)
		env     []string // changes to the good environment
		args    []string
		failed  int
		what    string // the failing check contains this
		want    doctorCheck
		checked []string // texts of later checks that still ran
	}{{
		name:   "wrong spreadsheet ID",
		args:   []string{"--spreadsheet", "nope123"},
		failed: 1,
		what:   "not found",
		want: doctorCheck{Mark: "✗", Text: "spreadsheet nope123 not found",
			Fix: `the ID "nope123" is wrong: copy it from the spreadsheet's URL, https://docs.google.com/spreadsheets/d/ID/edit (or give the whole URL), into --spreadsheet or MRRBOT_SPREADSHEET`},
		checked: []string{"Slack token works", "can post in #mrr", "SLACK_SIGNING_SECRET is set"},
	}, {
		name: "not shared, endpoint without credentials",
		setup: func(t *testing.T, sheetsSrv *sheetstest.Server, _ **slacktest.Server) {
			sheetsSrv.SetForbidden(sheetID, true)
		},
		failed: 1,
		what:   "no access",
		want: doctorCheck{Mark: "✗", Text: "no access to spreadsheet " + sheetID,
			Fix: `share the spreadsheet with the account mrrbot runs as (set GOOGLE_APPLICATION_CREDENTIALS or run "mrrbot auth login" first) as an Editor`},
		checked: []string{"Slack token works"},
	}, {
		name: "no spreadsheet",
		env:  []string{"MRRBOT_SPREADSHEET", ""},
		what: "no spreadsheet", failed: 1,
		want: doctorCheck{Mark: "✗", Text: "no spreadsheet: neither --spreadsheet nor MRRBOT_SPREADSHEET is set",
			Fix: "give --spreadsheet with the spreadsheet's URL or ID (https://docs.google.com/spreadsheets/d/ID/edit), set MRRBOT_SPREADSHEET, or use --workbook FILE.xlsx"},
		checked: []string{"Google credentials: none", "Slack token works"},
	}, {
		name:   "no such tab",
		args:   []string{"--tab", "Subs"},
		what:   "has no tab",
		failed: 1,
		want: doctorCheck{Mark: "✗", Text: `spreadsheet "Subscriptions 2026" has no tab "Subs" (tabs: "Subscriptions", "FX")`,
			Fix: `name the subscriptions tab with --tab, or rename it to "Subs"`},
		checked: []string{"Slack token works"},
	}, {
		name: "missing amount column",
		setup: func(t *testing.T, sheetsSrv *sheetstest.Server, _ **slacktest.Server) {
			s := sheetstest.String
			sheetsSrv.SetCells(sheetID, "Subscriptions!A2", [][]*sheetsapi.CellData{
				{s("Customer ID"), s("Company"), s("Cost"), s("Currency"), s("Billing Cycle"), s("Start Date")},
			})
		},
		what:   "no amount column",
		failed: 1,
		want: doctorCheck{Mark: "✗", Text: `header row 2 has no amount column (headers: "Customer ID", "Company", "Cost", "Currency", "Billing Cycle", "Start Date")`,
			Fix: "add a column for amount headed amount, price or listprice; case, spaces and punctuation do not matter"},
		checked: []string{"Slack token works"},
	}, {
		name: "no header row",
		setup: func(t *testing.T, sheetsSrv *sheetstest.Server, _ **slacktest.Server) {
			sheetsSrv.AddSheet(sheetID, "Empty", 0, 0)
			sheetsSrv.SetCells(sheetID, "Empty!A1", [][]*sheetsapi.CellData{{sheetstest.String("who"), sheetstest.String("what")}})
		},
		args:   []string{"--tab", "empty"},
		what:   "no header row",
		failed: 1,
		want: doctorCheck{Mark: "✗", Text: `tab "Empty" has no header row: no row names two known columns (first row: "who", "what")`,
			Fix: "add a header row naming at least customer_id (customerid, accountid, customer, account or client), amount (amount, price or listprice) and start_date (startdate, start or started); case, spaces and punctuation do not matter"},
	}, {
		name: "currency without a rate",
		setup: func(t *testing.T, sheetsSrv *sheetstest.Server, _ **slacktest.Server) {
			sheetsSrv.SetCells(sheetID, "Subscriptions!A6", [][]*sheetsapi.CellData{{
				sheetstest.String("C4"), sheetstest.String("Hooli"), sheetstest.FormattedNumber(80, "CURRENCY", "[$£]#,##0.00"), sheetstest.String("gbp"),
				sheetstest.String("Monthly"), sheetstest.Date(2025, 4, 1),
			}})
		},
		what: "no FX rate",
		want: doctorCheck{Mark: "!", Text: "no FX rate for GBP, used by 1 row (left out of MRR)", Fix: "add a row to the FX tab: GBP, <how many USD one GBP is worth>"},
		checked: []string{
			"4 rows read, none with problems other than FX rates", "Slack token works",
		},
	}, {
		name: "a bad FX row",
		setup: func(t *testing.T, sheetsSrv *sheetstest.Server, _ **slacktest.Server) {
			sheetsSrv.SetCells(sheetID, "FX!A3", [][]*sheetsapi.CellData{{sheetstest.String("GBP"), sheetstest.String("about 1.3")}})
		},
		what: "FX",
		want: doctorCheck{Mark: "!", Text: `1 row of tab "FX" is left out (first: row 3, rate: "about 1.3" is not a number)`,
			Fix: "give each row of the FX tab a currency code such as EUR and a positive rate: how many USD one unit of it is worth"},
		checked: []string{"3 rows read, none with problems"},
	}, {
		name: "an FX tab without a header",
		setup: func(t *testing.T, sheetsSrv *sheetstest.Server, _ **slacktest.Server) {
			sheetsSrv.SetCells(sheetID, "FX!A1", [][]*sheetsapi.CellData{{sheetstest.String("EUR"), sheetstest.Number(1.08)}, {}})
		},
		what:   "FX",
		failed: 1,
		want: doctorCheck{Mark: "✗", Text: `tab "FX" has no header row naming currency and rate`,
			Fix: "make the FX tab's first row currency, rate, then one row per currency, such as EUR, 1.08"},
		checked: []string{"Slack token works"},
	}, {
		name: "one bad row",
		setup: func(t *testing.T, sheetsSrv *sheetstest.Server, _ **slacktest.Server) {
			sheetsSrv.SetCells(sheetID, "Subscriptions!F4", [][]*sheetsapi.CellData{{sheetstest.String("03/04/2025x")}})
		},
		what: "left out of MRR",
		want: doctorCheck{Mark: "!", Text: `1 of 3 rows has problems and is left out of MRR (first: row 4, Start Date: "03/04/2025x" is not a date)`,
			Fix: `"mrrbot sync" lists each row, column and problem on the Data Issues tab; correct them in the spreadsheet`},
	}, {
		name: "bad Slack token",
		env:  []string{"SLACK_BOT_TOKEN", "xoxb-1111-not-the-bots-token"},
		what: "SLACK_BOT_TOKEN", failed: 1,
		want: doctorCheck{Mark: "✗", Text: "Slack refused SLACK_BOT_TOKEN (invalid_auth)",
			Fix: "check SLACK_BOT_TOKEN: it is the Bot User OAuth Token (xoxb-…) on the Slack app's OAuth & Permissions page; reinstall the app if it was revoked"},
		checked: []string{"3 rows read", "Slack channel C0MRRBOT not checked", "SLACK_SIGNING_SECRET is set"},
	}, {
		name: "bot not in the channel, by ID",
		setup: func(t *testing.T, _ *sheetstest.Server, slackSrv **slacktest.Server) {
			*slackSrv = slacktest.New(t, slacktest.WithChannels(slacktest.Channel{ID: "C0FINANCE", Name: "finance", NotMember: true}))
		},
		env:  []string{"SLACK_CHANNEL", "C0FINANCE"},
		what: "not a member", failed: 1,
		want:    doctorCheck{Mark: "✗", Text: "@mrrbot is not a member of #finance, so it cannot post there", Fix: "/invite @mrrbot in #finance"},
		checked: []string{"Slack token works", "SLACK_SIGNING_SECRET is set"},
	}, {
		name: "bot not in the channel, by name",
		setup: func(t *testing.T, _ *sheetstest.Server, slackSrv **slacktest.Server) {
			chans := []slacktest.Channel{{ID: "C0GENERAL", Name: "general"}}
			for i := range 250 { // more than one page of conversations.list
				chans = append(chans, slacktest.Channel{ID: fmt.Sprintf("C1%04d", i), Name: fmt.Sprintf("team-%d", i)})
			}
			chans = append(chans, slacktest.Channel{ID: "C0FINANCE", Name: "finance", NotMember: true})
			*slackSrv = slacktest.New(t, slacktest.WithChannels(chans...))
		},
		env:  []string{"SLACK_CHANNEL", "#finance"},
		what: "not a member", failed: 1,
		want: doctorCheck{Mark: "✗", Text: "@mrrbot is not a member of #finance, so it cannot post there", Fix: "/invite @mrrbot in #finance"},
	}, {
		name: "unknown channel",
		env:  []string{"SLACK_CHANNEL", "#nowhere"},
		what: "no channel", failed: 1,
		want: doctorCheck{Mark: "✗", Text: "Slack has no channel #nowhere that @mrrbot can see",
			Fix: "check SLACK_CHANNEL: the channel's ID (C0123456789, at the bottom of its details) or #name; for a private channel, /invite @mrrbot there first"},
	}, {
		name: "app without channels:read",
		setup: func(t *testing.T, _ *sheetstest.Server, slackSrv **slacktest.Server) {
			(*slackSrv).Fail("conversations.info", "missing_scope")
		},
		what: "channels:read", failed: 1,
		want: doctorCheck{Mark: "✗", Text: "cannot check SLACK_CHANNEL: the Slack app lacks the channels:read scope",
			Fix: "add the bot scopes channels:read and groups:read under OAuth & Permissions (or to the app manifest) and reinstall the app"},
	}, {
		name: "no channel",
		env:  []string{"SLACK_CHANNEL", ""},
		what: "SLACK_CHANNEL", failed: 1,
		want: doctorCheck{Mark: "✗", Text: "SLACK_CHANNEL is not set",
			Fix: "set SLACK_CHANNEL to the channel to post in: its ID (C0123456789, at the bottom of the channel's details) or #name"},
		checked: []string{"Slack token works"},
	}, {
		name:    "webhook only",
		env:     []string{"SLACK_BOT_TOKEN", "", "SLACK_CHANNEL", "", "SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T0/B0/SECRETHOOKPATH"},
		what:    "webhook",
		want:    doctorCheck{Mark: "✓", Text: "Slack: incoming webhook configured in SLACK_WEBHOOK_URL (not checked: that would post)"},
		checked: []string{"3 rows read"},
	}, {
		name: "nowhere to post",
		env:  []string{"SLACK_BOT_TOKEN", "", "SLACK_CHANNEL", ""},
		what: "nowhere to post", failed: 1,
		want: doctorCheck{Mark: "✗", Text: "nowhere to post the digest: neither SLACK_BOT_TOKEN nor SLACK_WEBHOOK_URL is set",
			Fix: "set SLACK_BOT_TOKEN (the app's Bot User OAuth Token, xoxb-…) and SLACK_CHANNEL, or SLACK_WEBHOOK_URL (an incoming webhook)"},
	}, {
		name: "no signing secret",
		env:  []string{"SLACK_SIGNING_SECRET", ""},
		what: "serve", failed: 1,
		want: doctorCheck{Mark: "✗", Text: "serve cannot take /mrr: neither SLACK_SIGNING_SECRET nor SLACK_APP_TOKEN is set",
			Fix: "set SLACK_SIGNING_SECRET (the Slack app's Basic Information → Signing Secret) to take /mrr over HTTP, or SLACK_APP_TOKEN (an app-level token with connections:write, xapp-…) for Socket Mode"},
	}, {
		name: "Socket Mode instead",
		env:  []string{"SLACK_SIGNING_SECRET", "", "SLACK_APP_TOKEN", slacktest.DefaultAppToken},
		what: "serve",
		want: doctorCheck{Mark: "✓", Text: "serve: /mrr arrives over Socket Mode (SLACK_APP_TOKEN is set)"},
	}, {
		name: "a bot token for an app token",
		env:  []string{"SLACK_SIGNING_SECRET", "", "SLACK_APP_TOKEN", "xoxb-1111-wrong-kind"},
		what: "serve", failed: 1,
		want: doctorCheck{Mark: "✗", Text: "serve: SLACK_APP_TOKEN is not an app-level token (those start with xapp-)",
			Fix: "create an app-level token with the connections:write scope under the Slack app's Basic Information → App-Level Tokens, and set SLACK_APP_TOKEN to it"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			sheetsSrv := sheetstest.New(t)
			goodSheet(t, sheetsSrv)
			slackSrv := slacktest.New(t)
			if tc.setup != nil {
				tc.setup(t, sheetsSrv, &slackSrv)
			}
			env := with(doctorEnv(sheetsSrv, slackSrv), tc.env...)
			checks, out, err := doctor(t, env, tc.args...)
			if got := findCheck(t, checks, tc.what); got != tc.want {
				t.Errorf("check (-want +got):\n%s", cmp.Diff(tc.want, got))
			}
			failed := 0
			for _, c := range checks {
				if c.Mark == "✗" {
					failed++
				}
			}
			if failed != tc.failed {
				t.Errorf("%d checks failed, want %d", failed, tc.failed)
			}
			switch {
			case tc.failed == 0 && err != nil:
				t.Errorf("doctor: %v", err)
			case tc.failed == 1 && (err == nil || err.Error() != "doctor: 1 check failed"):
				t.Errorf("doctor returned %v, want doctor: 1 check failed", err)
			}
			for _, s := range tc.checked {
				if c := findCheck(t, checks, s); c.Mark == "✗" {
					t.Errorf("%q failed", c.Text)
				}
			}
			for _, secret := range []string{slackSrv.Token(), signingSecret, "SECRETHOOKPATH", "not-the-bots-token", "wrong-kind"} {
				if strings.Contains(out, secret) {
					t.Errorf("output shows a secret:\n%s", out)
				}
			}
		})
	}
}

// TestDoctorSharesWithServiceAccount has a service account that the
// spreadsheet is not shared with: the fix names its e-mail.
func TestDoctorSharesWithServiceAccount(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	goodSheet(t, sheetsSrv)
	sheetsSrv.SetForbidden(sheetID, true)
	slackSrv := slacktest.New(t)
	key := serviceAccountKey(t, tokenServer(t))
	env := with(doctorEnv(sheetsSrv, slackSrv), "GOOGLE_APPLICATION_CREDENTIALS", key)

	checks, _, err := doctor(t, env)
	if err == nil || err.Error() != "doctor: 1 check failed" {
		t.Errorf("doctor returned %v, want doctor: 1 check failed", err)
	}
	want := []doctorCheck{
		{Mark: "✓", Text: "Google credentials: service account " + serviceEmail + " (key file " + key + ", from GOOGLE_APPLICATION_CREDENTIALS)"},
		{Mark: "✗", Text: "no access to spreadsheet " + sheetID, Fix: "share the spreadsheet with " + serviceEmail + " as an Editor"},
		{Mark: "–", Text: "tabs, header, rows and FX rates not checked: the spreadsheet must open first"},
	}
	if diff := cmp.Diff(want, checks[:3]); diff != "" {
		t.Errorf("checks (-want +got):\n%s", diff)
	}
	// Once shared, the same credentials open it.
	sheetsSrv.SetForbidden(sheetID, false)
	if _, _, err := doctor(t, env); err != nil {
		t.Errorf("doctor after sharing: %v", err)
	}
}

func TestDoctorCredentialsMissing(t *testing.T) {
	slackSrv := slacktest.New(t)
	sheetsSrv := sheetstest.New(t)
	env := with(doctorEnv(sheetsSrv, slackSrv), "GOOGLE_APPLICATION_CREDENTIALS", filepath.Join(t.TempDir(), "key.json"))
	checks, _, err := doctor(t, env)
	if err == nil {
		t.Fatal("doctor passed without a key file")
	}
	c := findCheck(t, checks, "Google credentials")
	if c.Mark != "✗" || c.Fix != `point GOOGLE_APPLICATION_CREDENTIALS at a service account key file (JSON), or unset it and run "mrrbot auth login"` {
		t.Errorf("credentials check %+v", c)
	}
	if c := findCheck(t, checks, "spreadsheet not checked"); c.Mark != "–" {
		t.Errorf("spreadsheet check %+v", c)
	}
	findCheck(t, checks, "Slack token works")
}

// TestDoctorFixture checks the fixture spreadsheet, which has a row in
// GBP without a rate and seven rows with other problems.
func TestDoctorFixture(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	fixtureSheet(t, sheetsSrv)
	slackSrv := slacktest.New(t)
	checks, _, err := doctor(t, doctorEnv(sheetsSrv, slackSrv))
	// The fixture's rows with mistakes are warnings: a sync of it
	// succeeds and lists them.
	if err != nil {
		t.Errorf("doctor returned %v, want no error: rows with problems are warnings", err)
	}
	want := []doctorCheck{
		{Mark: "✓", Text: `columns not read: "Notes" (M)`},
		{Mark: "!", Text: "7 of 33 rows have problems and are left out of MRR (first: row 11, Customer ID: customer is missing)",
			Fix: `"mrrbot sync" lists each row, column and problem on the Data Issues tab; correct them in the spreadsheet`},
		{Mark: "!", Text: "no FX rate for GBP, used by 1 row (left out of MRR)", Fix: "add a row to the FX tab: GBP, <how many USD one GBP is worth>"},
	}
	if diff := cmp.Diff(want, checks[4:7]); diff != "" {
		t.Errorf("checks (-want +got):\n%s", diff)
	}
}

func TestDoctorWorkbook(t *testing.T) {
	book := fixtureWorkbook(t)
	slackSrv := slacktest.New(t)
	env := with(doctorEnv(sheetstest.New(t), slackSrv), "MRRBOT_SPREADSHEET", "")
	checks, _, err := doctor(t, env, "--workbook", book)
	if err != nil {
		t.Errorf("doctor returned %v, want no error: rows with problems are warnings", err)
	}
	want := []doctorCheck{
		{Mark: "–", Text: "Google credentials: not needed for a local workbook"},
		{Mark: "✓", Text: "workbook " + book + " opens"},
		{Mark: "✓", Text: `tab "Subscriptions" found`},
	}
	if diff := cmp.Diff(want, checks[:3]); diff != "" {
		t.Errorf("checks (-want +got):\n%s", diff)
	}
	if c := findCheck(t, checks, "rows have problems"); c.Fix != `"mrrbot compute --input `+book+`" lists each row, column and problem; correct them in the workbook` {
		t.Errorf("rows check %+v", c)
	}

	missing := filepath.Join(t.TempDir(), "nope.xlsx")
	checks, _, _ = doctor(t, env, "--workbook", missing)
	want = []doctorCheck{
		{Mark: "–", Text: "Google credentials: not needed for a local workbook"},
		{Mark: "✗", Text: "workbook " + missing + " does not exist", Fix: `check the path given with --workbook, or run "mrrbot demo" to write a sample workbook`},
		{Mark: "–", Text: "tabs, header, rows and FX rates not checked: the workbook must open first"},
	}
	if diff := cmp.Diff(want, checks[:3]); diff != "" {
		t.Errorf("missing workbook: checks (-want +got):\n%s", diff)
	}
}

// TestDoctorSegments checks the --segment columns: found with their
// column, or a misspelt one named with the headers the tab has.
func TestDoctorSegments(t *testing.T) {
	book := fixtureWorkbook(t)
	env := with(doctorEnv(sheetstest.New(t), slacktest.New(t)), "MRRBOT_SPREADSHEET", "")
	checks, _, _ := doctor(t, env, "--workbook", book, "--segment", "Billing Cycle")
	if c := findCheck(t, checks, "segment columns"); c.Mark != "✓" || c.Text != `segment columns: "Billing Cycle" (column F)` {
		t.Errorf("segment check %+v", c)
	}
	checks, _, _ = doctor(t, env, "--workbook", book, "--segment", "Regoin")
	c := findCheck(t, checks, "Regoin")
	if c.Mark != "✗" || !strings.Contains(c.Text, "Customer ID, Company") || !strings.Contains(c.Fix, "--segment") {
		t.Errorf("misspelt segment check %+v", c)
	}
}

func TestDoctorUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--spreadsheet", sheetID, "--workbook", "x.xlsx"},
		{"--dry-run"},
		{"extra"},
	} {
		_, _, err := mrrbotAt(t, fixedNow, nil, append([]string{"doctor"}, args...)...)
		if !isUsage(err) {
			t.Errorf("doctor %v: %v, want a usage error", args, err)
		}
	}
}

const serviceEmail = "mrrbot-doctor@example-project.iam.gserviceaccount.com"

// testKey is generated once: RSA key generation is slow under -race.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// serviceAccountKey writes a service account key file whose token_uri is
// tokenURL and returns its path.
func serviceAccountKey(t *testing.T, tokenURL string) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(testKey())
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(map[string]string{
		"type":           "service_account",
		"project_id":     "example-project",
		"private_key_id": "key-1",
		"private_key":    string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email":   serviceEmail,
		"client_id":      "1234567890",
		"token_uri":      tokenURL,
	})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "key.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// tokenServer stands in for Google's token endpoint: it grants an access
// token for any signed assertion.
func tokenServer(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.ParseForm() != nil || r.PostForm.Get("assertion") == "" {
			http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "doctor-access-token", "token_type": "Bearer", "expires_in": int(time.Hour / time.Second)})
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/token"
}

// TestDoctorColumnsNotRead: doctor lists the header's columns it does not
// read, saying which field a hidden or looser-named column lost to, and
// fails, naming both, when two columns name a field equally well.
func TestDoctorColumnsNotRead(t *testing.T) {
	env := with(doctorEnv(sheetstest.New(t), slacktest.New(t)), "MRRBOT_SPREADSHEET", "")
	c := &messyCase{
		Subscriptions: [][]messyCell{
			{text("Customer ID"), text("List Price"), text("Price"), text("Start Date"), text("Notes")},
			{text("C1"), num(120), num(100), {Date: "2025-01-01"}, text("list price kept for reference")},
		},
		Hidden: []string{"B"},
	}
	book := filepath.Join(t.TempDir(), "hidden.xlsx")
	writeMessyWorkbook(t, c, book)
	checks, _, _ := doctor(t, env, "--workbook", book)
	if got := findCheck(t, checks, "columns not read"); got.Mark != "✓" ||
		got.Text != `columns not read: "List Price" (B, hidden; amount is read from "Price", C), "Notes" (E)` {
		t.Errorf("columns check %+v", got)
	}

	c.Subscriptions[0][1] = text("Price")
	c.Hidden = nil
	writeMessyWorkbook(t, c, book)
	checks, _, _ = doctor(t, env, "--workbook", book)
	want := doctorCheck{Mark: "✗",
		Text: `tab "Subscriptions": header row 1 has two amount columns, "Price" (column B) and "Price" (column C), and nothing says which one to read: rename or delete one`,
		Fix:  "keep one amount column: rename or delete the other, or hide it (a visible column wins over a hidden one)"}
	if diff := cmp.Diff(want, findCheck(t, checks, "two amount columns")); diff != "" {
		t.Errorf("tie check (-want +got):\n%s", diff)
	}
}

func text(s string) messyCell { return messyCell{Text: &s} }
func num(n float64) messyCell { return messyCell{N: &n} }
