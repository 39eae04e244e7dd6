package notify_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mrrbot/mrrbot/notify"
	"github.com/mrrbot/mrrbot/notify/slacktest"
)

// TestCanPost checks the channel without posting, by ID and by name, and
// tells the failures apart by their Slack error code.
func TestCanPost(t *testing.T) {
	// More channels than one page of conversations.list holds.
	chans := []slacktest.Channel{{ID: "C0FINANCE", Name: "finance"}, {ID: "C0OUTSIDE", Name: "outside", NotMember: true}}
	for i := range 450 {
		chans = append(chans, slacktest.Channel{ID: fmt.Sprintf("C1%04d", i), Name: fmt.Sprintf("team-%d", i)})
	}
	chans = append(chans, slacktest.Channel{ID: "C0LAST", Name: "last"})
	for _, tc := range []struct {
		channel  string
		fail     string // a Slack error injected for conversations.info
		token    string
		want     notify.Channel
		code     string
		hint     string // the error says this
		listCall bool
	}{
		{channel: "C0FINANCE", want: notify.Channel{ID: "C0FINANCE", Name: "finance", Member: true}},
		{channel: "#finance", want: notify.Channel{ID: "C0FINANCE", Name: "finance", Member: true}, listCall: true},
		{channel: "last", want: notify.Channel{ID: "C0LAST", Name: "last", Member: true}, listCall: true},
		{channel: "C0OUTSIDE", want: notify.Channel{ID: "C0OUTSIDE", Name: "outside"}, code: "not_in_channel", hint: "/invite @mrrbot"},
		{channel: "#outside", want: notify.Channel{ID: "C0OUTSIDE", Name: "outside"}, code: "not_in_channel", hint: "/invite @mrrbot", listCall: true},
		{channel: "C0NOWHERE", code: "channel_not_found", hint: "check SLACK_CHANNEL"},
		{channel: "#nowhere", code: "channel_not_found", hint: "check SLACK_CHANNEL", listCall: true},
		{channel: "C0FINANCE", fail: "missing_scope", code: "missing_scope", hint: "channels:read"},
		{channel: "C0FINANCE", token: "xoxb-9999-SECRET-wrong", code: "invalid_auth", hint: "SLACK_BOT_TOKEN"},
	} {
		t.Run(tc.channel+" "+tc.code, func(t *testing.T) {
			srv := slacktest.New(t, slacktest.WithChannels(chans...))
			if tc.fail != "" {
				srv.Fail("conversations.info", tc.fail)
			}
			s, _, _ := newSlack(t, srv, notify.SlackConfig{Channel: tc.channel, Token: tc.token})
			got, err := s.CanPost(context.Background())
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("channel (-want +got):\n%s", diff)
			}
			if code := notify.ErrorCode(err); code != tc.code {
				t.Errorf("error %v has code %q, want %q", err, code, tc.code)
			}
			if err != nil && !strings.Contains(err.Error(), tc.hint) {
				t.Errorf("error %q does not say %q", err, tc.hint)
			}
			if err != nil && strings.Contains(err.Error(), "SECRET") {
				t.Errorf("error %q shows the token", err)
			}
			if listed := srv.Calls("conversations.list") > 0; listed != tc.listCall {
				t.Errorf("conversations.list called: %v, want %v", listed, tc.listCall)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("CanPost posted %d messages", n)
			}
		})
	}
}
