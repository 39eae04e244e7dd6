package notify

import (
	"errors"
	"net/http"

	"github.com/slack-go/slack"
)

// Hooks are told about the calls notify makes to Slack through its one
// retrying path, for metrics. A nil field is not called. The zero value
// tells nobody.
type Hooks struct {
	// OnCall is called once per call, before its first attempt, with what
	// it calls: a Web API method ("chat.postMessage", "auth.test"),
	// "files.upload" (the requests of one file upload, retried together),
	// "webhook" or "response_url".
	OnCall func(method string)
	// OnRetry is called before each wait to retry, with the HTTP status of
	// the attempt that failed (429 for a rate limit; 0 when it had none to
	// tell, as for a transport error or a Slack error such as
	// internal_error) and that attempt's number, counting from 1.
	OnRetry func(status, attempt int)
}

func (h Hooks) call(method string) {
	if h.OnCall != nil {
		h.OnCall(method)
	}
}

func (h Hooks) retry(err error, attempt int) {
	if h.OnRetry != nil {
		h.OnRetry(retryStatus(err), attempt)
	}
}

// retryStatus is the HTTP status behind a retryable error, or 0.
func retryStatus(err error) int {
	if _, ok := errors.AsType[*slack.RateLimitedError](err); ok {
		return http.StatusTooManyRequests
	}
	if sc, ok := errors.AsType[slack.StatusCodeError](err); ok {
		return sc.Code
	}
	if slackCode(err) == "ratelimited" {
		return http.StatusTooManyRequests
	}
	return 0
}
