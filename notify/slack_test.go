package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/mrrbot/mrrbot/notify"
	"github.com/mrrbot/mrrbot/notify/slacktest"
)

// logSink collects log lines for assertions and passes them to t.Log.
type logSink struct {
	t   testing.TB
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func (l *logSink) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// testLogger logs through t.Log and keeps the lines.
func testLogger(t testing.TB) (*slog.Logger, *logSink) {
	sink := &logSink{t: t}
	return slog.New(slog.NewTextHandler(sink, &slog.HandlerOptions{Level: slog.LevelDebug})), sink
}

// sleeps records the waits between attempts instead of waiting.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return ctx.Err()
}

func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// newSlack is a Slack poster for srv's default channel that records its
// waits instead of waiting.
func newSlack(t *testing.T, srv *slacktest.Server, cfg notify.SlackConfig) (*notify.Slack, *sleeps, *logSink) {
	t.Helper()
	logger, sink := testLogger(t)
	sl := &sleeps{}
	if cfg.Token == "" {
		cfg.Token = srv.Token()
	}
	if cfg.Channel == "" {
		cfg.Channel = slacktest.DefaultChannelID
	}
	if cfg.APIURL == "" {
		cfg.APIURL = srv.URL()
	}
	cfg.Logger = logger
	if cfg.Sleep == nil {
		cfg.Sleep = sl.sleep
	}
	return notify.NewSlack(cfg), sl, sink
}

// digest is a message like the monthly digest.
func digest() notify.Message {
	return notify.Message{
		Text: "MRR $12,480.50 (+$1,230.00, +10.9%) for October 2026",
		Blocks: []slack.Block{
			slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "MRR — October 2026", false, false)),
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*$12,480.50* ending MRR, *+$1,230.00* net new", false, false), nil, nil),
		},
	}
}

// jsonValue decodes JSON for comparison.
func jsonValue(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("bad JSON %s: %v", b, err)
	}
	return v
}

func TestSlackPost(t *testing.T) {
	for _, channel := range []string{slacktest.DefaultChannelID, "#" + slacktest.DefaultChannelName} {
		t.Run(channel, func(t *testing.T) {
			srv := slacktest.New(t)
			s, _, _ := newSlack(t, srv, notify.SlackConfig{Channel: channel})
			msg := digest()

			p, err := s.Post(t.Context(), msg)
			if err != nil {
				t.Fatal(err)
			}

			msgs := srv.Messages()
			if len(msgs) != 1 {
				t.Fatalf("messages = %d, want 1", len(msgs))
			}
			got := msgs[0]
			want := notify.Posted{Channel: slacktest.DefaultChannelID, Timestamp: got.TS}
			if diff := cmp.Diff(want, p); diff != "" {
				t.Errorf("Posted (-want +got):\n%s", diff)
			}
			if got.Channel != slacktest.DefaultChannelID || got.Text != msg.Text || got.ThreadTS != "" {
				t.Errorf("recorded %+v", got)
			}
			if got.UnfurlLinks != "false" || got.UnfurlMedia != "false" {
				t.Errorf("unfurl_links=%q unfurl_media=%q, want both false", got.UnfurlLinks, got.UnfurlMedia)
			}
			wantBlocks, _ := json.Marshal(msg.Blocks)
			if diff := cmp.Diff(jsonValue(t, wantBlocks), jsonValue(t, got.Blocks)); diff != "" {
				t.Errorf("blocks (-want +got):\n%s", diff)
			}
			if n := len(srv.Files()); n != 0 {
				t.Errorf("files = %d without a chart", n)
			}
		})
	}
}

func TestSlackPostChart(t *testing.T) {
	srv := slacktest.New(t)
	s, _, _ := newSlack(t, srv, notify.SlackConfig{Channel: "#" + slacktest.DefaultChannelName})
	msg := digest()
	msg.Chart = []byte("\x89PNG\r\n\x1a\n fake chart bytes")
	msg.ChartName, msg.ChartAlt = "mrr-2026-10.png", "MRR movements over the last 12 months"

	p, err := s.Post(t.Context(), msg)
	if err != nil {
		t.Fatal(err)
	}
	if !p.ChartUploaded {
		t.Error("ChartUploaded = false")
	}
	files := srv.Files()
	if len(files) != 1 {
		t.Fatalf("files = %d, want 1", len(files))
	}
	f := files[0]
	f.ID = ""
	want := slacktest.File{
		Name: "mrr-2026-10.png", Title: msg.ChartAlt, AltText: msg.ChartAlt,
		Channel: slacktest.DefaultChannelID, ThreadTS: p.Timestamp, Data: msg.Chart,
	}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("file (-want +got):\n%s", diff)
	}
}

func TestSlackPostChartRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		refuse func(*slacktest.Server)
		log    string
	}{
		{"missing_scope", func(s *slacktest.Server) { s.MissingFilesScope(true) }, "files:write"},
		{"not_allowed_token_type", func(s *slacktest.Server) { s.Fail("files.getUploadURLExternal", "not_allowed_token_type") }, "xoxb-"},
		{"complete fails", func(s *slacktest.Server) { s.Fail("files.completeUploadExternal", "channel_not_found") }, "channel_not_found"},
		{"upload URL fails", func(s *slacktest.Server) { s.Fail("upload", "rollup_error") }, "chart not uploaded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := slacktest.New(t)
			tc.refuse(srv)
			s, _, logs := newSlack(t, srv, notify.SlackConfig{})
			msg := digest()
			msg.Chart, msg.ChartName = []byte("png"), "mrr.png"

			p, err := s.Post(t.Context(), msg)
			if err != nil {
				t.Fatalf("Post failed with the chart refused: %v", err)
			}
			if p.ChartUploaded {
				t.Error("ChartUploaded = true")
			}
			if len(srv.Messages()) != 1 || len(srv.Files()) != 0 {
				t.Errorf("messages = %d, files = %d; want 1, 0", len(srv.Messages()), len(srv.Files()))
			}
			if !strings.Contains(logs.String(), tc.log) {
				t.Errorf("log lacks %q:\n%s", tc.log, logs)
			}
		})
	}
}

func TestSlackRateLimited(t *testing.T) {
	srv := slacktest.New(t)
	s, sl, _ := newSlack(t, srv, notify.SlackConfig{})
	srv.RateLimitNext(1, time.Second)

	if _, err := s.Post(t.Context(), digest()); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{time.Second}, sl.got()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	if n := srv.Calls("chat.postMessage"); n != 2 {
		t.Errorf("chat.postMessage calls = %d, want 2", n)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("messages = %d, want 1", n)
	}
}

// TestSlackRateLimitedClock waits out Retry-After on the real timer, under
// a fake clock.
func TestSlackRateLimitedClock(t *testing.T) {
	srv := slacktest.New(t) // outside the bubble: it listens on a socket
	synctest.Test(t, func(t *testing.T) {
		srv.RateLimitNext(2, 3*time.Second)
		s := notify.NewSlack(notify.SlackConfig{
			Token: srv.Token(), Channel: slacktest.DefaultChannelID, APIURL: srv.URL(), HTTPClient: srv.Client(),
		})
		start := time.Now()
		if _, err := s.Post(t.Context(), digest()); err != nil {
			t.Fatal(err)
		}
		if got := time.Since(start); got != 6*time.Second {
			t.Errorf("took %s, want 6s (two Retry-After: 3)", got)
		}
	})
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("messages = %d, want 1", n)
	}
}

// TestSlackRateLimitDeadline gives up at once when the wait would outlast
// the context.
func TestSlackRateLimitDeadline(t *testing.T) {
	srv := slacktest.New(t)
	synctest.Test(t, func(t *testing.T) {
		srv.RateLimitNext(1, 30*time.Second)
		s := notify.NewSlack(notify.SlackConfig{
			Token: srv.Token(), Channel: slacktest.DefaultChannelID, APIURL: srv.URL(), HTTPClient: srv.Client(),
		})
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		start := time.Now()
		_, err := s.Post(ctx, digest())
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) {
			t.Fatalf("err = %v, want a rate limit", err)
		}
		if got := time.Since(start); got != 0 {
			t.Errorf("waited %s before giving up", got)
		}
	})
}

func TestSlackServerErrors(t *testing.T) {
	t.Run("recovers", func(t *testing.T) {
		srv := slacktest.New(t)
		s, sl, _ := newSlack(t, srv, notify.SlackConfig{})
		srv.FailNextStatus(2, 503)
		if _, err := s.Post(t.Context(), digest()); err != nil {
			t.Fatal(err)
		}
		waits := sl.got()
		if len(waits) != 2 {
			t.Fatalf("waits = %v, want 2", waits)
		}
		// Jittered exponential backoff: half to all of 500ms, then of 1s.
		for i, w := range waits {
			hi := 500 * time.Millisecond << i
			if w < hi/2 || w > hi {
				t.Errorf("wait %d = %s, want in [%s, %s]", i+1, w, hi/2, hi)
			}
		}
		if n := len(srv.Messages()); n != 1 {
			t.Errorf("messages = %d, want 1", n)
		}
	})
	t.Run("gives up", func(t *testing.T) {
		srv := slacktest.New(t)
		s, _, _ := newSlack(t, srv, notify.SlackConfig{MaxAttempts: 3})
		srv.FailNextStatus(10, 500)
		_, err := s.Post(t.Context(), digest())
		if err == nil || !strings.Contains(err.Error(), "gave up after 3 attempts") || !strings.Contains(err.Error(), "try again later") {
			t.Errorf("err = %v", err)
		}
		if n := srv.Calls("chat.postMessage"); n != 3 {
			t.Errorf("calls = %d, want 3", n)
		}
	})
}

func TestSlackErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cfg    notify.SlackConfig
		server []slacktest.Option
		code   string
		says   []string
	}{
		{
			name: "unknown channel", cfg: notify.SlackConfig{Channel: "#nowhere"},
			code: "channel_not_found", says: []string{"/invite @mrrbot", "SLACK_CHANNEL", "#nowhere"},
		},
		{
			name: "bot not invited", cfg: notify.SlackConfig{Channel: "#private"},
			server: []slacktest.Option{slacktest.WithChannels(slacktest.Channel{ID: "G0PRIVATE", Name: "private", NotMember: true})},
			code:   "not_in_channel", says: []string{"/invite @mrrbot"},
		},
		{
			name: "wrong token", cfg: notify.SlackConfig{Token: "xoxb-1-wrong-token"},
			code: "invalid_auth", says: []string{"SLACK_BOT_TOKEN"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := slacktest.New(t, tc.server...)
			s, sl, _ := newSlack(t, srv, tc.cfg)
			_, err := s.Post(t.Context(), digest())
			var se slack.SlackErrorResponse
			if !errors.As(err, &se) || se.Err != tc.code {
				t.Fatalf("err = %v, want Slack error %s", err, tc.code)
			}
			for _, s := range tc.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error does not say %q: %v", s, err)
				}
			}
			for _, tok := range []string{srv.Token(), tc.cfg.Token} {
				if tok != "" && strings.Contains(err.Error(), tok) {
					t.Errorf("error shows the token: %v", err)
				}
			}
			if len(sl.got()) != 0 || srv.Calls("chat.postMessage") != 1 {
				t.Errorf("retried a final error: waits %v, calls %d", sl.got(), srv.Calls("chat.postMessage"))
			}
			if len(srv.Messages()) != 0 {
				t.Error("a message was recorded")
			}
		})
	}
}

func TestSlackAuthTest(t *testing.T) {
	srv := slacktest.New(t)
	s, _, _ := newSlack(t, srv, notify.SlackConfig{})
	team, bot, err := s.AuthTest(t.Context())
	if err != nil || team != slacktest.Team || bot != slacktest.BotName {
		t.Errorf("AuthTest = %q, %q, %v; want %q, %q", team, bot, err, slacktest.Team, slacktest.BotName)
	}

	bad, _, _ := newSlack(t, srv, notify.SlackConfig{Token: "xoxb-1-wrong-token"})
	if _, _, err := bad.AuthTest(t.Context()); err == nil || !strings.Contains(err.Error(), "SLACK_BOT_TOKEN") {
		t.Errorf("AuthTest with a wrong token: err = %v", err)
	}
}

func TestWebhookPost(t *testing.T) {
	srv := slacktest.New(t)
	logger, logs := testLogger(t)
	w := notify.NewWebhook(srv.WebhookURL(), nil, logger)
	msg := digest()
	msg.Chart, msg.ChartName = []byte("png"), "mrr.png"

	p, err := w.Post(t.Context(), msg)
	if err != nil {
		t.Fatal(err)
	}
	if p.ChartUploaded {
		t.Error("ChartUploaded = true for a webhook")
	}
	posts := srv.WebhookPosts()
	if len(posts) != 1 {
		t.Fatalf("webhook posts = %d, want 1", len(posts))
	}
	if posts[0].Text != msg.Text {
		t.Errorf("text = %q, want %q", posts[0].Text, msg.Text)
	}
	wantBlocks, _ := json.Marshal(msg.Blocks)
	if diff := cmp.Diff(jsonValue(t, wantBlocks), jsonValue(t, posts[0].Blocks)); diff != "" {
		t.Errorf("blocks (-want +got):\n%s", diff)
	}
	raw := jsonValue(t, posts[0].Raw).(map[string]any)
	if raw["unfurl_links"] != false || raw["unfurl_media"] != false {
		t.Errorf("unfurl not off: %s", posts[0].Raw)
	}
	if !strings.Contains(logs.String(), "cannot upload") {
		t.Errorf("the left-out chart is not logged:\n%s", logs)
	}
}

func TestWebhookErrors(t *testing.T) {
	for _, tc := range []struct{ code, says string }{
		{"no_service", "SLACK_WEBHOOK_URL"},
		{"action_prohibited", "SLACK_WEBHOOK_URL"},
		{"channel_is_archived", "archived"},
		{"invalid_payload", "malformed"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			srv := slacktest.New(t)
			srv.Fail("webhook", tc.code)
			_, err := notify.NewWebhook(srv.WebhookURL(), nil, nil).Post(t.Context(), digest())
			if err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("err = %v, want it to say %q", err, tc.says)
			}
			if err != nil && strings.Contains(err.Error(), srv.WebhookURL()) {
				t.Errorf("error shows the webhook URL: %v", err)
			}
			if n := srv.Calls("webhook"); n != 1 {
				t.Errorf("webhook calls = %d, want 1 (no retry)", n)
			}
		})
	}
}

func TestWebhookRateLimited(t *testing.T) {
	srv := slacktest.New(t)
	synctest.Test(t, func(t *testing.T) {
		srv.RateLimitNext(1, time.Second)
		start := time.Now()
		if _, err := notify.NewWebhook(srv.WebhookURL(), srv.Client(), nil).Post(t.Context(), digest()); err != nil {
			t.Fatal(err)
		}
		if got := time.Since(start); got != time.Second {
			t.Errorf("took %s, want 1s", got)
		}
	})
	if n := len(srv.WebhookPosts()); n != 1 {
		t.Errorf("webhook posts = %d, want 1", n)
	}
}

// memLedger is an in-memory Ledger.
type memLedger struct {
	mu         sync.Mutex
	claims     map[string]string
	claimErr   error
	releaseErr error
}

func newLedger() *memLedger { return &memLedger{claims: map[string]string{}} }

func (l *memLedger) Claim(_ context.Context, key, note string) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.claimErr != nil {
		return false, l.claimErr
	}
	if _, ok := l.claims[key]; ok {
		return false, nil
	}
	l.claims[key] = note
	return true, nil
}

func (l *memLedger) Release(_ context.Context, key string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.releaseErr != nil {
		return l.releaseErr
	}
	delete(l.claims, key)
	return nil
}

func (l *memLedger) state() map[string]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]string{}
	for k, v := range l.claims {
		out[k] = v
	}
	return out
}

func TestPostOnce(t *testing.T) {
	srv := slacktest.New(t)
	s, _, _ := newSlack(t, srv, notify.SlackConfig{})
	l := newLedger()
	key := notify.DigestKey(slacktest.DefaultChannelID, "2026-10")
	ctx := t.Context()

	step := func(name string, force, wantPosted bool, wantMessages int) {
		t.Helper()
		posted, err := notify.PostOnce(ctx, s, l, key, "posted by test", digest(), force)
		if err != nil || posted != wantPosted {
			t.Fatalf("%s: PostOnce = %v, %v; want %v, nil", name, posted, err, wantPosted)
		}
		if n := len(srv.Messages()); n != wantMessages {
			t.Fatalf("%s: messages = %d, want %d", name, n, wantMessages)
		}
	}
	step("first", false, true, 1)
	step("again", false, false, 1)
	step("forced", true, true, 2)
	step("again after force", false, false, 2)
	if diff := cmp.Diff(map[string]string{key: "posted by test"}, l.state()); diff != "" {
		t.Errorf("ledger (-want +got):\n%s", diff)
	}

	// A forced post of a month never posted records it, so the scheduled
	// run after it does not post it again.
	other := notify.DigestKey(slacktest.DefaultChannelID, "2026-11")
	if posted, err := notify.PostOnce(ctx, s, l, other, "forced by test", digest(), true); !posted || err != nil {
		t.Fatalf("forced first post: %v, %v", posted, err)
	}
	if posted, err := notify.PostOnce(ctx, s, l, other, "scheduled", digest(), false); posted || err != nil {
		t.Errorf("scheduled run after a forced post: posted=%v err=%v, want no post", posted, err)
	}
}

func TestPostOnceFailure(t *testing.T) {
	srv := slacktest.New(t)
	key := notify.DigestKey("#nowhere", "2026-10")

	t.Run("post fails: released", func(t *testing.T) {
		bad, _, _ := newSlack(t, srv, notify.SlackConfig{Channel: "#nowhere"})
		l := newLedger()
		posted, err := notify.PostOnce(t.Context(), bad, l, key, "note", digest(), false)
		if posted || err == nil || !strings.Contains(err.Error(), "channel_not_found") {
			t.Fatalf("PostOnce = %v, %v", posted, err)
		}
		if st := l.state(); len(st) != 0 {
			t.Errorf("ledger kept %v after a failed post", st)
		}
		// The next run, pointed at a good channel, posts.
		good, _, _ := newSlack(t, srv, notify.SlackConfig{})
		if posted, err := notify.PostOnce(t.Context(), good, l, key, "note", digest(), false); !posted || err != nil {
			t.Errorf("retry: PostOnce = %v, %v", posted, err)
		}
	})
	t.Run("release fails too", func(t *testing.T) {
		bad, _, _ := newSlack(t, srv, notify.SlackConfig{Channel: "#nowhere"})
		l := newLedger()
		l.releaseErr = errors.New("sheet unavailable")
		_, err := notify.PostOnce(t.Context(), bad, l, key, "note", digest(), false)
		if err == nil || !strings.Contains(err.Error(), "channel_not_found") || !strings.Contains(err.Error(), "sheet unavailable") {
			t.Errorf("err = %v, want both failures", err)
		}
	})
	t.Run("claim fails", func(t *testing.T) {
		good, _, _ := newSlack(t, srv, notify.SlackConfig{})
		l := newLedger()
		l.claimErr = errors.New("sheet unavailable")
		before := len(srv.Messages())
		posted, err := notify.PostOnce(t.Context(), good, l, key, "note", digest(), false)
		if posted || err == nil {
			t.Errorf("PostOnce = %v, %v; want an error", posted, err)
		}
		if len(srv.Messages()) != before {
			t.Error("posted without a claim")
		}
	})
}
