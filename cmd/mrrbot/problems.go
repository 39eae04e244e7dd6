package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/mrrbot/mrrbot/report"
)

// errTooManyProblems marks a run that did its work but found more rows
// with problems than --max-problems allows; main exits 3 for it, so that
// cron can tell a sheet that needs care from a run that failed.
var errTooManyProblems = errors.New("too many rows with problems")

// problemsError says how many rows had problems, over the limit.
type problemsError struct {
	report string // the config file's report, or ""
	rows   int
	max    int
}

func (e *problemsError) Error() string {
	what := fmt.Sprintf("%d rows have problems, more than --max-problems %d allows", e.rows, e.max)
	if e.rows == 1 {
		what = fmt.Sprintf("1 row has problems, more than --max-problems %d allows", e.max)
	}
	if e.report != "" {
		return "report " + e.report + ": " + what
	}
	return what
}

func (e *problemsError) Is(target error) bool { return target == errTooManyProblems }

// problemLimit is --max-problems of compute, sync and digest: the number
// of rows with problems a run may find before it exits with status 3. A
// row with problems is one left out of the figures (of the subscriptions,
// or of the FX table); warnings, about rows that were counted, do not
// count. The run writes, prints or posts what it would anyway first.
type problemLimit int

// noLimit is --max-problems when it is not given.
const noLimit problemLimit = -1

func (p *problemLimit) register(fs *flag.FlagSet) {
	*p = noLimit
	fs.Func("max-problems", "exit with status 3, after the run's output, when more than `N` rows were left out with problems (for cron; warnings do not count)", func(v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			return fmt.Errorf("want a number of rows, 0 or more")
		}
		*p = problemLimit(n)
		return nil
	})
}

// check returns a *problemsError when rows is over the limit.
func (p problemLimit) check(rows int, reportName string) error {
	if p == noLimit || rows <= int(p) {
		return nil
	}
	return &problemsError{report: reportName, rows: rows, max: int(p)}
}

// leftOutRows is the number of rows, of the subscriptions and of the FX
// table, left out with problems.
func (s *synced) leftOutRows() int { return report.IssueRows(s.errors) }

// allLeftOut tells whether the sheet had rows and every one was left out,
// so that there are no figures because of its problems.
func (s *synced) allLeftOut() bool { return report.AllLeftOut(s.loaded.Rows, s.errors) }

// lowerFirst puts a sentence inside an error message: "All 12 rows …"
// becomes "all 12 rows …".
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
