package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

// command is what the help says of a command beside its flags, which come
// from the command's own flag.FlagSet: the help lists exactly the flags
// the command takes.
type command struct {
	name     string   // "compute", "books close"
	summary  string   // one line, for the list of commands
	synopsis []string // its forms, required flags first
	about    string   // a paragraph: what it does
	env      []string // the environment variables it reads
	examples []string
	subs     []string // a command of commands (books, auth): its subcommands
}

// commands are mrrbot's commands and subcommands, in the order the list
// shows them.
var commands = []command{{
	name:     "compute",
	summary:  "compute the monthly MRR waterfall and print it",
	synopsis: []string{"mrrbot compute (--input FILE.csv|.tsv|.xlsx [--fx FILE.csv] | --spreadsheet ID|URL) [flags]"},
	about: "Reads the subscriptions from a CSV, TSV or .xlsx file, or from a Google spreadsheet, " +
		"and prints the month-by-month waterfall (New, Expansion, Reactivation, Contraction, Churn), ARR, " +
		"customers and the ratios, as a table, JSON or CSV. It never writes: rows with problems are listed " +
		"on stderr (or in the JSON) and left out of the figures. Exit status 0 with figures (even with bad rows), " +
		"1 when the input cannot be read as a table, 2 for a mistake on the command line, 3 when more rows " +
		"were left out than --max-problems allows.",
	env: []string{"MRRBOT_SPREADSHEET", "MRRBOT_CURRENCY", "MRRBOT_TIMEZONE", "GOOGLE_APPLICATION_CREDENTIALS", "MRRBOT_SHEETS_ENDPOINT"},
	examples: []string{
		"mrrbot compute --input subscriptions.csv --through 2026-10",
		"mrrbot compute --spreadsheet https://docs.google.com/spreadsheets/d/1AbC/edit --format json",
	},
}, {
	name:    "sync",
	summary: "compute and write the summary tabs into the spreadsheet or workbook",
	synopsis: []string{
		"mrrbot sync (--spreadsheet ID|URL | --workbook FILE.xlsx) [flags]",
		"mrrbot sync --config FILE [flags]",
	},
	about: "Reads the subscriptions tab (and the FX tab, if there is one), computes, and writes the tabs " +
		"that belong to mrrbot: MRR Summary, MRR Chart, MRR Movements, Data Issues, MRR Cohorts and MRR by Segment, " +
		"in one write. Nothing else in the spreadsheet is written. Rows with problems are listed on the Data Issues " +
		"tab and left out; the sync still succeeds. With --config, each report of the file is synced.",
	env: []string{"MRRBOT_SPREADSHEET", "MRRBOT_CURRENCY", "MRRBOT_TIMEZONE", "MRRBOT_CONFIG", "GOOGLE_APPLICATION_CREDENTIALS", "MRRBOT_SHEETS_ENDPOINT", "GOMEMLIMIT"},
	examples: []string{
		"mrrbot sync --spreadsheet 1AbC --segment Region",
		"mrrbot sync --workbook subscriptions.xlsx --dry-run --through 2026-10",
	},
}, {
	name:    "digest",
	summary: "show a month's digest, or post it to Slack with --post",
	synopsis: []string{
		"mrrbot digest (--spreadsheet ID|URL | --workbook FILE.xlsx) [--month YYYY-MM] [--post [--force]] [flags]",
		"mrrbot digest --config FILE [--report NAME] [--month YYYY-MM] [--post [--force]] [flags]",
	},
	about: "Prints the digest of a month (default: the last complete month): MRR, Net New, the five movements, " +
		"ARR, customers, the top movers, the committed MRR and what is scheduled to churn. With --post it posts it " +
		"to Slack with a chart of the last 12 months, once per month and channel (the ledger lives with the data); " +
		"--force posts again. It reads and never writes the bot's tabs.",
	env: []string{"MRRBOT_SPREADSHEET", "MRRBOT_CURRENCY", "MRRBOT_TIMEZONE", "MRRBOT_CONFIG", "GOOGLE_APPLICATION_CREDENTIALS", "MRRBOT_SHEETS_ENDPOINT", "GOMEMLIMIT",
		"SLACK_BOT_TOKEN", "SLACK_CHANNEL", "SLACK_WEBHOOK_URL", "SLACK_API_URL"},
	examples: []string{
		"mrrbot digest --workbook subscriptions.xlsx --month 2026-10",
		"SLACK_BOT_TOKEN=xoxb-… SLACK_CHANNEL=C0123456789 mrrbot digest --spreadsheet 1AbC --post",
	},
}, {
	name:    "serve",
	summary: "answer /mrr in Slack and post the monthly digest on a schedule",
	synopsis: []string{
		"mrrbot serve (--spreadsheet ID|URL | --workbook FILE.xlsx) [flags]",
		"mrrbot serve --config FILE [flags]",
	},
	about: "Answers /mrr, /mrr YYYY-MM, /mrr sync and /mrr help on POST /slack/commands (with SLACK_SIGNING_SECRET) " +
		"or over Socket Mode (with SLACK_APP_TOKEN), for the members of the report's channel; serves GET /healthz " +
		"and GET /metrics; and posts the monthly digest on its schedule. Logs are JSON lines on stderr; SIGTERM stops it gracefully.",
	env: []string{"MRRBOT_SPREADSHEET", "MRRBOT_CURRENCY", "MRRBOT_TIMEZONE", "MRRBOT_CONFIG", "MRRBOT_SCHEDULE", "GOOGLE_APPLICATION_CREDENTIALS", "MRRBOT_SHEETS_ENDPOINT", "GOMEMLIMIT",
		"SLACK_BOT_TOKEN", "SLACK_CHANNEL", "SLACK_WEBHOOK_URL", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL"},
	examples: []string{
		"SLACK_SIGNING_SECRET=… SLACK_BOT_TOKEN=xoxb-… SLACK_CHANNEL=C0123456789 mrrbot serve --spreadsheet 1AbC",
		"mrrbot serve --config mrrbot.yaml --addr :8080 --metrics-addr :9090",
	},
}, {
	name:     "demo",
	summary:  "write a sample workbook, sync it, and show the digest (no credentials)",
	synopsis: []string{"mrrbot demo [--out FILE.xlsx]"},
	about: "Writes a sample workbook (42 customers over two years, with upgrades, downgrades, churn, a reactivation, " +
		"euros and two rows with typos), syncs it as `mrrbot sync --segment Region` would, and prints the digest mrrbot " +
		"would post for the last complete month. It writes over a file only if the demo wrote it.",
	env: []string{"MRRBOT_TIMEZONE", "GOMEMLIMIT"},
	examples: []string{
		"mrrbot demo",
		"mrrbot demo --out /tmp/sample.xlsx",
	},
}, {
	name:     "doctor",
	summary:  "check credentials, spreadsheet, Slack and serve setup, and say how to fix what is wrong",
	synopsis: []string{"mrrbot doctor (--spreadsheet ID|URL | --workbook FILE.xlsx) [flags]"},
	about: "Checks the setup in the order a sync and a post need it: Google credentials, the spreadsheet opening, " +
		"the subscriptions tab and which header maps to which field, the rows and FX rates, the Slack token, its scopes " +
		"and the channel, and serve's signing secret or app token. It prints one line per check: ✓ fine, ! a warning " +
		"(rows with problems: sync leaves them out and lists them), ✗ a failure with the fix, – not checked. It writes " +
		"and posts nothing. Exit status 1 when a check failed; warnings leave it 0.",
	env: []string{"MRRBOT_SPREADSHEET", "MRRBOT_CURRENCY", "MRRBOT_CONFIG", "GOOGLE_APPLICATION_CREDENTIALS", "MRRBOT_SHEETS_ENDPOINT",
		"SLACK_BOT_TOKEN", "SLACK_CHANNEL", "SLACK_WEBHOOK_URL", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL"},
	examples: []string{
		"mrrbot doctor --spreadsheet https://docs.google.com/spreadsheets/d/1AbC/edit",
		"mrrbot doctor --workbook subscriptions.xlsx --tab Subs",
	},
}, {
	name:     "books",
	summary:  "close or reopen months, or show what was restated since the last sync",
	synopsis: []string{"mrrbot books (close --through YYYY-MM | reopen --yes | diff) (--spreadsheet ID|URL | --workbook FILE.xlsx) [flags]"},
	about: "Every sync records the month-end MRR of each customer for the months that have ended, in the hidden " +
		"tab _mrrbot_history. The next sync compares its figures with them: a closed month that changed is a " +
		"restatement, listed on the Data Issues tab and in the digest.",
	subs: []string{"books close", "books reopen", "books diff"},
	examples: []string{
		"mrrbot books close --through 2026-09 --spreadsheet 1AbC",
		"mrrbot books diff --workbook subscriptions.xlsx",
	},
}, {
	name:     "books close",
	summary:  "close the months through YYYY-MM",
	synopsis: []string{"mrrbot books close --through YYYY-MM (--spreadsheet ID|URL | --workbook FILE.xlsx) [flags]"},
	about: "Closes the months through YYYY-MM: with `sync --books locked`, syncs keep their recorded figures and the " +
		"first open month moves from them. It lists the restatements it closes with, and writes only the hidden history tab.",
	env: []string{"MRRBOT_SPREADSHEET", "MRRBOT_CURRENCY", "MRRBOT_TIMEZONE", "GOOGLE_APPLICATION_CREDENTIALS", "MRRBOT_SHEETS_ENDPOINT", "GOMEMLIMIT"},
	examples: []string{
		"mrrbot books close --through 2026-09 --spreadsheet 1AbC",
		"mrrbot books close --through 2026-09 --workbook subscriptions.xlsx",
	},
}, {
	name:     "books reopen",
	summary:  "undo a close",
	synopsis: []string{"mrrbot books reopen --yes (--spreadsheet ID|URL | --workbook FILE.xlsx) [flags]"},
	about: "Undoes `books close`: the closed months take the sheet's figures again, restatements and all. It asks " +
		"for --yes, and writes only the hidden history tab.",
	env: []string{"MRRBOT_SPREADSHEET", "MRRBOT_CURRENCY", "MRRBOT_TIMEZONE", "GOOGLE_APPLICATION_CREDENTIALS", "MRRBOT_SHEETS_ENDPOINT", "GOMEMLIMIT"},
	examples: []string{
		"mrrbot books reopen --yes --spreadsheet 1AbC",
		"mrrbot books reopen --yes --workbook subscriptions.xlsx",
	},
}, {
	name:     "books diff",
	summary:  "print the restatements since the last sync",
	synopsis: []string{"mrrbot books diff (--spreadsheet ID|URL | --workbook FILE.xlsx) [flags]"},
	about: "Prints the closed months that the sheet now gives other figures than the last sync recorded, customer " +
		"by customer, with the rows that explain them. It writes nothing.",
	env: []string{"MRRBOT_SPREADSHEET", "MRRBOT_CURRENCY", "MRRBOT_TIMEZONE", "GOOGLE_APPLICATION_CREDENTIALS", "MRRBOT_SHEETS_ENDPOINT", "GOMEMLIMIT"},
	examples: []string{
		"mrrbot books diff --spreadsheet 1AbC",
		"mrrbot books diff --workbook subscriptions.xlsx --as-of 2026-11-15",
	},
}, {
	name:     "auth",
	summary:  "auth login: sign in to Google and save a token for sync",
	synopsis: []string{"mrrbot auth login --client-secret FILE [--token FILE] [--no-browser]"},
	about:    "Signs in to Google for the commands that read or write a spreadsheet, when no service account is configured.",
	subs:     []string{"auth login"},
	examples: []string{
		"mrrbot auth login --client-secret client_secret.json",
		"mrrbot auth login --client-secret client_secret.json --no-browser",
	},
}, {
	name:     "auth login",
	summary:  "sign in to Google in your browser and save a token",
	synopsis: []string{"mrrbot auth login --client-secret FILE [--token FILE] [--no-browser]"},
	about: "Signs in to Google in your browser and saves a token that sync, compute, digest, serve, books and doctor " +
		"use when no service account is configured. FILE is an OAuth client of type \"Desktop app\", downloaded from the " +
		"Google Cloud console (APIs & Services → Credentials) when it is created. The token is saved with mode 0600.",
	env: []string{"MRRBOT_OAUTH_CLIENT"},
	examples: []string{
		"mrrbot auth login --client-secret client_secret.json",
		"mrrbot auth login --client-secret client_secret.json --no-browser --token /etc/mrrbot/token.json",
	},
}, {
	name:     "version",
	summary:  "print mrrbot's version, commit and Go version",
	synopsis: []string{"mrrbot version", "mrrbot --version"},
	about:    "Prints the module version and the commit mrrbot was built from (with \"(modified)\" when the tree had uncommitted changes), and the Go version that built it.",
	examples: []string{
		"mrrbot version",
		"mrrbot --version",
	},
}, {
	name:     "help",
	summary:  "show the commands, or a command's help",
	synopsis: []string{"mrrbot help [COMMAND [SUBCOMMAND]]", "mrrbot COMMAND -h"},
	about:    "Without a command, lists the commands. With one, prints its usage, what it does, its flags, the environment variables it reads and examples; `mrrbot COMMAND -h` and `--help` print the same.",
	examples: []string{
		"mrrbot help sync",
		"mrrbot help books close",
	},
}}

// lookupCommand returns the command named name.
func lookupCommand(name string) (command, bool) {
	for _, cmd := range commands {
		if cmd.name == name {
			return cmd, true
		}
	}
	return command{}, false
}

// envHelp says, for the help, what each environment variable sets.
var envHelp = map[string]string{
	"MRRBOT_SPREADSHEET":             "default for --spreadsheet",
	"MRRBOT_CURRENCY":                "reporting currency (default USD)",
	"MRRBOT_TIMEZONE":                "what \"today\" means, and the zone of serve's schedule (default: the machine's)",
	"MRRBOT_CONFIG":                  "default for --config",
	"MRRBOT_SCHEDULE":                "default for --schedule",
	"MRRBOT_OAUTH_CLIENT":            "default for --client-secret",
	"MRRBOT_SHEETS_ENDPOINT":         "base URL of a Sheets-compatible API (tests, proxies)",
	"GOOGLE_APPLICATION_CREDENTIALS": "service account key file (then the saved login, then ADC)",
	"GOMEMLIMIT":                     "memory limit; a workbook write that would not fit is refused",
	"SLACK_BOT_TOKEN":                "bot token (xoxb-…) to post and to look up channels and people",
	"SLACK_CHANNEL":                  "the channel the digest goes to: an ID (C0123456789) or #name",
	"SLACK_WEBHOOK_URL":              "or post with an incoming webhook",
	"SLACK_SIGNING_SECRET":           "verify /mrr requests over HTTP",
	"SLACK_APP_TOKEN":                "Socket Mode app-level token (xapp-…)",
	"SLACK_API_URL":                  "base URL of a Slack-compatible Web API (tests, proxies)",
}

// flagGroups put a command's flags under headings, in this order; a flag
// in none is under "Other flags".
var flagGroups = []struct {
	title string
	flags []string
}{
	{"Where the subscriptions are", []string{"input", "fx", "spreadsheet", "workbook", "config", "report", "credentials", "tab"}},
	{"How to read them", []string{"currency", "locale", "segment"}},
	{"What to report", []string{"month", "through", "as-of", "books", "format", "yes"}},
	{"What to write", []string{"dry-run", "summary-tab", "movements-tab", "issues-tab", "cohorts-tab", "segments-tab", "out"}},
	{"Slack", []string{"post", "force"}},
	{"Serving", []string{"addr", "metrics-addr", "schedule", "cache"}},
	{"Signing in", []string{"client-secret", "token", "no-browser"}},
}

// help prints the list of commands, or the help of the command args name.
func (c *cli) help(ctx context.Context, args []string) error {
	if len(args) == 0 {
		c.printCommands(c.stdout)
		return nil
	}
	if isHelpArg(args[0]) {
		return c.printHelp("help", nil)
	}
	name := strings.Join(args, " ")
	cmd, ok := lookupCommand(name)
	if !ok {
		return usagef("help: no command %q", name)
	}
	switch {
	case cmd.name == "help":
		return c.printHelp("help", nil)
	case cmd.subs != nil:
		return c.printHelp(cmd.name, nil)
	}
	// The command prints its own help, with the flags it registers.
	return c.run(ctx, append(args, "-h"))
}

// printCommands lists the commands.
func (c *cli) printCommands(w io.Writer) {
	fmt.Fprint(w, "mrrbot turns a subscriptions sheet into monthly recurring revenue figures.\n\nUsage: mrrbot COMMAND [flags]\n\nCommands:\n")
	for _, cmd := range commands {
		if strings.Contains(cmd.name, " ") {
			continue
		}
		fmt.Fprintf(w, "  %-9s %s\n", cmd.name, cmd.summary)
	}
	fmt.Fprint(w, "\nRun 'mrrbot help COMMAND' or 'mrrbot COMMAND -h' for a command's flags, environment and examples.\n")
}

// printHelp prints the help of the command named name on stdout: its
// synopsis, what it does, its flags (those fs holds; nil for none), the
// environment variables it reads and examples.
func (c *cli) printHelp(name string, fs *flag.FlagSet) error {
	cmd, ok := lookupCommand(name)
	if !ok {
		return fmt.Errorf("no help for %q", name)
	}
	w := c.stdout
	for i, s := range cmd.synopsis {
		lead := "Usage: "
		if i > 0 {
			lead = "       "
		}
		fmt.Fprintln(w, lead+s)
	}
	fmt.Fprintln(w)
	fmt.Fprint(w, wrap(cmd.about, "", 78))
	if len(cmd.subs) > 0 {
		fmt.Fprint(w, "\nCommands:\n")
		for _, s := range cmd.subs {
			sub, _ := lookupCommand(s)
			fmt.Fprintf(w, "  %-14s %s\n", s, sub.summary)
		}
		fmt.Fprintf(w, "\nRun 'mrrbot %s -h' for a command's flags.\n", cmd.subs[0])
	}
	switch {
	case fs != nil:
		printFlags(w, fs)
	case len(cmd.subs) == 0:
		fmt.Fprint(w, "\nFlags: none\n")
	}
	if len(cmd.subs) == 0 {
		fmt.Fprint(w, "\nEnvironment:\n")
		if len(cmd.env) == 0 {
			fmt.Fprint(w, "  none\n")
		}
		width := 0
		for _, e := range cmd.env {
			width = max(width, len(e))
		}
		for _, e := range cmd.env {
			fmt.Fprintf(w, "  %-*s  %s\n", width, e, envHelp[e])
		}
	}
	fmt.Fprint(w, "\nExamples:\n")
	for _, e := range cmd.examples {
		fmt.Fprintf(w, "  %s\n", e)
	}
	return nil
}

// printFlags prints the flags of fs under their headings, aligned, with
// their defaults.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	type line struct{ left, usage string }
	grouped := map[string][]line{}
	var order []string
	width := 0
	all := map[string]*flag.Flag{}
	fs.VisitAll(func(f *flag.Flag) { all[f.Name] = f })
	if len(all) == 0 {
		fmt.Fprint(w, "\nFlags: none\n")
		return
	}
	add := func(title string, f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		left := "--" + f.Name
		if arg != "" {
			left += " " + arg
		}
		if d := f.DefValue; d != "" && d != "false" && d != "0" && !strings.Contains(usage, "default") {
			usage += fmt.Sprintf(" (default %s)", d)
		}
		if _, ok := grouped[title]; !ok {
			order = append(order, title)
		}
		grouped[title] = append(grouped[title], line{left, usage})
		if len(left) <= 26 {
			width = max(width, len(left))
		}
		delete(all, f.Name)
	}
	for _, g := range flagGroups {
		for _, name := range g.flags {
			if f := fs.Lookup(name); f != nil {
				add(g.title, f)
			}
		}
	}
	fs.VisitAll(func(f *flag.Flag) {
		if _, ok := all[f.Name]; ok {
			add("Other flags", f)
		}
	})
	for _, title := range order {
		fmt.Fprintf(w, "\n%s:\n", title)
		for _, l := range grouped[title] {
			indent := strings.Repeat(" ", 2+width+2)
			if len(l.left) > width {
				fmt.Fprintf(w, "  %s\n%s", l.left, wrap(l.usage, indent, 78))
				continue
			}
			text := wrap(l.usage, indent, 78)
			fmt.Fprintf(w, "  %-*s  %s", width, l.left, strings.TrimPrefix(text, indent))
		}
	}
}

// wrap breaks s into lines of at most width columns, each starting with
// indent.
func wrap(s, indent string, width int) string {
	var b strings.Builder
	line := indent
	for _, word := range strings.Fields(s) {
		if len(line) > len(indent) && len([]rune(line))+1+len([]rune(word)) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += word
	}
	if len(line) > len(indent) {
		b.WriteString(line + "\n")
	}
	return b.String()
}

// version prints the module version and commit from the build
// information, and the Go version.
func (c *cli) version(args []string) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if help, err := c.parseFlags(fs, args); help || err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, versionLine())
	return nil
}

// versionLine is "mrrbot v1.2.3, commit 0123abcd… (modified), go1.26.0".
func versionLine() string {
	ver, commit := "(unknown)", ""
	modified := false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			ver = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	out := "mrrbot " + ver
	switch {
	case commit != "":
		out += ", commit " + commit
		if modified {
			out += " (modified)"
		}
	default:
		out += ", commit unknown (built without version control information)"
	}
	return out + ", " + runtime.Version()
}
