package gsheets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"
)

// scriptedTransport is a fake RoundTripper for tests inside a synctest
// bubble, where httptest servers cannot run. Attempt n (from 1) is answered
// by replies[n-1], or by the last reply once the script runs out. It
// records every attempt, and every response body it hands out.
type scriptedTransport struct {
	replies []scriptedReply

	mu       sync.Mutex
	attempts []scriptedAttempt
	bodies   []*trackedBody
}

type scriptedReply struct {
	status int
	header http.Header
	err    error
}

type scriptedAttempt struct {
	at     time.Time
	method string
	body   string
	auth   string
}

func (s *scriptedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		_ = req.Body.Close()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts = append(s.attempts, scriptedAttempt{at: time.Now(), method: req.Method, body: string(body), auth: req.Header.Get("Authorization")})
	n := len(s.attempts)
	r := s.replies[min(n, len(s.replies))-1]
	if r.err != nil {
		return nil, r.err
	}
	b := &trackedBody{Reader: strings.NewReader(fmt.Sprintf("attempt %d", n))}
	s.bodies = append(s.bodies, b)
	h := r.header
	if h == nil {
		h = http.Header{}
	}
	return &http.Response{StatusCode: r.status, Status: http.StatusText(r.status), Header: h, Body: b, Request: req}, nil
}

func (s *scriptedTransport) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.attempts)
}

// openBodies counts the response bodies that were handed out and not
// closed.
func (s *scriptedTransport) openBodies() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, b := range s.bodies {
		if !b.closed {
			n++
		}
	}
	return n
}

type trackedBody struct {
	io.Reader
	closed bool
}

func (b *trackedBody) Close() error { b.closed = true; return nil }

func replyStatus(code int) scriptedReply { return scriptedReply{status: code} }

func replyRetryAfter(code int, v string) scriptedReply {
	return scriptedReply{status: code, header: http.Header{"Retry-After": {v}}}
}

// testLogSink sends log output to t.Log, and to buf when it is set.
type testLogSink struct {
	t   testing.TB
	buf *bytes.Buffer
	mu  sync.Mutex
}

func (w *testLogSink) Write(p []byte) (int, error) {
	w.t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf != nil {
		w.buf.Write(p)
	}
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

func slogToTest(t testing.TB, buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(&testLogSink{t: t, buf: buf}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func sheetsGet(t *testing.T, ctx context.Context) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://sheets.example/v4/spreadsheets/abc", nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestRetryHonoursRetryAfterSeconds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &scriptedTransport{replies: []scriptedReply{replyRetryAfter(429, "2"), replyStatus(200)}}
		r := &Retry{Base: ft, Logger: slogToTest(t, nil)}
		start := time.Now()
		resp, err := r.RoundTrip(sheetsGet(t, t.Context()))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("status = %d, want 200", resp.StatusCode)
		}
		if got := ft.count(); got != 2 {
			t.Errorf("attempts = %d, want 2", got)
		}
		if got := time.Since(start); got != 2*time.Second {
			t.Errorf("waited %v, want 2s", got)
		}
		if got := ft.openBodies(); got != 1 {
			t.Errorf("open response bodies = %d, want 1 (the one returned)", got)
		}
	})
}

func TestRetryHonoursRetryAfterDate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		when := time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)
		ft := &scriptedTransport{replies: []scriptedReply{replyRetryAfter(503, when), replyStatus(200)}}
		r := &Retry{Base: ft}
		start := time.Now()
		resp, err := r.RoundTrip(sheetsGet(t, t.Context()))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := time.Since(start); got != 3*time.Second {
			t.Errorf("waited %v, want 3s", got)
		}
	})
}

func TestRetryCapsRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &scriptedTransport{replies: []scriptedReply{replyRetryAfter(429, "3600"), replyStatus(200)}}
		r := &Retry{Base: ft, MaxDelay: 10 * time.Second}
		start := time.Now()
		resp, err := r.RoundTrip(sheetsGet(t, t.Context()))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := time.Since(start); got != 10*time.Second {
			t.Errorf("waited %v, want MaxDelay 10s", got)
		}
	})
}

func TestRetryBacksOffExponentially(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &scriptedTransport{replies: []scriptedReply{replyStatus(503), replyStatus(503), replyStatus(503), replyStatus(503), replyStatus(200)}}
		type retry struct{ status, attempt int }
		var retries []retry
		r := &Retry{
			Base:    ft,
			Logger:  slogToTest(t, nil),
			Rand:    func() float64 { return 1 }, // the top of each jitter range
			OnRetry: func(status, attempt int) { retries = append(retries, retry{status, attempt}) },
		}
		start := time.Now()
		resp, err := r.RoundTrip(sheetsGet(t, t.Context()))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("status = %d, want 200", resp.StatusCode)
		}
		var gaps []time.Duration
		prev := start
		for _, a := range ft.attempts {
			gaps = append(gaps, a.at.Sub(prev))
			prev = a.at
		}
		wantGaps := []time.Duration{0, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second}
		if diff := cmp.Diff(wantGaps, gaps); diff != "" {
			t.Errorf("waits between attempts (-want +got):\n%s", diff)
		}
		wantRetries := []retry{{503, 1}, {503, 2}, {503, 3}, {503, 4}}
		if diff := cmp.Diff(wantRetries, retries, cmp.AllowUnexported(retry{})); diff != "" {
			t.Errorf("OnRetry calls (-want +got):\n%s", diff)
		}
		if got := ft.openBodies(); got != 1 {
			t.Errorf("open response bodies = %d, want 1", got)
		}
	})
}

func TestRetryJitterStaysInRange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &scriptedTransport{replies: []scriptedReply{replyStatus(503), replyStatus(503), replyStatus(503), replyStatus(503), replyStatus(200)}}
		r := &Retry{Base: ft} // default Rand
		start := time.Now()
		resp, err := r.RoundTrip(sheetsGet(t, t.Context()))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := ft.count(); got != 5 {
			t.Errorf("attempts = %d, want 5", got)
		}
		if got, ceiling := time.Since(start), 7500*time.Millisecond; got > ceiling {
			t.Errorf("waited %v, want at most %v", got, ceiling)
		}
	})
}

func TestRetryReturnsLastResponse(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &scriptedTransport{replies: []scriptedReply{replyStatus(500)}}
		r := &Retry{Base: ft, MaxAttempts: 3, MaxDelay: time.Second}
		resp, err := r.RoundTrip(sheetsGet(t, t.Context()))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 500 {
			t.Errorf("status = %d, want 500", resp.StatusCode)
		}
		if got := ft.count(); got != 3 {
			t.Errorf("attempts = %d, want MaxAttempts 3", got)
		}
		body, _ := io.ReadAll(resp.Body)
		if string(body) != "attempt 3" {
			t.Errorf("body = %q, want the last attempt's", body)
		}
		if got := ft.openBodies(); got != 1 {
			t.Errorf("open response bodies = %d, want 1", got)
		}
	})
}

func TestRetryStopsWhenContextDone(t *testing.T) {
	for _, tc := range []struct {
		name string
		ctx  func(context.Context) (context.Context, context.CancelFunc)
		want error
	}{
		{"cancel", func(ctx context.Context) (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(ctx)
			time.AfterFunc(time.Second, cancel)
			return ctx, cancel
		}, context.Canceled},
		{"deadline", func(ctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeout(ctx, time.Second)
		}, context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ft := &scriptedTransport{replies: []scriptedReply{replyRetryAfter(503, "20"), replyStatus(200)}}
				r := &Retry{Base: ft}
				ctx, cancel := tc.ctx(t.Context())
				defer cancel()
				start := time.Now()
				resp, err := r.RoundTrip(sheetsGet(t, ctx))
				if !errors.Is(err, tc.want) {
					t.Fatalf("RoundTrip = %v, %v; want %v", resp, err, tc.want)
				}
				if got := time.Since(start); got != time.Second {
					t.Errorf("returned after %v, want 1s", got)
				}
				if got := ft.count(); got != 1 {
					t.Errorf("attempts = %d, want 1", got)
				}
				if got := ft.openBodies(); got != 0 {
					t.Errorf("open response bodies = %d, want 0", got)
				}
			})
		})
	}
}

func TestRetryDoneContextSendsNothing(t *testing.T) {
	ft := &scriptedTransport{replies: []scriptedReply{replyStatus(200)}}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := (&Retry{Base: ft}).RoundTrip(sheetsGet(t, ctx))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if got := ft.count(); got != 0 {
		t.Errorf("attempts = %d, want 0", got)
	}
}

func TestRetryReplaysBody(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &scriptedTransport{replies: []scriptedReply{replyStatus(503), replyStatus(502), replyStatus(200)}}
		c := &http.Client{Transport: &Retry{Base: ft}}
		const body = `{"requests":[{"addSheet":{"properties":{"title":"MRR Summary"}}}]}`
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, "https://sheets.example/v4/spreadsheets/abc:batchUpdate", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := ft.count(); got != 3 {
			t.Fatalf("attempts = %d, want 3", got)
		}
		for i, a := range ft.attempts {
			if a.method != http.MethodPost || a.body != body {
				t.Errorf("attempt %d: %s %q, want POST %q", i+1, a.method, a.body, body)
			}
		}
	})
}

func TestRetryDoesNotReplayOneShotBody(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &scriptedTransport{replies: []scriptedReply{replyStatus(503), replyStatus(200)}}
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, "https://sheets.example/x", io.NopCloser(strings.NewReader("once")))
		if err != nil {
			t.Fatal(err)
		}
		if req.GetBody != nil {
			t.Fatal("test needs a body without GetBody")
		}
		resp, err := (&Retry{Base: ft}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 503 || ft.count() != 1 {
			t.Errorf("got status %d after %d attempts, want 503 after 1", resp.StatusCode, ft.count())
		}
	})
}

func TestRetryLeavesOtherStatusesAlone(t *testing.T) {
	for _, code := range []int{200, 400, 401, 403, 404, 409, 501} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ft := &scriptedTransport{replies: []scriptedReply{replyStatus(code), replyStatus(200)}}
				resp, err := (&Retry{Base: ft}).RoundTrip(sheetsGet(t, t.Context()))
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != code || ft.count() != 1 {
					t.Errorf("got status %d after %d attempts, want %d after 1", resp.StatusCode, ft.count(), code)
				}
			})
		})
	}
}

func TestRetryTransportErrors(t *testing.T) {
	refused := &oauth2.RetrieveError{Response: &http.Response{StatusCode: 400, Status: "400 Bad Request"}, ErrorCode: "invalid_grant"}
	busy := &oauth2.RetrieveError{Response: &http.Response{StatusCode: 503, Status: "503 Service Unavailable"}}
	for _, tc := range []struct {
		name         string
		first        error
		wantAttempts int
	}{
		{"network", errors.New("connection reset by peer"), 2},
		{"token endpoint busy", busy, 2},
		{"token refused", refused, 1},
		{"context", fmt.Errorf("dial: %w", context.DeadlineExceeded), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ft := &scriptedTransport{replies: []scriptedReply{{err: tc.first}, replyStatus(200)}}
				resp, err := (&Retry{Base: ft}).RoundTrip(sheetsGet(t, t.Context()))
				if tc.wantAttempts == 1 {
					if !errors.Is(err, tc.first) {
						t.Errorf("err = %v, want %v", err, tc.first)
					}
				} else if err != nil {
					t.Errorf("err = %v, want success", err)
				} else {
					resp.Body.Close()
				}
				if got := ft.count(); got != tc.wantAttempts {
					t.Errorf("attempts = %d, want %d", got, tc.wantAttempts)
				}
			})
		})
	}
}

func TestRetryLogsNoSecrets(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const query, token = "access_token=query-secret-123", "Bearer header-secret-456"
		ft := &scriptedTransport{replies: []scriptedReply{replyRetryAfter(429, "1"), replyStatus(200)}}
		var buf bytes.Buffer
		r := &Retry{Base: ft, Logger: slogToTest(t, &buf)}
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://sheets.example/v4/spreadsheets/abc?"+query, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", token)
		resp, err := r.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := ft.attempts[1].auth; got != token {
			t.Errorf("retried request lost its header: Authorization = %q", got)
		}
		log := buf.String()
		for _, want := range []string{`msg="retrying sheets request"`, "status=429", "attempt=1", "wait=1s"} {
			if !strings.Contains(log, want) {
				t.Errorf("log lacks %s:\n%s", want, log)
			}
		}
		for _, secret := range []string{"query-secret-123", "header-secret-456"} {
			if strings.Contains(log, secret) {
				t.Errorf("log contains %q:\n%s", secret, log)
			}
		}
	})
}
