package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/notify"
	"github.com/mrrbot/mrrbot/report"
)

func (c *cli) digest(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("digest", flag.ContinueOnError)
	// A digest only reads: no tab names, no --dry-run; it measures a month
	// on its last day: --month, not --as-of or --through.
	f := newSyncFlags()
	f.registerStore(fs, c.getenv)
	f.registerRead(fs, c.getenv)
	f.registerSegments(fs)
	f.registerBooks(fs)
	c.logFlags(fs)
	month := fs.String("month", "", "the month to report, `YYYY-MM` (default: the last complete month)")
	post := fs.Bool("post", false, "post the digest to Slack (default: print it)")
	force := fs.Bool("force", false, "with --post: post even if this month's digest was posted to the channel before")
	config := fs.String("config", c.getenv("MRRBOT_CONFIG"), "config `FILE` listing several reports (default: MRRBOT_CONFIG)")
	reportName := fs.String("report", "", "with --config: the report's `NAME` (default: the only one)")
	var limit problemLimit
	limit.register(fs)
	if help, err := c.parseFlags(fs, args); help || err != nil {
		return err
	}
	if *force && !*post {
		return usagef("--force is for --post")
	}
	if *reportName != "" && *config == "" {
		return usagef("--report is for --config: it names one of the config file's reports")
	}
	if err := storeOrConfig(fs, *config); err != nil {
		return err
	}
	loc, err := c.location()
	if err != nil {
		return err
	}
	channel := c.getenv("SLACK_CHANNEL")
	if *config != "" {
		b, err := c.pickReport(&f, *config, *reportName)
		if err != nil {
			return err
		}
		f, loc, channel = b.flags, b.loc, b.channel
	}
	today := calc.DateFromTime(c.now().In(loc))
	m := today.Month() - 1
	if *month != "" {
		if m, err = calc.ParseMonth(*month); err != nil {
			return usagef("--month: %v", err)
		}
	}
	// The figures as of the month's last day, or today for this month;
	// reading only.
	f.dryRun = true
	f.per = period{asOf: min(m.LastDay(), today).String()}
	s, err := c.runSync(ctx, &f)
	if err != nil {
		return err
	}
	d, err := s.digest(m)
	if err != nil {
		// A digest that cannot be made still tells cron about the rows.
		return errors.Join(err, limit.check(s.leftOutRows(), ""))
	}
	if !*post {
		fmt.Fprint(c.stdout, d.Text())
		return limit.check(s.leftOutRows(), "")
	}
	poster, channel, err := c.poster(channel)
	if err != nil {
		return err
	}
	posted, err := notify.PostOnce(ctx, poster, s.ledger, notify.DigestKey(channel, m.String()), c.postNote(), digestMessage(s, d, m, c), *force)
	if err != nil {
		return fmt.Errorf("post digest: %w", err)
	}
	if !posted {
		fmt.Fprintf(c.stdout, "The %s digest was already posted to %s; --force posts it again.\n", m, channel)
		return limit.check(s.leftOutRows(), "")
	}
	fmt.Fprintf(c.stdout, "Posted the %s digest to %s.\n", m, channel)
	return limit.check(s.leftOutRows(), "")
}

// digest is the digest of month m. When every row of the sheet was left
// out there is none, and the error says so.
func (s *synced) digest(m calc.Month) (*report.Digest, error) {
	if len(s.result.Months) == 0 && s.allLeftOut() {
		return nil, fmt.Errorf("digest for %s: %s: `mrrbot compute` prints the problems, and a sync lists them in the %s tab",
			m, lowerFirst(report.LeftOutMessage(s.loaded.Rows)), report.DefaultTabNames.Issues)
	}
	d, err := report.NewDigest(s.result, m, report.IssueRows(s.errors, s.remarks), s.link)
	if err != nil {
		return nil, fmt.Errorf("digest for %s: %w", m, err)
	}
	d.Restated = report.RestatedLines(s.restated, customerNames(s.result.Customers), s.result.Currency)
	return d, nil
}

// digestMessage is the Slack message of a digest, with its chart when one
// can be drawn.
func digestMessage(s *synced, d *report.Digest, m calc.Month, c *cli) notify.Message {
	msg := notify.Message{Text: d.Headline(), Blocks: d.Blocks()}
	png, err := report.WaterfallPNG(s.result, m, 12)
	if err != nil {
		c.logger().Warn("no chart for the digest", "month", m.String(), "err", err)
		return msg
	}
	msg.Chart, msg.ChartName, msg.ChartAlt = png, "mrr-"+m.String()+".png", "MRR movements over the last 12 months"
	return msg
}

// poster is the configured way to post: a bot token and channel, or an
// incoming webhook. channel names it for the ledger.
func (c *cli) poster(ch string) (notify.Poster, string, error) {
	token, hook := c.getenv("SLACK_BOT_TOKEN"), c.getenv("SLACK_WEBHOOK_URL")
	switch {
	case token != "" && ch != "":
		return notify.NewSlack(notify.SlackConfig{
			Token: token, Channel: ch, APIURL: c.getenv("SLACK_API_URL"),
			HTTPClient: c.httpClient, Logger: c.logger(), Hooks: c.metrics.slackHooks(),
		}), ch, nil
	case token != "":
		return nil, "", usagef("SLACK_BOT_TOKEN is set but SLACK_CHANNEL is not: set the channel to post in (e.g. C0123456789 or #finance)")
	case hook != "":
		w := notify.NewWebhook(hook, c.httpClient, c.logger())
		w.SetHooks(c.metrics.slackHooks())
		return w, "webhook", nil
	}
	return nil, "", usagef("nowhere to post: set SLACK_BOT_TOKEN and SLACK_CHANNEL, or SLACK_WEBHOOK_URL")
}

// postNote says who posted, for the ledger.
func (c *cli) postNote() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("posted %s by %s", c.now().UTC().Format("2006-01-02T15:04:05Z"), host)
}

// pickReport returns the report of a config file named name, or its only
// report.
func (c *cli) pickReport(f *syncFlags, config, name string) (*bot, error) {
	bots, err := c.bots(f, config, "off")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, b := range bots {
		if b.name == name || name == "" && len(bots) == 1 {
			return b, nil
		}
		names = append(names, b.name)
	}
	if name == "" {
		return nil, usagef("%s has %d reports: pick one with --report (%s)", config, len(bots), strings.Join(names, ", "))
	}
	return nil, usagef("%s has no report %q (reports: %s)", config, name, strings.Join(names, ", "))
}
