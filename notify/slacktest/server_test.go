package slacktest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

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

// TestServerPeople asks who is where through slack-go, as the real Web API
// would answer: conversations.members a page at a time, users.info with
// the guest flags, user groups by handle and their members.
func TestServerPeople(t *testing.T) {
	var many []string
	for i := range 450 {
		many = append(many, fmt.Sprintf("U%04d", i))
	}
	srv := slacktest.New(t,
		slacktest.WithChannels(
			slacktest.Channel{ID: "C1", Name: "finance", Members: many},
			slacktest.Channel{ID: "G2", Name: "board", Private: true, NotMember: true, Members: []string{"U0001"}},
		),
		slacktest.WithUsers(
			slacktest.User{ID: "U0GUEST", Name: "guest", Guest: true},
			slacktest.User{ID: "U0SINGLE", Name: "single", SingleChannelGuest: true},
			slacktest.User{ID: "U0GONE", Name: "gone", Deleted: true},
		),
		slacktest.WithUserGroups(
			slacktest.UserGroup{ID: "S1", Handle: "finance-leads", Users: []string{"U0CFO"}},
			slacktest.UserGroup{ID: "S2", Handle: "old", Users: []string{"U0OLD"}, Disabled: true},
		),
	)
	api := slack.New(srv.Token(), slack.OptionAPIURL(srv.URL()))
	ctx := t.Context()

	var got []string
	params := &slack.GetUsersInConversationParameters{ChannelID: "C1", Limit: 200}
	pages := 0
	for {
		page, next, err := api.GetUsersInConversationContext(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		got, params.Cursor = append(got, page...), next
		pages++
		if next == "" {
			break
		}
	}
	if diff := cmp.Diff(many, got); diff != "" || pages != 3 {
		t.Errorf("members in %d pages (-want +got):\n%s", pages, diff)
	}
	if _, _, err := api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: "G2"}); err == nil || err.Error() != "channel_not_found" {
		t.Errorf("a private channel without the bot: %v, want channel_not_found", err)
	}

	for _, tc := range []struct {
		id                string
		restricted, ultra bool
		deleted           bool
		err               string
	}{
		{id: "U0007"},
		{id: "U0CFO"},
		{id: "U0GUEST", restricted: true},
		{id: "U0SINGLE", restricted: true, ultra: true},
		{id: "U0GONE", deleted: true},
		{id: "U0NOBODY", err: "user_not_found"},
	} {
		u, err := api.GetUserInfoContext(ctx, tc.id)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%s: %v, want %s", tc.id, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.id, err)
		}
		if u.ID != tc.id || u.IsRestricted != tc.restricted || u.IsUltraRestricted != tc.ultra || u.Deleted != tc.deleted {
			t.Errorf("%s: %+v", tc.id, u)
		}
	}

	groups, err := api.GetUserGroupsContext(ctx)
	if err != nil || len(groups) != 1 || groups[0].Handle != "finance-leads" || len(groups[0].Users) != 0 {
		t.Errorf("usergroups.list = %+v, %v; want finance-leads alone, without its users", groups, err)
	}
	if users, err := api.GetUserGroupMembersContext(ctx, "S1"); err != nil || !slices.Equal(users, []string{"U0CFO"}) {
		t.Errorf("usergroups.users.list S1 = %v, %v", users, err)
	}
	if _, err := api.GetUserGroupMembersContext(ctx, "S2"); err == nil || err.Error() != "no_such_subteam" {
		t.Errorf("a disabled group: %v, want no_such_subteam", err)
	}
}
