package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/slack-go/slack"
)

// Webhook posts through an incoming webhook (SLACK_WEBHOOK_URL). It is a
// [Poster]. A webhook cannot upload files, so charts are left out.
//
// The webhook URL is a secret: whoever has it can post. It appears in no
// error and no log line.
type Webhook struct {
	url    string
	hc     *http.Client
	logger *slog.Logger
	retry  retrier
}

var _ Poster = (*Webhook)(nil)

// NewWebhook returns a poster for the incoming webhook at url. hc sends
// the requests (nil means a client with a 30s timeout); logger receives
// retries (nil discards them). It makes no request.
func NewWebhook(url string, hc *http.Client, logger *slog.Logger) *Webhook {
	logger = orDiscard(logger)
	return &Webhook{
		url:    url,
		hc:     orDefaultClient(hc),
		logger: logger,
		retry:  newRetrier(0, nil, logger, newRedactor(url)),
	}
}

// SetHooks makes w tell h about each post and retry, for metrics. Call it
// before w is used.
func (w *Webhook) SetHooks(h Hooks) { w.retry.hooks = h }

// Post sends msg's blocks and fallback text to the webhook, with link
// unfurling off. Posted.Channel is empty (a webhook does not say where it
// posts) and Posted.ChartUploaded is false.
//
// A webhook cannot read the channel, so a message with a Key whose post
// may have been delivered (see maybeDelivered) is not sent again: the
// error wraps [ErrMaybePosted].
func (w *Webhook) Post(ctx context.Context, msg Message) (Posted, error) {
	off := false
	wm := &slack.WebhookMessage{Text: msg.Text, UnfurlLinks: &off, UnfurlMedia: &off}
	if len(msg.Blocks) > 0 {
		wm.Blocks = &slack.Blocks{BlockSet: msg.Blocks}
	}
	err := w.retry.do(ctx, "webhook", func(ctx context.Context) error {
		err := slack.PostWebhookCustomHTTPContext(ctx, w.url, w.hc, wm)
		if msg.Key != "" && maybeDelivered(err) {
			return &maybePostedError{err: err}
		}
		return err
	})
	if err != nil {
		if !errors.Is(err, ErrMaybePosted) {
			err = withHint(err, incomingHint(err, "SLACK_WEBHOOK_URL"))
		}
		return Posted{}, fmt.Errorf("post to the slack incoming webhook: %w", err)
	}
	if len(msg.Chart) > 0 {
		w.logger.InfoContext(ctx, "an incoming webhook cannot upload files; the chart was left out", "file", msg.ChartName)
	}
	return Posted{}, nil
}

// postIncoming posts wm as JSON to an incoming webhook or a response URL,
// through r. slack-go's PostWebhookCustomHTTPContext is used rather than
// PostWebhookContext, which sends with http.DefaultClient.
func postIncoming(ctx context.Context, r retrier, hc *http.Client, url string, wm *slack.WebhookMessage, op string) error {
	return r.do(ctx, op, func(ctx context.Context) error {
		return slack.PostWebhookCustomHTTPContext(ctx, url, hc, wm)
	})
}

// incomingHint says what to do about a failed post to an incoming webhook
// or a response URL, from the HTTP status Slack answered with (slack-go
// drops the body that names the error). urlVar names where the URL comes
// from.
func incomingHint(err error, urlVar string) string {
	if sc, ok := errors.AsType[slack.StatusCodeError](err); ok {
		switch sc.Code {
		case http.StatusBadRequest:
			return "Slack refused the message as malformed (invalid_payload)"
		case http.StatusForbidden:
			return "Slack refused the post (action_prohibited or invalid_token); check " + urlVar
		case http.StatusNotFound:
			return "Slack knows no such webhook or channel any more (no_service, channel_not_found); check " + urlVar
		case http.StatusGone:
			return "the channel is archived (channel_is_archived)"
		}
	}
	return commonHint(err, urlVar, urlVar)
}
