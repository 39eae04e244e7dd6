package notify_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/mrrbot/mrrbot/notify"
	"github.com/mrrbot/mrrbot/notify/slacktest"
)

func TestCheckResponseURL(t *testing.T) {
	const api = "http://127.0.0.1:8931/api/"
	for _, tc := range []struct {
		url, apiURL string
		ok          bool
	}{
		{"https://hooks.slack.com/commands/T0/1/abc", "", true},
		{"https://HOOKS.slack.com:443/commands/T0/1/abc", "", true},
		{"https://hooks.slack.com/commands/T0/1/abc", api, true},
		{"http://127.0.0.1:8931/commands/x", api, true},
		{"http://127.0.0.1:8931/commands/x", "", false},
		{"http://hooks.slack.com/commands/T0/1/abc", "", false},       // not https
		{"https://hooks.slack.com:8443/commands/T0/1/abc", "", false}, // another port
		{"https://hooks.slack.com.evil.example/commands", "", false},
		{"https://hooks.slack.com@evil.example/commands", "", false},
		{"https://evil.example/?u=https://hooks.slack.com/", "", false},
		{"https://user@hooks.slack.com/commands/T0/1/abc", "", false},
		{"http://127.0.0.1:8932/commands/x", api, false},  // the API host, another port
		{"https://127.0.0.1:8931/commands/x", api, false}, // the API host, another scheme
		{"http://169.254.169.254/latest/meta-data/", api, false},
		{"http://localhost:8931/commands/x", api, false},
		{"/commands/x", api, false},
		{"", api, false},
		{"hooks.slack.com/commands/T0/1/abc", "", false},
	} {
		err := notify.CheckResponseURL(tc.url, tc.apiURL)
		if (err == nil) != tc.ok {
			t.Errorf("CheckResponseURL(%q, %q) = %v, want ok %v", tc.url, tc.apiURL, err, tc.ok)
		}
		if err != nil && !errors.Is(err, notify.ErrForeignResponseURL) {
			t.Errorf("CheckResponseURL(%q): %v is not ErrForeignResponseURL", tc.url, err)
		}
	}
}

// recorder is an HTTP server on loopback that counts every request it
// receives: the address a forged response_url points at.
func recorder(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1) }))
	t.Cleanup(srv.Close)
	return srv, &n
}

// TestSocketModeForeignResponseURL: a command whose response_url is not
// Slack's reaches neither the handler nor that URL.
func TestSocketModeForeignResponseURL(t *testing.T) {
	srv := slacktest.New(t)
	other, hits := recorder(t)
	refused := make(chan error, 1)
	var handled atomic.Int64
	cfg := notify.SocketConfig{
		AppToken: srv.AppToken(), APIURL: srv.URL(),
		Refused: func(_ context.Context, cmd notify.Command, err error) { refused <- err },
	}
	runSocketMode(t, cfg, func(context.Context, notify.Command) notify.Message {
		handled.Add(1)
		return notify.Message{Text: "MRR is $1,000.00"}
	})
	if _, err := srv.SendSlashCommand(slack.SlashCommand{Command: "/mrr", UserID: "U0EVE", ResponseURL: other.URL + "/commands/T0/1/x"}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-refused:
		if !errors.Is(err, notify.ErrForeignResponseURL) || !strings.Contains(err.Error(), strings.TrimPrefix(other.URL, "http://")) {
			t.Errorf("refused with %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the command was not refused")
	}
	// A command that follows is answered, so the refused one had its chance.
	if _, err := srv.SendSlashCommand(slack.SlashCommand{Command: "/mrr", UserID: "U0ALICE", ResponseURL: srv.ResponseURL("good")}); err != nil {
		t.Fatal(err)
	}
	if r := srv.WaitReplies("good", 1, 5*time.Second); len(r) != 1 {
		t.Fatalf("the next command got %d replies", len(r))
	}
	if n := handled.Load(); n != 1 {
		t.Errorf("handler ran %d times, want 1 (the good command)", n)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the foreign response_url received %d requests", n)
	}
}
