package slacktest

import (
	"io"
	"net/http"
	"net/http/httptest"
)

// Client returns an HTTP client that hands each request straight to the
// server's handler in the calling goroutine, without a network
// connection. Requests go to the same URLs as over the network (URL,
// WebhookURL, ResponseURL); the WebSocket needs the network and is not
// served this way.
//
// It exists for tests under testing/synctest, where a goroutine blocked on
// a socket keeps the fake clock from moving: with this client a retry that
// waits out a Retry-After takes no real time. Create the Server outside
// the bubble.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: inProcess{s}}
}

// inProcess is the RoundTripper of [Server.Client].
type inProcess struct{ s *Server }

func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		defer req.Body.Close()
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	sreq := req.Clone(req.Context())
	sreq.RequestURI = req.URL.RequestURI()
	sreq.RemoteAddr = "192.0.2.1:4242"
	if sreq.Body == nil {
		sreq.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	t.s.serveHTTP(rec, sreq)
	// A request the client gave up on got no answer it could read.
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	// Let the client see the end of a body the handler left unread, as a
	// server closing the request would.
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
	}
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}
