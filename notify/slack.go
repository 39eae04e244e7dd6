package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// SlackConfig configures a [Slack] poster.
type SlackConfig struct {
	// Token is the bot token (SLACK_BOT_TOKEN, xoxb-…). The app needs
	// chat:write, and files:write for charts.
	Token string
	// Channel is where messages go (SLACK_CHANNEL): an ID such as
	// C0123456789, or a name such as #finance.
	Channel string
	// APIURL is the base URL of the Web API, ending in /api/
	// (SLACK_API_URL); "" means Slack's.
	APIURL string
	// HTTPClient sends the requests; nil means a client with a 30s
	// timeout.
	HTTPClient *http.Client
	// Logger receives retries and chart upload failures; nil discards
	// them.
	Logger *slog.Logger
	// MaxAttempts bounds the attempts of each call, the first included;
	// zero means 4.
	MaxAttempts int
	// Sleep waits between attempts and returns ctx's error if ctx is done
	// first; nil means a timer.
	Sleep func(context.Context, time.Duration) error
	// Hooks are told about every call and retry, for metrics.
	Hooks Hooks
}

// Slack posts to a channel with a bot token, through the Web API. It is a
// [Poster].
type Slack struct {
	api     *slack.Client
	channel string
	logger  *slog.Logger
	retry   retrier
	scopes  *scopeRecorder
}

var _ Poster = (*Slack)(nil)

// NewSlack returns a poster for cfg. It makes no request.
func NewSlack(cfg SlackConfig) *Slack {
	logger := orDiscard(cfg.Logger)
	retry := newRetrier(cfg.MaxAttempts, cfg.Sleep, logger, newRedactor(cfg.Token))
	retry.hooks = cfg.Hooks
	rec := &scopeRecorder{client: orDefaultClient(cfg.HTTPClient)}
	return &Slack{
		api: slack.New(cfg.Token,
			slack.OptionAPIURL(apiURL(cfg.APIURL)),
			slack.OptionHTTPClient(rec),
		),
		channel: cfg.Channel,
		logger:  logger,
		retry:   retry,
		scopes:  rec,
	}
}

// scopeRecorder sends the Web API's requests and keeps the scopes that
// Slack lists in the X-OAuth-Scopes header of its reply to auth.test.
type scopeRecorder struct {
	client *http.Client
	mu     sync.Mutex
	scopes []string
	known  bool
}

func (r *scopeRecorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.client.Do(req)
	if err != nil || !strings.HasSuffix(req.URL.Path, "/auth.test") || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	v, ok := resp.Header[http.CanonicalHeaderKey("X-OAuth-Scopes")]
	r.mu.Lock()
	defer r.mu.Unlock()
	r.known = ok
	r.scopes = nil
	if ok {
		for _, sc := range strings.Split(strings.Join(v, ","), ",") {
			if sc = strings.TrimSpace(sc); sc != "" {
				r.scopes = append(r.scopes, sc)
			}
		}
	}
	return resp, nil
}

// Scopes returns the scopes the token was granted, as Slack listed them
// in its reply to the last [Slack.AuthTest]; known is false when the
// reply did not list them (a proxy that drops the header, a
// Slack-compatible API without it) or there was no such reply yet.
func (s *Slack) Scopes() (scopes []string, known bool) {
	s.scopes.mu.Lock()
	defer s.scopes.mu.Unlock()
	return append([]string(nil), s.scopes.scopes...), s.scopes.known
}

// apiURL is the Web API base URL for u, "" meaning Slack's.
func apiURL(u string) string {
	if u == "" {
		return slack.APIURL
	}
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

// botTokenVar is how errors refer to the bot token.
const botTokenVar = "SLACK_BOT_TOKEN (the app's Bot User OAuth Token, xoxb-…)"

// Post sends msg to the channel with chat.postMessage, blocks and
// fallback text, with link unfurling off. A chart is then uploaded as a
// reply in the message's thread; if that fails (no files:write scope, say)
// the failure is logged and Posted.ChartUploaded is false, but Post
// succeeds: the message went out.
//
// A message with a Key carries it in its metadata. When an attempt fails
// in a way that Slack may have delivered the message all the same (a 5xx,
// no answer within 30 seconds, a dropped connection; see maybeDelivered),
// the next attempt first looks for it in the channel's recent history
// (conversations.history, which needs channels:history, or groups:history
// for a private channel) and posts again only if it is not there. If it
// cannot look, the error wraps [ErrMaybePosted] and the message is not
// posted again.
func (s *Slack) Post(ctx context.Context, msg Message) (Posted, error) {
	if s.channel == "" {
		return Posted{}, errors.New("post to slack: no channel; set SLACK_CHANNEL")
	}
	opts := []slack.MsgOption{
		slack.MsgOptionText(msg.Text, false),
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionDisableMediaUnfurl(),
	}
	if len(msg.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(msg.Blocks...))
	}
	if msg.Key != "" {
		opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{
			EventType: MetadataEventType, EventPayload: map[string]any{"key": msg.Key},
		}))
	}
	// Slack's clock and this host's may differ: the look goes back a while
	// before the first attempt.
	since := time.Now().Add(-lookBack)
	var p Posted
	unsure := false // an attempt that failed may have been delivered
	err := s.retry.do(ctx, "chat.postMessage", func(ctx context.Context) error {
		if unsure {
			found, ok, err := s.find(ctx, msg.Key, since)
			if err != nil {
				return &lookError{err: withHint(err, s.findHint(err))}
			}
			if ok {
				s.logger.InfoContext(ctx, "the failed post had gone out; not posting it again", "key", msg.Key, "ts", found.Timestamp)
				p = found
				return nil
			}
		}
		var err error
		p.Channel, p.Timestamp, err = s.api.PostMessageContext(ctx, s.channel, opts...)
		if msg.Key != "" && maybeDelivered(err) {
			unsure = true
		}
		return err
	})
	if err != nil {
		if _, looked := errors.AsType[*lookError](err); !looked && !unsure {
			err = withHint(err, s.postHint(err))
		}
		err = fmt.Errorf("post to slack channel %s: %w", s.channel, err)
		if unsure {
			err = &maybePostedError{err: err}
		}
		return Posted{}, err
	}
	if len(msg.Chart) > 0 {
		p.ChartUploaded = s.uploadChart(ctx, p, msg)
	}
	return p, nil
}

// lookError is a failed look for the message of a failed post.
type lookError struct{ err error }

func (e *lookError) Error() string {
	return "look for the message of the failed attempt: " + e.err.Error()
}
func (e *lookError) Unwrap() error { return e.err }

// Bounds of the look for a post that may have gone out.
const (
	// lookBack is how long before the first attempt the look starts.
	lookBack = 10 * time.Minute
	// historyPages bounds the pages of history read, 200 messages each.
	historyPages = 5
)

// find looks in the channel's history since since for the message whose
// metadata carries key.
func (s *Slack) find(ctx context.Context, key string, since time.Time) (Posted, bool, error) {
	ch, err := s.channelID(ctx)
	if err != nil {
		return Posted{}, false, err
	}
	s.retry.hooks.call("conversations.history")
	params := &slack.GetConversationHistoryParameters{
		ChannelID: ch, Oldest: strconv.FormatInt(since.Unix(), 10) + ".000000",
		Limit: 200, IncludeAllMetadata: true,
	}
	for range historyPages {
		resp, err := s.api.GetConversationHistoryContext(ctx, params)
		if err != nil {
			return Posted{}, false, err
		}
		for _, m := range resp.Messages {
			if m.Metadata.EventType == MetadataEventType && m.Metadata.EventPayload["key"] == key {
				return Posted{Channel: ch, Timestamp: m.Timestamp}, true, nil
			}
		}
		if !resp.HasMore || resp.ResponseMetaData.NextCursor == "" {
			break
		}
		params.Cursor = resp.ResponseMetaData.NextCursor
	}
	return Posted{}, false, nil
}

// channelID returns the ID of the channel, looking it up when
// SLACK_CHANNEL gives its name: conversations.history takes IDs only.
func (s *Slack) channelID(ctx context.Context) (string, error) {
	if _, byName := channelName(s.channel); !byName {
		return s.channel, nil
	}
	ch, err := s.lookup(ctx)
	if err != nil {
		return "", err
	}
	return ch.ID, nil
}

// findHint says what to do about a failed look for a post.
func (s *Slack) findHint(err error) string {
	switch slackCode(err) {
	case "missing_scope":
		return "the app lacks channels:history (groups:history for a private channel), which checking whether a failed post went out needs; " +
			"add it under OAuth & Permissions and reinstall the app"
	case "not_in_channel", "channel_not_found":
		return s.postHint(err)
	}
	return ""
}

// postHint says what to do about a failed post.
func (s *Slack) postHint(err error) string {
	switch slackCode(err) {
	case "channel_not_found":
		return "Slack knows no channel " + s.channel + " that the bot can see; check SLACK_CHANNEL " +
			"(an ID such as C0123456789, or #name), and for a private channel invite the bot there with /invite @mrrbot"
	case "not_in_channel":
		return "the bot is not a member of " + s.channel + "; invite it with /invite @mrrbot in that channel"
	case "is_archived":
		return "the channel is archived; set SLACK_CHANNEL to another one"
	}
	return commonHint(err, botTokenVar, "SLACK_API_URL")
}

// uploadChart uploads msg's chart as a reply to the posted message, with
// files upload v2 (files.getUploadURLExternal, the upload,
// files.completeUploadExternal), and reports whether it worked.
func (s *Slack) uploadChart(ctx context.Context, p Posted, msg Message) bool {
	name := msg.ChartName
	if name == "" {
		name = "chart.png"
	}
	title := msg.ChartAlt
	if title == "" {
		title = name
	}
	err := s.retry.do(ctx, "files.upload", func(ctx context.Context) error {
		_, err := s.api.UploadFileContext(ctx, slack.UploadFileParameters{
			// A new reader per attempt: a retry sends the whole file again.
			Reader:          bytes.NewReader(msg.Chart),
			FileSize:        len(msg.Chart),
			Filename:        name,
			Title:           title,
			AltTxt:          msg.ChartAlt,
			Channel:         p.Channel, // the ID chat.postMessage answered: channel_id takes no names
			ThreadTimestamp: p.Timestamp,
		})
		return err
	})
	if err != nil {
		s.logger.WarnContext(ctx, "chart not uploaded; the message went out without it",
			"channel", p.Channel, "file", name, "err", withHint(err, uploadHint(err)))
		return false
	}
	return true
}

// uploadHint says what to do about a failed upload.
func uploadHint(err error) string {
	switch slackCode(err) {
	case "missing_scope":
		return "the app lacks files:write; add it under OAuth & Permissions and reinstall the app to get charts"
	case "not_allowed_token_type":
		return "uploads need a bot token (xoxb-…) with files:write; check SLACK_BOT_TOKEN"
	case "not_in_channel":
		return "the bot is not a member of the channel; invite it with /invite @mrrbot"
	}
	return commonHint(err, botTokenVar, "SLACK_API_URL")
}

// AuthTest checks the token with auth.test and returns the workspace's
// name and the bot's user name.
func (s *Slack) AuthTest(ctx context.Context) (team, bot string, err error) {
	var resp *slack.AuthTestResponse
	err = s.retry.do(ctx, "auth.test", func(ctx context.Context) error {
		var err error
		resp, err = s.api.AuthTestContext(ctx)
		return err
	})
	if err != nil {
		return "", "", fmt.Errorf("slack auth.test: %w", withHint(err, commonHint(err, botTokenVar, "SLACK_API_URL")))
	}
	return resp.Team, resp.User, nil
}
