package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mrrbot/mrrbot/notify"
	"github.com/mrrbot/mrrbot/notify/slacktest"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// syncForm is a /mrr sync command as Slack sends it; trigger makes it
// one of its own.
func syncForm(responseURL string, trigger int) url.Values {
	return url.Values{
		"command": {"/mrr"}, "text": {"sync"}, "channel_id": {slacktest.DefaultChannelID},
		"user_id": {slacktest.DefaultUserID}, "team_id": {"T1"}, "response_url": {responseURL},
		"trigger_id": {fmt.Sprintf("13345224609.738474920.%d", trigger)},
	}
}

// TestServeReplayedSync sends one signed /mrr sync 30 times at once, as
// someone who captured it would: each copy is acknowledged, one is run,
// and the sheet is synced once.
func TestServeReplayedSync(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	fixtureSheet(t, sheetsSrv)
	slackSrv := slacktest.New(t)
	addr, stop := serving(t, serveEnv(sheetsSrv, slackSrv))
	sheetsSrv.ResetCalls()

	body := []byte(syncForm(slackSrv.ResponseURL("sync"), 1).Encode())
	ts, sig := slacktest.Sign(signingSecret, fixedNow, body)
	const n = 30
	answers := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			req, err := http.NewRequest("POST", "http://"+addr+"/slack/commands", bytes.NewReader(body))
			if err != nil {
				t.Error(err)
				return
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Slack-Request-Timestamp", ts)
			req.Header.Set("X-Slack-Signature", sig)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var ack struct{ Text string }
			if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&ack) != nil {
				t.Errorf("copy %d: status %d", i, resp.StatusCode)
			}
			answers[i] = ack.Text
		})
	}
	wg.Wait()
	if err := stop(); err != nil { // waits for the answers in flight
		t.Fatal(err)
	}
	acks := map[string]int{}
	for _, a := range answers {
		acks[a]++
	}
	if acks["Working on it…"] != 1 || acks[notify.ReplayText] != n-1 {
		t.Errorf("acknowledgements %v, want one \"Working on it…\" and %d %q", acks, n-1, notify.ReplayText)
	}
	if r := slackSrv.Replies("sync"); len(r) != 1 || !strings.Contains(r[0].Text, "Synced") {
		t.Errorf("replies %+v, want one Synced", r)
	}
	if got := sheetsSrv.Calls().ByMethod[sheetstest.MethodBatchUpdate]; got != 1 {
		t.Errorf("%d copies of one command made %d writes, want 1", n, got)
	}
}

// TestSyncJoinsInFlight sends four /mrr sync of a workbook at once, each
// its own command: they share one sync, and each is answered. The sync is
// held at the workbook's lock (as another writer would hold it) until all
// four are in, so they overlap on any machine; synctest sees when they
// are all waiting.
func TestSyncJoinsInFlight(t *testing.T) {
	slackSrv := slacktest.New(t)
	book := fixtureWorkbook(t)
	host, _ := os.Hostname()
	synctest.Test(t, func(t *testing.T) {
		var stderr syncBuffer
		env := map[string]string{
			"SLACK_SIGNING_SECRET": signingSecret, "MRRBOT_SCHEDULE": "off",
			"SLACK_API_URL": slackSrv.URL(), "SLACK_BOT_TOKEN": slackSrv.Token(), "SLACK_CHANNEL": slacktest.DefaultChannelID,
		}
		c := &cli{
			getenv: func(k string) string { return env[k] }, stdout: io.Discard, stderr: &stderr,
			now: func() time.Time { return fixedNow }, httpClient: slackSrv.Client(), metrics: newMetrics(time.Now),
		}
		// The handler and the route as serve wires them.
		f := syncFlags{workbook: book, currency: "USD", tab: "Subscriptions"}
		bots, err := c.bots(&f, "", "off")
		if err != nil {
			t.Fatal(err)
		}
		log := c.logger()
		dir := notify.NewDirectory(notify.DirectoryConfig{
			Token: slackSrv.Token(), APIURL: slackSrv.URL(), HTTPClient: c.httpClient, Logger: log, Now: c.now,
		})
		if err := bindReports(t.Context(), bots, dir, log); err != nil {
			t.Fatal(err)
		}
		route := func(ctx context.Context, cmd notify.Command) notify.Message {
			b, refusal := c.admit(ctx, bots, dir, cmd)
			if b == nil {
				return refusal
			}
			return b.answer(ctx, cmd)
		}
		h := c.commandHandler(signingSecret, slackSrv.URL(), route)
		lock := book + ".mrrbot.lock"
		if err := os.WriteFile(lock, fmt.Appendf(nil, "mrrbot pid %d on %s since 2026-03-15T12:00:00Z\n", os.Getpid(), host), 0o644); err != nil {
			t.Fatal(err)
		}
		const n = 4
		for i := range n {
			body := []byte(syncForm(slackSrv.ResponseURL("sync"), i).Encode())
			ts, sig := slacktest.Sign(signingSecret, fixedNow, body)
			req := httptest.NewRequest("POST", "/slack/commands", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Slack-Request-Timestamp", ts)
			req.Header.Set("X-Slack-Signature", sig)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Working on it") {
				t.Fatalf("command %d: %d %s", i, rec.Code, rec.Body)
			}
		}
		// Every command is now waiting: one sync at the lock, the others
		// for it.
		synctest.Wait()
		if err := os.Remove(lock); err != nil {
			t.Fatal(err)
		}
		h.Wait()
		if r := slackSrv.Replies("sync"); len(r) != n {
			t.Errorf("%d replies, want %d\n%s", len(r), n, stderr.String())
		}
		if got := bots[0].syncs; got != 1 {
			t.Errorf("%d commands at once made %d syncs, want 1", n, got)
		}
	})
}

// TestServeMetricsAddr serves /metrics on its own address: there and not
// beside /slack/commands.
func TestServeMetricsAddr(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	fixtureSheet(t, sheetsSrv)
	slackSrv := slacktest.New(t)
	env := serveEnv(sheetsSrv, slackSrv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrs, metricsAddrs := make(chan string, 1), make(chan string, 1)
	var stderr syncBuffer
	c := &cli{
		getenv: func(k string) string { return env[k] }, stdout: io.Discard, stderr: &stderr,
		now:              func() time.Time { return fixedNow },
		listening:        func(a string) { addrs <- a },
		metricsListening: func(a string) { metricsAddrs <- a },
	}
	done := make(chan error, 1)
	go func() {
		done <- c.run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0"})
	}()
	var addr, metricsAddr string
	for addr == "" || metricsAddr == "" {
		select {
		case addr = <-addrs:
		case metricsAddr = <-metricsAddrs:
		case err := <-done:
			t.Fatalf("serve ended: %v\n%s", err, stderr.String())
		case <-time.After(10 * time.Second):
			t.Fatal("serve did not start")
		}
	}
	get := func(a, path string) (int, string) {
		resp, err := http.Get("http://" + a + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(metricsAddr, "/metrics"); code != http.StatusOK || !strings.Contains(body, "mrrbot_syncs_total") {
		t.Errorf("GET /metrics on --metrics-addr: %d", code)
	}
	if code, _ := get(addr, "/metrics"); code != http.StatusNotFound {
		t.Errorf("GET /metrics on --addr: %d, want 404", code)
	}
	if code, _ := get(addr, "/healthz"); code != http.StatusOK {
		t.Errorf("GET /healthz: %d", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
}

// TestServeSyncReplyEscapes syncs a spreadsheet whose title holds mrkdwn
// markup: the /mrr sync reply shows it as written, escaped as the digest
// escapes sheet text, so it cannot mention a channel or open a link.
func TestServeSyncReplyEscapes(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	fixtureSheet(t, sheetsSrv)
	title := "Ops <!channel> & <https://evil.example|renewals>"
	sheetsSrv.Apply(sheetID, &sheetsapi.Request{UpdateSpreadsheetProperties: &sheetsapi.UpdateSpreadsheetPropertiesRequest{
		Properties: &sheetsapi.SpreadsheetProperties{Title: title}, Fields: "title",
	}})
	slackSrv := slacktest.New(t)
	addr, _ := serving(t, serveEnv(sheetsSrv, slackSrv))
	resp, err := http.DefaultClient.Do(slashRequest(t, addr, "sync", slackSrv.ResponseURL("sync"), fixedNow, signingSecret))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r := slackSrv.WaitReplies("sync", 1, 10*time.Second)
	if len(r) != 1 {
		t.Fatalf("%d replies", len(r))
	}
	want := "Synced *Ops &lt;!channel&gt; &amp; &lt;https://evil.example|renewals&gt;*:"
	if !strings.HasPrefix(r[0].Text, want) || strings.Contains(r[0].Text, "<!channel>") {
		t.Errorf("reply = %q, want it to start %q", r[0].Text, want)
	}
}
