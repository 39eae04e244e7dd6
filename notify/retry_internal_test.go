package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func TestRetryDelay(t *testing.T) {
	transport := &url.Error{Op: "Post", URL: "https://slack.com/api/chat.postMessage", Err: errors.New("connection reset by peer")}
	for _, tc := range []struct {
		name    string
		err     error
		retry   bool
		wait    time.Duration // checked when set
		backoff bool          // the wait is a backoff for attempt 1
	}{
		{name: "rate limited", err: &slack.RateLimitedError{RetryAfter: 2 * time.Second}, retry: true, wait: 2 * time.Second},
		{name: "rate limited, wrapped", err: fmt.Errorf("post: %w", &slack.RateLimitedError{RetryAfter: 3 * time.Second}), retry: true, wait: 3 * time.Second},
		{name: "Retry-After: 0", err: &slack.RateLimitedError{}, retry: true, wait: time.Second},
		{name: "Retry-After capped", err: &slack.RateLimitedError{RetryAfter: time.Hour}, retry: true, wait: maxRetryAfter},
		{name: "429 without Retry-After", err: slack.StatusCodeError{Code: 429}, retry: true, backoff: true},
		{name: "500", err: slack.StatusCodeError{Code: 500}, retry: true, backoff: true},
		{name: "503", err: slack.StatusCodeError{Code: 503}, retry: true, backoff: true},
		{name: "404", err: slack.StatusCodeError{Code: 404}},
		{name: "403", err: slack.StatusCodeError{Code: 403}},
		{name: "internal_error", err: slack.SlackErrorResponse{Err: "internal_error"}, retry: true, backoff: true},
		{name: "ratelimited in the body", err: slack.SlackErrorResponse{Err: "ratelimited"}, retry: true, backoff: true},
		{name: "channel_not_found", err: slack.SlackErrorResponse{Err: "channel_not_found"}},
		{name: "not_in_channel", err: slack.SlackErrorResponse{Err: "not_in_channel"}},
		{name: "invalid_auth", err: slack.SlackErrorResponse{Err: "invalid_auth"}},
		{name: "fatal_error: may have posted", err: slack.SlackErrorResponse{Err: "fatal_error"}},
		{name: "transport", err: transport, retry: true, backoff: true},
		{name: "transport, wrapped", err: fmt.Errorf("failed to post webhook: %w", transport), retry: true, backoff: true},
		{name: "unexpected EOF", err: io.ErrUnexpectedEOF, retry: true, backoff: true},
		{name: "cancelled", err: context.Canceled},
		{name: "cancelled in transport", err: &url.Error{Op: "Post", URL: "u", Err: context.Canceled}},
		{name: "deadline", err: fmt.Errorf("x: %w", context.DeadlineExceeded)},
		{name: "bad JSON", err: errors.New("invalid character '<' looking for beginning of value")},
		{name: "attempt timed out", err: &timeoutError{after: attemptTimeout, err: &url.Error{Op: "Post", URL: "u", Err: context.DeadlineExceeded}}, retry: true, backoff: true},
		{name: "maybe posted", err: &maybePostedError{err: slack.StatusCodeError{Code: 500}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wait, retry := retryDelay(tc.err, 1)
			if retry != tc.retry {
				t.Fatalf("retry = %v, want %v", retry, tc.retry)
			}
			if tc.wait != 0 && wait != tc.wait {
				t.Errorf("wait = %s, want %s", wait, tc.wait)
			}
			if tc.backoff && (wait < backoffBase/2 || wait > backoffBase) {
				t.Errorf("wait = %s, want a backoff in [%s, %s]", wait, backoffBase/2, backoffBase)
			}
		})
	}
}

func TestMaybeDelivered(t *testing.T) {
	dial := &url.Error{Op: "Post", URL: "u", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}
	reset := &url.Error{Op: "Post", URL: "u", Err: &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}}
	for _, tc := range []struct {
		name  string
		err   error
		maybe bool
	}{
		{"no error", nil, false},
		{"rate limited", &slack.RateLimitedError{RetryAfter: time.Second}, false},
		{"400", slack.StatusCodeError{Code: 400}, false},
		{"404", slack.StatusCodeError{Code: 404}, false},
		{"429", slack.StatusCodeError{Code: 429}, false},
		{"408", slack.StatusCodeError{Code: 408}, true},
		{"500", slack.StatusCodeError{Code: 500}, true},
		{"503, wrapped", fmt.Errorf("post: %w", slack.StatusCodeError{Code: 503}), true},
		{"channel_not_found", slack.SlackErrorResponse{Err: "channel_not_found"}, false},
		{"ratelimited", slack.SlackErrorResponse{Err: "ratelimited"}, false},
		{"internal_error", slack.SlackErrorResponse{Err: "internal_error"}, true},
		{"fatal_error", slack.SlackErrorResponse{Err: "fatal_error"}, true},
		{"connection refused", dial, false},
		{"no such host", &url.Error{Op: "Post", URL: "u", Err: &net.DNSError{Err: "no such host", Name: "slack.invalid"}}, false},
		{"connection reset", reset, true},
		{"unexpected EOF", io.ErrUnexpectedEOF, true},
		{"no answer in time", &timeoutError{after: attemptTimeout, err: context.DeadlineExceeded}, true},
		{"cancelled mid-request", &url.Error{Op: "Post", URL: "u", Err: context.Canceled}, true},
		{"unreadable answer", errors.New("invalid character '<' looking for beginning of value"), true},
	} {
		if got := maybeDelivered(tc.err); got != tc.maybe {
			t.Errorf("%s: maybeDelivered = %v, want %v", tc.name, got, tc.maybe)
		}
	}
}

func TestBackoffGrowsAndCaps(t *testing.T) {
	for attempt := 1; attempt < 70; attempt++ {
		hi := backoffMax
		if attempt < 16 {
			hi = min(backoffBase<<(attempt-1), backoffMax)
		}
		for range 20 {
			if d := backoff(attempt); d < hi/2 || d > hi {
				t.Fatalf("backoff(%d) = %s, want in [%s, %s]", attempt, d, hi/2, hi)
			}
		}
	}
}

func TestRetrierStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	calls := 0
	r := newRetrier(10, func(context.Context, time.Duration) error { cancel(); return context.Canceled }, nil, redactor{})
	err := r.do(ctx, "test", func(context.Context) error {
		calls++
		return slack.StatusCodeError{Code: 502, Status: "502 Bad Gateway"}
	})
	if calls != 1 || !errors.Is(err, context.Canceled) {
		t.Errorf("calls = %d, err = %v; want 1 call and context.Canceled", calls, err)
	}
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) {
		t.Errorf("the last failure is lost: %v", err)
	}
}

func TestRedactor(t *testing.T) {
	const hook = "https://hooks.slack.com/services/T0/B0/abcdefSECRET"
	r := newRedactor("xoxb-secret-token", hook, "")
	ue := &url.Error{Op: "Post", URL: hook, Err: errors.New("connection refused")}
	wrapped := fmt.Errorf("failed to post webhook: %w", ue) // formatted before redaction
	err := r.error(fmt.Errorf("post: %w", wrapped))

	for e := err; e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), "SECRET") || strings.Contains(e.Error(), "xoxb-secret") {
			t.Errorf("%T holds a secret: %s", e, e)
		}
	}
	var got *url.Error
	if !errors.As(err, &got) || got.URL != redacted {
		t.Errorf("the *url.Error is lost or unredacted: %v", got)
	}
	if !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("redaction lost the cause: %v", err)
	}

	clean := fmt.Errorf("post: %w", slack.SlackErrorResponse{Err: "channel_not_found"})
	if got := r.error(clean); got != clean {
		t.Errorf("a clean error was rewrapped: %#v", got)
	}
	if r.error(nil) != nil {
		t.Error("nil became an error")
	}
	// A path alone, as some errors show it, is redacted too.
	if s := r.string("POST /services/T0/B0/abcdefSECRET failed"); strings.Contains(s, "SECRET") {
		t.Errorf("path not redacted: %s", s)
	}
}
