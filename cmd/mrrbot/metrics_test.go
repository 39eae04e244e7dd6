package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/notify"
	"github.com/mrrbot/mrrbot/notify/slacktest"
	"github.com/mrrbot/mrrbot/sheets/gsheets"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"google.golang.org/api/option"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// metricNames are every metric mrrbot defines.
var metricNames = []string{
	"mrrbot_syncs_total",
	"mrrbot_sync_duration_seconds",
	"mrrbot_last_sync_timestamp_seconds",
	"mrrbot_api_calls_total",
	"mrrbot_api_retries_total",
	"mrrbot_slash_commands_total",
	"mrrbot_digest_posts_total",
	"mrrbot_mrr",
	"mrrbot_refreshes_total",
	"mrrbot_figures_read_timestamp_seconds",
}

// metricsClock is a settable clock for the metrics tests.
type metricsClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *metricsClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *metricsClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func newTestMetrics() (*metrics, *metricsClock) {
	clock := &metricsClock{t: time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)}
	return newMetrics(clock.now), clock
}

// family returns the metrics of the family name in m's registry.
func family(t *testing.T, m *metrics, name string) []*dto.Metric {
	t.Helper()
	mfs, err := m.reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()
		}
	}
	t.Fatalf("no metric family %s", name)
	return nil
}

// checkValue fails the test unless got is want.
func checkValue(t *testing.T, what string, got, want float64) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func TestMetricsSyncs(t *testing.T) {
	m, clock := newTestMetrics()
	start := clock.now()
	checkValue(t, "last sync before any", testutil.ToFloat64(m.lastSync), 0)

	m.syncDone(1500*time.Millisecond, nil)
	m.syncDone(200*time.Millisecond, errors.New("read sheet: 403"))
	m.syncDone(3*time.Second, nil)
	clock.set(start.Add(time.Hour))
	m.syncDone(time.Second, errors.New("read sheet: 503")) // leaves the last sync alone

	checkValue(t, `syncs{result="ok"}`, testutil.ToFloat64(m.syncs.WithLabelValues("ok")), 2)
	checkValue(t, `syncs{result="error"}`, testutil.ToFloat64(m.syncs.WithLabelValues("error")), 2)
	checkValue(t, "last sync", testutil.ToFloat64(m.lastSync), float64(start.Unix()))

	h := family(t, m, "mrrbot_sync_duration_seconds")[0].GetHistogram()
	checkValue(t, "duration count", float64(h.GetSampleCount()), 4)
	checkValue(t, "duration sum", h.GetSampleSum(), 5.7)
	for _, b := range h.GetBucket() {
		if b.GetUpperBound() == 1 {
			checkValue(t, "syncs within 1s", float64(b.GetCumulativeCount()), 2)
		}
	}
}

// resultAsOf is a computation as of day whose last month ends at ending.
func resultAsOf(t *testing.T, currency string, day calc.Date, ending string) *calc.Result {
	t.Helper()
	f, err := calc.ParseFixed(ending)
	if err != nil {
		t.Fatal(err)
	}
	var sum calc.Sum
	sum.Add(f)
	return &calc.Result{
		Currency: currency,
		AsOf:     day,
		Months:   []calc.Waterfall{{Month: day.Month() - 1}, {Month: day.Month(), Ending: sum}},
	}
}

func TestMetricsObserveSync(t *testing.T) {
	m, _ := newTestMetrics()
	mrr := func() float64 { return testutil.ToFloat64(m.mrr.WithLabelValues("acme", "EUR")) }

	m.observeSync(time.Second, &synced{report: "acme", result: resultAsOf(t, "EUR", calc.DateOf(2026, 3, 15), "12345.67")}, nil)
	checkValue(t, "mrr after today's sync", mrr(), 12345.67)

	// A digest for February computes as of February's last day: the gauge
	// keeps today's figure.
	m.observeSync(time.Second, &synced{report: "acme", result: resultAsOf(t, "EUR", calc.DateOf(2026, 2, 28), "11000")}, nil)
	checkValue(t, "mrr after February's digest", mrr(), 12345.67)

	// Fresh figures for the same day replace it: the sheet changed.
	m.observeSync(time.Second, &synced{report: "acme", result: resultAsOf(t, "EUR", calc.DateOf(2026, 3, 15), "12400")}, nil)
	checkValue(t, "mrr after a later sync", mrr(), 12400)

	m.observeSync(time.Second, nil, errors.New("read sheet: 404"))
	m.observeSync(time.Second, &synced{report: "acme", result: &calc.Result{Currency: "EUR", AsOf: calc.DateOf(2026, 3, 16)}}, nil) // no paying rows yet
	checkValue(t, "mrr after a failure and an empty sheet", mrr(), 12400)
	checkValue(t, `syncs{result="ok"}`, testutil.ToFloat64(m.syncs.WithLabelValues("ok")), 4)
	checkValue(t, `syncs{result="error"}`, testutil.ToFloat64(m.syncs.WithLabelValues("error")), 1)

	// Another report in the same currency has its own series, and its
	// own as-of day counts: neither overwrites the other.
	m.observeSync(time.Second, &synced{report: "globex", result: resultAsOf(t, "EUR", calc.DateOf(2026, 3, 1), "500")}, nil)
	checkValue(t, `mrr{report="globex",currency="EUR"}`, testutil.ToFloat64(m.mrr.WithLabelValues("globex", "EUR")), 500)
	checkValue(t, `mrr{report="acme",currency="EUR"}`, mrr(), 12400)

	m.observeMRR("globex", "EUR", 99.5)
	checkValue(t, `mrr{report="globex",currency="EUR"}`, testutil.ToFloat64(m.mrr.WithLabelValues("globex", "EUR")), 99.5)
	checkValue(t, `mrr{report="acme",currency="EUR"}`, mrr(), 12400)
}

func TestMetricsAPI(t *testing.T) {
	m, _ := newTestMetrics()
	m.apiCall("sheets", "spreadsheets.get")
	m.apiCall("sheets", "spreadsheets.get")
	m.apiCall("slack", "chat.postMessage")
	m.apiRetry("sheets", 503)
	m.apiRetry("slack", 429)
	m.apiRetry("slack", 429)
	m.apiRetry("slack", 0)

	for _, tc := range []struct {
		labels []string
		want   float64
	}{
		{[]string{"sheets", "spreadsheets.get"}, 2},
		{[]string{"slack", "chat.postMessage"}, 1},
	} {
		checkValue(t, "api_calls"+strings.Join(tc.labels, ","), testutil.ToFloat64(m.apiCalls.WithLabelValues(tc.labels...)), tc.want)
	}
	for _, tc := range []struct {
		labels []string
		want   float64
	}{
		{[]string{"sheets", "503"}, 1},
		{[]string{"slack", "429"}, 2},
		{[]string{"slack", "none"}, 1},
	} {
		checkValue(t, "api_retries"+strings.Join(tc.labels, ","), testutil.ToFloat64(m.apiRetries.WithLabelValues(tc.labels...)), tc.want)
	}
	if n := testutil.CollectAndCount(m.apiCalls); n != 2 {
		t.Errorf("api_calls has %d series, want 2", n)
	}
	if n := testutil.CollectAndCount(m.apiRetries); n != 3 {
		t.Errorf("api_retries has %d series, want 3", n)
	}
}

func TestMetricsSlashAndDigest(t *testing.T) {
	m, _ := newTestMetrics()
	// Every kind and result exists from the start, at zero.
	if n := testutil.CollectAndCount(m.slashCommands); n != 13 {
		t.Errorf("slash_commands has %d series before any command, want 13", n)
	}
	if n := testutil.CollectAndCount(m.digestPosts); n != 3 {
		t.Errorf("digest_posts has %d series before any post, want 3", n)
	}
	m.slash("month_to_date", "ok")
	m.slash("month_to_date", "ok")
	m.slash("sync", "error")
	m.slash("unknown", "refused")
	m.digestPost("posted")
	m.digestPost("already_posted")
	m.digestPost("already_posted")

	for _, tc := range []struct {
		kind, result string
		want         float64
	}{
		{"month_to_date", "ok", 2},
		{"sync", "error", 1},
		{"unknown", "refused", 1},
		{"month", "ok", 0},
	} {
		checkValue(t, tc.kind+"/"+tc.result, testutil.ToFloat64(m.slashCommands.WithLabelValues(tc.kind, tc.result)), tc.want)
	}
	for _, tc := range []struct {
		result string
		want   float64
	}{{"posted", 1}, {"already_posted", 2}, {"error", 0}} {
		checkValue(t, "digest "+tc.result, testutil.ToFloat64(m.digestPosts.WithLabelValues(tc.result)), tc.want)
	}
}

func TestCommandKind(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"", "month_to_date"},
		{"help", "help"},
		{"sync", "sync"},
		{"2026-02", "month"},
		{"2026-13", "unknown"},
		{"what is mrr", "unknown"},
		{"HELP", "unknown"}, // bot.answer does not know it either
	} {
		if got := commandKind(tc.text); got != tc.want {
			t.Errorf("commandKind(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestDigestResult(t *testing.T) {
	for _, tc := range []struct {
		posted bool
		err    error
		want   string
	}{
		{true, nil, "posted"},
		{false, nil, "already_posted"},
		{false, errors.New("channel_not_found"), "error"},
	} {
		if got := digestResult(tc.posted, tc.err); got != tc.want {
			t.Errorf("digestResult(%v, %v) = %q, want %q", tc.posted, tc.err, got, tc.want)
		}
	}
}

// TestMetricsNil checks that a nil *metrics, what commands other than
// serve have, records nothing and does not panic.
func TestMetricsNil(t *testing.T) {
	var m *metrics
	m.syncDone(time.Second, nil)
	m.observeSync(time.Second, &synced{result: resultAsOf(t, "USD", calc.DateOf(2026, 3, 1), "1")}, nil)
	m.observeResult("default", nil)
	m.observeMRR("default", "USD", 1)
	m.apiCall("sheets", "spreadsheets.get")
	m.apiRetry("slack", 429)
	m.slash("help", "ok")
	m.digestPost("posted")
	if onCall, onRetry := m.sheetsHooks(); onCall != nil || onRetry != nil {
		t.Error("sheetsHooks of nil metrics are not nil")
	}
	if h := m.slackHooks(); h.OnCall != nil || h.OnRetry != nil {
		t.Error("slackHooks of nil metrics are not zero")
	}
	rec := httptest.NewRecorder()
	m.handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET /metrics on nil metrics: status %d, want 404", rec.Code)
	}
}

func TestMetricsHandler(t *testing.T) {
	m, _ := newTestMetrics()
	// A second set must not collide with the first: each has its own
	// registry, not Prometheus's global one.
	_ = newMetrics(time.Now)

	m.observeSync(2*time.Second, &synced{report: "default", result: resultAsOf(t, "USD", calc.DateOf(2026, 3, 15), "4200")}, nil)
	m.apiCall("sheets", "spreadsheets.get")
	m.apiRetry("sheets", 503)
	m.slash("month", "ok")
	m.digestPost("posted")
	m.refreshDone(resultOK)
	m.refreshDone(refreshUnchanged)
	m.refreshDone(refreshUnchanged)
	m.observeFigures("default", &figures{readAt: time.Date(2026, 3, 15, 11, 59, 0, 0, time.UTC)})

	srv := httptest.NewServer(m.handler())
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: status %d\n%s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type = %q, want text/plain", ct)
	}
	text := string(body)
	want := append([]string{
		`mrrbot_syncs_total{result="ok"} 1`,
		`mrrbot_syncs_total{result="error"} 0`,
		`mrrbot_sync_duration_seconds_count 1`,
		`mrrbot_last_sync_timestamp_seconds 1.773576e+09`,
		`mrrbot_api_calls_total{method="spreadsheets.get",service="sheets"} 1`,
		`mrrbot_api_retries_total{service="sheets",status="503"} 1`,
		`mrrbot_slash_commands_total{command="month",result="ok"} 1`,
		`mrrbot_digest_posts_total{result="posted"} 1`,
		`mrrbot_mrr{currency="USD",report="default"} 4200`,
		`mrrbot_refreshes_total{result="ok"} 1`,
		`mrrbot_refreshes_total{result="unchanged"} 2`,
		`mrrbot_refreshes_total{result="error"} 0`,
		`mrrbot_figures_read_timestamp_seconds{report="default"} 1.77357594e+09`,
		"go_goroutines",
		"promhttp_metric_handler_requests_total",
	}, metricNames...)
	if runtime.GOOS == "linux" {
		want = append(want, "process_cpu_seconds_total")
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("GET /metrics lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("GET /metrics:\n%s", text)
	}

	problems, err := testutil.GatherAndLint(m.reg, metricNames...)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}

// TestMetricsSheetsHooks runs a real Sheets client, made as sync makes
// it, against the stand-in with one 503 to retry.
func TestMetricsSheetsHooks(t *testing.T) {
	const id = "metrics-sheet"
	srv := sheetstest.New(t)
	srv.AddSpreadsheet(id, "Metrics", "en_US")
	srv.FailNext(1, http.StatusServiceUnavailable, 0)

	m, _ := newTestMetrics()
	onCall, onRetry := m.sheetsHooks()
	ctx := t.Context()
	hc, _, err := gsheets.NewHTTPClient(ctx, gsheets.AuthConfig{
		Endpoint:  srv.URL(),
		TokenFile: filepath.Join(t.TempDir(), "no-token.json"),
		Getenv:    func(string) string { return "" },
		OnCall:    onCall,
		OnRetry:   onRetry,
	})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := sheetsapi.NewService(ctx, option.WithHTTPClient(hc), option.WithEndpoint(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Spreadsheets.Get(id).Context(ctx).Do(); err != nil {
		t.Fatalf("spreadsheets.get after one 503: %v", err)
	}

	if got := srv.Calls().ByMethod[sheetstest.MethodGet]; got != 2 {
		t.Errorf("the stand-in saw %d spreadsheets.get requests, want 2 (one 503, one retry)", got)
	}
	checkValue(t, "sheets calls", testutil.ToFloat64(m.apiCalls.WithLabelValues("sheets", sheetstest.MethodGet)), 1)
	checkValue(t, "sheets retries after 503", testutil.ToFloat64(m.apiRetries.WithLabelValues("sheets", "503")), 1)
}

// TestMetricsSlackHooks posts through each of notify's ways to Slack
// against the stand-in, with one failure to retry each.
func TestMetricsSlackHooks(t *testing.T) {
	noSleep := func(context.Context, time.Duration) error { return nil }
	for _, tc := range []struct {
		name   string
		method string
		status string
		run    func(t *testing.T, srv *slacktest.Server, hooks notify.Hooks) error
	}{{
		name: "bot token rate limited", method: "chat.postMessage", status: "429",
		run: func(t *testing.T, srv *slacktest.Server, hooks notify.Hooks) error {
			srv.RateLimitNext(1, time.Second)
			s := notify.NewSlack(notify.SlackConfig{
				Token: srv.Token(), Channel: slacktest.DefaultChannelID, APIURL: srv.URL(),
				Sleep: noSleep, Hooks: hooks,
			})
			_, err := s.Post(t.Context(), notify.Message{Text: "MRR is up"})
			return err
		},
	}, {
		name: "webhook 503", method: "webhook", status: "503",
		run: func(t *testing.T, srv *slacktest.Server, hooks notify.Hooks) error {
			srv.FailNextStatus(1, http.StatusServiceUnavailable)
			w := notify.NewWebhook(srv.WebhookURL(), nil, nil)
			w.SetHooks(hooks)
			_, err := w.Post(t.Context(), notify.Message{Text: "MRR is up"})
			return err
		},
	}, {
		name: "response URL 500", method: "response_url", status: "500",
		run: func(t *testing.T, srv *slacktest.Server, hooks notify.Hooks) error {
			srv.FailNextStatus(1, http.StatusInternalServerError)
			r := notify.Responder{Hooks: hooks}
			return r.Respond(t.Context(), srv.ResponseURL("mrr"), notify.Message{Text: "MRR is up"}, false)
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // the webhook and response URL wait out a real backoff
			srv := slacktest.New(t)
			m, _ := newTestMetrics()
			if err := tc.run(t, srv, m.slackHooks()); err != nil {
				t.Fatalf("post after one failure: %v", err)
			}
			checkValue(t, "slack calls", testutil.ToFloat64(m.apiCalls.WithLabelValues("slack", tc.method)), 1)
			checkValue(t, "slack retries", testutil.ToFloat64(m.apiRetries.WithLabelValues("slack", tc.status)), 1)
			if n := testutil.CollectAndCount(m.apiRetries); n != 1 {
				t.Errorf("api_retries has %d series, want 1", n)
			}
		})
	}
}
