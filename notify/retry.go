package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// Retry defaults.
const (
	// defaultAttempts counts the first attempt too.
	defaultAttempts = 4
	// maxRetryAfter caps a wait that Slack asks for with Retry-After.
	maxRetryAfter = time.Minute
	backoffBase   = 500 * time.Millisecond
	backoffMax    = 15 * time.Second
	// httpTimeout bounds one request when the caller gives no client.
	httpTimeout = 30 * time.Second
	// attemptTimeout bounds each attempt of a call, whatever the client:
	// an attempt that gets no answer in time is given up and, like a 5xx,
	// retried, which for a post means looking for it first.
	attemptTimeout = 30 * time.Second
)

// retrier runs every call to Slack: the Web API, uploads, the incoming
// webhook and response URLs. It is the one place that decides what is
// retried, see [retryDelay].
type retrier struct {
	attempts int
	sleep    func(context.Context, time.Duration) error
	logger   *slog.Logger
	// redact scrubs secrets from an error before it is logged or
	// returned.
	redact redactor
	// hooks are told about each call and retry.
	hooks Hooks
}

func newRetrier(attempts int, sleep func(context.Context, time.Duration) error, logger *slog.Logger, r redactor) retrier {
	if attempts <= 0 {
		attempts = defaultAttempts
	}
	if sleep == nil {
		sleep = sleepContext
	}
	return retrier{attempts: attempts, sleep: sleep, logger: orDiscard(logger), redact: r}
}

// do calls call until it succeeds, fails for good, runs out of attempts
// or ctx is done. op names the call in logs and errors. Each attempt has
// attemptTimeout to answer. The error returned has its secrets redacted.
func (r retrier) do(ctx context.Context, op string, call func(context.Context) error) error {
	r.hooks.call(op)
	for attempt := 1; ; attempt++ {
		err := r.redact.error(r.attempt(ctx, call))
		if err == nil {
			return nil
		}
		wait, ok := retryDelay(err, attempt)
		if !ok || ctx.Err() != nil {
			return err
		}
		if attempt >= r.attempts {
			return fmt.Errorf("gave up after %d attempts: %w", attempt, err)
		}
		if deadline, has := ctx.Deadline(); has && time.Until(deadline) < wait {
			return fmt.Errorf("not retrying: the wait of %s would pass the deadline: %w", wait, err)
		}
		r.logger.InfoContext(ctx, "retrying slack call", "op", op, "attempt", attempt, "wait", wait, "err", err)
		r.hooks.retry(err, attempt)
		if serr := r.sleep(ctx, wait); serr != nil {
			return fmt.Errorf("waiting to retry: %w (after: %w)", serr, err)
		}
	}
}

// attempt runs one attempt of call, within attemptTimeout.
func (r retrier) attempt(ctx context.Context, call func(context.Context) error) error {
	actx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	err := call(actx)
	if err != nil && ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		return &timeoutError{after: attemptTimeout, err: err}
	}
	return err
}

// timeoutError is an attempt that got no answer within its time; the
// call's own context was not done.
type timeoutError struct {
	after time.Duration
	err   error
}

func (e *timeoutError) Error() string { return fmt.Sprintf("no answer within %s: %v", e.after, e.err) }
func (e *timeoutError) Unwrap() error { return e.err }

// ErrMaybePosted is wrapped by the error of a post that may have reached
// the channel after all: Slack failed after the request was sent (a 5xx,
// no answer in time, a dropped connection), and mrrbot could not find out
// whether the message went out. Posting again might post it twice, so
// [PostOnce] keeps the post's claim and says so.
var ErrMaybePosted = errors.New("slack may have posted the message")

// maybePostedError is a failed post that may have been delivered.
type maybePostedError struct{ err error }

func (e *maybePostedError) Error() string   { return e.err.Error() }
func (e *maybePostedError) Unwrap() []error { return []error{e.err, ErrMaybePosted} }

// maybeDelivered reports whether a call that failed with err may have
// been carried out by Slack all the same. It is the one place that tells:
//
//   - a rate limit (429), a 4xx and Slack's errors that refuse a request
//     (channel_not_found, invalid_auth, …) were not carried out;
//   - so were requests that never left: the connection was refused, or
//     the host not found;
//   - a 5xx or 408, Slack's own failures (internal_error, fatal_error,
//     service_unavailable, request_timeout), no answer in time, a
//     connection dropped after the request was sent, an answer that
//     cannot be read, and anything else may have been.
func maybeDelivered(err error) bool {
	if err == nil {
		return false
	}
	if _, ok := errors.AsType[*slack.RateLimitedError](err); ok {
		return false
	}
	if sc, ok := errors.AsType[slack.StatusCodeError](err); ok {
		return sc.Code >= 500 || sc.Code == http.StatusRequestTimeout
	}
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		switch se.Err {
		case "internal_error", "fatal_error", "service_unavailable", "request_timeout":
			return true
		}
		return false
	}
	if oe, ok := errors.AsType[*net.OpError](err); ok && oe.Op == "dial" {
		return false
	}
	if _, ok := errors.AsType[*net.DNSError](err); ok {
		return false
	}
	return true
}

// retryDelay says whether err, the outcome of attempt (counting from 1),
// is worth another attempt, and after how long:
//
//   - a rate limit (*slack.RateLimitedError, from HTTP 429 with
//     Retry-After) waits what Slack asked, at most maxRetryAfter;
//   - HTTP 429 without Retry-After, 408 and 5xx, Slack's transient errors
//     (internal_error, service_unavailable, request_timeout, ratelimited)
//     and transport errors back off exponentially with jitter;
//   - an attempt that got no answer within attemptTimeout backs off too;
//   - everything else, Slack errors such as channel_not_found or
//     invalid_auth, the context's own errors and a post that may have
//     been delivered and cannot be looked for (ErrMaybePosted), is final.
func retryDelay(err error, attempt int) (time.Duration, bool) {
	if errors.Is(err, ErrMaybePosted) {
		return 0, false
	}
	if _, ok := errors.AsType[*timeoutError](err); ok {
		return backoff(attempt), true
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return 0, false
	}
	if rl, ok := errors.AsType[*slack.RateLimitedError](err); ok {
		return min(max(rl.RetryAfter, time.Second), maxRetryAfter), true
	}
	if sc, ok := errors.AsType[slack.StatusCodeError](err); ok {
		c := sc.Code
		return backoff(attempt), c == http.StatusTooManyRequests || c == http.StatusRequestTimeout || c >= 500
	}
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		switch se.Err {
		case "internal_error", "service_unavailable", "request_timeout", "ratelimited":
			return backoff(attempt), true
		}
		return 0, false
	}
	if _, ok := errors.AsType[*url.Error](err); ok {
		return backoff(attempt), true
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return backoff(attempt), true
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return backoff(attempt), true
	}
	return 0, false
}

// backoff is the jittered exponential wait after attempt: between half
// and all of min(backoffMax, backoffBase·2ⁿ⁻¹).
func backoff(attempt int) time.Duration {
	d := backoffMax
	if attempt < 16 {
		d = min(backoffBase<<(attempt-1), backoffMax)
	}
	return d/2 + rand.N(d/2+1)
}

// sleepContext waits for d or until ctx is done.
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}

func orDefaultClient(hc *http.Client) *http.Client {
	if hc == nil {
		return &http.Client{Timeout: httpTimeout}
	}
	return hc
}

// redactor removes secrets (tokens, webhook and response URLs) from
// errors, so that none reaches a log or a user.
type redactor struct{ secrets []string }

// redacted replaces a secret in errors.
const redacted = "[REDACTED]"

// newRedactor redacts each of secrets; for one that is a URL, its path is
// redacted too, since that is where a webhook's secret lives.
func newRedactor(secrets ...string) redactor {
	var r redactor
	for _, s := range secrets {
		if s == "" {
			continue
		}
		r.secrets = append(r.secrets, s)
		if u, err := url.Parse(s); err == nil && u.Host != "" && len(u.Path) > 8 {
			r.secrets = append(r.secrets, u.Path, u.EscapedPath())
		}
	}
	return r
}

func (r redactor) string(s string) string {
	for _, secret := range r.secrets {
		s = strings.ReplaceAll(s, secret, redacted)
	}
	return s
}

// error returns err with every secret removed from its text and from the
// text of everything it wraps, so that unwrapping brings no secret back.
// The URL of a *url.Error in its chain is rewritten in place; a wrapper
// whose text still holds a secret (such as the fmt.Errorf in slack-go's
// webhook code, formatted before the rewrite) is replaced by a redacted
// copy that unwraps to the redacted rest of the chain. Errors of slack-go
// and net/http keep their types.
func (r redactor) error(err error) error {
	if err == nil || len(r.secrets) == 0 {
		return err
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if ue, ok := e.(*url.Error); ok {
			ue.URL = r.string(ue.URL)
		}
	}
	return r.copyChain(err)
}

// copyChain returns err itself if no error in its chain holds a secret,
// else a redacted copy of it.
func (r redactor) copyChain(err error) error {
	if err == nil || !r.leaks(err) {
		return err
	}
	return &redactedError{msg: r.string(err.Error()), err: r.copyChain(errors.Unwrap(err))}
}

// leaks reports whether the text of err or of anything it wraps holds a
// secret.
func (r redactor) leaks(err error) bool {
	if err == nil {
		return false
	}
	if r.string(err.Error()) != err.Error() {
		return true
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return r.leaks(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if r.leaks(e) {
				return true
			}
		}
	}
	return false
}

// redactedError stands for an error whose text held a secret.
type redactedError struct {
	msg string
	err error // the redacted rest of the chain
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// hinted adds to an error what the user should do about it.
type hinted struct {
	err  error
	hint string
}

func (e *hinted) Error() string { return e.err.Error() + ": " + e.hint }
func (e *hinted) Unwrap() error { return e.err }

// withHint wraps err with hint, unless hint is empty.
func withHint(err error, hint string) error {
	if hint == "" {
		return err
	}
	return &hinted{err: err, hint: hint}
}

// slackCode is the Slack error code in err ("channel_not_found"), or "".
func slackCode(err error) string {
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		return se.Err
	}
	return ""
}

// commonHint says what to do about errors that any call can meet: a
// refused token, an exhausted rate limit, Slack or the network failing.
// tokenVar names the variable that holds the token, urlVar the one that
// sets where requests go.
func commonHint(err error, tokenVar, urlVar string) string {
	switch code := slackCode(err); {
	case code == "not_allowed_token_type":
		return "Slack does not take this kind of token here; check " + tokenVar
	case TokenRefused(code):
		return "Slack refused the token; check " + tokenVar
	case code == "missing_scope":
		needed := "the scope this needs"
		if se, ok := errors.AsType[slack.SlackErrorResponse](err); ok && se.Needed != "" {
			needed = se.Needed
		}
		return "the app lacks " + needed + "; add it under OAuth & Permissions and reinstall the app"
	case code != "":
		return ""
	}
	if _, ok := errors.AsType[*slack.RateLimitedError](err); ok {
		return "Slack kept rate limiting mrrbot; try again in a minute"
	}
	if sc, ok := errors.AsType[slack.StatusCodeError](err); ok && sc.Code >= 500 {
		return "Slack is having trouble; try again later"
	}
	if _, ok := errors.AsType[*url.Error](err); ok {
		return "could not reach Slack; check the network and " + urlVar
	}
	return ""
}
