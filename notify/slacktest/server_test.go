package slacktest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mrrbot/mrrbot/notify/slacktest"
)

// call posts form to a Web API method and decodes the answer.
func call(t *testing.T, hc *http.Client, srv *slacktest.Server, method string, form url.Values) (int, http.Header, map[string]any) {
	t.Helper()
	resp, err := hc.PostForm(srv.URL()+method, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	return resp.StatusCode, resp.Header, body
}

func TestServerChecksLikeSlack(t *testing.T) {
	srv := slacktest.New(t, slacktest.WithChannels(
		slacktest.Channel{ID: "C1", Name: "finance"},
		slacktest.Channel{ID: "G2", Name: "secret", NotMember: true},
	))
	for _, client := range []struct {
		name string
		hc   *http.Client
	}{{"network", &http.Client{}}, {"in process", srv.Client()}} {
		t.Run(client.name, func(t *testing.T) {
			for _, tc := range []struct {
				name string
				form url.Values
				want string // the error, "" for ok
			}{
				{"no token", url.Values{"channel": {"C1"}, "text": {"hi"}}, "not_authed"},
				{"wrong token", url.Values{"token": {"xoxb-wrong"}, "channel": {"C1"}, "text": {"hi"}}, "invalid_auth"},
				{"unknown channel", url.Values{"token": {srv.Token()}, "channel": {"C9"}, "text": {"hi"}}, "channel_not_found"},
				{"not a member", url.Values{"token": {srv.Token()}, "channel": {"#secret"}, "text": {"hi"}}, "not_in_channel"},
				{"no text", url.Values{"token": {srv.Token()}, "channel": {"C1"}}, "no_text"},
				{"by name", url.Values{"token": {srv.Token()}, "channel": {"#finance"}, "text": {"hi"}}, ""},
			} {
				_, _, body := call(t, client.hc, srv, "chat.postMessage", tc.form)
				if tc.want == "" {
					if body["ok"] != true || body["channel"] != "C1" {
						t.Errorf("%s: %v", tc.name, body)
					}
					continue
				}
				if body["ok"] != false || body["error"] != tc.want {
					t.Errorf("%s: %v, want error %s", tc.name, body, tc.want)
				}
			}
		})
	}
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("messages = %d, want 2", n)
	}
	if n := srv.Calls("chat.postMessage"); n != 12 {
		t.Errorf("calls = %d, want 12", n)
	}
}

func TestServerRateLimit(t *testing.T) {
	srv := slacktest.New(t)
	srv.RateLimitNext(1, 1500*time.Millisecond)
	form := url.Values{"token": {srv.Token()}}
	code, h, body := call(t, &http.Client{}, srv, "auth.test", form)
	if code != http.StatusTooManyRequests || h.Get("Retry-After") != "2" || body["error"] != "ratelimited" {
		t.Errorf("got %d, Retry-After %q, %v", code, h.Get("Retry-After"), body)
	}
	if _, _, body := call(t, &http.Client{}, srv, "auth.test", form); body["ok"] != true {
		t.Errorf("after the limit: %v", body)
	}
}

func TestServerWebhookAnswersInText(t *testing.T) {
	srv := slacktest.New(t)
	post := func(u, body string) (int, string) {
		resp, err := (&http.Client{}).Post(u, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, strings.TrimSpace(string(b))
	}
	if code, body := post(srv.WebhookURL(), `{"text":"hi"}`); code != 200 || body != "ok" {
		t.Errorf("good post: %d %q", code, body)
	}
	if code, body := post(srv.WebhookURL()+"x", `{"text":"hi"}`); code != 404 || body != "no_service" {
		t.Errorf("unknown webhook: %d %q", code, body)
	}
	if code, body := post(srv.WebhookURL(), `not json`); code != 400 || body != "invalid_payload" {
		t.Errorf("bad body: %d %q", code, body)
	}
	if n := len(srv.WebhookPosts()); n != 1 {
		t.Errorf("posts = %d, want 1", n)
	}
}

// TestServerHistory posts messages, some with metadata, and reads them
// back with conversations.history as Slack gives them: newest first, a
// page at a time, metadata only when asked, within oldest.
func TestServerHistory(t *testing.T) {
	srv := slacktest.New(t)
	hc := srv.Client()
	tok := srv.Token()
	var tss []string
	for i := range 5 {
		form := url.Values{"token": {tok}, "channel": {slacktest.DefaultChannelID}, "text": {"m" + string(rune('0'+i))}}
		if i%2 == 0 {
			form.Set("metadata", `{"event_type":"mrrbot_digest","event_payload":{"key":"k`+string(rune('0'+i))+`"}}`)
		}
		_, _, body := call(t, hc, srv, "chat.postMessage", form)
		tss = append(tss, body["ts"].(string))
	}
	history := func(extra url.Values) map[string]any {
		form := url.Values{"token": {tok}, "channel": {slacktest.DefaultChannelID}}
		for k, v := range extra {
			form[k] = v
		}
		_, _, body := call(t, hc, srv, "conversations.history", form)
		if body["ok"] != true {
			t.Fatalf("conversations.history %v: %v", extra, body)
		}
		return body
	}
	texts := func(body map[string]any) (out []string) {
		for _, m := range body["messages"].([]any) {
			out = append(out, m.(map[string]any)["text"].(string))
		}
		return out
	}
	body := history(url.Values{"limit": {"2"}, "include_all_metadata": {"1"}})
	if got := strings.Join(texts(body), ","); got != "m4,m3" || body["has_more"] != true {
		t.Errorf("first page = %s (has_more %v), want m4,m3 and more", got, body["has_more"])
	}
	md := body["messages"].([]any)[0].(map[string]any)["metadata"].(map[string]any)
	if md["event_type"] != "mrrbot_digest" || md["event_payload"].(map[string]any)["key"] != "k4" {
		t.Errorf("metadata = %v", md)
	}
	next := body["response_metadata"].(map[string]any)["next_cursor"].(string)
	if got := strings.Join(texts(history(url.Values{"limit": {"2"}, "cursor": {next}})), ","); got != "m2,m1" {
		t.Errorf("second page = %s, want m2,m1", got)
	}
	if m := history(nil)["messages"].([]any)[0].(map[string]any); m["metadata"] != nil {
		t.Errorf("metadata without include_all_metadata: %v", m)
	}
	if got := strings.Join(texts(history(url.Values{"oldest": {tss[2]}})), ","); got != "m4,m3" {
		t.Errorf("after %s = %s, want m4,m3", tss[2], got)
	}
	if got := strings.Join(texts(history(url.Values{"oldest": {tss[2]}, "inclusive": {"1"}})), ","); got != "m4,m3,m2" {
		t.Errorf("from %s = %s, want m4,m3,m2", tss[2], got)
	}
	// Like Slack: an ID, not a name.
	_, _, bad := call(t, hc, srv, "conversations.history", url.Values{"token": {tok}, "channel": {"#" + slacktest.DefaultChannelName}})
	if bad["error"] != "channel_not_found" {
		t.Errorf("history by name: %v", bad)
	}
}

// TestServerDeliveredFaults posts through the faults that leave a client
// unsure: the message is kept either way.
func TestServerDeliveredFaults(t *testing.T) {
	srv := slacktest.New(t)
	form := url.Values{"token": {srv.Token()}, "channel": {slacktest.DefaultChannelID}, "text": {"hello"}}
	srv.DeliverThenFail(1, 503)
	resp, err := http.PostForm(srv.URL()+"chat.postMessage", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Errorf("status %d, want 503", resp.StatusCode)
	}
	srv.DeliverThenStall(1, 50*time.Millisecond)
	if resp, err := http.PostForm(srv.URL()+"chat.postMessage", form); err == nil {
		resp.Body.Close()
		t.Errorf("a stalled post answered %d, want the connection dropped", resp.StatusCode)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("%d messages kept, want 2", n)
	}
}
