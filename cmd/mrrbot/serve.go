package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/notify"
	"github.com/mrrbot/mrrbot/report"
	"github.com/mrrbot/mrrbot/sheets"
	"golang.org/x/sync/singleflight"
)

// maxCommandBody is the largest slash command request read; Slack's are a
// few hundred bytes.
const maxCommandBody = 64 << 10

// sharedTimeout bounds a computation or a /mrr sync that several commands
// share: no one command's end cuts it short, and it cannot outlive them
// all by long.
const sharedTimeout = 5 * time.Minute

// registerServe registers the flags of syncFlags that serve uses: where
// the subscriptions are, how to read them, and what /mrr sync writes. The
// day is always today, and /mrr sync writes: no --as-of, --through or
// --dry-run.
func (f *syncFlags) registerServe(fs *flag.FlagSet, getenv func(string) string) {
	f.registerStore(fs, getenv)
	f.registerRead(fs, getenv)
	f.registerSegments(fs)
	f.registerTabNames(fs)
	f.registerBooks(fs)
}

func (c *cli) serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	f := newSyncFlags()
	f.registerServe(fs, c.getenv)
	c.logFlags(fs)
	c.logJSON = true
	config := fs.String("config", c.getenv("MRRBOT_CONFIG"), "config `FILE` listing several reports, mrrbot.yaml (default: MRRBOT_CONFIG)")
	addr := fs.String("addr", ":8080", "HTTP `ADDR` for /slack/commands and /healthz (and /metrics, unless --metrics-addr)")
	metricsAddr := fs.String("metrics-addr", "", "serve /metrics on this `ADDR` instead of --addr, so that it need not be reachable where /slack/commands is")
	scheduleFlag := fs.String("schedule", envOr(c.getenv, "MRRBOT_SCHEDULE", "1 09:00"), "when to post the monthly digest: `DAY HH:MM` of each month, in MRRBOT_TIMEZONE; \"off\" to not post (default: MRRBOT_SCHEDULE, then 1 09:00; not with --config, whose reports have their own)")
	checkEvery := fs.Duration("cache", 30*time.Second, "how often to check each report's source for changes, a `DURATION` such as 30s: a workbook is read again when its modified time or size changed, a Google spreadsheet is read again at every check")
	if help, err := c.parseFlags(fs, args); help || err != nil {
		return err
	}
	if err := storeOrConfig(fs, *config); err != nil {
		return err
	}
	if *config != "" && setFlags(fs)["schedule"] {
		return usagef("with --config, each report's schedule is in the file (schedule: \"1 09:00\", default MRRBOT_SCHEDULE); --schedule is for one report without it")
	}
	secret, appToken := c.getenv("SLACK_SIGNING_SECRET"), c.getenv("SLACK_APP_TOKEN")
	if secret == "" && appToken == "" {
		return usagef("serve: set SLACK_SIGNING_SECRET (to verify slash commands over HTTP) or SLACK_APP_TOKEN (Socket Mode)")
	}
	if *checkEvery < time.Second {
		return usagef("--cache %v: want an interval of at least 1s", *checkEvery)
	}
	if c.metrics == nil {
		c.metrics = newMetrics(c.now)
	}
	bots, err := c.bots(&f, *config, *scheduleFlag)
	if err != nil {
		return err
	}
	log := c.logger()
	apiURL := c.getenv("SLACK_API_URL")
	dir := notify.NewDirectory(notify.DirectoryConfig{
		Token: c.getenv("SLACK_BOT_TOKEN"), APIURL: apiURL, HTTPClient: c.httpClient,
		Logger: log, Now: c.now, Hooks: c.metrics.slackHooks(),
	})
	if err := bindReports(ctx, bots, dir, log); err != nil {
		return fmt.Errorf("serve: %w", err)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 4)

	c.keepWarm(ctx, &wg, bots, *checkEvery)
	c.runSchedules(ctx, &wg, bots)
	route := c.router(bots, dir)
	if appToken != "" {
		c.runSocketMode(ctx, &wg, errs, appToken, route)
	}
	commands := c.commandHandler(secret, apiURL, route)
	srvs, err := c.listen(ctx, *addr, *metricsAddr, commands, errs)
	if err != nil {
		return err
	}
	names := make([]string, len(bots))
	for i, b := range bots {
		names[i] = b.name
	}
	log.Info("serving", "addr", srvs.addr, "reports", strings.Join(names, ","), "socket_mode", appToken != "")
	if c.listening != nil {
		c.listening(srvs.addr)
	}

	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errs:
	}
	log.Info("shutting down")
	srvs.stop(ctx)
	cancel()
	commands.Wait() // commands still being answered
	wg.Wait()       // the schedulers, Socket Mode and its commands
	return runErr
}

// router answers each command with the bot of its report, once it is
// let in.
func (c *cli) router(bots []*bot, dir *notify.Directory) func(context.Context, notify.Command) notify.Message {
	return func(ctx context.Context, cmd notify.Command) notify.Message {
		b, refusal := c.admit(ctx, bots, dir, cmd)
		if b == nil {
			return refusal
		}
		return b.answer(ctx, cmd)
	}
}

// keepWarm computes each bot's figures now and checks its source every
// interval, on goroutines of wg, until ctx is done (see warm.go).
func (c *cli) keepWarm(ctx context.Context, wg *sync.WaitGroup, bots []*bot, every time.Duration) {
	for _, b := range bots {
		b.warm.init()
		wg.Go(func() { b.keepWarm(ctx, every) })
	}
	if c.warmed == nil {
		return
	}
	wg.Go(func() {
		for _, b := range bots {
			select {
			case <-b.warm.first:
			case <-ctx.Done():
				return
			}
		}
		c.warmed()
	})
}

// runSchedules posts each bot's monthly digest when its schedule comes
// round, on goroutines of wg, until ctx is done.
func (c *cli) runSchedules(ctx context.Context, wg *sync.WaitGroup, bots []*bot) {
	for _, b := range bots {
		if b.sched.off {
			continue
		}
		wg.Go(func() {
			blog := c.logger().With("report", b.name)
			runSchedule(ctx, b.sched, b.loc, c.now, blog, func(ctx context.Context, month calc.Month) {
				if err := b.postDigest(ctx, month); err != nil {
					blog.Error("posting the monthly digest", "month", month.String(), "err", err)
				}
			})
		})
	}
}

// runSocketMode takes slash commands over Socket Mode with the app token,
// on a goroutine of wg, until ctx is done; a failure goes to errs.
func (c *cli) runSocketMode(ctx context.Context, wg *sync.WaitGroup, errs chan<- error, appToken string, route func(context.Context, notify.Command) notify.Message) {
	wg.Go(func() {
		err := notify.RunSocketMode(ctx, notify.SocketConfig{
			AppToken: appToken, BotToken: c.getenv("SLACK_BOT_TOKEN"), APIURL: c.getenv("SLACK_API_URL"),
			HTTPClient: c.httpClient, Logger: c.logger(), Hooks: c.metrics.slackHooks(),
			Refused: func(_ context.Context, cmd notify.Command, err error) { c.refuseResponseURL(cmd, err) },
		}, route)
		if err != nil && ctx.Err() == nil {
			errs <- fmt.Errorf("socket mode: %w", err)
		}
	})
}

// servers are serve's HTTP servers: the address of the main one, and how
// to stop them.
type servers struct {
	addr string
	stop func(ctx context.Context)
}

// listen serves /healthz, /slack/commands (commands) and /metrics on addr,
// or /metrics on metricsAddr when it is set, until stopped; a server that
// fails sends its error to errs.
func (c *cli) listen(ctx context.Context, addr, metricsAddr string, commands http.Handler, errs chan<- error) (*servers, error) {
	log := c.logger()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	if metricsAddr == "" {
		mux.Handle("GET /metrics", c.metrics.handler())
	}
	mux.Handle("POST /slack/commands", commands)
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	var metricsSrv *http.Server
	if metricsAddr != "" {
		mln, err := net.Listen("tcp", metricsAddr)
		if err != nil {
			ln.Close()
			return nil, fmt.Errorf("serve: --metrics-addr: %w", err)
		}
		mmux := http.NewServeMux()
		mmux.Handle("GET /metrics", c.metrics.handler())
		metricsSrv = &http.Server{Handler: mmux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 10 * time.Second}
		log.Info("serving metrics", "addr", mln.Addr().String())
		if c.metricsListening != nil {
			c.metricsListening(mln.Addr().String())
		}
		go func() {
			if err := metricsSrv.Serve(mln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs <- fmt.Errorf("serve metrics: %w", err)
			}
		}()
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs <- fmt.Errorf("serve: %w", err)
		}
	}()
	stop := func(ctx context.Context) {
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdown); err != nil {
			log.Warn("shutdown", "err", err)
		}
		if metricsSrv != nil {
			metricsSrv.Close()
		}
	}
	return &servers{addr: ln.Addr().String(), stop: stop}, nil
}

// bots makes one bot per report: those of the config file, or the one
// the flags and environment describe.
func (c *cli) bots(f *syncFlags, config, scheduleFlag string) ([]*bot, error) {
	if config == "" {
		if f.spreadsheet == "" && f.workbook == "" {
			return nil, usagef("give --spreadsheet ID|URL (or set MRRBOT_SPREADSHEET), --workbook FILE.xlsx, or --config FILE")
		}
		loc, err := c.location()
		if err != nil {
			return nil, err
		}
		sched, err := parseSchedule(scheduleFlag)
		if err != nil {
			return nil, usagef("--schedule: %v", err)
		}
		bf := *f
		bf.report = "default"
		return []*bot{{cli: c, name: bf.report, flags: bf, loc: loc, sched: sched, channel: c.getenv("SLACK_CHANNEL"), sharedFor: sharedTimeout, firstWait: firstWait}}, nil
	}
	reports, err := loadConfig(config, c.getenv)
	if err != nil {
		return nil, err
	}
	var bots []*bot
	for _, r := range reports {
		bf := *f
		bf.spreadsheet, bf.workbook = r.Spreadsheet, r.Workbook
		if r.Tab != "" {
			bf.tab = r.Tab
		}
		if len(r.Segments) > 0 {
			bf.segments = r.Segments
		}
		bf.currency = r.Currency
		bf.report = r.Name
		bots = append(bots, &bot{cli: c, name: r.Name, flags: bf, loc: r.loc, sched: r.sched, channel: r.Channel, sharedFor: sharedTimeout, firstWait: firstWait,
			access: reportAccess{allowUsers: r.AllowUsers, allowGroups: r.AllowUsergroups, allowSync: r.AllowSync}})
	}
	return bots, nil
}

// bot answers commands and posts digests for one report.
type bot struct {
	cli     *cli
	name    string
	flags   syncFlags
	loc     *time.Location
	sched   schedule
	channel string // where its digest goes, as configured (an ID or a name)
	// sharedFor bounds a computation or sync its commands share
	// (sharedTimeout).
	sharedFor time.Duration
	// firstWait bounds how long a /mrr waits for the first figures.
	firstWait time.Duration
	access    reportAccess // who may run its commands; see access.go

	warm  warmState // the figures /mrr answers from; see warm.go
	group singleflight.Group
	mu    sync.Mutex
	syncs int // syncs made by /mrr sync, for tests and logs
}

// sync syncs the report now, for /mrr sync. Syncs of one report run one
// at a time: a /mrr sync that arrives while one is in flight joins it and
// gets its answer, rather than reading and writing the whole sheet again
// beside it.
func (b *bot) sync(ctx context.Context) (*synced, error) {
	v, err, _ := b.group.Do("sync", func() (any, error) {
		f := b.flags
		today := b.today()
		f.per = period{asOf: today.String()}
		// The sync is shared: a command whose answer is no longer wanted
		// does not cut it short for the others.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.sharedFor)
		defer cancel()
		readAt := b.cli.now()
		s, err := b.cli.runSync(ctx, &f)
		if err != nil {
			return nil, err
		}
		// /mrr answers from what the sync read. A workbook's next check
		// sees the sync's write and reads it back.
		b.install(newFigures(s, today, readAt))
		b.mu.Lock()
		b.syncs++
		b.mu.Unlock()
		return s, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*synced), nil
}

func (b *bot) today() calc.Date { return calc.DateFromTime(b.cli.now().In(b.loc)) }

const commandHelp = "*/mrr* — MRR as of today and the month so far\n" +
	"*/mrr 2026-10* — that month's figures\n" +
	"*/mrr sync* — sync the spreadsheet now and say what changed\n" +
	"*/mrr help* — this help"

// answer runs one slash command. A Slack user sees a short, safe message;
// the log gets the whole error. /mrr and /mrr YYYY-MM answer from the
// figures kept warm (see warm.go); only /mrr sync reads the source.
func (b *bot) answer(ctx context.Context, cmd notify.Command) notify.Message {
	text := strings.TrimSpace(cmd.Text)
	kind, result := commandKind(text), resultOK
	defer func() { b.cli.metrics.slash(kind, result) }()
	log := b.cli.logger().With("command", cmd.Command, "text", text, "channel", cmd.ChannelID)
	fail := func(err error) notify.Message {
		if errors.Is(err, errComputing) {
			result = resultPending
			log.Info("slash command before the first figures", "waited", b.firstWait.String())
			return textMessage("The figures are still being computed: mrrbot has just started and is reading the spreadsheet. Try again in a minute.")
		}
		result = resultError
		log.Error("slash command failed", "err", err)
		return textMessage("Sorry, I could not compute MRR just now. The error is in mrrbot's log; try again in a minute.")
	}
	var stale error
	note := func(msg notify.Message, fig *figures) notify.Message {
		if stale == nil {
			return msg
		}
		return withNote(msg, b.staleNote(fig))
	}
	switch {
	case text == "help":
		return textMessage(commandHelp)
	case text == "sync":
		s, err := b.sync(ctx)
		if err != nil {
			return fail(err)
		}
		return syncMessage(s)
	case text == "":
		fig, st, err := b.current(ctx)
		if err != nil {
			return fail(err)
		}
		stale = st
		d, err := fig.monthToDate()
		if err != nil {
			if fig.allLeftOut {
				return note(textMessage(leftOutReply(fig.rows)), fig)
			}
			return note(textMessage("No paying subscriptions yet."), fig)
		}
		return note(notify.Message{Text: d.Headline(), Blocks: d.ShortBlocks()}, fig)
	}
	m, err := calc.ParseMonth(text)
	if err != nil {
		return textMessage("I did not understand that. Try:\n" + commandHelp)
	}
	fig, st, err := b.current(ctx)
	if err != nil {
		return fail(err)
	}
	stale = st
	d, err := fig.digest(m)
	if err != nil {
		if len(fig.result.Months) == 0 && fig.allLeftOut {
			return note(textMessage(leftOutReply(fig.rows)), fig)
		}
		return note(textMessage(fmt.Sprintf("There are no figures for %s.", m)), fig)
	}
	return note(notify.Message{Text: d.Headline(), Blocks: d.Blocks()}, fig)
}

func textMessage(s string) notify.Message { return notify.Message{Text: s} }

// leftOutReply answers /mrr when every one of the sheet's rows was left
// out.
func leftOutReply(rows int) string {
	return report.LeftOutMessage(rows) + ": `/mrr sync` lists the problems in the " + report.DefaultTabNames.Issues + " tab."
}

// syncMessage says what a sync wrote. Slack reads it as mrkdwn, so the
// spreadsheet's title, the tab names and the restated customers' names are
// escaped: they cannot format, mention or link.
func syncMessage(s *synced) notify.Message {
	var sb strings.Builder
	fmt.Fprintf(&sb, "Synced *%s*:", report.EscapeMrkdwn(s.title))
	for _, t := range s.tabs() {
		if t.Hidden {
			continue // the bot's own bookkeeping, as `mrrbot sync` prints it
		}
		fmt.Fprintf(&sb, " %s (%d rows)", report.EscapeMrkdwn(t.Name), len(t.Rows))
	}
	if n := len(s.result.Months); n > 0 {
		last := s.result.Months[n-1]
		fmt.Fprintf(&sb, ". MRR as of %s: %s (%s this month)", s.result.AsOf,
			report.Money(last.Ending.Decimal(), s.result.Currency), report.Money(last.NetNew.Decimal(), s.result.Currency))
	}
	if n := report.IssueRows(s.errors, s.remarks); n > 0 {
		fmt.Fprintf(&sb, ". %d rows have problems: see the %s tab", n, report.EscapeMrkdwn(tabName(s.tabs(), sheets.RoleIssues)))
	}
	sb.WriteString(".")
	if len(s.restated) > 0 {
		sb.WriteString("\n*Restated* since the last sync recorded them:")
		for _, line := range report.RestatedLines(s.restated, customerNames(s.result.Customers), s.result.Currency) {
			sb.WriteString("\n• " + report.EscapeMrkdwn(line))
		}
	}
	return textMessage(sb.String())
}

// commandHandler is POST /slack/commands: notify's handler, with route
// answering, the metrics counting and the refusals audited.
func (c *cli) commandHandler(secret, apiURL string, route func(context.Context, notify.Command) notify.Message) *notify.SlashHandler {
	return &notify.SlashHandler{
		Secret: secret, Handle: route, APIURL: apiURL,
		Refused:  func(_ context.Context, cmd notify.Command, err error) { c.refuseResponseURL(cmd, err) },
		Rejected: func(error) { c.metrics.slash(slashUnknown, resultRefused) },
		Replayed: func(cmd notify.Command) { c.metrics.slash(commandKind(strings.TrimSpace(cmd.Text)), resultReplayed) },
		Now:      c.now, MaxBody: maxCommandBody,
		HTTPClient: c.httpClient, Hooks: c.metrics.slackHooks(), Logger: c.logger(),
	}
}

// schedule is when the monthly digest goes out: a day of the month and a
// time of day, in the report's time zone.
type schedule struct {
	off          bool
	day          int
	hour, minute int
}

func (s schedule) String() string {
	if s.off {
		return "off"
	}
	return fmt.Sprintf("day %d at %02d:%02d", s.day, s.hour, s.minute)
}

// parseSchedule reads "DAY HH:MM" ("1 09:00") or "off".
func parseSchedule(s string) (schedule, error) {
	s = strings.TrimSpace(s)
	if s == "off" {
		return schedule{off: true}, nil
	}
	dayStr, clock, ok := strings.Cut(s, " ")
	day, err := strconv.Atoi(dayStr)
	if !ok || err != nil || day < 1 || day > 28 {
		return schedule{}, fmt.Errorf("%q: want DAY HH:MM with DAY 1–28, e.g. \"1 09:00\", or \"off\"", s)
	}
	t, err := time.Parse("15:04", strings.TrimSpace(clock))
	if err != nil {
		return schedule{}, fmt.Errorf("%q: want DAY HH:MM, e.g. \"1 09:00\"", s)
	}
	return schedule{day: day, hour: t.Hour(), minute: t.Minute()}, nil
}

// next returns the first time strictly after now that the schedule fires.
func (s schedule) next(now time.Time, loc *time.Location) time.Time {
	local := now.In(loc)
	t := time.Date(local.Year(), local.Month(), s.day, s.hour, s.minute, 0, 0, loc)
	if !t.After(local) {
		t = time.Date(local.Year(), local.Month()+1, s.day, s.hour, s.minute, 0, 0, loc)
	}
	return t
}

// runSchedule calls fire with the month just ended each time the schedule
// comes round, until ctx is done. It reads the time from now, serve's one
// clock, and waits with the time package's timers, so tests run it under
// testing/synctest.
func runSchedule(ctx context.Context, s schedule, loc *time.Location, now func() time.Time, log *slog.Logger, fire func(context.Context, calc.Month)) {
	for {
		at := s.next(now(), loc)
		log.Info("next digest", "at", at.Format(time.RFC3339))
		timer := time.NewTimer(at.Sub(now()))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		fire(ctx, calc.DateFromTime(at).Month()-1)
	}
}

// postDigest posts month's digest unless the ledger says it was posted.
func (b *bot) postDigest(ctx context.Context, month calc.Month) (err error) {
	posted := false
	defer func() { b.cli.metrics.digestPost(digestResult(posted, err)) }()
	f := b.flags
	f.dryRun = true
	f.per = period{asOf: min(month.LastDay(), b.today()).String()}
	s, err := b.cli.runSync(ctx, &f)
	if err != nil {
		return err
	}
	d, err := s.digest(month)
	if err != nil {
		return err
	}
	poster, channel, err := b.cli.poster(b.postTo())
	if err != nil {
		return err
	}
	if channel == b.postTo() {
		channel = b.channel // the ledger's key, as it was before channels were bound
	}
	posted, err = notify.PostOnce(ctx, poster, s.ledger, notify.DigestKey(channel, month.String()), b.cli.postNote(), digestMessage(s, d, month, b.cli), false)
	if err != nil {
		return err
	}
	b.cli.logger().Info("monthly digest", "month", month.String(), "posted", posted, "channel", channel)
	return nil
}
