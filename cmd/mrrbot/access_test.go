package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/notify"
	"github.com/mrrbot/mrrbot/notify/slacktest"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	"github.com/slack-go/slack"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// The people of these tests: Alice and a guest are in #finance, where the
// digest goes; Bob is in #sales only; the CFO is in no channel but leads
// finance; Carol is in #finance too.
const (
	finID    = "C0FIN"
	salesID  = "C0SALES"
	alice    = "U0ALICE"
	bob      = "U0BOB"
	carol    = "U0CAROL"
	cfo      = "U0CFO"
	guest    = "U0GUEST"
	single   = "U0SINGLE"
	usGroup  = "S0LEADS"
	febMRR   = "$3,124.80" // the fixture's February MRR, the answer to "2026-02"
	febMRRnr = "3124.8"
)

// workspace is a Slack stand-in with those people and channels.
func workspace(t *testing.T) *slacktest.Server {
	t.Helper()
	return slacktest.New(t,
		slacktest.WithChannels(
			slacktest.Channel{ID: finID, Name: "finance", Members: []string{alice, carol, guest, single}},
			slacktest.Channel{ID: salesID, Name: "sales", Members: []string{bob, alice}},
		),
		slacktest.WithUsers(
			slacktest.User{ID: cfo, Name: "cfo"},
			slacktest.User{ID: guest, Name: "guest", Guest: true},
			slacktest.User{ID: single, Name: "single", SingleChannelGuest: true},
		),
		slacktest.WithUserGroups(slacktest.UserGroup{ID: usGroup, Handle: "finance-leads", Users: []string{cfo, bob}}),
	)
}

// serveLogged starts `mrrbot serve` as serving does, and returns its log
// too: the audit lines are part of what these tests check.
func serveLogged(t *testing.T, env map[string]string, args ...string) (string, *syncBuffer) {
	t.Helper()
	addr, _, logs := startServe(t, env, true, args...)
	return addr, logs
}

// ask sends /mrr text as user, typed in channel, and returns the one
// answer on the response URL.
func ask(t *testing.T, addr string, slackSrv *slacktest.Server, user, channel, text string) string {
	t.Helper()
	name := fmt.Sprintf("%s-%s-%s-%d", user, channel, text, time.Now().UnixNano())
	resp, err := http.DefaultClient.Do(signedRequest(t, addr, url.Values{
		"command": {"/mrr"}, "text": {text}, "channel_id": {channel}, "channel_name": {"whatever"},
		"user_id": {user}, "user_name": {strings.ToLower(user)}, "team_id": {"T0MRRBOT"}, "response_url": {slackSrv.ResponseURL(name)},
	}, fixedNow, signingSecret))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	replies := slackSrv.WaitReplies(name, 1, 10*time.Second)
	if len(replies) != 1 {
		t.Fatalf("%s in %s, %q: %d replies, want 1", user, channel, text, len(replies))
	}
	return replies[0].Text + string(replies[0].Blocks)
}

// accessEnv is the environment of a single report bound to #finance by
// SLACK_CHANNEL.
func accessEnv(sheetsSrv *sheetstest.Server, slackSrv *slacktest.Server) map[string]string {
	env := serveEnv(sheetsSrv, slackSrv)
	env["SLACK_CHANNEL"] = finID
	return env
}

// TestServeDefaultAccess: with no setup, /mrr answers the members of the
// digest's channel, typed in that channel, and refuses everyone else
// without reading the sheet.
func TestServeDefaultAccess(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	fixtureSheet(t, sheetsSrv)
	slackSrv := workspace(t)
	addr, logs := serveLogged(t, accessEnv(sheetsSrv, slackSrv))
	sheetsSrv.ResetCalls()

	for _, tc := range []struct{ name, user, channel, text, want string }{
		{"non-member", bob, finID, "2026-02", "only members of <#C0FIN>"},
		{"member in a DM", alice, "D0ALICE", "2026-02", "in <#C0FIN> only"},
		{"member in another channel", alice, salesID, "", "in <#C0FIN> only"},
		{"multi-channel guest", guest, finID, "2026-02", "guests may not"},
		{"single-channel guest", single, finID, "", "guests may not"},
		{"non-member, help", bob, finID, "help", "only members of <#C0FIN>"},
		{"non-member, sync", bob, finID, "sync", "may run /mrr sync"},
		{"guest, sync", guest, finID, "sync", "guests may not run /mrr sync"},
		{"unknown person", "U0NOBODY", finID, "2026-02", "could not check"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ask(t, addr, slackSrv, tc.user, tc.channel, tc.text)
			if !strings.Contains(got, tc.want) || strings.Contains(got, febMRR) || strings.Contains(got, "$") {
				t.Errorf("answer %q, want a refusal with %q and no figures", got, tc.want)
			}
			if strings.Count(got, "\n") > 0 {
				t.Errorf("refusal %q is more than one line", got)
			}
		})
	}
	if calls := sheetsSrv.Calls().Total; calls != 0 {
		t.Errorf("refused commands made %d Sheets API calls; want none", calls)
	}
	if ss := sheetsSrv.Spreadsheet(sheetID); findSheet(ss, "MRR Summary") != nil {
		t.Error("a refused /mrr sync wrote the summary tab")
	}

	if got := ask(t, addr, slackSrv, alice, finID, "2026-02"); !strings.Contains(got, febMRR) {
		t.Errorf("a member in the channel: %q, want the figures", got)
	}
	if got := ask(t, addr, slackSrv, carol, finID, "sync"); !strings.Contains(got, "Synced") {
		t.Errorf("a member's /mrr sync: %q", got)
	}
	if findSheet(sheetsSrv.Spreadsheet(sheetID), "MRR Summary") == nil {
		t.Error("a member's /mrr sync wrote nothing")
	}
	// Five minutes of membership are kept: many commands, one question.
	if n := slackSrv.Calls("conversations.members"); n != 1 {
		t.Errorf("conversations.members calls = %d, want 1", n)
	}
	checkAudit(t, logs.String(), []audit{
		{bob, finID, "month", "refused", "not_member"},
		{alice, "D0ALICE", "month", "refused", "outside_channel"},
		{alice, salesID, "month_to_date", "refused", "outside_channel"},
		{guest, finID, "month", "refused", "guest"},
		{single, finID, "month_to_date", "refused", "guest"},
		{bob, finID, "help", "refused", "not_member"},
		{bob, finID, "sync", "refused", "not_member"},
		{guest, finID, "sync", "refused", "guest"},
		{"U0NOBODY", finID, "month", "refused", "check_failed"},
		{alice, finID, "month", "allowed", "channel_member"},
		{carol, finID, "sync", "allowed", "channel_member"},
	})
}

// audit is the part of an audit line that a test checks.
type audit struct{ user, channel, command, decision, reason string }

// checkAudit finds one audit line per command in logs, in order, each with
// the report, and none with an amount of money in it.
func checkAudit(t *testing.T, logs string, want []audit) {
	t.Helper()
	money := regexp.MustCompile(`\$|\d[\d,]*\.\d\d|` + regexp.QuoteMeta(febMRRnr))
	var got []audit
	for line := range strings.Lines(logs) {
		var l map[string]any
		if json.Unmarshal([]byte(line), &l) != nil || l["msg"] != "slash command" {
			continue
		}
		for _, key := range []string{"time", "level", "user", "user_name", "channel", "report", "command", "decision", "reason"} {
			if _, ok := l[key]; !ok {
				t.Errorf("audit line without %s: %s", key, line)
			}
		}
		delete(l, "time") // its fraction of a second would read as an amount
		if b, _ := json.Marshal(l); money.Match(b) {
			t.Errorf("audit line with an amount: %s", line)
		}
		if l["reason"] != "no_report" && l["reason"] != "foreign_response_url" && l["report"] == "" {
			t.Errorf("audit line without the report: %s", line)
		}
		got = append(got, audit{fmt.Sprint(l["user"]), fmt.Sprint(l["channel"]), fmt.Sprint(l["command"]), fmt.Sprint(l["decision"]), fmt.Sprint(l["reason"])})
	}
	if len(got) != len(want) {
		t.Errorf("%d audit lines, want %d:\n%+v", len(got), len(want), got)
	}
	// Commands are answered one at a time by these tests, so in order.
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Errorf("audit line %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestServeAllowLists: allow_users, allow_usergroups and allow_sync each
// widen and narrow who may ask, as the docs say.
func TestServeAllowLists(t *testing.T) {
	type try struct {
		user, channel, text string
		ok                  bool
	}
	for _, tc := range []struct {
		name, allow string
		tries       []try
	}{
		{"allow_users narrows to the people named", "allow_users: [U0CAROL]", []try{
			{carol, finID, "2026-02", true},
			{carol, "D0CAROL", "2026-02", true}, // named: anywhere
			{alice, finID, "2026-02", false},    // a member, no longer enough
		}},
		{"allow_users widens with the channel kept", "allow_users: [channel, U0CFO]", []try{
			{alice, finID, "2026-02", true},
			{alice, "D0ALICE", "2026-02", false}, // members still ask in the channel
			{cfo, "D0CFO", "2026-02", true},
			{bob, finID, "2026-02", false},
		}},
		{"allow_users lets a guest in by name", "allow_users: [channel, U0GUEST]", []try{
			{guest, finID, "2026-02", true},
			{single, finID, "2026-02", false},
		}},
		{"allow_usergroups widens and narrows", "allow_usergroups: [\"@finance-leads\"]", []try{
			{bob, salesID, "2026-02", true}, // a lead, in another channel
			{cfo, "D0CFO", "sync", true},    // sync follows /mrr by default
			{alice, finID, "2026-02", false},
		}},
		{"allow_usergroups with the channel", "allow_users: [channel]\n    allow_usergroups: [S0LEADS]", []try{
			{alice, finID, "2026-02", true},
			{cfo, "D0CFO", "2026-02", true},
			{guest, finID, "2026-02", false},
		}},
		{"allow_sync narrows /mrr sync", "allow_sync: [U0CAROL]", []try{
			{alice, finID, "2026-02", true},
			{alice, finID, "sync", false},
			{carol, finID, "sync", true},
		}},
		{"allow_sync widens /mrr sync", "allow_sync: [channel, finance-leads]", []try{
			{cfo, "D0CFO", "2026-02", false}, // may sync, may not see
			{alice, finID, "sync", true},
			{cfo, "D0CFO", "sync", true},
			{guest, finID, "sync", false},
		}},
		{"allow_sync empty: no one syncs", "allow_sync: []", []try{
			{alice, finID, "2026-02", true},
			{alice, finID, "sync", false},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sheetsSrv := sheetstest.New(t)
			fixtureSheet(t, sheetsSrv)
			slackSrv := workspace(t)
			config := writeConfig(t, "reports:\n  - name: us\n    spreadsheet: "+sheetID+"\n    channel: "+finID+"\n    schedule: \"off\"\n    "+tc.allow+"\n")
			env := accessEnv(sheetsSrv, slackSrv)
			delete(env, "MRRBOT_SPREADSHEET")
			delete(env, "SLACK_CHANNEL")
			addr, _ := serveLogged(t, env, "--config", config)
			for _, tr := range tc.tries {
				sheetsSrv.ResetCalls()
				tabs := len(sheetsSrv.Spreadsheet(sheetID).Sheets)
				got := ask(t, addr, slackSrv, tr.user, tr.channel, tr.text)
				answered := strings.Contains(got, febMRR) || strings.Contains(got, "Synced")
				if answered != tr.ok {
					t.Errorf("%s in %s, %q: answered %v, want %v: %q", tr.user, tr.channel, tr.text, answered, tr.ok, got)
				}
				if !tr.ok && (sheetsSrv.Calls().Total != 0 || len(sheetsSrv.Spreadsheet(sheetID).Sheets) != tabs) {
					t.Errorf("%s in %s, %q: refused, yet %d Sheets API calls", tr.user, tr.channel, tr.text, sheetsSrv.Calls().Total)
				}
			}
		})
	}
}

// TestServeBindsChannelsByID: a channel named in the config is bound by
// its ID at start. Renaming it changes nothing, and a new channel given
// the old name gets no figures.
func TestServeBindsChannelsByID(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	fixtureSheet(t, sheetsSrv)
	sheetsSrv.AddSpreadsheet(secondSheet, "EU subscriptions", "en_GB")
	slackSrv := workspace(t)
	for _, reports := range []string{"one report", "two reports"} {
		t.Run(reports, func(t *testing.T) {
			text := "reports:\n  - name: us\n    spreadsheet: " + sheetID + "\n    channel: \"#finance\"\n    schedule: \"off\"\n"
			if reports == "two reports" {
				text += "  - name: eu\n    spreadsheet: " + secondSheet + "\n    channel: " + salesID + "\n    schedule: \"off\"\n"
			}
			slackSrv.RenameChannel(finID, "finance")
			env := serveEnv(sheetsSrv, slackSrv)
			delete(env, "MRRBOT_SPREADSHEET")
			delete(env, "SLACK_CHANNEL")
			addr, logs := serveLogged(t, env, "--config", writeConfig(t, text))

			// Someone renames #finance and makes a new #finance of their own.
			evil := fmt.Sprintf("C0EVIL%d", len(reports))
			slackSrv.RenameChannel(finID, "finance-old")
			slackSrv.AddChannel(slacktest.Channel{ID: evil, Name: "finance", Members: []string{alice, bob}})
			sheetsSrv.ResetCalls()
			for _, user := range []string{alice, bob} {
				got := ask(t, addr, slackSrv, user, evil, "2026-02")
				if strings.Contains(got, "$") {
					t.Errorf("%s in the new #finance: %q, want a refusal", user, got)
				}
			}
			if n := sheetsSrv.Calls().Total; n != 0 {
				t.Errorf("the new #finance made %d Sheets API calls", n)
			}
			if got := ask(t, addr, slackSrv, alice, finID, "2026-02"); !strings.Contains(got, febMRR) {
				t.Errorf("alice in the renamed channel: %q, want the figures", got)
			}
			if !strings.Contains(logs.String(), `"msg":"who may use /mrr","report":"us","channel":"C0FIN"`) {
				t.Errorf("the start log does not show #finance bound to C0FIN")
			}
		})
	}
}

// recorder is an HTTP server on loopback that counts every request: where
// a forged response_url points.
func recorder(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { n.Add(1) }))
	t.Cleanup(srv.Close)
	return srv, &n
}

// TestServeForeignResponseURL: a signed command whose response_url is not
// Slack's is refused, logged, and its URL never contacted, over HTTP and
// Socket Mode alike.
func TestServeForeignResponseURL(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	fixtureSheet(t, sheetsSrv)
	slackSrv := workspace(t)
	other, hits := recorder(t)
	env := accessEnv(sheetsSrv, slackSrv)
	env["SLACK_APP_TOKEN"] = slackSrv.AppToken()
	addr, logs := serveLogged(t, env)
	sheetsSrv.ResetCalls()

	for _, target := range []string{
		other.URL + "/commands/T0/1/x",
		"https://hooks.slack.com.evil.example/commands/T0/1/x",
		"http://hooks.slack.com/commands/T0/1/x",
		"", // Slack always sends one: a signed request without it is forged too
	} {
		resp, err := http.DefaultClient.Do(signedRequest(t, addr, url.Values{
			"command": {"/mrr"}, "text": {"2026-02"}, "channel_id": {finID}, "user_id": {alice}, "response_url": {target},
		}, fixedNow, signingSecret))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", target, resp.StatusCode)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for slackSrv.Connections() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := slackSrv.SendSlashCommand(slack.SlashCommand{
		Command: "/mrr", Text: "2026-02", ChannelID: finID, UserID: alice, ResponseURL: other.URL + "/commands/T0/2/y",
	}); err != nil {
		t.Fatal(err)
	}
	// Over Socket Mode the ack comes first; the refusal follows it.
	for time.Now().Before(deadline) && strings.Count(logs.String(), `"reason":"foreign_response_url"`) < 5 {
		time.Sleep(20 * time.Millisecond)
	}
	if got := strings.Count(logs.String(), `"reason":"foreign_response_url"`); got != 5 {
		t.Errorf("%d refusals logged, want 5", got)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the foreign response_url received %d requests", n)
	}
	if n := sheetsSrv.Calls().Total; n != 0 {
		t.Errorf("refused commands made %d Sheets API calls", n)
	}
}

// TestServeResponseURLRedirect: an answer is never carried to another
// host by a redirect. The response URL passes the check (here SLACK_API_URL's
// host, which stands for hooks.slack.com) and answers 307 toward another
// address: the figures must not follow.
func TestServeResponseURLRedirect(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	fixtureSheet(t, sheetsSrv)
	other, hits := recorder(t)
	var redirected atomic.Int64
	slackish := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		redirected.Add(1)
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(slackish.Close)
	// Alice is named, so that no Slack lookup is needed: every request
	// to the stand-in's host is the answer.
	config := writeConfig(t, "reports:\n  - name: us\n    spreadsheet: "+sheetID+"\n    channel: "+finID+"\n    schedule: \"off\"\n    allow_users: ["+alice+"]\n")
	env := map[string]string{
		"MRRBOT_SHEETS_ENDPOINT": sheetsSrv.URL(), "SLACK_SIGNING_SECRET": signingSecret,
		"SLACK_API_URL": slackish.URL + "/api/", "SLACK_BOT_TOKEN": "xoxb-test",
	}
	addr, logs := serveLogged(t, env, "--config", config)
	resp, err := http.DefaultClient.Do(signedRequest(t, addr, url.Values{
		"command": {"/mrr"}, "text": {"2026-02"}, "channel_id": {finID}, "user_id": {alice},
		"response_url": {slackish.URL + "/commands/T0/1/x"},
	}, fixedNow, signingSecret))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && !strings.Contains(logs.String(), "answering a slash command") {
		time.Sleep(20 * time.Millisecond)
	}
	if redirected.Load() == 0 {
		t.Fatalf("the answer was never sent:\n%s", logs.String())
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("a redirect carried the answer to another host (%d requests)", n)
	}
	if !strings.Contains(logs.String(), "answering a slash command") {
		t.Errorf("the undelivered answer is not logged")
	}
}

// TestServeAccessOverSocketMode applies the same rules to commands that
// arrive over Socket Mode.
func TestServeAccessOverSocketMode(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	fixtureSheet(t, sheetsSrv)
	slackSrv := workspace(t)
	env := accessEnv(sheetsSrv, slackSrv)
	env["SLACK_APP_TOKEN"] = slackSrv.AppToken()
	delete(env, "SLACK_SIGNING_SECRET")
	_, logs := serveLogged(t, env)
	deadline := time.Now().Add(10 * time.Second)
	for slackSrv.Connections() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	sheetsSrv.ResetCalls()
	for _, tc := range []struct {
		user, channel, text string
		want                string
	}{
		{bob, finID, "2026-02", "only members of <#C0FIN>"},
		{guest, finID, "2026-02", "guests may not"},
		{alice, "D0ALICE", "2026-02", "in <#C0FIN> only"},
		{bob, finID, "sync", "may run /mrr sync"},
		{alice, finID, "2026-02", febMRR},
	} {
		name := tc.user + "-" + tc.channel + "-" + tc.text
		if _, err := slackSrv.SendSlashCommand(slack.SlashCommand{
			Command: "/mrr", Text: tc.text, ChannelID: tc.channel, UserID: tc.user, ResponseURL: slackSrv.ResponseURL(name),
		}); err != nil {
			t.Fatal(err)
		}
		replies := slackSrv.WaitReplies(name, 1, 10*time.Second)
		if len(replies) != 1 || !strings.Contains(replies[0].Text+string(replies[0].Blocks), tc.want) {
			t.Errorf("%s: replies %+v, want %q", name, replies, tc.want)
		}
		if tc.want != febMRR && sheetsSrv.Calls().Total != 0 {
			t.Errorf("%s: refused, yet the sheet was read", name)
		}
	}
	checkAudit(t, logs.String(), []audit{
		{bob, finID, "month", "refused", "not_member"},
		{guest, finID, "month", "refused", "guest"},
		{alice, "D0ALICE", "month", "refused", "outside_channel"},
		{bob, finID, "sync", "refused", "not_member"},
		{alice, finID, "month", "allowed", "channel_member"},
	})
}

// TestServeAccessFailsClosed: when Slack cannot say who is in the channel,
// /mrr refuses, says it could not check, and logs why.
func TestServeAccessFailsClosed(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	fixtureSheet(t, sheetsSrv)
	slackSrv := workspace(t)
	addr, logs := serveLogged(t, accessEnv(sheetsSrv, slackSrv))
	sheetsSrv.ResetCalls()
	slackSrv.Fail("conversations.members", "missing_scope")
	if got := ask(t, addr, slackSrv, alice, finID, "2026-02"); !strings.Contains(got, "could not check") {
		t.Errorf("answer %q, want that it could not check", got)
	}
	if n := sheetsSrv.Calls().Total; n != 0 {
		t.Errorf("%d Sheets API calls", n)
	}
	if l := logs.String(); !strings.Contains(l, `"level":"WARN","msg":"slash command"`) || !strings.Contains(l, "channels:read") {
		t.Errorf("the log does not say what failed:\n%s", l)
	}
	slackSrv.Fail("conversations.members", "")
	if got := ask(t, addr, slackSrv, alice, finID, "2026-02"); !strings.Contains(got, febMRR) {
		t.Errorf("after Slack recovered: %q", got)
	}
}

// TestServeAccessStartErrors: what cannot be bound stops serve at start,
// saying which report and why.
func TestServeAccessStartErrors(t *testing.T) {
	slackSrv := workspace(t)
	for _, tc := range []struct{ name, report, env, want string }{
		{"unknown channel name", "channel: \"#nowhere\"", "", "channel_not_found"},
		{"unknown user group", "channel: C0FIN\n    allow_usergroups: [nobody]", "", "nobody"},
		{"a name without a token", "channel: \"#finance\"", "SLACK_BOT_TOKEN", "set SLACK_BOT_TOKEN, or give the channel's ID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{
				"SLACK_SIGNING_SECRET": signingSecret, "SLACK_API_URL": slackSrv.URL(), "SLACK_BOT_TOKEN": slackSrv.Token(),
			}
			delete(env, tc.env)
			config := writeConfig(t, "reports:\n  - name: us\n    workbook: x.xlsx\n    schedule: \"off\"\n    "+tc.report+"\n")
			_, _, err := mrrbotAt(t, fixedNow, env, "serve", "--addr", "127.0.0.1:0", "--config", config)
			if err == nil || !strings.Contains(err.Error(), "report us") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("serve = %v, want an error about report us and %q", err, tc.want)
			}
		})
	}
}

// TestServeSheetTextCannotFormat: a customer name written to make mischief
// in Slack shows as written in /mrr's answer: it makes no bold, italic,
// strikethrough or code, and mentions and links no one.
func TestServeSheetTextCannotFormat(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	sheetsSrv.AddSpreadsheet(sheetID, "Subscriptions", "en_US")
	sheetsSrv.AddSheet(sheetID, "Subscriptions", 0, 0)
	sheetsSrv.SetCells(sheetID, "Subscriptions!A1", [][]*sheetsapi.CellData{
		{sheetstest.String("Account"), sheetstest.String("Company"), sheetstest.String("Price"), sheetstest.String("Start")},
		{sheetstest.String("A-1"), sheetstest.String("*ACME* _beta_ ~x~ `y` <!channel> <@U0CEO>"), sheetstest.Currency(100), sheetstest.Date(2026, 2, 1)},
	})
	slackSrv := workspace(t)
	addr, _ := serveLogged(t, accessEnv(sheetsSrv, slackSrv))
	// The blocks as sent: JSON, with "&", "<" and ">" as \u escapes.
	got := strings.NewReplacer(`\u0026`, "&", `\u003c`, "<", `\u003e`, ">").Replace(ask(t, addr, slackSrv, alice, finID, "2026-02"))
	if !strings.Contains(got, "＊ACME＊ ＿beta＿ ～x～ ｀y｀ &lt;!channel&gt; &lt;@U0CEO&gt; +$100.00") {
		t.Errorf("the name is not shown as written:\n%s", got)
	}
	for _, bad := range []string{"*ACME*", "_beta_", "~x~", "`y`", "<!channel>", "<@U0CEO>"} {
		if strings.Contains(got, bad) {
			t.Errorf("the answer carries %s", bad)
		}
	}
}

// TestServeSyncReplyCannotFormat: /mrr sync's reply carries sheet text
// too (the spreadsheet's title, and the customers whose past months were
// restated); like the digest, it shows as written and cannot format,
// mention or link.
func TestServeSyncReplyCannotFormat(t *testing.T) {
	const mischief = "*ACME* _beta_ ~x~ `y` <!channel> <@U0CEO> <https://evil.example|log in>"
	sheetsSrv := sheetstest.New(t)
	sheetsSrv.AddSpreadsheet(sheetID, "*Books* <!here>", "en_US")
	sheetsSrv.AddSheet(sheetID, "Subscriptions", 0, 0)
	sheetsSrv.SetCells(sheetID, "Subscriptions!A1", [][]*sheetsapi.CellData{
		{sheetstest.String("Account"), sheetstest.String("Company"), sheetstest.String("Price"), sheetstest.String("Start")},
		{sheetstest.String("A-1"), sheetstest.String(mischief), sheetstest.Currency(100), sheetstest.Date(2025, 6, 1)},
	})
	slackSrv := workspace(t)
	addr, _ := serveLogged(t, accessEnv(sheetsSrv, slackSrv))

	first := ask(t, addr, slackSrv, carol, finID, "sync")
	// A past month changes: the next sync names the customer.
	sheetsSrv.SetCells(sheetID, "Subscriptions!C2", [][]*sheetsapi.CellData{{sheetstest.Currency(150)}})
	second := ask(t, addr, slackSrv, carol, finID, "sync")
	if !strings.Contains(second, "Restated") {
		t.Fatalf("the second sync restated nothing: %q", second)
	}
	for _, got := range []string{first, second} {
		if !strings.Contains(got, "Synced *＊Books＊ &lt;!here&gt;*") {
			t.Errorf("the title is not shown as written: %q", got)
		}
		for _, bad := range []string{"*Books*", "<!here>", "*ACME*", "_beta_", "~x~", "`y`", "<!channel>", "<@U0CEO>", "<https://evil"} {
			if strings.Contains(got, bad) {
				t.Errorf("the sync reply carries %s: %q", bad, got)
			}
		}
	}
	if want := "＊ACME＊ ＿beta＿ ～x～ ｀y｀ &lt;!channel&gt; &lt;@U0CEO&gt; &lt;https://evil.example|log in&gt;: $100.00 → $150.00"; !strings.Contains(second, want) {
		t.Errorf("the restated customer is not shown as written: %q", second)
	}
}

// TestScheduledDigestGoesToTheBoundChannel: serve's monthly digest goes to
// the channel bound at start, even after a new channel took its name, and
// the ledger keeps the name as configured.
func TestScheduledDigestGoesToTheBoundChannel(t *testing.T) {
	slackSrv := workspace(t)
	env := map[string]string{"SLACK_API_URL": slackSrv.URL(), "SLACK_BOT_TOKEN": slackSrv.Token(), "SLACK_CHANNEL": "#finance"}
	var stderr strings.Builder
	c := &cli{getenv: func(k string) string { return env[k] }, stdout: io.Discard, stderr: &stderr, now: func() time.Time { return fixedNow }}
	f := newSyncFlags()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	f.registerServe(fs, c.getenv)
	if err := fs.Parse([]string{"--workbook", fixtureWorkbook(t)}); err != nil {
		t.Fatal(err)
	}
	bots, err := c.bots(&f, "", "off")
	if err != nil {
		t.Fatal(err)
	}
	dir := notify.NewDirectory(notify.DirectoryConfig{Token: slackSrv.Token(), APIURL: slackSrv.URL()})
	if err := bindReports(t.Context(), bots, dir, c.logger()); err != nil {
		t.Fatal(err)
	}
	slackSrv.RenameChannel(finID, "finance-old")
	slackSrv.AddChannel(slacktest.Channel{ID: "C0EVIL", Name: "finance", Members: []string{bob}})

	if err := bots[0].postDigest(t.Context(), calc.MonthOf(2026, time.February)); err != nil {
		t.Fatalf("postDigest: %v\n%s", err, stderr.String())
	}
	var channels []string
	for _, m := range slackSrv.Messages() {
		channels = append(channels, m.Channel)
	}
	if diff := cmp.Diff([]string{finID}, channels); diff != "" {
		t.Errorf("the digest went to (-want +got):\n%s", diff)
	}
	if !strings.Contains(stderr.String(), `channel=#finance`) {
		t.Errorf("the log does not name the channel as configured:\n%s", stderr.String())
	}
}
