package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mrrbot/mrrbot/notify"
	"github.com/mrrbot/mrrbot/notify/slacktest"
)

const handlerSecret = "8f742231b10e8888abcd99yyyzzz85a5"

var handlerNow = time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)

// commandRequest is a slash command as Slack posts it, signed with secret
// at the time at.
func commandRequest(form url.Values, secret string, at time.Time) *http.Request {
	body := []byte(form.Encode())
	ts, sig := slacktest.Sign(secret, at, body)
	req := httptest.NewRequest("POST", "/slack/commands", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sig)
	return req
}

func mrrForm(text, responseURL, trigger string) url.Values {
	return url.Values{
		"command": {"/mrr"}, "text": {text}, "channel_id": {slacktest.DefaultChannelID},
		"user_id": {slacktest.DefaultUserID}, "team_id": {"T1"}, "response_url": {responseURL}, "trigger_id": {trigger},
	}
}

// handlerLog keeps what a SlashHandler told its callbacks.
type handlerLog struct {
	mu       sync.Mutex
	handled  []notify.Command
	rejected []error
	refused  []error
	replayed int
}

func (r *handlerLog) handler(slack *slacktest.Server) *notify.SlashHandler {
	return &notify.SlashHandler{
		Secret: handlerSecret,
		Now:    func() time.Time { return handlerNow },
		APIURL: slack.URL(), HTTPClient: slack.Client(),
		Handle: func(_ context.Context, cmd notify.Command) notify.Message {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.handled = append(r.handled, cmd)
			return notify.Message{Text: "MRR for " + cmd.Text}
		},
		Rejected: func(err error) { r.mu.Lock(); r.rejected = append(r.rejected, err); r.mu.Unlock() },
		Refused: func(_ context.Context, _ notify.Command, err error) {
			r.mu.Lock()
			r.refused = append(r.refused, err)
			r.mu.Unlock()
		},
		Replayed: func(notify.Command) { r.mu.Lock(); r.replayed++; r.mu.Unlock() },
	}
}

func ackText(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var ack struct {
		ResponseType string `json:"response_type"`
		Text         string
	}
	if err := json.NewDecoder(rec.Body).Decode(&ack); err != nil {
		t.Fatalf("acknowledgement: %v", err)
	}
	if ack.ResponseType != "ephemeral" {
		t.Errorf("acknowledgement is %q, want ephemeral", ack.ResponseType)
	}
	return ack.Text
}

// TestSlashHandlerAnswers acknowledges a signed command at once and
// answers it on its response URL.
func TestSlashHandlerAnswers(t *testing.T) {
	slack := slacktest.New(t)
	var r handlerLog
	h := r.handler(slack)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, commandRequest(mrrForm("2026-02", slack.ResponseURL("feb"), "1"), handlerSecret, handlerNow))
	if rec.Code != http.StatusOK || ackText(t, rec) != notify.AckText {
		t.Fatalf("status %d, want 200 and %q", rec.Code, notify.AckText)
	}
	h.Wait()
	if got := slack.Replies("feb"); len(got) != 1 || got[0].Text != "MRR for 2026-02" {
		t.Errorf("answers %+v, want one \"MRR for 2026-02\"", got)
	}
	if len(r.handled) != 1 || r.handled[0].UserID != slacktest.DefaultUserID || r.handled[0].ChannelID != slacktest.DefaultChannelID {
		t.Errorf("handled %+v", r.handled)
	}
}

// TestSlashHandlerRefuses turns away what is not a signed slash command
// from Slack, before anything is handled or sent.
func TestSlashHandlerRefuses(t *testing.T) {
	slack := slacktest.New(t)
	ok := mrrForm("", slack.ResponseURL("x"), "1")
	tooLarge := mrrForm(strings.Repeat("x", notify.DefaultMaxBody), slack.ResponseURL("x"), "1")
	for _, tt := range []struct {
		name     string
		secret   string // of the handler
		req      *http.Request
		code     int
		rejected error // told to Rejected; nil when Refused is told instead
	}{
		{"wrong secret", handlerSecret, commandRequest(ok, "another secret", handlerNow), http.StatusUnauthorized, notify.ErrBadSignature},
		{"stale", handlerSecret, commandRequest(ok, handlerSecret, handlerNow.Add(-notify.MaxSkew-time.Second)), http.StatusUnauthorized, notify.ErrStale},
		{"too large", handlerSecret, commandRequest(tooLarge, handlerSecret, handlerNow), http.StatusRequestEntityTooLarge, notify.ErrTooLarge},
		{"no secret", "", commandRequest(ok, handlerSecret, handlerNow), http.StatusUnauthorized, notify.ErrNoSecret},
		{"not a command", handlerSecret, commandRequest(url.Values{"text": {"hi"}}, handlerSecret, handlerNow), http.StatusBadRequest, nil},
		{"foreign response URL", handlerSecret, commandRequest(mrrForm("", "https://evil.example/x", "1"), handlerSecret, handlerNow), http.StatusBadRequest, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var r handlerLog
			h := r.handler(slack)
			h.Secret = tt.secret
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, tt.req)
			h.Wait()
			if rec.Code != tt.code {
				t.Errorf("status %d, want %d", rec.Code, tt.code)
			}
			if len(r.handled) != 0 {
				t.Errorf("handled %+v, want nothing", r.handled)
			}
			switch {
			case tt.name == "foreign response URL":
				if len(r.refused) != 1 || !errors.Is(r.refused[0], notify.ErrForeignResponseURL) || len(r.rejected) != 0 {
					t.Errorf("refused %v, rejected %v; want one foreign response URL", r.refused, r.rejected)
				}
			case tt.rejected == nil:
				if len(r.rejected) != 1 {
					t.Errorf("rejected %v, want one", r.rejected)
				}
			default:
				if len(r.rejected) != 1 || !errors.Is(r.rejected[0], tt.rejected) {
					t.Errorf("rejected %v, want %v", r.rejected, tt.rejected)
				}
			}
		})
	}
	if n := len(slack.Replies("x")); n != 0 {
		t.Errorf("%d answers sent for refused requests", n)
	}
}

// TestSlashHandlerReplay acknowledges copies of one signed request and
// answers it once; another command, signed at the same second, is its
// own.
func TestSlashHandlerReplay(t *testing.T) {
	slack := slacktest.New(t)
	var r handlerLog
	h := r.handler(slack)
	form := mrrForm("sync", slack.ResponseURL("sync"), "1")
	var acks []string
	for range 3 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, commandRequest(form, handlerSecret, handlerNow))
		acks = append(acks, ackText(t, rec))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, commandRequest(mrrForm("sync", slack.ResponseURL("sync"), "2"), handlerSecret, handlerNow))
	acks = append(acks, ackText(t, rec))
	h.Wait()
	want := []string{notify.AckText, notify.ReplayText, notify.ReplayText, notify.AckText}
	if strings.Join(acks, "|") != strings.Join(want, "|") {
		t.Errorf("acknowledgements %q, want %q", acks, want)
	}
	if len(r.handled) != 2 || r.replayed != 2 || len(slack.Replies("sync")) != 2 {
		t.Errorf("handled %d, replayed %d, answered %d; want 2, 2, 2", len(r.handled), r.replayed, len(slack.Replies("sync")))
	}
}

// TestSlashHandlerAnswerTimeout ends Handle's context after AnswerTimeout,
// though the request that brought the command is long done.
func TestSlashHandlerAnswerTimeout(t *testing.T) {
	slack := slacktest.New(t)
	synctest.Test(t, func(t *testing.T) {
		var got error
		h := &notify.SlashHandler{
			Secret: handlerSecret, APIURL: slack.URL(), HTTPClient: slack.Client(),
			Now:           func() time.Time { return handlerNow },
			AnswerTimeout: time.Minute,
			Handle: func(ctx context.Context, _ notify.Command) notify.Message {
				<-ctx.Done()
				got = ctx.Err()
				return notify.Message{Text: "too late"}
			},
		}
		start := time.Now()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, commandRequest(mrrForm("", slack.ResponseURL("slow"), "1"), handlerSecret, handlerNow))
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d", rec.Code)
		}
		synctest.Wait() // Handle waits on its context
		h.Wait()
		if !errors.Is(got, context.DeadlineExceeded) || time.Since(start) != time.Minute {
			t.Errorf("Handle's context ended with %v after %s, want the deadline after 1m", got, time.Since(start))
		}
	})
}
