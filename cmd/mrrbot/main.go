// Command mrrbot turns a subscriptions sheet into monthly recurring revenue
// figures: the month-by-month waterfall of New, Expansion, Reactivation,
// Contraction and Churn.
//
// Usage:
//
//	mrrbot compute (--input FILE.csv|.tsv|.xlsx [--fx FILE.csv] | --spreadsheet ID|URL)
//	               [--currency USD] [--through YYYY-MM | --as-of YYYY-MM-DD]
//	               [--format table|json|csv]
//
// Run `mrrbot help` for every command, and `mrrbot help COMMAND` (or
// `mrrbot COMMAND -h`) for one: the help is made from the table of
// commands in help.go and the command's own flag set.
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
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitStatus(err, os.Stderr))
}

// exitStatus prints err, once, on stderr and returns the exit status:
// 0 without an error, 2 for a mistake on the command line (with a line
// saying where the usage is), 3 for too many rows with problems, 1 for
// the rest.
func exitStatus(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "mrrbot: %v\n", err)
	var ue *usageError
	switch {
	case errors.As(err, &ue):
		if ue.cmd == "" {
			fmt.Fprintln(stderr, "Run 'mrrbot help' for the commands.")
		} else {
			fmt.Fprintf(stderr, "Run 'mrrbot %s -h' for usage.\n", ue.cmd)
		}
		return 2
	case errors.Is(err, errTooManyProblems):
		return 3
	}
	return 1
}

// errUsage marks errors in how mrrbot was called; main exits 2 for them.
var errUsage = errors.New("usage")

// usageError is a mistake on the command line, with what to do instead.
type usageError struct {
	msg string
	cmd string // the command whose usage to point at: "sync", "books close"; "" for mrrbot's
}

func (e *usageError) Error() string        { return e.msg }
func (e *usageError) Is(target error) bool { return target == errUsage }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// withCommand names the command of a usage error that does not name one
// yet, so that the error points at that command's help.
func withCommand(err error, cmd string) error {
	var ue *usageError
	if errors.As(err, &ue) && ue.cmd == "" {
		ue.cmd = cmd
	}
	return err
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
	// parsing, when set, is shown each command's flags before they are
	// parsed: tests list the flags every command takes.
	parsing func(fs *flag.FlagSet)
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
		c.printCommands(c.stderr)
		return usagef("no command given")
	}
	var err error
	switch args[0] {
	case "compute":
		err = c.compute(ctx, args[1:])
	case "sync":
		err = c.sync(ctx, args[1:])
	case "demo":
		err = c.demo(ctx, args[1:])
	case "auth":
		err = c.auth(ctx, args[1:])
	case "digest":
		err = c.digest(ctx, args[1:])
	case "serve":
		err = c.serve(ctx, args[1:])
	case "doctor":
		err = c.doctor(ctx, args[1:])
	case "books":
		err = c.books(ctx, args[1:])
	case "version", "-version", "--version":
		return withCommand(c.version(args[1:]), "version")
	case "help", "-h", "-help", "--help":
		return c.help(ctx, args[1:])
	default:
		return usagef("unknown command %q", args[0])
	}
	return withCommand(err, args[0])
}

// isHelpArg tells whether arg asks for help.
func isHelpArg(arg string) bool {
	switch arg {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}

// parseFlags parses a command's flags, named after the command, and
// refuses arguments after them. help is true when -h or --help asked for
// the command's help, which it has printed on stdout. The flag package
// prints nothing: a mistake is returned, to be printed once.
func (c *cli) parseFlags(fs *flag.FlagSet, args []string) (help bool, err error) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	command := fs.Name()
	if c.parsing != nil {
		c.parsing(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, c.printHelp(command, fs)
		}
		msg := err.Error()
		if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
			return false, &usageError{msg: refusedFlag(command, strings.TrimPrefix(name, "-")), cmd: command}
		}
		return false, &usageError{msg: fmt.Sprintf("%s: %s", command, msg), cmd: command}
	}
	if fs.NArg() > 0 {
		return false, &usageError{msg: fmt.Sprintf("%s: unexpected argument %q", command, fs.Arg(0)), cmd: command}
	}
	return false, nil
}

// refusedFlag says that command does not take --name, and what to do
// instead when there is something.
func refusedFlag(command, name string) string {
	msg := fmt.Sprintf("%s does not take --%s", command, name)
	if hint := refusedHints[command+" --"+name]; hint != "" {
		msg += ": " + hint
	}
	return msg
}

// refusedHints say what to do instead of a flag a command does not take,
// for the mistakes people make.
var refusedHints = map[string]string{
	"digest --as-of":         "a digest measures a month on its last day (or today, for this month); pick the month with --month",
	"digest --through":       "a digest measures a month on its last day (or today, for this month); pick the month with --month",
	"digest --dry-run":       "digest writes nothing; without --post it prints the digest",
	"serve --as-of":          "serve always answers as of today",
	"serve --through":        "serve always answers as of today",
	"serve --dry-run":        "serve writes the tabs only on /mrr sync",
	"books diff --through":   "--through is for books close",
	"books reopen --through": "--through is for books close",
	"doctor --dry-run":       "doctor only reads",
	"compute --workbook":     "compute reads a workbook with --input FILE.xlsx",
	"compute --dry-run":      "compute writes nothing",
}

// setFlags returns the flags given on the command line.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// storeOrConfig refuses --spreadsheet or --workbook given together with a
// config file, which names each report's spreadsheet itself.
func storeOrConfig(fs *flag.FlagSet, config string) error {
	if config == "" {
		return nil
	}
	set := setFlags(fs)
	for _, name := range []string{"spreadsheet", "workbook"} {
		if set[name] {
			if set["config"] {
				return usagef("give --%s or --config, not both: the config file names each report's spreadsheet or workbook", name)
			}
			return usagef("give --%s or --config, not both: MRRBOT_CONFIG is set to %s, which names each report's spreadsheet or workbook; unset it to use --%s", name, config, name)
		}
	}
	return nil
}
