package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// Socket Mode timing.
const (
	// shutdownGrace is how long answers in flight may finish after ctx is
	// done, before their context is cancelled too.
	shutdownGrace = 5 * time.Second
	// answerTimeout is how long a response URL takes answers.
	answerTimeout = 30 * time.Minute
)

// SocketConfig configures [RunSocketMode].
type SocketConfig struct {
	// AppToken is the app-level token (SLACK_APP_TOKEN, xapp-…) with the
	// connections:write scope.
	AppToken string
	// BotToken is the bot token (SLACK_BOT_TOKEN); answers go to response
	// URLs, which need none, so it may be empty.
	BotToken string
	// APIURL is the base URL of the Web API, ending in /api/
	// (SLACK_API_URL); "" means Slack's.
	APIURL string
	// HTTPClient sends Web API requests and answers; nil means a client
	// with a 30s timeout.
	HTTPClient *http.Client
	// Logger receives connection events and failed answers; nil discards
	// them.
	Logger *slog.Logger
	// InChannel makes answers visible to the whole channel; by default
	// only the user who asked sees them.
	InChannel bool
	// Hooks are told about every answer sent to a response URL and its
	// retries, for metrics.
	Hooks Hooks
	// Refused is called instead of the handler for a command whose
	// response_url is not Slack's ([CheckResponseURL] with APIURL);
	// nothing is computed and the URL is never contacted. nil logs a
	// warning.
	Refused func(ctx context.Context, cmd Command, err error)
}

// fatalCode reports whether a Slack error code is one that no
// reconnection cures: the app token is refused or lacks connections:write.
func fatalCode(code string) bool {
	switch code {
	case "missing_scope", "no_permission", "team_access_not_granted":
		return true
	}
	return TokenRefused(code)
}

// appTokenHint is what to do about a refused app-level token.
const appTokenHint = "check SLACK_APP_TOKEN: an app-level token (xapp-…) with connections:write, " +
	"from Basic Information → App-Level Tokens, with Socket Mode turned on"

// RunSocketMode receives slash commands over Slack's Socket Mode, which
// needs no public HTTP endpoint, until ctx is done; it then returns nil.
//
// Each command is acknowledged at once with an empty payload; handle then
// runs in its own goroutine and its message goes to the command's
// response URL ([Respond]). A command whose response URL is not Slack's
// goes to cfg.Refused instead. A dropped WebSocket is reopened (slack-go
// reconnects, and RunSocketMode restarts it should it stop). It returns
// an error only when Slack refuses the app token. When ctx is done,
// answers in flight get a few seconds to finish.
func RunSocketMode(ctx context.Context, cfg SocketConfig, handle func(ctx context.Context, cmd Command) Message) error {
	if cfg.AppToken == "" {
		return errors.New("socket mode: no app-level token; set SLACK_APP_TOKEN (xapp-…, with connections:write)")
	}
	if !strings.HasPrefix(cfg.AppToken, "xapp-") {
		return errors.New("socket mode: SLACK_APP_TOKEN is not an app-level token; " + appTokenHint)
	}
	sm := &socketMode{
		cfg:    cfg,
		handle: handle,
		hc:     orDefaultClient(cfg.HTTPClient),
		logger: orDiscard(cfg.Logger),
		redact: newRedactor(cfg.AppToken, cfg.BotToken),
	}
	sm.client = socketmode.New(slack.New(cfg.BotToken,
		slack.OptionAppLevelToken(cfg.AppToken),
		slack.OptionAPIURL(apiURL(cfg.APIURL)),
		slack.OptionHTTPClient(sm.hc),
	))
	return sm.run(ctx)
}

// socketMode is one run of RunSocketMode.
type socketMode struct {
	cfg    SocketConfig
	handle func(context.Context, Command) Message
	hc     *http.Client
	logger *slog.Logger
	redact redactor
	client *socketmode.Client

	inflight sync.WaitGroup
}

func (sm *socketMode) run(ctx context.Context) error {
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	// Answers outlive ctx by shutdownGrace, so that a SIGTERM does not cut
	// off a reply that is almost ready.
	answers, cancelAnswers := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelAnswers()

	done := make(chan error, 1)
	go func() { done <- sm.keepRunning(runCtx) }()

	var fatal error
	for {
		select {
		case err := <-done:
			sm.drain(cancelAnswers)
			if fatal == nil {
				fatal = err
			}
			if fatal == nil {
				return nil // ctx is done
			}
			return fmt.Errorf("socket mode: %w", withHint(fatal, appTokenHint))
		case evt := <-sm.client.Events:
			if err := sm.event(runCtx, answers, evt); err != nil && fatal == nil {
				fatal = err
				stop()
			}
		}
	}
}

// keepRunning runs the slack-go client until ctx is done or Slack refuses
// the token. slack-go reconnects by itself after a drop; should RunContext
// return for another reason, it is started again after a backoff.
func (sm *socketMode) keepRunning(ctx context.Context) error {
	for attempt := 1; ; attempt++ {
		err := sm.client.RunContext(ctx)
		if ctx.Err() != nil {
			return nil
		}
		err = sm.redact.error(err)
		if isFatal(err) {
			return err
		}
		wait := backoff(min(attempt, 8))
		sm.logger.WarnContext(ctx, "socket mode stopped; starting it again", "wait", wait, "err", err)
		if sleepContext(ctx, wait) != nil {
			return nil
		}
	}
}

// isFatal reports whether err means the app token will not do.
func isFatal(err error) bool {
	if err == nil {
		return false
	}
	if fatalCode(slackCode(err)) || fatalCode(err.Error()) {
		return true
	}
	sc, ok := errors.AsType[slack.StatusCodeError](err)
	return ok && sc.Code == http.StatusNotFound
}

// event handles one event of the slack-go client. It returns an error
// when the connection cannot succeed.
func (sm *socketMode) event(ctx, answers context.Context, evt socketmode.Event) error {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		sm.logger.DebugContext(ctx, "socket mode connecting")
	case socketmode.EventTypeConnected:
		sm.logger.InfoContext(ctx, "socket mode connected")
	case socketmode.EventTypeConnectionError:
		var err error = errors.New("unknown error")
		if ce, ok := evt.Data.(*slack.ConnectionErrorEvent); ok && ce.ErrorObj != nil {
			err = sm.redact.error(ce.ErrorObj)
		}
		if isFatal(err) {
			// slack-go would keep trying; a wrong token does not heal.
			return err
		}
		sm.logger.WarnContext(ctx, "socket mode connection failed; retrying", "err", err)
	case socketmode.EventTypeIncomingError:
		var err error = errors.New("unknown error")
		if ie, ok := evt.Data.(*slack.IncomingEventError); ok && ie.ErrorObj != nil {
			err = sm.redact.error(ie.ErrorObj)
		}
		sm.logger.InfoContext(ctx, "socket mode connection lost; reconnecting", "err", err)
	case socketmode.EventTypeDisconnect:
		sm.logger.InfoContext(ctx, "slack asked socket mode to reconnect")
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok || evt.Request == nil {
			return nil
		}
		// Slack wants the acknowledgement within 3 seconds: before the work.
		if err := sm.client.AckCtx(ctx, evt.Request.EnvelopeID, nil); err != nil {
			sm.logger.WarnContext(ctx, "slash command not acknowledged", "command", cmd.Command, "err", err)
		}
		c := commandFrom(cmd)
		if err := CheckResponseURL(c.ResponseURL, sm.cfg.APIURL); err != nil {
			sm.refuse(ctx, c, err)
			return nil
		}
		sm.inflight.Go(func() { sm.answer(answers, c) })
	case socketmode.EventTypeEventsAPI, socketmode.EventTypeInteractive:
		// Not used by mrrbot; acknowledged so that Slack does not resend.
		if evt.Request != nil {
			_ = sm.client.AckCtx(ctx, evt.Request.EnvelopeID, nil)
		}
	}
	return nil
}

// refuse hands a command with a foreign response URL to cfg.Refused, or
// logs it.
func (sm *socketMode) refuse(ctx context.Context, c Command, err error) {
	if sm.cfg.Refused != nil {
		sm.cfg.Refused(ctx, c, err)
		return
	}
	sm.logger.WarnContext(ctx, "refused a slash command", "user", c.UserID, "channel", c.ChannelID, "err", err)
}

// answer runs the handler for c and posts its message to c's response
// URL.
func (sm *socketMode) answer(ctx context.Context, c Command) {
	ctx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	log := sm.logger.With("command", c.Command, "text", c.Text, "user", c.UserID, "channel", c.ChannelID)
	msg := sm.safeHandle(ctx, log, c)
	if err := (Responder{HTTPClient: sm.hc, Hooks: sm.cfg.Hooks}).Respond(ctx, c.ResponseURL, msg, sm.cfg.InChannel); err != nil {
		log.ErrorContext(ctx, "slash command answer not delivered", "err", err)
	}
}

// safeHandle calls the handler, turning a panic into a short answer and a
// log line, so that one bad command does not stop the bot.
func (sm *socketMode) safeHandle(ctx context.Context, log *slog.Logger, c Command) (msg Message) {
	defer func() {
		if r := recover(); r != nil {
			log.ErrorContext(ctx, "slash command handler panicked", "panic", fmt.Sprint(r))
			msg = Message{Text: "Sorry, mrrbot failed to answer that; the details are in its log."}
		}
	}()
	return sm.handle(ctx, c)
}

// drain waits for the answers in flight, for shutdownGrace at most before
// cancelling them.
func (sm *socketMode) drain(cancel context.CancelFunc) {
	done := make(chan struct{})
	go func() {
		sm.inflight.Wait()
		close(done)
	}()
	t := time.NewTimer(shutdownGrace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		cancel()
		<-done
	}
}
