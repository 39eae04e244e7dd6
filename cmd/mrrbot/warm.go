package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/notify"
	"github.com/mrrbot/mrrbot/report"
	"github.com/slack-go/slack"
)

// Serve answers /mrr from figures it keeps warm. Each report's are
// computed when serve starts, on a goroutine of their own, and checked
// every --cache interval after that:
//
//   - a workbook is read again only when its modified time or size has
//     changed since the last read, or the day has (the figures are as of
//     today);
//   - a Google spreadsheet is read again at every check: the Sheets API
//     has no cheap way to tell that a spreadsheet changed (its revision
//     and modified time are the Drive API's, under another scope), so
//     the honest choice is a read per interval, in the background.
//
// A /mrr never reads the source: it waits for the first figures (a
// bounded time, firstWait) and then answers from the latest good ones. A
// refresh that fails keeps them, logs a warning, and /mrr says how old
// they are. /mrr sync installs the figures it computed. What is kept is
// the computed result and what answering needs, not the rows read.

// firstWait bounds how long a /mrr waits for a report's first figures
// before saying that they are still being computed: well inside the two
// minutes a command's answer may take.
const firstWait = time.Minute

// errComputing is the answer to a /mrr that came before a report's first
// figures and waited firstWait for them.
var errComputing = errors.New("the figures are still being computed")

// figures are what /mrr answers from: one read of a report's source,
// computed as of a day, without the rows that were read.
type figures struct {
	result     *calc.Result
	asOf       calc.Date // the day they are as of: the day of the read
	readAt     time.Time // when the read that made them began
	link       string
	rows       int // subscription rows read
	issueRows  int // rows with problems, as the digest counts them
	allLeftOut bool
	restated   []string // the restatements, one line each, as the digest shows them

	monthToDate func() (*report.Digest, error)
	mu          sync.Mutex
	months      map[calc.Month]func() (*report.Digest, error)
}

// newFigures keeps from s what answering needs. s itself, with the rows
// it read, is left to the garbage collector.
func newFigures(s *synced, asOf calc.Date, readAt time.Time) *figures {
	f := &figures{
		result:     s.result,
		asOf:       asOf,
		readAt:     readAt,
		link:       s.link,
		rows:       s.loaded.Rows,
		issueRows:  report.IssueRows(s.errors, s.remarks),
		allLeftOut: s.allLeftOut(),
		restated:   report.RestatedLines(s.restated, customerNames(s.result.Customers), s.result.Currency),
		months:     map[calc.Month]func() (*report.Digest, error){},
	}
	f.monthToDate = sync.OnceValues(func() (*report.Digest, error) { return report.MonthToDate(f.result) })
	return f
}

// digest is the digest of month m, made once per month and shared by
// the commands that ask for it. When every row of the sheet was left out
// there is none, and the error says so.
func (f *figures) digest(m calc.Month) (*report.Digest, error) {
	if len(f.result.Months) == 0 && f.allLeftOut {
		return nil, fmt.Errorf("digest for %s: %s", m, lowerFirst(report.LeftOutMessage(f.rows)))
	}
	if _, ok := f.result.Month(m); !ok {
		// No figures for m: the error, without keeping it.
		return report.NewDigest(f.result, m, f.issueRows, f.link)
	}
	f.mu.Lock()
	get, ok := f.months[m]
	if !ok {
		get = sync.OnceValues(func() (*report.Digest, error) {
			d, err := report.NewDigest(f.result, m, f.issueRows, f.link)
			if err != nil {
				return nil, err
			}
			d.Restated = f.restated
			return d, nil
		})
		f.months[m] = get
	}
	f.mu.Unlock()
	return get()
}

// fileStamp is what tells that a workbook changed: its modified time and
// size, as a check found them. known is false for a source that has none
// (a Google spreadsheet), which every check reads.
type fileStamp struct {
	known   bool
	missing bool // the file was not there
	mod     time.Time
	size    int64
}

func (s fileStamp) same(t fileStamp) bool {
	return s.known && t.known && s.missing == t.missing && s.mod.Equal(t.mod) && s.size == t.size
}

// stamp looks at the report's workbook; a spreadsheet has no stamp.
func (b *bot) stamp() fileStamp {
	if b.flags.workbook == "" {
		return fileStamp{}
	}
	fi, err := os.Stat(b.flags.workbook)
	if err != nil {
		// The read that follows says why; a workbook that stays away is
		// not read again until it is back.
		return fileStamp{known: true, missing: true}
	}
	return fileStamp{known: true, mod: fi.ModTime(), size: fi.Size()}
}

// warmState is a bot's figures and how its refreshes went.
type warmState struct {
	mu       sync.Mutex
	fig      *figures  // the latest good figures; nil before the first
	tried    fileStamp // the workbook as the latest read (good or not) found it
	triedDay calc.Date // the day of that read
	failed   error     // why the latest read failed, nil when it did not
	failedAt time.Time
	reads    int // reads of the source made by refreshes, for tests and logs
	// first is closed when the first refresh has ended, well or not.
	first     chan struct{}
	firstOnce sync.Once
}

func (w *warmState) init() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.first == nil {
		w.first = make(chan struct{})
	}
}

func (w *warmState) firstDone() {
	w.init()
	w.firstOnce.Do(func() { close(w.first) })
}

// keepWarm computes the bot's figures now and checks its source every
// interval until ctx is done. The checks wait with the time package's
// timers and stamp with serve's clock, so that tests run them under
// testing/synctest.
func (b *bot) keepWarm(ctx context.Context, every time.Duration) {
	b.refresh(ctx)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			b.refresh(ctx)
		}
	}
}

// refresh reads the source and computes the figures as of today, unless
// it is a workbook that has not changed since the latest read, on a day
// that has not changed either. A failed read keeps the figures there are.
func (b *bot) refresh(ctx context.Context) {
	w := &b.warm
	w.init()
	defer w.firstDone()
	log := b.cli.logger().With("report", b.name)
	stamp, today := b.stamp(), b.today()
	w.mu.Lock()
	unchanged := stamp.same(w.tried) && today == w.triedDay
	w.mu.Unlock()
	if unchanged {
		b.cli.metrics.refreshDone(refreshUnchanged)
		return
	}

	readAt := b.cli.now()
	f := b.flags
	f.dryRun = true
	f.per = period{asOf: today.String()}
	// A refresh serve's end may cut short; no command waits on it.
	rctx, cancel := context.WithTimeout(ctx, b.sharedFor)
	defer cancel()
	s, err := b.cli.readSync(rctx, &f)
	w.mu.Lock()
	w.tried, w.triedDay = stamp, today
	w.reads++
	w.mu.Unlock()
	if err != nil {
		if ctx.Err() != nil {
			return // serve is stopping
		}
		b.cli.metrics.refreshDone(resultError)
		w.mu.Lock()
		w.failed, w.failedAt = err, readAt
		fig := w.fig
		w.mu.Unlock()
		if fig == nil {
			log.Error("computing the figures failed; /mrr cannot answer until a check succeeds", "err", err)
			return
		}
		log.Warn("refreshing the figures failed; /mrr answers with the last good ones", "err", err,
			"figures_read_at", fig.readAt.Format(time.RFC3339))
		return
	}
	w.mu.Lock()
	first := w.fig == nil
	w.mu.Unlock()
	b.install(newFigures(s, today, readAt))
	b.cli.metrics.refreshDone(resultOK)
	level := slog.LevelDebug
	if first {
		level = slog.LevelInfo // how long serve took to answer /mrr
	}
	log.Log(ctx, level, "figures computed", "as_of", today.String(), "took", b.cli.now().Sub(readAt).String())
}

// install makes fig the figures /mrr answers from, unless figures from a
// later read are there already.
func (b *bot) install(fig *figures) {
	w := &b.warm
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fig != nil && fig.readAt.Before(w.fig.readAt) {
		return
	}
	w.fig = fig
	if w.failed != nil && !fig.readAt.Before(w.failedAt) {
		w.failed = nil
	}
	b.cli.metrics.observeFigures(b.name, fig)
}

// current returns the figures to answer from, waiting up to firstWait
// for the first ones; stale is why they may be out of date (the error of
// the latest refresh), nil when they are not.
func (b *bot) current(ctx context.Context) (fig *figures, stale error, err error) {
	w := &b.warm
	w.init()
	select {
	case <-w.first:
	default:
		// Only before the first figures: a timer to wait for them.
		timer := time.NewTimer(b.firstWait)
		defer timer.Stop()
		select {
		case <-w.first:
		case <-timer.C:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case w.fig != nil:
		return w.fig, w.failed, nil
	case w.failed != nil:
		return nil, nil, w.failed
	}
	return nil, nil, errComputing
}

// staleNote says how old the figures are, when the latest refresh failed.
func (b *bot) staleNote(fig *figures) string {
	source := "spreadsheet"
	if b.flags.workbook != "" {
		source = "workbook"
	}
	return fmt.Sprintf("These figures were read %s (%s); reading the %s again failed, and the error is in mrrbot's log.",
		fig.readAt.In(b.loc).Format("2006-01-02 15:04 MST"), ago(b.cli.now().Sub(fig.readAt)), source)
}

// withNote adds note to msg, in its text and as a last block.
func withNote(msg notify.Message, note string) notify.Message {
	msg.Text += "\n" + note
	msg.Blocks = append(msg.Blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, "_"+note+"_", false, false)))
	return msg
}

// ago says how long ago d was, for people: "just now", "5 minutes ago",
// "3 hours ago", "2 days ago".
func ago(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit + " ago"
		}
		return fmt.Sprintf("%d %ss ago", n, unit)
	}
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int64(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return plural(int64(d/time.Hour), "hour")
	}
	return plural(int64(d/(24*time.Hour)), "day")
}
