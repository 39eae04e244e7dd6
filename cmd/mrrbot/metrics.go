package main

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/notify"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Label values of mrrbot's metrics. Each label has a small, fixed set of
// values, so that a metric has a bounded number of series.
const (
	serviceSheets = "sheets"
	serviceSlack  = "slack"

	// Outcomes of a sync or a slash command.
	resultOK      = "ok"
	resultError   = "error"
	resultRefused = "refused" // a slash command failed verification, no report answers its channel, or its sender may not run it
	// resultReplayed is a slash command request received before, with
	// the same signature and timestamp: acknowledged, not run again.
	resultReplayed = "replayed"
	// resultPending is a /mrr that came before its report's first figures
	// and was told to try again.
	resultPending = "pending"

	// refreshUnchanged is a check of serve's figures that found the
	// workbook as it was read, and read nothing.
	refreshUnchanged = "unchanged"

	// Outcomes of a digest post.
	digestPosted        = "posted"
	digestAlreadyPosted = "already_posted"
	digestError         = "error"

	// Kinds of slash command.
	slashMonthToDate = "month_to_date"
	slashMonth       = "month"
	slashSync        = "sync"
	slashHelp        = "help"
	slashUnknown     = "unknown"

	// noStatus is the status label of a retry whose failed attempt had
	// no HTTP status to tell: a transport error, or a Slack error code.
	noStatus = "none"
)

// syncBuckets are the bounds of mrrbot_sync_duration_seconds: a small
// sheet reads in well under a second, a large one with retries can take
// minutes.
var syncBuckets = []float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300}

// metrics are the Prometheus metrics that serve exposes on /metrics. They
// live in their own registry, not Prometheus's global one, so that a
// test or a second server in the same process starts from zero.
//
// A nil *metrics records nothing: every method is a no-op on it, so the
// commands that do not serve need no metrics.
type metrics struct {
	reg    *prometheus.Registry
	now    func() time.Time
	scrape http.Handler // GET /metrics

	syncs         *prometheus.CounterVec
	syncDuration  prometheus.Histogram
	lastSync      prometheus.Gauge
	apiCalls      *prometheus.CounterVec
	apiRetries    *prometheus.CounterVec
	slashCommands *prometheus.CounterVec
	digestPosts   *prometheus.CounterVec
	mrr           *prometheus.GaugeVec
	refreshes     *prometheus.CounterVec
	figuresRead   *prometheus.GaugeVec

	mu      sync.Mutex
	mrrAsOf map[mrrSeries]calc.Date // the as-of day of the figures each mrr series shows
}

// mrrSeries is a series of mrrbot_mrr: one per report and currency, so
// that two reports in one currency do not overwrite each other.
type mrrSeries struct{ report, currency string }

// newMetrics returns metrics in a new registry, with the Go runtime and
// process collectors. now is the clock of
// mrrbot_last_sync_timestamp_seconds.
func newMetrics(now func() time.Time) *metrics {
	m := &metrics{
		reg:     prometheus.NewRegistry(),
		now:     now,
		mrrAsOf: map[mrrSeries]calc.Date{},
		syncs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mrrbot_syncs_total",
			Help: "Syncs (read the sheet, compute, and write unless a dry run), by result: ok or error. Serve's background refreshes are mrrbot_refreshes_total.",
		}, []string{"result"}),
		syncDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "mrrbot_sync_duration_seconds",
			Help:    "How long syncs took, failed ones included.",
			Buckets: syncBuckets,
		}),
		lastSync: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mrrbot_last_sync_timestamp_seconds",
			Help: "When the last successful sync ended, in seconds since the Unix epoch; 0 before the first.",
		}),
		apiCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mrrbot_api_calls_total",
			Help: "Calls to the Google Sheets API and to Slack, each counted once however often it was retried, by service and method.",
		}, []string{"service", "method"}),
		apiRetries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mrrbot_api_retries_total",
			Help: "Retries of calls to the Google Sheets API and to Slack, by service and the HTTP status of the failed attempt (\"none\" for a transport error or a Slack error code).",
		}, []string{"service", "status"}),
		slashCommands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mrrbot_slash_commands_total",
			Help: "Slash commands, by command (month_to_date, month, sync, help, unknown) and result (ok, error, refused: the request failed verification, no report is bound to its channel, or its sender may not run it, replayed: a copy of a request answered before, or pending: it came before the report's first figures were computed).",
		}, []string{"command", "result"}),
		digestPosts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mrrbot_digest_posts_total",
			Help: "Scheduled monthly digests, by result: posted, already_posted (the ledger had it) or error.",
		}, []string{"result"}),
		mrr: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mrrbot_mrr",
			Help: "The ending MRR of the latest figures computed, by report (its name in the config file, \"default\" without one) and reporting currency.",
		}, []string{"report", "currency"}),
		refreshes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mrrbot_refreshes_total",
			Help: "Checks of the source that serve's figures come from, by result: ok (read and computed), error (the read failed; the last good figures stay) or unchanged (the workbook's modified time and size, and the day, were as at the last read: nothing read).",
		}, []string{"result"}),
		figuresRead: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mrrbot_figures_read_timestamp_seconds",
			Help: "When the read began that made the figures /mrr answers from, by report, in seconds since the Unix epoch.",
		}, []string{"report"}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.syncs, m.syncDuration, m.lastSync, m.apiCalls, m.apiRetries,
		m.slashCommands, m.digestPosts, m.mrr, m.refreshes, m.figuresRead,
	)
	// Series that exist from the start read 0 rather than missing, so
	// that rate() and alerts on them work before the first event.
	for _, r := range []string{resultOK, resultError} {
		m.syncs.WithLabelValues(r)
	}
	for _, r := range []string{resultOK, resultError, refreshUnchanged} {
		m.refreshes.WithLabelValues(r)
	}
	for _, r := range []string{digestPosted, digestAlreadyPosted, digestError} {
		m.digestPosts.WithLabelValues(r)
	}
	for _, k := range []string{slashMonthToDate, slashMonth, slashSync, slashHelp, slashUnknown} {
		m.slashCommands.WithLabelValues(k, resultOK)
		m.slashCommands.WithLabelValues(k, resultError)
	}
	m.slashCommands.WithLabelValues(slashUnknown, resultRefused)
	m.slashCommands.WithLabelValues(slashMonthToDate, resultPending)
	m.slashCommands.WithLabelValues(slashMonth, resultPending)
	m.scrape = promhttp.InstrumentMetricHandler(m.reg, promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}))
	return m
}

// handler serves the metrics in the Prometheus text format, for
// GET /metrics. On a nil *metrics it answers 404.
func (m *metrics) handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return m.scrape
}

// syncDone records a sync that took d and failed with err, or succeeded
// when err is nil.
func (m *metrics) syncDone(d time.Duration, err error) {
	if m == nil {
		return
	}
	m.syncDuration.Observe(d.Seconds())
	if err != nil {
		m.syncs.WithLabelValues(resultError).Inc()
		return
	}
	m.syncs.WithLabelValues(resultOK).Inc()
	m.lastSync.Set(float64(m.now().UnixNano()) / 1e9)
}

// observeSync records a sync that took d and ended with s, or failed with
// err: the sync itself and, when it succeeded, its ending MRR.
func (m *metrics) observeSync(d time.Duration, s *synced, err error) {
	if m == nil {
		return
	}
	m.syncDone(d, err)
	if err == nil && s != nil {
		m.observeResult(s.report, s.result)
	}
}

// observeResult sets report's mrrbot_mrr to the ending MRR of res's last
// month, unless figures of that report in its currency as of a later day
// were observed before: computing a past month's digest does not pull the
// gauge back.
func (m *metrics) observeResult(report string, res *calc.Result) {
	if m == nil || res == nil || len(res.Months) == 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	series := mrrSeries{report, res.Currency}
	if res.AsOf < m.mrrAsOf[series] {
		return
	}
	m.mrrAsOf[series] = res.AsOf
	m.observeMRR(report, res.Currency, res.Months[len(res.Months)-1].Ending.Decimal().InexactFloat64())
}

// refreshDone counts a check of serve's figures with its result: ok,
// error or unchanged.
func (m *metrics) refreshDone(result string) {
	if m == nil {
		return
	}
	m.refreshes.WithLabelValues(result).Inc()
}

// observeFigures records the figures report answers from now: when they
// were read, and their ending MRR.
func (m *metrics) observeFigures(report string, fig *figures) {
	if m == nil {
		return
	}
	m.figuresRead.WithLabelValues(report).Set(float64(fig.readAt.UnixNano()) / 1e9)
	m.observeResult(report, fig.result)
}

// observeMRR sets the MRR gauge of report and currency to v.
func (m *metrics) observeMRR(report, currency string, v float64) {
	if m == nil {
		return
	}
	m.mrr.WithLabelValues(report, currency).Set(v)
}

// apiCall counts a call to service ("sheets" or "slack").
func (m *metrics) apiCall(service, method string) {
	if m == nil {
		return
	}
	m.apiCalls.WithLabelValues(service, method).Inc()
}

// apiRetry counts a retry of a call to service after an attempt that
// failed with the HTTP status, 0 meaning none.
func (m *metrics) apiRetry(service string, status int) {
	if m == nil {
		return
	}
	label := noStatus
	if status > 0 {
		label = strconv.Itoa(status)
	}
	m.apiRetries.WithLabelValues(service, label).Inc()
}

// slash counts a slash command of kind (see commandKind) with its result:
// "ok", "error" or "refused".
func (m *metrics) slash(kind, result string) {
	if m == nil {
		return
	}
	m.slashCommands.WithLabelValues(kind, result).Inc()
}

// digestPost counts a digest post with its result (see digestResult).
func (m *metrics) digestPost(result string) {
	if m == nil {
		return
	}
	m.digestPosts.WithLabelValues(result).Inc()
}

// sheetsHooks returns the hooks that count Sheets API calls and retries,
// for gsheets.AuthConfig's OnCall and OnRetry; nil ones on a nil *metrics.
func (m *metrics) sheetsHooks() (onCall func(method string), onRetry func(status, attempt int)) {
	if m == nil {
		return nil, nil
	}
	return func(method string) { m.apiCall(serviceSheets, method) },
		func(status, _ int) { m.apiRetry(serviceSheets, status) }
}

// slackHooks returns the hooks that count Slack calls and retries, for
// every way notify reaches Slack; zero ones on a nil *metrics.
func (m *metrics) slackHooks() notify.Hooks {
	if m == nil {
		return notify.Hooks{}
	}
	return notify.Hooks{
		OnCall:  func(method string) { m.apiCall(serviceSlack, method) },
		OnRetry: func(status, _ int) { m.apiRetry(serviceSlack, status) },
	}
}

// commandKind is the kind of a slash command's text, as
// mrrbot_slash_commands_total counts it; bot.answer reads text the same
// way.
func commandKind(text string) string {
	switch text {
	case "":
		return slashMonthToDate
	case "help":
		return slashHelp
	case "sync":
		return slashSync
	}
	if _, err := calc.ParseMonth(text); err == nil {
		return slashMonth
	}
	return slashUnknown
}

// digestResult is the result label of a digest post that posted or not,
// or failed with err.
func digestResult(posted bool, err error) string {
	switch {
	case err != nil:
		return digestError
	case posted:
		return digestPosted
	}
	return digestAlreadyPosted
}
