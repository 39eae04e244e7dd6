package notify_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mrrbot/mrrbot/notify"
	"github.com/mrrbot/mrrbot/notify/slacktest"
)

// postOnce posts the digest for key through PostOnce, as digest --post
// and the schedule do.
func postOnce(t *testing.T, p notify.Poster, l notify.Ledger, key string) (bool, error) {
	t.Helper()
	return notify.PostOnce(t.Context(), p, l, key, "posted by test", digest(), false)
}

// TestPostDeliveredThen500 meets a Slack that posts the message and then
// answers 500: the retry looks in the channel first, finds the message by
// the key in its metadata, and does not post it again.
func TestPostDeliveredThen500(t *testing.T) {
	for _, channel := range []string{slacktest.DefaultChannelID, "#" + slacktest.DefaultChannelName} {
		t.Run(channel, func(t *testing.T) {
			srv := slacktest.New(t)
			s, _, logs := newSlack(t, srv, notify.SlackConfig{Channel: channel})
			l := newLedger()
			key := notify.DigestKey(channel, "2026-10")
			srv.DeliverThenFail(1, 500)
			posted, err := postOnce(t, s, l, key)
			if !posted || err != nil {
				t.Fatalf("PostOnce = %v, %v; want posted", posted, err)
			}
			msgs := srv.Messages()
			if len(msgs) != 1 {
				t.Fatalf("%d messages, want 1", len(msgs))
			}
			var md struct {
				EventType    string            `json:"event_type"`
				EventPayload map[string]string `json:"event_payload"`
			}
			if err := json.Unmarshal(msgs[0].Metadata, &md); err != nil || md.EventType != notify.MetadataEventType || md.EventPayload["key"] != key {
				t.Errorf("metadata = %s, want the key %q", msgs[0].Metadata, key)
			}
			if n := srv.Calls("conversations.history"); n != 1 {
				t.Errorf("conversations.history calls = %d, want 1", n)
			}
			if !strings.Contains(logs.String(), "had gone out") {
				t.Errorf("no log line says the post had gone out:\n%s", logs)
			}
			// The chart went into the thread of the message found.
			if _, ok := l.state()[key]; !ok {
				t.Error("the claim was released")
			}
		})
	}
}

// TestPostNotDeliveredThen500 meets a 500 from a Slack that did not post:
// the look finds nothing, and the message is posted once.
func TestPostNotDeliveredThen500(t *testing.T) {
	srv := slacktest.New(t)
	s, _, _ := newSlack(t, srv, notify.SlackConfig{})
	srv.FailNextStatus(1, 500)
	posted, err := postOnce(t, s, newLedger(), notify.DigestKey(slacktest.DefaultChannelID, "2026-10"))
	if !posted || err != nil {
		t.Fatalf("PostOnce = %v, %v", posted, err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}

// TestPostDeliveredThenStall meets a Slack that posts the message and
// then does not answer. The attempt gives up after 30 seconds, looks, and
// finds the message: one post, the claim kept. Under synctest the 30
// seconds take no real time.
func TestPostDeliveredThenStall(t *testing.T) {
	srv := slacktest.New(t)
	synctest.Test(t, func(t *testing.T) {
		s := notify.NewSlack(notify.SlackConfig{
			Token: srv.Token(), Channel: slacktest.DefaultChannelID, APIURL: srv.URL(), HTTPClient: srv.Client(),
		})
		srv.DeliverThenStall(1, time.Hour)
		l := newLedger()
		key := notify.DigestKey(slacktest.DefaultChannelID, "2026-10")
		start := time.Now()
		posted, err := postOnce(t, s, l, key)
		if !posted || err != nil {
			t.Fatalf("PostOnce = %v, %v", posted, err)
		}
		if took := time.Since(start); took < 30*time.Second || took > 31*time.Second {
			t.Errorf("took %s, want the 30s attempt timeout and a backoff", took)
		}
		if n := len(srv.Messages()); n != 1 {
			t.Errorf("%d messages, want 1", n)
		}
		if _, ok := l.state()[key]; !ok {
			t.Error("the claim was released")
		}
		// A rerun finds the claim: no second post.
		if posted, err := postOnce(t, s, l, key); posted || err != nil {
			t.Errorf("rerun: PostOnce = %v, %v; want no post", posted, err)
		}
		if n := len(srv.Messages()); n != 1 {
			t.Errorf("after the rerun %d messages, want 1", n)
		}
	})
}

// TestPostMaybePostedCannotLook meets a post that may have gone out while
// the channel's history cannot be read (the app lacks channels:history):
// mrrbot does not post again, keeps the claim, and says what to do; a
// rerun does not post either.
func TestPostMaybePostedCannotLook(t *testing.T) {
	srv := slacktest.New(t)
	s, _, _ := newSlack(t, srv, notify.SlackConfig{})
	srv.Fail("conversations.history", "missing_scope")
	srv.DeliverThenFail(1, 502)
	l := newLedger()
	key := notify.DigestKey(slacktest.DefaultChannelID, "2026-10")
	posted, err := postOnce(t, s, l, key)
	if posted || !errors.Is(err, notify.ErrMaybePosted) {
		t.Fatalf("PostOnce = %v, %v; want ErrMaybePosted", posted, err)
	}
	for _, want := range []string{"channels:history", "stays claimed", "--force"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if _, ok := l.state()[key]; !ok {
		t.Error("the claim was released")
	}
	if posted, err := postOnce(t, s, l, key); posted || err != nil {
		t.Errorf("rerun: PostOnce = %v, %v; want no post", posted, err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}

// TestPostRefusedIsReleased meets failures that say Slack did not post
// (a 4xx, a Slack error, a refused connection): the claim is given back
// so that a later run posts.
func TestPostRefusedIsReleased(t *testing.T) {
	srv := slacktest.New(t)
	key := notify.DigestKey(slacktest.DefaultChannelID, "2026-10")
	for name, setup := range map[string]func() notify.Poster{
		"400": func() notify.Poster {
			srv.FailNextStatus(1, 400)
			s, _, _ := newSlack(t, srv, notify.SlackConfig{})
			return s
		},
		"refused connection": func() notify.Poster {
			s, _, _ := newSlack(t, srv, notify.SlackConfig{APIURL: "http://127.0.0.1:1/api/"})
			return s
		},
	} {
		t.Run(name, func(t *testing.T) {
			l := newLedger()
			posted, err := postOnce(t, setup(), l, key)
			if posted || err == nil || errors.Is(err, notify.ErrMaybePosted) {
				t.Fatalf("PostOnce = %v, %v; want a plain failure", posted, err)
			}
			if st := l.state(); len(st) != 0 {
				t.Errorf("ledger kept %v", st)
			}
		})
	}
}

// TestWebhookMaybePosted meets a 500 from an incoming webhook, which
// cannot be looked behind: the message is not sent again and the claim is
// kept.
func TestWebhookMaybePosted(t *testing.T) {
	srv := slacktest.New(t)
	srv.FailNextStatus(1, 500)
	l := newLedger()
	posted, err := postOnce(t, notify.NewWebhook(srv.WebhookURL(), nil, nil), l, "digest/webhook/2026-10")
	if posted || !errors.Is(err, notify.ErrMaybePosted) {
		t.Fatalf("PostOnce = %v, %v; want ErrMaybePosted", posted, err)
	}
	if n := srv.Calls("webhook"); n != 1 {
		t.Errorf("webhook calls = %d, want 1: no retry", n)
	}
	if len(l.state()) != 1 {
		t.Error("the claim was released")
	}
}
