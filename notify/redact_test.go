package notify_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mrrbot/mrrbot/notify"
	"github.com/mrrbot/mrrbot/notify/slacktest"
)

// marker is in every fake secret of TestSecretsNeverLeak, and nowhere
// else.
const marker = "SEKRIT"

// chain lists err and everything it wraps.
func chain(err error) []error {
	if err == nil {
		return nil
	}
	out := []error{err}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		out = append(out, chain(u.Unwrap())...)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			out = append(out, chain(e)...)
		}
	}
	return out
}

// TestSecretsNeverLeak drives every failure path with fake secrets and
// checks that none shows in an error, in anything an error wraps, or in
// a log line.
func TestSecretsNeverLeak(t *testing.T) {
	const (
		token      = "xoxb-1111-" + marker + "-bot-token"
		appToken   = "xapp-1-A0-" + marker + "-app-token"
		signSecret = marker + "-signing-secret"
	)
	srv := slacktest.New(t, slacktest.WithToken(token), slacktest.WithAppToken(appToken))
	down := slacktest.New(t, slacktest.WithToken(token))
	down.Close() // every request to it fails in transport
	hookPath := "/services/T0/B0/" + marker + "-webhook"
	logger, logs := testLogger(t)
	noWait := func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	ctx := t.Context()
	// short bounds the real backoff of the webhook and response URL paths.
	short := func() context.Context {
		c, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		t.Cleanup(cancel)
		return c
	}
	slackWith := func(apiURL, tok, channel string) *notify.Slack {
		return notify.NewSlack(notify.SlackConfig{Token: tok, Channel: channel, APIURL: apiURL, Logger: logger, Sleep: noWait})
	}
	chartMsg := digest()
	chartMsg.Chart, chartMsg.ChartName = []byte("png"), "mrr.png"

	var errs []error
	record := func(err error) {
		if err == nil {
			t.Errorf("failure path %d did not fail", len(errs)+1)
		}
		errs = append(errs, err)
	}
	post := func(p notify.Poster, ctx context.Context, msg notify.Message) error {
		_, err := p.Post(ctx, msg)
		return err
	}

	// Bot token: refused, unknown channel, Slack down, unreachable.
	record(post(slackWith(srv.URL(), token+"-wrong", slacktest.DefaultChannelID), ctx, digest()))
	record(post(slackWith(srv.URL(), token, "#nowhere"), ctx, digest()))
	srv.FailNextStatus(4, http.StatusBadGateway)
	record(post(slackWith(srv.URL(), token, slacktest.DefaultChannelID), ctx, digest()))
	record(post(slackWith(down.URL(), token, slacktest.DefaultChannelID), ctx, digest()))
	_, _, err := slackWith(srv.URL(), token+"-wrong", "").AuthTest(ctx)
	record(err)
	_, _, err = slackWith(down.URL(), token, "").AuthTest(ctx)
	record(err)
	// A chart refused: logged, not returned.
	srv.MissingFilesScope(true)
	if p, err := slackWith(srv.URL(), token, slacktest.DefaultChannelID).Post(ctx, chartMsg); err != nil || p.ChartUploaded {
		t.Errorf("post with a refused chart: %+v, %v", p, err)
	}

	// Webhook URLs: unknown, refused, unreachable.
	record(post(notify.NewWebhook(srv.WebhookURL()+"-"+marker, nil, logger), ctx, digest()))
	srv.Fail("webhook", "action_prohibited")
	record(post(notify.NewWebhook(srv.WebhookURL(), nil, logger), ctx, digest()))
	srv.Fail("webhook", "")
	downHook := strings.TrimSuffix(down.URL(), "/api/") + hookPath
	record(post(notify.NewWebhook(downHook, nil, logger), short(), digest()))

	// Response URLs: expired, unreachable.
	srv.Fail("response_url", "expired_url")
	record(notify.Respond(ctx, nil, srv.ResponseURL(marker), digest(), false))
	record(notify.Respond(short(), nil, strings.TrimSuffix(down.URL(), "/api/")+"/commands/T0/1/"+marker, digest(), true))

	// Signing secret: every refusal.
	now := time.Now()
	for _, r := range []*http.Request{
		signedRequest([]byte("command=%2Fmrr"), "forged", now),
		signedRequest([]byte("command=%2Fmrr"), signSecret, now.Add(-time.Hour)),
		signedRequest([]byte("command=%2Fmrr&text=long"), signSecret, now),
	} {
		_, err := notify.VerifyRequest(r, signSecret, func() time.Time { return now }, 16)
		record(err)
	}

	// Socket Mode: a refused app token, a wrong kind of token, Slack
	// unreachable until the context ends.
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	never := func(context.Context, notify.Command) notify.Message { return notify.Message{} }
	record(notify.RunSocketMode(sctx, notify.SocketConfig{AppToken: appToken + "-wrong", BotToken: token, APIURL: srv.URL(), Logger: logger}, never))
	record(notify.RunSocketMode(sctx, notify.SocketConfig{AppToken: token, BotToken: token, APIURL: srv.URL(), Logger: logger}, never))
	dctx, dcancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer dcancel()
	if err := notify.RunSocketMode(dctx, notify.SocketConfig{AppToken: appToken, BotToken: token, APIURL: down.URL(), Logger: logger}, never); err != nil {
		t.Errorf("RunSocketMode with Slack down: %v, want nil when its context ends", err)
	}

	for i, err := range errs {
		for _, e := range chain(err) {
			if strings.Contains(e.Error(), marker) {
				t.Errorf("failure path %d: a secret in %T: %s", i+1, e, e)
			}
		}
	}
	if strings.Contains(logs.String(), marker) {
		t.Errorf("a secret in the log:\n%s", logs)
	}
	// The log did see the failures: the test exercised something.
	for _, want := range []string{"chart not uploaded", "retrying slack call", "socket mode connection failed"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q", want)
		}
	}
}
