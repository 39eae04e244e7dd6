// Package slacktest is a recording stand-in for the parts of Slack that
// mrrbot talks to, for tests that run the real slack-go client against it.
//
// A [Server] answers the Web API methods auth.test, chat.postMessage,
// files.getUploadURLExternal and files.completeUploadExternal (with the
// upload URL between them), conversations.info, conversations.list,
// conversations.history, conversations.members, users.info,
// usergroups.list, usergroups.users.list and apps.connections.open; an
// incoming webhook;
// slash-command response URLs; and a Socket Mode WebSocket that can push
// slash commands. It lists its token's scopes in the X-OAuth-Scopes header
// of every Web API reply, as Slack does (the manifest's by default; see
// [WithScopes]). It keeps what it was sent, checks tokens and channels the
// way Slack does, and can be told to fail: rate limits with Retry-After,
// HTTP errors, Slack errors per method, a dropped WebSocket, and the
// failures that leave a client unsure whether it posted: a message
// delivered and then answered with a 5xx, or not answered at all.
//
// Tests assert through its state ([Server.Messages], [Server.Files],
// [Server.WebhookPosts], [Server.Replies], [Server.Acks], [Server.Calls]),
// not through the order of calls. It is safe for concurrent use.
//
// slack-go's own slacktest does not record chat.postMessage, hence this
// one.
package slacktest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Defaults of a new Server.
const (
	// DefaultToken is the bot token the server accepts.
	DefaultToken = "xoxb-0000-slacktest-bot-token"
	// DefaultAppToken is the app-level token apps.connections.open accepts.
	DefaultAppToken = "xapp-1-A0MRRBOT-slacktest-app-token"
	// DefaultChannelID and DefaultChannelName name the one channel a new
	// Server knows, with the bot in it.
	DefaultChannelID   = "C0MRRBOT"
	DefaultChannelName = "mrr"
	// DefaultUserID is a full member of the workspace (not a guest) and
	// the one member of the default channel.
	DefaultUserID = "U0MEMBER"
	// Team and BotName are what auth.test answers.
	Team    = "Slacktest Inc"
	BotName = "mrrbot"
	// webhookPath is where the incoming webhook listens; its last part is
	// the secret that makes a webhook URL worth keeping private.
	webhookPath = "/services/T0MRRBOT/B0MRRBOT/slacktest-webhook-secret"
)

// AckTimeout bounds how long [Server.SendSlashCommand] waits for a
// WebSocket connection and for the client's acknowledgement.
const AckTimeout = 10 * time.Second

// Channel is a conversation the server knows.
type Channel struct {
	ID   string // e.g. "C0MRRBOT"
	Name string // without "#"
	// NotMember makes chat.postMessage answer not_in_channel, and
	// conversations.info is_member false, as Slack does for a channel the
	// bot was not invited to.
	NotMember bool
	// Private makes it a private channel: Slack answers
	// channel_not_found for it to a bot that is not a member.
	Private bool
	// Members are the user IDs in the channel, as conversations.members
	// lists them (the bot is not among them).
	Members []string
}

// Message is a recorded chat.postMessage call that succeeded.
type Message struct {
	Channel  string          // the channel's ID, whatever name was posted to
	TS       string          // the ts the server gave the message
	Text     string          // the fallback text
	Blocks   json.RawMessage // the blocks as sent, nil without blocks
	ThreadTS string
	// UnfurlLinks and UnfurlMedia are the form values as sent ("" when
	// absent).
	UnfurlLinks, UnfurlMedia string
	// Metadata is the message's metadata as sent, nil without any:
	// {"event_type": …, "event_payload": {…}}.
	Metadata json.RawMessage
}

// File is a file shared with files.completeUploadExternal after its bytes
// reached the upload URL.
type File struct {
	ID             string
	Name           string // the file name given to files.getUploadURLExternal
	Title          string
	AltText        string
	Channel        string // channel_id
	ThreadTS       string
	InitialComment string
	Data           []byte
}

// WebhookPost is a message posted to the incoming webhook.
type WebhookPost struct {
	Text   string
	Blocks json.RawMessage
	Raw    json.RawMessage // the whole body
}

// Reply is a message posted to a slash command's response URL.
type Reply struct {
	ResponseType    string // "in_channel" or "ephemeral" ("" when absent)
	Text            string
	Blocks          json.RawMessage
	ReplaceOriginal *bool // nil when the field was absent
	Raw             json.RawMessage
}

// Ack is a Socket Mode acknowledgement the client sent back.
type Ack struct {
	EnvelopeID string
	Payload    json.RawMessage // nil for an empty acknowledgement
}

// Option configures a Server.
type Option func(*Server)

// WithToken sets the bot token the Web API accepts.
func WithToken(token string) Option { return func(s *Server) { s.token = token } }

// Scopes are the bot scopes of the app manifest (deploy/), which a new
// Server says its token was granted.
var Scopes = []string{"chat:write", "commands", "files:write", "channels:read", "groups:read",
	"users:read", "usergroups:read", "channels:history", "groups:history"}

// WithScopes sets the scopes the server says, in the X-OAuth-Scopes
// header of its Web API replies, that its token was granted.
func WithScopes(scopes ...string) Option {
	return func(s *Server) { s.scopes = append([]string{}, scopes...) }
}

// WithoutScopesHeader makes the Web API's replies carry no X-OAuth-Scopes
// header, as a proxy that drops it would.
func WithoutScopesHeader() Option { return func(s *Server) { s.scopes = nil } }

// WithAppToken sets the app-level token apps.connections.open accepts.
func WithAppToken(token string) Option { return func(s *Server) { s.appToken = token } }

// WithChannels replaces the known channels.
func WithChannels(chs ...Channel) Option {
	return func(s *Server) { s.channels = append([]Channel(nil), chs...) }
}

// WithUsers declares people, guests among them. A user ID that appears
// only among a channel's or a user group's members is known too, as a
// full member of the workspace.
func WithUsers(users ...User) Option {
	return func(s *Server) { s.users = append(s.users, users...) }
}

// WithUserGroups declares user groups.
func WithUserGroups(groups ...UserGroup) Option {
	return func(s *Server) { s.usergroups = append(s.usergroups, groups...) }
}

// WithPingInterval sets how often the server pings each WebSocket, as
// Slack does; the client takes a connection without pings for dead.
// Zero turns pings off. The default is 5s.
func WithPingInterval(d time.Duration) Option { return func(s *Server) { s.pingEvery = d } }

// Server is the stand-in. Create it with [New].
type Server struct {
	srv *httptest.Server

	mu         sync.Mutex
	token      string
	appToken   string
	channels   []Channel
	users      []User
	usergroups []UserGroup
	pingEvery  time.Duration

	calls        map[string]int
	messages     []Message
	uploads      map[string]*upload // by file ID, until completed
	files        []File
	webhookPosts []WebhookPost
	replies      map[string][]Reply
	acks         []Ack
	seq          int // for ts, file IDs, envelope IDs, tickets

	rateLimitN     int
	rateLimitAfter time.Duration
	statusN        int
	status         int
	failures       map[string]string
	missingScope   bool
	// scopes are listed in X-OAuth-Scopes; nil sends no such header.
	scopes []string
	// deliveredFaults are what the next chat.postMessage calls that post
	// do after posting, oldest first.
	deliveredFaults []deliveredFault

	sockets     map[*socket]bool // live connections
	connections int              // ever accepted
	ackWaiters  map[string]chan Ack
}

type upload struct {
	name, alt string
	length    int
	data      []byte
	done      bool
}

// New starts a Server that closes when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		token:      DefaultToken,
		scopes:     Scopes,
		appToken:   DefaultAppToken,
		channels:   []Channel{{ID: DefaultChannelID, Name: DefaultChannelName, Members: []string{DefaultUserID}}},
		pingEvery:  5 * time.Second,
		calls:      map[string]int{},
		uploads:    map[string]*upload{},
		replies:    map[string][]Reply{},
		failures:   map[string]string{},
		sockets:    map[*socket]bool{},
		ackWaiters: map[string]chan Ack{},
	}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	t.Cleanup(s.Close)
	return s
}

// Close drops every WebSocket and stops the server. It is called when the
// test ends; calling it earlier makes every later request fail, as an
// unreachable Slack would.
func (s *Server) Close() {
	s.DropSocket()
	s.srv.Close()
}

// URL is the Web API base URL, ending in "/api/", for slack.OptionAPIURL
// and SLACK_API_URL.
func (s *Server) URL() string { return s.srv.URL + "/api/" }

// WebhookURL is the incoming webhook's URL. Like a real one, it is a
// secret: whoever has it can post.
func (s *Server) WebhookURL() string { return s.srv.URL + webhookPath }

// ResponseURL is the response URL of a slash command named name; replies
// to it are kept under that name.
func (s *Server) ResponseURL(name string) string { return s.srv.URL + "/commands/" + name }

// Token is the bot token the server accepts.
func (s *Server) Token() string { return s.token }

// AppToken is the app-level token the server accepts.
func (s *Server) AppToken() string { return s.appToken }

// RateLimitNext makes the next n HTTP requests (Web API, upload, webhook
// or response URL) answer 429 Too Many Requests with a Retry-After of
// retryAfter in whole seconds, rounded up.
func (s *Server) RateLimitNext(n int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateLimitN, s.rateLimitAfter = n, retryAfter
}

// FailNextStatus makes the next n HTTP requests answer the HTTP status
// code (a 5xx, say) with an HTML body, as Slack's load balancers do.
func (s *Server) FailNextStatus(n, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.statusN, s.status = n, code
}

// deliveredFault is what a chat.postMessage call does after it posts:
// answer an HTTP status, or nothing until the client gives up or stall
// has passed.
type deliveredFault struct {
	status int
	stall  time.Duration
}

// DeliverThenFail makes the next n chat.postMessage calls post their
// message and then answer the HTTP status code (a 5xx, say) instead of
// the message's ts, as when Slack fails after it has delivered.
func (s *Server) DeliverThenFail(n, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.deliveredFaults = append(s.deliveredFaults, deliveredFault{status: code})
	}
}

// DeliverThenStall makes the next n chat.postMessage calls post their
// message and then send no answer, until the client gives up on the
// request or d has passed (then the connection is dropped), as when Slack
// is slow to answer a post it has delivered.
func (s *Server) DeliverThenStall(n int, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.deliveredFaults = append(s.deliveredFaults, deliveredFault{stall: d})
	}
}

// Fail makes every call of method answer the Slack error slackError until
// it is called again with "". method is a Web API method such as
// "chat.postMessage", or "webhook", "upload" or "response_url"; those
// three answer with the HTTP status Slack uses for the error.
func (s *Server) Fail(method, slackError string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if slackError == "" {
		delete(s.failures, method)
		return
	}
	s.failures[method] = slackError
}

// MissingFilesScope makes files.getUploadURLExternal answer missing_scope
// (needed: files:write), as Slack does for a token without that scope.
func (s *Server) MissingFilesScope(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.missingScope = on
}

// Calls is how many requests reached method: a Web API method such as
// "chat.postMessage", or "webhook", "upload", "response_url", "websocket".
// Requests answered with an injected failure count too.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// Messages returns the messages posted with chat.postMessage, oldest
// first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Files returns the files shared with files.completeUploadExternal.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]File(nil), s.files...)
}

// WebhookPosts returns the messages posted to the incoming webhook.
func (s *Server) WebhookPosts() []WebhookPost {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]WebhookPost(nil), s.webhookPosts...)
}

// Replies returns the replies posted to [Server.ResponseURL] of name.
func (s *Server) Replies(name string) []Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Reply(nil), s.replies[name]...)
}

// WaitReplies waits until name has at least n replies, or timeout, and
// returns the replies it has then.
func (s *Server) WaitReplies(name string, n int, timeout time.Duration) []Reply {
	waitFor(timeout, func() bool { return len(s.Replies(name)) >= n })
	return s.Replies(name)
}

// Acks returns the Socket Mode acknowledgements received.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ack(nil), s.acks...)
}

// Connections is how many WebSocket connections the server has accepted.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connections
}

// waitFor polls cond until it holds or timeout passes. Polling keeps the
// server free of channels that a synctest bubble could claim.
func waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// serveHTTP routes a request and applies the injected faults.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	method, ok := s.route(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if method == "websocket" {
		s.serveSocket(w, r)
		return
	}
	if s.injectFault(w, method) {
		return
	}
	if method == "chat.postMessage" {
		s.servePost(w, r)
		return
	}
	switch method {
	case "webhook":
		s.serveWebhook(w, r)
	case "response_url":
		s.serveResponseURL(w, r, strings.TrimPrefix(r.URL.Path, "/commands/"))
	case "upload":
		s.serveUpload(w, r, strings.TrimPrefix(r.URL.Path, "/upload/"))
	default:
		s.serveAPI(w, r, method)
	}
}

// servePost answers chat.postMessage, applying a delivered fault to a
// call that posts.
func (s *Server) servePost(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	s.serveAPI(rec, r, "chat.postMessage")
	var answer struct{ OK bool }
	_ = json.Unmarshal(rec.Body.Bytes(), &answer)
	s.mu.Lock()
	var fault *deliveredFault
	if answer.OK && len(s.deliveredFaults) > 0 {
		fault = &s.deliveredFaults[0]
		s.deliveredFaults = s.deliveredFaults[1:]
	}
	s.mu.Unlock()
	switch {
	case fault == nil:
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	case fault.status != 0:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(fault.status)
		fmt.Fprintf(w, "<html><body>%d %s</body></html>", fault.status, http.StatusText(fault.status))
	default:
		t := time.NewTimer(fault.stall)
		defer t.Stop()
		select {
		case <-r.Context().Done():
		case <-t.C:
		}
		// No answer: drop the connection, as a load balancer that gave
		// up would.
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
			}
		}
	}
}

// route names the endpoint of path, as counted by Calls.
func (s *Server) route(path string) (string, bool) {
	switch {
	case strings.HasPrefix(path, "/api/"):
		return strings.TrimPrefix(path, "/api/"), true
	case path == webhookPath:
		return "webhook", true
	case strings.HasPrefix(path, "/commands/"):
		return "response_url", true
	case strings.HasPrefix(path, "/upload/"):
		return "upload", true
	case path == "/link/":
		return "websocket", true
	case strings.HasPrefix(path, "/services/"):
		// A webhook URL that is not this server's: Slack says no_service.
		return "webhook", true
	}
	return "", false
}

// injectFault counts the call and answers an injected rate limit or HTTP
// error, reporting whether it did.
func (s *Server) injectFault(w http.ResponseWriter, method string) bool {
	s.mu.Lock()
	s.calls[method]++
	switch {
	case s.rateLimitN > 0:
		s.rateLimitN--
		secs := int((s.rateLimitAfter + time.Second - 1) / time.Second)
		s.mu.Unlock()
		w.Header().Set("Retry-After", fmt.Sprint(secs))
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"ok": false, "error": "ratelimited"})
		return true
	case s.statusN > 0:
		s.statusN--
		code := s.status
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(code)
		fmt.Fprintf(w, "<html><body>%d %s</body></html>", code, http.StatusText(code))
		return true
	}
	s.mu.Unlock()
	return false
}

// nextID returns prefix followed by a new sequence number.
func (s *Server) nextID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%06d", prefix, s.seq)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
