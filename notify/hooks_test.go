package notify

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
)

func TestRetryStatus(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want int
	}{
		{"rate limited", &slack.RateLimitedError{RetryAfter: time.Second}, 429},
		{"http status", slack.StatusCodeError{Code: 503, Status: "503 Service Unavailable"}, 503},
		{"ratelimited code", slack.SlackErrorResponse{Err: "ratelimited"}, 429},
		{"internal_error code", slack.SlackErrorResponse{Err: "internal_error"}, 0},
		{"transport", &url.Error{Op: "Post", URL: "https://slack.com/api/chat.postMessage", Err: errors.New("connection reset by peer")}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := retryStatus(tc.err); got != tc.want {
				t.Errorf("retryStatus(%v) = %d, want %d", tc.err, got, tc.want)
			}
		})
	}
}

// TestRetrierHooks checks that a call is reported once, however often it
// is tried, and each retry with its status and attempt; the failure that
// ends the call is no retry.
func TestRetrierHooks(t *testing.T) {
	type retry struct{ Status, Attempt int }
	for _, tc := range []struct {
		name    string
		errs    []error // what each attempt returns; nil after the last
		wantErr bool
		want    []retry
	}{
		{"first attempt succeeds", nil, false, nil},
		{"503 then success", []error{slack.StatusCodeError{Code: 503}}, false, []retry{{503, 1}}},
		{"rate limited until out of attempts", []error{
			&slack.RateLimitedError{RetryAfter: time.Second},
			&slack.RateLimitedError{RetryAfter: time.Second},
			&slack.RateLimitedError{RetryAfter: time.Second},
		}, true, []retry{{429, 1}, {429, 2}}},
		{"final error", []error{slack.SlackErrorResponse{Err: "channel_not_found"}}, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls []string
			var retries []retry
			r := newRetrier(3, func(context.Context, time.Duration) error { return nil }, nil, redactor{})
			r.hooks = Hooks{
				OnCall:  func(method string) { calls = append(calls, method) },
				OnRetry: func(status, attempt int) { retries = append(retries, retry{status, attempt}) },
			}
			n := 0
			err := r.do(t.Context(), "chat.postMessage", func(context.Context) error {
				n++
				if n <= len(tc.errs) {
					return tc.errs[n-1]
				}
				return nil
			})
			if (err != nil) != tc.wantErr {
				t.Fatalf("do: err = %v, want error %v", err, tc.wantErr)
			}
			if diff := cmp.Diff([]string{"chat.postMessage"}, calls); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, retries); diff != "" {
				t.Errorf("retries (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHooksZero checks that a retrier without hooks works as before.
func TestHooksZero(t *testing.T) {
	r := newRetrier(2, func(context.Context, time.Duration) error { return nil }, nil, redactor{})
	n := 0
	err := r.do(t.Context(), "auth.test", func(context.Context) error {
		n++
		if n == 1 {
			return slack.StatusCodeError{Code: 500}
		}
		return nil
	})
	if err != nil || n != 2 {
		t.Errorf("do = %v after %d attempts, want nil after 2", err, n)
	}
}
