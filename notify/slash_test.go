package notify_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mrrbot/mrrbot/notify"
	"github.com/mrrbot/mrrbot/notify/slacktest"
)

// Slack's documented example of a signed request.
const (
	docSecret    = "8f742231b10e8888abcd99yyyzzz85a5"
	docTimestamp = 1531420618
	docBody      = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	docSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

func TestSign(t *testing.T) {
	ts, sig := slacktest.Sign(docSecret, time.Unix(docTimestamp, 0), []byte(docBody))
	if ts != "1531420618" || sig != docSignature {
		t.Errorf("Sign = %s, %s; want 1531420618, %s", ts, sig, docSignature)
	}
}

// signedRequest is a slash command request signed at ts with secret.
func signedRequest(body []byte, secret string, ts time.Time) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/slack/commands", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	stamp, sig := slacktest.Sign(secret, ts, body)
	r.Header.Set("X-Slack-Request-Timestamp", stamp)
	r.Header.Set("X-Slack-Signature", sig)
	return r
}

func TestVerifyRequest(t *testing.T) {
	const secret = "test-signing-secret"
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	body := []byte("command=%2Fmrr&text=2026-10&user_id=U1&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F1%2Fx")

	for _, tc := range []struct {
		name    string
		req     func() *http.Request
		maxBody int64
		want    error
	}{
		{name: "good", req: func() *http.Request { return signedRequest(body, secret, now) }},
		{name: "4m59s old", req: func() *http.Request { return signedRequest(body, secret, now.Add(-4*time.Minute-59*time.Second)) }},
		{name: "4m59s ahead", req: func() *http.Request { return signedRequest(body, secret, now.Add(4*time.Minute+59*time.Second)) }},
		{name: "body at the limit", maxBody: int64(len(body)), req: func() *http.Request { return signedRequest(body, secret, now) }},
		{name: "forged", want: notify.ErrBadSignature, req: func() *http.Request { return signedRequest(body, "another-secret", now) }},
		{name: "body changed", want: notify.ErrBadSignature, req: func() *http.Request {
			r := signedRequest(body, secret, now)
			r.Body = io.NopCloser(strings.NewReader(strings.Replace(string(body), "2026-10", "2026-09", 1)))
			return r
		}},
		{name: "timestamp changed", want: notify.ErrBadSignature, req: func() *http.Request {
			r := signedRequest(body, secret, now)
			// Replayed with a fresh timestamp: still in the window.
			r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now.Unix()+1, 10))
			return r
		}},
		{name: "no signature", want: notify.ErrBadSignature, req: func() *http.Request {
			r := signedRequest(body, secret, now)
			r.Header.Del("X-Slack-Signature")
			return r
		}},
		{name: "no timestamp", want: notify.ErrBadSignature, req: func() *http.Request {
			r := signedRequest(body, secret, now)
			r.Header.Del("X-Slack-Request-Timestamp")
			return r
		}},
		{name: "timestamp not a number", want: notify.ErrBadSignature, req: func() *http.Request {
			r := signedRequest(body, secret, now)
			r.Header.Set("X-Slack-Request-Timestamp", "yesterday")
			return r
		}},
		{name: "6 minutes old", want: notify.ErrStale, req: func() *http.Request { return signedRequest(body, secret, now.Add(-6*time.Minute)) }},
		{name: "6 minutes ahead", want: notify.ErrStale, req: func() *http.Request { return signedRequest(body, secret, now.Add(6*time.Minute)) }},
		{name: "too large", maxBody: int64(len(body)) - 1, want: notify.ErrTooLarge, req: func() *http.Request { return signedRequest(body, secret, now) }},
		{name: "too large, length unknown", maxBody: int64(len(body)) - 1, want: notify.ErrTooLarge, req: func() *http.Request {
			r := signedRequest(body, secret, now)
			r.ContentLength = -1
			return r
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.req()
			got, err := notify.VerifyRequest(r, secret, clock, tc.maxBody)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if tc.want != nil {
				return
			}
			if !bytes.Equal(got, body) {
				t.Errorf("body = %q, want %q", got, body)
			}
			// The request can still be parsed as a form.
			if err := r.ParseForm(); err != nil || r.PostForm.Get("text") != "2026-10" {
				t.Errorf("form after VerifyRequest: %v, %v", r.PostForm, err)
			}
		})
	}
}

func TestVerifyRequestNoSecret(t *testing.T) {
	now := time.Now()
	r := signedRequest([]byte("command=%2Fmrr"), "", now)
	if _, err := notify.VerifyRequest(r, "", func() time.Time { return now }, 0); !errors.Is(err, notify.ErrBadSignature) {
		t.Errorf("err = %v, want ErrBadSignature with no secret configured", err)
	}
}

func TestVerifyRequestErrorsAreDistinct(t *testing.T) {
	errs := []error{notify.ErrBadSignature, notify.ErrStale, notify.ErrTooLarge}
	for i, a := range errs {
		for j, b := range errs {
			if i != j && errors.Is(a, b) {
				t.Errorf("%v is %v", a, b)
			}
		}
	}
}

func TestParseCommand(t *testing.T) {
	got, err := notify.ParseCommand([]byte(docBody))
	if err != nil {
		t.Fatal(err)
	}
	want := notify.Command{
		Command: "/webhook-collect", Text: "", ChannelID: "G8PSS9T3V", ChannelName: "foobar",
		UserID: "U2CERLKJA", UserName: "roadrunner", TeamID: "T1DC2JH3J",
		ResponseURL: "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN",
		TriggerID:   "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseCommand (-want +got):\n%s", diff)
	}

	got, err = notify.ParseCommand([]byte("command=%2Fmrr&text=2026-10+detail"))
	if err != nil || got.Command != "/mrr" || got.Text != "2026-10 detail" {
		t.Errorf("ParseCommand = %+v, %v", got, err)
	}

	for _, bad := range []string{"", "text=2026-10", "command=%zz"} {
		if _, err := notify.ParseCommand([]byte(bad)); err == nil {
			t.Errorf("ParseCommand(%q) succeeded", bad)
		}
	}
}

func FuzzParseCommand(f *testing.F) {
	f.Add([]byte(docBody))
	f.Add([]byte("command=%2Fmrr&text=help"))
	f.Add([]byte("command=%2Fmrr&text=%zz"))
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := notify.ParseCommand(body)
		if err != nil {
			return
		}
		if c.Command == "" {
			t.Fatal("parsed a command without a command")
		}
		// What parsed encodes and parses back to the same command.
		v := url.Values{
			"command": {c.Command}, "text": {c.Text}, "channel_id": {c.ChannelID}, "channel_name": {c.ChannelName},
			"user_id": {c.UserID}, "user_name": {c.UserName}, "team_id": {c.TeamID},
			"response_url": {c.ResponseURL}, "trigger_id": {c.TriggerID},
		}
		again, err := notify.ParseCommand([]byte(v.Encode()))
		if err != nil || again != c {
			t.Fatalf("round trip: %+v, %v; want %+v", again, err, c)
		}
	})
}

func FuzzVerifyRequest(f *testing.F) {
	f.Add([]byte(docBody), "secret", int64(0))
	f.Add([]byte{}, "s", int64(299))
	f.Fuzz(func(t *testing.T, body []byte, secret string, skewSeconds int64) {
		if secret == "" || len(body) > notify.DefaultMaxBody {
			return
		}
		now := time.Unix(1_790_000_000, 0)
		skew := time.Duration(skewSeconds%1000) * time.Second
		r := signedRequest(body, secret, now.Add(skew))
		got, err := notify.VerifyRequest(r, secret, func() time.Time { return now }, 0)
		stale := skew > notify.MaxSkew || skew < -notify.MaxSkew
		switch {
		case stale && !errors.Is(err, notify.ErrStale):
			t.Fatalf("skew %s: err = %v, want ErrStale", skew, err)
		case !stale && (err != nil || !bytes.Equal(got, body)):
			t.Fatalf("skew %s: err = %v", skew, err)
		}
		// The same request under another secret never verifies.
		r = signedRequest(body, secret+"x", now)
		if _, err := notify.VerifyRequest(r, secret, func() time.Time { return now }, 0); !errors.Is(err, notify.ErrBadSignature) {
			t.Fatalf("wrong secret: err = %v", err)
		}
	})
}

func TestRespond(t *testing.T) {
	srv := slacktest.New(t)
	msg := digest()
	for _, tc := range []struct {
		name      string
		inChannel bool
		want      string
	}{
		{"in channel", true, "in_channel"},
		{"ephemeral", false, "ephemeral"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := notify.Respond(t.Context(), nil, srv.ResponseURL(tc.name), msg, tc.inChannel); err != nil {
				t.Fatal(err)
			}
			replies := srv.Replies(tc.name)
			if len(replies) != 1 {
				t.Fatalf("replies = %d, want 1", len(replies))
			}
			r := replies[0]
			if r.ResponseType != tc.want || r.Text != msg.Text || r.ReplaceOriginal == nil || *r.ReplaceOriginal {
				t.Errorf("reply = %s", r.Raw)
			}
			if len(r.Blocks) == 0 {
				t.Errorf("reply without blocks: %s", r.Raw)
			}
		})
	}
}

func TestRespondExpired(t *testing.T) {
	srv := slacktest.New(t)
	srv.Fail("response_url", "expired_url")
	err := notify.Respond(t.Context(), nil, srv.ResponseURL("old"), digest(), false)
	if err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("err = %v, want it to say the URL expired", err)
	}
	if err != nil && strings.Contains(err.Error(), srv.ResponseURL("old")) {
		t.Errorf("error shows the response URL: %v", err)
	}
}
