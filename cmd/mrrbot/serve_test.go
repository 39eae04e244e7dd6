package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mrrbot/mrrbot/notify/slacktest"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	"github.com/slack-go/slack"
)

const signingSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// fixedNow is the clock of these tests: the fixture's as-of date.
var fixedNow = time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)

// serving starts `mrrbot serve` against the stand-ins and returns its
// address, once it listens and has computed its first figures, and a
// function that stops it (as SIGTERM does) and returns serve's error.
func serving(t *testing.T, env map[string]string, args ...string) (addr string, stop func() error) {
	t.Helper()
	addr, stop, _ = startServe(t, env, true, args...)
	return addr, stop
}

// startServe is serving, and returns serve's log too; with warm false it
// returns as soon as serve listens, whether or not its figures are
// computed.
func startServe(t *testing.T, env map[string]string, warm bool, args ...string) (addr string, stop func() error, logs *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrs := make(chan string, 1)
	warmed := make(chan struct{})
	stderr := &syncBuffer{}
	c := &cli{
		getenv:    func(k string) string { return env[k] },
		stdout:    io.Discard,
		stderr:    stderr,
		now:       func() time.Time { return fixedNow },
		listening: func(a string) { addrs <- a },
		warmed:    func() { close(warmed) },
	}
	if !warm {
		close(warmed)
		c.warmed = nil
	}
	done := make(chan error, 1)
	go func() { done <- c.run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)) }()
	for addr == "" || warmed != nil {
		select {
		case addr = <-addrs:
		case <-warmed:
			warmed = nil
		case err := <-done:
			t.Fatalf("serve ended at once: %v\n%s", err, stderr.String())
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not start listening and compute its figures")
		}
	}
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(15 * time.Second):
			t.Fatal("serve did not stop after its context was cancelled")
			return nil
		}
	}
	t.Cleanup(func() {
		stop()
		t.Log(stderr.String())
	})
	return addr, stop, stderr
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// slashRequest is a signed /mrr request as Slack sends it.
func slashRequest(t *testing.T, addr, text, responseURL string, at time.Time, secret string) *http.Request {
	t.Helper()
	return signedRequest(t, addr, url.Values{
		"command": {"/mrr"}, "text": {text}, "channel_id": {slacktest.DefaultChannelID},
		"user_id": {slacktest.DefaultUserID}, "team_id": {"T1"}, "response_url": {responseURL},
	}, at, secret)
}

// signedRequest posts form to /slack/commands, signed at the time at.
func signedRequest(t *testing.T, addr string, form url.Values, at time.Time, secret string) *http.Request {
	t.Helper()
	body := []byte(form.Encode())
	ts, sig := slacktest.Sign(secret, at, body)
	req, err := http.NewRequest("POST", "http://"+addr+"/slack/commands", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sig)
	return req
}

func serveEnv(sheetsSrv *sheetstest.Server, slackSrv *slacktest.Server) map[string]string {
	return map[string]string{
		"MRRBOT_SHEETS_ENDPOINT": sheetsSrv.URL(),
		"MRRBOT_SPREADSHEET":     sheetID,
		"MRRBOT_SCHEDULE":        "off",
		"SLACK_SIGNING_SECRET":   signingSecret,
		"SLACK_API_URL":          slackSrv.URL(),
		"SLACK_BOT_TOKEN":        slackSrv.Token(),
		"SLACK_CHANNEL":          slacktest.DefaultChannelID,
	}
}

func TestServeSlashCommand(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	fixtureSheet(t, sheetsSrv)
	slackSrv := slacktest.New(t)
	addr, stop := serving(t, serveEnv(sheetsSrv, slackSrv))

	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()

	for _, tt := range []struct {
		text string
		want []string
	}{
		{"2026-02", []string{"February 2026", "$3,124.80"}},
		{"", []string{"March 2026", "$2,908.13"}},
		{"help", []string{"/mrr 2026-10"}},
		{"sync", []string{"Synced", "MRR Summary (12 rows)", "$2,908.13"}},
		{"what", []string{"did not understand"}},
	} {
		t.Run("text="+tt.text, func(t *testing.T) {
			name := "r-" + tt.text
			resp, err := http.DefaultClient.Do(slashRequest(t, addr, tt.text, slackSrv.ResponseURL(name), fixedNow, signingSecret))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			replies := slackSrv.WaitReplies(name, 1, 10*time.Second)
			if len(replies) != 1 {
				t.Fatalf("%d replies on the response URL", len(replies))
			}
			all := replies[0].Text + string(replies[0].Blocks)
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("reply lacks %q:\n%s", w, all)
				}
			}
		})
	}
	if n := len(slackSrv.Messages()); n != 0 {
		t.Errorf("slash commands posted %d channel messages", n)
	}

	// The ack does not wait for the computation: with the sheet held at a
	// gate, the 200 arrives while the answer cannot have been computed.
	// (/mrr sync always reads the sheet; the others may answer from the
	// computation they share.)
	release := sheetsSrv.Hold()
	resp, err = http.DefaultClient.Do(slashRequest(t, addr, "sync", slackSrv.ResponseURL("slow"), fixedNow, signingSecret))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || len(slackSrv.Replies("slow")) != 0 {
		t.Errorf("ack: status %d with %d replies already sent; the ack must come first", resp.StatusCode, len(slackSrv.Replies("slow")))
	}
	release()
	if r := slackSrv.WaitReplies("slow", 1, 20*time.Second); len(r) != 1 {
		t.Errorf("no answer after the sheet read was let through")
	}
	if findSheet(sheetsSrv.Spreadsheet(sheetID), "MRR Summary") == nil {
		t.Error("/mrr sync wrote no summary tab")
	}
	if err := stop(); err != nil {
		t.Errorf("serve after SIGTERM: %v", err)
	}
}

func TestServeRefusesBadRequests(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	fixtureSheet(t, sheetsSrv)
	slackSrv := slacktest.New(t)
	addr, stop := serving(t, serveEnv(sheetsSrv, slackSrv))
	sheetsSrv.ResetCalls()

	forged := slashRequest(t, addr, "", slackSrv.ResponseURL("forged"), fixedNow, "not-the-secret")
	stale := slashRequest(t, addr, "", slackSrv.ResponseURL("stale"), fixedNow.Add(-6*time.Minute), signingSecret)
	big := slashRequest(t, addr, strings.Repeat("x", 70<<10), slackSrv.ResponseURL("big"), fixedNow, signingSecret)
	for _, tt := range []struct {
		name string
		req  *http.Request
		want int
	}{
		{"forged signature", forged, http.StatusUnauthorized},
		{"stale timestamp", stale, http.StatusUnauthorized},
		{"oversized body", big, http.StatusRequestEntityTooLarge},
	} {
		resp, err := http.DefaultClient.Do(tt.req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.want)
		}
	}
	// Serve stops once every command it took is answered: nothing of
	// these can still be on its way.
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if calls := sheetsSrv.Calls().Total; calls != 0 {
		t.Errorf("refused requests read the sheet %d times", calls)
	}
	for _, name := range []string{"forged", "stale", "big"} {
		if r := slackSrv.Replies(name); len(r) != 0 {
			t.Errorf("%s: answered %d times", name, len(r))
		}
	}
}

// TestServeLoad sends a bounded burst of 200 concurrent signed commands to
// the loopback server: all are acked, and answered from the figures
// computed at start, without one read of the sheet. (--cache 1h keeps the
// background check out of the burst.)
func TestServeLoad(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	fixtureSheet(t, sheetsSrv)
	slackSrv := slacktest.New(t)
	addr, _ := serving(t, serveEnv(sheetsSrv, slackSrv), "--cache", "1h")
	sheetsSrv.ResetCalls()

	const n = 200
	lat := make([]time.Duration, n)
	codes := make([]int, n)
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxConnsPerHost: n, MaxIdleConnsPerHost: n}}
	for i := range n {
		// Each command is its own, as Slack's are (a trigger_id each): a
		// copy of one would be a replay, answered once.
		req := signedRequest(t, addr, url.Values{
			"command": {"/mrr"}, "text": {"2026-02"}, "channel_id": {slacktest.DefaultChannelID},
			"user_id": {slacktest.DefaultUserID}, "team_id": {"T1"}, "response_url": {slackSrv.ResponseURL("load")},
			"trigger_id": {fmt.Sprintf("13345224609.738474920.%d", i)},
		}, fixedNow, signingSecret)
		wg.Go(func() {
			start := time.Now()
			resp, err := client.Do(req)
			lat[i] = time.Since(start)
			if err != nil {
				return
			}
			codes[i] = resp.StatusCode
			resp.Body.Close()
		})
	}
	wg.Wait()
	for i, c := range codes {
		if c != 200 {
			t.Fatalf("request %d: status %d", i, c)
		}
	}
	slices.Sort(lat)
	p50, p99 := lat[n/2], lat[n*99/100]
	// Reported, not asserted: a test must not fail on a busy machine's
	// timing. The ack never waits for the computation (TestServeSlashCommand).
	t.Logf("ack latency over %d concurrent commands: p50 %v, p99 %v, max %v", n, p50, p99, lat[n-1])
	replies := slackSrv.WaitReplies("load", n, 30*time.Second)
	if len(replies) != n {
		t.Fatalf("%d replies, want %d", len(replies), n)
	}
	for _, r := range replies {
		if !strings.Contains(r.Text, "$3,124.80") {
			t.Fatalf("reply %q lacks February's $3,124.80", r.Text)
		}
	}
	if got := sheetsSrv.Calls().Total; got != 0 {
		t.Errorf("the burst made %d Sheets API calls, want 0: the figures were computed at start", got)
	}
}

func TestServeSocketMode(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	fixtureSheet(t, sheetsSrv)
	slackSrv := slacktest.New(t)
	env := serveEnv(sheetsSrv, slackSrv)
	env["SLACK_APP_TOKEN"] = slackSrv.AppToken()
	delete(env, "SLACK_SIGNING_SECRET")
	serving(t, env)

	deadline := time.Now().Add(10 * time.Second)
	for slackSrv.Connections() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	ack, err := slackSrv.SendSlashCommand(slack.SlashCommand{
		Command: "/mrr", Text: "2026-02", ChannelID: slacktest.DefaultChannelID, UserID: slacktest.DefaultUserID,
		ResponseURL: slackSrv.ResponseURL("socket"),
	})
	if err != nil {
		t.Fatalf("slash command over Socket Mode: %v", err)
	}
	if ack.EnvelopeID == "" {
		t.Error("no ack")
	}
	replies := slackSrv.WaitReplies("socket", 1, 10*time.Second)
	if len(replies) != 1 || !strings.Contains(replies[0].Text+string(replies[0].Blocks), "$3,124.80") {
		t.Fatalf("socket mode reply: %+v", replies)
	}
}

// TestDigestPostsOnce posts the February digest twice from a workbook and
// twice from a Google spreadsheet: one message each, until --force.
func TestDigestPostsOnce(t *testing.T) {
	slackSrv := slacktest.New(t)
	sheetsSrv := sheetstest.New(t)
	fixtureSheet(t, sheetsSrv)
	book := fixtureWorkbook(t)
	env := map[string]string{
		"MRRBOT_SHEETS_ENDPOINT": sheetsSrv.URL(),
		"SLACK_API_URL":          slackSrv.URL(),
		"SLACK_BOT_TOKEN":        slackSrv.Token(),
		"SLACK_CHANNEL":          slacktest.DefaultChannelID,
	}
	for _, source := range [][]string{{"--workbook", book}, {"--spreadsheet", sheetID}} {
		args := append([]string{"digest", "--month", "2026-02", "--post"}, source...)
		before, beforeFiles := len(slackSrv.Messages()), len(slackSrv.Files())
		for range 2 {
			if out, stderr, err := mrrbotAt(t, fixedNow, env, args...); err != nil {
				t.Fatalf("%v: %v\n%s%s", source, err, out, stderr)
			}
		}
		msgs := slackSrv.Messages()
		if got := len(msgs) - before; got != 1 {
			t.Fatalf("%v: two runs posted %d messages, want 1", source, got)
		}
		if !strings.Contains(msgs[len(msgs)-1].Text, "$3,124.80") {
			t.Errorf("posted text %q", msgs[len(msgs)-1].Text)
		}
		if got := len(slackSrv.Files()) - beforeFiles; got != 1 {
			t.Errorf("%v: %d charts uploaded, want 1", source, got)
		}
		if _, stderr, err := mrrbotAt(t, fixedNow, env, append(args, "--force")...); err != nil {
			t.Fatalf("--force: %v\n%s", err, stderr)
		}
		if got := len(slackSrv.Messages()) - before; got != 2 {
			t.Errorf("%v: after --force %d messages, want 2", source, got)
		}
	}
	// Without --post nothing is posted: the preview is printed.
	before := len(slackSrv.Messages())
	out, _, err := mrrbotAt(t, fixedNow, env, "digest", "--month", "2026-02", "--workbook", book)
	if err != nil || !strings.Contains(out, "MRR for February 2026: $3,124.80") {
		t.Errorf("preview: %v\n%s", err, out)
	}
	if len(slackSrv.Messages()) != before {
		t.Error("a preview posted")
	}
}

// TestDigestRateLimited meets a 429 with Retry-After and posts once. It
// waits out the real Retry-After, so it runs beside the other tests that
// wait on real retries.
func TestDigestRateLimited(t *testing.T) {
	t.Parallel()
	slackSrv := slacktest.New(t)
	slackSrv.RateLimitNext(1, time.Second)
	env := map[string]string{"SLACK_API_URL": slackSrv.URL(), "SLACK_BOT_TOKEN": slackSrv.Token(), "SLACK_CHANNEL": slacktest.DefaultChannelID}
	book := fixtureWorkbook(t)
	if _, stderr, err := mrrbotAt(t, fixedNow, env, "digest", "--month", "2026-02", "--post", "--workbook", book); err != nil {
		t.Fatalf("digest after a 429: %v\n%s", err, stderr)
	}
	if got := len(slackSrv.Messages()); got != 1 {
		t.Errorf("%d messages, want 1", got)
	}
}

// TestSecretsStayOut runs the commands that hold secrets into failures and
// checks that no token, signing secret or webhook URL reaches the output,
// the logs or the error. Its failing posts wait out real retry backoffs,
// so it runs beside the other tests that wait on real retries.
func TestSecretsStayOut(t *testing.T) {
	t.Parallel()
	slackSrv := slacktest.New(t)
	book := fixtureWorkbook(t)
	const token = "xoxb-123456789-SECRET-TOKEN"
	hook := slackSrv.WebhookURL() + "/T000/B000/SECRETWEBHOOKPATH"
	for _, env := range []map[string]string{
		{"SLACK_API_URL": slackSrv.URL(), "SLACK_BOT_TOKEN": token, "SLACK_CHANNEL": slacktest.DefaultChannelID},
		{"SLACK_API_URL": slackSrv.URL(), "SLACK_BOT_TOKEN": slackSrv.Token(), "SLACK_CHANNEL": "C-UNKNOWN"},
		{"SLACK_WEBHOOK_URL": hook},
		{"SLACK_WEBHOOK_URL": "http://127.0.0.1:1/services/T000/B000/SECRETWEBHOOKPATH"},
	} {
		out, stderr, err := mrrbotAt(t, fixedNow, env, "digest", "--month", "2026-02", "--post", "--force", "--workbook", book)
		all := out + stderr + fmt.Sprint(err)
		for _, secret := range []string{token, "SECRETWEBHOOKPATH", slackSrv.Token()} {
			if strings.Contains(all, secret) {
				t.Errorf("a secret leaked:\n%s", all)
			}
		}
	}
}

// TestSharedComputationDeadline holds the sheet read of a refresh and of
// a sync that commands share: each ends at its own deadline, though no
// command gives up on it.
func TestSharedComputationDeadline(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	fixtureSheet(t, sheetsSrv)
	env := googleEnv(sheetsSrv)
	c := &cli{getenv: func(k string) string { return env[k] }, stdout: io.Discard, stderr: io.Discard, now: func() time.Time { return fixedNow }}
	f := syncFlags{spreadsheet: sheetID, currency: "USD", tab: "Subscriptions"}
	bots, err := c.bots(&f, "", "off")
	if err != nil {
		t.Fatal(err)
	}
	if bots[0].sharedFor != sharedTimeout {
		t.Errorf("sharedFor = %v, want %v", bots[0].sharedFor, sharedTimeout)
	}
	bots[0].sharedFor = 50 * time.Millisecond
	release := sheetsSrv.Hold()
	defer release()
	bots[0].refresh(context.Background())
	if _, _, err := bots[0].current(context.Background()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("figures with the sheet held: err = %v, want the shared deadline", err)
	}
	if _, err := bots[0].sync(context.Background()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("sync with the sheet held: err = %v, want the shared deadline", err)
	}
}
