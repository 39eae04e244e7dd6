package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mrrbot/mrrbot/notify"
	"github.com/mrrbot/mrrbot/notify/slacktest"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/xuri/excelize/v2"
)

// The fixture's March MRR as of 2026-03-15, and with the row addRow adds.
const (
	marchMRR      = "$2,908.13"
	marchMRRAdded = "$3,908.13"
)

// warmRig is serve's figures and command handler for its reports, wired
// as serve wires them (bots, keepWarm, router, commandHandler), without
// the listening socket, so that it runs inside a testing/synctest bubble:
// its checks tick on the bubble's clock, and serve's clock reads the
// fixture's day plus the bubble's elapsed time.
type warmRig struct {
	t     *testing.T
	c     *cli
	bots  []*bot
	h     *notify.SlashHandler
	slack *slacktest.Server
	logs  *syncBuffer
	// reads counts the reads of every store the rig opens (each begins
	// with its Layout); while hold is open, they wait for it.
	reads    atomic.Int64
	hold     chan struct{}
	commands int
}

// countedStore is a store whose reads a warmRig counts and can hold.
type countedStore struct {
	store
	rig *warmRig
}

func (s countedStore) Layout(ctx context.Context) (*sheets.Layout, error) {
	s.rig.reads.Add(1)
	if hold := s.rig.hold; hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return s.store.Layout(ctx)
}

// startWarm starts the rig for the report of f, checked every interval.
// With held, every read waits until release is called. Call it inside
// the bubble; slackSrv is made outside it.
func startWarm(t *testing.T, slackSrv *slacktest.Server, env map[string]string, f syncFlags, every time.Duration, held bool) (rig *warmRig, release func()) {
	t.Helper()
	return startWarmConfig(t, slackSrv, env, f, "", every, held)
}

// startWarmConfig is startWarm for the reports of a config file, when
// config is not "".
func startWarmConfig(t *testing.T, slackSrv *slacktest.Server, env map[string]string, f syncFlags, config string, every time.Duration, held bool) (rig *warmRig, release func()) {
	t.Helper()
	epoch := time.Now()
	logs := &syncBuffer{}
	full := map[string]string{
		"SLACK_SIGNING_SECRET": signingSecret, "MRRBOT_SCHEDULE": "off", "MRRBOT_TIMEZONE": "UTC",
		"SLACK_API_URL": slackSrv.URL(), "SLACK_BOT_TOKEN": slackSrv.Token(), "SLACK_CHANNEL": slacktest.DefaultChannelID,
	}
	for k, v := range env {
		full[k] = v
	}
	c := &cli{
		getenv: func(k string) string { return full[k] }, stdout: &syncBuffer{}, stderr: logs,
		now: func() time.Time { return fixedNow.Add(time.Since(epoch)) },
		// Slack's stand-in in process; the Sheets stand-in over loopback,
		// with no idle connection left in the bubble.
		httpClient: &http.Client{Transport: byHost{slack: slackSrv.Client().Transport, slackURL: slackSrv.URL()}},
		logJSON:    true, // as serve logs
	}
	c.metrics = newMetrics(c.now)
	rig = &warmRig{t: t, c: c, slack: slackSrv, logs: logs}
	release = func() {}
	if held {
		rig.hold = make(chan struct{})
		var once sync.Once
		release = func() { once.Do(func() { close(rig.hold) }) }
	}
	c.storeHook = func(s store) store { return countedStore{s, rig} }
	if f.currency == "" {
		f.currency = "USD"
	}
	if f.tab == "" {
		f.tab = "Subscriptions"
	}
	bots, err := c.bots(&f, config, "off")
	if err != nil {
		t.Fatal(err)
	}
	rig.bots = bots
	log := c.logger()
	dir := notify.NewDirectory(notify.DirectoryConfig{
		Token: slackSrv.Token(), APIURL: slackSrv.URL(), HTTPClient: c.httpClient, Logger: log, Now: c.now,
	})
	if err := bindReports(t.Context(), bots, dir, log); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	c.keepWarm(ctx, &wg, bots, every)
	rig.h = c.commandHandler(signingSecret, slackSrv.URL(), c.router(bots, dir))
	t.Cleanup(func() {
		release()
		cancel()
		wg.Wait()
		rig.h.Wait()
		if t.Failed() {
			t.Log(logs.String())
		}
	})
	return rig, release
}

// send sends /mrr text and returns the name of its response URL; the
// acknowledgement must come at once.
func (r *warmRig) send(text string) string {
	r.t.Helper()
	return r.sendIn(slacktest.DefaultChannelID, text)
}

// sendIn is send, typed in channel.
func (r *warmRig) sendIn(channel, text string) string {
	r.t.Helper()
	r.commands++
	name := fmt.Sprintf("warm-%d", r.commands)
	form := url.Values{
		"command": {"/mrr"}, "text": {text}, "channel_id": {channel},
		"user_id": {slacktest.DefaultUserID}, "team_id": {"T1"}, "response_url": {r.slack.ResponseURL(name)},
		"trigger_id": {fmt.Sprintf("13345224609.738474920.%d", r.commands)},
	}
	body := []byte(form.Encode())
	ts, sig := slacktest.Sign(signingSecret, r.c.now(), body)
	req := httptest.NewRequest("POST", "/slack/commands", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sig)
	rec := httptest.NewRecorder()
	r.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), notify.AckText) {
		r.t.Fatalf("/mrr %s: ack %d %s", text, rec.Code, rec.Body)
	}
	return name
}

// ask sends /mrr text and returns its one answer, once the bubble has
// settled.
func (r *warmRig) ask(text string) string {
	r.t.Helper()
	name := r.send(text)
	synctest.Wait()
	return r.reply(name)
}

// reply returns the one answer sent to the response URL name.
func (r *warmRig) reply(name string) string {
	r.t.Helper()
	replies := r.slack.Replies(name)
	if len(replies) != 1 {
		r.t.Fatalf("%s: %d replies, want 1", name, len(replies))
	}
	return replies[0].Text + string(replies[0].Blocks)
}

func (r *warmRig) refreshes(result string) float64 {
	return testutil.ToFloat64(r.c.metrics.refreshes.WithLabelValues(result))
}

// addRow adds a customer paying $1,000 a month from 2026-03-01 to the
// fixture workbook at path, as a person saving it would.
func addRow(t *testing.T, path string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Subscriptions")
	if err != nil {
		t.Fatal(err)
	}
	cell, _ := excelize.CoordinatesToCellName(1, len(rows)+1)
	if err := f.SetSheetRow("Subscriptions", cell, &[]any{"C900", "Newco", "Pro", "1000", "USD", "Monthly", "1", "", "2026-03-01", "", "Active", "", ""}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

// touch gives the file at path a modified time of its own, the content
// unchanged.
func touch(t *testing.T, path string, mod time.Time) {
	t.Helper()
	if err := os.Chtimes(path, mod, mod); err != nil {
		t.Fatal(err)
	}
}

// TestServeAnswersWarm answers /mrr and /mrr 2026-02 from the figures
// computed at start: no command reads the source, for a workbook (its
// reads counted at the store) as for a Google spreadsheet (counted in the
// Sheets stand-in's request log). A spreadsheet, which has no cheap
// revision, is read again in the background at each check; a workbook
// that did not change is not.
func TestServeAnswersWarm(t *testing.T) {
	const every = 30 * time.Second
	t.Run("workbook", func(t *testing.T) {
		slackSrv := slacktest.New(t)
		book := fixtureWorkbook(t)
		synctest.Test(t, func(t *testing.T) {
			rig, _ := startWarm(t, slackSrv, nil, syncFlags{workbook: book}, every, false)
			synctest.Wait()
			if n := rig.reads.Load(); n != 1 {
				t.Fatalf("%d reads at start, want 1", n)
			}
			for i := range 3 {
				if got := rig.ask(""); !strings.Contains(got, marchMRR) {
					t.Errorf("/mrr: %s", got)
				}
				if got := rig.ask("2026-02"); !strings.Contains(got, febMRR) {
					t.Errorf("/mrr 2026-02: %s", got)
				}
				time.Sleep(every + time.Second) // a check
				synctest.Wait()
				if n := rig.reads.Load(); n != 1 {
					t.Fatalf("after %d checks: %d reads, want the one at start", i+1, n)
				}
			}
			if got := rig.refreshes(refreshUnchanged); got != 3 {
				t.Errorf("mrrbot_refreshes_total{result=unchanged} = %v, want 3", got)
			}
		})
	})
	t.Run("google", func(t *testing.T) {
		slackSrv := slacktest.New(t)
		sheetsSrv := sheetstest.New(t)
		fixtureSheet(t, sheetsSrv)
		synctest.Test(t, func(t *testing.T) {
			rig, _ := startWarm(t, slackSrv, googleEnv(sheetsSrv), syncFlags{spreadsheet: sheetID}, every, false)
			synctest.Wait()
			if n := sheetsSrv.Calls().Total; n == 0 {
				t.Fatal("no read of the spreadsheet at start")
			}
			sheetsSrv.ResetCalls()
			for range 5 {
				if got := rig.ask("2026-02"); !strings.Contains(got, febMRR) {
					t.Errorf("/mrr 2026-02: %s", got)
				}
			}
			if got := rig.ask(""); !strings.Contains(got, marchMRR) {
				t.Errorf("/mrr: %s", got)
			}
			if n := sheetsSrv.Calls().Total; n != 0 {
				t.Errorf("six commands made %d Sheets API calls, want 0", n)
			}
			time.Sleep(every + time.Second)
			synctest.Wait()
			if n := sheetsSrv.Calls().ByMethod[sheetstest.MethodGet]; n != 2 {
				t.Errorf("a check made %d spreadsheets.get calls, want 2 (one read)", n)
			}
		})
	})
}

// byHost sends requests to Slack's stand-in in process, and others over
// the network without keeping connections open.
type byHost struct {
	slack    http.RoundTripper
	slackURL string
}

func (b byHost) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.HasPrefix(req.URL.String(), strings.TrimSuffix(b.slackURL, "/api/")) {
		return b.slack.RoundTrip(req)
	}
	return (&http.Transport{DisableKeepAlives: true}).RoundTrip(req)
}

// TestServeRefreshesOnChange reads a workbook again once when its
// modified time changes, and not at all while it does not; at midnight,
// once, since the figures are as of today.
func TestServeRefreshesOnChange(t *testing.T) {
	const every = time.Minute
	slackSrv := slacktest.New(t)
	book := fixtureWorkbook(t)
	synctest.Test(t, func(t *testing.T) {
		rig, _ := startWarm(t, slackSrv, nil, syncFlags{workbook: book}, every, false)
		synctest.Wait()
		check := func(what string, want int64) {
			t.Helper()
			if n := rig.reads.Load(); n != want {
				t.Errorf("%s: %d reads, want %d", what, n, want)
			}
		}
		check("at start", 1)
		if got := rig.ask(""); !strings.Contains(got, marchMRR) {
			t.Fatalf("/mrr: %s", got)
		}

		addRow(t, book)
		touch(t, book, time.Date(2026, 3, 15, 12, 5, 0, 0, time.UTC))
		if got := rig.ask(""); !strings.Contains(got, marchMRR) {
			t.Errorf("/mrr before the next check: %s, want the figures read at start", got)
		}
		check("before the next check", 1)
		time.Sleep(every)
		synctest.Wait()
		check("the check after the change", 2)
		if got := rig.ask(""); !strings.Contains(got, marchMRRAdded) {
			t.Errorf("/mrr after the check: %s, want %s", got, marchMRRAdded)
		}
		time.Sleep(5 * every)
		synctest.Wait()
		check("five checks with no change", 2)

		// Only the modified time changes: read again, once.
		touch(t, book, time.Date(2026, 3, 15, 12, 10, 0, 0, time.UTC))
		time.Sleep(3 * every)
		synctest.Wait()
		check("a new modified time, three checks", 3)

		// The day turns: the figures are as of the new day.
		midnight := time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC)
		time.Sleep(midnight.Sub(rig.c.now()) + every)
		synctest.Wait()
		check("past midnight", 4)
		if got := rig.ask(""); !strings.Contains(got, "as of 2026-03-16") {
			t.Errorf("/mrr past midnight: %s, want the figures as of 2026-03-16", got)
		}
		if got, want := rig.refreshes(resultOK), 4.0; got != want {
			t.Errorf("mrrbot_refreshes_total{result=ok} = %v, want %v", got, want)
		}
	})
}

// TestServeListensBeforeSlowFigures holds the first read of the source:
// serve listens and acknowledges /mrr at once all the same, and answers
// on the response URL when the figures are ready (over the network, the
// real serve), or, after waiting its bounded time, says that they are
// still being computed (in a bubble, where the wait takes no time).
func TestServeListensBeforeSlowFigures(t *testing.T) {
	t.Run("serve", func(t *testing.T) {
		sheetsSrv := sheetstest.New(t)
		fixtureSheet(t, sheetsSrv)
		slackSrv := slacktest.New(t)
		release := sheetsSrv.Hold()
		defer release()
		addr, stop, _ := startServe(t, serveEnv(sheetsSrv, slackSrv), false)
		resp, err := http.Get("http://" + addr + "/healthz")
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("/healthz with the read held: %v %v", resp, err)
		}
		resp.Body.Close()
		resp, err = http.DefaultClient.Do(slashRequest(t, addr, "", slackSrv.ResponseURL("held"), fixedNow, signingSecret))
		if err != nil {
			t.Fatal(err)
		}
		var ack bytes.Buffer
		ack.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(ack.String(), notify.AckText) {
			t.Fatalf("ack with the read held: %d %s", resp.StatusCode, ack.String())
		}
		if n := len(slackSrv.Replies("held")); n != 0 {
			t.Fatalf("%d replies while the first read is held", n)
		}
		release()
		r := slackSrv.WaitReplies("held", 1, 20*time.Second)
		if len(r) != 1 || !strings.Contains(r[0].Text, marchMRR) {
			t.Fatalf("replies once the read was let through: %+v", r)
		}
		if err := stop(); err != nil {
			t.Error(err)
		}
	})
	t.Run("bounded wait", func(t *testing.T) {
		slackSrv := slacktest.New(t)
		book := fixtureWorkbook(t)
		synctest.Test(t, func(t *testing.T) {
			rig, release := startWarm(t, slackSrv, nil, syncFlags{workbook: book}, time.Hour, true)
			name := rig.send("2026-02")
			if got := rig.ask("help"); !strings.Contains(got, "/mrr 2026-10") {
				t.Errorf("/mrr help while the figures are held: %s", got)
			}
			time.Sleep(firstWait - time.Second)
			synctest.Wait()
			if n := len(rig.slack.Replies(name)); n != 0 {
				t.Fatalf("/mrr answered %d times before its bounded wait ended", n)
			}
			time.Sleep(time.Second)
			synctest.Wait()
			if got := rig.reply(name); !strings.Contains(got, "still being computed") {
				t.Errorf("/mrr after the bounded wait: %s", got)
			}
			if got := testutil.ToFloat64(rig.c.metrics.slashCommands.WithLabelValues(slashMonth, resultPending)); got != 1 {
				t.Errorf("pending /mrr counted %v times, want 1", got)
			}
			release()
			synctest.Wait()
			if got := rig.ask("2026-02"); !strings.Contains(got, febMRR) {
				t.Errorf("/mrr once the figures are in: %s", got)
			}
			if n := rig.reads.Load(); n != 1 {
				t.Errorf("%d reads, want 1", n)
			}
		})
	})
}

// TestServeKeepsLastGoodFigures breaks the workbook after the figures
// were read: the check that reads it fails, logs a warning, and /mrr
// answers from the last good figures, saying how old they are, until
// the workbook is mended.
func TestServeKeepsLastGoodFigures(t *testing.T) {
	const every = time.Minute
	slackSrv := slacktest.New(t)
	book := fixtureWorkbook(t)
	good, err := os.ReadFile(book)
	if err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		rig, _ := startWarm(t, slackSrv, nil, syncFlags{workbook: book}, every, false)
		synctest.Wait()
		time.Sleep(10 * every) // the figures age
		// The check due now ends before the workbook breaks: one that
		// looked while it was being written would see a third size and
		// read it once more.
		synctest.Wait()
		if err := os.WriteFile(book, []byte("not a workbook any more"), 0o644); err != nil {
			t.Fatal(err)
		}
		time.Sleep(every)
		synctest.Wait()
		if n := rig.reads.Load(); n != 2 {
			t.Fatalf("%d reads, want 2: the one at start and the failed one", n)
		}
		if !strings.Contains(rig.logs.String(), `"level":"WARN","msg":"refreshing the figures failed; /mrr answers with the last good ones"`) {
			t.Errorf("no warning for the failed refresh:\n%s", rig.logs.String())
		}
		for _, text := range []string{"", "2026-02"} {
			got := rig.ask(text)
			want := []string{"read 2026-03-15 12:00 UTC (11 minutes ago)", "reading the workbook again failed"}
			if text == "" {
				want = append(want, marchMRR)
			} else {
				want = append(want, febMRR)
			}
			for _, w := range want {
				if !strings.Contains(got, w) {
					t.Errorf("/mrr %s lacks %q: %s", text, w, got)
				}
			}
		}
		time.Sleep(3 * every)
		synctest.Wait()
		if n := rig.reads.Load(); n != 2 {
			t.Errorf("%d reads, want 2: a broken workbook that does not change is not read again", n)
		}
		if got := rig.refreshes(resultError); got != 1 {
			t.Errorf("mrrbot_refreshes_total{result=error} = %v, want 1", got)
		}

		if err := os.WriteFile(book, good, 0o644); err != nil {
			t.Fatal(err)
		}
		time.Sleep(every)
		synctest.Wait()
		if got := rig.ask(""); !strings.Contains(got, marchMRR) || strings.Contains(got, "failed") {
			t.Errorf("/mrr once the workbook is mended: %s", got)
		}
	})
}

// TestServeSyncRefreshesFigures runs /mrr sync after the workbook
// changed: /mrr answers what the sync computed at once, and the next
// check reads the workbook the sync wrote, once.
func TestServeSyncRefreshesFigures(t *testing.T) {
	const every = time.Minute
	slackSrv := slacktest.New(t)
	book := fixtureWorkbook(t)
	synctest.Test(t, func(t *testing.T) {
		rig, _ := startWarm(t, slackSrv, nil, syncFlags{workbook: book}, every, false)
		synctest.Wait()
		addRow(t, book)
		if got := rig.ask("sync"); !strings.Contains(got, "Synced") || !strings.Contains(got, marchMRRAdded) {
			t.Fatalf("/mrr sync: %s", got)
		}
		if got := rig.ask(""); !strings.Contains(got, marchMRRAdded) {
			t.Errorf("/mrr after /mrr sync: %s, want %s", got, marchMRRAdded)
		}
		if n := rig.reads.Load(); n != 2 {
			t.Errorf("%d reads, want 2: at start and the sync's", n)
		}
		time.Sleep(3 * every)
		synctest.Wait()
		if n := rig.reads.Load(); n != 3 {
			t.Errorf("%d reads after three checks, want 3: the workbook the sync wrote, once", n)
		}
		if got := rig.ask(""); !strings.Contains(got, marchMRRAdded) {
			t.Errorf("/mrr: %s", got)
		}
	})
}

// TestServeReportsRefreshApart keeps two reports' figures apart: a change
// to one workbook reads that one again, not the other.
func TestServeReportsRefreshApart(t *testing.T) {
	const every = time.Minute
	slackSrv := slacktest.New(t, slacktest.WithChannels(
		slacktest.Channel{ID: "C0US", Name: "mrr-us", Members: []string{slacktest.DefaultUserID}},
		slacktest.Channel{ID: "C0EU", Name: "mrr-eu", Members: []string{slacktest.DefaultUserID}},
	))
	us, eu := fixtureWorkbook(t), fixtureWorkbook(t)
	config := writeConfig(t, `reports:
  - name: us
    workbook: `+us+`
    channel: C0US
    schedule: "off"
  - name: eu
    workbook: `+eu+`
    channel: C0EU
    schedule: "off"
`)
	synctest.Test(t, func(t *testing.T) {
		rig, _ := startWarmConfig(t, slackSrv, nil, syncFlags{}, config, every, false)
		synctest.Wait()
		addRow(t, eu)
		touch(t, eu, time.Date(2026, 3, 15, 12, 5, 0, 0, time.UTC))
		time.Sleep(3 * every)
		synctest.Wait()
		for _, tt := range []struct {
			channel string
			bot     int
			reads   int
			want    string
		}{{"C0US", 0, 1, marchMRR}, {"C0EU", 1, 2, marchMRRAdded}} {
			b := rig.bots[tt.bot]
			b.warm.mu.Lock()
			reads := b.warm.reads
			b.warm.mu.Unlock()
			if reads != tt.reads {
				t.Errorf("report %s: %d reads, want %d", b.name, reads, tt.reads)
			}
			name := rig.sendIn(tt.channel, "")
			synctest.Wait()
			if got := rig.reply(name); !strings.Contains(got, tt.want) {
				t.Errorf("/mrr in %s: %s, want %s", tt.channel, got, tt.want)
			}
		}
	})
}

func TestAgo(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{0, "just now"},
		{59 * time.Second, "just now"},
		{time.Minute, "1 minute ago"},
		{59 * time.Minute, "59 minutes ago"},
		{time.Hour, "1 hour ago"},
		{47 * time.Hour, "47 hours ago"},
		{48 * time.Hour, "2 days ago"},
	} {
		if got := ago(tt.d); got != tt.want {
			t.Errorf("ago(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

// TestServeCacheInterval refuses a check interval under a second: a
// Google spreadsheet is read at every check.
func TestServeCacheInterval(t *testing.T) {
	env := map[string]string{"SLACK_SIGNING_SECRET": signingSecret}
	for _, v := range []string{"0", "500ms", "-1m"} {
		_, _, err := mrrbot(t, env, "serve", "--workbook", "subs.xlsx", "--cache", v)
		if !isUsage(err) || !strings.Contains(fmt.Sprint(err), "--cache") {
			t.Errorf("--cache %s: %v, want a usage error naming --cache", v, err)
		}
	}
}
