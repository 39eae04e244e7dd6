package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/report"
	"github.com/mrrbot/mrrbot/sheets"
)

func (c *cli) books(ctx context.Context, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && !isHelpArg(args[0]) {
		return usagef("books: want close, reopen or diff")
	}
	verb := args[0]
	if isHelpArg(verb) {
		return c.printHelp("books", nil)
	}
	switch verb {
	case "close", "reopen", "diff":
	default:
		return usagef("books: unknown %q: want close, reopen or diff", verb)
	}
	err := c.booksVerb(ctx, verb, args[1:])
	return withCommand(err, "books "+verb)
}

// booksVerb runs books close, reopen or diff. Each registers what it uses:
// --through only for close, --yes only for reopen; none writes the bot's
// tabs or reads segments.
func (c *cli) booksVerb(ctx context.Context, verb string, args []string) error {
	fs := flag.NewFlagSet("books "+verb, flag.ContinueOnError)
	f := newSyncFlags()
	f.registerStore(fs, c.getenv)
	f.registerRead(fs, c.getenv)
	c.logFlags(fs)
	fs.StringVar(&f.per.asOf, "as-of", "", "measure the figures on `YYYY-MM-DD` (default today)")
	var through string
	var yes bool
	switch verb {
	case "close":
		fs.StringVar(&through, "through", "", "close the months through `YYYY-MM` (required)")
	case "reopen":
		fs.BoolVar(&yes, "yes", false, "yes, let the sheet's figures replace the closed months' (required)")
	}
	if help, err := c.parseFlags(fs, args); help || err != nil {
		return err
	}
	// For books, --through is the last month to close; the figures are
	// as of --as-of, or today.
	var closeThrough calc.Month
	switch {
	case verb == "close" && through == "":
		return usagef("books close: give --through YYYY-MM, the last month to close")
	case verb == "close":
		m, err := calc.ParseMonth(through)
		if err != nil {
			return usagef("--through: %v", err)
		}
		closeThrough = m
	case verb == "reopen" && !yes:
		return usagef("books reopen: the closed months will take the sheet's figures again, restatements and all; run again with --yes to do it")
	}
	f.dryRun = true // books writes only its own tab, below
	s, err := c.runSync(ctx, &f)
	if err != nil {
		return err
	}
	switch verb {
	case "diff":
		c.printRestated(s)
		return nil
	case "reopen":
		if s.loaded.Books == nil || s.loaded.Books.Closed == 0 {
			fmt.Fprintln(c.stdout, "No months are closed.")
			return nil
		}
		s.books.Closed = 0
		if _, err := s.write(ctx, []sheets.Tab{sheets.HistoryTab(*s.books)}); err != nil {
			return fmt.Errorf("books reopen: %w", err)
		}
		fmt.Fprintf(c.stdout, "Reopened the months through %s of %s: syncs show the sheet's figures again.\n", s.loaded.Books.Closed, s.title)
		return nil
	}
	// close
	if closeThrough > s.books.History.Through {
		return fmt.Errorf("books close: %s has not ended; the last month that has is %s", closeThrough, s.books.History.Through)
	}
	if old := s.loaded.Books; old != nil && old.Closed > closeThrough {
		return fmt.Errorf("books close: the months through %s are closed already; to close fewer, reopen first", old.Closed)
	}
	if len(s.restated) > 0 {
		fmt.Fprintln(c.stdout, "Closing with these restatements, as the sheet has them now:")
		c.printRestated(s)
	}
	s.books.Closed = closeThrough
	if _, err := s.write(ctx, []sheets.Tab{sheets.HistoryTab(*s.books)}); err != nil {
		return fmt.Errorf("books close: %w", err)
	}
	fmt.Fprintf(c.stdout, "Closed the months through %s of %s. With --books locked, syncs keep their figures; `mrrbot books reopen --yes` undoes it.\n", closeThrough, s.title)
	return nil
}

// printRestated lists what changed in the closed months since the last
// sync recorded them.
func (c *cli) printRestated(s *synced) {
	old := s.loaded.Books
	switch {
	case old == nil:
		fmt.Fprintln(c.stdout, "Nothing is recorded yet: run `mrrbot sync` first; the next sync compares with it.")
		return
	case len(s.restated) == 0:
		fmt.Fprintf(c.stdout, "No restatements: the months through %s match what was recorded.\n", old.History.Through)
		return
	}
	fmt.Fprintf(c.stdout, "%d restated customer-months through %s:\n", len(s.restated), old.History.Through)
	names := customerNames(s.result.Customers)
	for _, r := range s.restated {
		fmt.Fprintf(c.stdout, "  %s\n", report.RestatedLine(r, names[r.Customer], s.result.Currency))
	}
}
