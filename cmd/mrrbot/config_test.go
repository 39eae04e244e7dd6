package main

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mrrbot/mrrbot/notify/slacktest"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	sheetsapi "google.golang.org/api/sheets/v4"
)

const secondSheet = "2ndSheetForTheEuropeanTeam"

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mrrbot.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestServeTwoReports binds two spreadsheets to two channels: /mrr answers
// with the figures of the report bound to the channel it was typed in.
func TestServeTwoReports(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	fixtureSheet(t, sheetsSrv)
	sheetsSrv.AddSpreadsheet(secondSheet, "EU subscriptions", "en_GB")
	sheetsSrv.AddSheet(secondSheet, "Subs", 0, 0)
	sheetsSrv.SetCells(secondSheet, "Subs!A1", [][]*sheetsapi.CellData{
		{sheetstest.String("Account"), sheetstest.String("Price"), sheetstest.String("Start")},
		{sheetstest.String("EU-1"), sheetstest.Currency(500), sheetstest.Date(2025, 6, 1)},
	})
	slackSrv := slacktest.New(t, slacktest.WithChannels(
		slacktest.Channel{ID: "C0US", Name: "mrr-us", Members: []string{slacktest.DefaultUserID}},
		slacktest.Channel{ID: "C0EU", Name: "mrr-eu", Members: []string{slacktest.DefaultUserID}},
	))
	config := writeConfig(t, `reports:
  - name: us
    spreadsheet: `+sheetID+`
    channel: C0US
    timezone: America/New_York
    schedule: "off"
  - name: eu
    spreadsheet: https://docs.google.com/spreadsheets/d/`+secondSheet+`/edit
    tab: Subs
    currency: EUR
    timezone: Europe/Berlin
    channel: C0EU
    schedule: "off"
`)
	env := map[string]string{
		"MRRBOT_SHEETS_ENDPOINT": sheetsSrv.URL(),
		"SLACK_SIGNING_SECRET":   signingSecret,
		"SLACK_API_URL":          slackSrv.URL(),
		"SLACK_BOT_TOKEN":        slackSrv.Token(),
	}
	addr, _ := serving(t, env, "--config", config)
	for _, tt := range []struct{ channel, want string }{
		{"C0US", "$3,124.80"},
		{"C0EU", "€500.00"},
		{"C0ELSEWHERE", "No MRR report is set up for this channel"},
	} {
		name := "reply-" + tt.channel
		req := channelRequest(t, addr, tt.channel, "2026-02", slackSrv.ResponseURL(name))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", tt.channel, resp.StatusCode)
		}
		replies := slackSrv.WaitReplies(name, 1, 10*time.Second)
		if len(replies) != 1 || !strings.Contains(replies[0].Text+string(replies[0].Blocks), tt.want) {
			t.Errorf("%s: replies %+v, want %q", tt.channel, replies, tt.want)
		}
	}

	// digest picks a report by name; the single-report case needs none.
	out, stderr, err := mrrbotAt(t, fixedNow, env, "digest", "--config", config, "--report", "eu", "--month", "2026-02")
	if err != nil || !strings.Contains(out, "€500.00") {
		t.Errorf("digest --report eu: %v\n%s%s", err, out, stderr)
	}
	if _, _, err := mrrbotAt(t, fixedNow, env, "digest", "--config", config, "--month", "2026-02"); err == nil || !strings.Contains(err.Error(), "--report") {
		t.Errorf("digest with two reports and no --report: %v", err)
	}
	// sync --config syncs both.
	if out, stderr, err := mrrbotAt(t, fixedNow, env, "sync", "--config", config); err != nil || strings.Count(out, "Wrote to") != 2 {
		t.Errorf("sync --config: %v\n%s%s", err, out, stderr)
	}
}

func channelRequest(t *testing.T, addr, channel, text, responseURL string) *http.Request {
	t.Helper()
	return signedRequest(t, addr, url.Values{"command": {"/mrr"}, "text": {text}, "channel_id": {channel}, "user_id": {slacktest.DefaultUserID}, "response_url": {responseURL}}, fixedNow, signingSecret)
}

func TestConfigErrors(t *testing.T) {
	for _, tt := range []struct {
		name, text string
		want       []string
	}{
		{"unknown key", "reports:\n  - name: a\n    spreadsheet: x\n    chanel: C1\n", []string{"line 4", "chanel"}},
		{"bad time zone", "reports:\n  - name: a\n    spreadsheet: x\n    timezone: Mars/Olympus\n", []string{"line 4", "timezone", "Mars/Olympus"}},
		{"bad schedule", "reports:\n  - name: a\n    spreadsheet: x\n    schedule: monthly\n", []string{"line 4", "schedule"}},
		{"no source", "reports:\n  - name: a\n    channel: C1\n", []string{"line 2", "spreadsheet"}},
		{"one channel, two reports", "reports:\n  - name: a\n    spreadsheet: x\n    channel: C1\n  - name: b\n    spreadsheet: y\n    channel: C1\n", []string{"line 7", "channel", "C1"}},
		{"no reports", "reports: []\n", []string{"no reports"}},
		{"a name in allow_users", "reports:\n  - name: a\n    spreadsheet: x\n    allow_users: [channel, alice]\n", []string{"line 4", "allow_users", `"alice"`, "user ID"}},
		{"channel in allow_usergroups", "reports:\n  - name: a\n    spreadsheet: x\n    allow_usergroups: [channel]\n", []string{"line 4", "allow_usergroups", "goes in allow_users"}},
		{"a bad allow_sync entry", "reports:\n  - name: a\n    spreadsheet: x\n    allow_sync: [Alice Smith]\n", []string{"line 4", "allow_sync", `"Alice Smith"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.text)
			_, err := loadConfig(path, func(string) string { return "" })
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range append(tt.want, path) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestConfigEnvOverridesSingleReport: with one report, the environment
// still wins, as it does without a file.
func TestConfigEnvOverridesSingleReport(t *testing.T) {
	path := writeConfig(t, "reports:\n  - name: a\n    spreadsheet: from-file\n    channel: C1\n")
	env := map[string]string{"MRRBOT_SPREADSHEET": "from-env", "SLACK_CHANNEL": "C2"}
	reports, err := loadConfig(path, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if r := reports[0]; r.Spreadsheet != "from-env" || r.Channel != "C2" {
		t.Errorf("report = %+v, want the environment's spreadsheet and channel", r)
	}
}
