package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mrrbot/mrrbot/notify/slacktest"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// without returns the manifest's scopes less drop.
func without(drop ...string) []string {
	return slices.DeleteFunc(slices.Clone(slacktest.Scopes), func(s string) bool { return slices.Contains(drop, s) })
}

// TestDoctorExitStatus runs doctor as main does, to its exit status:
// rows with problems are warnings (!) and leave it 0, since a sync of such
// a sheet succeeds and lists them; a setup failure (the header, the Slack
// token, a scope a configured feature needs) makes it 1.
func TestDoctorExitStatus(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", dir)
	groupsConfig := filepath.Join(dir, "mrrbot.yaml")
	if err := os.WriteFile(groupsConfig, []byte("reports:\n  - name: us\n    spreadsheet: "+sheetID+"\n    channel: C0MRRBOT\n    allow_usergroups: [finance-leads]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := sheetstest.String
	typoRows := func(srv *sheetstest.Server) {
		srv.SetCells(sheetID, "Subscriptions!F4", [][]*sheetsapi.CellData{{s("03/04/2025x")}})
		srv.SetCells(sheetID, "Subscriptions!A6", [][]*sheetsapi.CellData{
			{s("C4"), s("Hooli"), sheetstest.FormattedNumber(80, "CURRENCY", "[$£]#,##0.00"), s("GBP"), s("Monthly"), sheetstest.Date(2025, 4, 1)},
			{s("C5"), s(""), sheetstest.Currency(80), s("USD"), s("Monthly"), s("not a date")},
		})
		srv.SetCells(sheetID, "FX!A3", [][]*sheetsapi.CellData{{s("CHF"), s("about 1.1")}})
	}
	for _, tc := range []struct {
		name   string
		sheet  func(*sheetstest.Server)
		slack  []slacktest.Option
		env    []string
		status int
		mark   string // the mark of the check that says what
		what   string
	}{{
		name: "rows with typos", sheet: typoRows, status: 0,
		mark: "!", what: "2 of 5 rows have problems and are left out of MRR",
	}, {
		name: "rows with typos, their FX rows", sheet: typoRows, status: 0,
		mark: "!", what: `1 row of tab "FX" is left out`,
	}, {
		name: "rows with typos, a currency without a rate", sheet: typoRows, status: 0,
		mark: "!", what: "no FX rate for GBP, used by 1 row (left out of MRR)",
	}, {
		name: "every row left out",
		sheet: func(srv *sheetstest.Server) {
			srv.SetCells(sheetID, "Subscriptions!F3", [][]*sheetsapi.CellData{{s("x")}, {s("y")}, {s("z")}})
		},
		status: 1, mark: "✗", what: "all 3 rows have problems and are left out of MRR",
	}, {
		name: "every row left out, one for its currency",
		sheet: func(srv *sheetstest.Server) {
			srv.SetCells(sheetID, "Subscriptions!C3", [][]*sheetsapi.CellData{{s("100"), s("GBP")}})
			srv.SetCells(sheetID, "Subscriptions!F4", [][]*sheetsapi.CellData{{s("y")}, {s("z")}})
		},
		status: 1, mark: "✗", what: "all 3 rows have problems and are left out of MRR",
	}, {
		name: "missing header",
		sheet: func(srv *sheetstest.Server) {
			srv.SetCells(sheetID, "Subscriptions!A2", [][]*sheetsapi.CellData{{s("Customer ID"), s("Company"), s("Cost")}})
		},
		status: 1, mark: "✗", what: "header row 2 has no amount column",
	}, {
		name: "bad Slack token", env: []string{"SLACK_BOT_TOKEN", "xoxb-1111-not-the-bots-token"},
		status: 1, mark: "✗", what: "Slack refused SLACK_BOT_TOKEN (invalid_auth)",
	}, {
		name: "unknown channel", env: []string{"SLACK_CHANNEL", "#nowhere"},
		status: 1, mark: "✗", what: "Slack has no channel #nowhere",
	}, {
		name: "no history scope", slack: []slacktest.Option{slacktest.WithScopes(without("channels:history")...)},
		status: 1, mark: "✗", what: "the Slack app lacks a scope: channels:history for the digest's look before posting again",
	}, {
		name: "no chat:write nor files:write", slack: []slacktest.Option{slacktest.WithScopes(without("chat:write", "files:write")...)},
		status: 1, mark: "✗", what: "the Slack app lacks scopes: chat:write for the digest; files:write for the digest's chart",
	}, {
		name: "a private channel needs groups:history, not channels:history",
		slack: []slacktest.Option{slacktest.WithScopes(without("channels:history")...),
			slacktest.WithChannels(slacktest.Channel{ID: "C0SECRET", Name: "secret", Private: true})},
		env:    []string{"SLACK_CHANNEL", "C0SECRET"},
		status: 0, mark: "✓", what: "Slack token has the scopes needed: chat:write, files:write, groups:history, commands, channels:read, users:read, groups:read",
	}, {
		name: "serve without users:read", slack: []slacktest.Option{slacktest.WithScopes(without("users:read")...)},
		status: 1, mark: "✗", what: "users:read for serve's check that who asks is not a guest",
	}, {
		name: "no serve, no need of users:read", slack: []slacktest.Option{slacktest.WithScopes(without("users:read", "commands")...)},
		env:    []string{"SLACK_SIGNING_SECRET", ""},
		status: 1, mark: "✓", what: "Slack token has the scopes needed: chat:write, files:write, channels:history",
	}, {
		name: "allow_usergroups without usergroups:read", slack: []slacktest.Option{slacktest.WithScopes(without("usergroups:read")...)},
		env:    []string{"MRRBOT_CONFIG", groupsConfig},
		status: 1, mark: "✗", what: "usergroups:read for serve's user groups (report us of " + groupsConfig + ")",
	}, {
		name: "scopes not listed", slack: []slacktest.Option{slacktest.WithoutScopesHeader()},
		status: 0, mark: "!", what: "cannot tell which scopes the Slack token has",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			sheetsSrv := sheetstest.New(t)
			goodSheet(t, sheetsSrv)
			if tc.sheet != nil {
				tc.sheet(sheetsSrv)
			}
			slackSrv := slacktest.New(t, tc.slack...)
			env := with(doctorEnv(sheetsSrv, slackSrv), tc.env...)
			out, stderr, status, _ := runCLI(t, env, "doctor")
			t.Logf("doctor:\n%s%s", out, stderr)
			if status != tc.status {
				t.Errorf("exit %d, want %d", status, tc.status)
			}
			checks := doctorChecks(t, out)
			if c := findCheck(t, checks, tc.what); c.Mark != tc.mark {
				t.Errorf("check %+v, want %s %s…", c, tc.mark, tc.what)
			}
			failed := 0
			for _, c := range checks {
				if c.Mark == "✗" {
					failed++
				}
			}
			switch {
			case failed == 0 && stderr != "":
				t.Errorf("no check failed, yet stderr: %q", stderr)
			case failed > 0 && stderr != pick(failed == 1, "mrrbot: doctor: 1 check failed\n", fmt.Sprintf("mrrbot: doctor: %d checks failed\n", failed)):
				t.Errorf("%d checks failed; stderr %q", failed, stderr)
			}
		})
	}
}

// TestDoctorScopesInManifest checks that the scopes doctor may ask for,
// and those the Slack stand-in grants by default, are the app manifest's.
func TestDoctorScopesInManifest(t *testing.T) {
	bot := manifestScopes(t)
	if !slices.Equal(slices.Sorted(slices.Values(bot)), slices.Sorted(slices.Values(slacktest.Scopes))) {
		t.Errorf("the manifest's bot scopes %v are not the stand-in's %v", bot, slacktest.Scopes)
	}
	dir := t.TempDir()
	config := filepath.Join(dir, "mrrbot.yaml")
	if err := os.WriteFile(config, []byte("reports:\n  - name: us\n    workbook: x.xlsx\n    allow_usergroups: [finance]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"SLACK_SIGNING_SECRET": "x", "MRRBOT_CONFIG": config}
	c := &cli{getenv: func(k string) string { return env[k] }}
	for _, private := range []*bool{nil, new(bool), func() *bool { b := true; return &b }()} {
		need, err := c.neededScopes(private)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range need {
			if !slices.Contains(bot, n.scope) {
				t.Errorf("doctor asks for %s, which the manifest does not list", n.scope)
			}
		}
	}
}
