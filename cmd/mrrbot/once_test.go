package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mrrbot/mrrbot/notify"
	"github.com/mrrbot/mrrbot/notify/slacktest"
	"github.com/mrrbot/mrrbot/sheets/xlsx"
)

// slackEnv is the environment that posts to srv's channel with its token.
func slackEnv(srv *slacktest.Server) map[string]string {
	return map[string]string{
		"SLACK_API_URL":   srv.URL(),
		"SLACK_BOT_TOKEN": srv.Token(),
		"SLACK_CHANNEL":   slacktest.DefaultChannelID,
	}
}

// TestSyncBesideDigestPostsOnce runs `sync --workbook` and `digest --post`
// at the same time on one workbook, several times over: the sync never
// wipes the digest's claim, so the digest is posted once.
func TestSyncBesideDigestPostsOnce(t *testing.T) {
	slackSrv := slacktest.New(t)
	book := fixtureWorkbook(t)
	env := slackEnv(slackSrv)
	const rounds, syncs, digests = 3, 2, 2
	for round := range rounds {
		var wg sync.WaitGroup
		errs := make(chan error, syncs+digests)
		for range syncs {
			wg.Go(func() {
				_, stderr, err := mrrbotAt(t, fixedNow, env, "sync", "--workbook", book)
				if err != nil {
					err = fmt.Errorf("sync: %w\n%s", err, stderr)
				}
				errs <- err
			})
		}
		for range digests {
			wg.Go(func() {
				_, stderr, err := mrrbotAt(t, fixedNow, env, "digest", "--month", "2026-02", "--post", "--workbook", book)
				if err != nil {
					err = fmt.Errorf("digest: %w\n%s", err, stderr)
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", round+1, err)
			}
		}
	}
	if n := len(slackSrv.Messages()); n != 1 {
		t.Errorf("%d rounds of syncs beside digests posted %d messages, want 1", rounds, n)
	}
	entries, err := xlsx.ReadLedger(book)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := entries[notify.DigestKey(slacktest.DefaultChannelID, "2026-02")]; !ok {
		t.Errorf("the claim is gone from the ledger: %v", entries)
	}
}

// digestIn runs `digest --post` with the clock at fixedNow and Slack
// reached through hc, and returns its output and error.
func digestIn(ctx context.Context, hc *http.Client, env map[string]string, args ...string) (string, error) {
	var out bytes.Buffer
	c := &cli{
		getenv: func(k string) string { return env[k] }, stdout: &out, stderr: &out,
		now: func() time.Time { return fixedNow }, httpClient: hc,
	}
	err := c.run(ctx, append([]string{"digest", "--month", "2026-02", "--post"}, args...))
	return out.String(), err
}

// TestDigestAmbiguousFailuresPostOnce posts the digest through Slack
// stand-ins that deliver the message and then answer 500, or deliver it
// and never answer: each time one message, also over a rerun. The stalls
// run under synctest,
// so the 30 seconds an attempt waits take no real time.
func TestDigestAmbiguousFailuresPostOnce(t *testing.T) {
	for _, fault := range []string{"deliver then 500", "deliver then stall"} {
		t.Run(fault, func(t *testing.T) {
			slackSrv := slacktest.New(t)
			book := fixtureWorkbook(t)
			synctest.Test(t, func(t *testing.T) {
				switch fault {
				case "deliver then 500":
					slackSrv.DeliverThenFail(1, 500)
				default:
					slackSrv.DeliverThenStall(1, time.Hour)
				}
				for run := range 2 {
					out, err := digestIn(t.Context(), slackSrv.Client(), slackEnv(slackSrv), "--workbook", book)
					if err != nil {
						t.Fatalf("run %d: %v\n%s", run+1, err, out)
					}
				}
			})
			if n := len(slackSrv.Messages()); n != 1 {
				t.Errorf("%d messages, want 1", n)
			}
			if n := slackSrv.Calls("conversations.history"); n != 1 {
				t.Errorf("%d looks at the channel, want 1", n)
			}
		})
	}
}

// TestDigestMaybePostedKeepsClaim posts through a webhook that answers 500:
// a webhook cannot look behind it, so mrrbot does not post again, keeps
// the claim, and says what to do; the rerun posts nothing.
func TestDigestMaybePostedKeepsClaim(t *testing.T) {
	slackSrv := slacktest.New(t)
	book := fixtureWorkbook(t)
	env := map[string]string{"SLACK_WEBHOOK_URL": slackSrv.WebhookURL()}
	slackSrv.FailNextStatus(1, 502)
	_, stderr, err := mrrbotAt(t, fixedNow, env, "digest", "--month", "2026-02", "--post", "--workbook", book)
	if !errors.Is(err, notify.ErrMaybePosted) {
		t.Fatalf("err = %v, want ErrMaybePosted\n%s", err, stderr)
	}
	if !strings.Contains(err.Error(), "stays claimed") || !strings.Contains(err.Error(), "--force") {
		t.Errorf("error does not say what to do: %v", err)
	}
	out, _, err := mrrbotAt(t, fixedNow, env, "digest", "--month", "2026-02", "--post", "--workbook", book)
	if err != nil || !strings.Contains(out, "already posted") {
		t.Errorf("rerun: %v\n%s", err, out)
	}
	if n := slackSrv.Calls("webhook"); n != 1 {
		t.Errorf("webhook calls = %d, want 1", n)
	}
}
