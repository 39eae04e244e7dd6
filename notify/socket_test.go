package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/mrrbot/mrrbot/notify"
	"github.com/mrrbot/mrrbot/notify/slacktest"
)

// runSocketMode starts RunSocketMode against srv and returns a function
// that stops it and returns its error.
func runSocketMode(t *testing.T, cfg notify.SocketConfig, handle func(context.Context, notify.Command) notify.Message) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { errc <- notify.RunSocketMode(ctx, cfg, handle) }()
	var stopped bool
	var err error
	stop = func() error {
		if stopped {
			return err
		}
		stopped = true
		cancel()
		select {
		case err = <-errc:
		case <-time.After(10 * time.Second):
			t.Fatal("RunSocketMode did not return after its context was cancelled")
		}
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

func TestSocketMode(t *testing.T) {
	srv := slacktest.New(t)
	logger, _ := testLogger(t)
	cfg := notify.SocketConfig{AppToken: srv.AppToken(), BotToken: srv.Token(), APIURL: srv.URL(), Logger: logger}
	stop := runSocketMode(t, cfg, func(_ context.Context, cmd notify.Command) notify.Message {
		return notify.Message{Text: "MRR for " + cmd.Text + ", asked by " + cmd.UserID}
	})

	ask := func(name, text string) {
		t.Helper()
		ack, err := srv.SendSlashCommand(slack.SlashCommand{
			Command: "/mrr", Text: text, UserID: "U0ASKER", ChannelID: slacktest.DefaultChannelID,
			ResponseURL: srv.ResponseURL(name),
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(ack.Payload) != 0 {
			t.Errorf("ack payload = %s, want none", ack.Payload)
		}
		replies := srv.WaitReplies(name, 1, 5*time.Second)
		if len(replies) != 1 {
			t.Fatalf("%s: replies = %d, want 1", name, len(replies))
		}
		want := "MRR for " + text + ", asked by U0ASKER"
		if r := replies[0]; r.Text != want || r.ResponseType != "ephemeral" || r.ReplaceOriginal == nil || *r.ReplaceOriginal {
			t.Errorf("%s: reply %s, want text %q, ephemeral", name, r.Raw, want)
		}
	}

	ask("first", "2026-10")
	if n := srv.DropSocket(); n != 1 {
		t.Fatalf("dropped %d connections, want 1", n)
	}
	ask("second", "2026-09")

	if n := srv.Connections(); n != 2 {
		t.Errorf("connections = %d, want 2 (one reconnection)", n)
	}
	if n := srv.Calls("apps.connections.open"); n != 2 {
		t.Errorf("apps.connections.open calls = %d, want 2: a new URL per connection", n)
	}
	if n := len(srv.Acks()); n != 2 {
		t.Errorf("acks = %d, want 2", n)
	}
	if err := stop(); err != nil {
		t.Errorf("RunSocketMode = %v, want nil after cancel", err)
	}
}

func TestSocketModeInChannelAndPanics(t *testing.T) {
	srv := slacktest.New(t)
	logger, logs := testLogger(t)
	cfg := notify.SocketConfig{AppToken: srv.AppToken(), APIURL: srv.URL(), Logger: logger, InChannel: true}
	runSocketMode(t, cfg, func(_ context.Context, cmd notify.Command) notify.Message {
		if cmd.Text == "boom" {
			panic("boom")
		}
		return notify.Message{Text: "ok"}
	})

	for _, text := range []string{"boom", "fine"} {
		if _, err := srv.SendSlashCommand(slack.SlashCommand{Command: "/mrr", Text: text, ResponseURL: srv.ResponseURL(text)}); err != nil {
			t.Fatal(err)
		}
		replies := srv.WaitReplies(text, 1, 5*time.Second)
		if len(replies) != 1 || replies[0].ResponseType != "in_channel" {
			t.Fatalf("%s: replies %+v", text, replies)
		}
	}
	if got := srv.Replies("boom")[0].Text; !strings.Contains(got, "Sorry") {
		t.Errorf("answer after a panic = %q", got)
	}
	if !strings.Contains(logs.String(), "panicked") {
		t.Errorf("the panic is not logged:\n%s", logs)
	}
}

func TestSocketModeBadAppToken(t *testing.T) {
	srv := slacktest.New(t)
	for _, tc := range []struct{ name, token, says string }{
		{"refused", "xapp-1-A0-refused-token", "SLACK_APP_TOKEN"},
		{"bot token instead", srv.Token(), "not an app-level token"},
		{"missing", "", "SLACK_APP_TOKEN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			err := notify.RunSocketMode(ctx, notify.SocketConfig{AppToken: tc.token, APIURL: srv.URL()},
				func(context.Context, notify.Command) notify.Message { return notify.Message{} })
			if err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("err = %v, want it to say %q", err, tc.says)
			}
			if tc.token != "" && strings.Contains(err.Error(), tc.token) {
				t.Errorf("error shows the token: %v", err)
			}
			if ctx.Err() != nil {
				t.Error("returned only at the timeout")
			}
		})
	}
}

// TestSocketModeMissingScope stops on a Slack error that slack-go itself
// would retry forever.
func TestSocketModeMissingScope(t *testing.T) {
	srv := slacktest.New(t)
	srv.Fail("apps.connections.open", "missing_scope")
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	err := notify.RunSocketMode(ctx, notify.SocketConfig{AppToken: srv.AppToken(), APIURL: srv.URL()},
		func(context.Context, notify.Command) notify.Message { return notify.Message{} })
	if err == nil || !strings.Contains(err.Error(), "missing_scope") || !strings.Contains(err.Error(), "connections:write") {
		t.Fatalf("err = %v", err)
	}
}
