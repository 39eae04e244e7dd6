package sheets

import (
	"context"
	"fmt"
)

// A place that holds subscriptions (a Google spreadsheet, a workbook, a
// CSV file) is read through a Source; one the bot may write into (a
// spreadsheet, a workbook) is also a Sink. The adapters live beside this
// package: sheets/xlsx for workbooks, sheets/gsheets for Google Sheets,
// and the in-memory one of sheets/sheetstest for tests; each of them runs
// sheetstest.RunContract, so that they all keep this contract the same way.

// Source is where the subscriptions come from.
type Source interface {
	// Layout says what the source is and which tabs it has, without
	// reading their cells.
	Layout(ctx context.Context) (*Layout, error)
	// Load reads the subscriptions tab (opts.Tab), the FX tab when there
	// is one, and the bot's history tab when there is one, into a book.
	// A row that cannot be read is a row problem in the result, never an
	// error; the error is for a source or a table that cannot be read at
	// all (no such tab, no header row).
	Load(ctx context.Context, opts Options) (*Loaded, error)
}

// Sink is where the bot writes its tabs and keeps its posting ledger: the
// same spreadsheet or workbook the subscriptions are read from.
type Sink interface {
	// Write replaces the bot's tabs with tabs, all at once: a reader sees
	// the old tabs or the new ones, and a failure leaves the old ones.
	// A tab is the bot's by its Role, so one a person renamed is still
	// found and a flag that renames one renames the tab. A tab with the
	// name of one of tabs that the bot did not write is a person's: Write
	// returns a *TabConflictError and writes nothing. A tab that fails
	// [Tab.Check] is refused, and nothing is written. No other tab is
	// ever written.
	Write(ctx context.Context, tabs []Tab) (*WriteResult, error)
	// Ledger returns the posting ledger kept with the data, so that a
	// restart or a second host does not post a digest twice.
	Ledger() Ledger
}

// Ledger records which digests were posted.
//
// Claim reserves key with a note saying who posted and when. It returns
// true when this call made the claim, and false with no error when key
// was claimed before, here or on another host: of concurrent claims of
// one key, exactly one gets true. Any other failure is an error, and
// nothing was claimed. Release gives a claim back after a failed post;
// releasing a key that is not claimed does nothing. A Ledger is safe for
// concurrent use.
type Ledger interface {
	Claim(ctx context.Context, key, note string) (bool, error)
	Release(ctx context.Context, key string) error
}

// Layout is what a source is and holds, before its cells are read.
type Layout struct {
	// Name names the source in messages: `spreadsheet "Subscriptions
	// 2026"`, `workbook mrrbot-demo.xlsx`.
	Name string
	// Title is the spreadsheet's title, or the file's path.
	Title string
	// Link is where people open it: the spreadsheet's URL, or the file's
	// path.
	Link string
	// Locale is the spreadsheet's locale ("en_US"), or "" when the source
	// does not say.
	Locale string
	// Tabs are the source's tabs, in order, hidden ones included.
	Tabs []TabInfo
}

// TabInfo is one tab of a Layout.
type TabInfo struct {
	Title string
	// Role is the role of a tab the bot owns: one of its tabs ("summary",
	// "history"), its posting ledger (RoleLedger) or a leftover of a write
	// that failed part way (RoleStaging). A person's tab has none.
	Role   string
	Hidden bool
}

// Roles of the tabs a sink keeps for itself, beside the tabs it writes.
const (
	// RoleLedger marks a tab of the posting ledger.
	RoleLedger = "ledger"
	// RoleStaging marks a hidden tab that a large write filled and did
	// not get to swap in; the next write removes it.
	RoleStaging = "staging"
)

// Titles returns the titles of the tabs, in order.
func (l *Layout) Titles() []string {
	titles := make([]string, len(l.Tabs))
	for i, t := range l.Tabs {
		titles[i] = t.Title
	}
	return titles
}

// WriteResult tells what a write did to the tabs it was given, by title.
type WriteResult struct {
	// Created are the tabs the write added.
	Created []string
	// Updated are the bot's tabs the write replaced (and renamed, when the
	// title changed).
	Updated []string
}

// TabConflictError reports that a tab with the title of one of the bot's
// tabs exists and is not the bot's: it is a person's, and the bot does not
// overwrite it.
type TabConflictError struct {
	// Tab is the title of the person's tab.
	Tab string
	// Role is the role of the bot tab that wanted the title.
	Role string
}

// Error says which tab is in the way and how to get past it.
func (e *TabConflictError) Error() string {
	msg := fmt.Sprintf("tab %q exists and was not written by mrrbot; rename it, or pick another name for mrrbot's tab", e.Tab)
	if flag := tabFlag(e.Role); flag != "" {
		msg += " with " + flag
	}
	return msg
}

// tabFlag names the command-line flag that picks another title for the
// bot tab of role, or "" for a role no flag names.
func tabFlag(role string) string {
	switch role {
	case RoleSummary:
		return "--summary-tab"
	case RoleMovements:
		return "--movements-tab"
	case RoleIssues:
		return "--issues-tab"
	case RoleCohorts:
		return "--cohorts-tab"
	case RoleSegments:
		return "--segments-tab"
	}
	return ""
}
