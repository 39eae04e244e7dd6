// Command mrrbot turns a subscriptions sheet into monthly recurring revenue
// figures: the month-by-month waterfall of New, Expansion, Reactivation,
// Contraction and Churn.
//
// Usage:
//
//	mrrbot compute (--input FILE.csv|.xlsx [--fx FILE.csv] | --spreadsheet ID|URL)
//	               [--currency USD] [--through YYYY-MM | --as-of YYYY-MM-DD]
//	               [--format table|json|csv]
//
// Run `mrrbot help` for every command.
//
// This package only wires: flags, the environment and the config file
// become a source and a sink (a Google spreadsheet through sheets/gsheets,
// a workbook through sheets/xlsx, a CSV file), a poster (notify), and
// serve's lifecycle. What is computed, read, written and posted lives in
// calc, sheets and its adapters, report and notify.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "mrrbot: %v\n", err)
		switch {
		case errors.Is(err, errUsage):
			os.Exit(2)
		case errors.Is(err, errTooManyProblems):
			os.Exit(3)
		}
		os.Exit(1)
	}
}

// errUsage marks errors in how mrrbot was called; main exits 2 for them.
var errUsage = errors.New("usage")

// usageError is a mistake on the command line, with what to do instead.
type usageError struct{ msg string }

func (e *usageError) Error() string        { return e.msg }
func (e *usageError) Is(target error) bool { return target == errUsage }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// cli is what every command needs from the world outside.
type cli struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
	now    func() time.Time
	// httpClient is the base client for Google; nil lets sheets make one.
	httpClient *http.Client
	log        *slog.Logger
	logLevel   slog.Level // --log-level
	logJSON    bool       // JSON lines (serve) instead of text
	// progress, when not nil, receives progress lines for long runs: the
	// terminal, when stderr is one.
	progress io.Writer
	// listening, when set, is told serve's address once it listens.
	listening func(addr string)
	// metricsListening, when set, is told the address of serve's
	// --metrics-addr once it listens.
	metricsListening func(addr string)
	// storeHook, when set, wraps every store a sync or refresh opens:
	// tests count and hold its reads there.
	storeHook func(store) store
	// warmed, when set, is told once serve's first refresh of every
	// report has ended, well or not.
	warmed func()
	// metrics counts syncs, API calls, slash commands and digest posts
	// for /metrics; serve sets it, and nil counts nothing.
	metrics *metrics
}

const usage = `mrrbot turns a subscriptions sheet into monthly recurring revenue figures.

Commands:
  compute   compute the monthly MRR waterfall and print it
  sync      compute and write the summary tabs into the spreadsheet or workbook
  digest    show a month's digest, or post it to Slack with --post
  serve     answer /mrr in Slack and post the monthly digest on a schedule
  demo      write a sample workbook, sync it, and show the digest (no credentials)
  doctor    check credentials, spreadsheet, Slack and serve setup, and say how to fix what is wrong
  books     close or reopen months, or show what was restated since the last sync
  auth      auth login: sign in to Google and save a token for sync
  help      show this help

Run "mrrbot COMMAND -h" for a command's flags.
`

// run is mrrbot without the process: arguments, environment and output are
// passed in, so tests drive it end to end.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := &cli{getenv: getenv, stdout: stdout, stderr: stderr, now: time.Now}
	if f, ok := stderr.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			c.progress = stderr
		}
	}
	return c.run(ctx, args)
}

func (c *cli) run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(c.stderr, usage)
		return usagef("no command given")
	}
	switch args[0] {
	case "compute":
		return c.compute(ctx, args[1:])
	case "sync":
		return c.sync(ctx, args[1:])
	case "demo":
		return c.demo(ctx, args[1:])
	case "auth":
		return c.auth(ctx, args[1:])
	case "digest":
		return c.digest(ctx, args[1:])
	case "serve":
		return c.serve(ctx, args[1:])
	case "doctor":
		return c.doctor(ctx, args[1:])
	case "books":
		return c.books(ctx, args[1:])
	case "help", "-h", "-help", "--help":
		fmt.Fprint(c.stdout, usage)
		return nil
	}
	fmt.Fprint(c.stderr, usage)
	return usagef("unknown command %q", args[0])
}

// parseFlags parses a command's flags and refuses arguments after them.
// help is true when -h asked for the flags, which fs has printed.
func parseFlags(fs *flag.FlagSet, args []string, command string) (help bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return false, usagef("%s: %v", command, err)
	}
	if fs.NArg() > 0 {
		return false, usagef("%s: unexpected argument %q", command, fs.Arg(0))
	}
	return false, nil
}
