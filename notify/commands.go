package notify

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// ErrNoSecret is what [SlashHandler] refuses every request with when it
// has no signing secret: it cannot tell Slack's requests from anyone's.
var ErrNoSecret = errors.New("slash commands over HTTP need SLACK_SIGNING_SECRET")

// The acknowledgements SlashHandler sends, as Slack shows them to the
// person who typed the command.
const (
	// AckText acknowledges a command that is being answered.
	AckText = "Working on it…"
	// ReplayText acknowledges a copy of a request answered before.
	ReplayText = "Already answered this request."
)

// defaultAnswerTimeout bounds the answer to one command, from the
// acknowledgement to the answer's delivery.
const defaultAnswerTimeout = 2 * time.Minute

// SlashHandler is the endpoint Slack sends slash commands to over HTTP
// (POST /slack/commands). It verifies each request's signature
// ([VerifyRequest]), acknowledges it at once, since Slack waits three
// seconds at most, and then has Handle answer it on the command's
// response URL ([Responder]): a computation may take longer than Slack
// waits.
//
// Before a command is handled it must be signed with Secret within
// [MaxSkew] (401 otherwise), fit MaxBody (413), parse as a slash command
// (400), carry a response URL that is Slack's (400; see
// [CheckResponseURL]), and not be a copy of a request answered within the
// signature's window: a replayed request is acknowledged, and neither run
// nor answered again.
//
// Set the fields before the first request; Wait waits for the answers in
// flight, for a graceful shutdown.
type SlashHandler struct {
	// Secret is the app's signing secret (SLACK_SIGNING_SECRET). Without
	// one, every request is refused with ErrNoSecret.
	Secret string
	// Handle answers a command. It runs after the acknowledgement, on a
	// goroutine of its own, with a context that the request's end does not
	// cancel and that ends after AnswerTimeout.
	Handle func(ctx context.Context, cmd Command) Message
	// AnswerTimeout bounds Handle and the delivery of its answer; 0 means
	// two minutes.
	AnswerTimeout time.Duration
	// APIURL (SLACK_API_URL) is, besides hooks.slack.com, the one host
	// answers may go to.
	APIURL string
	// Refused is called, instead of Handle, for a command whose response
	// URL is not Slack's; the request gets 400 and the URL is never
	// contacted. nil logs a warning.
	Refused func(ctx context.Context, cmd Command, err error)
	// Rejected, if set, is told about every request refused before it was
	// a command: unsigned, stale, too large, not a slash command, or any
	// request when there is no Secret. It is meant for metrics.
	Rejected func(err error)
	// Replayed, if set, is told about every copy of a request answered
	// before. It is meant for metrics.
	Replayed func(cmd Command)
	// Now is the clock that signatures and replays are judged by; nil
	// means time.Now.
	Now func() time.Time
	// MaxBody is the largest body read; 0 means DefaultMaxBody.
	MaxBody int64
	// HTTPClient sends the answers; nil means a client with a 30s timeout.
	HTTPClient *http.Client
	// Hooks are told about every answer and its retries, for metrics.
	Hooks Hooks
	// Logger receives refusals and failed answers; nil discards them.
	Logger *slog.Logger

	answers sync.WaitGroup
	// seen holds the signed requests answered within the last 2·MaxSkew,
	// by timestamp and signature.
	mu   sync.Mutex
	seen map[string]time.Time
}

// Wait waits until every command acknowledged so far has been answered.
func (h *SlashHandler) Wait() { h.answers.Wait() }

func (h *SlashHandler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *SlashHandler) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (h *SlashHandler) rejected(err error) {
	if h.Rejected != nil {
		h.Rejected(err)
	}
}

// ServeHTTP verifies, acknowledges and, on its own goroutine, answers one
// slash command.
func (h *SlashHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	log := h.logger()
	if h.Secret == "" {
		h.rejected(ErrNoSecret)
		http.Error(w, ErrNoSecret.Error(), http.StatusUnauthorized)
		return
	}
	body, err := VerifyRequest(r, h.Secret, h.now, h.MaxBody)
	switch {
	case errors.Is(err, ErrTooLarge):
		h.rejected(err)
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		log.Warn("refused a slash command", "err", err, "remote", r.RemoteAddr)
		h.rejected(err)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	cmd, err := ParseCommand(body)
	if err != nil {
		h.rejected(err)
		http.Error(w, "not a slash command", http.StatusBadRequest)
		return
	}
	// Signed or not, an answer goes to Slack only: never to an address the
	// request chose. A command without a response_url is refused here too:
	// Slack always sends one.
	if err := CheckResponseURL(cmd.ResponseURL, h.APIURL); err != nil {
		if h.Refused != nil {
			h.Refused(r.Context(), cmd, err)
		} else {
			log.Warn("refused a slash command", "err", err, "user", cmd.UserID, "channel", cmd.ChannelID)
		}
		http.Error(w, "response_url is not a Slack URL", http.StatusBadRequest)
		return
	}
	if !h.firstTime(r) {
		// A copy of a request already answered (Slack does not send one
		// twice): acknowledged, and neither run nor answered again.
		log.Warn("replayed slash command", "remote", r.RemoteAddr)
		if h.Replayed != nil {
			h.Replayed(cmd)
		}
		ack(w, ReplayText)
		return
	}
	timeout := h.AnswerTimeout
	if timeout <= 0 {
		timeout = defaultAnswerTimeout
	}
	h.answers.Go(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), timeout)
		defer cancel()
		msg := h.Handle(ctx, cmd)
		respond := Responder{HTTPClient: h.HTTPClient, Hooks: h.Hooks}
		if err := respond.Respond(ctx, cmd.ResponseURL, msg, false); err != nil {
			log.Error("answering a slash command", "err", err)
		}
	})
	ack(w, AckText)
}

// ack acknowledges a command with text, which only its sender sees.
func ack(w http.ResponseWriter, text string) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"response_type": "ephemeral", "text": text})
}

// firstTime records the signed request r, verified, and reports whether
// it is the first with its timestamp and signature. Records older than
// the window a signature is good for are dropped: a replay of one of
// them is refused as stale.
func (h *SlashHandler) firstTime(r *http.Request) bool {
	key := r.Header.Get("X-Slack-Request-Timestamp") + " " + r.Header.Get("X-Slack-Signature")
	now := h.now()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.seen == nil {
		h.seen = make(map[string]time.Time)
	}
	for k, at := range h.seen {
		if now.Sub(at) > 2*MaxSkew {
			delete(h.seen, k)
		}
	}
	if _, ok := h.seen[key]; ok {
		return false
	}
	h.seen[key] = now
	return true
}
