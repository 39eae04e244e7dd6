package main

import (
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mrrbot/mrrbot/notify/slacktest"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// allBadRows is a subscriptions table whose three rows are all left out;
// row 4 has two problems.
var allBadRows = [][]string{
	{"Customer ID", "Plan", "Amount", "Start Date", "Interval"},
	{"", "Pro", "100", "2025-01-01", "monthly"},
	{"C2", "Pro", "-5", "2025-13-45", "monthly"},
	{"C3", "Pro", "abc", "2025-02-01", "fortnightly"},
}

func allBadCSV(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, rec := range allBadRows {
		b.WriteString(strings.Join(rec, ",") + "\n")
	}
	path := filepath.Join(t.TempDir(), "subs.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// allBadSheet puts allBadRows in the stand-in's spreadsheet, as text.
func allBadSheet(t *testing.T, srv *sheetstest.Server) {
	t.Helper()
	srv.AddSpreadsheet(sheetID, "Subscriptions 2026", "en_US")
	var rows [][]*sheetsapi.CellData
	for _, rec := range allBadRows {
		var row []*sheetsapi.CellData
		for _, v := range rec {
			row = append(row, sheetstest.String(v))
		}
		rows = append(rows, row)
	}
	srv.AddSheet(sheetID, "Subscriptions", 0, 0)
	srv.SetCells(sheetID, "Subscriptions!A1", rows)
}

// TestRowsLeftOutCountsRows: "Rows left out (N)" counts rows, not problems,
// and a sheet whose every row was left out says so rather than "No paying
// subscriptions".
func TestRowsLeftOutCountsRows(t *testing.T) {
	stdout, stderr, err := mrrbot(t, nil, "compute", "--input", allBadCSV(t), "--as-of", "2026-03-15")
	if err != nil {
		t.Fatal(err)
	}
	if want := "All 3 rows were left out: see the problems below.\n"; !strings.HasSuffix(stdout, want) || strings.Contains(stdout, "No paying") {
		t.Errorf("stdout:\n%s\nwant it to end %q", stdout, want)
	}
	if !strings.Contains(stderr, "Rows left out (3):\n") || strings.Count(stderr, "\n  row ") != 4 {
		t.Errorf("stderr:\n%s\nwant \"Rows left out (3):\" over four problems (row 4 has two)", stderr)
	}

	// A sheet with nothing wrong and nothing paying yet is another matter.
	trial := filepath.Join(t.TempDir(), "trial.csv")
	if err := os.WriteFile(trial, []byte("Customer ID,Amount,Start Date,Status\nC1,100,2025-01-01,trial\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, _, err = mrrbot(t, nil, "compute", "--input", trial, "--as-of", "2026-03-15")
	if err != nil || !strings.Contains(stdout, "No paying subscriptions by this date.") {
		t.Errorf("compute of a trial only: %v\n%s", err, stdout)
	}
}

// TestAllLeftOutDigestAndSlash: the digest and /mrr of a sheet whose every
// row was left out say that.
func TestAllLeftOutDigestAndSlash(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	allBadSheet(t, sheetsSrv)

	_, _, err := mrrbotAt(t, fixedNow, googleEnv(sheetsSrv), "digest", "--spreadsheet", sheetID, "--month", "2026-02")
	if err == nil || !strings.Contains(err.Error(), "all 3 rows were left out") || strings.Contains(err.Error(), "no paying") {
		t.Errorf("digest: %v, want it to say all 3 rows were left out", err)
	}

	stdout, _, err := mrrbotAt(t, fixedNow, googleEnv(sheetsSrv), "sync", "--spreadsheet", sheetID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "All 3 rows were left out: see the Data Issues tab.") {
		t.Errorf("sync:\n%s", stdout)
	}

	slackSrv := slacktest.New(t)
	addr, stop := serving(t, serveEnv(sheetsSrv, slackSrv))
	defer stop()
	for _, text := range []string{"", "2026-02"} {
		name := "r-" + text
		resp, err := http.DefaultClient.Do(slashRequest(t, addr, text, slackSrv.ResponseURL(name), fixedNow, signingSecret))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		replies := slackSrv.WaitReplies(name, 1, 10*time.Second)
		if len(replies) != 1 {
			t.Fatalf("/mrr %s: %d replies", text, len(replies))
		}
		if want := "All 3 rows were left out: `/mrr sync` lists the problems in the Data Issues tab."; replies[0].Text != want {
			t.Errorf("/mrr %s: %q, want %q", text, replies[0].Text, want)
		}
	}
}

// TestMaxProblems: --max-problems N makes compute, sync and digest fail
// with errTooManyProblems when more than N rows were left out (the
// fixture leaves out 8 and warns about 1, which does not count), after
// they wrote what they write.
func TestMaxProblems(t *testing.T) {
	input := []string{"--input", filepath.Join(fixture, "subscriptions.csv"), "--fx", filepath.Join(fixture, "fx.csv"), "--as-of", "2026-03-15"}
	for _, tt := range []struct {
		name     string
		args     []string
		over     bool
		written  string // in stdout
		problems bool   // listed on stderr
	}{
		{"compute at the limit", append([]string{"compute", "--max-problems", "8"}, input...), false, "2026-03 (to date)", true},
		{"compute over it", append([]string{"compute", "--max-problems", "7"}, input...), true, "2026-03 (to date)", true},
		{"compute json over it", append([]string{"compute", "--max-problems=0", "--format", "json"}, input...), true, `"to_date":true`, false},
		{"compute csv over it", append([]string{"compute", "--format", "csv", "--max-problems", "7"}, input...), true, "Month,Starting MRR", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := mrrbot(t, nil, tt.args...)
			if got := errors.Is(err, errTooManyProblems); got != tt.over {
				t.Fatalf("err = %v; over the limit %t, want %t", err, got, tt.over)
			}
			if !strings.Contains(stdout, tt.written) {
				t.Errorf("stdout lacks %q:\n%s", tt.written, stdout)
			}
			if tt.over && !strings.Contains(err.Error(), "8 rows have problems, more than --max-problems") {
				t.Errorf("err = %v", err)
			}
			if tt.problems && !strings.Contains(stderr, "Rows left out (8):") {
				t.Errorf("stderr lacks the problems:\n%s", stderr)
			}
		})
	}

	t.Run("sync and digest", func(t *testing.T) {
		book := fixtureWorkbook(t)
		stdout, _, err := mrrbotAt(t, fixedNow, nil, "sync", "--workbook", book, "--as-of", "2026-03-15", "--max-problems", "3")
		if !errors.Is(err, errTooManyProblems) {
			t.Fatalf("sync: %v, want too many problems", err)
		}
		if !strings.Contains(stdout, "Wrote to") || len(workbookRows(t, book, "MRR Summary")) != 13 {
			t.Errorf("sync over the limit did not write its tabs first:\n%s", stdout)
		}
		stdout, _, err = mrrbotAt(t, fixedNow, nil, "digest", "--workbook", book, "--month", "2026-02", "--max-problems", "3")
		if !errors.Is(err, errTooManyProblems) || !strings.Contains(stdout, "MRR for February 2026") {
			t.Errorf("digest: %v\n%s", err, stdout)
		}
		if _, _, err := mrrbotAt(t, fixedNow, nil, "digest", "--workbook", book, "--month", "2026-02", "--max-problems", "8"); err != nil {
			t.Errorf("digest at the limit: %v", err)
		}
	})

	t.Run("sync of a config file", func(t *testing.T) {
		// Two reports: the fixture leaves out 8 rows, the clean sheet none.
		sheetsSrv := sheetstest.New(t)
		fixtureSheet(t, sheetsSrv)
		sheetsSrv.AddSpreadsheet(secondSheet, "Clean", "en_US")
		sheetsSrv.AddSheet(secondSheet, "Subscriptions", 0, 0)
		sheetsSrv.SetCells(secondSheet, "Subscriptions!A1", [][]*sheetsapi.CellData{
			{sheetstest.String("Account"), sheetstest.String("Price"), sheetstest.String("Start")},
			{sheetstest.String("A-1"), sheetstest.Currency(500), sheetstest.Date(2025, 6, 1)},
		})
		config := writeConfig(t, "reports:\n  - name: us\n    spreadsheet: "+sheetID+"\n  - name: clean\n    spreadsheet: "+secondSheet+"\n")
		stdout, _, err := mrrbotAt(t, fixedNow, googleEnv(sheetsSrv), "sync", "--config", config, "--max-problems", "5")
		if !errors.Is(err, errTooManyProblems) || !strings.Contains(err.Error(), "report us: 8 rows") || strings.Contains(err.Error(), "clean") {
			t.Errorf("sync: %v, want report us over the limit", err)
		}
		if strings.Count(stdout, "Wrote to") != 2 {
			t.Errorf("both reports should be synced first:\n%s", stdout)
		}
	})

	t.Run("bad value", func(t *testing.T) {
		for _, v := range []string{"-1", "many", ""} {
			if _, _, err := mrrbot(t, nil, append([]string{"compute", "--max-problems", v}, input...)...); !isUsage(err) {
				t.Errorf("--max-problems %q: %v, want a usage error", v, err)
			}
		}
	})
}

// TestMaxProblemsExitStatus runs mrrbot as a process: over the limit it
// prints its figures and exits with status 3.
func TestMaxProblemsExitStatus(t *testing.T) {
	cmd := exec.Command(os.Args[0], "compute", "--input", filepath.Join(fixture, "subscriptions.csv"),
		"--fx", filepath.Join(fixture, "fx.csv"), "--as-of", "2026-03-15", "--max-problems", "2")
	cmd.Env = append(os.Environ(), "MRRBOT_TEST_RUN_MAIN=1")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("exit: %v, want status 3\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "2,908.13") {
		t.Errorf("no figures before the exit:\n%s", stdout.String())
	}
	if !strings.Contains(stderr.String(), "mrrbot: 8 rows have problems, more than --max-problems 2 allows") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
}
