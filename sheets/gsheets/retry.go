package gsheets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Retry defaults, used when the corresponding [Retry] field is zero.
const (
	retryMaxAttempts = 5
	retryBaseDelay   = 500 * time.Millisecond
	retryMaxDelay    = 30 * time.Second
)

// Retry is an [http.RoundTripper] that retries the requests the Google
// Sheets API asks to be retried: 429 Too Many Requests, 500, 502, 503 and
// 504, and transport errors that are not context errors. It is the one
// place where Sheets requests are retried.
//
// A batchUpdate sent with an applied check is retried after a 5xx or a
// broken connection only once the check says it was not applied: see
// withAppliedCheck.
//
// A Retry-After header (seconds or an HTTP date) sets the wait, capped at
// MaxDelay; otherwise the wait is a full-jitter exponential backoff: a
// random duration between zero and min(MaxDelay, BaseDelay·2ⁿ⁻¹) after the
// n-th failed attempt. The request body is replayed through
// [http.Request.GetBody]; a request whose body cannot be replayed is sent
// once. When the request's context is done, Retry stops at once and
// returns the context's error. After the last attempt the last response is
// returned as is, so that the API library reports its usual error.
//
// The zero value is ready to use and retries over [http.DefaultTransport].
type Retry struct {
	// Base sends each attempt; nil means http.DefaultTransport.
	Base http.RoundTripper
	// MaxAttempts counts the first attempt too; zero means 5, and 1
	// turns retrying off.
	MaxAttempts int
	// BaseDelay and MaxDelay shape the backoff; zero means 500ms and
	// 30s. MaxDelay also caps a Retry-After wait.
	BaseDelay, MaxDelay time.Duration
	// Logger receives one Info record per retry; nil discards them.
	Logger *slog.Logger
	// Sleep waits for d or until ctx is done, whichever comes first, and
	// returns ctx's error in the latter case. Nil means a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand returns a number in [0, 1) for the jitter; nil means
	// math/rand/v2.
	Rand func() float64
	// Now is the clock used to read a Retry-After date; nil means
	// time.Now.
	Now func() time.Time
	// OnRetry, if set, is called before each wait with the status that
	// caused it (0 for a transport error) and the number of the attempt
	// that failed, counting from 1. It is meant for metrics.
	OnRetry func(status int, attempt int)
	// OnCall, if set, is called once per request, before its first
	// attempt, with the Sheets API method it calls: "spreadsheets.get",
	// "spreadsheets.batchUpdate", "values.get" and so on, or "other" for a
	// path the API does not have. It is meant for metrics.
	OnCall func(method string)
}

// RoundTrip sends req, retrying as described on [Retry].
func (r *Retry) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	maxAttempts := r.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = retryMaxAttempts
	}
	// A body that cannot be produced again is sent once: retrying it would
	// send an empty or partial body.
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		maxAttempts = 1
	}
	if r.OnCall != nil {
		r.OnCall(apiMethod(req))
	}
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			closeRequestBody(req)
			return nil, fmt.Errorf("sheets request: %w", err)
		}
		areq := req
		if attempt > 1 {
			var err error
			if areq, err = replayRequest(req); err != nil {
				return nil, err
			}
		}
		resp, err := r.base().RoundTrip(areq)
		status := 0
		if err != nil {
			if ctx.Err() != nil || !retryableError(err) {
				return nil, err
			}
		} else {
			status = resp.StatusCode
			if !retryableStatus(status) {
				return resp, nil
			}
		}
		last := attempt >= maxAttempts
		lost := lostReplyCheck(req, status)
		if last && lost == nil {
			return resp, err
		}
		wait := r.waitAfter(resp, attempt)
		if !last {
			// resp is not returned: it goes.
			r.retrying(req, resp, status, err, attempt, wait)
		}
		if serr := r.sleep(ctx, wait); serr != nil {
			if last && resp != nil {
				discardResponse(resp)
			}
			closeRequestBody(req)
			return nil, fmt.Errorf("sheets request: waiting to retry: %w", serr)
		}
		if lost != nil {
			applied, aerr := r.wasApplied(ctx, lost, status, err)
			if applied || aerr != nil {
				if last && resp != nil {
					discardResponse(resp)
				}
				if aerr != nil {
					return nil, aerr
				}
				return appliedResponse(req), nil
			}
		}
		if last {
			return resp, err
		}
	}
}

// waitAfter is the wait after the given failed attempt, whose response is
// resp (nil for a transport error): its Retry-After, or the backoff.
func (r *Retry) waitAfter(resp *http.Response, attempt int) time.Duration {
	if resp != nil {
		if d, ok := r.retryAfter(resp.Header.Get("Retry-After")); ok {
			return d
		}
	}
	return r.backoff(attempt)
}

// retrying lets go of the failed attempt's response and tells the log and
// OnRetry that req is retried after wait.
func (r *Retry) retrying(req *http.Request, resp *http.Response, status int, err error, attempt int, wait time.Duration) {
	if resp != nil {
		discardResponse(resp)
	}
	// Nothing of the request that may carry a secret is logged: no URL
	// query, no headers, no body.
	attrs := []any{"method", req.Method, "path", req.URL.Path, "status", status, "attempt", attempt, "wait", wait}
	if err != nil {
		attrs = append(attrs, "err", err)
	}
	r.logger().InfoContext(req.Context(), "retrying sheets request", attrs...)
	if r.OnRetry != nil {
		r.OnRetry(status, attempt)
	}
}

// A batchUpdate is not safe to send twice: a 5xx, or a connection that
// broke after the request went out, may come after Google applied it, and
// sending it again would write the tabs twice (or fail, a tab being there
// already, and report an applied write as a failure). So a batchUpdate
// whose context carries a check of whether it was applied (see
// withAppliedCheck) is retried only when the check, made after the wait,
// says it was not; when it was, the lost reply is taken for a success. A
// 429 is Google refusing the request before it was applied, so it is
// retried without a check.

// appliedKey is the context key of a batchUpdate's applied check.
type appliedKey struct{}

// appliedCheck reports whether the batchUpdate it goes with was applied,
// by reading the spreadsheet.
type appliedCheck func(ctx context.Context) (bool, error)

// withAppliedCheck returns ctx carrying check, for the batchUpdate sent
// with it.
func withAppliedCheck(ctx context.Context, check appliedCheck) context.Context {
	return context.WithValue(ctx, appliedKey{}, check)
}

// lostReplyCheck returns the applied check of req, a batchUpdate whose
// reply may have been lost (status 0 for a broken connection, or a 5xx),
// or nil.
func lostReplyCheck(req *http.Request, status int) appliedCheck {
	if status == http.StatusTooManyRequests || apiMethod(req) != "spreadsheets.batchUpdate" {
		return nil
	}
	check, _ := req.Context().Value(appliedKey{}).(appliedCheck)
	return check
}

// wasApplied runs check for a batchUpdate that got status (or the
// transport error err) instead of its reply. An error means that whether
// it was applied cannot be told.
func (r *Retry) wasApplied(ctx context.Context, check appliedCheck, status int, err error) (bool, error) {
	what := fmt.Sprintf("status %d", status)
	if err != nil {
		what = "no reply: " + err.Error()
	}
	applied, cerr := check(context.WithValue(ctx, appliedKey{}, appliedCheck(nil)))
	switch {
	case cerr != nil:
		return false, fmt.Errorf("sheets request: the reply to a write was lost (%s), and reading the spreadsheet to see whether it was applied failed: %w", what, cerr)
	case applied:
		r.logger().InfoContext(ctx, "a write whose reply was lost had been applied", "status", status)
	}
	return applied, nil
}

// appliedResponse is the reply of a batchUpdate that was applied but whose
// own reply was lost: a success with no replies in it.
func appliedResponse(req *http.Request) *http.Response {
	return &http.Response{
		Status: "200 OK", StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"application/json; charset=UTF-8"}},
		Body:          io.NopCloser(strings.NewReader("{}")),
		ContentLength: 2,
		Request:       req,
	}
}

func (r *Retry) base() http.RoundTripper {
	if r.Base != nil {
		return r.Base
	}
	return http.DefaultTransport
}

func (r *Retry) logger() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (r *Retry) sleep(ctx context.Context, d time.Duration) error {
	if r.Sleep != nil {
		return r.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (r *Retry) maxDelay() time.Duration {
	if r.MaxDelay > 0 {
		return r.MaxDelay
	}
	return retryMaxDelay
}

// backoff is the full-jitter wait after the given failed attempt.
func (r *Retry) backoff(attempt int) time.Duration {
	base := r.BaseDelay
	if base <= 0 {
		base = retryBaseDelay
	}
	ceiling := r.maxDelay()
	d := base
	for i := 1; i < attempt && d < ceiling; i++ {
		d *= 2
	}
	d = min(d, ceiling)
	rnd := rand.Float64
	if r.Rand != nil {
		rnd = r.Rand
	}
	return time.Duration(rnd() * float64(d))
}

// retryAfter reads a Retry-After value, capped at MaxDelay. A date in the
// past means no wait.
func (r *Retry) retryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Guard the multiplication: a huge value is capped below anyway.
		if secs > int64(r.maxDelay()/time.Second)+1 {
			return r.maxDelay(), true
		}
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		now := time.Now
		if r.Now != nil {
			now = r.Now
		}
		d = max(t.Sub(now()), 0)
	} else {
		return 0, false
	}
	return min(d, r.maxDelay()), true
}

// retryableStatus reports whether the Sheets API asks for a retry.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryableError reports whether a transport error is worth another
// attempt. Context errors are final. So is a token endpoint that refused
// the credentials (a 4xx other than 429): the same request would be
// refused again.
func retryableError(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		return retryableStatus(re.Response.StatusCode)
	}
	return true
}

// replayRequest returns a copy of req with a fresh body for another attempt.
func replayRequest(req *http.Request) (*http.Request, error) {
	c := req.Clone(req.Context())
	if req.Body == nil || req.Body == http.NoBody {
		return c, nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, fmt.Errorf("sheets request: replay body: %w", err)
	}
	c.Body = body
	return c, nil
}

// discardResponse drains a little of a response that will not be
// returned, so that its connection can be reused, and closes it.
func discardResponse(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}

// closeRequestBody closes a request body that will not be sent, as the
// RoundTripper contract asks.
func closeRequestBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
