package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/slack-go/slack"
)

// Errors of [VerifyRequest]. The HTTP layer answers ErrBadSignature and
// ErrStale with 401 Unauthorized and ErrTooLarge with 413 Content Too
// Large.
var (
	// ErrBadSignature means the request is not signed with the signing
	// secret: a header is missing or the signature does not match.
	ErrBadSignature = errors.New("slack request signature is missing or wrong")
	// ErrStale means the request's timestamp is more than five minutes
	// away from now, as a replayed request's would be.
	ErrStale = errors.New("slack request timestamp is more than 5 minutes from now")
	// ErrTooLarge means the body is longer than allowed.
	ErrTooLarge = errors.New("slack request body is too large")
)

// MaxSkew is how far a request's timestamp may be from now, either way.
const MaxSkew = 5 * time.Minute

// DefaultMaxBody is the body limit VerifyRequest applies when given none.
// A slash command is well under 4 KiB.
const DefaultMaxBody = 64 << 10

// VerifyRequest checks that r comes from Slack and returns its body,
// reading at most maxBody bytes (≤ 0 means DefaultMaxBody): the
// X-Slack-Request-Timestamp header must be within MaxSkew of now(), and
// X-Slack-Signature must be the v0 signature of the timestamp and body
// with secret (the app's signing secret, SLACK_SIGNING_SECRET), compared
// in constant time. r.Body is replaced by the body read, so that the
// request can still be parsed as a form.
//
// Its errors wrap ErrBadSignature, ErrStale or ErrTooLarge, except a
// failure to read the body.
func VerifyRequest(r *http.Request, secret string, now func() time.Time, maxBody int64) ([]byte, error) {
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	if secret == "" {
		// An empty key would let anyone sign.
		return nil, fmt.Errorf("%w: no signing secret is configured (SLACK_SIGNING_SECRET)", ErrBadSignature)
	}
	ts, sig := r.Header.Get("X-Slack-Request-Timestamp"), r.Header.Get("X-Slack-Signature")
	if ts == "" || sig == "" {
		return nil, fmt.Errorf("%w: no X-Slack-Request-Timestamp or X-Slack-Signature header", ErrBadSignature)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%w: the timestamp is not a number", ErrBadSignature)
	}
	if skew := now().Sub(time.Unix(sec, 0)); skew > MaxSkew || skew < -MaxSkew {
		return nil, fmt.Errorf("%w (off by %s)", ErrStale, skew.Round(time.Second))
	}
	if r.ContentLength > maxBody {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, r.ContentLength, maxBody)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("read slack request body: %w", err)
	}
	if int64(len(body)) > maxBody {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, maxBody)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if !hmac.Equal([]byte(sig), []byte(sign(secret, ts, body))) {
		return nil, ErrBadSignature
	}
	return body, nil
}

// sign returns the v0 signature of body sent at timestamp, as it reads
// in the X-Slack-Signature header: "v0=" and the hex HMAC-SHA256 of
// "v0:timestamp:body" keyed with the signing secret.
func sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + timestamp + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// Command is a slash command invocation, as Slack sends it.
type Command struct {
	Command     string // "/mrr"
	Text        string // what follows the command, e.g. "2026-10"
	ChannelID   string
	ChannelName string
	UserID      string
	UserName    string
	TeamID      string
	// ResponseURL takes up to five answers within 30 minutes; see
	// [Respond]. Like a webhook URL, it lets anyone post.
	ResponseURL string
	TriggerID   string
}

// ParseCommand reads a slash command from a verified request body (form
// encoded).
func ParseCommand(body []byte) (Command, error) {
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return Command{}, fmt.Errorf("parse slash command: %w", err)
	}
	c := Command{
		Command: v.Get("command"), Text: v.Get("text"),
		ChannelID: v.Get("channel_id"), ChannelName: v.Get("channel_name"),
		UserID: v.Get("user_id"), UserName: v.Get("user_name"), TeamID: v.Get("team_id"),
		ResponseURL: v.Get("response_url"), TriggerID: v.Get("trigger_id"),
	}
	if c.Command == "" {
		return Command{}, errors.New("parse slash command: no command field")
	}
	return c, nil
}

// commandFrom converts slack-go's slash command, as Socket Mode delivers
// it.
func commandFrom(s slack.SlashCommand) Command {
	return Command{
		Command: s.Command, Text: s.Text, ChannelID: s.ChannelID, ChannelName: s.ChannelName,
		UserID: s.UserID, UserName: s.UserName, TeamID: s.TeamID,
		ResponseURL: s.ResponseURL, TriggerID: s.TriggerID,
	}
}

// Respond answers a slash command at its response URL with msg: visible
// to the whole channel when inChannel, else only to the user who asked.
// It never replaces the message the command showed. hc sends the request
// (nil means a client with a 30s timeout); 429s and 5xx are retried, and
// no redirect is followed. The response URL appears in no error.
//
// Slack takes up to five answers per command, within 30 minutes.
func Respond(ctx context.Context, hc *http.Client, responseURL string, msg Message, inChannel bool) error {
	return Responder{HTTPClient: hc}.Respond(ctx, responseURL, msg, inChannel)
}

// Responder answers slash commands at their response URLs, as [Respond]
// does, and tells its Hooks about each answer. The zero value is ready to
// use.
type Responder struct {
	// HTTPClient sends the answers; nil means a client with a 30s timeout.
	HTTPClient *http.Client
	// Hooks are told about every answer ("response_url") and retry, for
	// metrics.
	Hooks Hooks
}

// Respond answers the slash command whose response URL is responseURL;
// see the package-level [Respond].
func (rs Responder) Respond(ctx context.Context, responseURL string, msg Message, inChannel bool) error {
	if responseURL == "" {
		return errors.New("answer slash command: no response_url")
	}
	wm := &slack.WebhookMessage{Text: msg.Text, ResponseType: slack.ResponseTypeEphemeral, ReplaceOriginal: false}
	if inChannel {
		wm.ResponseType = slack.ResponseTypeInChannel
	}
	if len(msg.Blocks) > 0 {
		wm.Blocks = &slack.Blocks{BlockSet: msg.Blocks}
	}
	r := newRetrier(0, nil, nil, newRedactor(responseURL))
	r.hooks = rs.Hooks
	if err := postIncoming(ctx, r, noRedirects(orDefaultClient(rs.HTTPClient)), responseURL, wm, "response_url"); err != nil {
		hint := incomingHint(err, "the command's response_url")
		if sc, ok := errors.AsType[slack.StatusCodeError](err); ok {
			switch {
			case sc.Code == http.StatusNotFound:
				hint = "the response_url has expired or was used up (Slack takes five answers within 30 minutes)"
			case sc.Code >= 300 && sc.Code < 400:
				hint = "the response_url redirected elsewhere, and answers go to no address but the one checked"
			}
		}
		return fmt.Errorf("answer slash command: %w", withHint(err, hint))
	}
	return nil
}

// noRedirects returns a copy of hc that follows no redirect. An answer
// goes to the response URL that [CheckResponseURL] let through and to no
// other address: a redirect, to whatever host, would carry the figures
// past that check. Slack's response URLs answer without redirecting.
func noRedirects(hc *http.Client) *http.Client {
	c := *hc
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}
