package notify_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mrrbot/mrrbot/notify"
	"github.com/mrrbot/mrrbot/notify/slacktest"
)

// peopleServer is a workspace with a finance channel, a guest of each
// kind in it, a deactivated account, and a user group of finance leads.
func peopleServer(t *testing.T) *slacktest.Server {
	t.Helper()
	return slacktest.New(t,
		slacktest.WithChannels(
			slacktest.Channel{ID: "C0FIN", Name: "finance", Members: []string{"U0ALICE", "U0GUEST", "U0SINGLE", "U0GONE"}},
			slacktest.Channel{ID: "C0SALES", Name: "sales", Members: []string{"U0BOB"}},
		),
		slacktest.WithUsers(
			slacktest.User{ID: "U0ALICE", Name: "alice"},
			slacktest.User{ID: "U0GUEST", Name: "guest", Guest: true},
			slacktest.User{ID: "U0SINGLE", Name: "single", SingleChannelGuest: true},
			slacktest.User{ID: "U0GONE", Name: "gone", Deleted: true},
		),
		slacktest.WithUserGroups(slacktest.UserGroup{ID: "S0LEADS", Handle: "finance-leads", Users: []string{"U0CFO", "U0GUEST"}}),
	)
}

func directory(t *testing.T, srv *slacktest.Server) *notify.Directory {
	logger, _ := testLogger(t)
	return notify.NewDirectory(notify.DirectoryConfig{Token: srv.Token(), APIURL: srv.URL(), Logger: logger})
}

func TestDirectoryCheck(t *testing.T) {
	leads := notify.UserGroup{ID: "S0LEADS", Handle: "finance-leads"}
	channel := notify.Rule{Channel: "C0FIN", ChannelMembers: true}
	for _, tc := range []struct {
		name          string
		rule          notify.Rule
		user, channel string
		want          notify.Decision
	}{
		{"member in the channel", channel, "U0ALICE", "C0FIN", notify.Decision{Allowed: true, Reason: notify.ReasonChannelMember}},
		{"member in a DM", channel, "U0ALICE", "D0ALICE", notify.Decision{Reason: notify.ReasonOutsideChannel}},
		{"member in another channel", channel, "U0ALICE", "C0SALES", notify.Decision{Reason: notify.ReasonOutsideChannel}},
		{"non-member in the channel", channel, "U0BOB", "C0FIN", notify.Decision{Reason: notify.ReasonNotMember}},
		{"unknown person", channel, "U0NOBODY", "C0FIN", notify.Decision{Reason: notify.ReasonUnchecked}},
		{"multi-channel guest", channel, "U0GUEST", "C0FIN", notify.Decision{Reason: notify.ReasonGuest}},
		{"single-channel guest", channel, "U0SINGLE", "C0FIN", notify.Decision{Reason: notify.ReasonGuest}},
		{"deactivated member", channel, "U0GONE", "C0FIN", notify.Decision{Reason: notify.ReasonDeactivated}},
		{"no user", channel, "", "C0FIN", notify.Decision{Reason: notify.ReasonNotListed}},
		{"no channel", notify.Rule{ChannelMembers: true}, "U0ALICE", "C0FIN", notify.Decision{Reason: notify.ReasonNoChannel}},
		{"zero rule", notify.Rule{}, "U0ALICE", "C0FIN", notify.Decision{Reason: notify.ReasonNotListed}},
		{"named guest, anywhere", notify.Rule{Users: []string{"U0GUEST"}}, "U0GUEST", "D0GUEST", notify.Decision{Allowed: true, Reason: notify.ReasonNamed}},
		{"named outsider with the channel", notify.Rule{Channel: "C0FIN", ChannelMembers: true, Users: []string{"U0BOB"}}, "U0BOB", "C0SALES", notify.Decision{Allowed: true, Reason: notify.ReasonNamed}},
		{"group member, anywhere", notify.Rule{Groups: []notify.UserGroup{leads}}, "U0CFO", "D0CFO", notify.Decision{Allowed: true, Reason: notify.ReasonUserGroup, Group: leads}},
		{"guest in the group", notify.Rule{Groups: []notify.UserGroup{leads}}, "U0GUEST", "C0FIN", notify.Decision{Reason: notify.ReasonGuest}},
		{"channel member, group only", notify.Rule{Channel: "C0FIN", Groups: []notify.UserGroup{leads}}, "U0ALICE", "C0FIN", notify.Decision{Reason: notify.ReasonNotListed}},
		{"group or channel: member", notify.Rule{Channel: "C0FIN", ChannelMembers: true, Groups: []notify.UserGroup{leads}}, "U0ALICE", "C0FIN", notify.Decision{Allowed: true, Reason: notify.ReasonChannelMember}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := peopleServer(t)
			got := directory(t, srv).Check(t.Context(), tc.rule, tc.user, tc.channel)
			if (got.Err != nil) != (tc.want.Reason == notify.ReasonUnchecked) {
				t.Errorf("err = %v", got.Err)
			}
			got.Err = nil
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Check (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDirectoryFailsClosed: when Slack cannot say, the answer is no, with
// an error that says what to do, and the failure is not remembered.
func TestDirectoryFailsClosed(t *testing.T) {
	rule := notify.Rule{Channel: "C0FIN", ChannelMembers: true, Groups: []notify.UserGroup{{ID: "S0LEADS"}}}
	for _, tc := range []struct{ method, code, hint string }{
		{"users.info", "missing_scope", "users:read"},
		{"usergroups.users.list", "missing_scope", "usergroups:read"},
		{"conversations.members", "missing_scope", "channels:read"},
		{"conversations.members", "channel_not_found", "/invite @mrrbot"},
		{"users.info", "invalid_auth", "SLACK_BOT_TOKEN"},
	} {
		t.Run(tc.method+" "+tc.code, func(t *testing.T) {
			srv := peopleServer(t)
			dir := directory(t, srv)
			srv.Fail(tc.method, tc.code)
			d := dir.Check(t.Context(), rule, "U0ALICE", "C0FIN")
			if d.Allowed || d.Reason != notify.ReasonUnchecked || d.Err == nil {
				t.Fatalf("Check = %+v, want refused, unchecked", d)
			}
			if msg := d.Err.Error(); !strings.Contains(msg, tc.code) || !strings.Contains(msg, tc.hint) || strings.Contains(msg, srv.Token()) {
				t.Errorf("error %q: want %s and %q, and no token", msg, tc.code, tc.hint)
			}
			srv.Fail(tc.method, "")
			if d := dir.Check(t.Context(), rule, "U0ALICE", "C0FIN"); !d.Allowed {
				t.Errorf("after Slack recovered: %+v", d)
			}
		})
	}
	t.Run("no token", func(t *testing.T) {
		srv := peopleServer(t)
		dir := notify.NewDirectory(notify.DirectoryConfig{APIURL: srv.URL()})
		d := dir.Check(t.Context(), rule, "U0ALICE", "C0FIN")
		if d.Allowed || d.Err == nil || !strings.Contains(d.Err.Error(), "SLACK_BOT_TOKEN") {
			t.Errorf("Check = %+v", d)
		}
		if d := dir.Check(t.Context(), notify.Rule{Users: []string{"U0ALICE"}}, "U0ALICE", "D0"); !d.Allowed {
			t.Errorf("named, without a token: %+v", d)
		}
		if n := srv.Calls("users.info") + srv.Calls("conversations.members"); n != 0 {
			t.Errorf("%d calls without a token", n)
		}
	})
}

// TestDirectoryPages finds a member on the third page of a large channel.
func TestDirectoryPages(t *testing.T) {
	var members []string
	for i := range 450 {
		members = append(members, fmt.Sprintf("U1%04d", i))
	}
	srv := slacktest.New(t, slacktest.WithChannels(slacktest.Channel{ID: "C0BIG", Name: "everyone", Members: members}))
	dir := directory(t, srv)
	rule := notify.Rule{Channel: "C0BIG", ChannelMembers: true}
	if d := dir.Check(t.Context(), rule, "U10449", "C0BIG"); !d.Allowed {
		t.Errorf("the last member: %+v", d)
	}
	if d := dir.Check(t.Context(), rule, "U10450", "C0BIG"); d.Allowed || d.Reason != notify.ReasonUnchecked {
		t.Errorf("a stranger: %+v", d) // users.info does not know them
	}
	if n := srv.Calls("conversations.members"); n != 3 {
		t.Errorf("conversations.members calls = %d, want 3 (pages of 200, once)", n)
	}
}

// TestDirectoryCache keeps answers for DefaultAccessTTL, then asks again,
// and shares one question among the commands that arrive together.
func TestDirectoryCache(t *testing.T) {
	srv := peopleServer(t) // outside the bubble: its listener is real
	synctest.Test(t, func(t *testing.T) {
		dir := notify.NewDirectory(notify.DirectoryConfig{Token: srv.Token(), APIURL: srv.URL(), HTTPClient: srv.Client()})
		rule := notify.Rule{Channel: "C0FIN", ChannelMembers: true}
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				if d := dir.Check(t.Context(), rule, "U0ALICE", "C0FIN"); !d.Allowed {
					t.Errorf("Check = %+v", d)
				}
			})
		}
		wg.Wait()
		if a, b := srv.Calls("users.info"), srv.Calls("conversations.members"); a != 1 || b != 1 {
			t.Errorf("20 commands at once: %d users.info, %d conversations.members; want 1 each", a, b)
		}

		srv.SetMembers("C0FIN", "U0GUEST") // Alice leaves the channel
		time.Sleep(notify.DefaultAccessTTL - time.Second)
		if d := dir.Check(t.Context(), rule, "U0ALICE", "C0FIN"); !d.Allowed {
			t.Errorf("within the TTL: %+v, want the kept answer", d)
		}
		time.Sleep(time.Second)
		if d := dir.Check(t.Context(), rule, "U0ALICE", "C0FIN"); d.Allowed || d.Reason != notify.ReasonNotMember {
			t.Errorf("after the TTL: %+v, want not_member", d)
		}
		if n := srv.Calls("conversations.members"); n != 2 {
			t.Errorf("conversations.members calls = %d, want 2", n)
		}
	})
}

func TestDirectoryChannelID(t *testing.T) {
	srv := peopleServer(t)
	dir := directory(t, srv)
	for _, tc := range []struct{ ref, want, err string }{
		{ref: "C0FIN", want: "C0FIN"},
		{ref: "C0UNKNOWN", want: "C0UNKNOWN"}, // an ID is taken as given
		{ref: "#finance", want: "C0FIN"},
		{ref: "sales", want: "C0SALES"},
		{ref: "#nowhere", err: "channel_not_found"},
	} {
		got, err := dir.ChannelID(t.Context(), tc.ref)
		if got != tc.want || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("ChannelID(%s) = %q, %v; want %q, %q", tc.ref, got, err, tc.want, tc.err)
		}
	}
	if n := srv.Calls("conversations.list"); n != 3 {
		t.Errorf("conversations.list calls = %d, want 3 (names only)", n)
	}
}

func TestDirectoryUserGroups(t *testing.T) {
	srv := peopleServer(t)
	dir := directory(t, srv)
	got, err := dir.UserGroups(t.Context(), []string{"finance-leads", "@finance-leads", "S0LEADS"})
	want := []notify.UserGroup{{ID: "S0LEADS", Handle: "finance-leads"}, {ID: "S0LEADS", Handle: "finance-leads"}, {ID: "S0LEADS", Handle: "finance-leads"}}
	if diff := cmp.Diff(want, got); err != nil || diff != "" {
		t.Errorf("UserGroups: %v (-want +got):\n%s", err, diff)
	}
	if _, err := dir.UserGroups(t.Context(), []string{"finance-leads", "nobody"}); err == nil || !strings.Contains(err.Error(), "nobody") {
		t.Errorf("an unknown handle: %v", err)
	}
	srv.Fail("usergroups.list", "missing_scope")
	if _, err := dir.UserGroups(t.Context(), []string{"finance-leads"}); err == nil || !strings.Contains(err.Error(), "usergroups:read") {
		t.Errorf("without usergroups:read: %v", err)
	}
}
