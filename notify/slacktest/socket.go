package slacktest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
)

// socket is one Socket Mode WebSocket connection.
type socket struct {
	conn    *websocket.Conn
	writeMu sync.Mutex // gorilla allows one writer at a time
	closed  chan struct{}
	once    sync.Once
}

func (c *socket) writeJSON(v any) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	_ = c.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.conn.WriteJSON(v)
}

// close drops the connection without a close frame, as a network failure
// would.
func (c *socket) close() {
	c.once.Do(func() {
		_ = c.conn.Close()
		close(c.closed)
	})
}

// envelope is a Socket Mode message from Slack.
type envelope struct {
	Type                   string          `json:"type"`
	EnvelopeID             string          `json:"envelope_id,omitempty"`
	Payload                json.RawMessage `json:"payload,omitempty"`
	AcceptsResponsePayload bool            `json:"accepts_response_payload,omitempty"`
	RetryAttempt           int             `json:"retry_attempt"`
	RetryReason            string          `json:"retry_reason,omitempty"`
	NumConnections         int             `json:"num_connections,omitempty"`
	ConnectionInfo         map[string]any  `json:"connection_info,omitempty"`
	DebugInfo              map[string]any  `json:"debug_info,omitempty"`
}

var upgrader = websocket.Upgrader{
	// slack-go sends Origin: https://api.slack.com, which is not this host.
	CheckOrigin: func(*http.Request) bool { return true },
}

// serveSocket accepts a WebSocket at the URL apps.connections.open gave
// out, greets it with hello, pings it and reads acknowledgements until it
// closes.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls["websocket"]++
	s.mu.Unlock()
	if r.URL.Query().Get("ticket") == "" {
		http.Error(w, "no ticket", http.StatusUnauthorized)
		return
	}
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade answered the client
	}
	c := &socket{conn: conn, closed: make(chan struct{})}
	s.mu.Lock()
	s.sockets[c] = true
	s.connections++
	n := len(s.sockets)
	pingEvery := s.pingEvery
	s.mu.Unlock()
	defer s.forget(c)

	if err := c.writeJSON(envelope{
		Type: "hello", NumConnections: n,
		ConnectionInfo: map[string]any{"app_id": "A0MRRBOT"},
		DebugInfo:      map[string]any{"host": "slacktest", "approximate_connection_time": 18060},
	}); err != nil {
		return
	}
	if pingEvery > 0 {
		go c.ping(pingEvery)
	}
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			return
		}
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(data, &ack) != nil || ack.EnvelopeID == "" {
			continue
		}
		a := Ack{EnvelopeID: ack.EnvelopeID, Payload: ack.Payload}
		s.mu.Lock()
		s.acks = append(s.acks, a)
		if ch := s.ackWaiters[a.EnvelopeID]; ch != nil {
			delete(s.ackWaiters, a.EnvelopeID)
			ch <- a // buffered
		}
		s.mu.Unlock()
	}
}

// ping sends WebSocket pings until the connection closes, so that the
// client does not take it for dead.
func (c *socket) ping(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-c.closed:
			return
		case <-t.C:
			if c.conn.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second)) != nil {
				return
			}
		}
	}
}

// forget closes c and removes it from the live connections.
func (s *Server) forget(c *socket) {
	c.close()
	s.mu.Lock()
	delete(s.sockets, c)
	s.mu.Unlock()
}

// DropSocket closes every live WebSocket connection abruptly, as a network
// failure or a Slack restart would; a Socket Mode client is expected to
// open a new one. It returns how many it closed.
func (s *Server) DropSocket() int {
	s.mu.Lock()
	live := make([]*socket, 0, len(s.sockets))
	for c := range s.sockets {
		live = append(live, c)
		delete(s.sockets, c)
	}
	s.mu.Unlock()
	for _, c := range live {
		c.close()
	}
	return len(live)
}

// liveSocket returns a live connection, waiting up to AckTimeout for one.
func (s *Server) liveSocket(deadline time.Time) *socket {
	var c *socket
	waitFor(time.Until(deadline), func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		for sc := range s.sockets {
			c = sc
			return true
		}
		return false
	})
	return c
}

// SendSlashCommand pushes cmd over the Socket Mode WebSocket as a
// slash_commands envelope and returns the client's acknowledgement. It
// waits for a connection if there is none (after [Server.DropSocket], the
// client's reconnection). If the connection drops before the
// acknowledgement, it sends the envelope again on the next connection with
// retry_attempt raised, as Slack does. It gives up after [AckTimeout].
//
// A cmd without a ResponseURL gets [Server.ResponseURL]("default").
func (s *Server) SendSlashCommand(cmd slack.SlashCommand) (Ack, error) {
	if cmd.ResponseURL == "" {
		cmd.ResponseURL = s.ResponseURL("default")
	}
	payload, err := json.Marshal(cmd)
	if err != nil {
		return Ack{}, fmt.Errorf("slacktest: encode slash command: %w", err)
	}
	acked := make(chan Ack, 1)
	s.mu.Lock()
	id := s.nextID("env-")
	s.ackWaiters[id] = acked
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.ackWaiters, id)
		s.mu.Unlock()
	}()

	deadline := time.Now().Add(AckTimeout)
	timeout := time.NewTimer(AckTimeout)
	defer timeout.Stop()
	for attempt := 0; ; attempt++ {
		c := s.liveSocket(deadline)
		if c == nil {
			return Ack{}, errors.New("slacktest: no Socket Mode connection to send the slash command on")
		}
		env := envelope{
			Type: "slash_commands", EnvelopeID: id, Payload: payload,
			AcceptsResponsePayload: true, RetryAttempt: attempt,
		}
		if attempt > 0 {
			env.RetryReason = "timeout"
		}
		if err := c.writeJSON(env); err != nil {
			s.forget(c)
			continue
		}
		select {
		case a := <-acked:
			return a, nil
		case <-c.closed:
			// Dropped: unless the acknowledgement made it, send again.
			select {
			case a := <-acked:
				return a, nil
			default:
			}
		case <-timeout.C:
			return Ack{}, fmt.Errorf("slacktest: slash command %s was not acknowledged within %s", id, AckTimeout)
		}
	}
}
